"""The forms dance tunes, chorales, quartets and piano pieces are written in: real tunes of
each tradition's dance form and the pieces in voices against the pieces ``tunesmith
evaluate`` wrote for those prompts.

    python benchmarks/forms.py --dataset datasets/default runs/eval-a runs/eval-b

A form is ``abc.sections.layout``'s spelling: each part's bars, ``:`` after one played twice
("4: 8", a Scottish strathspey's 4-bar part twice and an 8-bar one; a chorale's read in its
first voice, whose barlines all voices share). For each tradition and form of ``FORMS`` in
the training split (the dance forms, ``evaluation.structure.DANCE_FORMS``, the chorale, the
quartet and the piano piece), the tunes read, the share repeating a part
(``structure.repeats``: signs, or four bars played again) and their commonest forms; then
the same for the pieces of each prompt asking one of those forms, pooled over the report
folders given (several draws of one sampler). What ``Composer`` plans a piece's parts from.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from _beside_real import reproduce

from tunesmith.abc import Tune, parse
from tunesmith.abc.sections import layout
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.generated import Asked
from tunesmith.evaluation.structure import DANCE_FORMS, repeats

FORMS = (*DANCE_FORMS, "chorale", "quartet", "piano")  # the last three written in voices


def line(name: str, tunes: list[Tune]) -> str:
    forms = Counter(layout(t) or "(two endings, or unread)" for t in tunes)
    common = ", ".join(f"{form} ({n})" for form, n in forms.most_common(4))
    share = sum(map(repeats, tunes)) / len(tunes)
    return f"| {name} | {len(tunes)} | {share:.0%} | {common} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("reports", type=Path, nargs="*", help="tunesmith evaluate --report folders")
    args = parser.parse_args()
    print("| tunes | read | repeating a part | commonest forms (tunes) |\n"
          "|---|---:|---:|---|")
    real: dict[tuple[str, str], list[Tune]] = defaultdict(list)
    for tune in Dataset(args.dataset).tunes("train"):
        form = tune.labels.get("form")
        if form in FORMS:
            real[tune.labels.get("tradition") or "-", form].append(tune)
    for (tradition, form), tunes in sorted(real.items()):
        if len(tunes) >= 10:
            print(line(f"training split, {tradition} {form}", tunes))
    made: dict[str, list[Tune]] = defaultdict(list)
    for folder in args.reports:
        for path in sorted((folder / "samples").glob("*.json")):
            saved = json.loads(path.read_text(encoding="utf-8"))
            if Asked.of(saved["prompt"]).labels.get("form") in FORMS:
                made[saved["prompt"]] += [parse(abc) for abc in saved["abc"]]
    for prompt, tunes in made.items():
        print(line(f"generated, {prompt}", tunes))
    print(reproduce())


if __name__ == "__main__":
    main()

"""The rhythm of each dance form, real against generated: the share of dotted notes (3/16 of a
whole note, the long half of a dotted pair or a Scotch snap) and of sixteenths.

    python benchmarks/dance_rhythms.py --dataset datasets/default runs/eval-a runs/eval-b

Real: the train split's tunes of each form (the test split has too few strathspeys and
hornpipes); generated: the pieces of each ``tunesmith evaluate --report`` folder whose prompt
asked that form. A strathspey is its dotted pairs and snaps (``A>B``, ``A<B``), a hornpipe
often so; a reel or jig runs in even notes. The real ones are also counted by tradition.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from tunesmith.abc import parse
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.distributions import FEATURES, histograms
from tunesmith.evaluation.generated import Asked
from tunesmith.evaluation.structure import DANCE_FORMS

DOTTED, SIXTEENTH = (FEATURES["note_length"].index(b) for b in ("3/16", "1/16"))


def shares(counts: list[np.ndarray]) -> str:
    """'dotted% / sixteenths%' of pooled note-length counts, or a dash for none."""
    total = np.sum(counts, axis=0) if counts else None
    if total is None or not total.sum():
        return "–"
    return f"{total[DOTTED] / total.sum():.1%} / {total[SIXTEENTH] / total.sum():.1%}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("reports", nargs="*", type=Path)
    args = parser.parse_args()
    if not Dataset(args.dataset).exists():
        print(f"dance_rhythms.py: no dataset at {args.dataset}", file=sys.stderr)
        return 2
    real: dict[str, list[np.ndarray]] = defaultdict(list)
    by_tradition: dict[tuple[str, str], list[np.ndarray]] = defaultdict(list)
    for tune in Dataset(args.dataset).tunes("train"):
        if tune.labels.get("form") in DANCE_FORMS:
            lengths = histograms(tune)["note_length"]
            real[tune.labels["form"]].append(lengths)
            by_tradition[tune.labels["form"], tune.labels.get("tradition") or "–"].append(lengths)
    made: dict[Path, dict[str, list[np.ndarray]]] = {}
    for report in args.reports:
        made[report] = defaultdict(list)
        for path in sorted((report / "samples").glob("*.json")):
            saved = json.loads(path.read_text(encoding="utf-8"))
            form = Asked.of(saved["prompt"]).labels.get("form")
            if form in DANCE_FORMS:
                made[report][form] += [histograms(parse(abc))["note_length"]
                                       for abc in saved["abc"]]
    forms = sorted(real)
    print("dotted notes (3/16) / sixteenths, as shares of all notes\n")
    print("| form | real (train) | " + " | ".join(str(r) for r in args.reports) + " |")
    print("|---|---:|" + "---:|" * len(args.reports))
    for form in forms:
        cells = [shares(made[r][form]) for r in args.reports]
        print(f"| {form} ({len(real[form])} tunes) | {shares(real[form])} | "
              + " | ".join(cells) + " |")
    print("\nthe real ones by tradition (a reel is dotted by Scots, not by O'Neill)\n")
    print("| form | tradition | tunes | dotted / sixteenths |\n|---|---|---:|---:|")
    for (form, tradition), rows in sorted(by_tradition.items()):
        print(f"| {form} | {tradition} | {len(rows)} | {shares(rows)} |")
    print(f"\nreproduce: python benchmarks/dance_rhythms.py --dataset {args.dataset} "
          + " ".join(str(r) for r in args.reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What makes the style judge hear a prompt's pieces in another label than the one asked.

    python benchmarks/judge_features.py --prompt 爱尔兰吉格舞曲 --dimension tradition \
        runs/s27/eval-IR-s0 runs/s27/eval-IR-s100

The judge is linear over the mean of its features (``models.style_classifier.words``), so a
feature's part in a verdict can be read off: its embedding times the difference between the
heard label's head and the asked one's, over the piece's number of features. Summed over the
pieces of the ``tunesmith evaluate --report`` folders that asked ``--prompt`` and were heard
otherwise in ``--dimension``, the features that pushed furthest come first: ``|:`` and ``::``
are why the suite's Irish jigs were heard American (O'Neill's books open no repeats, Ryan's
do), the barline why a strathspey was heard an air (few notes a bar).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from _beside_real import reproduce

from tunesmith.abc import parse
from tunesmith.evaluation.generated import saved_pieces
from tunesmith.models.judges import Judges
from tunesmith.models.style_classifier import features, words


def pushes(judges: Judges, abc: str, dimension: str, asked: str) -> tuple[str, Counter]:
    """The label the judge hears in the piece, and each feature's push from ``asked`` to it."""
    tune = parse(abc)
    heard = judges.styles([tune])[0][dimension]
    classes, style = judges.style.classes[dimension], judges.style
    head = style.heads[dimension].weight.detach()
    toward = head[classes.index(heard)] - head[classes.index(asked)]
    read = words(tune)
    embedded = style.embed.weight.detach()[features(tune)] @ toward
    push: Counter = Counter()
    for word, part in zip(read, embedded.tolist(), strict=True):
        push[word] += part / len(read)
    return heard, push


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--dimension", required=True, choices=("tradition", "form", "period"))
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("reports", type=Path, nargs="+", help="tunesmith evaluate --report folders")
    args = parser.parse_args()
    judges = Judges.load()
    total: Counter = Counter()
    misheard = pieces = 0
    for folder in args.reports:
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        for piece, abc in zip(report["pieces"], saved_pieces(folder), strict=True):
            asked = piece["style"].get(args.dimension, {}).get("asked")
            if piece["prompt"] != args.prompt or asked is None:
                continue
            pieces += 1
            heard, push = pushes(judges, abc, args.dimension, asked)
            if heard != asked:
                misheard += 1
                total.update({(heard, word): part for word, part in push.items()})
    print(f"{misheard} of {pieces} pieces heard in another {args.dimension} than asked\n")
    print("| push (summed over them) | heard as | feature |\n|---:|---|---|")
    for (heard, word), part in total.most_common(args.top):
        print(f"| {part:.2f} | {heard} | `{word}` |")
    print(reproduce())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

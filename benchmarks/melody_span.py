"""How wide a real melody goes: the span (highest minus lowest note, in semitones) of each
one-voice tune, as percentiles, beside the sampler's limit ``MELODY_SPAN``; with report
folders of ``tunesmith evaluate``, the same for their melodies beside the test split's.

    python benchmarks/melody_span.py --dataset datasets/default [runs/eval-a runs/eval-b]

The limit is the 95th percentile of the training split's one-voice tunes: left alone, the
model's 32-bar melodies wander wider than real ones (docs/evaluation: pitch range). Each
melody draws its own limit below it from the spans of its style's training tunes
(``composer.typical_span``). ``--by-prompt`` prints each prompt's median beside the test
tunes alike it (as the evaluation compares them), report by report:

    python benchmarks/melody_span.py --dataset datasets/default --by-prompt runs/a0,runs/a1 runs/b0

(folders joined by commas are pooled, as several draws of one sampler).
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import suppress
from pathlib import Path

import numpy as np

from tunesmith.abc import Tune, parse
from tunesmith.abc.notes import melody_span
from tunesmith.abc.tune import AbcError
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.generated import Asked, alike, beside_real
from tunesmith.generate import MELODY_SPAN


def spans_of(tunes: list[Tune]) -> np.ndarray:
    """The span of each one-voice tune that has notes."""
    spans = []
    for tune in tunes:
        with suppress(AbcError, ValueError):
            if (span := melody_span(tune)) is not None:
                spans.append(span)
    return np.array(spans)


def by_prompt(dataset: Path, reports: list[Path]) -> None:
    """Median span of each prompt's melodies in each report (folders joined by commas
    pooled), beside real tunes alike it."""
    real = Dataset(dataset).tunes("test")
    pieces: dict[str, list[list[Tune]]] = {}
    for i, pooled in enumerate(reports):
        for path in sorted(p for folder in str(pooled).split(",")
                           for p in (Path(folder) / "samples").glob("*.json")):
            saved = json.loads(path.read_text(encoding="utf-8"))
            each = pieces.setdefault(saved["prompt"], [[] for _ in reports])
            each[i] += [parse(abc) for abc in saved["abc"]]
    print("| prompt | real alike | " + " | ".join(str(r) for r in reports) + " |\n"
          + "|---" * (len(reports) + 2) + "|")
    for prompt, tunes in pieces.items():
        cells = [spans_of(alike(real, Asked.of(prompt))), *map(spans_of, tunes)]
        if all(len(c) for c in cells):
            print(f"| {prompt} | " + " | ".join(f"{np.median(c):g}" for c in cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--split", default="train")
    parser.add_argument("reports", type=Path, nargs="*", help="tunesmith evaluate --report folders")
    parser.add_argument("--by-prompt", action="store_true",
                        help="each prompt's median span, beside the test tunes alike it")
    args = parser.parse_args()
    if args.by_prompt:
        by_prompt(args.dataset, args.reports)
        print(f"\nreproduce: python {' '.join(sys.argv)}")
        return
    spans = spans_of(Dataset(args.dataset).tunes(args.split))
    print(f"{len(spans)} one-voice tunes of the {args.split} split: span in semitones\n")
    print("| percentile | span |\n|---:|---:|")
    for q in (50, 75, 90, 95, 98, 99):
        print(f"| {q} | {np.percentile(spans, q):.0f} |")
    print(f"\nMELODY_SPAN = {MELODY_SPAN}: {np.mean(spans <= MELODY_SPAN):.1%} of these tunes "
          "span at most that")
    if args.reports:
        print("\n| melodies of | count | 25th | median | 75th | spanning 19 or more |\n"
              "|---|---:|---:|---:|---:|---:|")
        for name, tunes in beside_real(args.dataset, args.reports):
            each = spans_of(tunes)
            q25, q50, q75 = np.percentile(each, [25, 50, 75])
            print(f"| {name} | {len(each)} | {q25:g} | {q50:g} | {q75:g} | "
                  f"{np.mean(each >= 19):.1%} |")
    print(f"\nreproduce: python {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()

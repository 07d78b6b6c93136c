"""Where the bass of a piece with voices sits as it opens and as it goes on: the share of the
lowest voice's time on the tonic and the dominant in bars 1-4, 9-12 and 13-16, real pieces
against generated ones.

    python benchmarks/opening_bass.py --dataset datasets/default a=runs/eval-a-s0,runs/eval-a-s100

Real: every split's pieces of ``--form`` (quartet by default) written in a major or minor key;
generated: the pieces whose prompt is one of ``--prompts`` in each ``tunesmith evaluate
--report`` folder, or in each ``NAME=folder,folder,…`` pooled as one row. A real piece states
its key as it opens: Haydn's and Mozart's quartets have their bass on the tonic 39% of their
first four bars and 21% of bars 9-12, v8's 28% and 13%, on the dominant 35% of bars 9-12
(real 22%); v10, trained with a quarter of a long piece's rows read from its opening, 30% and
15%, 40% (docs/model-card.md, "v10").
"""

from __future__ import annotations

import argparse
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
from _beside_real import sampler_pieces

from tunesmith.abc import Tune, parse, parse_key
from tunesmith.abc.durations import meter_length
from tunesmith.abc.tune import AbcError
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.texture import by_voice

SPANS = ((0, 4), (8, 12), (12, 16))  # bars, counted from 0
TONIC, DOMINANT = 0, 7


def degrees(tune: Tune) -> dict[tuple[int, int], np.ndarray] | None:
    """Per span of bars, the share of the lowest voice's sounding time on each pitch class
    above the written tonic; None for a piece of one voice or in a church mode."""
    try:
        key = parse_key(tune.key)
        bar = meter_length(tune.meter) if tune.meter else Fraction(1)
    except (AbcError, ValueError):
        return None
    if key.pitch_class is None or key.mode not in ("major", "minor"):
        return None
    voices = by_voice(tune)
    if voices is None or len(voices) < 3:
        return None
    bass = min(voices.values(), key=lambda line: np.mean([n.pitch for n in line]))
    shares = {}
    for first, last in SPANS:
        time = np.zeros(12)
        for n in bass:
            if first * bar <= n.onset < last * bar:
                time[(n.pitch - key.pitch_class) % 12] += float(n.length)
        if time.sum():
            shares[(first, last)] = time / time.sum()
    return shares


def row(name: str, tunes: list[Tune]) -> str:
    measured = [d for t in tunes if (d := degrees(t)) is not None]
    cells = []
    for span in SPANS:
        kept = [d[span] for d in measured if span in d]
        mean = np.mean(kept, axis=0) if kept else np.full(12, np.nan)
        cells.append(f"{mean[TONIC]:.0%} / {mean[DOMINANT]:.0%}")
    return f"| {name} | {len(measured)} | " + " | ".join(cells) + " |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--form", default="quartet")
    parser.add_argument("--prompts", nargs="+", default=["古典主义", "a classical string quartet"])
    parser.add_argument("reports", nargs="*", help="report folders, or NAME=folder,folder,…")
    args = parser.parse_args()
    dataset = Dataset(args.dataset)
    if not dataset.exists():
        print(f"opening_bass.py: no dataset at {args.dataset}", file=sys.stderr)
        return 2
    real = [t for split in ("train", "valid", "test") for t in dataset.tunes(split)
            if t.labels.get("form") == args.form]
    print("the bass's time on the tonic / the dominant\n")
    print("| pieces | measured | bars 1-4 | bars 9-12 | bars 13-16 |\n|---|---:|---:|---:|---:|")
    print(row(f"real {args.form}s, every split", real))
    for spec in args.reports:
        name, pieces = sampler_pieces(spec)
        print(row(name, [parse(abc) for prompt, abc in pieces if prompt in args.prompts]))
    print(f"\nreproduce: python benchmarks/opening_bass.py --dataset {args.dataset} --form "
          f"{args.form} --prompts {' '.join(repr(p) for p in args.prompts)} "
          + " ".join(args.reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where each tradition's melodies lie, real against generated: the facts behind
``styles.MELODY_REGISTERS``, by which a canonical model's melody is set in its octave.

    python benchmarks/melody_registers.py --dataset datasets/default \
        now=runs/s35/eval-s0,runs/s35/eval-s100

The real side is every split's single-line tunes, by tradition; each NAME=REPORT[,REPORT...]
argument pools the single-line pieces the report folders (``tunesmith evaluate --report``)
hold, by the tradition their prompt asks (a prompt naming none is left out). For each: the
median over the tunes of their median pitch (MIDI) and its interquartile range, the lowest
and highest note of any, and the share of the tunes reaching under the fiddle's G (55) or
outside the tradition's compass in ``MELODY_REGISTERS``.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
from _beside_real import sampler_pieces

from tunesmith.abc import AbcError, Tune, parse
from tunesmith.abc.notes import notes
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.generated import Asked
from tunesmith.styles import MELODY_REGISTERS

SPLITS = ("train", "valid", "test")
FIDDLE_G = 55


def pitches(tune: Tune) -> list[int] | None:
    """A single line's sorted pitches; None for a piece in voices or one that will not read."""
    if "V:" in tune.body or any(name == "V" for name, _ in tune.fields):
        return None
    try:
        return sorted(n.pitch for n in notes(tune)) or None
    except AbcError:
        return None


def row(name: str, tradition: str, lines: list[list[int]]) -> str:
    medians = [p[len(p) // 2] for p in lines]
    compass = MELODY_REGISTERS.get(tradition)
    outside = (f"{np.mean([p[0] < compass[1] or p[-1] > compass[2] for p in lines]):.0%}"
               if compass else "–")
    return (f"| {name} | {tradition} | {len(lines)} | {np.median(medians):.0f} "
            f"({np.percentile(medians, 25):.0f}–{np.percentile(medians, 75):.0f}) | "
            f"{min(p[0] for p in lines)}–{max(p[-1] for p in lines)} | "
            f"{np.mean([p[0] < FIDDLE_G for p in lines]):.0%} | {outside} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("samplers", nargs="*", help="NAME=REPORT[,REPORT...]")
    args = parser.parse_args()
    data = Dataset(args.dataset)
    real: dict[str, list[list[int]]] = defaultdict(list)
    for split in SPLITS:
        for t in data.tunes(split):
            if (tradition := t.labels.get("tradition")) and (p := pitches(parse(t.abc))):
                real[tradition].append(p)
    print("| tunes | tradition | n | median pitch (quartiles) | lowest–highest | under G3 | "
          "outside the compass |")
    print("|---|---|---:|---|---|---:|---:|")
    for tradition, lines in sorted(real.items(), key=lambda kv: -len(kv[1])):
        print(row("real", tradition, lines))
    for sampler in args.samplers:
        name, pieces = sampler_pieces(sampler)
        made: dict[str, list[list[int]]] = defaultdict(list)
        for prompt, abc in pieces:
            tradition = Asked.of(prompt).labels.get("tradition")
            if tradition and (p := pitches(parse(abc))):
                made[tradition].append(p)
        for tradition, lines in sorted(made.items(), key=lambda kv: -len(kv[1])):
            print(row(name, tradition, lines))
    print(f"\npython benchmarks/melody_registers.py --dataset {args.dataset} "
          + " ".join(args.samplers))


if __name__ == "__main__":
    main()

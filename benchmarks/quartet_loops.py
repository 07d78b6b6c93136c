"""How often a string quartet falls into a loop, at each classifier-free guidance.

    python benchmarks/quartet_loops.py --dataset datasets/default --guidance 1 1.5 \
        --seeds $(seq 0 23) $(seq 1000 1031) $(seq 2000 2063)

Two loops the bundled model's quartets fall into, which no real quartet movement of the
corpus comes near: a bar's rhythm written again with its short rest in every bar and voice
(``z/ gg/>g/ z/ g|z/ f/F/>F/ z/ _DF/|``: the share of a voice's notes an eighth long or
less that a rest of a sixteenth or less follows, over all voices), and every voice striking
its notes again and again (``(3ccc(3ccc(3eee|``: the least share, among the voices, of
notes striking their voice's last pitch again). Each real quartet of the dataset (all
splits) is measured in windows of 32 bars, as long as a generated quartet; a piece loops
where either figure passes the highest of the real windows'. For each guidance, one piece
of ``a classical string quartet`` for each seed (as ``tunesmith generate --seed S``
writes it); prints the pieces that loop and the means of both figures.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path

import numpy as np
from _beside_real import reproduce

from tunesmith import Composer
from tunesmith.abc import Tune, parse
from tunesmith.abc.durations import meter_length
from tunesmith.abc.notes import Note, notes
from tunesmith.data.dataset import Dataset

WINDOW = 32  # bars: a generated quartet's length


def voices(tune: Tune) -> list[list[Note]]:
    lines: dict[str, list[Note]] = {}
    for note in notes(tune):
        lines.setdefault(note.voice, []).append(note)
    return [sorted(line, key=lambda n: n.onset) for line in lines.values()]


def figures(lines: Iterable[list[Note]]) -> tuple[float, float]:
    """(short notes a short rest follows, the least share of notes struck again)."""
    rested = short = 0
    again = []
    for line in lines:
        for a, b in zip(line, line[1:], strict=False):
            if a.length <= Fraction(1, 8):
                short += 1
                rested += 0 < b.onset - a.onset - a.length <= Fraction(1, 16)
        again.append(sum(a.pitch == b.pitch for a, b in zip(line, line[1:], strict=False))
                     / max(1, len(line) - 1))
    return rested / max(1, short), min(again, default=0.0)


def windows(tune: Tune) -> list[tuple[float, float]]:
    """The figures of each ``WINDOW`` bars of a real quartet."""
    bar = meter_length(tune.meter)
    lines = voices(tune)
    last = max((n.onset for line in lines for n in line), default=Fraction(0))
    return [figures([[n for n in line if start * bar <= n.onset < (start + WINDOW) * bar]
                     for line in lines])
            for start in range(0, int(last / bar) + 1, WINDOW)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--guidance", type=float, nargs="+", default=[1.0, 1.5])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(24)))
    parser.add_argument("--model", help="checkpoint folder (default: the bundled model)")
    args = parser.parse_args()
    real = [t for split in ("train", "valid", "test") for t in Dataset(args.dataset).tunes(split)
            if t.labels.get("form") == "quartet"]
    highest = np.array([w for t in real for w in windows(t)]).max(axis=0)
    print(f"{len(real)} real quartets: highest of their {WINDOW}-bar windows, short notes a "
          f"short rest follows {highest[0]:.3f}, notes struck again (least voice) "
          f"{highest[1]:.3f}\n")
    print("| guidance | pieces | looping | short rests | struck again | seeds that loop |\n"
          "|---:|---:|---:|---:|---:|---|")
    composer = Composer.load(args.model)
    for guidance in args.guidance:
        measured = {s: figures(voices(parse(composer.generate(
            "a classical string quartet", seed=s, guidance=guidance)[0].abc)))
            for s in args.seeds}
        loops = [s for s, f in measured.items() if f[0] > highest[0] or f[1] > highest[1]]
        mean = np.array(list(measured.values())).mean(axis=0)
        print(f"| {guidance:g} | {len(measured)} | {len(loops)} | {mean[0]:.3f} | "
              f"{mean[1]:.3f} | {' '.join(map(str, loops))} |", flush=True)
    print(reproduce())


if __name__ == "__main__":
    main()

"""How often a string quartet falls into a loop, at each classifier-free guidance, with and
without the composer writing a looping piece again (``loops.TRIES``).

    python benchmarks/quartet_loops.py --dataset datasets/default --guidance 1 1.5 \
        --tries 0 2 --seeds $(seq 0 23) $(seq 1000 1031) $(seq 2000 2063)

Two loops the bundled model's quartets fall into, which no real quartet movement of the
corpus comes near (``tunesmith.loops``): a bar's rhythm written again with its short rest
in every bar and voice (``z/ gg/>g/ z/ g|z/ f/F/>F/ z/ _DF/|``: the share of a voice's notes
an eighth long or less that a rest of a sixteenth or less follows, over all voices), and
every voice striking its notes again and again (``(3ccc(3ccc(3eee|``: the least share,
among the voices, of notes striking their voice's last pitch again). Each real quartet of
the dataset (all splits) is measured in windows of 32 bars, as long as a generated
quartet; the highest real window is printed beside ``loops.LIMITS``, past which a piece
loops. For each guidance and number of tries, one piece of ``a classical string quartet``
for each seed (as ``tunesmith generate --seed S`` writes it); prints the pieces that loop,
the means of both figures and the seconds a piece took.
"""

from __future__ import annotations

import argparse
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
from _beside_real import reproduce

import tunesmith.composer
from tunesmith import Composer
from tunesmith.abc import Tune, parse
from tunesmith.abc.durations import meter_length
from tunesmith.data.dataset import Dataset
from tunesmith.loops import LIMITS, figures, voices

WINDOW = 32  # bars: a generated quartet's length


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
    parser.add_argument("--guidance", type=float, nargs="+", default=[1.5])
    parser.add_argument("--tries", type=int, nargs="+", default=[0, tunesmith.composer.LOOP_TRIES],
                        help="times a looping piece is written again (default: none, and "
                        "loops.TRIES)")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(24)))
    parser.add_argument("--model", help="checkpoint folder (default: the bundled model)")
    args = parser.parse_args()
    real = [t for split in ("train", "valid", "test") for t in Dataset(args.dataset).tunes(split)
            if t.labels.get("form") == "quartet"]
    highest = np.array([w for t in real for w in windows(t)]).max(axis=0)
    print(f"{len(real)} real quartets, the highest of their {WINDOW}-bar windows: short notes "
          f"a short rest follows {highest[0]:.3f}, notes struck again (least voice) "
          f"{highest[1]:.3f} (loops.LIMITS: {LIMITS['quartet'][0]}, {LIMITS['quartet'][1]})\n")
    print("| guidance | tries | pieces | looping | short rests | struck again | seconds a piece "
          "| seeds that loop |\n|---:|---:|---:|---:|---:|---:|---:|---|")
    composer = Composer.load(args.model)
    for guidance in args.guidance:
        for tries in args.tries:
            tunesmith.composer.LOOP_TRIES = tries
            start = time.perf_counter()
            measured = {s: figures(voices(parse(composer.generate(
                "a classical string quartet", seed=s, guidance=guidance)[0].abc)))
                for s in args.seeds}
            seconds = (time.perf_counter() - start) / len(measured)
            loops = [s for s, (rests, again) in measured.items()
                     if rests > LIMITS["quartet"][0] or again > LIMITS["quartet"][1]]
            mean = np.array(list(measured.values())).mean(axis=0)
            print(f"| {guidance:g} | {tries} | {len(measured)} | {len(loops)} | {mean[0]:.3f} | "
                  f"{mean[1]:.3f} | {seconds:.2f} | {' '.join(map(str, loops))} |", flush=True)
    print(reproduce())


if __name__ == "__main__":
    main()

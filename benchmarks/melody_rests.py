"""How long melodies rest: the share of each one-voice piece's length in which nothing sounds,
for the real tunes of a dataset's test split and for the pieces in ``tunesmith evaluate``
report folders.

    python benchmarks/melody_rests.py --dataset datasets/default runs/eval-a runs/eval-b

Prints the number of melodies, their mean time at rest, and the share of them resting for
more than a tenth and a fifth of their length: the figures ``generate.REST_COST`` is weighed
against (a melody that keeps stopping, "G2z4|G2z4|", shows in the last columns).

    python benchmarks/melody_rests.py --dataset datasets/default \
        --prompts "a song from Luxembourg" --seeds 1200 1300

With ``--prompts``, the bundled model writes ``--samples`` pieces a seed for each prompt
twice, free to rest where most of its style's training melodies do (as shipped,
``composer.rests_freely``) and paying ``REST_COST`` for every rest (the sampler before, the
checkpoint's counts taken away), and the judges say how many they hear in the tradition,
form and period asked, beside the melodies' time at rest and the share that rest at all.
"""

from __future__ import annotations

from pathlib import Path

from _beside_real import reproduce
from _judged import arguments, both_ways

from tunesmith.abc import Tune
from tunesmith.evaluation.generated import beside_real
from tunesmith.evaluation.structure import resting


def rests(tunes: list[Tune]) -> list[float]:
    """Each melody's share of its length at rest."""
    return [r for r in map(resting, tunes) if r is not None]


def main() -> None:
    args = arguments(__doc__)
    if args.prompts:
        both_ways(args, "rests", ("free where its style rests", "charged"), "rests",
                  {"time at rest": lambda t: f"{sum(rests(t)) / len(rests(t)):.1%}",
                   "melodies resting": lambda t: f"{sum(r > 0 for r in rests(t))}"})
        print(reproduce())
        return
    rows = beside_real(args.dataset, [Path(folder) for folder in args.samplers])
    print("| pieces | melodies | time at rest | resting > 10% | resting > 20% |\n"
          "|---|---:|---:|---:|---:|")
    for name, tunes in rows:
        if shares := rests(tunes):
            print(f"| {name} | {len(shares)} | {sum(shares) / len(shares):.1%} | "
                  f"{sum(r > 0.1 for r in shares) / len(shares):.1%} | "
                  f"{sum(r > 0.2 for r in shares) / len(shares):.1%} |")
    print(reproduce())


if __name__ == "__main__":
    main()

"""How long melodies rest: the share of each one-voice piece's length in which nothing sounds,
for the real tunes of a dataset's test split and for the pieces in ``tunesmith evaluate``
report folders.

    python benchmarks/melody_rests.py --dataset datasets/default runs/eval-a runs/eval-b

Prints the number of melodies, their mean time at rest, and the share of them resting for
more than a tenth and a fifth of their length: the figures ``generate.REST_COST`` is weighed
against (a melody that keeps stopping, "G2z4|G2z4|", shows in the last columns).
"""

from __future__ import annotations

from _beside_real import reproduce, rows_from_args

from tunesmith.evaluation.structure import resting


def main() -> None:
    rows = rows_from_args(__doc__)
    print("| pieces | melodies | time at rest | resting > 10% | resting > 20% |\n"
          "|---|---:|---:|---:|---:|")
    for name, tunes in rows:
        rests = [r for r in map(resting, tunes) if r is not None]
        if rests:
            print(f"| {name} | {len(rests)} | {sum(rests) / len(rests):.1%} | "
                  f"{sum(r > 0.1 for r in rests) / len(rests):.1%} | "
                  f"{sum(r > 0.2 for r in rests) / len(rests):.1%} |")
    print(reproduce())


if __name__ == "__main__":
    main()

"""How many melodies open with a pickup (a first bar shorter than the meter: "D2 | G2A2B2c2 |"),
in the real tunes of a dataset's test split and in the pieces of ``tunesmith evaluate``
report folders.

    python benchmarks/pickups.py --dataset datasets/default runs/eval-a runs/eval-b

Prints the number of melodies, the share opening with a pickup, and the pickups' mean
length as a share of the bar: what ``BarTracker.may_pickup`` is weighed against.
"""

from __future__ import annotations

from _beside_real import reproduce, rows_from_args

from tunesmith.abc.durations import bars
from tunesmith.abc.tune import AbcError


def main() -> None:
    rows = rows_from_args(__doc__)
    print("| pieces | melodies | opening with a pickup | its mean share of the bar |\n"
          "|---|---:|---:|---:|")
    for name, tunes in rows:
        melodies, shares = 0, []
        for tune in tunes:
            if "V:" in tune.body:
                continue
            try:
                first = next(b for b in bars(tune) if b.duration)
            except (AbcError, ValueError, StopIteration):
                continue
            melodies += 1
            if first.expected and first.duration < first.expected:
                shares.append(float(first.duration / first.expected))
        if melodies:
            mean = f"{sum(shares) / len(shares):.2f}" if shares else "–"
            print(f"| {name} | {melodies} | {len(shares) / melodies:.1%} | {mean} |")
    print(reproduce())


if __name__ == "__main__":
    main()

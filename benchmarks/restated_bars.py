"""How melodies restate their bars, in the real tunes of a dataset's test split and in the
pieces of ``tunesmith evaluate`` report folders.

    python benchmarks/restated_bars.py --dataset datasets/default runs/eval-a runs/eval-b

A bar is restated when it repeats an earlier bar of the first voice note for note (written
on C, as ``evaluate``'s "bars restated" reads them); it is counted at its distance from the
nearest such bar. Prints the share of all bars restated, from anywhere, from 4 bars back (a phrase:
bars 5-6 of a reel's part restating 1-2), from 8 or 9 (a part: its cadence; 9 where a pickup
bar is counted), from the bar before (a bar twice in a row); and the share of melodies that
play a 4-bar phrase three times running (a loop, not a tune): what ``generate.RESTATE_BONUS``
is weighed against.
"""

from __future__ import annotations

from _beside_real import reproduce, rows_from_args

from tunesmith.abc.canonical import canonical
from tunesmith.abc.tune import AbcError
from tunesmith.evaluation.structure import first_voice_bars


def distances(bars: list[str]) -> list[int | None]:
    """For each bar, how far back the nearest identical bar is (None: a new bar)."""
    last: dict[str, int] = {}
    out = []
    for i, bar in enumerate(bars):
        out.append(i - last[bar] if bar in last else None)
        last[bar] = i
    return out


def loops(bars: list[str]) -> bool:
    return any(bars[i:i + 4] == bars[i + 4:i + 8] == bars[i + 8:i + 12]
               for i in range(len(bars) - 11))


def _share(back: list[int | None], *distances: int) -> float:
    return sum(x in distances for x in back) / len(back)


def main() -> None:
    rows = rows_from_args(__doc__)
    print("| pieces | melodies | bars | restated | from 4 back | from 8 or 9 back "
          "| twice in a row | a phrase thrice running |\n|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, tunes in rows:
        melodies, back, looped = 0, [], 0
        for tune in tunes:
            if "V:" in tune.body:
                continue
            try:
                bars = first_voice_bars(canonical(tune))
            except AbcError:
                continue
            melodies += 1
            back += distances(bars)
            looped += loops(bars)
        if not back:
            continue
        restated = sum(x is not None for x in back) / len(back)
        print(f"| {name} | {melodies} | {len(back)} | {restated:.1%} | {_share(back, 4):.1%} "
              f"| {_share(back, 8, 9):.1%} | {_share(back, 1):.1%} | {looped / melodies:.1%} |")
    print(reproduce())


if __name__ == "__main__":
    main()

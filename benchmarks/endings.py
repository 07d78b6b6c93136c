"""How pieces end: each voice's last note, in beats of the meter, for the real tunes of a
dataset's test split and for the pieces in ``tunesmith evaluate`` report folders.

    python benchmarks/endings.py --dataset datasets/default runs/eval-a runs/eval-b

Prints, for melodies and for pieces of several voices apart, how many last notes there are
and the share shorter than half a beat, shorter than a beat, and two beats or longer: the
figures the sampler's least final length (``generate.tracker``) is weighed against; and for
melodies the share that leap a fourth or more (5 semitones), or more than a fifth (8), into
their last note (``BarTracker.near_final``).
"""

from __future__ import annotations

from fractions import Fraction

from _beside_real import reproduce, rows_from_args

from tunesmith.abc import AbcError, Tune
from tunesmith.abc.notes import notes
from tunesmith.evaluation.structure import last_notes


def final_leap(tune: Tune) -> int | None:
    """Semitones between a melody's last two notes; None for voices or under two notes."""
    try:
        pitches = [n.pitch for n in notes(tune)]
    except (AbcError, ValueError):
        return None
    return abs(pitches[-1] - pitches[-2]) if len(pitches) > 1 else None


def row(name: str, tunes: list[Tune]) -> list[str]:
    lines = []
    for kind in ("melodies", "voices"):
        held = [x for t in tunes for x in last_notes(t)
                if (kind == "voices") == ("V:" in t.body)]
        leaps = [x for t in tunes if kind == "melodies" and "V:" not in t.body
                 and (x := final_leap(t)) is not None]
        leapt = (f"{sum(x >= 5 for x in leaps) / len(leaps):.1%} | "
                 f"{sum(x >= 8 for x in leaps) / len(leaps):.1%}") if leaps else "– | –"
        if held:
            lines.append(f"| {name} | {kind} | {len(held)} | "
                         f"{sum(x < Fraction(1, 2) for x in held) / len(held):.1%} | "
                         f"{sum(x < 1 for x in held) / len(held):.1%} | "
                         f"{sum(x >= 2 for x in held) / len(held):.1%} | {leapt} |")
    return lines


def main() -> None:
    rows = rows_from_args(__doc__)
    print("| pieces | kind | last notes | < ½ beat | < 1 beat | ≥ 2 beats | leapt into: ≥ 5 "
          "semitones | ≥ 8 |\n|---|---|---:|---:|---:|---:|---:|---:|")
    for name, tunes in rows:
        print("\n".join(row(name, tunes)))
    print(reproduce())


if __name__ == "__main__":
    main()

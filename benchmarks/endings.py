"""How pieces end: each voice's last note, in beats of the meter, for the real tunes of a
dataset's test split and for the pieces in ``tunesmith evaluate`` report folders.

    python benchmarks/endings.py --dataset datasets/default runs/eval-a runs/eval-b

Prints, for melodies and for pieces of several voices apart, how many last notes there are
and the share shorter than half a beat, shorter than a beat, and two beats or longer: the
figures the sampler's least final length (``generate.tracker``) is weighed against.
"""

from __future__ import annotations

from fractions import Fraction

from _beside_real import reproduce, rows_from_args

from tunesmith.abc import Tune
from tunesmith.evaluation.structure import last_notes


def row(name: str, tunes: list[Tune]) -> list[str]:
    lines = []
    for kind in ("melodies", "voices"):
        held = [x for t in tunes for x in last_notes(t)
                if (kind == "voices") == ("V:" in t.body)]
        if held:
            lines.append(f"| {name} | {kind} | {len(held)} | "
                         f"{sum(x < Fraction(1, 2) for x in held) / len(held):.1%} | "
                         f"{sum(x < 1 for x in held) / len(held):.1%} | "
                         f"{sum(x >= 2 for x in held) / len(held):.1%} |")
    return lines


def main() -> None:
    rows = rows_from_args(__doc__)
    print("| pieces | kind | last notes | < ½ beat | < 1 beat | ≥ 2 beats |\n"
          "|---|---|---:|---:|---:|---:|")
    for name, tunes in rows:
        print("\n".join(row(name, tunes)))
    print(reproduce())


if __name__ == "__main__":
    main()

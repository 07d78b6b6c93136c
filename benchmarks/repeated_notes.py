"""How often a voice strikes the same pitch again and again: runs of one pitch (rests between
do not break them) in the real tunes of a dataset's test split and in the pieces of
``tunesmith evaluate`` report folders.

    python benchmarks/repeated_notes.py --dataset datasets/default runs/eval-a runs/eval-b

Prints, for each, the share of notes that are the 2nd, 3rd, 4th, 5th, or 6th or later strike
of their pitch in a row, then of their pitch class in any octave ("DdD,d" strikes one note
four times): the figures ``generate.REPEAT_RUN`` and ``REPEAT_COST`` are weighed against (a
model's loops of one note, "AAAA|AAAA|", show in the last columns). Each set is read whole and
then its pieces in several voices alone (a quartet's or a chorale's).
"""

from __future__ import annotations

from collections import Counter

from _beside_real import reproduce, rows_from_args

from tunesmith.abc import Tune
from tunesmith.abc.notes import notes
from tunesmith.abc.tune import AbcError

RUNS = (2, 3, 4, 5, 6)


def strikes(tunes: list[Tune], octaves: int = 128) -> tuple[int, Counter]:
    """Notes in all, and how many are the n-th strike of their pitch in a row (6: or later);
    ``octaves=12``: of their pitch class."""
    counts: Counter = Counter()
    total = 0
    for tune in tunes:
        try:
            sounding = notes(tune)
        except (AbcError, ValueError):
            continue
        voices: dict[str, list] = {}
        for note in sounding:
            voices.setdefault(note.voice, []).append(note)
        for line in voices.values():
            run, last = 0, None
            for note in sorted(line, key=lambda n: n.onset):
                run = run + 1 if note.pitch % octaves == last else 1
                last = note.pitch % octaves
                counts[min(run, RUNS[-1])] += 1
            total += len(line)
    return total, counts


def main() -> None:
    rows = rows_from_args(__doc__)
    for octaves, what in ((128, "one pitch"), (12, "one pitch class, any octave")):
        print(f"\nstrikes of {what} in a row, as shares of all notes\n")
        print("| pieces | notes | " + " | ".join(f"strike {n}" for n in RUNS[:-1])
              + f" | strike {RUNS[-1]}+ |\n|---|---:|" + "---:|" * len(RUNS))
        for name, tunes in rows:
            for label, chosen in (("", tunes), (", in voices", [t for t in tunes
                                                                if "V:" in t.body])):
                total, counts = strikes(chosen, octaves)
                print(f"| {name}{label} | {total} | "
                      + " | ".join(f"{counts[n] / max(total, 1):.2%}" for n in RUNS) + " |")
    print(reproduce())


if __name__ == "__main__":
    main()

"""Loops a piece in voices falls into that no real piece of its form comes near.

The bundled model's string quartets sometimes settle into one figure for the rest of the
piece: every voice striking its notes again and again (``(3ccc(3ccc(3eee|``), or one bar's
short rests in every bar (``z/ G/G/ z/ G/G/|``). Two figures tell them, measured on the
corpus's 50 quartet movements in windows of 32 bars by ``benchmarks/quartet_loops.py``
(which prints the highest of them): a piece past the highest real window in either is
caught in a loop, and the composer writes it again (``Composer.generate``).
"""

from __future__ import annotations

from fractions import Fraction

from .abc import Tune
from .abc.notes import Note, notes

# the highest of the real windows' figures, by form: short notes (an eighth or less) that a
# short rest (a sixteenth or less) follows, and notes striking their voice's last pitch
# again in the voice that does so least (`python benchmarks/quartet_loops.py --dataset
# datasets/default`)
LIMITS: dict[str, tuple[float, float]] = {"quartet": (0.461, 0.369)}
# how many times a piece caught in a loop is written again before it is kept as it is
TRIES = 2


def voices(tune: Tune) -> list[list[Note]]:
    """Each voice's notes in time order."""
    lines: dict[str, list[Note]] = {}
    for note in notes(tune):
        lines.setdefault(note.voice, []).append(note)
    return [sorted(line, key=lambda n: n.onset) for line in lines.values()]


def figures(lines: list[list[Note]]) -> tuple[float, float]:
    """(the share of short notes a short rest follows, over all voices; the least share,
    among the voices, of notes striking their voice's last pitch again)."""
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


def caught_in_a_loop(tune: Tune, form: str | None) -> str | None:
    """What loop the piece is caught in, in words, past its form's ``LIMITS``; None if it
    is not, or its form has none."""
    if form not in LIMITS:
        return None
    rests, again = figures(voices(tune))
    if again > LIMITS[form][1]:
        return f"every voice striking its notes again ({again:.0%} of the least one's)"
    if rests > LIMITS[form][0]:
        return f"short rests after {rests:.0%} of its short notes"
    return None

"""One spelling of the same music, so that a small model learns music rather than notation.

The corpus writes the same reel in D and in G, in ``L:1/8`` and in ``L:1/16``; to a model these
are different token sequences. ``canonical`` moves a tune to the tonic C (the mode is kept:
``K:Ador`` becomes ``K:Cdor``) and rewrites every note length in one unit, ``L:1/8``. Both steps
keep the music: ``to_key`` moves a piece written in C to any asked key by the inverse shift, so
it lands in the register the training tunes had.

Which C: by default the smaller shift (G up a fourth, A down a third), as folk-rnn does. Folk
tunes sit just above their tonic's C4..B4 octave whatever the key (80% have their median
pitch 0-8 semitones above it; ``benchmarks/canonical_register.py``), so the smaller shift
splits them into two registers an octave apart on C; ``same_octave`` moves every tonic of
that octave down to C4 instead and keeps one. A model trained that way at the same budget was
no better (docs/model-card.md, "Tried and not shipped"), so it is an option, not the default.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from .durations import length_multiplier
from .keys import Key, parse_key
from .lexer import Kind, lex, split_length
from .transpose import transpose
from .tune import Tune, parse_fraction

UNIT = Fraction(1, 8)


def shift_to_c(key: Key, same_octave: bool = False) -> int:
    """Semitones that move ``key``'s tonic to C: down to the C of its own octave (-11..0)
    with ``same_octave``, else the smaller shift (-5..6); 0 for keys without a tonic."""
    if key.pitch_class is None:
        return 0
    if same_octave:
        return -key.pitch_class
    up = -key.pitch_class % 12
    return up - 12 if up > 6 else up


def length_text(value: Fraction) -> str:
    """ABC's spelling of a length in units: ``""`` for 1, ``"3"``, ``"/"``, ``"/4"``, ``"3/2"``."""
    if value == 1:
        return ""
    if value.denominator == 1:
        return str(value.numerator)
    if value == Fraction(1, 2):
        return "/"
    num = "" if value.numerator == 1 else str(value.numerator)
    return f"{num}/{value.denominator}"


def relength(body: str, unit: Fraction, target: Fraction = UNIT) -> str:
    """``body`` with every note and rest length rewritten from ``unit`` to ``target``.

    Inline ``L:`` changes are followed and rewritten to ``target``. Chord lengths after ``]``,
    tuplets, broken rhythm and multi-bar rests (``Z4``) count in notes or bars, not units, so
    they stay as written: scaling the notes inside a chord scales the chord.
    """
    factor = unit / target
    out: list[str] = []
    for atom in lex(body):
        text = atom.text
        if atom.kind is Kind.NOTE or (atom.kind is Kind.REST and text[0] in "zx"):
            pitch, length = split_length(text)
            text = pitch + length_text(length_multiplier(length) * factor)
        elif (field := atom.field) and field[0] == "L":
            factor = parse_fraction(field[1], "L") / target
            new = f"L:{target.numerator}/{target.denominator}"
            text = f"[{new}]" if text.startswith("[") else new + text[len(text.rstrip()):]
        out.append(text)
    return "".join(out)


def canonical(tune: Tune, same_octave: bool = False) -> Tune:
    """``tune`` moved to the tonic C (see ``shift_to_c``) with note lengths in ``L:1/8``.

    Raises ``AbcError`` for a key or length the notation does not allow."""
    moved = transpose(tune, shift_to_c(parse_key(tune.key), same_octave))
    body = relength(moved.body, moved.unit_length)
    return replace(moved, body=body).with_field("L", f"{UNIT.numerator}/{UNIT.denominator}")


def on_c(key: str) -> str:
    """The ``K:`` value a canonical model writes for ``key``: the same mode on C
    (``Ador`` -> ``Cdor``); a key without a tonic stays as it is."""
    parsed = parse_key(key)
    return Key("C", parsed.mode).abc() if parsed.tonic else key


def to_key(tune: Tune, key: str, same_octave: bool = False) -> Tune:
    """A tune written on the tonic C moved to ``key``'s tonic: the inverse of ``canonical``
    with the same ``same_octave``, so the piece sits where tunes in that key sat in the
    training data, spelled as it is printed (no double sharp but a leading note)."""
    return transpose(tune, -shift_to_c(parse_key(key), same_octave), plain=True)

"""How long each bar lasts, and which bars disagree with the meter.

Durations are fractions of a whole note, so ``3/4`` means a full bar of 3/4 time. The walk
understands unit length ``L:``, broken rhythm (``>``, ``<``), tuplets (``(p:q:r``), chords,
grace notes (no time), inline ``M:``/``L:`` changes and voices (each voice counts its own bars).
``length_multiplier``, ``tuplet`` and ``broken`` are the one place these rules live: the note
reader (``notes.py``), the canonical spelling and the sampler's bar tracker use them too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from .lexer import NOTE_RE, REST_RE, Kind, lex
from .tune import MAX_DIGITS, AbcError, Tune, meter_length, parse_fraction, whole_number

# the bars a melody's sections come in whole numbers of: 96.7% of the test split's last whole
# 4-bar phrases, 8 bars mostly (a reel's or jig's part), or 4 (a slip jig's):
# benchmarks/sections.py; the sampler's rule and evaluate's measure both read it
PHRASE_BARS = 4


@dataclass(frozen=True)
class Bar:
    number: int  # numbered as abc2abc does: a short first bar is the pickup, bar 0
    voice: str
    duration: Fraction
    expected: Fraction | None  # None in free meter
    opens_section: bool  # the barline before it was |:, ||, [| or an ending
    closes_section: bool  # its barline is :|, ||, |] or the end of the tune
    multi_rest: bool = False  # a Z4-style rest that stands for several bars
    repeat: bool = False  # its barline closes a repeat (:|, ::): its section is played twice


@dataclass(frozen=True)
class BarProblem:
    """A bar whose length is not the meter's."""

    bar: int
    voice: str
    expected: Fraction
    actual: Fraction

    def __str__(self) -> str:
        voice = f" (voice {self.voice})" if self.voice != "1" else ""
        den = math.lcm(self.expected.denominator, self.actual.denominator)
        actual, expected = self.actual * den, self.expected * den
        return f"bar {self.bar}{voice} is {actual}/{den} not {expected}/{den}"


def length_multiplier(text: str) -> Fraction:
    """``""`` → 1, ``"2"`` → 2, ``"/"`` → 1/2, ``"//"`` → 1/4, ``"3/2"`` → 3/2, ``"3/"`` → 3/2."""
    what = "note length"
    if "/" not in text:
        return Fraction(whole_number(text, what)) if text else Fraction(1)
    num, _, rest = text.partition("/")
    slashes = 1 + len(rest) - len(rest.lstrip("/"))
    if slashes > 4 * MAX_DIGITS:
        raise AbcError(f"{what}: {slashes} slashes; at most {4 * MAX_DIGITS} are read")
    den_digits = rest.lstrip("/")
    den = whole_number(den_digits, what) * 2 ** (slashes - 1) if den_digits else 2**slashes
    if den == 0:
        raise AbcError(f"{what} {text!r} divides by zero")
    return Fraction(whole_number(num, what) if num else 1, den)


def tuplet(text: str, compound: bool) -> tuple[Fraction, int]:
    """The factor on each note's length and how many notes it applies to, for a tuplet mark
    ``(p:q:r`` (``(3`` → 2/3 on three notes; q's default follows the meter: ``compound``)."""
    parts = [whole_number(part, "tuplet") if part else None for part in text[1:].split(":")]
    p = parts[0]
    if p == 0:
        raise AbcError(f"tuplet {text!r} has zero notes")
    default_q = {2: 3, 3: 2, 4: 3, 6: 2, 8: 3}.get(p, 3 if compound else 2)
    q = parts[1] if len(parts) > 1 and parts[1] is not None else default_q
    r = parts[2] if len(parts) > 2 and parts[2] is not None else p
    return Fraction(q, p), r


def broken(text: str) -> tuple[Fraction, Fraction]:
    """Factors for the notes before and after ``>``/``<`` (``>>`` dots twice)."""
    short = Fraction(1, 2 ** len(text))
    long = 2 - short
    return (long, short) if text[0] == ">" else (short, long)


def _is_section_bar(text: str) -> bool:
    return ":" in text or "||" in text or "]" in text or "[" in text


def is_compound(meter: str) -> bool:
    """6/8, 9/8, 12/8 …: a tuplet of 5, 7 or 9 then fills the time of three."""
    m = re.match(r"\s*(\d{1,6})/", meter)
    return bool(m) and int(m.group(1)) % 3 == 0 and int(m.group(1)) > 3


def beats(meter: str) -> int:
    """Beats in a bar: the numerator of a simple meter, a third of a compound one
    (6/8: 2), 4 for ``C`` and 2 for ``C|``, a beat for each addend of an additive one
    (2+3/8: 2); one for a meter with no numbers."""
    meter = meter.strip()
    if meter in ("C", "C|"):
        return 4 if meter == "C" else 2
    found = re.search(r"([\d+]+)\)?/\d", meter)
    if not found:
        return 1
    addends = [int(x) for x in found.group(1).split("+") if x]
    if len(addends) > 1:
        return len(addends)
    top = addends[0] if addends else 1
    return top // 3 if top % 3 == 0 and top > 3 else max(top, 1)


class _Voice:
    def __init__(self, name: str, meter: str, unit: Fraction):
        self.name, self.unit = name, unit
        self.set_meter(meter)
        self.count = 0  # bars closed so far
        self.duration = Fraction(0)
        self.has_music = False
        self.multi_rest = False
        self.opens_section = True
        self.first_was_pickup = False

    def set_meter(self, meter: str) -> None:
        self.meter = meter_length(meter)
        self.compound = is_compound(meter)


def bars(tune: Tune) -> list[Bar]:
    """Every bar of every voice, in the order they close."""
    header_meter = tune.meter
    header_unit = tune.unit_length
    voices: dict[str, _Voice] = {}
    voice = voices.setdefault("1", _Voice("1", header_meter, header_unit))
    out: list[Bar] = []

    def close(bar_text: str | None) -> None:
        section = bar_text is None or _is_section_bar(bar_text)
        if voice.has_music:
            pickup = voice.count == 0 and voice.meter is not None and voice.duration < voice.meter
            voice.first_was_pickup = voice.first_was_pickup or pickup
            number = 0 if pickup else voice.count + (0 if voice.first_was_pickup else 1)
            out.append(Bar(number, voice.name, voice.duration, voice.meter,
                           voice.opens_section, section, voice.multi_rest,
                           bar_text is not None and bar_text.startswith(":")))
            voice.count += 1
        voice.duration, voice.has_music, voice.multi_rest = Fraction(0), False, False
        voice.opens_section = section

    tuplet_factor, tuplet_left = Fraction(1), 0
    pending = Fraction(1)  # factor for the next note after a broken-rhythm mark
    last = Fraction(0)  # duration of the last note or chord, for broken rhythm
    in_chord = in_grace = overlay = False
    chord_first: Fraction | None = None

    def event(raw: Fraction) -> None:
        nonlocal tuplet_left, pending, last
        d = raw * pending
        pending = Fraction(1)
        if tuplet_left > 0:
            d *= tuplet_factor
            tuplet_left -= 1
        last = d
        if not overlay:
            voice.duration += d
        voice.has_music = True

    for atom in lex(tune.body):
        kind, text = atom.kind, atom.text
        if kind is Kind.NOTE or kind is Kind.REST:
            if in_grace:
                continue
            if kind is Kind.NOTE:
                d = length_multiplier(NOTE_RE.fullmatch(text).group(4)) * voice.unit
            else:
                letter, length = REST_RE.fullmatch(text).groups()
                if letter in "ZX":  # multi-bar rest: Z4 is four bars
                    count = whole_number(length, "multi-bar rest") if length.isdigit() else 1
                    d = (voice.meter or Fraction(0)) * count
                    voice.multi_rest = True
                else:
                    d = length_multiplier(length) * voice.unit
            if in_chord:
                chord_first = d if chord_first is None else chord_first
            else:
                event(d)
        elif kind is Kind.CHORD_START:
            in_chord, chord_first = True, None
        elif kind is Kind.CHORD_END:
            if in_chord and chord_first is not None:
                event(chord_first * length_multiplier(text[1:]))
            in_chord = False
        elif kind is Kind.GRACE_START:
            in_grace = True
        elif kind is Kind.GRACE_END:
            in_grace = False
        elif kind is Kind.TUPLET:
            tuplet_factor, tuplet_left = tuplet(text, voice.compound)
        elif kind is Kind.BROKEN:
            before, after = broken(text)
            if not overlay:
                voice.duration += last * (before - 1)
            pending = after
        elif kind is Kind.BAR:
            close(text)
            overlay = False
        elif kind is Kind.OTHER and text == "&":
            overlay = True  # voice overlay: the bar's length is that of its first layer
        elif atom.field:
            name, value = atom.field
            if name == "M":
                voice.set_meter(value)
            elif name == "L":
                voice.unit = parse_fraction(value, "L")
            elif atom.voice:
                voice = voices.setdefault(atom.voice,
                                          _Voice(atom.voice, header_meter, header_unit))
    for v in voices.values():
        voice = v
        close(None)
    return out


_TEMPO = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*=\s*(\d+)")


def quarter_tempo(field: str) -> int | None:
    """A ``Q:`` field in quarter notes a minute: "1/4=120" is 120, "3/8=120" (a jig's dotted
    quarter) 180, "1/2=104" (a reel's half note) 208; None for a bare number, whose beat
    depends on ``L:``, or a tempo given only in words."""
    found = _TEMPO.match(field)
    if not found or int(found.group(2)) == 0:
        return None
    beat, per_minute = Fraction(int(found.group(1)), int(found.group(2))), int(found.group(3))
    return round(per_minute * beat * 4) or None


def beat_tempo(quarters: int, meter: str) -> str:
    """A ``Q:`` value for ``quarters`` quarter notes a minute, in the beat of ``meter`` as
    players mark it: a jig's 180 "3/8=120", a reel's 208 in C| "1/2=104", a waltz's "1/4=…";
    in quarters where the beat is no plain or dotted note (2+3/8) or the meter has none."""
    length = meter_length(meter)
    beat = length / beats(meter) if length else Fraction(1, 4)
    if beat.numerator not in (1, 3):
        beat = Fraction(1, 4)
    return f"{beat.numerator}/{beat.denominator}={round(quarters / (4 * beat))}"


def bar_seconds(meter: str, tempo: int) -> float | None:
    """How long a bar of ``meter`` lasts at ``tempo`` quarter notes a minute; None for a
    meter with no bar length (free meter)."""
    try:
        length = meter_length(meter)
    except AbcError:
        return None
    return float(length) * 4 * 60 / tempo if length else None


def written_bars(tune: Tune) -> int | None:
    """How many bars long a tune is as written: its first voice's music after any pickup,
    counted in whole bars of its meter (a pickup's partner at a section's end and the bar
    it completes make one); None in free meter or without music."""
    measured = bars(tune)
    first = [b for b in measured if b.voice == measured[0].voice and b.number >= 1] \
        if measured else []
    if not first or any(b.expected is None for b in first):
        return None
    return round(sum(b.duration / b.expected for b in first))


def validate(tune: Tune, strict: bool = False) -> list[BarProblem]:
    """Bars whose length differs from the meter.

    A short first bar is a pickup and never a problem. Unless ``strict``, a short bar that
    closes or opens a section (a repeat, a double bar, an ending, the end of the tune) is
    accepted too: it is the usual partner of a pickup. Over-long bars are always problems.
    """
    return check_bars(bars(tune), strict)


def check_bars(measured: list[Bar], strict: bool = False) -> list[BarProblem]:
    """:func:`validate` on bars already measured (to judge one walk both ways)."""
    problems = []
    for bar in measured:
        if bar.expected is None or bar.multi_rest or bar.duration == bar.expected:
            continue
        short = bar.duration < bar.expected
        if short and bar.number == 0:
            continue
        if short and not strict and (bar.closes_section or bar.opens_section):
            continue
        problems.append(BarProblem(bar.number, bar.voice, bar.expected, bar.duration))
    return problems

"""The notes a tune sounds: MIDI pitch, onset and length, as a player would read the ABC.

This is what the evaluation measures (key, pitch and rhythm statistics) without starting
music21 for every tune. Pitches follow the key signature, inline ``K:`` changes and
accidentals that hold to the end of the bar (for that letter and octave, as abc2midi does);
tied notes become one note; grace notes make no sound here; chords give all their notes.
Each voice keeps its own ``L:``, ``M:``, ``K:`` and ties, as abc2midi and ``durations.bars``
read them: the corpus's scores write ``[V:1][L:1/16]`` for one voice only. A voice whose
``V:`` names an octave clef (``clef=treble-8``, a tenor's) sounds an octave below its notes.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from fractions import Fraction

from .durations import beats, broken, is_compound, length_multiplier, tuplet
from .keys import ACCIDENTAL_VALUE, NATURAL_PC, Key, names_only_a_clef, octave_clef, parse_key
from .lexer import NOTE_RE, REST_RE, Kind, lex
from .tune import AbcError, Tune, meter_length, parse_fraction

# semitones mod 12 between two notes that clash: seconds, sevenths and the tritone
DISSONANT = frozenset({1, 2, 6, 10, 11})
# and between two that two voices may not move in parallel: unisons, octaves, fifths
PERFECT = frozenset({0, 7})
# the whole triads, major, minor and diminished on every root, as pitch-class sets
TRIADS = tuple(frozenset((root + i) % 12 for i in shape) for root in range(12)
               for shape in ((0, 4, 7), (0, 3, 7), (0, 3, 6)))


def holds_triad(pitch_classes: set[int] | frozenset[int]) -> bool:
    """Whether these pitch classes, sounding together, hold a whole triad (``TRIADS``)."""
    return any(triad <= pitch_classes for triad in TRIADS)


@dataclass
class Note:
    pitch: int  # MIDI number; ABC's C is middle C, 60
    onset: Fraction  # whole notes from the start of its voice
    length: Fraction  # whole notes
    voice: str = "1"


def _pitch(text: str, signature: dict[str, int], in_bar: dict[tuple[str, int], int]) -> int:
    accidental, letter, octave_marks, _ = NOTE_RE.fullmatch(text).groups()
    octave = (1 if letter.islower() else 0) + octave_marks.count("'") - octave_marks.count(",")
    upper = letter.upper()
    if accidental:
        in_bar[(upper, octave)] = ACCIDENTAL_VALUE[accidental]
    alter = in_bar.get((upper, octave), signature.get(upper, 0))
    return 60 + 12 * octave + NATURAL_PC[upper] + alter


def notes(tune: Tune) -> list[Note]:
    """Every sounding note of every voice, in the order written."""
    try:
        key = parse_key(tune.key)
    except AbcError:
        key = Key(None, "major")
    compound = is_compound(tune.meter)
    unit = tune.unit_length
    cursors: dict[str, Fraction] = {}
    voice = "1"
    signature = dict(key.signature)
    # a voice's own fields and open ties, kept while another voice is written
    kept: dict[str, tuple[Fraction, dict[str, int], bool, dict]] = {}
    in_bar: dict[tuple[str, int], int] = {}
    out: list[Note] = []
    carry: dict[int, Note] = {}  # pitch → the note a tie holds into the next event
    # semitones each voice sounds from where it is written: a V: line's octave clef
    sounds = {v.split()[0]: 12 * move for v in tune.get_all("V")
              if v.split() and (move := octave_clef(v.split()[1:]))}
    tuplet_factor, tuplet_left = Fraction(1), 0
    pending = Fraction(1)  # factor for the event after a broken-rhythm mark
    last: list[Note] = []  # the previous note or chord, for ties and broken rhythm
    last_length = Fraction(0)
    in_chord = in_grace = False
    chord: list[Note] = []
    chord_length: Fraction | None = None

    def advance(sounding: list[Note], raw: Fraction) -> None:
        nonlocal tuplet_left, pending, last, last_length, carry
        length = raw * pending
        pending = Fraction(1)
        if tuplet_left > 0:
            length *= tuplet_factor
            tuplet_left -= 1
        start = cursors.get(voice, Fraction(0))
        last = []
        for note in sounding:
            held = carry.get(note.pitch)
            if held is not None:
                held.length += length
            else:
                note.onset, note.length = start, length
                out.append(note)
            last.append(held or note)
        carry = {}
        cursors[voice] = start + length
        last_length = length

    for atom in lex(tune.body):
        kind, text = atom.kind, atom.text
        if kind is Kind.NOTE and not in_grace:
            note = Note(_pitch(text, signature, in_bar) + sounds.get(voice, 0), Fraction(0),
                        Fraction(0), voice)
            length = length_multiplier(NOTE_RE.fullmatch(text).group(4)) * unit
            if in_chord:
                chord.append(note)
                chord_length = length if chord_length is None else chord_length
            else:
                advance([note], length)
        elif kind is Kind.REST and not in_grace:
            letter, length_text = REST_RE.fullmatch(text).groups()
            advance([], Fraction(0) if letter in "ZX" else length_multiplier(length_text) * unit)
        elif kind is Kind.CHORD_START:
            in_chord, chord, chord_length = True, [], None
        elif kind is Kind.CHORD_END and in_chord:
            in_chord = False
            if chord_length is not None:
                advance(chord, chord_length * length_multiplier(text[1:]))
        elif kind is Kind.GRACE_START:
            in_grace = True
        elif kind is Kind.GRACE_END:
            in_grace = False
        elif kind is Kind.TUPLET:
            tuplet_factor, tuplet_left = tuplet(text, compound)
        elif kind is Kind.TIE:
            carry = {n.pitch: n for n in last}
        elif kind is Kind.BROKEN and last:
            before, after = broken(text)
            extra = last_length * (before - 1)
            for note in last:
                note.length += extra
            cursors[voice] += extra
            pending = after
        elif kind is Kind.BAR:
            in_bar = {}
        elif atom.field:
            name, value = atom.field
            if name == "K" and not names_only_a_clef(value):
                with suppress(AbcError):  # an unreadable inline key keeps the signature
                    signature = dict(parse_key(value).signature)
            elif name == "L":
                unit = parse_fraction(value, "L")
            elif name == "M":
                compound = is_compound(value)
            elif atom.voice:
                if move := octave_clef(value.split()[1:]):
                    sounds[atom.voice] = 12 * move
                if atom.voice != voice:
                    kept[voice] = (unit, signature, compound, carry)
                    voice = atom.voice
                    unit, signature, compound, carry = kept.get(
                        voice, (tune.unit_length, dict(key.signature), is_compound(tune.meter),
                                {}))
    return out


def melody_span(tune: Tune) -> int | None:
    """Semitones from a melody's lowest note to its highest; None for a tune in voices
    (``V:``) or without notes. ``AbcError`` where its notes cannot be read."""
    if "V:" in tune.body:
        return None
    pitches = [n.pitch for n in notes(tune)]
    return max(pitches) - min(pitches) if pitches else None



def degrees(tune: Tune) -> list[int] | None:
    """The pitch class of each note above the written key's tonic (0 the tonic, 7 its
    fifth, 10 a flat seventh, 11 a leading note), the measure ``tunesmith evaluate``'s
    pitch-class histogram pools; None for a key without a tonic (``K:none``). ``AbcError``
    where its notes cannot be read."""
    tonic = parse_key(tune.key).pitch_class
    return None if tonic is None else [(n.pitch - tonic) % 12 for n in notes(tune)]

# notes this long or shorter (in whole notes) are a melody's quick ones: sixteenths, and
# triplets of them; a triplet of eighths (1/12) is not
QUICK = Fraction(1, 16)
# a note this long is dotted: a dotted eighth, the long note of a dotted pair ("A>B",
# "A3/2B/") or of a Scotch snap ("A<B")
DOTTED = Fraction(3, 16)


def quick_share(tune: Tune) -> float | None:
    """The share of a melody's notes ``QUICK`` or shorter: a German song in 2/4 runs 16% of
    its notes in sixteenths (in 4/4 5%), a Chinese song 34%. None for a tune in voices or
    without notes; ``AbcError`` where its notes cannot be read."""
    return _share(tune, lambda length: length <= QUICK)


def dotted_share(tune: Tune) -> float | None:
    """The share of a melody's notes ``DOTTED``: a strathspey's a fifth to a third, a
    hornpipe's none to a half, a reel's or a Chinese song's seldom any. None as for
    ``quick_share``."""
    return _share(tune, lambda length: length == DOTTED)


def _share(tune: Tune, kind: Callable[[Fraction], bool]) -> float | None:
    """The share of a melody's notes whose length (as they sound) is of a ``kind``."""
    if "V:" in tune.body:
        return None
    lengths = [n.length for n in notes(tune)]
    return sum(map(kind, lengths)) / len(lengths) if lengths else None


def last_beats(tune: Tune) -> list[Fraction]:
    """Each voice's last note, in beats of the meter (a compound meter's beat is three of
    its units); none without a meter or notes. ``AbcError`` where its notes cannot be read."""
    bar = meter_length(tune.meter) if tune.meter else None
    sounding = notes(tune)
    if not bar or not sounding:
        return []
    last: dict[str, tuple[Fraction, Fraction]] = {}
    for n in sounding:
        if n.voice not in last or n.onset >= last[n.voice][0]:
            last[n.voice] = (n.onset, n.length)
    beat = bar / beats(tune.meter)
    return [length / beat for _, length in last.values()]


def entries(tune: Tune) -> tuple[tuple[int, ...], Fraction] | None:
    """The whole bars each voice of a piece in voices rests before its first note, in the
    order its body names them (a score's, top down), counted from the first to enter, and
    the piece's length in bars: ``(0, 4, 8, 12)`` where each voice comes in four bars after
    the one above, as a mass's often do. None for a melody or a piece without a meter;
    ``AbcError`` where its notes cannot be read."""
    bar = meter_length(tune.meter) if tune.meter and "V:" in tune.body else None
    if not bar:
        return None
    first: dict[str, Fraction] = {}
    end = Fraction(0)
    for n in notes(tune):
        first[n.voice] = min(n.onset, first.get(n.voice, n.onset))
        end = max(end, n.onset + n.length)
    named = dict.fromkeys(atom.voice for atom in lex(tune.body) if atom.voice)
    bars = [int(first[v] // bar) for v in named if v in first]
    if len(bars) < 2:
        return None
    return tuple(b - min(bars) for b in bars), end / bar - min(bars)

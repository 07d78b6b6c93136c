"""Sampling ABC that is valid by construction.

A ``BarTracker`` per candidate follows the tune as it is written: how full the current bar is
in units of ``L:``, whether a repeat is open, whether a broken-rhythm pair or a triplet is half
done. Before each token it says which tokens may come next: notes that fit the bar, a barline
only when the bar is full, ``|]`` (or ``:|``) to close the last bar, whose last note is the
tonic. A voice that may play chords (a piano's hands) writes them as ``[CEG]``: notes of
one length (an eighth or longer), rising, no two a semitone apart, closed by a bare ``]``;
one that may tie holds a note on into the same pitch (``A4-|A2``, ``^F8-|F8``). Everything
the tracker cannot account for exactly (grace notes, inline fields, character fallbacks) is
never sampled, so every tune passes ``abc.validate``.

The model sees ``<bos> controls M: L: K: body``; past its context the decoder restarts from
the controls, the header and the latest bars (fragment by fragment), so pieces can be any
length while the tracker carries on across the seam.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .abc import Kind, Tokenizer, lex, parse_key
from .abc.durations import PHRASE_BARS, beats, length_multiplier, tuplet
from .abc.keys import ACCIDENTAL_VALUE, LETTERS, Key, final_notes
from .abc.lexer import NOTE_RE
from .abc.notes import DISSONANT, DOTTED, PERFECT, QUICK, holds_triad
from .abc.opening import Opening
from .abc.tune import AbcError, meter_length, parse_fraction
from .engine import Engine
from .limits import DEFAULT_TOP_P
from .lyrics import LyricsError, strong_positions, sung_lengths
from .prompt import polyphonic
from .styles import BY_NAME, DIMENSIONS, TAXONOMY, TONAL_MODES, TONAL_PERIODS, Style

GRID = Fraction(1, 2)  # note lengths are multiples of half a unit, so no bar is a dead end
# the widest a single melody may go, in semitones: 95% of the training split's one-voice tunes
# span at most this (`python benchmarks/melody_span.py`); the model alone wanders wider
MELODY_SPAN = 21
# nats taken from a melody's note written with an accidental before it is drawn: the model
# writes on the tonic C in its mode's signature, so those are the notes outside the scale,
# which real tunes use for 2.4% of their notes and v4 for 5.2% (docs/model-card.md); a minor
# key's raised seventh, its leading note, is free: it is what says minor rather than the
# relative major (real minor tunes: 2.4% of their notes; v5 with the cost on it: 0.0-0.8%,
# benchmarks/leading_note.py)
ACCIDENTAL_COST = 1.0
# nats taken from a voice's note that would strike a second, seventh or tritone against what
# the voices written before it in the bar sound at its onset; chosen by measurement against
# the dissonance of real chorales, masses and quartets (docs/model-card.md)
HARMONY_COST = 1.0
# and from one that would move in parallel fifths or octaves with one of those voices (from
# the last onset both struck together): real part-writing 5.1% of similar motion, v5 15.2%
PARALLEL_COST = 2.0
# what a hand's chord never stacks: two notes a semitone apart in any octaves, a minor second,
# ninth or major seventh (E with E#, B under c): 0.5% of the chords of the corpus's romantic
# piano pieces do, 3.1% of the model's did (`python benchmarks/piano_chords.py --chord-bonus
# 1,2 --semitones --seeds $(seq 1200 100 2700)`; docs/model-card.md, "… a hand's chord
# without a semitone")
CLUSTER = (1, 11)
# the most notes a chord may stack: the corpus's piano chords hold 2 (53%), 3 (43%) or 4
MAX_CHORD = 4
# and the shortest a chord may be, of a whole note: 95% of the notes of the corpus's romantic
# piano pieces' chords are an eighth or longer (68% eighths, 19% quarters), 4% of the model's
# (96% sixteenths, "[C/E/][C/E/]…", a tremolo where the polonaises strike eighths)
SHORTEST_CHORD = Fraction(1, 8)
# nats given to a voice's leading note in a minor key (the raised seventh: ``=B`` in C minor,
# the note that says minor rather than the relative major): the real chorales alike put 3.2%
# of their notes on it, the quartets' 2.4%, v8's voices 1.6% and 2.0%, 3.3% and 2.3% with
# this bonus (benchmarks/harmony_cost.py --leading-bonus)
LEADING_NOTE_BONUS = 0.5
# a voice coming in after another answers its opening: the first ``SUBJECT_NOTES`` notes of
# the first voice in, note for note in length and by the same staff steps (the subject again
# in the mode, its steps kept, not its semitones), from a start a unison, fourth, fifth or
# octave or more away (``ANSWERS``, in staff steps) on the subject's own note, the final or
# its fifth: a subject on the final is answered on the fifth, one on the fifth on the final.
# Answered from any of them, four draws' masses and motets were heard in their written key
# 27 times in 32, three of the five others a fourth up (the subdominant), from these 30 (all
# voices at once 31). In the corpus's masses 38% of the voices coming in a bar or more after
# the first answer its first four intervals (within a semitone each) in its rhythm, the
# model's none (``evaluation.texture``; ``benchmarks/voice_entries.py``). The nats are the
# form's (``styles.IMITATION_BONUS_BY_FORM``)
SUBJECT_NOTES = 5
ANSWERS = (-14, -11, -10, -7, -4, -3, 0, 3, 4, 7, 10, 11, 14)
# nats taken from a note that would strike the same pitch a fifth time in a row or more (rests
# between do not count): 0.9% of the test split's notes do, v5's 2.4-4.1% (its loops of one
# note, "AAAA|AAAA|"), 0.3-0.7% with this cost (benchmarks/repeated_notes.py)
REPEAT_RUN, REPEAT_COST = 4, 2.0
# the most semitones a played melody moves into its last note (``BarTracker.approach``), a
# third: real melodies step into it, or strike it again, in 81% of the test split, move a
# third in 12%, leap a fourth or more in 7%; the sampler with a fifth's window alone leapt
# in 27-35% ("dB G2" for "BA G2"; ``benchmarks/endings.py``). A third where the melody came
# to one with room left for the final it holds ("dB G6" in G minor, not "dBcA dg g2")
APPROACH = 4
# and where only the final can follow a note, that note a step from it at most ("gfedc4",
# not "gfeec4"), as the top voice of a piece in a style whose top voices step into their
# last note (a chorale's soprano, ``styles.STEPPED_STYLES``): a whole tone
STEP = 2
# and where no final is that near, or a sung melody's words say when it comes: a fifth, so
# that a cadence may fall a fifth to the low tonic as well as rise a fourth; an octave's
# leap, "AF e2" for "AF E2", never
FARTHEST_APPROACH = 7
# nats taken from a voice's note that strikes its last pitch again (rests between do not
# count), in a piece of several voices: a repeated note is the one move no clash or parallel
# cost can fall on, and the model's voices struck 22.9% of their notes again, the real tunes
# alike 15.5% (a madrigal's 44.1% against 32.1%, a quartet's 29.1% against 18.7%); with 0.5
# nats 16.6%, their steps' overlap with real ones 0.871 → 0.904, their note lengths' 0.791 →
# 0.831, heard in their styles 92.9% → 95.5% (1 nat: 11.1%, 0.892, 0.797, 98.2%). Chosen by
# `python benchmarks/voice_repeats.py --dataset datasets/default --again-cost 0 0.5 1`, on
# seeds the evaluation does not draw; a piano's chorded hands (which repeat less than real
# ones) are left alone
AGAIN_COST = 0.5
# and from the opening of a chord after one chord was struck 6 times in a row (its pitch
# classes: an octave added is the same chord), twice as much after 7, and so on: the corpus's
# romantic piano pieces repeat a chord at most 5-6 times in a voice (a polonaise's
# accompaniment; once 10, a mazurka's drone), the model's hands up to 60 times
# ("[CFA][CFA][CFA]…"), a loop that a flat cost, or one on the chord's last note, let go on
CHORD_RUN = 6
# nats more for a chorded voice's "[" until its first chord, in its first FIRST_CHORD_BARS
# bars: a piano piece whose hands open in single lines seldom takes chords up (the suite's
# romantic piano pieces struck 31.6% of their notes in chords, 4 of 16 heard romantic; with
# 2 nats more 44.6%, 10 of 16; on other seeds 46.3% → 52.0%, 16 → 18 of 32)
FIRST_CHORD_BONUS = 2.0
FIRST_CHORD_BARS = 2
# nats off closing a chord after its second note: the corpus's romantic piano pieces stack
# three notes or more in 47% of their chords, the model's hands in 6% ("[G,D]", "[CE]"), their
# quarter beats a whole triad in 17% (real 47%); with 3 nats 36% and 27%, heard in their key
# 42 → 50 of 64, their note lengths nearer real ones' (overlap 0.807 → 0.861), their pitch
# classes a little further (0.840 → 0.818); 4 nats stacks more but drones a chord 24 times
# over, and a triad bonus on top keeps fewer pieces in their key (41-42): `python
# benchmarks/piano_chords.py --chord-bonus 1,2 --dyad-cost 0 2 3 4 --triad-bonus 0 1 --seeds
# $(seq 1200 100 2700)` (docs/model-card.md, "Three-note chords")
DYAD_COST = 3.0
# the longest a voice of a polyphonic piece may rest at a time, in bars, but in a form whose
# voices enter late and drop out for bars (``styles.REST_BARS_BY_FORM``): a Bach chorale's
# voices rest 2% of their time (benchmarks/texture_by_form.py)
VOICE_REST_BARS = Fraction(1, 2)
# nats taken from a melody's rest: the test split's melodies rest 2.3% of their length, v5's
# 8.5-9.0%, 4.5-6.2% once a phrase may end its line mid-bar, 2.1-2.5% with this cost too
# (benchmarks/melody_rests.py; docs/model-card.md)
REST_COST = 1.0
# a melody runs its quick notes (``abc.notes.QUICK``: sixteenths and quicker) at the pace of
# a training tune of its style (``composer.typical_pace``): while more of its notes so far are
# quick than that share, past ``PACE_GRACE`` notes, they cost ``PACE_COST`` nats; while fewer,
# they gain ``PACE_BONUS``. The model, once in sixteenths, ran on in them ("c/c/c/c/c/c/"):
# German songs in G 24% of their notes (real ones 9%), songs from Luxembourg 27% (9%), where
# Chinese songs ran 30% (37%); with 2 and 2 nats 11%, 11% and 34%, their note lengths'
# overlap with real tunes alike 0.788 → 0.834, 0.802 → 0.809, 0.886 → 0.929. The 1,920
# pieces of 15 melody prompts were heard in their tradition 47 times more, in their key 21
# more, their form 6 fewer (a waltz's lengths 0.969 → 0.924, a Lorraine dance's 0.883 →
# 0.849): `python benchmarks/paces.py --dataset datasets/default --prompts …
# --seeds $(seq 1200 100 4300)` (docs/model-card.md, "A melody at its style's pace").
# The same nats hold its dotted notes (``abc.notes.DOTTED``) at a training tune's share
# (``dots``): the model dotted American marches 18% of their notes (real alike 7%), slow airs
# 13% (8%), strathspeys 24% (19%); over four draws 11%, 8% and 20%, their note lengths'
# overlap with real tunes alike 0.769 → 0.886, 0.870 → 0.906, 0.918 → 0.974: `python
# benchmarks/paces.py --dataset datasets/default --kind dotted NAME=REPORT,…`
# (docs/model-card.md, "Dotted as its style's tunes are"). Since the forty-fifth session the
# cost grows with how far past: ``PACE_COST`` at the grace, twice that twice as far (a
# melody 6 notes past pays 6 nats). Flat, the model ran on in sixteenths past its pace once
# in them: over four draws of the suite a jig sounded 13.5% of its notes quick (real jigs
# alike 5.2%), a march 31.9% (21.1%), a waltz 24.4% (14.5%); in proportion 5.5%, 15.9% and
# 9.2%, the suite's note lengths' overlap 0.822 → 0.840 over the four draws (with a
# melody's slurs held to its style's: docs/model-card.md, "Slurs and sixteenths as its
# style's"). The bonus stays flat: grown too, it was no better.
PACE_COST, PACE_BONUS, PACE_GRACE = 2.0, 2.0, 2
# a piece sounds each pitch class above its tonic about as often as the training tunes of its
# style do (``composer.typical_degrees``, pooled over them): while more of its notes so far
# sound on one than that share says, past ``DEGREE_GRACE`` notes, its notes there cost
# ``DEGREE_COST`` nats; while fewer, they gain ``DEGREE_BONUS``. The model's madrigals leant
# on the flat seventh and were heard a fourth up (10 of 16 over four draws), its quartets a
# fifth off; with the lean the suite's pieces were heard in their key 85.5% against 83.4%,
# their pitch classes' overlap with real tunes alike 0.912 against 0.868. A bonus as well
# (1 and 1) drew the trecento's flat seventh up to its share and its pieces were heard a
# fourth up, 12 of 16 (docs/model-card.md, "A piece's notes on its style's degrees")
DEGREE_COST, DEGREE_BONUS, DEGREE_GRACE = 2.0, 0.0, 2
# a piece sounds each note length about as often as the training tunes of its style in its
# meter do (``composer.typical_durations``, pooled over them; a melody's quick and dotted
# notes left to ``pace`` and ``dots``): while more of its notes so far sound one length than
# that share says, past ``DURATION_GRACE`` notes, notes that long cost ``DURATION_COST``
# nats; while fewer, they gain ``DURATION_BONUS``. The model wrote chorales in block chords
# of quarters (63% of their notes, Bach's 42%) and, its quartet's rhythm entry taken out,
# quartets half in triplets of sixteenths; over four draws of the suite the note lengths'
# overlap with real tunes alike 0.783 → 0.822, the tradition heard 57.8% → 62.1%, the key
# 85.5% → 86.5%, the form 64.2% → 61.5% (a jig's, a mixolydian reel's). A bonus too (2 and
# 1) drew a slip jig off its key (`python benchmarks/note_lengths.py --dataset
# datasets/default --prompts … --nats 2/1`; docs/model-card.md, "A piece's note lengths as
# its style's")
DURATION_COST, DURATION_BONUS, DURATION_GRACE = 2.0, 0.0, 2
# a melody's section (``||``, ``|:``, ``:|``, ``::``) closes after a whole number of phrases
# of ``PHRASE_BARS``, as 96.7% of the test split's do; 45-57% of v5's did, 7 or 9 bars as
# often as 8 (benchmarks/sections.py)
SECTION_BARS = ("||", "|:", ":|", "::")
# nats given to a melody's token that goes on restating, note for note, a bar written once
# so far, 4 or 8 bars back (a phrase or a part), but for a phrase's cadence 4 back; taken from
# one that would state a 4-bar phrase a third time running (a loop). The test split's
# melodies restate 19.7% of their bars, 7.8% from 4 back, 4.1% from 8 (or 9, over a pickup)
# and 0.6% from the bar before, and never play a 4-bar phrase three times running; v5's
# restated 12.7-15.3%, 3.9-4.5%, 0.9-1.6% and 1.9-3.0% (benchmarks/restated_bars.py; with
# this bonus: docs/model-card.md, "Parts of whole phrases")
RESTATE_BONUS = 1.0
# nats taken from the note that would end a melody's bar as a copy of the bar before, as it
# sounds (spacing and slurs aside), and from the one that would play a bar a third time
# running: of the real melodies alike the suite's prompts 4.9% play a bar twice in a row (the
# Irish reels 1.2%, the marches 15.5%), 0.4% one three times running; the model's 13.5% and
# 3.1% with 1 nat for both, a jig's part "G3 A2 G|" seven times; with 4 and 8 nats 4.8% and
# none (benchmarks/bar_loops.py; docs/model-card.md, "A bar not played over and over")
BAR_TWICE_COST, BAR_THRICE_COST = 4.0, 8.0
_BARLINES = ("|", "||", "|:", ":|", "::", "|]")
_NATURAL = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_ACCIDENTAL = {"^^": 2, "^": 1, "=": 0, "_": -1, "__": -2, "": 0}


def _nominal_pitch(m) -> int:
    """MIDI pitch of a NOTE_RE match as written, ignoring the key signature (±1 at most)."""
    accidental, letter, marks = m.group(1) or "", m.group(2), m.group(3)
    octave = (1 if letter.islower() else 0) + marks.count("'") - marks.count(",")
    return 60 + 12 * octave + _NATURAL[letter.upper()] + _ACCIDENTAL[accidental]


@dataclass
class Sampling:
    temperature: float = 1.0
    top_k: int = 0  # 0 = off
    top_p: float = DEFAULT_TOP_P  # 1 = off


class TokenTable:
    """What each vocabulary token does to a bar, computed once per tokenizer."""

    def __init__(self, tokenizer: Tokenizer):
        self.tokenizer = tokenizer
        n = len(tokenizer)
        self.lengths: dict[int, Fraction] = {}  # notes and rests the tracker may use
        self.pitched: set[int] = set()
        self.letter: dict[int, tuple[str, str]] = {}  # id → (letter upper, accidental)
        self.pitch: dict[int, int] = {}  # id → MIDI pitch before the key signature
        # notes written as a bare letter ("e"): one that opens a line and is followed by
        # ":|" reads as a field line ("e:|…"), so a space comes between (``BarTracker``)
        self.bare_letters: set[int] = set()
        sounds = tokenizer.sounds()
        if not sounds:
            raise ValueError("this vocabulary spells pitch and length as separate tokens "
                             "(split_lengths); the sampler needs one token per note")
        for i, (pitch, length) in sounds.items():
            if m := NOTE_RE.fullmatch(pitch):
                self.pitched.add(i)
                if len(pitch) == 1 and not length:
                    self.bare_letters.add(i)
                self.letter[i] = (m.group(2).upper(), m.group(1) or "")
                self.pitch[i] = _nominal_pitch(m)
            elif pitch != "z":  # x, Z and X are not counted by the tracker
                continue
            try:
                value = length_multiplier(length)
            except (AbcError, ValueError):
                continue
            if value > 0 and value % GRID == 0 and value <= 16:
                self.lengths[i] = value
        self.by_length: dict[Fraction, np.ndarray] = {}
        for i, value in self.lengths.items():
            self.by_length.setdefault(value, np.zeros(n, dtype=bool))[i] = True
        ids = tokenizer.ids
        self.bar = {b: ids[b] for b in _BARLINES if b in ids}
        # a bare :| can be given its |: afterwards (``explicit_repeats``)
        self.implicit_repeats = all(b in self.bar for b in ("|:", ":|", "::"))
        if "|" not in self.bar or not any(v == GRID for v in self.by_length):
            raise ValueError("vocabulary lacks '|' or half-unit notes; cannot constrain bars")
        self.space, self.newline = ids.get(" "), ids.get("\n")
        self.accidental = np.zeros(n, dtype=np.float32)  # 1 for a note with ^, _ or = before it
        self.accidental[[i for i in self.pitched if self.letter[i][1]]] = 1.0
        self.rest = np.zeros(n, dtype=np.float32)  # 1 for a rest the tracker counts
        self.rest[[i for i in self.lengths if i not in self.pitched]] = 1.0
        # the pitched tokens as arrays, to say what each would sound in one numpy step
        self.note_ids = np.array(sorted(self.pitched), dtype=np.int64)
        self.note_letter = np.array([LETTERS.index(self.letter[i][0]) for i in self.note_ids])
        self.note_written = np.array([self.pitch[i] for i in self.note_ids])
        self.note_explicit = np.array([bool(self.letter[i][1]) for i in self.note_ids])
        self.note_natural = self.note_written - [_ACCIDENTAL[self.letter[i][1]]
                                                 for i in self.note_ids]
        # each note's staff step, seven an octave (middle C 35), its accidental aside: a
        # voice answers another by steps, so a subject comes back in the mode (``Voices``)
        self.step = {i: (self.pitch[i] - _ACCIDENTAL[self.letter[i][1]]) // 12 * 7
                     + LETTERS.index(self.letter[i][0]) for i in self.pitched}
        self.plain_bars = np.zeros(n, dtype=bool)  # | and |]: a bar and nothing more
        self.plain_bars[[self.bar[b] for b in ("|", "|]") if b in self.bar]] = True
        self.barlines = np.zeros(n, dtype=bool)
        self.barlines[list(self.bar.values())] = True
        self.repeat_closes = np.zeros(n, dtype=bool)  # :| and ::
        self.repeat_closes[[tid for b, tid in self.bar.items() if b.startswith(":")]] = True
        # a broken-rhythm pair fills twice its notes' written length however it splits them:
        # "A>B", the Scotch snap "A<B" (a strathspey's) and the rare doubled ones
        self.broken = [ids[b] for b in (">", "<", ">>", "<<") if b in ids]
        self.triplet, self.roll = ids.get("(3"), ids.get("~")
        self.chord_open, self.chord_close = ids.get("["), ids.get("]")
        self.slur_start, self.slur_end = ids.get("("), ids.get(")")
        self.tie = ids.get("-")
        # what changes how a bar is written but not what it plays: spacing, line ends, slurs
        self.unheard = np.zeros(n, dtype=bool)
        self.unheard[[i for i in (self.space, self.newline, self.slur_start, self.slur_end)
                      if i is not None]] = True
        self.bar_ends = self.barlines.copy()  # what may follow a bar's last note: a tie too
        if self.tie is not None:
            self.bar_ends[self.tie] = True
        # a triplet's notes each last this share of their written length (2/3 of 3 notes)
        self.triplet_factor, self.triplet_notes = tuplet("(3", compound=False)
        self.triplet_span = self.triplet_factor * self.triplet_notes  # their lengths to one
        self.n = n
        self._masks: dict[tuple, np.ndarray] = {}
        self._tonic_lengths: dict[tuple[str, str], list[Fraction]] = {}
        self._counts: dict[tuple, dict[Fraction, set[int]]] = {}
        self._fills: dict[tuple, set[int]] = {}

    @functools.cached_property
    def note_lengths(self) -> list[Fraction]:
        """The lengths a pitched note token can have, shortest first."""
        return sorted({self.lengths[i] for i in self.pitched if i in self.lengths})

    def note_counts(self, bar: Fraction, lengths: tuple[Fraction, ...]
                    ) -> dict[Fraction, set[int]]:
        """For every remainder of a bar (multiples of ``GRID`` up to ``bar``), how many
        pitched notes of ``lengths`` can fill it exactly."""
        key = (bar, lengths)
        if key not in self._counts:
            counts: dict[Fraction, set[int]] = {Fraction(0): {0}}
            step = GRID
            while step <= bar:
                counts[step] = {c + 1 for v in lengths if v <= step
                                for c in counts.get(step - v, ())}
                step += GRID
            self._counts[key] = counts
        return self._counts[key]

    def bar_fills(self, bar: Fraction, bars: int, lengths: tuple[Fraction, ...]) -> set[int]:
        """The note counts of ``lengths`` that fill ``bars`` whole bars of length ``bar``."""
        key = (bar, bars, lengths)
        if key not in self._fills:
            one = self.note_counts(bar, lengths).get(bar, set())
            self._fills[key] = ({0} if bars == 0 else {
                a + c for a in self.bar_fills(bar, bars - 1, lengths) for c in one})
        return self._fills[key]

    def header_choices(self, field_name: str) -> list[int]:
        """Header-line tokens (``M:6/8\\n``) that parse; the model may choose among them."""
        out = []
        for i, tok in enumerate(self.tokenizer.tokens):
            if not (tok.startswith(f"{field_name}:") and tok.endswith("\n")):
                continue
            value = tok[2:].strip()
            try:
                ok = {"M": lambda v: meter_length(v) is not None and "/" in v,
                      "L": lambda v: parse_fraction(v, "L") > 0,
                      "K": lambda v: parse_key(v).tonic is not None}[field_name](value)
            except (AbcError, ValueError, ZeroDivisionError):
                ok = False
            if ok and value == value.strip() and " " not in value:
                out.append(i)
        return out

    def rhythm(self, name: str, unit: Fraction) -> np.ndarray:
        """1.0 for the tokens of a rhythm, as float32: "broken", the broken-rhythm signs,
        "slur", a slur's opening (a bowing), or a note value ("1/8"), the notes that long when
        ``L:`` is ``unit``."""
        key = ("rhythm", name, unit)
        if key not in self._masks:
            mask = np.zeros(self.n, dtype=np.float32)
            if name == "broken":
                mask[self.broken] = 1.0
            elif name == "slur":
                if self.slur_start is not None:
                    mask[self.slur_start] = 1.0
            else:
                value = Fraction(name)
                mask[[i for i in self.pitched if self.lengths.get(i, 0) * unit == value]] = 1.0
            self._masks[key] = mask
        return self._masks[key]

    def dotted(self, unit: Fraction) -> np.ndarray:
        """1.0 for the tokens that write a dotted note (``abc.notes.DOTTED``) when ``L:`` is
        ``unit``, as float32: notes that long, and the broken-rhythm signs, which make one of
        a pair of eighths so."""
        key = ("dotted", unit)
        if key not in self._masks:
            self._masks[key] = self.rhythm(str(DOTTED), unit) + self.rhythm("broken", unit)
        return self._masks[key]

    def written_as(self, pitch: int) -> np.ndarray:
        """1.0 for the notes written at this MIDI pitch (before the key signature), as
        float32, to scale a cost."""
        key = ("written", pitch)
        if key not in self._masks:
            mask = np.zeros(self.n, dtype=np.float32)
            mask[[i for i, p in self.pitch.items() if p == pitch]] = 1.0
            self._masks[key] = mask
        return self._masks[key]

    def within(self, low: int, high: int) -> np.ndarray:
        """Every token but the notes outside ``low..high`` (MIDI, before the key signature)."""
        key = ("within", low, high)
        if key not in self._masks:
            mask = np.ones(self.n, dtype=bool)
            mask[[i for i, p in self.pitch.items() if not low <= p <= high]] = False
            self._masks[key] = mask
        return self._masks[key]

    def on_steps(self, steps: frozenset[int], length: Fraction) -> np.ndarray:
        """The notes ``length`` units long on one of the staff ``steps``, no accidental
        written."""
        key = ("steps", steps, length)
        if key not in self._masks:
            mask = np.zeros(self.n, dtype=bool)
            mask[[i for i, step in self.step.items() if step in steps and not self.letter[i][1]
                  and self.lengths.get(i) == length]] = True
            self._masks[key] = mask
        return self._masks[key]

    def rests_over(self, length: Fraction) -> np.ndarray:
        """The rests longer than ``length`` units."""
        key = ("rests", length)
        if key not in self._masks:
            mask = np.zeros(self.n, dtype=bool)
            mask[[i for i, v in self.lengths.items()
                  if i not in self.pitched and v > length]] = True
            self._masks[key] = mask
        return self._masks[key]

    def quick(self, longest: Fraction) -> np.ndarray:
        """1.0 for the notes (not rests) at most ``longest`` units long, as float32."""
        key = ("quick", longest)
        if key not in self._masks:
            mask = np.zeros(self.n, dtype=np.float32)
            mask[[i for i in self.pitched if self.lengths.get(i, longest + 1) <= longest]] = 1.0
            self._masks[key] = mask
        return self._masks[key]

    def sounding(self, signature: dict[str, int], accidentals: dict[int, int]) -> np.ndarray:
        """MIDI pitch each pitched token (``note_ids``) would sound in a key of this
        ``signature`` after the bar's ``accidentals`` so far (natural pitch, which names
        letter and octave, → -2..2): an accidental holds to the bar's end, as abc2midi plays.
        The signature's pitches are kept (do not write into them): asked at every token."""
        key = ("sounding", tuple(sorted(signature.items())))
        if key not in self._masks:
            alter = np.array([signature.get(letter, 0) for letter in LETTERS])[self.note_letter]
            self._masks[key] = np.where(self.note_explicit, self.note_written,
                                        self.note_natural + alter)
        pitches = self._masks[key]
        if accidentals:
            pitches = pitches.copy()
            for natural, value in accidentals.items():
                pitches[(self.note_natural == natural) & ~self.note_explicit] = natural + value
        return pitches

    def melody_cost(self, key: Key) -> np.ndarray:
        """Minus ``ACCIDENTAL_COST`` on every note written with an accidental, but a minor
        key's leading note (``^G`` in A minor, ``=B`` in C minor), and ``REST_COST`` on every
        rest."""
        cost = -ACCIDENTAL_COST * self.accidental - REST_COST * self.rest
        return np.where(self.leading_notes(key), 0.0, cost).astype(np.float32)

    def leading_notes(self, key: Key) -> np.ndarray:
        """The notes of a minor key's raised seventh (``^G`` in A minor, ``=B`` in C minor),
        in any octave; none in another mode."""
        mask = np.zeros(self.n, dtype=bool)
        if key.tonic is not None and key.mode == "minor":
            seventh = LETTERS[LETTERS.index(key.tonic[0]) - 1]
            raised = key.signature.get(seventh, 0) + 1
            spelling = {v: a for a, v in ACCIDENTAL_VALUE.items()}.get(raised)
            mask[[i for i in self.pitched if self.letter[i] == (seventh, spelling)]] = True
        return mask

    def held_as(self, tid: int, carried: bool) -> np.ndarray:
        """The notes, of any length, that a tie from note ``tid`` may hold into: spelt as
        it is (letter, accidental, octave), or ``carried`` over a barline, its letter and
        octave bare, as the corpus writes 86% of them (``^F8-|F8``: the tie carries the
        sharp, as abc2midi, ``notes`` and the transposer read it)."""
        key = ("held", tid, carried)
        if key not in self._masks:
            letter, accidental = self.letter[tid]
            spelling = (letter, "") if carried else (letter, accidental)
            pitch = self.pitch[tid] - (_ACCIDENTAL[accidental] if carried else 0)
            mask = np.zeros(self.n, dtype=bool)
            mask[[i for i in self.pitched
                  if self.letter[i] == spelling and self.pitch[i] == pitch]] = True
            self._masks[key] = mask
        return self._masks[key]

    def tonic_notes(self, tonic: tuple[str, str], length: Fraction) -> np.ndarray:
        """Notes on the tonic letter (with the key's accidental or none) of this length."""
        key = ("tonic", tonic, length)
        if key not in self._masks:
            mask = np.zeros(self.n, dtype=bool)
            for i in self.pitched:
                if self.lengths.get(i) == length and self.letter[i][0] == tonic[0] \
                        and self.letter[i][1] in ("", tonic[1]):
                    mask[i] = True
            self._masks[key] = mask
        return self._masks[key]

    def near_tonic(self, tonic: tuple[str, str], within: int, low: int, high: int
                   ) -> np.ndarray:
        """Every token but the notes more than ``within`` semitones from each tonic note
        (``tonic_notes``' letter) between ``low`` and ``high`` (MIDI, before the key
        signature)."""
        key = ("near tonic", tonic, within, low, high)
        if key not in self._masks:
            tonics = {self.pitch[i] for i in self.pitched if self.letter[i][0] == tonic[0]
                      and self.letter[i][1] in ("", tonic[1]) and low <= self.pitch[i] <= high}
            mask = np.ones(self.n, dtype=bool)
            mask[[i for i, p in self.pitch.items()
                  if not any(abs(p - q) <= within for q in tonics)]] = False
            self._masks[key] = mask
        return self._masks[key]

    def on_letters(self, letters: frozenset[str]) -> np.ndarray:
        """Every token but the notes other than ``letters`` (upper case) as the key signature
        has them, no accidental written ("^F" in C is no subdominant)."""
        key = ("letters", letters)
        if key not in self._masks:
            mask = np.ones(self.n, dtype=bool)
            mask[[i for i in self.pitched
                  if self.letter[i][0] not in letters or self.letter[i][1]]] = False
            self._masks[key] = mask
        return self._masks[key]

    def tonic_lengths(self, tonic: tuple[str, str]) -> list[Fraction]:
        """The lengths a final tonic note can have in this vocabulary, shortest first."""
        if tonic not in self._tonic_lengths:
            self._tonic_lengths[tonic] = sorted(v for v in self.by_length
                                                if self.tonic_notes(tonic, v).any())
        return self._tonic_lengths[tonic]

    def notes_up_to(self, remaining: Fraction, pitched_only: bool = False,
                    exactly: Fraction | None = None) -> np.ndarray:
        key = ("notes", remaining, pitched_only, exactly)
        if key not in self._masks:
            mask = np.zeros(self.n, dtype=bool)
            for value, m in self.by_length.items():
                if (value == exactly) if exactly is not None else value <= remaining:
                    mask |= m
            if pitched_only:
                keep = np.zeros(self.n, dtype=bool)
                keep[list(self.pitched)] = True
                mask &= keep
            self._masks[key] = mask
        return self._masks[key]


@dataclass
class Lean:
    """How many of a piece's notes so far fall in each bin (a degree, a length), beside the
    ``shares`` its style's training tunes' notes do: one count for all its voices."""

    shares: np.ndarray  # one a bin, summing to 1

    def __post_init__(self) -> None:
        self.counts = np.zeros(len(self.shares))

    def leaning(self, cost: float, bonus: float, grace: int) -> np.ndarray | None:
        """Nats for a note in each bin: ``cost`` off one already past its share by ``grace``
        notes, ``bonus`` on one short of it; None while none is either (asked at every
        token: the common case is cheap)."""
        ahead = self.counts - self.shares * self.counts.sum()
        over, under = ahead > grace, ahead < -grace
        if not over.any() and not (bonus and under.any()):
            return None
        return np.where(over, -cost, np.where(under, bonus, 0.0)).astype(np.float32)


@dataclass
class Degrees(Lean):
    """A piece's notes on each pitch class above its ``tonic`` (``DEGREE_COST``)."""

    tonic: int = 0  # pitch class of the key's tonic

    def count(self, pitch: int) -> None:
        self.counts[(pitch - self.tonic) % 12] += 1

    def nats(self) -> np.ndarray | None:
        return self.leaning(DEGREE_COST, DEGREE_BONUS, DEGREE_GRACE)


@dataclass
class Durations(Lean):
    """A piece's notes of each length as they sound, in whole notes (``DURATION_COST``):
    ``lengths`` the bins, a note of another length not counted; ``tuplet`` the bin of a
    triplet of notes one unit long ("(3cde" at ``L:1/8``, each 1/12), None if not one."""

    lengths: tuple[Fraction, ...] = ()
    unit: Fraction = Fraction(1, 8)  # L:, which a token's length is in
    tuplet: int | None = None

    def count(self, value: Fraction, times: int = 1) -> None:
        """A note ``value`` units of ``L:`` long sounded (``times`` -1: counted no more)."""
        if (whole := value * self.unit) in self.lengths:
            self.counts[self.lengths.index(whole)] += times

    def nats(self, table: TokenTable, factor: Fraction | None = None) -> np.ndarray | None:
        """Nats for each token of ``table``, by the length its note would sound: written
        plain, or within a tuplet whose notes sound ``factor`` of what is written. Outside
        one, a triplet's sign costs what a triplet of units (``tuplet``) would: uncosted,
        the model, its eighths and quarters held to their shares, ran a quartet's voices
        in triplets. None while no length is past its share."""
        if (nats := self.leaning(DURATION_COST, DURATION_BONUS, DURATION_GRACE)) is None:
            return None
        tokens = np.zeros(table.n, np.float32)
        for i, whole in enumerate(self.lengths):
            if nats[i]:
                tokens += nats[i] * table.rhythm(str(whole / (factor or 1)), self.unit)
        if factor is None and self.tuplet is not None and table.triplet is not None:
            tokens[table.triplet] = nats[self.tuplet]
        return tokens


@dataclass
class BarTracker:
    """One candidate's position in the music; see the module docstring."""

    table: TokenTable
    bar_length: Fraction  # in units of L:
    bars: int  # bars to write
    tonic: tuple[str, str] | None  # (letter, accidental) of the final note, or None
    ending: Fraction = Fraction(0)  # the final note's least length, in units of L
    filled: Fraction = Fraction(0)
    done_bars: int = 0
    repeat_open: bool = False
    phase: str = "free"  # free note broken triplet roll slur tie chord barred space
    last: Fraction = Fraction(0)
    triplet_left: int = 0
    finished: bool = False
    log: list[int] = field(default_factory=list)
    # a voice of a polyphonic piece or a song: notes within (low, high) MIDI, silent for at
    # most ``longest_rest`` units at a time (``rested``: the rests since its last note)
    compass: tuple[int, int] | None = None
    longest_rest: Fraction = Fraction(0)
    rested: Fraction = Fraction(0)
    # ... and rests its first ``enters`` bars before it comes in, then no longer than
    # ``longest_rest`` in all (those bars counted: a long wait ends on the beat)
    enters: int = 0
    # a melody: its notes within ``span`` semitones of each other (``low``..``high`` so far)
    span: int | None = None
    low: int | None = None
    high: int | None = None
    cost: np.ndarray | None = None  # added to the logits before each draw (``melody_cost``)
    # a sung melody ends on a tonic at most a fifth from its last note where one is in reach
    # (``FARTHEST_APPROACH``): real tunes leap further into their last note in 1.5% of the
    # test split, the sampler's in 8.5% (``benchmarks/endings.py``)
    near_final: bool = False
    # a played melody moves at most ``approach`` semitones into its last note where its last
    # bar leaves room for it, the note before it a step away where only the final can follow
    # (``_cadence``, ``APPROACH``, ``STEP``); a sung one's words say when it comes. With
    # ``leap`` (a bass) it comes from a fourth or a fifth away by letter, its final's dominant
    # or subdominant
    approach: int | None = None
    leap: bool = False
    # a voice that may play chords: its chord's notes so far (written pitches) and their
    # length; the pitch classes of the last chord it closed and how often in a row it struck
    # them (an octave added or left out is the same chord)
    chords: bool = False
    shortest_chord: Fraction = Fraction(0)  # in units of L:
    chord: list[int] = field(default_factory=list)
    chord_length: Fraction = Fraction(0)
    last_chord: frozenset[int] = frozenset()
    chord_run: int = 0
    last_note: int | None = None  # the last note written, its pitch, and how often in a row
    last_pitch: int | None = None  # that pitch was struck
    struck: int = 0
    again: float = 0.0  # nats off striking it again (``AGAIN_COST``: a voice among others)
    # a melody may open with a pickup of at most half a bar, not counted among ``bars``; its
    # last bar stays whole (abc2abc takes a short last bar for an error)
    may_pickup: bool = False
    pickup: Fraction = Fraction(0)
    # a melody's sections are whole phrases of ``phrase`` bars; ``section_start``: the bars
    # done when the current section began
    phrase: int | None = None
    section_start: int = 0
    # and lean toward restating a bar a phrase or a part back (``RESTATE_BONUS``): the tokens
    # of each bar written as it sounds (``TokenTable.unheard`` left out), and of the bar being
    # written
    restate: float = 0.0
    # a voice or melody may slur two notes or more, "(fedc)", never a rest, a slur closed
    # before it spans a second barline and before the end (``styles.SLURRED_FORMS``):
    # ``slur`` open, the notes under it and the barlines it crossed
    slurs: bool = False
    slur: bool = False
    slurred: int = 0
    slur_bars: int = 0
    # a melody opens a slur on about ``bowings`` of its notes, as its style's tunes do:
    # ``bowed`` slurs so far (``PACE_COST``, ``PACE_BONUS``). Not a piece's voices: a
    # quartet's, held to the corpus's quartets' one in 10 from the model's three, rested
    # instead, all four at once 7.6% of the time over four draws of the suite (2.4% before,
    # real quartets 2.5%)
    bowings: float | None = None
    bowed: int = 0
    # a voice may hold a note on into one of the same pitch, "A2-A2", "A4-|A2": a long note
    # across the beat or the barline, a suspension (``styles.TIED_STYLES``); over one barline
    # at most, never into the last bar, nor under a slur. ``tied``: the note the next one
    # holds (``TokenTable.held_as``); ``held_over``: the last note holds one from the bar before
    ties: bool = False
    tied: int | None = None
    held_over: bool = False
    # a melody whose style's tunes mostly end by closing a repeat (a jig's last part, played
    # twice): its last barline is ``:|`` where the model cannot say (``plain_when_unsure``)
    ends_repeat: bool = False
    # a melody, or each voice of a piece, planned in sections as its style's tunes are
    # written (``abc.sections``): the bars after which each ends, True for one played twice
    # (``:|``, else ``||``, ``|]`` at the end), plain barlines between; None: the model
    # closes its own after whole phrases
    plan: dict[int, bool] | None = None
    # the rhythm signs its style does not write: "tuplet" (no "(3"), "broken" (no "A>B")
    unwritten: frozenset[str] = frozenset()
    # a melody runs about ``pace`` of its notes quick, those at most ``quick`` units long as
    # played (a triplet's and a dotted pair's as they sound): ``played`` notes so far,
    # ``quick_played`` of them quick (``PACE_COST``, ``PACE_BONUS``)
    pace: float | None = None
    quick: Fraction = Fraction(0)
    played: int = 0
    quick_played: int = 0
    # ... and about ``dots`` of them dotted, ``dotted`` units long as played (the same costs)
    dots: float | None = None
    dotted: Fraction = Fraction(0)
    dotted_played: int = 0
    # the key's signature (letter → -2..2) and this bar's accidentals so far (natural pitch →
    # alteration): what its notes sound; with ``degrees``, counted on its pitch classes
    signature: dict[str, int] = field(default_factory=dict)
    accidentals: dict[int, int] = field(default_factory=dict)
    sounded: int | None = None  # the pitch of the last note struck
    degrees: Degrees | None = None
    durations: Durations | None = None  # the piece's note lengths, counted as they sound
    written: list[list[int]] = field(default_factory=list)
    current: list[int] = field(default_factory=list)
    seen: Counter[tuple[int, ...]] = field(default_factory=Counter)  # bars as they sound

    @property
    def remaining(self) -> Fraction:
        return self.bar_length - self.filled

    @property
    def after_note(self) -> bool:
        """Whether the last token written was a note (a slur may close after one)."""
        return bool(self.log) and self.log[-1] in self.table.pitched

    @property
    def final_bar(self) -> bool:
        return self.done_bars == self.bars - 1

    def _leans(self) -> Iterator[tuple[float, int, np.ndarray]]:
        """For each kind of note a melody runs at a share of a training tune of its style
        (quick ones at ``pace``, dotted ones at ``dots``): the share, how many of its notes
        so far are of the kind, and the tokens that write one; and the share of its notes a
        slur opens on (``bowings``), how many it opened, and the slur's opening."""
        if self.pace is not None:
            yield self.pace, self.quick_played, self.table.quick(self.quick)
        if self.dots is not None:
            yield self.dots, self.dotted_played, self.table.dotted(DOTTED / self.dotted)
        if self.bowings is not None:  # a slur's opening is one token whatever L: is
            yield self.bowings, self.bowed, self.table.rhythm("slur", Fraction(1))

    def bias(self) -> np.ndarray:
        """What ``generate`` adds to the logits before this row's next draw: ``cost``,
        ``again`` off the pitch struck last, ``REPEAT_COST`` more once it was struck
        ``REPEAT_RUN`` times in a row (and off a chord's
        opening after one chord struck ``CHORD_RUN`` times in a row, once more for each
        time more; ``FIRST_CHORD_BONUS`` on it before the first), ``PACE_COST`` off a quick
        note while more of the notes so far were quick than ``pace`` says, the more the
        further past (``PACE_BONUS`` on it while fewer), the same for a dotted one and
        ``dots`` and a slur's opening and ``bowings``, ``Degrees.nats`` on the
        notes by the pitch class they would sound (but a note restating a bar), and ``restate``
        on a token that goes on restating a bar a phrase or two back (off it, a phrase a third
        time running), ``BAR_TWICE_COST`` off the note that would end a bar as the bar just
        before (``BAR_THRICE_COST`` a third time running)."""
        bias = self.cost if self.cost is not None else np.zeros(self.table.n, np.float32)
        if self.struck:
            cost = self.again + (REPEAT_COST if self.struck >= REPEAT_RUN else 0.0)
            if cost:
                bias = bias - cost * self.table.written_as(self.last_pitch)
        if self.chord_run >= CHORD_RUN:  # another "[" would most likely strike it again
            bias = bias.copy()
            bias[self.table.chord_open] -= REPEAT_COST * (self.chord_run - CHORD_RUN + 1)
        if self.chords and not self.last_chord and self.done_bars < FIRST_CHORD_BARS \
                and self.table.chord_open is not None:  # no chord yet: open with some
            bias = bias.copy()
            bias[self.table.chord_open] += FIRST_CHORD_BONUS
        for share, done, tokens in self._leans():
            ahead = done - share * self.played  # notes of the kind past its share
            if ahead > PACE_GRACE:
                bias = bias - PACE_COST * ahead / PACE_GRACE * tokens
            elif ahead < -PACE_GRACE:
                bias = bias + PACE_BONUS * tokens
        lean = self.lean()  # added last
        if self.phase == "chord" and len(self.chord) == 2 and DYAD_COST:
            bias = bias.copy()  # a third note, rather than two
            bias[self.table.chord_close] -= DYAD_COST
        if self.restate and self.phrase and self.written:
            # toward a bar written once so far, a phrase (4 bars) or a part (8) back; not a
            # phrase's cadence from the phrase before (a part's may echo the last part's).
            # Against a phrase a third time running, and against the note that would end a
            # bar as a copy of the one before ("Addd d2 z z|Addd d2 z z|"), more so a third
            # time running; bars are read as they sound (``TokenTable.unheard`` left out)
            k, bars, back = len(self.current), self.written, self.phrase
            last = (len(bars) - self.section_start) % back == back - 1
            gains: dict[int, float] = {}
            for far in (1, back, 2 * back):
                if len(bars) < far:
                    continue
                model = bars[-far]
                if k >= len(model) or model[:k] != self.current:
                    continue
                if far == 1:
                    if k == len(model) - 1:
                        thrice = len(bars) >= 2 and bars[-2] == model
                        gains[model[k]] = -(BAR_THRICE_COST if thrice else BAR_TWICE_COST)
                elif far == back and len(bars) >= 2 * back and bars[-2 * back] == model:
                    gains[model[k]] = -self.restate
                elif self.seen[tuple(model)] == 1 and not (far == back and last):
                    gains.setdefault(model[k], self.restate)
            if gains:
                bias = bias.copy()
                for tid, gain in gains.items():
                    bias[tid] += gain
                    if lean is not None and gain > 0:
                        lean[tid] = 0.0  # a bar restated keeps its notes, whatever they are
        return bias if lean is None else bias + lean

    def lean(self) -> np.ndarray | None:
        """Nats toward the style's degrees and note lengths (``Degrees``, ``Durations``):
        None while neither leans."""
        lean = None
        if self.degrees is not None and (nats := self.degrees.nats()) is not None:
            t, tonic = self.table, self.degrees.tonic
            lean = np.zeros(t.n, np.float32)
            lean[t.note_ids] = nats[(t.sounding(self.signature, self.accidentals) - tonic) % 12]
        if self.durations is not None and self.phase not in ("broken", "tie") and (
                held := self.durations.nats(self.table, self.table.triplet_factor
                                            if self.phase == "triplet" else None)) is not None:
            lean = held if lean is None else lean + held
        return lean

    def allowed(self) -> np.ndarray:
        mask = self._allowed()
        if self.finished:
            return mask
        if self.done_bars < self.enters:  # not come in yet: a whole bar's rest, the barline
            return self._resting(mask)
        kept = mask & self._reach()
        if self.compass is not None:
            kept = kept & ~self.table.rests_over(self.longest_rest - self.rested)
        return kept if kept.any() else mask  # a dead end inside the range: any fitting note

    def _resting(self, mask: np.ndarray) -> np.ndarray:
        """Of ``mask``, the longest rest (a bar's, ``z8``, where it fits) or the barline: a
        voice that has not come in yet. Any rest was the model's choice at first, and a
        model expecting a note spelled its silence ``zzzz`` and went on writing so."""
        t = self.table
        rests = np.flatnonzero(mask & t.rests_over(Fraction(0)))
        if not len(rests):
            resting = mask & t.barlines
            return resting if resting.any() else mask
        longest = max(t.lengths[i] for i in rests.tolist())
        resting = np.zeros_like(mask)
        resting[[i for i in rests.tolist() if t.lengths[i] == longest]] = True
        return resting

    def _bounds(self) -> tuple[int, int]:
        """The lowest and highest note this voice's compass and a melody's span leave it."""
        low, high = self.compass if self.compass is not None else (-128, 255)
        if self.span is not None and self.low is not None:
            low, high = max(low, self.high - self.span), min(high, self.low + self.span)
        return low, high

    def _reach(self) -> np.ndarray:
        """Every token but the notes outside this voice's compass or a melody's span."""
        return self.table.within(*self._bounds())

    def _room(self) -> Fraction:
        """The length the final note of the last bar is kept room for: the shortest tonic
        note at least ``ending`` long (or the longest there is)."""
        lengths = self.table.tonic_lengths(self.tonic)
        return next((v for v in lengths if v >= self.ending), lengths[-1])

    def _near(self, final: np.ndarray, semitones: int) -> np.ndarray:
        """The ``final`` tonics within reach at most ``semitones`` from the last pitch."""
        return final & self.table.within(self.last_pitch - semitones,
                                         self.last_pitch + semitones) & self._reach()

    def _before(self) -> np.ndarray:
        """Every token but the notes that may not come right before the final where nothing
        else can: those more than a ``STEP`` from a final within reach, or with ``leap``
        those not a fourth or fifth from it by letter, as the key has them."""
        t = self.table
        if self.leap:
            at = LETTERS.index(self.tonic[0])
            return t.on_letters(frozenset(LETTERS[(at + k) % 7] for k in (3, 4)))
        return t.near_tonic(self.tonic, STEP, *self._bounds())

    def _cadence(self, notes: np.ndarray, final: np.ndarray, left: Fraction
                 ) -> tuple[np.ndarray, np.ndarray]:
        """The last bar's ``notes`` (leaving ``left`` for the final at least) and ``final``
        tonics narrowed so the melody moves at most ``approach`` semitones into its last
        note (with ``leap``, from a note ``_before`` allows): the final only so, else
        another note first where one fits; a note after which only the final fits, only one
        ``_before`` allows, a step from it. Where neither can be, a final at most
        ``FARTHEST_APPROACH`` away."""
        t = self.table
        came = not self.leap or bool(self._before()[self.last_note])
        if came and (near := self._near(final, self.approach)).any():
            final = near
        elif (t.notes_up_to(left, pitched_only=True) & self._reach()).any():
            final = np.zeros_like(final)
        elif (near := self._near(final, FARTHEST_APPROACH)).any():
            final = near
        only = notes & ~t.notes_up_to(left - t.note_lengths[0])  # no rest: "G z/ D3/2"
        close = only & self._before() & t.notes_up_to(left, pitched_only=True)
        if close.any():
            notes = (notes & ~only) | close
        return notes, final

    def _allowed(self) -> np.ndarray:
        t, rem = self.table, self.remaining
        if self.finished:
            mask = np.zeros(t.n, dtype=bool)
            mask[t.tokenizer.eos_id] = True
            return mask
        if self.tied is not None:  # the held note goes on, after the barline if the bar is full
            if rem == 0:
                mask = np.zeros(t.n, dtype=bool)
                mask[t.bar["|"]] = True
                return mask
            carried = self.filled == 0  # over the barline
            return t.notes_up_to(rem, pitched_only=True) & t.held_as(self.tied, carried)
        if self.phase == "broken":  # the second note of a pair: the same length
            return t.notes_up_to(rem, pitched_only=True, exactly=self.last)
        if self.phase == "chord":  # rising notes of the first one's length, then "]"
            if not self.chord:
                mask = t.notes_up_to(rem, pitched_only=True)
                long = mask & ~t.notes_up_to(self.shortest_chord - GRID)
                return long if long.any() else mask
            mask = np.zeros(t.n, dtype=bool)
            if len(self.chord) < MAX_CHORD:
                mask = t.notes_up_to(rem, pitched_only=True, exactly=self.chord_length) \
                    & t.within(self.chord[-1] + 1, 127)
            mask[t.chord_close] = len(self.chord) >= 2 or not mask.any()  # never stuck
            return mask
        if self.phase == "triplet":
            if self.triplet_left == t.triplet_notes:  # the first: all of them must fit
                mask = t.notes_up_to(rem / t.triplet_span, pitched_only=True).copy()
            else:
                mask = t.notes_up_to(rem, pitched_only=True, exactly=self.last)
            return mask
        if rem == 0 and self.slur and (self.final_bar or self.slur_bars or (
                self.plan is not None and self.ends_phrase())):
            mask = np.zeros(t.n, dtype=bool)  # close the slur before the barline
            mask[t.slur_end] = True
            return mask
        if rem == 0:
            mask = self._bar_end()
            if mask[t.repeat_closes].any() and self._opens_line_with_a_letter():
                mask = mask & ~t.repeat_closes  # "e|", "e :|", never "e:|", a field line
                if not (mask & t.barlines).any():
                    mask[:] = False
                    mask[t.space] = True
            return mask
        if self.final_bar and self.tonic is not None and t.tonic_lengths(self.tonic):
            # anything that leaves room for a tonic note ``ending`` long, or the tonic note
            # that ends the bar
            room = self._room()
            notes, final = t.notes_up_to(rem - room), t.tonic_notes(self.tonic, rem)
            if self.approach is not None and self.last_pitch is not None:
                notes, final = self._cadence(notes, final, rem - room)
            elif self.near_final and self.last_pitch is not None and (
                    near := self._near(final, FARTHEST_APPROACH)).any():
                final = near
            mask = notes | final
        else:
            mask = t.notes_up_to(rem).copy()
            if self.approach is not None and self.done_bars == self.bars - 2 \
                    and self.tonic is not None and t.tonic_lengths(self.tonic) \
                    and self._room() >= self.bar_length:
                # the final fills the last bar: the note that ends this one comes before it
                ends = t.notes_up_to(rem, pitched_only=True, exactly=rem)
                close = ends & self._before()
                if close.any():
                    mask &= ~ends | close
        if not mask.any():  # no tonic fits what is left: end on any note that fits
            mask = t.notes_up_to(rem).copy()
        if self.slur:  # a slur joins notes, never a rest
            mask[t.rest > 0] = False
        if self.phase == "slur" and self.slur_needs_room():
            return mask & t.notes_up_to(rem - GRID, pitched_only=True)
        if self.phase in ("roll", "slur"):
            return mask & t.notes_up_to(rem, pitched_only=True)
        if self.phase == "note" and t.broken and not self.final_bar and self.last <= rem \
                and "broken" not in self.unwritten:
            mask[t.broken] = True
        if self.phase in ("free", "note", "barred", "space") and not self.final_bar:
            if t.triplet is not None and rem >= t.triplet_span * GRID \
                    and "tuplet" not in self.unwritten:
                mask[t.triplet] = True
            if t.roll is not None:
                mask[t.roll] = True
            if self.chords and t.chord_open is not None and t.chord_close is not None \
                    and rem >= self.shortest_chord:
                mask[t.chord_open] = True
        if self.slurs and t.slur_start is not None and t.slur_end is not None:
            if self.slur:
                mask[t.slur_end] = self.after_note and self.slurred >= 2
            elif self.phase in ("free", "note", "barred", "space") and not self.final_bar:
                mask[t.slur_start] = not self.slur_needs_room() or bool(
                    (mask & t.notes_up_to(rem - GRID, pitched_only=True)).any())
        if self.may_tie():
            mask[t.tie] = True
        if self.phase in ("free", "note") and t.space is not None:
            mask[t.space] = True
        if self.may_pickup and self.done_bars == 0 and not self.pickup and not self.final_bar \
                and 0 < self.filled <= self.bar_length / 2 \
                and self.phase in ("free", "note", "space"):
            mask[t.bar["|"]] = True  # "D2 | G2A2B2c2 |": the bar so far was a pickup
        # a line ends after a barline, or a melody's phrase mid-bar, as the Essen songs write
        # their phrases ("d4d2\ng2 |": a third of the corpus's line ends): forbidden, the
        # model filled the phrase's end with rests (voices keep one bar of each a line)
        if t.newline is not None and (self.phase == "barred" or (
                self.phase in ("free", "note") and self.compass is None and self.filled)):
            mask[t.newline] = True
        return mask

    def _bar_end(self) -> np.ndarray:
        """What may end a full bar: its barlines, a slur's close, a tie."""
        t = self.table
        # a repeat may close that no |: opened, as most of the corpus writes it: "from the
        # start" or "from the last section's end" (``explicit_repeats`` writes the |:)
        close = self.repeat_open or t.implicit_repeats
        mask = np.zeros(t.n, dtype=bool)
        if self.plan is not None and (planned := self._planned_bar()) in t.bar:
            mask[t.bar[planned]] = True
            if planned != "|":  # a part's end: its slur closed before, nothing held over
                return mask
        elif self.final_bar:
            mask[t.bar["|]"]] = not (self.repeat_open and ":|" in t.bar)
            if ":|" in t.bar:
                mask[t.bar[":|"]] = close
            return mask
        else:
            # a section ends whole (after whole phrases) and a melody's with its slur
            # closed: no fiddler bows on over a double bar or a repeat (a later voice must
            # take the first voice's barline, so voices keep theirs open)
            section = self.ends_phrase() and not (self.slur and self.phrase is not None)
            for text, tid in t.bar.items():
                ok = {"|": True, "||": not self.repeat_open, "|:": not self.repeat_open,
                      ":|": close, "::": close, "|]": False}[text]
                mask[tid] = ok and (text not in SECTION_BARS or section)
        if self.slur and self.after_note and self.slurred >= 2:
            mask[t.slur_end] = True  # "(fedc)|": a bowing that ends with the bar
        if self.may_tie():
            mask[t.tie] = True
        return mask

    def _opens_line_with_a_letter(self) -> bool:
        """Whether the last token is a bare-letter note ("e") that opens a melody's line (or
        its body): followed by ":|", it would read as a field line ("e:|…"). A voice's
        lines open with their ``[V:]`` tag."""
        t = self.table
        return self.compass is None and t.space is not None and bool(self.log) \
            and self.log[-1] in t.bare_letters and (
            len(self.log) == 1 or self.log[-2] == t.newline)

    def _planned_bar(self) -> str:
        """The barline the ``plan`` closes the bar being written with (a part played twice
        is closed once where the vocabulary cannot write a repeat closed with no opening)."""
        twice = self.plan.get(self.done_bars + 1)
        if twice is None:
            return "|"
        if twice and (self.repeat_open or self.table.implicit_repeats):
            return ":|"
        return "|]" if self.final_bar else "||"

    def ends_phrase(self) -> bool:
        """Whether the bar being written closes whole phrases of its section, so a section
        barline may end it (the ``plan``'s sections, where it has one)."""
        if self.plan is not None:
            return self.done_bars + 1 in self.plan
        return self.phrase is None or \
            (self.done_bars + 1 - self.section_start) % self.phrase == 0

    def slur_needs_room(self) -> bool:
        """Whether a slur opened now must hold two notes in this bar: in a melody's bar that
        closes a phrase, where a section may end, so the slur can close before its barline
        (voices, of no phrase, may slur over any plain barline: "(g4| f4 A2 g2)")."""
        return self.phrase is not None and self.ends_phrase()

    def may_tie(self) -> bool:
        """Whether the note just written may be tied: a note that holds it
        (``TokenTable.held_as``) fits what is left of the bar, or the next bar if it is full
        and not the last. Over the barline, not a bare note whose letter an accidental
        altered earlier in the bar (``^G G-|G``: readers differ on what it holds)."""
        t = self.table
        if not self.ties or t.tie is None or self.phase != "note" or self.slur \
                or self.final_bar:
            return False
        note, carried = self.log[-1], self.remaining == 0  # carried over the barline
        if carried:
            if self.done_bars + 2 >= self.bars or self.held_over or (
                    self.plan is not None and self.ends_phrase()):  # not into a new part
                return False
            letter, accidental = t.letter[note]
            if not accidental and any(
                    t.letter[i][0] == letter and t.letter[i][1]
                    and t.pitch[i] - _ACCIDENTAL[t.letter[i][1]] == t.pitch[note]
                    for i in self.current if i in t.letter):
                return False
        room = self.bar_length if carried else self.remaining
        held = t.held_as(note, carried)
        return bool((t.notes_up_to(room, pitched_only=True) & held).any())

    def advance(self, tid: int) -> None:
        """Take the row's next token; once finished, its batch's end-of-tune padding is not
        the candidate's and is not logged."""
        if self.finished:
            return
        t = self.table
        self.log.append(tid)
        if not t.barlines[tid] and not t.unheard[tid]:
            self.current.append(tid)
        if tid in t.pitch and self.tied is None:  # a held note keeps its pitch
            self.sounded = self.sounds(tid)
            if self.degrees is not None:
                self.degrees.count(self.sounded)
            pitch = t.pitch[tid]
            self.low = pitch if self.low is None else min(self.low, pitch)
            self.high = pitch if self.high is None else max(self.high, pitch)
            self.struck = self.struck + 1 if pitch == self.last_pitch else 1
            self.last_note, self.last_pitch = tid, pitch
        if self.phase == "chord":  # a chord fills its bar when it closes
            if tid == t.chord_close:
                self.filled += self.chord_length
                self.phase, self.last = "free", self.chord_length
                chord = frozenset(p % 12 for p in self.chord)
                self.chord_run = self.chord_run + 1 if chord == self.last_chord else 1
                self.last_chord = chord
            else:
                self.chord_length = t.lengths[tid]
                self.chord.append(t.pitch[tid])
                if self.durations is not None:
                    self.durations.count(self.chord_length)
                self.rested = Fraction(0)
        elif tid in t.lengths:
            value = t.lengths[tid]
            self.rested = Fraction(0) if tid in t.pitched else self.rested + value
            self.chord_run = 0 if tid in t.pitched else self.chord_run
            if tid in t.pitched:
                self.played += 1
                if self.phase == "broken":  # a dotted pair: one note half again, one half
                    sounded, recounted = (self.last * 3 / 2, value / 2), (self.last,)
                else:
                    sounded = (value * t.triplet_factor if self.phase == "triplet" else value,)
                    recounted = ()
                self.quick_played += _counted(sounded, recounted, lambda v: v <= self.quick)
                self.dotted_played += _counted(sounded, recounted, lambda v: v == self.dotted)
                if self.durations is not None:
                    if self.tied is not None:  # one note, held on: as long as both
                        sounded, recounted = (self.last + value,), (self.last,)
                    for v in sounded:
                        self.durations.count(v)
                    for v in recounted:
                        self.durations.count(v, -1)
            if self.phase == "triplet":
                self.filled += value * t.triplet_factor
                self.last, self.triplet_left = value, self.triplet_left - 1
                self.phase = "triplet" if self.triplet_left else "free"
            else:
                self.filled += value
                self.phase = "note" if self.phase != "broken" and tid in t.pitched else "free"
                self.last = value
            self.slurred += self.slur and tid in t.pitched
            self.held_over = self.tied is not None and (self.held_over or self.filled == value)
            self.tied = None
        elif tid in t.broken:
            self.phase = "broken"
        elif tid == t.triplet:
            self.phase, self.triplet_left = "triplet", t.triplet_notes
        elif tid == t.roll:
            self.phase = "roll"
        elif tid == t.slur_start:
            self.phase, self.slur, self.slurred, self.slur_bars = "slur", True, 0, 0
            self.bowed += 1
        elif tid == t.slur_end:
            self.phase, self.slur = "free", False
        elif tid == t.tie:
            self.phase, self.tied = "tie", self.log[-2]
        elif tid == t.chord_open:
            self.phase, self.chord = "chord", []
        elif tid in t.bar.values():
            self.bar_done(t.tokenizer.tokens[tid])
        elif tid in (t.space, t.newline):
            self.phase = "space"

    def follow(self, opening: Opening, ids: Sequence[int] = ()) -> None:
        """Carry on after an opening: its bars count as written, a repeat it left open
        stays open, a section it left open goes on counting its bars, and its bars (their
        tokens ``ids``, as the model reads them) may be restated."""
        for barline in opening.barlines:
            self.bar_done(barline)
        # a barline before any note closed no bar
        self.section_start = max(0, self.section_start - (self.done_bars - opening.bars))
        self.done_bars = opening.bars
        self.finished = self.done_bars >= self.bars
        bars: list[list[int]] = [[]]
        for tid in ids:
            if self.table.barlines[tid]:
                bars.append([])
            elif not self.table.unheard[tid]:
                bars[-1].append(tid)
        bars = [bar for bar in bars if bar]
        self.written = bars if len(bars) == opening.bars else [[] for _ in range(opening.bars)]
        self.seen = Counter(tuple(bar) for bar in self.written)

    def sounds(self, tid: int) -> int:
        """The MIDI pitch note ``tid`` sounds here, struck now: its accidental holds to the
        end of the bar (for its letter and octave, as abc2midi plays)."""
        t = self.table
        letter, accidental = t.letter[tid]
        natural = t.pitch[tid] - _ACCIDENTAL[accidental]
        if accidental:
            self.accidentals[natural] = _ACCIDENTAL[accidental]
        return natural + self.accidentals.get(natural, self.signature.get(letter, 0))

    def bar_done(self, barline: str) -> None:
        """A bar closed with ``barline``: written by the sampler, or given in an opening."""
        self.accidentals = {}
        self.repeat_open = barline in ("|:", "::") or (self.repeat_open and barline == "|")
        if self.may_pickup and self.done_bars == 0 and 0 < self.filled < self.bar_length:
            self.pickup = self.filled  # not one of the piece's bars, which start after it
        else:
            self.done_bars += 1
            self.written.append(self.current)
            self.seen[tuple(self.current)] += 1
        self.current = []
        if barline in SECTION_BARS:
            self.section_start = self.done_bars
        self.slur_bars += self.slur
        self.filled, self.phase = Fraction(0), "barred"
        self.finished = self.done_bars >= self.bars


@dataclass
class SungTracker(BarTracker):
    """A ``BarTracker`` that sets words: exactly one note per syllable, no rest, tuplet or
    broken rhythm inside a phrase, each lyric line a phrase of whole bars (``phrases``:
    syllables and bars of each), so every phrase ends at a bar end. A stressed syllable
    starts on a strong beat (``strong``: positions in the bar, in units) wherever the line
    leaves room for all of its stresses, every note is one of ``lengths`` (``singable``) or
    a line's last held a whole bar (``held_line``), and a phrase's last note is at least a
    quarter of a bar long wherever a choice allows it."""

    phrases: list[tuple[int, int]] = field(default_factory=list)  # (syllables, bars) each
    lengths: tuple[Fraction, ...] = ()  # in units of L:, shortest first
    stresses: list[bool] = field(default_factory=list)  # one per syllable, in order
    strong: frozenset[Fraction] = frozenset({Fraction(0)})
    sung: int = 0  # notes written so far, one per syllable

    def __post_init__(self) -> None:
        self._phrase: list[tuple[int, int]] = []  # per syllable: its phrase's end, bar end
        self._index: list[int] = []  # per syllable: its phrase
        syllable = bar = 0
        for i, (count, bars) in enumerate(self.phrases):
            syllable, bar = syllable + count, bar + bars
            self._phrase += [(syllable, bar)] * count
            self._index += [i] * count
        self._fit: dict[tuple[int, Fraction, bool], bool] = {}

    def _choices(self, i: int, at: Fraction) -> list[Fraction]:
        """The lengths syllable ``i`` may take from ``at`` (units from the song's start):
        within its bar, or the whole last bar of its line where it ends the line there."""
        bar = self.bar_length
        room = bar - at % bar
        lengths = [v for v in self.lengths if v <= room]
        end, bar_end = self._phrase[i]
        if i == end - 1 and room == bar and at + bar == bar_end * bar \
                and held_line(self.table, bar):
            lengths.append(bar)
        return lengths

    def _fits(self, i: int, at: Fraction, stressed: bool) -> bool:
        """Whether the syllables from ``i`` to the end of the line syllable ``i - 1`` is in
        can be sung from ``at``, ending as its last bar does, with each stressed syllable on
        a strong beat where ``stressed``."""
        end, bar_end = self._phrase[i - 1]
        if i == end:
            return at == bar_end * self.bar_length
        key = (i, at, stressed)
        if key not in self._fit:
            on_beat = not (stressed and self.stresses[i]) or at % self.bar_length in self.strong
            self._fit[key] = on_beat and at < bar_end * self.bar_length and any(
                self._fits(i + 1, at + v, stressed) for v in self._choices(i, at))
        return self._fit[key]

    def _allowed(self) -> np.ndarray:
        mask = super()._allowed()
        rem = self.remaining
        if self.finished:
            return mask
        if rem == 0:  # a plain barline, the last too: a repeat would sing the words twice
            return mask & self.table.plain_bars
        if self.sung >= len(self._phrase):
            return mask  # the end
        t = self.table
        phrase_end, bar_end = self._phrase[self.sung]
        left, after = phrase_end - self.sung, bar_end - self.done_bars - 1
        at = self.done_bars * self.bar_length + self.filled
        lengths = [v for v in self._choices(self.sung, at)
                   if self._fits(self.sung + 1, at + v, False)]
        if not lengths:  # cannot happen for phrases sung_tracker fitted; never a dead end
            return mask
        # room for each stressed syllable still to come in the line on a strong beat
        lengths = [v for v in lengths if self._fits(self.sung + 1, at + v, True)] or lengths
        # an even pace: what is left of the phrase no sparser than half the phrase's pace,
        # nor, past a last note a quarter of a bar long, denser than one and a half times it
        # (not five syllables in a bar, then one a bar; not a line ending in a rush)
        count, bars = self.phrases[self._index[self.sung]]
        pace = Fraction(count) / (bars * self.bar_length)

        def even(v: Fraction) -> bool:
            room = rem - v + after * self.bar_length
            return left == 1 or (pace / 2 <= Fraction(left - 1) / room and
                                 left - 2 <= 3 * pace / 2 * (room - self.bar_length / 4))

        lengths = [v for v in lengths if even(v)] or lengths
        liked = [v for v in lengths  # and the phrase's last note is a long one
                 if left != 2 or after > 0 or rem - v >= self.bar_length / 4]
        notes = np.zeros(t.n, dtype=bool)
        for v in liked or lengths:
            notes |= t.notes_up_to(v, pitched_only=True, exactly=v)
        kept = mask & notes
        if not kept.any():  # the final tonic does not fit the words: the words win
            kept = notes
        if t.space is not None and mask[t.space]:
            kept[t.space] = True
        return kept

    def advance(self, tid: int) -> None:
        if not self.finished and tid in self.table.pitched:
            self.sung += 1
        super().advance(tid)


def sung_tracker(table: TokenTable, header: dict[str, str], mode: str | None,
                 phrases: list[tuple[int, int]], stresses: list[bool],
                 compass: tuple[int, int]) -> SungTracker:
    """The tracker for a song within a singer's ``compass``: the phrases' bars in the
    header's meter, its strong beats (``lyrics.strong_positions``), the last note on the
    final and a beat long where the words leave room."""
    bar = meter_length(header["M"]) / parse_fraction(header["L"], "L")
    phrases = fitted_phrases(table, header, phrases)
    key = parse_key(header["K"])
    return SungTracker(table, bar, sum(b for _, b in phrases), final_notes(key, 1, mode)[0],
                       bar / beats(header["M"]), compass=compass, longest_rest=bar / 2,
                       near_final=True,
                       cost=table.melody_cost(key), phrases=phrases, stresses=stresses,
                       lengths=singable(table, header), strong=strong_positions(header["M"], bar))


def singable(table: TokenTable, header: dict[str, str]) -> tuple[Fraction, ...]:
    """The lengths, in units of the header's ``L:``, a sung note of its meter may take
    (``lyrics.sung_lengths``) that this vocabulary writes, shortest first."""
    unit = parse_fraction(header["L"], "L")
    allowed = sung_lengths(header["M"], meter_length(header["M"]) / unit, unit)
    return tuple(v for v in table.note_lengths if v in allowed)


def fitted_phrases(table: TokenTable, header: dict[str, str],
                   phrases: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The words' phrases, (syllables, bars) each, in whole bars of the header's meter that
    notes of its singable lengths can fill (``_fitted``): what a song's length is."""
    bar = meter_length(header["M"]) / parse_fraction(header["L"], "L")
    lengths = singable(table, header)
    return [_fitted(table, bar, lengths, n, bars) for n, bars in phrases]


def _fitted(table: TokenTable, bar: Fraction, lengths: tuple[Fraction, ...], syllables: int,
            bars: int) -> tuple[int, int]:
    """(syllables, bars) with the bars nearest the plan that notes of ``lengths`` can fill
    with exactly that many notes (one syllable cannot fill a bar of 9/8 if no note is 9
    units long); ``LyricsError`` if none can."""
    for b in sorted(range(1, syllables + 1), key=lambda b: (abs(b - bars), -b)):
        if syllables in line_fills(table, bar, b, lengths):
            return syllables, b
    raise LyricsError(f"lyrics: a line of {syllables} syllables cannot fill whole bars of "
                      "this meter with the note lengths songs sing; join it to the next line")


def held_line(table: TokenTable, bar: Fraction) -> bool:
    """Whether a sung line's last syllable may be held a whole ``bar``: where the vocabulary
    writes such a note (``lyrics.sung_lengths``: inside a line, a bar is never one note)."""
    return bar in table.note_lengths


def line_fills(table: TokenTable, bar: Fraction, bars: int, lengths: tuple[Fraction, ...]
               ) -> set[int]:
    """The note counts that fill a sung line of ``bars`` whole bars: notes of ``lengths``,
    or those and a last syllable held a whole bar (``held_line``)."""
    fills = table.bar_fills(bar, bars, lengths)
    if bars and held_line(table, bar):
        fills = fills | {c + 1 for c in table.bar_fills(bar, bars - 1, lengths)}
    return fills


@functools.cache
def completing(heard: frozenset[int]) -> np.ndarray:
    """Over the 12 pitch classes: which would make ``heard`` hold a whole triad, where it
    holds none yet."""
    return np.array([not holds_triad(heard) and holds_triad(heard | {pc}) for pc in range(12)])


@dataclass
class Voices:
    """Several voices written as the corpus writes polyphony: one line per bar,
    ``[V:1] bar |[V:2] bar |… \n``. Each voice has its own ``BarTracker``, whose bar must be
    full before its barline, so the voices stay aligned bar by bar; the later voices repeat
    the first voice's barline, so repeats open and close together and all end with it.
    Answers ``allowed``/``advance``/``finished``/``log`` like a single ``BarTracker``;
    ``bias`` makes the voices listen to each other (``HARMONY_COST``, ``parallel_cost``)."""

    table: TokenTable
    parts: list[BarTracker]
    tags: list[int]  # token id of [V:1], [V:2], …
    parallel_cost: float = PARALLEL_COST
    chord_bonus: float = 0.0  # nats for a note completing the triad the voices before sound
    leading: np.ndarray | None = None  # a minor key's leading notes (``LEADING_NOTE_BONUS``)
    # nats for a voice coming in late that answers the first one in (``SUBJECT_NOTES``): that
    # one's first notes, staff step and length each, and each voice's steps since it came in
    # while they answer them (None once one did not)
    imitation: float = 0.0
    final: int | None = None  # the final's letter (C 0 … B 6), where answers may begin
    lead: int = 0  # the first voice to come in (the top one of those that do not wait)
    waiting: bool = False  # whether any voice waits bars before it comes in
    subject: list[tuple[int, Fraction]] = field(default_factory=list)
    answers: list[list[int] | None] = field(default_factory=list)
    current: int = 0
    need: str = "tag"  # tag | newline | "" (inside the current voice's bar)
    barline: int | None = None  # the first voice's barline in this bar
    log: list[int] = field(default_factory=list)
    # each voice so far: its events' onsets (in units from the start) and MIDI pitches (None:
    # a rest), as its ``BarTracker.sounds`` them
    onsets: list[list[Fraction]] = field(default_factory=list)
    pitches: list[list[int | None]] = field(default_factory=list)
    struck: list[dict[Fraction, int]] = field(default_factory=list)  # its notes by onset

    def __post_init__(self) -> None:
        self.onsets = [[] for _ in self.parts]
        self.pitches = [[] for _ in self.parts]
        self.struck = [{} for _ in self.parts]
        self.answers = [[] for _ in self.parts]
        self.lead = next((v for v, part in enumerate(self.parts) if not part.enters), 0)
        self.waiting = any(part.enters for part in self.parts)

    @property
    def finished(self) -> bool:
        return self.parts[-1].finished

    def allowed(self) -> np.ndarray:
        t = self.table
        if self.finished or self.need:
            mask = np.zeros(t.n, dtype=bool)
            mask[t.tokenizer.eos_id if self.finished else
                 t.newline if self.need == "newline" else self.tags[self.current]] = True
            return mask
        k, part = self.current, self.parts[self.current]
        mask = part.allowed()
        if k > 0:
            mask = mask.copy()
            mask[[b for b in t.bar.values() if b != self.barline]] = False
            if part.remaining == 0 and self.barline != t.bar["|"] and t.tie is not None:
                mask[t.tie] = False  # a tie holds over a plain barline only
        if part.phase == "chord":  # no semitone within a hand's chord
            apart = mask.copy()
            if part.chord:
                pitches = t.sounding(part.signature, part.accidentals)
                struck = np.array(self.pitches[k][-len(part.chord):])
                apart[t.note_ids[np.isin((pitches[:, None] - struck[None, :]) % 12,
                                         CLUSTER).any(axis=1)]] = False
            elif CLUSTER and part.compass is not None:  # its lowest leaves a note room
                apart &= t.within(0, part.compass[1] - 2)
            mask = apart if apart.any() else mask  # never a dead end
        if k == self.lead and self.waiting and not any(p is not None for p in self.pitches[k]):
            # the others wait for it: it opens the piece on a note, not in silence
            sounding = mask & ~t.rests_over(Fraction(0))
            mask = sounding if sounding.any() else mask
        if k == len(self.parts) - 1 and not any(self._sounding(j, self._time(k))
                                                for j in range(k)):
            # the voices above all rest here: the last one rests VOICE_REST_BARS at most, so
            # the piece never falls silent for a bar, however long its form lets voices rest
            sounding = mask & ~t.rests_over(part.bar_length * VOICE_REST_BARS - part.rested)
            mask = sounding if sounding.any() else mask  # never a dead end
        return mask

    def bias(self) -> np.ndarray:
        """Minus ``HARMONY_COST`` for each note that would strike a second, seventh or
        tritone against a note the voices before this one sound at this point (or one its
        own chord has struck so far), and minus
        ``parallel_cost`` for one that would move in parallel fifths or octaves with one of
        them (from the last onset both struck, both step the same way from a fifth or octave
        to the same interval), plus ``chord_bonus`` for one that would make what they sound
        a whole triad, beside the current voice's own ``BarTracker.bias``."""
        t, k = self.table, self.current
        if self.need or self.finished:
            return np.zeros(t.n, dtype=np.float32)
        bias = self.parts[k].bias().copy()  # the voice's own: a note struck too often
        if (answer := self._answer(k)) is not None:
            answering = self.table.on_steps(*answer)
            bias += self.imitation * answering
            if (lean := self.parts[k].lean()) is not None:  # an answer keeps the subject's
                bias -= lean * (answering > 0)  # notes, whatever their degree and length
        if self.leading is not None:
            bias[self.leading] += LEADING_NOTE_BONUS
        at, part = self._time(k), self.parts[k]
        against = [p for j in range(k) for p in self._sounding(j, at)]
        if part.phase == "chord" and part.chord:  # and its own chord's notes so far
            against += self.pitches[k][-len(part.chord):]
        if not against:
            return bias
        pitches = t.sounding(part.signature, part.accidentals)
        clash = np.isin((pitches[:, None] - np.array(against)[None, :]) % 12,
                        list(DISSONANT)).any(axis=1)
        parallel = np.zeros(len(pitches), dtype=bool)
        for j in range(k):  # from the last note both struck together to this onset
            if (now := self.struck[j].get(at)) is None:
                continue
            before = next((o for o in reversed(self.struck[k]) if o in self.struck[j]), None)
            if before is None:
                continue
            was, then = self.struck[k][before], self.struck[j][before]
            interval = abs(was - then) % 12  # a fifth is 7 whichever voice is above
            if now != then and interval in PERFECT:
                parallel |= (np.abs(pitches - now) % 12 == interval) \
                    & (np.sign(pitches - was) == np.sign(now - then))
        bias[t.note_ids] -= HARMONY_COST * clash + self.parallel_cost * parallel
        if self.chord_bonus:
            heard = frozenset(p % 12 for p in against)
            bias[t.note_ids] += self.chord_bonus * completing(heard)[pitches % 12]
        return bias

    def _answer(self, voice: int) -> tuple[frozenset[int], Fraction] | None:
        """The staff steps and the length of the note that would go on answering the
        subject, where ``voice`` came in late and has answered it so far; else None."""
        answer, part = self.answers[voice], self.parts[voice]
        if not self.imitation or answer is None or not part.enters \
                or part.done_bars < part.enters or len(answer) >= len(self.subject):
            return None
        step, length = self.subject[len(answer)]
        if not answer:
            final = step % 7 if self.final is None else self.final
            letters = {step % 7, final, (final + 4) % 7}
            return frozenset(step + d for d in ANSWERS if (step + d) % 7 in letters), length
        return frozenset({step + answer[0] - self.subject[0][0]}), length

    def _time(self, voice: int) -> Fraction:
        """Where ``voice`` has got to, in units from the start of the piece."""
        part = self.parts[voice]
        return part.done_bars * part.bar_length + part.filled

    def _sounding(self, voice: int, at: Fraction) -> list[int]:
        """The pitches ``voice`` (written past ``at``) sounds at ``at``: its note's, its
        chord's, none in a rest."""
        onsets = self.onsets[voice]
        i = bisect_right(onsets, at)
        first = bisect_left(onsets, onsets[i - 1], hi=i) if i else i
        return [p for p in self.pitches[voice][first:i] if p is not None]

    def advance(self, tid: int) -> None:
        if self.finished:  # the batch's padding, as for a BarTracker
            return
        self.log.append(tid)
        if self.need:
            self.need = "tag" if self.need == "newline" else ""
            if not self.need:
                self.parts[self.current].phase = "free"
            return
        part = self.parts[self.current]
        if tid in self.table.lengths:
            # a held note sounds on, struck no more (its spelling over a barline is bare)
            held, at = part.tied is not None, self._time(self.current)
            part.advance(tid)
            pitch = None if tid not in self.table.pitched else \
                self.pitches[self.current][-1] if held else part.sounded
            self.onsets[self.current].append(at)
            self.pitches[self.current].append(pitch)
            # a chord moves by its outer note: the top voice's highest, another's lowest
            if pitch is not None and not held and (self.current == 0
                                                   or at not in self.struck[self.current]):
                self.struck[self.current][at] = pitch
            if self.imitation and pitch is not None and not held:
                self._answered(tid)
        else:
            part.advance(tid)
        if tid in self.table.bar.values():
            if self.current == 0:
                self.barline = tid
            self.current = (self.current + 1) % len(self.parts)
            newline = self.current == 0 and self.table.newline is not None
            self.need = "newline" if newline else "tag"

    def _answered(self, tid: int) -> None:
        """A note of the current voice: one of the subject's, one that answers it, or one
        that does not (its voice answers no more)."""
        k, note = self.current, (self.table.step[tid], self.table.lengths[tid])
        if k == self.lead and len(self.subject) < SUBJECT_NOTES:
            self.subject.append(note)
        elif (answer := self._answer(k)) is not None:
            if note[0] in answer[0] and note[1] == answer[1]:
                self.answers[k].append(note[0])
            else:
                self.answers[k] = None


def tracker(table: TokenTable, header: dict[str, str], bars: int, mode: str | None,
            compasses: list[tuple[int, int]], medieval: bool = False, picardy: bool = False,
            span: int = MELODY_SPAN, rhythm: Mapping[str, float] | None = None,
            parallel: float | None = None, chord: float = 0.0,
            chords: Sequence[float] | None = None,
            rest_bars: float | None = None, slurs: bool = False,
            ties: bool = False, ends_repeat: bool = False,
            sections: Sequence[tuple[int, bool]] = (),
            final: Fraction = Fraction(1),
            unwritten: frozenset[str] = frozenset(),
            stepped: bool = False, pace: float | None = None,
            dots: float | None = None, entries: Sequence[int] = (),
            imitation: float = 0.0, degrees: Sequence[float] = (),
            durations: Sequence[tuple[Fraction, float]] = (),
            bowings: float | None = None) -> BarTracker | Voices:
    """The tracker for one candidate: ``bars`` bars of the header's meter, one voice per
    compass, resting at most ``rest_bars`` bars at a time (``VOICE_REST_BARS`` if None,
    ``styles.REST_BARS_BY_FORM``; a single voice has no compass but keeps within ``span``
    semitones, closes its sections after whole phrases of ``PHRASE_BARS`` and leans toward
    restating a bar a phrase or two on, ``RESTATE_BONUS``, and with ``ends_repeat`` closes a
    repeat at its end where the model cannot say how it ends; given ``sections``, bars and
    whether each is played twice, it closes those instead, as all voices do), each ending on its
    note of the final chord (``final_notes``: ``mode`` names the final) with a note at least
    ``final`` beats long (a melody: its style's, ``composer.typical_final``), two beats for
    voices (89.6% of the test split's voices hold their last note two beats or more:
    ``benchmarks/endings.py``). ``medieval`` voices end on a bare fifth and may move in parallel
    fifths and octaves (26% of similar motion in the corpus's medieval pieces); ``picardy``
    voices in a minor key may end on the major third (``final_notes``); each voice's tokens of a
    ``rhythm`` get its nats (``styles.RHYTHM_BONUS``); ``parallel`` replaces ``PARALLEL_COST``
    in a style stricter than most (``styles.PARALLEL_COST_BY_FORM``); a voice's note that
    completes the triad of the voices before it gains ``chord`` nats
    (``styles.CHORD_BONUS_BY_FORM``); with ``chords`` the voices may play chords, each chord's
    ``[`` gaining its voice's nats, from the top voice down, the last for every voice below
    (``styles.CHORDED_FORMS``); with ``slurs`` the melody or voices may slur their notes
    (``styles.SLURRED_FORMS``), a melody opening one on about ``bowings`` of its notes where it
    is given (its style's, ``composer.typical_bowings``), with ``ties`` hold them on
    (``styles.TIED_STYLES``), and write none of the ``unwritten`` rhythm signs
    (``composer.unwritten_signs``); a melody steps or moves a third into its last note where its
    last bar leaves room (``APPROACH``), and with ``stepped`` the top voice steps into its own
    (``STEP``) and, but in a ``medieval`` piece, the bottom voice leaps into its own from its
    dominant or subdominant; a voice that plays no chords pays ``AGAIN_COST`` to strike its last
    pitch again; a melody given a ``pace`` runs about that share of its notes quick
    (``PACE_COST``, ``PACE_BONUS``), one given ``dots`` about that share dotted; voices given
    ``entries`` rest that many whole bars each before they come in
    (``composer.typical_entries``), those that come in late gaining ``imitation`` nats for each
    note answering the first voice's opening (``SUBJECT_NOTES``); given ``degrees`` (the shares
    of its style's notes on each pitch class above the tonic, ``composer.typical_degrees``), the
    piece's notes lean toward them (``Degrees``), and given ``durations`` (its style's shares of
    notes of each length in whole notes, ``composer.typical_durations``) their lengths
    (``Durations``)."""
    unit = parse_fraction(header["L"], "L")
    bar = meter_length(header["M"]) / unit
    key = parse_key(header["K"])
    signature = dict(key.signature)
    leaning = Degrees(np.array(degrees), key.pitch_class) \
        if degrees and key.pitch_class is not None else None
    held = _durations(table, unit, durations, pace, dots) if durations else None
    finals = final_notes(key, len(compasses), mode, open_fifth=medieval, picardy=picardy)
    ending = min(bar, bar / beats(header["M"]) * (final if len(compasses) == 1 else 2))
    bonus = sum((nats * table.rhythm(name, unit) for name, nats in (rhythm or {}).items()),
                np.zeros(table.n, np.float32))
    ends = np.cumsum([n for n, _ in sections]).tolist()
    if sections and ends[-1] != bars:
        raise ValueError(f"sections of {ends[-1]} bars for a piece of {bars}")
    plan = dict(zip(ends, (twice for _, twice in sections), strict=True)) if sections else None
    leap = stepped and not medieval  # the trecento's tenor steps into its final too
    if len(compasses) == 1:
        return BarTracker(table, bar, bars, finals[0], ending, span=span, approach=APPROACH,
                          cost=table.melody_cost(key) + bonus, may_pickup=True,
                          phrase=PHRASE_BARS, restate=RESTATE_BONUS, slurs=slurs, ties=ties,
                          ends_repeat=ends_repeat, plan=plan, unwritten=unwritten,
                          pace=pace, quick=QUICK / unit, dots=dots, dotted=DOTTED / unit,
                          signature=signature, degrees=leaning, durations=held,
                          bowings=bowings)
    tags = [table.tokenizer.ids[f"[V:{v}]"] for v in range(1, len(compasses) + 1)]
    costs = []
    for v in range(len(compasses)):
        cost = bonus.copy()
        if chords and table.chord_open is not None:
            cost[table.chord_open] += chords[min(v, len(chords) - 1)]
        costs.append(cost if cost.any() else None)
    parts = [BarTracker(table, bar, bars, final, ending, compass=compass,
                        longest_rest=bar * Fraction(VOICE_REST_BARS if rest_bars is None
                                                    else rest_bars), cost=cost,
                        chords=chords is not None, shortest_chord=SHORTEST_CHORD / unit,
                        slurs=slurs, ties=ties, again=0.0 if chords is not None else AGAIN_COST,
                        plan=plan, unwritten=unwritten,
                        approach=STEP if stepped and not v else FARTHEST_APPROACH
                        if leap and v == len(compasses) - 1 else None,
                        leap=leap and v == len(compasses) - 1,
                        enters=entries[v] if entries else 0,
                        signature=signature, degrees=leaning, durations=held)
             for v, (final, compass, cost) in enumerate(zip(finals, compasses, costs,
                                                            strict=True))]
    return Voices(table, parts, tags,
                  parallel_cost=0.0 if medieval else PARALLEL_COST if parallel is None
                  else parallel, chord_bonus=chord,
                  leading=table.leading_notes(key), imitation=imitation,
                  final=LETTERS.index(finals[-1][0]) if finals[-1] else None)


def _durations(table: TokenTable, unit: Fraction, shares: Sequence[tuple[Fraction, float]],
               pace: float | None, dots: float | None) -> Durations | None:
    """The lean toward a style's note lengths (``shares``), over those it writes and every
    other a token may write, plain or in a triplet (none of its share); but a melody's quick
    notes (``QUICK``) where it runs at a ``pace`` and its dotted ones where it has ``dots``,
    which those hold: the lean shares out the rest. None where its style writes none of the
    rest. (Sharing its pace out among its quick notes instead, the lean and the pace both
    counting them, a melody's note lengths came nearer its style's, 0.835 against 0.822 over
    four draws of the suite, but its tradition was heard less, 58.6% against 62.1%.)"""
    def free(whole: Fraction) -> bool:
        return not (pace is not None and whole <= QUICK or dots is not None and whole == DOTTED)

    lengths = {whole: share for whole, share in shares if free(whole)}
    for value in table.note_lengths:  # each written plain, and in a triplet
        for whole in (value * unit, value * unit * table.triplet_factor):
            if free(whole):
                lengths.setdefault(whole, 0.0)
    bins, total = tuple(sorted(lengths)), sum(lengths.values())
    units = unit * table.triplet_factor  # "(3cde": each note a third of two units
    return Durations(np.array([lengths[b] / total for b in bins]), lengths=bins, unit=unit,
                     tuplet=bins.index(units) if units in lengths else None) \
        if total else None


def _counted(sounded: Sequence[Fraction], recounted: Sequence[Fraction],
             kind: Callable[[Fraction], bool]) -> int:
    """How many more notes of a ``kind`` a melody has once a note is ``sounded`` (a dotted
    pair's two as they sound), in place of the ``recounted`` one counted as written."""
    return sum(map(kind, sounded)) - sum(map(kind, recounted))


def explicit_repeats(log: list[int], table: TokenTable, tags: Sequence[int] = (),
                     opened: bool = False, pickup: bool = False) -> list[int]:
    """``log`` with an opening sign for every repeat the sampler closed without one.

    The corpus mostly writes ``A :| B :|``: repeat from the start, then from the end of the
    last section. abc2midi plays that, but abc2abc warns and music21 repeats the second part
    from the very start, so each bare close gets its opening written: ``|:`` at the start of
    the piece (of each voice, after its ``tags`` token), the previous ``:|`` as ``::``, a
    previous ``||`` as ``|:``. In a piece of several voices every voice writes the same
    barline in turn, so barlines are read in groups of one per voice. ``opened``: a repeat
    is already open where ``log`` starts (an opening's ``|:``). ``pickup``: the first bar
    is a pickup, so a repeat from the start opens after it (``D2|:G2A2B2c2|…:|``), as the
    repeat goes back to the first whole bar."""
    text_of = {tid: text for text, tid in table.bar.items()}
    out = list(log)
    where = [i for i, tid in enumerate(out) if tid in text_of]
    voices = max(1, len(tags))
    is_open, boundary, from_start = opened, None, False
    for k in range(0, len(where), voices):
        group = where[k:k + voices]
        text = text_of[out[group[0]]]
        if text in (":|", "::") and not is_open:
            if boundary is None:
                from_start = True
            else:
                opening = table.bar["::" if text_of[out[boundary[0]]] == ":|" else "|:"]
                for i in boundary:
                    out[i] = opening
        is_open = text in ("|:", "::") or (is_open and text == "|")
        if text in (":|", "::", "||"):
            boundary = group
    if from_start and pickup and not tags:
        out[where[0]] = table.bar["|:"]
    elif from_start:
        starts = [out.index(tag) + 1 for tag in tags if tag in out] or [0]
        for i in sorted(starts, reverse=True):
            out.insert(i, table.bar["|:"])
    return out


class Decoder:
    """Feeds an engine one token a row at a time; when its cache is full (a transformer's
    context) it restarts from the prefix and the latest tokens (the fragment seam). Rows come
    in ``parts``, each ``(prefix, rows)`` (guidance: the same pieces with and without their
    style controls): an engine whose rows may stand at different positions (ONNX Runtime)
    steps every part in one call, another steps each part on a cache of its own. A context
    manager: leaving it hands the caches back (kept for the next decoder of as many rows)."""

    def __init__(self, engine: Engine, parts: Sequence[tuple[list[int], int]]):
        self.engine, self.parts = engine, [(list(prefix), rows) for prefix, rows in parts]
        ends = np.cumsum([rows for _, rows in self.parts]).tolist()
        self.slices = [slice(end - rows, end) for (_, rows), end in zip(self.parts, ends,
                                                                         strict=True)]
        self.batch = ends[-1]
        self.history: list[np.ndarray] = []  # generated ids, (batch,) each
        self.caches: list = []  # one for all rows, or one a part
        self.pos = 0  # positions the longest row holds

    def start(self) -> np.ndarray:
        return self._restart(0)

    def step(self, ids: np.ndarray) -> np.ndarray:
        self.history.append(np.asarray(ids, dtype=np.int64))
        if self.pos >= self.engine.context:
            return self._restart(int(self.engine.context) // 2)
        self.pos += 1
        if len(self.caches) == 1:
            logits, self.caches[0] = self.engine.forward(self.history[-1][:, None],
                                                         self.caches[0])
            return logits
        return np.concatenate([self.engine.forward(self.history[-1][rows, None], cache)[0]
                               for rows, cache in zip(self.slices, self.caches, strict=True)])

    def _restart(self, keep: int) -> np.ndarray:
        """Every row from its part's prefix and its ``keep`` latest tokens, on fresh caches."""
        self.close()
        latest = np.stack(self.history[-keep:], axis=1) if keep else None
        shared = self.engine.ragged and len(self.parts) > 1
        if shared:
            self.caches = [self.engine.new_cache(self.batch)]
        logits = []
        for (prefix, _), rows in zip(self.parts, self.slices, strict=True):
            ids = np.array([prefix] * (rows.stop - rows.start), dtype=np.int64)
            if keep:
                ids = np.concatenate((ids, latest[rows]), axis=1)
            if shared:
                logits.append(self.engine.forward(ids, self.caches[0], rows)[0])
            else:
                out, cache = self.engine.forward(ids)
                logits.append(out)
                self.caches.append(cache)
        self.pos = max(len(prefix) for prefix, _ in self.parts) + keep
        return np.concatenate(logits)

    def close(self) -> None:
        for cache in self.caches:
            self.engine.release(cache)
        self.caches, self.pos = [], 0

    def __enter__(self) -> Decoder:
        return self

    def __exit__(self, *_) -> None:
        self.close()


def _log_softmax(x: np.ndarray) -> np.ndarray:
    top = x.max(axis=-1, keepdims=True)
    shifted = x - top
    with np.errstate(divide="ignore"):
        return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sample(logits: np.ndarray, allowed: np.ndarray, options: Sampling,
           rng: np.random.Generator, bias: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    """One token per row among the allowed ones, drawn from the logits plus ``bias``; returns
    ids and their log-probabilities under the model (no bias) restricted to the allowed set.
    Each row works on its allowed tokens only (tens of the vocabulary's ~1,600), and one
    uniform number a row from ``rng`` picks the token (inverse CDF), so a seed gives the
    same tokens whichever engine made the logits, up to a draw that lands within float
    rounding of a boundary."""
    rows = len(logits)
    ids, logp = np.zeros(rows, dtype=np.int64), np.zeros(rows)
    draws = rng.random(rows)
    allowed = np.broadcast_to(allowed, logits.shape)  # one mask may serve every row
    for row in range(rows):
        options_row = np.flatnonzero(allowed[row])
        model = logits[row, options_row].astype(np.float64)
        model -= model.max()
        norm = np.log(np.exp(model).sum())
        scores = model if bias is None else model + np.broadcast_to(
            bias, logits.shape)[row, options_row]
        scores = scores / max(options.temperature, 1e-5)
        if options.top_k > 0 and options.top_k < len(scores):
            kth = np.partition(scores, -options.top_k)[-options.top_k]
            scores = np.where(scores < kth, -np.inf, scores)
        probs = np.exp(scores - scores.max())
        probs /= probs.sum()
        if options.top_p < 1.0:
            order = np.argsort(-probs, kind="stable")
            ranked = probs[order]
            cut = np.zeros(len(probs), dtype=bool)
            cut[order] = np.cumsum(ranked) - ranked > options.top_p
            probs = np.where(cut, 0.0, probs)
        cdf = np.cumsum(probs)
        pick = min(int(np.searchsorted(cdf, draws[row] * cdf[-1], side="right")),
                   len(cdf) - 1)
        ids[row], logp[row] = options_row[pick], model[pick] - norm
    return ids, logp


def plain_when_unsure(logits: np.ndarray, allowed: np.ndarray, table: TokenTable,
                      confidence: float = 0.5, repeats: np.ndarray | None = None
                      ) -> np.ndarray:
    """``allowed`` with only ``|`` (``|]`` at the end) where the tracker ends a bar that the
    model does not expect to end: less than ``confidence`` of its probability on the barlines
    allowed there (and the tie that would hold the bar's last note over). It counted the bar
    otherwise (or wanted a space first, as the Essen songs
    write ``c4 |``), so its choice among barlines is noise, and a repeat sign is a choice the
    model must make itself (otherwise it closed repeats every other bar of Chinese songs,
    whose corpus has none), and a tie would take all it meant for another note (the voices
    then tied their notes many times as often as the corpus's do). Letting it write that
    space instead was measured and dropped: the key heard as written fell by 6 to 13 points
    (docs/model-card.md). At the end, the rows that ``repeats`` marks (``ends_repeat``) get
    ``:|`` instead: the model is unsure at a piece's last barline far more often than at a
    phrase's end before it (Irish jigs: 9 of 13 last bars, 1 of 39 phrase ends), and left
    to its own choice between the two there it closed a repeat in two Chinese songs of
    three, which never do."""
    only_bars = ~(allowed & ~table.bar_ends).any(axis=-1)
    if not only_bars.any():  # mid-bar, the usual case: nothing to decide, no softmax
        return allowed
    mass = np.where(allowed, _softmax(logits.astype(np.float64)), 0).sum(axis=-1)
    plain = allowed & table.plain_bars
    if repeats is not None and ":|" in table.bar:  # the last bar: "|]" or ":|", no "|"
        close = table.bar[":|"]
        closing = repeats & allowed[:, close] & ~allowed[:, table.bar["|"]]
        plain = np.where(closing[:, None], np.arange(table.n) == close, plain)
    unsure = only_bars & (mass < confidence) & plain.any(axis=-1)
    return np.where(unsure[:, None], plain, allowed)


def generate(engine: Engine, table: TokenTable, prefix: list[int],
             trackers: Sequence[BarTracker | Voices], options: Sampling,
             rng: np.random.Generator, budget: int, guidance: float = 1.0,
             unguided: list[int] | None = None,
             check: Callable[[], None] | None = None) -> np.ndarray:
    """One row of tokens after ``prefix`` for each tracker, every token sampled among those
    its tracker allows, until all trackers are finished or ``budget`` steps have passed. The
    tokens are in each tracker's ``log``; the return value is each row's log-likelihood
    (natural log, over its tokens up to its end, under the model restricted to what was
    allowed). With ``guidance`` != 1 the logits move away from the model's after the
    ``unguided`` prefix, the same without style controls (classifier-free guidance).
    ``check`` runs after every step: raise in it to stop (a deadline, a client gone)."""
    count = len(trackers)
    logp = np.zeros(count)
    guided = guidance != 1.0  # then rows count to 2 count - 1: the same pieces, unguided
    parts = [(prefix, count)] + ([(unguided or prefix, count)] if guided else [])
    repeats = np.array([isinstance(t, BarTracker) and t.ends_repeat for t in trackers])
    with Decoder(engine, parts) as decoder:
        logits = decoder.start()
        for _ in range(budget):
            allowed = np.stack([t.allowed() for t in trackers])
            if guided:
                plain = logits[count:]
                logits = plain + guidance * (logits[:count] - plain)
            allowed = plain_when_unsure(logits, allowed, table, repeats=repeats)
            # melodies: fewer notes outside the scale; voices (whose chromatic notes are part
            # of a quartet's or a chorale's style): fewer clashes with each other
            bias = np.stack([t.bias() for t in trackers])
            ids, lp = sample(logits, allowed, options, rng, bias)
            live = np.array([not t.finished for t in trackers])
            logp += np.where(live, lp, 0.0)
            for t, i in zip(trackers, ids.tolist(), strict=True):
                t.advance(i)
            if all(t.finished for t in trackers):
                break
            if check is not None:
                check()
            logits = decoder.step(np.concatenate((ids, ids)) if guided else ids)
    return logp


def _fits_the_period(style: Style, period: str | None) -> bool:
    """Whether the model may choose ``style`` for a piece of ``period``: a classical or
    romantic piece is in a major or minor key (``TONAL_PERIODS``). v8 learnt church modes
    for them from scores whose last note is not their tonic's (a trio before the da capo),
    labelled so before ``PIPELINE_VERSION`` 9, and wrote a "romantic piano piece" in lydian."""
    return style.dimension != "mode" or period not in TONAL_PERIODS or style.name in TONAL_MODES


def complete_controls(engine: Engine, tokenizer: Tokenizer, labels: dict[str, str],
                      options: Sampling, rng: np.random.Generator, melody: bool = False
                      ) -> dict[str, str]:
    """The prompt's labels plus the model's choice for the dimensions it leaves open.

    Every training tune's prefix names its form, mode and meter, so a prefix with gaps is
    one the model never saw. Walking the dimensions in training order, the model picks a
    label for each open one, or skips ahead to a later dimension's token (folk tunes have
    no period), but never past a label the prompt gave. The open dimensions before a given
    label are chosen together, each way of filling them weighed by how likely the model
    finds the given labels after it (``_weighed_paths``): the period of "an Irish reel" is
    P(period) P(irish | period) P(reel | period, irish), so it is almost always none, where
    the next-token prior alone would often pick Palestrina's; with the tradition alone, "a
    German folk song" was baroque (Bach's chorales are German) one time in five. Weighed
    one dimension at a time by a given label further on, a choice was judged by that label
    coming next, past the open dimensions between, as no training tune writes it: "something
    in 6/8" had no period, tradition, form or mode 32 times in 32 (seeds 1200-1900),
    "something dorian" was medieval 30 times, where now the first is a jig, an air, a song,
    a quartet or a medieval piece and the second mostly a renaissance mass (351 of the
    corpus's dorian pieces). A ``melody`` takes no style written in voices (``polyphonic``):
    "a lydian tune" was a medieval piece in three voices 32 times in 32, though 113 of the
    corpus's 138 lydian pieces are folk tunes.
    """
    chosen = dict(labels)
    ids = [tokenizer.bos_id]
    pos = 0
    while pos < len(DIMENSIONS):
        dim = DIMENSIONS[pos]
        if dim in chosen:
            if (dim, chosen[dim]) in BY_NAME and BY_NAME[dim, chosen[dim]].token in tokenizer.ids:
                ids.append(tokenizer.ids[BY_NAME[dim, chosen[dim]].token])
            pos += 1
            continue
        given_at = next((j for j in range(pos, len(DIMENSIONS)) if DIMENSIONS[j] in chosen),
                        len(DIMENSIONS))
        if _given_after(tokenizer, chosen, given_at):
            paths = _weighed_paths(engine, tokenizer, ids, chosen, pos, given_at, melody)
            scores = np.array([[logp for _, logp in paths]])
            path = paths[int(sample(scores, np.ones(scores.shape, dtype=bool), options,
                                    rng)[0][0])][0]
            for tid, j, name in path:
                chosen[DIMENSIONS[j]] = name
                ids.append(tid)
            pos = given_at
            continue
        # no known label given further on: the model's own choice, one label at a time
        candidates = {tid: (j, name) for tid, j, name in _labels(tokenizer, chosen, pos,
                                                                 len(DIMENSIONS), melody)}
        if not candidates:
            break
        allowed = np.zeros(len(tokenizer), dtype=bool)
        allowed[list(candidates)] = True
        tid = int(sample(_next_logp(engine, [ids]), allowed, options, rng)[0][0])
        j, name = candidates[tid]
        chosen[DIMENSIONS[j]] = name
        ids.append(tid)
        pos = j + 1
    return chosen


# the ways of filling open dimensions kept while they are weighed: those within PATH_NATS of
# the likeliest so far, at most PATH_BEAM of them
PATH_NATS, PATH_BEAM = 10.0, 64


def _weighed_paths(engine: Engine, tokenizer: Tokenizer, ids: list[int],
                   chosen: dict[str, str], start: int, given_at: int, melody: bool
                   ) -> list[tuple[list[tuple[int, int, str]], float]]:
    """The ways to fill the open dimensions from ``start`` to ``given_at`` after ``ids``, a
    label or none for each, as (token, dimension index, label) steps, each with the log
    probability of its steps and then of the given labels (``_given_after``)."""
    given = _given_after(tokenizer, chosen, given_at)
    weighed: list[tuple[list[tuple[int, int, str]], float]] = []
    frontier: list[tuple[list[tuple[int, int, str]], float]] = [([], 0.0)]
    while frontier:
        rows = [ids + [tid for tid, _, _ in path] for path, _ in frontier]
        after = _next_logp(engine, rows)
        then = after[:, given[0]].copy()
        for k in range(1, len(given)):
            then += _next_logp(engine, [row + given[:k] for row in rows])[:, given[k]]
        grown = []
        for row, (path, logp) in enumerate(frontier):
            weighed.append((path, logp + then[row]))
            first = path[-1][1] + 1 if path else start
            period = {**chosen, **{DIMENSIONS[j]: name for _, j, name in path}}.get("period")
            grown += [(path + [(tid, j, name)], logp + after[row, tid])
                      for tid, j, name in _labels(tokenizer, {"period": period}, first,
                                                  given_at, melody)]
        best = max((logp for _, logp in grown), default=0.0)
        frontier = sorted((g for g in grown if g[1] >= best - PATH_NATS),
                          key=lambda g: -g[1])[:PATH_BEAM]
    return weighed


def _labels(tokenizer: Tokenizer, chosen: dict[str, str], start: int, end: int,
            melody: bool = False) -> list[tuple[int, int, str]]:
    """The labels the model may choose from dimension ``start`` on, as (token, dimension
    index, label): each open dimension's, and the first given one's own (a skip to it),
    not past it nor ``end``; a mode only as the chosen period allows (``_fits_the_period``),
    for a ``melody`` no style written in voices."""
    out = []
    for j in range(start, end):
        given = chosen.get(DIMENSIONS[j])
        out += [(tokenizer.ids[style.token], j, style.name) for style in TAXONOMY
                if style.dimension == DIMENSIONS[j] and given in (None, style.name)
                and style.token in tokenizer.ids
                and (given or (_fits_the_period(style, chosen.get("period"))
                               and not (melody and polyphonic(style.dimension, style.name))))]
        if given is not None:
            break
    return out


def _next_logp(engine: Engine, rows: list[list[int]]) -> np.ndarray:
    """Log-probabilities (rows, vocabulary) of the next token after each row, all of one
    length, read afresh (the rows are a few control tokens long)."""
    logits, cache = engine.forward(np.array(rows, dtype=np.int64))
    engine.release(cache)
    return _log_softmax(logits.astype(np.float64))


def _given_after(tokenizer: Tokenizer, chosen: dict[str, str], first: int) -> list[int]:
    """The tokens of the labels the prompt gave from dimension ``first`` on, up to the first
    dimension left open: what a choice before them is weighed by."""
    tokens = []
    for dim in DIMENSIONS[first:]:
        style = BY_NAME.get((dim, chosen.get(dim, "")))
        if style is None or style.token not in tokenizer.ids:
            break
        tokens.append(tokenizer.ids[style.token])
    return tokens


def choose_header(engine: Engine, table: TokenTable, prefix: list[int],
                  fixed: dict[str, str | None], options: Sampling,
                  rng: np.random.Generator, key_mode: str | None = None) -> list[int]:
    """``M:``, ``L:`` and ``K:`` lines after the controls: the asked values, else the
    model's choice among well-formed header tokens; a ``K:`` in ``key_mode`` where one is
    asked ("a song in a minor key": the corpus writes some of its minor songs under a major
    signature, and the model, following it, wrote a quarter of them in a major key)."""
    tok = table.tokenizer
    ids = list(prefix)
    for name in ("M", "L", "K"):
        if fixed.get(name):
            ids += tok.encode(f"{name}:{fixed[name]}\n")
            continue
        choices = table.header_choices(name)
        if name in ("M", "L"):
            meter = header_values(tok.decode(ids)).get("M")
            choices = [i for i in choices if _playable(tok.tokens[i], meter)]
        elif key_mode:  # none in the mode (a model that never wrote one): the model's choice
            choices = [i for i in choices
                       if parse_key(tok.tokens[i][2:].strip()).mode == key_mode] or choices
        with Decoder(engine, [(ids, 1)]) as decoder:
            logits = decoder.start()
        allowed = np.zeros(table.n, dtype=bool)
        allowed[choices] = True
        ids.append(int(sample(logits, allowed, options, rng)[0][0]))
    return ids


def _playable(token: str, meter: str | None) -> bool:
    """Rare headers the corpus has but a reader would not want: bars longer than two whole
    notes (``M:3/1``), or more than 16 or fewer than 2 units of ``L:`` to a bar."""
    value = token[2:].strip()
    if token.startswith("M:"):
        return meter_length(value) <= 2
    units = meter_length(meter) / parse_fraction(value, "L") if meter else 8
    return 2 <= units <= 16


def header_values(text: str) -> dict[str, str]:
    """``{"M": "6/8", "L": "1/8", "K": "D"}`` from the model text's header lines."""
    out = {}
    for atom in lex(text):
        if atom.kind is Kind.FIELD_LINE and atom.field:
            out[atom.field[0]] = atom.field[1]
    return out

"""Transpose a whole tune, respelling every note in the new key (for data augmentation).

Notes move by a diatonic step count and a semitone count together, so a tune in D major moved
up 5 semitones lands in G major with the same letters-per-scale-degree, and accidentals are
written only where the new key signature and the bar's earlier accidentals do not already
imply them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .keys import (
    LETTERS,
    MAJOR_SHARPS,
    MODE_OFFSET,
    NATURAL_PC,
    Key,
    names_only_a_clef,
    parse_key,
    signature_for,
)
from .lexer import NOTE_RE, Atom, Kind, lex
from .tune import Tune

_ACCIDENTAL_TEXT = {2: "^^", 1: "^", 0: "=", -1: "_", -2: "__"}
_ACCIDENTAL_VALUE = {v: k for k, v in _ACCIDENTAL_TEXT.items()}
_STEPS_WITHOUT_TONIC = [0, 0, 1, 2, 2, 3, 3, 4, 4, 5, 6, 6]  # sharps for black keys
_CHORD_ROOT_RE = re.compile(r"([A-G])([#b]?)")


def _spell(letter_index: int, pitch_class: int) -> str:
    """A tonic name on the given letter with the accidental that gives ``pitch_class``."""
    letter = LETTERS[letter_index % 7]
    acc = (pitch_class - NATURAL_PC[letter] + 6) % 12 - 6
    return letter + ("#" * acc if acc > 0 else "b" * -acc)


def transposed_key(key: Key, semitones: int) -> tuple[Key, int]:
    """The key ``semitones`` away spelled with the fewest accidentals, and the letter steps."""
    if key.tonic is None:
        steps = _STEPS_WITHOUT_TONIC[semitones % 12] + 7 * (semitones // 12)
        return key, steps
    pc = (key.pitch_class + semitones) % 12
    candidates = [t for t in MAJOR_SHARPS if _spell(LETTERS.index(t[0]), pc) == t]
    best = min(candidates, key=lambda t: (abs(MAJOR_SHARPS[t] + MODE_OFFSET[key.mode]), "b" in t))
    steps = (LETTERS.index(best[0]) - LETTERS.index(key.tonic[0])) % 7
    steps += 7 * round((semitones * 7 / 12 - steps) / 7)
    return Key(best, key.mode, signature_for(best, key.mode)), steps


class _Speller:
    """Moves notes, remembering the accidentals in force in the current bar on both sides
    and the pitches a tie carries over a barline."""

    def __init__(self, key: Key, semitones: int, steps: int, explicit: bool = False,
                 plain: bool = False):
        self.semitones, self.steps, self.explicit, self.plain = semitones, steps, explicit, plain
        self.tie, self.in_chord = False, False
        self.tied: dict[int, int] = {}  # notes tied over to this note or chord → alteration
        self.sounding: dict[int, int] = {}  # this note or chord's notes → alteration
        self.voice, self.voices = "", {}  # the other voices' (tie, sounding) while away
        self.set_key(key)

    def set_key(self, key: Key) -> None:
        self.old_key = key
        if key.tonic is None:
            self.new_key = key
        else:
            tonic = _spell(LETTERS.index(key.tonic[0]) + self.steps,
                           key.pitch_class + self.semitones)
            if tonic not in MAJOR_SHARPS:
                tonic = transposed_key(key, self.semitones)[0].tonic
            self.new_key = Key(tonic, key.mode, signature_for(tonic, key.mode))
        self.new_bar()

    def new_bar(self) -> None:
        self.old_bar: dict[int, int] = {}
        self.new_bar_acc: dict[int, int] = {}

    def group(self) -> None:
        """A note or chord begins: the notes tied over to it hold their pitch in it (``^G2-|G``
        is one G#, as abc2midi plays it), then the tie is spent."""
        self.tied, self.sounding = self.sounding if self.tie else {}, {}
        self.tie = False

    def switch(self, voice: str) -> None:
        """Interleaved voices: each keeps its own tie over the barline."""
        self.voices[self.voice] = self.tie, self.sounding
        self.voice = voice
        self.tie, self.sounding = self.voices.get(voice, (False, {}))

    def note(self, text: str) -> str:
        m = NOTE_RE.fullmatch(text)
        acc_text, letter, octave_marks, length = m.groups()
        octave = 5 if letter.islower() else 4
        octave += octave_marks.count("'") - octave_marks.count(",")
        letter = letter.upper()
        diatonic = octave * 7 + LETTERS.index(letter)
        if acc_text:
            acc = _ACCIDENTAL_VALUE[acc_text]
            self.old_bar[diatonic] = acc
        elif diatonic in self.tied:
            acc = self.tied[diatonic]
        else:
            acc = self.old_bar.get(diatonic, self.old_key.signature.get(letter, 0))
        self.sounding[diatonic] = acc
        midi = 12 * octave + NATURAL_PC[letter] + acc + self.semitones
        new = diatonic + self.steps
        while True:
            need = midi - (12 * (new // 7) + NATURAL_PC[LETTERS[new % 7]])
            if need > 2:
                new += 1
            elif need < -2:
                new -= 1
            else:
                break
        if self.plain and abs(need) == 2 and not self._leading_note(midi, need):
            new += need // 2  # F## → G, Bbb → A: one letter on, as a copyist writes it
            need = midi - (12 * (new // 7) + NATURAL_PC[LETTERS[new % 7]])
        new_letter, new_octave = LETTERS[new % 7], new // 7
        implied = self.new_bar_acc.get(new, self.new_key.signature.get(new_letter, 0))
        out_acc = ""
        if need != implied or acc_text or (
                self.explicit and need != self.new_key.signature.get(new_letter, 0)):
            out_acc = _ACCIDENTAL_TEXT[need]
            self.new_bar_acc[new] = need
        if new_octave >= 5:
            name = new_letter.lower() + "'" * (new_octave - 5)
        else:
            name = new_letter + "," * (4 - new_octave)
        return out_acc + name + length

    def _leading_note(self, midi: int, need: int) -> bool:
        """Whether a double sharp is the new key's leading note, a semitone under its tonic
        (F## in G# minor): the one double accidental a copyist keeps (C## in D major is a D)."""
        return need == 2 and self.new_key.tonic is not None and \
            midi % 12 == (self.new_key.pitch_class - 1) % 12

    def chord_symbol(self, text: str) -> str:
        def move(m: re.Match) -> str:
            pc = NATURAL_PC[m.group(1)] + {"#": 1, "b": -1}.get(m.group(2), 0)
            return _spell(LETTERS.index(m.group(1)) + self.steps, pc + self.semitones)

        return _CHORD_ROOT_RE.sub(move, text)


def _key_field(value: str, key: Key) -> str:
    extra = [w for w in value.split()[1:] if "=" in w]
    return " ".join([key.abc()] + extra)


def transpose(tune: Tune, semitones: int, plain: bool = False) -> Tune:
    """``tune`` moved by ``semitones`` (positive = up), with ``K:`` and every note respelled;
    ``plain``: no double sharp or flat but a raised leading note (a chromatic note the model
    spelled ``^E`` on C lands as ``G``, not ``^^F``, in B minor), as a piece is printed."""
    if semitones == 0:
        return tune
    key = parse_key(tune.key)
    new_key, steps = transposed_key(key, semitones)
    fields = [(k, _key_field(v, new_key) if k == "K" and key.tonic else v)
              for k, v in tune.fields]
    return replace(tune, fields=fields,
                   body=_respelled(tune.body, _Speller(key, semitones, steps, plain=plain)))


def octave_moved(note: str, octaves: int) -> str:
    """A note atom (``^c'2``) moved by whole ``octaves``: only its letter case and octave
    marks change, so its accidental and length stay as written."""
    acc, letter, marks, length = NOTE_RE.fullmatch(note).groups()
    octave = letter.islower() + marks.count("'") - marks.count(",") + octaves
    name = letter.lower() + "'" * (octave - 1) if octave > 0 else letter.upper() + "," * -octave
    return (acc or "") + name + length


def explicit_accidentals(tune: Tune) -> Tune:
    """``tune`` with an accidental written on every note off the key signature, also where
    one earlier in the bar already says it (``^G A G`` → ``^G A ^G``): the same music, for
    readers that forget an accidental at the next note (music21 reads ``^G A G`` as G#, A, G)."""
    return replace(tune, body=_respelled(tune.body, _Speller(parse_key(tune.key), 0, 0, True)))


def _respelled(body: str, speller: _Speller) -> str:
    return "".join(_move_atom(atom, speller) for atom in lex(body))


def _move_atom(atom: Atom, speller: _Speller) -> str:
    kind, text = atom.kind, atom.text
    if atom.voice:
        speller.switch(atom.voice)
    if kind is Kind.NOTE:
        if not speller.in_chord:
            speller.group()
        return speller.note(text)
    if kind in (Kind.CHORD_START, Kind.CHORD_END):
        if kind is Kind.CHORD_START:
            speller.group()
        speller.in_chord = kind is Kind.CHORD_START
    elif kind is Kind.TIE:
        speller.tie = True
    elif kind is Kind.BAR:
        speller.new_bar()
    elif kind is Kind.SYMBOL:
        return speller.chord_symbol(text) if re.match(r'"[A-G]', text) else text
    elif atom.field and atom.field[0] == "K" and not names_only_a_clef(atom.field[1]):
        inline = text.startswith("[")
        value = atom.field[1]
        key = parse_key(value)
        speller.set_key(key)
        if key.tonic is None:
            return text
        new = _key_field(value, speller.new_key)
        return f"[K:{new}]" if inline else f"K:{new}" + ("\n" if text.endswith("\n") else "")
    return text

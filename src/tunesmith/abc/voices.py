"""Polyphony in the two layouts ABC allows.

The corpus and the model write voices interleaved, one bar of every voice per line
(``[V:1] bar |[V:2] bar |``), so the bars that sound together sit together in the context.
Readers, engravers and music21 (which ignores inline voice switches) want each voice as one
block after its own ``V:`` line; ``voice_blocks`` turns the first layout into the second and
``interleaved`` the second into the first. ``voice_parts`` says who plays or sings each voice
and where it may go.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from .keys import octave_clef
from .lexer import Kind, lex
from .transpose import octave_moved


def _moved(music: str, octaves: int) -> str:
    """``music`` with every note moved by whole ``octaves``."""
    if not octaves:
        return music
    return "".join(octave_moved(a.text, octaves) if a.kind is Kind.NOTE else a.text
                   for a in lex(music))


def voice_bars(body: str) -> dict[str, list[str]]:
    """Each voice's bars, barline included, in order of first appearance, from either
    layout, at the pitch they sound (a ``V:`` line's octave clef, ``treble-8``, undone); line
    breaks, comments and the voice switches themselves are dropped. A barline with no music
    before it (the ``|:`` that opens a piece) belongs to the bar it opens."""
    bars: dict[str, list[str]] = {}
    sounds: dict[str, int] = {}  # voice → octaves its notes sound from where written
    voice, pending = "1", ""

    def close(bar: str) -> None:
        bars.setdefault(voice, []).append(_moved(bar.strip(), sounds.get(voice, 0)))

    for atom in lex(body):
        if atom.voice:  # [V:2] or a V:2 line
            if pending.strip():
                close(pending)
            voice, pending = atom.voice, ""
            if move := octave_clef(atom.field[1].split()[1:]):
                sounds[voice] = move
        elif atom.kind is Kind.BAR and not pending.strip():  # an opening |: starts a bar
            pending += atom.text
        elif atom.kind is Kind.BAR:
            close(pending + atom.text)
            pending = ""
        elif atom.kind not in (Kind.NEWLINE, Kind.COMMENT):  # nor %%MIDI lines
            pending += atom.text
    if pending.strip():
        close(pending)
    return bars


def voice_blocks(body: str, clefs: dict[str, str] | None = None, bars_per_line: int = 4,
                 names: dict[str, str] | None = None,
                 programs: dict[str, int] | None = None) -> str:
    """The interleaved body as one ``V:`` block per voice, ``bars_per_line`` bars a line;
    ``clefs`` maps a voice to the clef its ``V:`` line names (``{"4": "bass"}``; under an
    octave clef, ``treble-8``, its notes are written an octave above where they sound),
    ``names`` to the name printed at its staff, ``programs`` to its General MIDI instrument."""
    clefs, names, programs = clefs or {}, names or {}, programs or {}
    lines = []
    for voice, bars in voice_bars(body).items():
        # the name before the clef: abc2midi 4.84 plays a treble-8 voice an octave high
        # when a name follows its clef
        lines.append(f"V:{voice}" + (f' nm="{names[voice]}"' if voice in names else "")
                     + (f" clef={clefs[voice]}" if voice in clefs else ""))
        if voice in programs:
            lines.append(f"%%MIDI program {programs[voice]}")
        written = -octave_clef([clefs.get(voice, "")])
        bars = [_moved(bar, written) for bar in bars]
        lines += [" ".join(bars[i:i + bars_per_line]) for i in range(0, len(bars), bars_per_line)]
    return "\n".join(lines)


_VOICE_LINE = re.compile(r"^V:", re.MULTILINE)  # a quick look before lexing for one


def interleaved(body: str) -> str:
    """A body in the corpus's layout: bar ``i`` of every voice on line ``i``. A body without
    ``V:`` lines (one voice, or already interleaved) comes back as it is."""
    if not _VOICE_LINE.search(body) or not any(
            atom.kind is Kind.FIELD_LINE and atom.voice for atom in lex(body)):
        return body
    voices = voice_bars(body)
    lines = []
    for i in range(max(len(bars) for bars in voices.values())):
        lines.append("".join(f"[V:{v}]{bars[i]}" for v, bars in voices.items() if i < len(bars)))
    return "\n".join(lines)


@dataclass(frozen=True)
class Part:
    """A voice of a piece as it is printed and played."""

    name: str
    compass: tuple[int, int]  # MIDI, in the key the piece is printed in
    program: int  # General MIDI instrument
    clefs: tuple[str, ...] = ("treble", "bass")  # those it may read (``clef``: by its notes)


# the sounding pitch (MIDI) of each clef's middle line: a part reads the clef, of those it
# may, whose staff its notes lie nearest the middle of (an octave clef's notes are written an
# octave above where they sound, ``voice_blocks``)
STAFF_MIDDLE = {"treble": 71, "treble-8": 59, "alto": 60, "bass": 50}


def clef(part: Part, pitches: list[int]) -> str:
    """The clef ``part`` reads for these notes: of its ``clefs``, the one whose middle line
    is nearest their median pitch (the first for no notes)."""
    if len(part.clefs) == 1 or not pitches:
        return part.clefs[0]
    median = sorted(pitches)[len(pitches) // 2]
    return min(part.clefs, key=lambda c: abs(STAFF_MIDDLE[c] - median))


# where each voice may go: singers' ranges, and the strings' ranges in a classical quartet
# (the first violin to C7, the second to E6, the viola to G5, the cello to A4: held to
# D6/A5/D5/E4 before, the model's violin I struck its ceiling in 5 of 8 pieces, the cello in
# 4, and their spans overlapped real quartet parts' 0.38, now 0.60, against 0.44 between
# real quartets (the test split's six: 0.54 → 0.74); heard classical 42 → 47 and as
# quartets 43 → 48 of 64, in their key 38 → 36:
# `python benchmarks/style_guidance.py --split train --prompts "a classical string quartet"
# --bars style --guidance 1.5 --rhythm 1/2 --rhythm-bonus -0.5 --seeds S`, S = $(seq 1200 100
# 1900) and $(seq 2000 100 2700), before and after);
# each reads its own clef, as a player or singer expects (a violin II on G3-D4 still reads
# treble, with ledger lines; a tenor the treble clef with an 8 below, its notes written an
# octave above where they sound, as modern choral scores print it: C3-G4 on the staff)
SATB = (Part("Soprano", (60, 79), 52, ("treble",)), Part("Alto", (55, 74), 52, ("treble",)),
        Part("Tenor", (48, 67), 52, ("treble-8",)), Part("Bass", (40, 62), 52, ("bass",)))
# (52: choir aahs)
STRINGS = (Part("Violin I", (55, 96), 40, ("treble",)),
           Part("Violin II", (55, 88), 40, ("treble",)),
           Part("Viola", (48, 79), 41, ("alto",)), Part("Cello", (36, 69), 42, ("bass",)))
# a piano piece's hands: the right in the treble staff, the left in the bass; the corpus's
# four piano pieces have their top voice within MIDI 50-100 (medians 64-77) and their
# bass-staff voices within 32-68
HANDS = (Part("Right hand", (55, 91), 0, ("treble",)), Part("Left hand", (31, 67), 0, ("bass",)))
# a trecento piece's voices lie close and cross: in the corpus's 48 three-voice medieval
# pieces the cantus spans MIDI 54-76 (10th to 90th percentile of each piece's lowest and
# highest note; median 65), the contratenor 48-74 (62), the tenor below them 48-68 (57):
# benchmarks/medieval_voices.py (the tenor's floor widened by a third); as modern editions
# print them, the cantus in treble, the lower two in treble or treble-8 by where they lie
TRECENTO = (Part("Cantus", (55, 77), 52, ("treble",)),
            Part("Contratenor", (48, 74), 52, ("treble", "treble-8")),
            Part("Tenor", (45, 69), 52, ("treble", "treble-8")))
# a medieval dance or tune is played, as the alta cappella played dances: its melody on a
# treble shawm (General MIDI's oboe), the voices below on tenor shawms, bombards (a bassoon,
# the low reed it has), each about in its instrument's compass; in the trecento's sung
# compasses the model laid the melody around B3 (median of 32 pieces' medians), under a
# treble shawm's lowest note, here around E4 (`python benchmarks/medieval_dance.py --voices
# 2`, with and without `--trecento`)
PLAYED_MEDIEVAL = (Part("Shawm", (60, 81), 68, ("treble",)),
                   Part("Bombard", (45, 67), 70, ("treble", "bass")))
SUNG = ("chorale", "mass", "madrigal")
ENSEMBLE_PARTS = {"quartet": STRINGS, "piano": HANDS}


def medieval(labels: Mapping[str, str]) -> bool:
    """A medieval piece, not of a form with voices of its own (a mass, a quartet): trecento
    polyphony in ``TRECENTO``'s voices, its final chord a bare fifth (43 of the corpus's 48
    three-voice pieces); sung where it names no form or is a song, played where it is a
    dance or tune (``PLAYED_MEDIEVAL``)."""
    return labels.get("period") == "medieval" and labels.get("form") not in (
        *SUNG, *ENSEMBLE_PARTS)


def picardy(labels: Mapping[str, str]) -> bool:
    """A baroque piece, whose final chord in a minor key may take the major third: 107 of
    the corpus's 183 minor chorales end so (18 on the minor third, 58 without a third), 1 of
    its 10 minor classical quartet movements (``benchmarks/harmony_cost.py``)."""
    return labels.get("period") == "baroque"


def voice_parts(voices: int, labels: Mapping[str, str]) -> list[Part]:
    """Each voice's part, top down, for a piece of these style labels: a quartet's strings, a
    piano piece's hands, a medieval piece's cantus, contratenor and tenor (2: cantus and
    tenor), or soprano, alto, tenor and bass spread over the voices (2: S B, 3: S T B, 5: S A
    T T B …); one voice is free. Sung forms and medieval pieces of no form or songs are sung
    (choir), a medieval dance is played on a shawm over bombards, other pieces in several
    voices on the piano, a tenor's part in treble or bass by where its notes lie."""
    if voices == 1:
        return [Part("", (0, 127), 0)]
    form, early = labels.get("form"), medieval(labels)
    if not early:
        ranges = ENSEMBLE_PARTS.get(form or "", SATB)
    elif form in (None, "song"):  # trecento polyphony, sung
        ranges = TRECENTO
    else:  # a medieval dance or tune, played
        ranges = PLAYED_MEDIEVAL
    parts = [ranges[round(v * (len(ranges) - 1) / (voices - 1))] for v in range(voices)]
    if not early and form not in SUNG and form not in ENSEMBLE_PARTS:
        parts = [replace(p, name=f"Voice {v}", program=0,
                         clefs=("treble", "bass") if octave_clef(p.clefs) else p.clefs)
                 for v, p in enumerate(parts, 1)]
    names = [p.name for p in parts]
    return [replace(p, name=f"{p.name} {names[:v].count(p.name) + 1}")
            if names.count(p.name) > 1 else p for v, p in enumerate(parts)]


def voice_compasses(voices: int, labels: Mapping[str, str]) -> list[tuple[int, int]]:
    """The compass of each voice, top down (see ``voice_parts``)."""
    return [part.compass for part in voice_parts(voices, labels)]

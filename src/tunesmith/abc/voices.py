"""Polyphony in the two layouts ABC allows.

The corpus and the model write voices interleaved, one bar of every voice per line
(``[V:1] bar |[V:2] bar |``), so the bars that sound together sit together in the context.
Readers, engravers and music21 (which ignores inline voice switches) want each voice as one
block after its own ``V:`` line; ``voice_blocks`` turns the first layout into the second and
``interleaved`` the second into the first. ``voice_parts`` says who plays or sings each voice
and where it may go.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from .lexer import Kind, lex


def voice_bars(body: str) -> dict[str, list[str]]:
    """Each voice's bars, barline included, in order of first appearance, from either
    layout; line breaks, comments and the voice switches themselves are dropped. A barline
    with no music before it (the ``|:`` that opens a piece) belongs to the bar it opens."""
    bars: dict[str, list[str]] = {}
    voice, pending = "1", ""
    for atom in lex(body):
        if atom.voice:  # [V:2] or a V:2 line
            if pending.strip():
                bars.setdefault(voice, []).append(pending.strip())
            voice, pending = atom.voice, ""
        elif atom.kind is Kind.BAR and not pending.strip():  # an opening |: starts a bar
            pending += atom.text
        elif atom.kind is Kind.BAR:
            bars.setdefault(voice, []).append((pending + atom.text).strip())
            pending = ""
        elif atom.kind not in (Kind.NEWLINE, Kind.COMMENT):  # nor %%MIDI lines
            pending += atom.text
    if pending.strip():
        bars.setdefault(voice, []).append(pending.strip())
    return bars


def voice_blocks(body: str, clefs: dict[str, str] | None = None, bars_per_line: int = 4,
                 names: dict[str, str] | None = None,
                 programs: dict[str, int] | None = None) -> str:
    """The interleaved body as one ``V:`` block per voice, ``bars_per_line`` bars a line;
    ``clefs`` maps a voice to the clef its ``V:`` line names (``{"4": "bass"}``), ``names``
    to the name printed at its staff, ``programs`` to its General MIDI instrument."""
    clefs, names, programs = clefs or {}, names or {}, programs or {}
    lines = []
    for voice, bars in voice_bars(body).items():
        lines.append(f"V:{voice}" + (f" clef={clefs[voice]}" if voice in clefs else "")
                     + (f' nm="{names[voice]}"' if voice in names else ""))
        if voice in programs:
            lines.append(f"%%MIDI program {programs[voice]}")
        lines += [" ".join(bars[i:i + bars_per_line]) for i in range(0, len(bars), bars_per_line)]
    return "\n".join(lines)


def interleaved(body: str) -> str:
    """A body in the corpus's layout: bar ``i`` of every voice on line ``i``. A body without
    ``V:`` lines (one voice, or already interleaved) comes back as it is."""
    if not any(atom.kind is Kind.FIELD_LINE and atom.voice for atom in lex(body)):
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
    clef: str | None = None  # the clef it always reads; None: treble or bass by its notes


# where each voice may go: singers' ranges, and the strings' comfortable ranges for a quartet;
# each reads its own clef, as a player or singer expects (a violin II on G3-D4 still reads
# treble, with ledger lines), but a tenor, whose parts come in treble or bass
SATB = (Part("Soprano", (60, 79), 52, "treble"), Part("Alto", (55, 74), 52, "treble"),
        Part("Tenor", (48, 67), 52), Part("Bass", (40, 62), 52, "bass"))  # 52: choir aahs
STRINGS = (Part("Violin I", (55, 86), 40, "treble"), Part("Violin II", (55, 81), 40, "treble"),
           Part("Viola", (48, 74), 41, "alto"), Part("Cello", (36, 64), 42, "bass"))
# a piano piece's hands: the right in the treble staff, the left in the bass; the corpus's
# four piano pieces have their top voice within MIDI 50-100 (medians 64-77) and their
# bass-staff voices within 32-68
HANDS = (Part("Right hand", (55, 91), 0, "treble"), Part("Left hand", (31, 67), 0, "bass"))
# a trecento piece's voices lie close and cross: in the corpus's 48 three-voice medieval
# pieces the cantus spans MIDI 54-76 (10th to 90th percentile of each piece's lowest and
# highest note; median 65), the contratenor 48-74 (62), the tenor below them 48-68 (57):
# benchmarks/medieval_voices.py (the tenor's floor widened by a third)
TRECENTO = (Part("Cantus", (55, 77), 52), Part("Contratenor", (48, 74), 52),
            Part("Tenor", (45, 69), 52))
SUNG = ("chorale", "mass", "madrigal")


def medieval(labels: Mapping[str, str]) -> bool:
    """A medieval piece of no named form: trecento polyphony, sung in ``TRECENTO``'s
    voices, its final chord a bare fifth (43 of the corpus's 48 three-voice pieces)."""
    return "form" not in labels and labels.get("period") == "medieval"


def picardy(labels: Mapping[str, str]) -> bool:
    """A baroque piece, whose final chord in a minor key may take the major third: 107 of
    the corpus's 183 minor chorales end so (18 on the minor third, 58 without a third), 1 of
    its 10 minor classical quartet movements (``benchmarks/harmony_cost.py``)."""
    return labels.get("period") == "baroque"


def voice_parts(voices: int, labels: Mapping[str, str]) -> list[Part]:
    """Each voice's part, top down, for a piece of these style labels: a quartet's strings, a
    piano piece's hands, a medieval piece's cantus, contratenor and tenor, or soprano, alto,
    tenor and bass spread over the voices (2: S B, 3: S T B, 5: S A T T B …); one voice is
    free. Sung forms and medieval pieces are sung (choir), other pieces in several voices are
    played on the piano."""
    if voices == 1:
        return [Part("", (0, 127), 0)]
    form, sung = labels.get("form"), medieval(labels)
    ranges = TRECENTO if sung else {"quartet": STRINGS, "piano": HANDS}.get(form or "", SATB)
    parts = [ranges[round(v * (len(ranges) - 1) / (voices - 1))] for v in range(voices)]
    if not sung and form not in SUNG and form not in ("quartet", "piano"):
        parts = [replace(p, name=f"Voice {v}", program=0) for v, p in enumerate(parts, 1)]
    names = [p.name for p in parts]
    return [replace(p, name=f"{p.name} {names[:v].count(p.name) + 1}")
            if names.count(p.name) > 1 else p for v, p in enumerate(parts)]


def voice_compasses(voices: int, labels: Mapping[str, str]) -> list[tuple[int, int]]:
    """The compass of each voice, top down (see ``voice_parts``)."""
    return [part.compass for part in voice_parts(voices, labels)]

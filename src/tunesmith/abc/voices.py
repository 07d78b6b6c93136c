"""Polyphony in the two layouts ABC allows.

The corpus and the model write voices interleaved, one bar of every voice per line
(``[V:1] bar |[V:2] bar |``), so the bars that sound together sit together in the context.
Readers, engravers and music21 (which ignores inline voice switches) want each voice as one
block after its own ``V:`` line; ``voice_blocks`` turns the first layout into the second and
``interleaved`` the second into the first.
"""

from __future__ import annotations

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

"""A melody's lines ended at barlines, so a score never splits a bar across two systems.

The corpus's Essen songs write each phrase on its own line with its upbeat, so a line may
end inside a bar (``…|dcB2A2`` then ``dc|B2A2…``), and the model writes its melodies so; an
engraver (abcm2ps, abcjs) breaks the staff there, half a bar on each system. Such a break
moves to the end of its bar, the upbeat closing the line before as printed music has it.
Only the layout changes: the same atoms, in the same order. A line that opens with a letter
and a colon reads as a field line ("g::…", "e:|…"): a space comes between (``unfielded``).
"""

from __future__ import annotations

import re

from .lexer import Kind, lex

# atoms that are lines, not music: a break next to one stays where it is
_LINES = (Kind.FIELD_LINE, Kind.COMMENT, Kind.NEWLINE)


def whole_bar_lines(body: str) -> str:
    """``body`` with every line break that falls inside a bar moved after that bar's
    barline."""
    atoms = lex(body)
    out: list[str] = []
    owed = False  # a break taken out inside a bar, to be written after its barline
    last = None  # the kind of the last atom written that is not a space
    for i, atom in enumerate(atoms):
        following = atoms[i + 1].kind if i + 1 < len(atoms) else None
        if atom.kind is Kind.NEWLINE and last not in (None, Kind.BAR, *_LINES) \
                and following not in (None, *_LINES):
            out.append(" ")
            owed = True
            continue
        out.append(atom.text)
        if atom.kind is Kind.BAR and owed and following is not None:
            out.append("\n")
            owed = False
        if atom.kind is not Kind.SPACE:
            last = atom.kind
    # a moved break may meet the one that ended its line, or a space: no blank line, which
    # would end the tune, and no line that opens with a space
    return re.sub(r"\n[ \t]*\n", "\n", re.sub(r"\n[ \t]+", "\n", "".join(out)))


def unfielded(body: str) -> str:
    """``body`` with a space between a line's opening note letter and the colon after it
    ("g ::(ga)…", not "g::(ga)…", which reads as a field line and loses its bar). The
    sampler keeps such a line from being written, but a transposed note may become one: a
    jig written on C opened a line "c':|", which in G is "g::"."""
    return re.sub(r"(?m)^([A-Ga-g])(?=:)", r"\1 ", body)

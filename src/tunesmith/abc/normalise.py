"""Keep the music, drop the rest: one canonical spelling of a tune's body.

Dropped: comments and ``%%`` directives, fingerings and other quoted annotations, decorations
(``!trill!``, ``~``, bowings ``u v``, staccato dots), line continuations, lyrics lines, score
layout marks (``$``, ``y``, backquotes) and non-musical fields. Kept: notes, rests, chords,
bars, repeats and endings, tuplets, ties, slurs, grace notes, broken rhythm and inline
key/meter/length/voice changes; chord symbols only when asked for.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .lexer import Atom, Kind, lex
from .tune import AbcError, Tune

MUSIC_INLINE_FIELDS = ("K", "M", "L", "V")
_DROP = {Kind.DECORATION, Kind.COMMENT, Kind.CONTINUATION}
_JUNK = set("y$`*#;?@\\'")
_CHORD_SYMBOL_RE = re.compile(r'"[A-G][#b]?[^"]*"')


def _keep(atom: Atom, chord_symbols: bool) -> bool:
    if atom.kind in _DROP:
        return False
    if atom.kind is Kind.SYMBOL:
        return chord_symbols and bool(_CHORD_SYMBOL_RE.fullmatch(atom.text))
    if atom.kind is Kind.INLINE_FIELD:
        return atom.text[1] in MUSIC_INLINE_FIELDS
    if atom.kind is Kind.FIELD_LINE:
        return atom.text[0] in MUSIC_INLINE_FIELDS
    if atom.kind is Kind.OTHER:
        return atom.text not in _JUNK and atom.text.isprintable() and atom.text.isascii()
    return True


def normalise_body(body: str, chord_symbols: bool = False) -> str:
    """The canonical body: music atoms only, single spaces, no empty lines."""
    lines: list[str] = []
    line: list[str] = []
    continued = False  # a backslash at the end of a line joins it with the next
    for atom in lex(body):
        if atom.kind is Kind.NEWLINE:
            if continued:
                line.append(" ")
                continued = False
                continue
            lines.append("".join(line))
            line = []
        elif atom.kind is Kind.FIELD_LINE:
            if line:
                lines.append("".join(line))
                line = []
            if _keep(atom, chord_symbols):
                lines.append(atom.text.split("%")[0].strip())
        elif atom.kind is Kind.CONTINUATION:
            continued = True
        elif atom.kind is Kind.SPACE:
            line.append(" ")
        elif _keep(atom, chord_symbols):
            line.append(atom.text)
    lines.append("".join(line))
    out = [re.sub(r" {2,}", " ", s).strip() for s in lines]
    return "\n".join(s for s in out if s) + "\n"


def music_atoms(body: str) -> list[Atom]:
    """The atoms of the normalised body without its spacing: the music alone, for comparing
    and counting what tunes play however they were laid out."""
    return [a for a in lex(normalise_body(body)) if a.kind not in (Kind.SPACE, Kind.NEWLINE)]


def normalise(tune: Tune, chord_symbols: bool = False) -> Tune:
    """A normalised copy of ``tune``: canonical body, explicit ``L:``, comment-free fields."""
    fields = [(k, v.split("%")[0].strip()) for k, v in tune.fields]
    out = replace(tune, fields=fields)
    unit = out.unit_length
    out = out.with_field("L", f"{unit.numerator}/{unit.denominator}")
    body = normalise_body(tune.body, chord_symbols)
    if not any(a.kind in (Kind.NOTE, Kind.REST) for a in lex(body)):
        raise AbcError("no notes or rests in the body")
    return replace(out, body=body)

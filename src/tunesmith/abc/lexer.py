"""Split ABC text into musical atoms.

The lexer is a lossless partition: ``"".join(a.text for a in lex(s)) == s`` for every string
``s``. Everything else in :mod:`tunesmith.abc` (normalising, tokenizing, durations,
transposition) reads atoms rather than re-parsing characters, so the notation is understood in
exactly one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    NOTE = "note"  # ^F,3/2
    REST = "rest"  # z2, x, Z4 (multi-bar rest)
    BAR = "bar"  # | || |] [| |: :| :: with an optional ending number (|1, :|2)
    ENDING = "ending"  # [1 [2 [1,2 (start of a 1st/2nd ending)
    CHORD_START = "chord_start"  # [
    CHORD_END = "chord_end"  # ] with an optional length (]2)
    GRACE_START = "grace_start"  # { or {/
    GRACE_END = "grace_end"  # }
    TUPLET = "tuplet"  # (3 (3:2:3
    SLUR_START = "slur_start"  # (
    SLUR_END = "slur_end"  # )
    TIE = "tie"  # -
    BROKEN = "broken"  # > >> < <<
    INLINE_FIELD = "inline_field"  # [K:D] [M:3/4] [V:1]
    FIELD_LINE = "field_line"  # K:G at the start of a line, newline included
    SYMBOL = "symbol"  # "G7" chord symbol or "^text" annotation
    DECORATION = "decoration"  # !trill! +fermata+ ~ . T u v
    COMMENT = "comment"  # % ... (and %% directives), up to the newline
    CONTINUATION = "continuation"  # backslash at the end of a line
    SPACE = "space"
    NEWLINE = "newline"
    OTHER = "other"  # anything else, one character at a time


@dataclass(frozen=True, slots=True)
class Atom:
    kind: Kind
    text: str

    @property
    def field(self) -> tuple[str, str] | None:
        """``("K", "Ador")`` for ``[K:Ador]`` or a ``K:Ador`` line; None for other atoms."""
        if self.kind not in (Kind.INLINE_FIELD, Kind.FIELD_LINE):
            return None
        inner = self.text.strip().strip("[]")
        return inner[0], inner[2:].split("%")[0].strip()

    @property
    def voice(self) -> str | None:
        """The voice id a ``V:`` field switches to (``"1"`` for ``[V:1 clef=bass]``)."""
        field = self.field
        if field is None or field[0] != "V":
            return None
        return field[1].split()[0] if field[1].split() else "1"


LENGTH = r"\d*(?:/+\d*)?"
NOTE_RE = re.compile(r"(\^\^|\^|__|_|=)?([A-Ga-g])([,']*)(" + LENGTH + ")")
REST_RE = re.compile(r"([zxZX])(" + LENGTH + ")")

_PATTERNS: list[tuple[Kind, str]] = [
    (Kind.NOTE, NOTE_RE.pattern),
    (Kind.REST, REST_RE.pattern),
    (Kind.INLINE_FIELD, r"\[[A-Za-z]:[^\[\]\n]*\]"),  # no "[" inside: "[K:" * n stays linear
    (Kind.ENDING, r"\[\d+(?:[,-]\d+)*"),
    (Kind.BAR, r":*\[?\|+\]?:*(?:\d+(?:[,-]\d+)*)?|::+"),
    (Kind.CHORD_START, r"\["),
    (Kind.CHORD_END, r"\]" + LENGTH),
    (Kind.GRACE_START, r"\{/?"),
    (Kind.GRACE_END, r"\}"),
    (Kind.TUPLET, r"\(\d+(?::\d*){0,2}"),
    (Kind.SLUR_START, r"\("),
    (Kind.SLUR_END, r"\)"),
    (Kind.TIE, r"-"),
    (Kind.BROKEN, r"[<>]+"),
    (Kind.SYMBOL, r'"[^"\n]*"?'),
    (Kind.DECORATION, r"![^!\n]*!|\+[^+\n\s]*\+|[~.HIJKLMNOPQRSTUVWYhijklmnopqrstuvwy]"),
    (Kind.COMMENT, r"%[^\n]*"),
    (Kind.CONTINUATION, r"\\(?=[ \t]*(?:%[^\n]*)?(?:\r?\n|$))"),
    (Kind.SPACE, r"[ \t]+"),
    (Kind.NEWLINE, r"\r?\n"),
    (Kind.OTHER, r"."),
]
_BODY_RE = re.compile("|".join(f"(?P<{k.name}>{p})" for k, p in _PATTERNS), re.DOTALL)
_FIELD_LINE_RE = re.compile(r"[A-Za-z]:[^\n]*\n?")


def lex(text: str) -> list[Atom]:
    """Split ABC body (or model text with header lines) into atoms, losing nothing."""
    atoms: list[Atom] = []
    pos, n = 0, len(text)
    line_start = True
    while pos < n:
        if line_start:
            m = _FIELD_LINE_RE.match(text, pos)
            if m:
                atoms.append(Atom(Kind.FIELD_LINE, m.group()))
                pos = m.end()
                continue
        m = _BODY_RE.match(text, pos)
        assert m is not None  # the OTHER pattern matches any single character
        kind = Kind[m.lastgroup]  # type: ignore[index]
        atoms.append(Atom(kind, m.group()))
        pos = m.end()
        line_start = kind is Kind.NEWLINE
    return atoms


def ends_on_repeat(text: str) -> bool:
    """Whether ABC music ends by closing a repeat: its last barline is ``:|`` (``:|]``,
    ``::``), the last part played twice. A last part that ends on a second-time bar
    (``|2 ... |]``) does not count: its repeat closed before."""
    last = next((a.text for a in reversed(lex(text)) if a.kind is Kind.BAR), "")
    return last.startswith(":")


def split_length(text: str) -> tuple[str, str]:
    """Split a note or rest atom into its pitch part and its length part ("^F,", "3/2")."""
    m = NOTE_RE.fullmatch(text)
    if m:
        return text[: m.start(4)], m.group(4)
    m = REST_RE.fullmatch(text)
    if m:
        return m.group(1), m.group(2)
    raise ValueError(f"not a note or rest: {text!r}")

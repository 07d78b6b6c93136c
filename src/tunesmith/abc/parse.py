"""Read ABC text: split collections into tunes, split each tune into header fields and body."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .tune import AbcError, Tune

_X_RE = re.compile(r"^X:[^\n]*$", re.MULTILINE)
_FIELD_RE = re.compile(r"^([A-Za-z+]):(.*)$")


@dataclass(frozen=True)
class RawTune:
    """One tune's text as found in a file, with its position for error messages."""

    text: str
    number: str  # the X: value
    line: int  # 1-based line of the X: field in the file


def split_tunes(text: str) -> Iterator[RawTune]:
    """Yield each ``X:``-started tune of a multi-tune file (the file header is skipped)."""
    starts = [m.start() for m in _X_RE.finditer(text)]
    line, counted = 1, 0  # newlines are counted once, from tune to tune, not from the top
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        chunk = text[start:end]
        number = chunk.split("\n", 1)[0][2:].strip()
        line += text.count("\n", counted, start)
        counted = start
        yield RawTune(chunk, number, line)


def parse_tune(text: str) -> Tune:
    """Parse one tune: header up to and including ``K:``, then the body up to a blank line.

    Raises :class:`AbcError` when there is no ``K:`` field or no body.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fields: list[tuple[str, str]] = []
    body_start = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("%"):
            continue
        m = _FIELD_RE.match(stripped)
        if not m:
            if _key_follows(lines[i + 1:]):
                continue  # a mistyped header line ("3/8=120" for "Q:3/8=120"), as abc2midi
            break  # music before K: (malformed); let the K: check below report it
        name, value = m.group(1), m.group(2).strip()
        if name == "+" and fields:  # continuation of the previous field
            fields[-1] = (fields[-1][0], fields[-1][1] + " " + value)
            continue
        fields.append((name, value))
        if name == "K":
            body_start = i + 1
            break
    if body_start is None:
        raise AbcError("no K: field (the key line that ends an ABC header)")
    body_lines = []
    for line in lines[body_start:]:
        if not line.strip():
            break  # a blank line ends the tune
        body_lines.append(line)
    body = "\n".join(body_lines).strip("\n")
    if not body.strip():
        raise AbcError("the tune has a header but no music")
    return Tune(fields=fields, body=body + "\n")


def _key_follows(lines: list[str]) -> bool:
    """Whether a ``K:`` field comes before the header's first blank line."""
    for line in lines:
        if not line.strip():
            return False
        if line.strip().startswith("K:"):
            return True
    return False


def parse(text: str) -> Tune:
    """Parse a single tune given as ABC text (a convenience for users and tests)."""
    raw = next(split_tunes(text), None)
    return parse_tune(raw.text if raw else text)

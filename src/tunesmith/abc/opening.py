"""An opening to continue: the header and first bars of a piece, as the musician wrote them.

``read_opening`` checks what the sampler relies on before anything is generated: a header
with a key and a meter that has bars, one voice, every bar the length its meter says (the
bad one is named) and a barline at the end, so the continuation starts a bar of its own.
The opening's text is then kept byte for byte and the continuation written after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .durations import bars, validate
from .keys import parse_key
from .lexer import Kind, lex
from .parse import parse
from .tune import AbcError, Tune, meter_length

MAX_OPENING = 8_000  # characters: about 60 bars of a reel, more than a model's context holds


class OpeningError(ValueError):
    """An opening the sampler cannot continue; the message says what to change."""


@dataclass(frozen=True)
class Opening:
    tune: Tune  # header and body as given
    bars: int  # bars it holds (a pickup counts as one)
    barlines: tuple[str, ...]  # every barline in order, for the bar tracker's repeat state


def read_opening(text: str) -> Opening:
    """The opening in ``text`` (the first tune if there are several), or ``OpeningError``."""
    if len(text) > MAX_OPENING:
        raise OpeningError(f"opening: {len(text):,} characters; at most {MAX_OPENING:,}")
    if not re.search(r"^M:", text, re.MULTILINE) or not re.search(r"^K:", text, re.MULTILINE):
        raise OpeningError("opening: give its header, at least M: and K: lines before the "
                           "bars (e.g. 'M:6/8\\nK:D\\n|:DFA dAF|...'), so its meter and key "
                           "are known")
    try:
        tune = parse(text)
        parse_key(tune.key)
    except AbcError as exc:
        raise OpeningError(f"opening: {exc}") from None
    if not meter_length(tune.meter):
        raise OpeningError(f"opening: M:{tune.meter} has no bar length; use a meter such as "
                           "4/4 or 6/8")
    atoms = [a for a in lex(tune.body) if a.kind not in (Kind.SPACE, Kind.NEWLINE,
                                                         Kind.COMMENT)]
    if any(a.voice for a in atoms) or tune.get("V") is not None:
        raise OpeningError("opening: one voice only (it has V: voices)")
    if not any(a.kind in (Kind.NOTE, Kind.REST) for a in atoms):
        raise OpeningError("opening: no notes after the header")
    if atoms[-1].kind is not Kind.BAR:
        raise OpeningError("opening: end it with a barline (|) after its last full bar")
    try:
        problems = validate(tune)
        measured = bars(tune)
    except AbcError as exc:
        raise OpeningError(f"opening: {exc}") from None
    if problems:
        raise OpeningError(f"opening: {problems[0]}; every bar must fill its meter")
    return Opening(tune, len(measured), tuple(a.text for a in atoms if a.kind is Kind.BAR))

"""What may be asked of a Composer, checked in one place: the Python API, the CLI and the HTTP
API (and so the page) share these limits, defaults and messages."""

from __future__ import annotations

import math
import re

from .abc import AbcError
from .abc.keys import parse_key

DEFAULT_BARS = 32
MAX_BARS = 256
MAX_NUM = 16  # pieces per call, and candidates per piece for rerank
MAX_VOICES = 8
MAX_PARTS = 8  # sections of a tune ("a jig in three parts")
TEMPO = (20, 300)  # quarter notes per minute
SECONDS = (5, 1800)  # how long a piece asked its length in time plays, its repeats played
# what abc2midi and abcjs play a piece with no Q: at, and what a pace word scales where the
# corpus marks no tempo for the style
DEFAULT_TEMPO = 120
MAX_TEMPERATURE = 2.0
DEFAULT_TOP_P = 1.0  # nucleus sampling off: v11 loops less and keeps its keys without it
MAX_GUIDANCE = 4.0
METER_BEATS = 16  # the most beats a bar may have
METER_NOTES = (1, 2, 4, 8)  # what a beat may be: the models write in L:1/8
_METER = re.compile(r"(\d{1,2})/(\d{1,2})")


def checked_key(value: str) -> str:
    """The ``K:`` spelling of a key as a user types it: ``D``, ``F#m``, ``Ador``,
    ``"Bb mixolydian"``, ``"D major"``."""
    try:
        key = parse_key(value) if len(value) <= 40 else None
    except AbcError:
        key = None
    if key is None or key.tonic is None:
        raise ValueError(f"key {value[:40]!r}: write a tonic A-G (with # or b) and a mode, "
                         "e.g. D, F#m, Ador, 'Bb mixolydian'")
    return key.abc()


def checked_meter(value: str) -> str:
    """A meter tunesmith can write: ``beats/note`` (``6/8``, ``3/2``), ``C`` or ``C|``."""
    text = value.strip()
    if text in ("C", "C|"):
        return text
    m = _METER.fullmatch(text)
    if not m or not 1 <= int(m[1]) <= METER_BEATS or int(m[2]) not in METER_NOTES \
            or int(m[1]) * 4 < int(m[2]):
        raise ValueError(f"meter {value[:20]!r}: write beats/note with 1-{METER_BEATS} beats of "
                         f"{', '.join(map(str, METER_NOTES))} and at least a quarter note a "
                         "bar, e.g. 4/4, 6/8, 3/2, or C")
    return f"{int(m[1])}/{int(m[2])}"


def _between(name: str, value: float, low: float, high: float, low_open: bool = False) -> None:
    ok = math.isfinite(value) and (low < value if low_open else low <= value) and value <= high
    if not ok:
        raise ValueError(f"{name} must be {'over' if low_open else 'at least'} {low:g} "
                         f"and at most {high:g} (got {value!r})")


def check_request(*, bars: int | None = None, num: int = 1, key: str | None = None,
                  meter: str | None = None, tempo: int | None = None,
                  voices: int | None = None, temperature: float = 1.0, top_k: int = 0,
                  top_p: float = DEFAULT_TOP_P, guidance: float | None = None,
                  rerank: int = 1, seconds: float | None = None
                  ) -> tuple[str | None, str | None]:
    """Raise ValueError naming the first control out of its limits; return the key and meter
    as ``K:`` and ``M:`` write them."""
    if bars is not None:
        _between("bars", bars, 1, MAX_BARS)
    if seconds is not None:
        _between("seconds", seconds, *SECONDS)
    _between("num", num, 1, MAX_NUM)
    _between("rerank", rerank, 1, MAX_NUM)
    if tempo is not None:
        _between("tempo", tempo, *TEMPO)
    if voices is not None:
        _between("voices", voices, 1, MAX_VOICES)
    _between("temperature", temperature, 0, MAX_TEMPERATURE, low_open=True)
    if top_k < 0:
        raise ValueError(f"top_k must be at least 0 (0 = off; got {top_k})")
    _between("top_p", top_p, 0, 1, low_open=True)
    if guidance is not None:  # None: the style's own (``styles.STYLE_GUIDANCE``)
        _between("guidance", guidance, 0, MAX_GUIDANCE)
    return (checked_key(key) if key is not None else None,
            checked_meter(meter) if meter is not None else None)

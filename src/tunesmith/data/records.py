"""What every source yields: Tunes, and Skips that say which input was left out and why."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 20_000_000
MAX_TUNE_CHARS = 200_000  # longer is not a tune but a runaway file


@dataclass(frozen=True)
class Skip:
    origin: str  # file, with "#X:n" for one tune of a collection
    reason: str


class SourceError(ValueError):
    """A whole input cannot be read; the message names the file."""


def read_text(path: Path) -> str:
    """A text file's contents: UTF-8, else Latin-1 (old ABC collections); binary is refused."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceError(f"{path}: {size} bytes is too large for a score file")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror})") from exc
    utf16 = _utf16(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            raise SourceError(f"{path}: looks like {utf16.upper()} text but does not decode "
                              "as it; save it as UTF-8") from None
    elif b"\x00" in data[:65536]:
        raise SourceError(f"{path}: binary data, not a text file")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    printable = sum(c.isprintable() or c in "\n\r\t" for c in text[:65536])
    if text and printable / min(len(text), 65536) < 0.95:
        raise SourceError(f"{path}: mostly unprintable bytes, not a text file")
    return text


def _utf16(data: bytes) -> str | None:
    """"utf-16" for UTF-16 text (Windows editors write it), by its byte-order mark or by the
    zero high bytes of mostly-ASCII text; else None."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    head = data[:4096]
    if len(head) < 8 or len(head) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and 0 not in even:
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and 0 not in odd:
        return "utf-16-be"
    return None

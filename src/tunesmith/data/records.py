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
    if b"\x00" in data[:65536]:
        raise SourceError(f"{path}: binary data, not a text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    printable = sum(c.isprintable() or c in "\n\r\t" for c in text[:65536])
    if text and printable / min(len(text), 65536) < 0.95:
        raise SourceError(f"{path}: mostly unprintable bytes, not a text file")
    return text

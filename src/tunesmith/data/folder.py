"""Any folder of ABC, MusicXML (.xml/.mxl/.musicxml), Humdrum (.krn), MIDI or JSON songs."""

from __future__ import annotations

from pathlib import Path

from ..abc import Tune
from .abc_source import read_abc_file
from .records import Skip
from .scores import SCORE_SUFFIXES, read_score_file
from .songs import read_song_records

SUFFIXES = {".abc", ".json"} | SCORE_SUFFIXES


def folder_files(folder: Path) -> list[Path]:
    """The readable files under ``folder``, sorted, hidden files left out."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def read_file(path: Path, source: str, defaults: dict[str, str] | None = None,
              cache_dir: Path | None = None) -> tuple[list[Tune], list[Skip]]:
    """Tunes from one file of any supported kind, chosen by its suffix."""
    suffix = path.suffix.lower()
    if suffix == ".abc":
        return read_abc_file(path, source, defaults)
    if suffix == ".json":
        return read_song_records(path, source, defaults)
    if suffix in SCORE_SUFFIXES:
        return read_score_file(path, source, defaults, cache_dir)
    return [], [Skip(str(path), f"unsupported file type {suffix!r}")]

"""Any folder of ABC, MusicXML (.xml/.mxl/.musicxml), Humdrum (.krn), MIDI or JSON songs."""

from __future__ import annotations

import os
from pathlib import Path

from ..abc import Tune
from .abc_source import read_abc_file
from .records import Skip
from .scores import SCORE_SUFFIXES, read_score_file
from .songs import read_song_records

SUFFIXES = {".abc", ".json"} | SCORE_SUFFIXES


def folder_files(folder: Path, unread: list[Skip] | None = None) -> list[Path]:
    """The music files under ``folder``, sorted, hidden ones left out. Linked folders are
    followed once; a folder that cannot be listed, a link whose target is missing and a link
    back into a folder already read are added to ``unread`` with why."""
    unread = [] if unread is None else unread
    files: list[Path] = []
    seen: set[Path] = set()

    def not_listed(error: OSError) -> None:
        unread.append(Skip(str(error.filename), f"folder not read: {error.strerror}"))

    for root, dirs, names in os.walk(folder, onerror=not_listed, followlinks=True):
        here = Path(root)
        real = here.resolve()
        if real in seen:
            unread.append(Skip(str(here), "link loop: a link back to a folder already read"))
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            path = here / name
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
                continue
            if not path.exists():
                unread.append(Skip(str(path), "dangling link: its target is missing"))
                continue
            files.append(path)
    return sorted(files)


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

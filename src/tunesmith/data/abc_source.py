"""ABC files and collections, including the ones that ship inside music21."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..abc import AbcError, Tune, bars, normalise, parse_tune, split_tunes
from .labels import label
from .records import MAX_TUNE_CHARS, Skip, SourceError, read_text


@dataclass(frozen=True)
class Collection:
    """A named set of files with the licence and default labels they share."""

    name: str
    files: tuple[Path, ...]
    licence: str
    defaults: dict[str, str] = field(default_factory=dict)
    unread: tuple[Skip, ...] = ()  # inputs found but not readable (see folder_files)


def music21_corpus_dir() -> Path:
    import music21  # heavy; only where a corpus path is needed

    return Path(music21.__file__).parent / "corpus"


_ESSEN_FILE_TRADITION = {"han": "chinese", "lux": "luxembourgish", "lot": "lorraine",
                         "irl": "irish"}
_ABC_COLLECTIONS = [
    # dir, licence, defaults
    ("essenFolksong", "Essen Folksong Collection (EsAC): free for non-commercial research",
     {"form": "song", "tradition": "german"}),
    ("oneills1850", "O'Neill's Music of Ireland (1903), public domain; ABC by Norbert Paap",
     {"tradition": "irish"}),
    ("ryansMammoth", "Ryan's Mammoth Collection (1883), public domain; ABC by Ray Davies et al.",
     {"tradition": "american"}),
    ("airdsAirs", "Aird's Selection of Airs (1782-1803), public domain",
     {"tradition": "scottish", "form": "air"}),
    ("miscFolk", "music21 corpus, public-domain folk books", {}),
    ("nottingham-dataset", "Nottingham Music Database (music21 excerpt), GPL-3",
     {"tradition": "english"}),
    ("josquin", "Josquin chansons transcribed by Laura Conrad, GPL-2",
     {"period": "renaissance", "form": "song"}),
]
_MISC_TRADITION = {"americanfifeopus": "american", "northumbrianminstrelsyopus": "english"}


def music21_abc_collections() -> list[Collection]:
    """music21's bundled ABC collections, one Collection per file group with shared labels."""
    root = music21_corpus_dir()
    out = []
    for dirname, licence, defaults in _ABC_COLLECTIONS:
        files = sorted((root / dirname).glob("*.abc"))
        groups: dict[str, list[Path]] = {}
        for f in files:
            stem = f.stem.rstrip("0123456789")
            tradition = _ESSEN_FILE_TRADITION.get(stem) or _MISC_TRADITION.get(f.stem)
            groups.setdefault(tradition or "", []).append(f)
        for tradition, group in groups.items():
            labels = dict(defaults, **({"tradition": tradition} if tradition else {}))
            out.append(Collection(f"music21/{dirname}", tuple(group), licence, labels))
    return out


def tunes_from_abc_text(text: str, origin: str, source: str, defaults: dict[str, str],
                        meta: dict[str, str] | None = None) -> tuple[list[Tune], list[Skip]]:
    """Every tune of an ABC text, normalised and labelled; bad tunes become Skips."""
    tunes, skips = [], []
    for raw in split_tunes(text):
        where = f"{origin}#X:{raw.number or '?'} (line {raw.line})"
        if len(raw.text) > MAX_TUNE_CHARS:
            skips.append(Skip(where, f"absurd length: {len(raw.text)} characters"))
            continue
        try:
            tune = normalise(parse_tune(raw.text))
            bars(tune)  # reads every bar: raises AbcError on unreadable lengths
        except AbcError as exc:
            skips.append(Skip(where, str(exc)))
            continue
        tune.source, tune.origin = source, where
        tune.meta = dict(meta or {})
        tune.labels = label(tune, defaults)
        tunes.append(tune)
    if not tunes and not skips:
        skips.append(Skip(origin, "no tune (no X: field) in the file"))
    return tunes, skips


def read_abc_file(path: Path, source: str, defaults: dict[str, str] | None = None,
                  meta: dict[str, str] | None = None, origin: str | None = None
                  ) -> tuple[list[Tune], list[Skip]]:
    try:
        text = read_text(path)
    except SourceError as exc:
        return [], [Skip(str(origin or path), str(exc))]
    return tunes_from_abc_text(text, origin or str(path), source, defaults or {}, meta)

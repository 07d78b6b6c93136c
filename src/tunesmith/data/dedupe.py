"""Collapse duplicate transcriptions, then split train/valid/test by tune identity.

Two tunes are the *same transcription* when their normalised music is identical, or when
they share a title and their first 12 notes. Tunes are the *same tune* (variants, settings in
other keys) when they share their first 24 pitch letters, or a distinctive title and meter;
each such family goes wholly into one split, so no variant of a test tune is trained on.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from ..abc import Kind, Tune, lex
from .records import Skip

SPLITS = ("train", "valid", "test")


def music_hash(tune: Tune) -> str:
    return hashlib.sha1("".join(tune.music_text().split()).encode()).hexdigest()


def tune_id(tune: Tune) -> str:
    return hashlib.sha1(f"{tune.source}|{tune.origin}".encode()).hexdigest()[:12]


def pitch_letters(tune: Tune, n: int) -> str:
    """The first ``n`` pitch letters of the first voice, octave and accidentals ignored."""
    letters: list[str] = []
    voice = first = None  # interleaved scores: follow the first voice only
    for atom in lex(tune.body):
        if atom.voice:
            voice = atom.voice
            first = first or voice
        elif atom.kind is Kind.NOTE and voice == first:
            letters.append(atom.text.lstrip("^_=")[0].upper())
            if len(letters) == n:
                break
    return "".join(letters)


def title_key(tune: Tune) -> str:
    title = (tune.title or "").lower()
    title = re.sub(r"\b(the|a|an)\b|[^\w\s]", " ", title)
    return " ".join(title.split())


def dedupe(tunes: list[Tune]) -> tuple[list[Tune], list[Skip]]:
    """The first of each set of duplicate transcriptions, and a Skip for every other one."""
    kept, skips = [], []
    by_music: dict[str, Tune] = {}
    by_title_incipit: dict[tuple[str, str], Tune] = {}
    for tune in tunes:
        first = by_music.get(music_hash(tune))
        incipit = pitch_letters(tune, 12)
        key = (title_key(tune), incipit)
        if first is None and key[0] and len(incipit) == 12:
            first = by_title_incipit.get(key)
        if first is not None:
            skips.append(Skip(tune.origin, f"duplicate transcription of {first.origin}"))
            continue
        by_music[music_hash(tune)] = tune
        if key[0] and len(incipit) == 12:
            by_title_incipit.setdefault(key, tune)
        kept.append(tune)
    return kept, skips


def _find(parent: dict[int, int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def split(tunes: list[Tune], valid: float = 0.05, test: float = 0.05) -> list[str]:
    """The split of each tune ("train", "valid" or "test"), deterministic and family-wise."""
    parent = {i: i for i in range(len(tunes))}
    titles = Counter(title_key(t) for t in tunes)
    seen: dict[tuple, int] = {}
    for i, tune in enumerate(tunes):
        keys = []
        incipit = pitch_letters(tune, 24)
        if len(incipit) == 24:
            keys.append(("incipit", incipit))
        title = title_key(tune)
        if len(title) > 3 and titles[title] <= 20:  # generic titles say nothing
            keys.append(("title", title, tune.meter))
        for key in keys:
            if key in seen:
                parent[_find(parent, i)] = _find(parent, seen[key])
            else:
                seen[key] = i
    family: dict[int, str] = {}
    for i, tune in enumerate(tunes):
        root = _find(parent, i)
        family[root] = min(family.get(root, "~"), music_hash(tune))
    out = []
    for i in range(len(tunes)):
        h = int(hashlib.sha1(family[_find(parent, i)].encode()).hexdigest()[:8], 16) / 2**32
        out.append("test" if h < test else "valid" if h < test + valid else "train")
    return out

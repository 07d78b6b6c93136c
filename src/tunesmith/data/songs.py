"""JSON song records: ``{"name", "singer", "lyric", "tone": {"profile": [...]}}``.

``name`` becomes ``T:``, ``singer`` the artist, ``lyric`` the ``W:`` lyric lines, and the
``tone`` profile (12 pitch-class weights, C first) the key, by correlation with the
Krumhansl-Kessler key profiles. A record may carry the melody in an optional ``abc`` field
(a body, or a whole tune whose header fields the record's fields override); a record without
one still yields a Tune, but it has no music to train on and is reported as such.
The format is documented in the README ("JSON song records").
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..abc import Tune, normalise, parse_tune, validate
from .labels import label
from .records import Skip, SourceError, read_text

_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
_NAMES = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
_MINOR_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B"]


def key_from_profile(profile: list[float]) -> str:
    """The ABC key (``"D"``, ``"Em"``) whose Krumhansl-Kessler profile fits best."""
    p = np.asarray(profile, dtype=float)
    if p.shape != (12,) or not np.all(np.isfinite(p)) or p.std() == 0:
        raise ValueError("tone.profile must be 12 finite numbers that are not all equal")
    best, name = -2.0, "C"
    for tonic in range(12):
        for template, suffix, names in ((_MAJOR, "", _NAMES), (_MINOR, "m", _MINOR_NAMES)):
            r = float(np.corrcoef(p, np.roll(template, tonic))[0, 1])
            if r > best:
                best, name = r, names[tonic] + suffix
    return name


def tune_from_record(record: object, where: str) -> Tune:
    """One record as a Tune; raises ValueError naming the bad field."""
    if not isinstance(record, dict):
        raise ValueError(f"{where}: a song record must be a JSON object")
    name = record.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: field 'name' must be a non-empty string")
    singer = record.get("singer", "")
    lyric = record.get("lyric", "")
    if not isinstance(singer, str):
        raise ValueError(f"{where}: field 'singer' must be a string")
    if not isinstance(lyric, str):
        raise ValueError(f"{where}: field 'lyric' must be a string")
    tone = record.get("tone")
    if not isinstance(tone, dict) or not isinstance(tone.get("profile"), list):
        raise ValueError(f"{where}: field 'tone' must be an object with a 'profile' list")
    try:
        key = key_from_profile(tone["profile"])
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: field 'tone.profile': {exc}") from None
    abc = record.get("abc", "")
    if not isinstance(abc, str):
        raise ValueError(f"{where}: field 'abc' must be a string")
    text = abc if abc.lstrip().startswith("X:") else f"X:1\nM:4/4\nL:1/8\nK:{key}\n{abc}"
    tune = parse_tune(text) if abc.strip() else Tune(fields=[("X", "1"), ("K", key)], body="")
    tune = tune.with_field("T", name.strip()).with_field("K", tune.key or key)
    lyric_lines = [line.strip() for line in lyric.splitlines() if line.strip()]
    tune.fields += [("W", line) for line in lyric_lines]
    tune.meta = {"artist": singer.strip(), "lyrics": "\n".join(lyric_lines)}
    return tune


def read_song_records(path: Path, source: str = "songs",
                      defaults: dict[str, str] | None = None) -> tuple[list[Tune], list[Skip]]:
    """Tunes with melodies from a JSON list of song records; the rest are Skips with reasons."""
    try:
        data = json.loads(read_text(path))
    except SourceError as exc:
        return [], [Skip(str(path), str(exc))]
    except json.JSONDecodeError as exc:
        return [], [Skip(str(path), f"not valid JSON: {exc.msg} at line {exc.lineno}")]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return [], [Skip(str(path), "expected a JSON list of song records")]
    tunes, skips = [], []
    for i, record in enumerate(data):
        where = f"{path}[{i}]"
        try:
            tune = tune_from_record(record, where)
            if not tune.body.strip():
                skips.append(Skip(where, "song record has no melody ('abc' field): "
                                         "kept for prompts and lyrics, not for training"))
                continue
            tune = normalise(tune)
            validate(tune)
        except ValueError as exc:  # AbcError is a ValueError too
            skips.append(Skip(where, str(exc)))
            continue
        tune.source, tune.origin = source, where
        tune.labels = label(tune, defaults)
        tunes.append(tune)
    return tunes, skips

"""Form and scale: does a piece repeat its sections as real tunes do, and stay in its mode?

``repeats``: the piece has repeat signs or plays a run of 4 bars twice (a written-out
reprise). ``self_similarity``: the share of bars that restate an earlier bar note for note.
``scale_fit``: the share of sounding notes inside the written mode's scale; the Chinese modes
(gong, shang, jue, zhi, yu) are written with the major signature of their gong and judged
against its pentatonic scale. All read the first voice of a polyphonic piece, but
``ending_held``: the last note of every voice lasts a beat or more, as a piece's close does
(a tune that stops on a sixteenth note sounds cut off). ``resting``: the share of a melody's
length spent resting (real melodies rest at phrase ends, a few percent; a melody that keeps
stopping does not flow); the voices of a polyphonic piece are ``texture.py``'s.
``phrased``: the share of a melody's sections that last whole 4-bar phrases (a reel's part is
8 bars; one of 7 or 9 is a part a fiddler would stumble on).
"""

from __future__ import annotations

from fractions import Fraction

from ..abc import Kind, Tune, parse_key
from ..abc.durations import PHRASE_BARS
from ..abc.normalise import music_atoms
from ..abc.notes import last_beats, notes
from ..abc.sections import sections
from ..abc.tune import AbcError
from .texture import heard

DANCE_FORMS = ("reel", "jig", "slip jig", "hornpipe", "strathspey", "polka", "march")
_DIATONIC = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10),
             "dorian": (0, 2, 3, 5, 7, 9, 10), "mixolydian": (0, 2, 4, 5, 7, 9, 10),
             "phrygian": (0, 1, 3, 5, 7, 8, 10), "lydian": (0, 2, 4, 6, 7, 9, 11),
             "locrian": (0, 1, 3, 5, 6, 8, 10)}
_PENTATONIC = (0, 2, 4, 7, 9)  # gong shang jue zhi yu, from the gong
CHINESE_MODES = ("gong", "shang", "jue", "zhi", "yu")
_REPEAT_BARS = (":|", "|:", "::")


def first_voice_bars(tune: Tune) -> list[str]:
    """The bars of the first voice as strings of music atoms (spacing and fields dropped)."""
    bars, current, voice, first = [], [], None, None
    for atom in music_atoms(tune.body):
        if atom.voice is not None:
            voice = atom.voice
            first = first or voice
            continue
        if first is not None and voice != first:
            continue
        if atom.kind is Kind.BAR:
            if current:
                bars.append("".join(current))
            current = []
        elif atom.kind not in (Kind.INLINE_FIELD, Kind.FIELD_LINE):
            current.append(atom.text)
    if current:
        bars.append("".join(current))
    return bars


def self_similarity(tune: Tune) -> float:
    """Share of bars that repeat an earlier bar exactly (0 for a piece of one bar)."""
    bars = first_voice_bars(tune)
    seen, again = set(), 0
    for bar in bars:
        again += bar in seen
        seen.add(bar)
    return again / len(bars) if len(bars) > 1 else 0.0


def repeats(tune: Tune) -> bool:
    """Repeat signs, or 4 consecutive bars played again later."""
    if any(a.kind is Kind.BAR and any(r in a.text for r in _REPEAT_BARS)
           for a in music_atoms(tune.body)):
        return True
    bars = first_voice_bars(tune)
    runs = [tuple(bars[i:i + 4]) for i in range(len(bars) - 3)]
    return len(set(runs)) < len(runs)


def scale_fit(tune: Tune, mode: str | None = None) -> float | None:
    """Share of the first voice's notes in the scale of the written key (``mode``: a Chinese
    mode label, when the tune has one); None without a readable tonic or notes."""
    try:
        key = parse_key(tune.key)
    except AbcError:
        return None
    if key.tonic is None:
        return None
    scale = _PENTATONIC if mode in CHINESE_MODES else _DIATONIC[key.mode]
    allowed = {(key.pitch_class + step) % 12 for step in scale}
    try:
        sounding = notes(tune)
    except (AbcError, ValueError):
        return None
    if not sounding:
        return None
    first = sounding[0].voice
    pitches = [n.pitch % 12 for n in sounding if n.voice == first]
    return sum(p in allowed for p in pitches) / len(pitches)


def last_notes(tune: Tune) -> list[Fraction]:
    """Each voice's last note, in beats of the meter; none without a meter or notes."""
    try:
        return last_beats(tune)
    except (AbcError, ValueError):
        return []


def ending_held(tune: Tune) -> bool | None:
    """Whether every voice's last note lasts at least a beat; None without one to read."""
    held = last_notes(tune)
    return all(x >= 1 for x in held) if held else None


def resting(tune: Tune) -> float | None:
    """Share of a one-voice tune's length, to its last note's end, in which nothing sounds;
    None for a piece of several voices or none to read."""
    try:
        sounding = notes(tune)
    except (AbcError, ValueError):
        return None
    if not sounding or len({n.voice for n in sounding}) > 1:
        return None
    end = max(n.onset + n.length for n in sounding)
    return float(1 - heard(sorted(sounding, key=lambda n: n.onset)) / end) if end else None


def phrased(tune: Tune) -> float | None:
    """Share of a melody's sections, all but the last (the piece's length ends that one),
    that last a whole number of 4-bar phrases, to the nearest bar; None with only one."""
    found = sections(tune)
    if not found or len(found) < 2:
        return None
    closed = [n for n, _ in found[:-1]]
    return sum(round(n) > 0 and round(n) % PHRASE_BARS == 0 for n in closed) / len(closed)


def structure(tunes: list[Tune], mode: str | None = None) -> dict[str, float | None]:
    """Means over ``tunes`` of the six measures; ``mode`` is the asked mode label, else each
    tune's own label is used."""
    def mean(values: list) -> float | None:
        kept = [float(v) for v in values if v is not None]
        return sum(kept) / len(kept) if kept else None

    return {"repeats": mean([repeats(t) for t in tunes]),
            "self_similarity": mean([self_similarity(t) for t in tunes]),
            "scale_fit": mean([scale_fit(t, mode or t.labels.get("mode")) for t in tunes]),
            "ending_held": mean([ending_held(t) for t in tunes]),
            "resting": mean([resting(t) for t in tunes]),
            "phrased": mean([phrased(t) for t in tunes])}

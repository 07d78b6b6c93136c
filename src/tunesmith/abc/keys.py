"""Keys and key signatures as ABC writes them in ``K:`` (``D``, ``Ador``, ``F#m``, ``Bb mix``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .tune import AbcError

LETTERS = "CDEFGAB"
NATURAL_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
SHARP_ORDER = "FCGDAEB"
# Mode → sharps added to (or flats taken from) the major key on the same tonic.
MODE_OFFSET = {"major": 0, "lydian": 1, "mixolydian": -1, "dorian": -2, "minor": -3,
               "phrygian": -4, "locrian": -5}
_MODE_ALIASES = {"": "major", "maj": "major", "ion": "major", "m": "minor", "min": "minor",
                 "aeo": "minor", "mix": "mixolydian", "dor": "dorian", "phr": "phrygian",
                 "lyd": "lydian", "loc": "locrian"}
# Sharps in the major key of each tonic spelling (negative = flats).
MAJOR_SHARPS = {"C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5, "F#": 6, "C#": 7, "F": -1,
                 "Bb": -2, "Eb": -3, "Ab": -4, "Db": -5, "Gb": -6, "Cb": -7, "G#": 8, "D#": 9,
                 "A#": 10, "E#": 11, "B#": 12, "Fb": -8}
_KEY_RE = re.compile(r"^\s*([A-Ga-g])([#b]?)\s*([A-Za-z]*)")
_EXPLICIT_RE = re.compile(r"(\^\^|\^|__|_|=)([A-Ga-g])")
ACCIDENTAL_VALUE = {"^^": 2, "^": 1, "=": 0, "_": -1, "__": -2}
_CLEF_RE = re.compile(r"(?:clef=)?(?:treble|alto|tenor|bass|baritone|mezzosoprano|soprano|perc)"
                      r"\d?(?:[+-]8)?")


@dataclass(frozen=True)
class Key:
    """A tonic and mode, and the accidental each letter carries in the signature."""

    tonic: str | None  # "F#", or None for K:none / K:HP style keys
    mode: str  # major, minor, dorian, …
    signature: dict[str, int] = field(default_factory=dict)  # letter (upper) → -2..2

    @property
    def pitch_class(self) -> int | None:
        if self.tonic is None:
            return None
        return (NATURAL_PC[self.tonic[0]] + {"#": 1, "b": -1}.get(self.tonic[1:], 0)) % 12

    @property
    def sharps(self) -> int:
        """Sharps (positive) or flats (negative) in the signature."""
        return sum(self.signature.values())

    def abc(self) -> str:
        if self.tonic is None:
            return "none"
        suffix = {"major": "", "minor": "m"}.get(self.mode, self.mode[:3])
        return self.tonic + suffix


def signature_for(tonic: str, mode: str) -> dict[str, int]:
    """Accidentals of the key signature: walk the circle of fifths as far as the key goes."""
    n = MAJOR_SHARPS[tonic] + MODE_OFFSET[mode]
    order, step = (SHARP_ORDER, 1) if n >= 0 else (SHARP_ORDER[::-1], -1)
    signature: dict[str, int] = {}
    for i in range(abs(n)):
        signature[order[i % 7]] = signature.get(order[i % 7], 0) + step
    return signature


def names_only_a_clef(value: str) -> bool:
    """Whether a ``K:`` value changes only the clef (``[K:bass]`` inside a voice, as xml2abc
    writes a clef change): the key stays what it was."""
    return bool(_CLEF_RE.fullmatch(value.split("%")[0].strip()))


def octave_clef(words: Iterable[str]) -> int:
    """The octaves a voice sounds from where it is written when a clef among ``words`` (those
    after a ``V:`` name, or a clef change's ``K:`` value) is an octave clef: -1 for
    ``treble-8``, a tenor's part written an octave above where it sounds (as abc2midi, abcjs
    and xml2abc read and write it), 1 for ``+8``; 0 for any other clef or none."""
    for word in words:
        clef = word.removeprefix("clef=")
        if clef[:-2] in ("treble", "bass", "alto", "tenor") and clef[-2:] in ("-8", "+8"):
            return -1 if clef[-2] == "-" else 1
    return 0


def parse_key(value: str) -> Key:
    """Parse a ``K:`` value; clef and other ``name=value`` settings are ignored."""
    text = value.split("%")[0].strip()
    words = [w for w in text.split() if "=" not in w or _EXPLICIT_RE.fullmatch(w)]
    head = " ".join(w for w in words if not _EXPLICIT_RE.fullmatch(w))
    explicit = {m.group(2).upper(): ACCIDENTAL_VALUE[m.group(1)]
                for w in words for m in [_EXPLICIT_RE.fullmatch(w)] if m}
    if head.lower() in ("", "none") or head.startswith(("H", "clef")):
        return Key(None, "major", explicit)
    m = _KEY_RE.match(head)
    if not m:
        raise AbcError(f"K: cannot read key {value!r}")
    tonic = m.group(1).upper() + m.group(2)
    mode_word = m.group(3).lower()
    if mode_word.startswith("exp"):
        return Key(tonic, "major", explicit)
    mode = _MODE_ALIASES.get(mode_word[:3])
    if mode is None or tonic not in MAJOR_SHARPS:
        raise AbcError(f"K: cannot read key {value!r}")
    signature = signature_for(tonic, mode)
    signature.update(explicit)
    return Key(tonic, mode, {k: v for k, v in signature.items() if v})


# scale steps from a major signature's tonic to the final of the mode a tune in that
# signature is in: the church modes, and the Chinese modes (gong … yu) on their gong
FINAL_STEP = {"major": 0, "dorian": 1, "phrygian": 2, "lydian": 3, "mixolydian": 4,
              "minor": 5, "locrian": 6, "gong": 0, "shang": 1, "jue": 2, "zhi": 4, "yu": 5}


def final_notes(key: Key, voices: int = 1, mode: str | None = None,
                open_fifth: bool = False, picardy: bool = False
                ) -> list[tuple[str, str] | None]:
    """The (letter, accidental) each voice's last note should sound, top voice first: the
    top and bottom voices end on the final, the inner ones on the third and fifth above it,
    so the last chord is the tonic triad, or all on the fifth (``open_fifth``: the bare
    final chord of medieval polyphony). A tune written in a major signature is in the
    ``mode`` its final makes it (the corpus writes a dorian mass or a Chinese yu-mode song
    in the signature of C, ending on D or A), so its final is that mode's degree, which the
    signature then spells. None where the key has no clear final (no tonic, or a ``K:``
    written phrygian, lydian or locrian). ``picardy``: in a minor key the voice on the third
    may end on it raised (the tierce de Picardie, ``=E`` in C minor) or as the signature
    has it, the model's choice."""
    final = None
    # a mode on the signature's own tonic (step 0) takes the branch below, which spells it
    if key.tonic and key.mode == "major" and FINAL_STEP.get(mode or "", 0):
        final = (LETTERS[(LETTERS.index(key.tonic[0]) + FINAL_STEP[mode]) % 7], "")
    elif key.tonic and key.mode in ("major", "minor", "dorian", "mixolydian"):
        final = (key.tonic[0], {"#": "^", "b": "_"}.get(key.tonic[1:], ""))
    if final is None:
        return [None] * voices
    notes = [final if v in (0, voices - 1)
             else (LETTERS[(LETTERS.index(final[0]) + (4 if open_fifth or v % 2 == 0 else 2))
                           % 7], "")
             for v in range(voices)]
    # three or four voices have one on the third (five have two, which might clash: E, Eb)
    if picardy and key.mode == "minor" and voices in (3, 4) and not open_fifth:
        third = notes[1][0]  # spelt raised ("=E" in C minor): the tracker takes E or =E
        notes[1] = (third, {0: "=", 1: "^"}.get(key.signature.get(third, 0) + 1, ""))
    return notes

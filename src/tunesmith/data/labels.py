"""Style labels from a tune's metadata: collection, O:, R:, title, book number, meter, key.

Every label is a name from :mod:`tunesmith.styles`; a dimension we cannot tell is left out
rather than guessed.
"""

from __future__ import annotations

import re

from ..abc import AbcError, Kind, Tune, lex, parse_key
from ..abc.keys import ACCIDENTAL_VALUE, NATURAL_PC
from ..styles import BY_NAME, TONAL_MODES, TONAL_PERIODS

_METERS = {"C": "4/4", "C|": "2/2"}
# words in R:, T: or an Essen genre line → form
_FORM_WORDS = [
    ("slip jig", ("slip jig", "slipjig", "slip-jig", "hop jig")),
    ("jig", ("double jig", "single jig", "jig", "slide")),
    ("reel", ("reel", "fling", "highland")),
    ("hornpipe", ("hornpipe", "clog")),
    ("strathspey", ("strathspey",)),
    ("polka", ("polka",)),
    ("waltz", ("waltz", "walzer", "valse")),
    ("march", ("march", "quickstep", "marsch")),
    ("air", ("air", "lament", "planxty")),
    ("dance", ("tanz", "dance", "set dance", "schottische", "walkaround", "mazurka")),
    ("song", ("lied", "ballade", "song", "romanze", "xiaodiao", "shange", "minge", "haozi")),
]
# Essen O: words → tradition
_ORIGIN_WORDS = [
    ("chinese", ("china",)),
    ("luxembourgish", ("luxemburg",)),
    ("lorraine", ("lothringen",)),
    ("irish", ("irland",)),
    ("german", ("deutschland", "mitteleuropa", "elsass", "schweiz", "oesterreich")),
    ("european", ("europa",)),
]
# major-key tonic offset of the final note → church mode; pentatonic degree → Chinese mode
_FINAL_MODE = {0: "major", 9: "minor", 2: "dorian", 7: "mixolydian", 4: "phrygian",
               5: "lydian", 11: "locrian"}
_FINAL_CHINESE = {0: "gong", 2: "shang", 4: "jue", 7: "zhi", 9: "yu"}


def meter_label(meter: str) -> str:
    m = _METERS.get(meter.strip(), meter.strip())
    return m if ("meter", m) in BY_NAME else "other"


def form_from_text(text: str) -> str | None:
    low = text.lower()
    for form, words in _FORM_WORDS:
        if any(re.search(rf"\b{re.escape(w)}", low) for w in words):
            return form
    return None


def oneills_form(number: int, meter: str) -> str:
    """O'Neill's Music of Ireland is ordered by tune type; the number tells the type."""
    if meter == "9/8":
        return "slip jig"
    for upper, form in ((649, "air"), (1149, "jig"), (1549, "reel"), (1649, "hornpipe"),
                        (1699, "dance"), (1757, "hornpipe")):
        if number <= upper:
            return form
    return "march"


def final_pitch_class(tune: Tune) -> int | None:
    """Pitch class of the last note, reading the key signature and the bar's accidentals."""
    try:
        signature = parse_key(tune.key).signature
    except AbcError:
        return None
    last = None
    bar_acc: dict[str, int] = {}
    for atom in lex(tune.body):
        if atom.kind is Kind.BAR:
            bar_acc = {}
        elif atom.kind is Kind.NOTE:
            m = re.match(r"(\^\^|\^|__|_|=)?([A-Ga-g][,']*)", atom.text)
            letter = m.group(2)[0].upper()
            if m.group(1):
                bar_acc[m.group(2)] = ACCIDENTAL_VALUE[m.group(1)]
            acc = bar_acc.get(m.group(2), signature.get(letter, 0))
            last = (NATURAL_PC[letter] + acc) % 12
    return last


def mode_label(tune: Tune, chinese: bool = False, tonal: bool = False) -> str | None:
    """The mode: from K: when it names one, else from the final note against the signature.

    Essen transcriptions write only the key signature in K:, so a song in E minor reads
    ``K:G``; the final note tells the mode. Chinese songs get pentatonic modes (gong … yu).
    A ``tonal`` piece (``TONAL_PERIODS``) is major or minor: Mozart's K. 80 minuet ends on
    its trio, in the subdominant, which the final note alone would call lydian.
    """
    try:
        key = parse_key(tune.key)
    except AbcError:
        return None
    if key.tonic is None:
        return None
    if key.mode != "major" and not chinese:
        return key.mode
    final = final_pitch_class(tune)
    if final is None:
        return key.mode
    major_tonic = (7 * key.sharps) % 12  # tonic of the major key with this signature
    offset = (final - major_tonic) % 12
    if chinese:
        return _FINAL_CHINESE.get(offset, key.mode)
    mode = _FINAL_MODE.get(offset, key.mode)
    return mode if not tonal or mode in TONAL_MODES else key.mode


def label(tune: Tune, defaults: dict[str, str] | None = None) -> dict[str, str]:
    """Labels for ``tune``; ``defaults`` come from its collection (tradition, period, form)."""
    labels = dict(defaults or {})
    origin = (tune.get("O") or "").lower()
    for tradition, words in _ORIGIN_WORDS:
        if any(w in origin for w in words):
            labels["tradition"] = tradition
            break
    form = form_from_text(" ".join(tune.get_all("R")))
    if form is None:
        form = form_from_text(" ".join(tune.get_all("T")))
    book = re.search(r"O'Neill's (\d+)", tune.get("B") or "")
    if form is None and book:
        form = oneills_form(int(book.group(1)), meter_label(tune.meter))
    if form:
        labels["form"] = form
    if meter_label(tune.meter) == "9/8" and labels.get("form") == "jig":
        labels["form"] = "slip jig"
    labels["meter"] = meter_label(tune.meter)
    mode = mode_label(tune, chinese=labels.get("tradition") == "chinese",
                      tonal=labels.get("period") in TONAL_PERIODS)
    if mode:
        labels["mode"] = mode
    return {k: v for k, v in labels.items() if (k, v) in BY_NAME}

"""The style taxonomy: the one list of style labels, each with English and Chinese aliases.

Labels fall into dimensions (period, tradition, form, mode, meter). The data pipeline labels
tunes with them, the tokenizer turns them into control tokens (``<form=reel>``) and prompts are
matched against their aliases, so every other module derives its labels from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .limits import MAX_BARS, MAX_VOICES, TEMPO


@dataclass(frozen=True)
class Style:
    dimension: str
    name: str
    aliases: tuple[str, ...]  # English first, then Chinese

    @property
    def token(self) -> str:
        return f"<{self.dimension}={self.name}>"


def _s(dimension: str, name: str, *aliases: str) -> Style:
    return Style(dimension, name, (name, *aliases))


TAXONOMY: tuple[Style, ...] = (
    # period
    _s("period", "medieval", "middle ages", "ars nova", "trecento", "中世纪", "中古"),
    _s("period", "renaissance", "polyphony", "文艺复兴", "文艺复兴时期"),
    _s("period", "baroque", "bach", "barock", "巴洛克", "巴罗克"),
    _s("period", "classical", "classicism", "classical period", "mozart", "haydn",
       "古典主义", "古典", "古典时期"),
    _s("period", "romantic", "romanticism", "chopin", "schumann", "浪漫主义", "浪漫派", "浪漫"),
    # tradition
    _s("tradition", "irish", "ireland", "celtic", "爱尔兰", "爱尔兰民谣"),
    _s("tradition", "scottish", "scotland", "scotch", "highland", "苏格兰"),
    _s("tradition", "english", "england", "northumbrian", "英格兰", "英国"),
    _s("tradition", "american", "america", "usa", "fife", "美国", "美洲"),
    _s("tradition", "german", "germany", "deutsch", "德国", "德意志"),
    _s("tradition", "chinese", "china", "中国", "中国民歌", "民歌", "华夏"),
    _s("tradition", "luxembourgish", "luxembourg", "卢森堡"),
    _s("tradition", "lorraine", "lothringen", "洛林"),
    _s("tradition", "european", "europe", "欧洲"),
    # form / dance
    _s("form", "reel", "里尔舞曲", "里尔"),
    _s("form", "jig", "double jig", "吉格舞曲", "吉格"),
    _s("form", "slip jig", "滑步吉格"),
    _s("form", "hornpipe", "号笛舞曲", "角笛舞曲"),
    _s("form", "strathspey", "斯特拉斯佩舞曲"),
    _s("form", "polka", "波尔卡"),
    _s("form", "waltz", "华尔兹", "圆舞曲"),
    _s("form", "march", "进行曲"),
    _s("form", "air", "slow air", "曲调", "慢板曲调"),
    _s("form", "song", "folk song", "ballad", "lied", "歌曲", "民谣", "歌谣"),
    _s("form", "dance", "舞曲"),
    _s("form", "chorale", "hymn", "圣咏", "众赞歌"),
    _s("form", "madrigal", "牧歌"),
    _s("form", "mass", "motet", "弥撒曲", "经文歌"),
    _s("form", "quartet", "string quartet", "四重奏", "弦乐四重奏"),
    _s("form", "piano", "piano piece", "sonata", "钢琴曲", "奏鸣曲"),
    # mode
    _s("mode", "major", "大调"),
    _s("mode", "minor", "小调"),
    _s("mode", "dorian", "多利亚调式", "多利亚"),
    _s("mode", "mixolydian", "混合利底亚调式", "混合利底亚"),
    _s("mode", "phrygian", "弗里几亚调式", "弗里几亚"),
    _s("mode", "lydian", "利底亚调式", "利底亚"),
    _s("mode", "locrian", "洛克里亚调式"),
    _s("mode", "gong", "宫调式", "宫"),
    _s("mode", "shang", "商调式", "商"),
    _s("mode", "jue", "角调式", "角"),
    _s("mode", "zhi", "徵调式", "徵"),
    _s("mode", "yu", "羽调式", "羽"),
    # meter (the label is the time signature itself)
    *(_s("meter", m, f"{m} time") for m in
      ("2/4", "3/4", "4/4", "2/2", "3/8", "6/8", "9/8", "12/8", "3/2", "6/4", "other")),
)

DIMENSIONS = ("period", "tradition", "form", "mode", "meter")
BY_NAME: dict[tuple[str, str], Style] = {(s.dimension, s.name): s for s in TAXONOMY}
_BY_ALIAS: dict[str, Style] = {}
for _style in TAXONOMY:
    for _alias in _style.aliases:
        _BY_ALIAS.setdefault(_alias.lower(), _style)


def lookup(alias: str) -> Style | None:
    """The style an alias names (``"古典主义"`` → period classical), or None."""
    return _BY_ALIAS.get(alias.strip().lower())


def get(dimension: str, name: str) -> Style:
    try:
        return BY_NAME[(dimension, name)]
    except KeyError:
        raise KeyError(f"{dimension}={name} is not in the style taxonomy") from None


def control_tokens() -> list[str]:
    """Every control token a model may be conditioned on, in taxonomy order."""
    return [s.token for s in TAXONOMY]


# the style dimensions a prompt asks for; training leaves them out of some rows and
# classifier-free guidance compares the model with and without them
GUIDED_DIMENSIONS = ("tradition", "form", "period")


def guided_tokens() -> set[str]:
    return {s.token for s in TAXONOMY if s.dimension in GUIDED_DIMENSIONS}


def tokens_for(labels: dict[str, str]) -> list[str]:
    """Control tokens for a tune's labels, in dimension order (unknown labels are skipped)."""
    return [BY_NAME[(d, labels[d])].token for d in DIMENSIONS if (d, labels.get(d)) in BY_NAME]


# -- prompt → controls -----------------------------------------------------------------------
# What a form implies when the prompt names no meter.
FORM_METER = {"reel": "4/4", "jig": "6/8", "slip jig": "9/8", "hornpipe": "4/4",
              "strathspey": "4/4", "polka": "2/4", "waltz": "3/4", "chorale": "4/4"}
# How many voices a form is written in when the prompt does not say: the most common count
# among the training pieces of that form (chorales SATB, quartets, masses 4; madrigals 5).
FORM_VOICES = {"chorale": 4, "quartet": 4, "mass": 4, "madrigal": 5}
_MODE_WORDS = {"major": "", "minor": "m", "dorian": "dor", "mixolydian": "mix",
               "phrygian": "phr", "lydian": "lyd", "locrian": "loc", "大调": "", "小调": "m"}
_KEY_EN = re.compile(r"(?<![A-Za-z])(?:in\s+)?([A-G])(#|b|♯|♭|\s+sharp|\s+flat)?"
                     r"(?:\s*(major|minor|dorian|mixolydian|phrygian|lydian|locrian))?"
                     r"(?![A-Za-z])", re.IGNORECASE)
_KEY_ZH = re.compile(r"([A-Ga-g])([#b♯♭]?)(大调|小调)")
_METER = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})(?!\d)")
_BARS = re.compile(r"(\d{1,3})\s*(?:bars?|measures?|小节)", re.IGNORECASE)
_NUMBER_WORDS = {w: i for i, w in enumerate(
    ("one", "two", "three", "four", "five", "six", "seven", "eight"), start=1)} | {
    c: i for i, c in enumerate("一二三四五六七八", start=1)} | {"两": 2}
_VOICES = re.compile(r"(?<![a-z0-9])(\d{1,2}|" + "|".join(_NUMBER_WORDS)
                     + r")\s*(?:-\s*part|voices?|parts|个?声部|重唱|重奏)|(?<![a-z])satb(?![a-z])",
                     re.IGNORECASE)
_TEMPO = re.compile(r"(\d{2,3})\s*(?:bpm|beats per minute)", re.IGNORECASE)
_TEMPO_WORDS = {"slow": 72, "gentle": 80, "calm": 80, "moderate": 100, "lively": 132,
                "fast": 144, "quick": 144, "brisk": 132, "慢": 72, "舒缓": 80, "欢快": 132,
                "快": 144}


@dataclass
class Controls:
    """What a prompt asks for; None leaves the choice to the model."""

    labels: dict[str, str] = field(default_factory=dict)  # dimension → style name
    key: str | None = None  # as K: writes it: "D", "Ador", "F#m"
    meter: str | None = None  # "6/8"
    tempo: int | None = None  # quarter notes per minute
    bars: int | None = None
    voices: int | None = None  # None: as the form is usually written (FORM_VOICES), else 1
    remarks: list[str] = field(default_factory=list)  # how the prompt was read

    def tokens(self) -> list[str]:
        return tokens_for(self.labels)


def _find_aliases(text: str) -> dict[str, Style]:
    """Styles whose aliases occur in the text, longest alias first, one per dimension."""
    found: dict[str, Style] = {}
    taken: list[tuple[int, int]] = []
    for alias, style in sorted(_BY_ALIAS.items(), key=lambda kv: -len(kv[0])):
        if style.dimension == "meter":
            continue  # meters are read as numbers below
        ascii_alias = alias.isascii()
        pattern = (r"(?<![a-z])" + re.escape(alias) + r"(?![a-z])") if ascii_alias \
            else re.escape(alias)
        for m in re.finditer(pattern, text):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.setdefault(style.dimension, style)
    return found


def interpret(prompt: str) -> Controls:
    """Read a free-text prompt (English or Chinese) into Controls; never fails."""
    text = " ".join(prompt.split())[:500]
    lower = text.lower()
    c = Controls()
    for dim, style in _find_aliases(lower).items():
        c.labels[dim] = style.name
    m = _KEY_ZH.search(text)
    key_match = m or next((k for k in _KEY_EN.finditer(text)
                           if k.group(1).isupper() and (k.group(0).lower().startswith("in")
                                                        or k.group(2) or k.group(3))), None)
    if key_match:
        letter, acc, mode = key_match.group(1).upper(), key_match.group(2) or "", \
            (key_match.group(3) or "major").lower()
        acc = "#" if acc.strip() in ("#", "♯", "sharp") else "b" if acc.strip() in (
            "b", "♭", "flat") else ""
        c.key = letter + acc + _MODE_WORDS.get(mode, "")
        name = {"大调": "major", "小调": "minor"}.get(mode, mode)
        c.labels.setdefault("mode", name)
    if m := _METER.search(text):
        c.meter = f"{int(m.group(1))}/{int(m.group(2))}"
    elif c.labels.get("form") in FORM_METER:
        c.meter = FORM_METER[c.labels["form"]]
    if c.meter and ("meter", c.meter) in BY_NAME:
        c.labels["meter"] = c.meter
    if m := _BARS.search(text):
        c.bars = max(1, min(int(m.group(1)), MAX_BARS))
        if int(m.group(1)) > MAX_BARS:
            c.remarks.append(f"{m.group(1)} bars asked; tunesmith writes at most {MAX_BARS}")
    if m := _VOICES.search(text):
        count = (m.group(1) or "4").lower()
        c.voices = _NUMBER_WORDS.get(count) or max(1, int(count))
        if c.voices > MAX_VOICES:
            c.remarks.append(f"{c.voices} voices asked; tunesmith writes at most {MAX_VOICES}")
            c.voices = MAX_VOICES
    if m := _TEMPO.search(text):
        c.tempo = max(TEMPO[0], min(int(m.group(1)), TEMPO[1]))
    else:
        c.tempo = next((bpm for word, bpm in _TEMPO_WORDS.items()
                        if re.search(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", lower)),
                       None)
    if not any(d in c.labels for d in ("period", "tradition", "form")) and any(
            ch.isalpha() for ch in text):
        from .models.text_encoder import nearest_style

        if near := nearest_style(text):
            style, score = near
            c.labels[style.dimension] = style.name
            c.remarks.append(f"no style named; nearest in meaning: {style.dimension}="
                           f"{style.name} (cosine {score:.2f}, multilingual sentence encoder)")
    if not c.labels and not c.key and not c.meter and not c.voices:
        c.remarks.append(f"no style recognised in {prompt[:60]!r}: the model chooses freely "
                       "(see `tunesmith styles` for what it knows)")
    else:
        c.remarks.append("read as " + ", ".join(
            [f"{d}={n}" for d, n in c.labels.items()]
            + [f"K:{c.key}"] * bool(c.key) + [f"M:{c.meter}"] * bool(c.meter)
            + [f"{c.voices} voices"] * bool(c.voices)))
    return c

"""Reading a prompt: free text in English or Chinese -> ``Controls`` (style labels, key, meter,
tempo, bars or a time, voices, parts).

Style words are matched against the taxonomy's aliases (``styles.py``); a prompt that names no
style is matched by meaning with the multilingual sentence encoder (``models/text_encoder.py``),
loaded only then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .abc.durations import quarter_tempo
from .limits import MAX_BARS, MAX_PARTS, MAX_VOICES, SECONDS, TEMPO
from .styles import BY_ALIAS, BY_NAME, HINTS, Style, tokens_for

# What a form implies when the prompt names no meter. A reel is given none: its meter goes
# with its tradition (O'Neill's reels are in C| 340 times in 346, Ryan's in 2/4 245 times in
# 407, the Scottish ones mostly in 4/4), and the model chooses one after the tradition. Held
# at 4/4, an Irish reel was a combination one training tune has, and a mixolydian reel
# Scottish, as 36 of the corpus's 38 reels in 4/4 are (`python benchmarks/form_meters.py
# --dataset datasets/default`). A hornpipe keeps 4/4: left open (a4e995e), an English one, a
# tradition with no training hornpipe, came in 6/8 or 3/4 7 times in 40 and was heard a
# hornpipe 16 times in 32 against 23 (model card, "A reel in its tradition's meter"); a
# strathspey keeps the 4/4 the model takes for it anyway.
FORM_METER = {"jig": "6/8", "slip jig": "9/8", "hornpipe": "4/4", "strathspey": "4/4",
              "polka": "2/4", "waltz": "3/4", "chorale": "4/4"}
# How many voices a form is written in when the prompt does not say: the most common count
# among the training pieces of that form (chorales SATB, quartets, masses 4; madrigals 5), and
# a piano piece's two hands.
FORM_VOICES = {"chorale": 4, "quartet": 4, "mass": 4, "madrigal": 5, "piano": 2}
# the forms named for what plays them, not for the music: a dance or a tune named with one is
# played on it (``_form``)
ENSEMBLES = ("piano", "quartet")
# ... and of a period's pieces that have no form: the corpus's 99 medieval pieces (trecento
# ballate, madrigals, cacce) are in 3 voices (48), 2 (28) or 4 (20), one in a single voice
# (benchmarks/medieval_voices.py).
PERIOD_VOICES = {"medieval": 3}
# A dance or tune of such a period is a melody over a tenor, two voices as 28 of those pieces
# are: the model learnt the period from pieces in voices only, and a medieval dance written as
# one line was a folk dance in C major, heard medieval in 0 of 32 (`python
# benchmarks/medieval_dance.py`; model card, "A medieval dance over a tenor").
PERIOD_TUNE_VOICES = {"medieval": 2}
_MODE_WORDS = {"major": "", "minor": "m", "dorian": "dor", "mixolydian": "mix",
               "phrygian": "phr", "lydian": "lyd", "locrian": "loc"}
# a key as a musician types it: "in D major", "A dorian", "F sharp minor", or as ABC writes
# it, "Em", "F#m", "Ador", "Bbmix" (where "in F#m" was read as F major)
_KEY_EN = re.compile(r"(?<![A-Za-z])(?:(?:in\s+)?(?:the\s+)?key\s+of\s+|in\s+)?([A-G])"
                     r"(#|b|♯|♭|\s+sharp|\s+flat)?"
                     r"(?:\s*(major|minor|dorian|mixolydian|phrygian|lydian|locrian)"
                     r"|(maj|min|dor|mix|phr|lyd|loc|m))?(?![A-Za-z])", re.IGNORECASE)
_MODE_ABBREVIATIONS = {"maj": "major", "min": "minor", "m": "minor", "dor": "dorian",
                       "mix": "mixolydian", "phr": "phrygian", "lyd": "lydian",
                       "loc": "locrian"}
# "D大调", "e小调", "降B大调" (B flat major), "升F小调" (F sharp minor), "D调" (in D)
_KEY_ZH = re.compile(r"([降升]?)([A-Ga-g])([#b♯♭]?)(大调|小调|调(?!式))")
_METER = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})(?!\d)")
# a meter in Chinese, its beat's note named first: "四分之三拍" and "四三拍" 3/4, "八六拍"
# 6/8, "三拍子" (triple time) 3/4
_ZH_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)} | {"两": 2}
_METER_ZH = re.compile(r"([二四八])(?:分之)?([二三四六九])拍|([二三四])拍子")
# "32 bars", "a 32-bar reel", "sixteen bars", "八小节"
_BAR_WORDS = {"four": 4, "eight": 8, "twelve": 12, "sixteen": 16, "twenty-four": 24,
              "thirty-two": 32, "forty-eight": 48, "sixty-four": 64, "四": 4, "八": 8,
              "十二": 12, "十六": 16, "二十四": 24, "三十二": 32, "四十八": 48, "六十四": 64}
_BARS = re.compile(r"(?<![a-z-])(\d{1,3}|" + "|".join(_BAR_WORDS)
                   + r")[\s-]*(?:bars?|measures?|小节)", re.IGNORECASE)
# how long it plays: "a two-minute reel", "a 30-second loop", "90 seconds long", "a minute
# and a half", "两分钟", "三十秒", "一分半钟" (its repeats played: ``Composer``)
_TIME_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
               "seven": 7, "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20,
               "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60,
               "ninety": 90, "half a": 0.5}
_HALF = r"(\s+and\s+a\s+half)?"
_DURATION = re.compile(r"(?<![a-z0-9.])(\d{1,4}(?:\.\d+)?|" + "|".join(
    sorted(_TIME_WORDS, key=len, reverse=True)) + r")" + _HALF
                       + r"[\s-]*(minutes?|mins?|seconds?|secs?)(?![a-z])" + _HALF,
                       re.IGNORECASE)
_DURATION_ZH = re.compile(r"(\d{1,4}|[一二两三四五六七八九十]{1,3}|半)\s*(分半钟|分钟|分半|秒钟?)")
_NUMBER_WORDS = {w: i for i, w in enumerate(
    ("one", "two", "three", "four", "five", "six", "seven", "eight"), start=1)} | {
    c: i for c, i in _ZH_NUMERALS.items() if i <= 8}
_VOICES = re.compile(r"(?<![a-z0-9])(\d{1,2}|" + "|".join(_NUMBER_WORDS)
                     + r")[\s-]*(?:(?:parts?|voices?)(?![a-z])|个?声部|重唱|重奏)"
                     r"|(?<![a-z])satb(?![a-z])", re.IGNORECASE)
# the ensembles named by their size: "a duet", "a trio for strings", "a solo", "二重奏"
_ENSEMBLE_SIZES = {"solo": 1, "duet": 2, "duo": 2, "trio": 3, "quintet": 5, "sextet": 6,
                   "独奏": 1, "独唱": 1, "二重奏": 2, "二重唱": 2, "三重奏": 3, "三重唱": 3,
                   "五重奏": 5, "六重奏": 6}
# words that ask for one line of melody: "a lydian tune", "a locrian melody", "一段旋律"
_MELODY = re.compile(r"(?<![a-z])(?:tunes?|melod(?:y|ies)|chants?|plainchant|plainsong)(?![a-z])"
                     r"|旋律|格里高利圣咏", re.IGNORECASE)
# a mood, read as the mode its idiom sets it in where the prompt names none: a sad waltz in
# a minor key, a happy jig in a major one; a Chinese song in the pentatonic modes' own (yu,
# the softest, and gong: the corpus has no Chinese song in major or minor)
_MOODS = {"minor": ("sad", "melancholy", "melancholic", "mournful", "sorrowful", "plaintive",
                    "lament", "dark", "gloomy", "haunting", "tragic", "somber", "sombre",
                    "wistful", "funeral", "spooky", "eerie", "creepy", "mysterious", "ominous",
                    "sinister", "scary", "悲伤", "忧伤", "哀伤", "伤感", "悲哀", "哀歌", "忧郁",
                    "凄凉", "恐怖", "诡异", "阴森", "神秘", "葬礼", "dungeon", "cave", "crypt",
                    "地牢", "洞穴"),
          "major": ("happy", "cheerful", "joyful", "joyous", "merry", "bright", "sunny",
                    "jolly", "festive", "triumphant", "heroic", "victory", "快乐", "欢乐", "愉快",
                    "喜庆", "明亮", "热闹", "胜利", "凯旋")}
# the scenes a game or film asks music for, read as the style that plays there where the
# prompt names none of its dimension: a tavern's or a pirate ship's jigs, a battle's and a
# title screen's marches, a village's folk songs, a forest's slow airs, a church's chorales,
# a castle's medieval dances (a period only where no tradition or form is named); and a
# fiddler's tune, most often a reel ("a fiddle tune" was a song for 4 of 8 pieces, Chinese,
# German or Luxembourg's). "castle music", "village theme", "forest" and "main menu theme"
# read nothing, or took the sentence encoder's guess ("森林" renaissance, "村庄" medieval)
_SCENES: dict[str, tuple[str, str]] = {word: label for label, words in {
    ("form", "jig"): ("tavern", "pub", "inn", "pirate", "酒馆", "海盗"),
    ("form", "march"): ("battle", "fanfare", "military", "fight", "combat", "war", "boss",
                        "main menu", "title screen", "战斗", "军乐", "战争", "号角", "主菜单",
                        "标题画面"),
    ("form", "reel"): ("fiddle", "fiddler"),
    ("form", "song"): ("village", "town", "hamlet", "farm", "countryside", "sailor",
                       "christmas", "村庄", "村子", "小镇", "乡村", "农场", "水手", "圣诞"),
    ("form", "air"): ("forest", "woods", "森林", "树林"),
    ("form", "chorale"): ("church", "chapel", "cathedral", "教堂"),
    ("period", "medieval"): ("castle", "knight", "kingdom", "城堡", "骑士", "王国"),
}.items() for word in words}
# genres the corpus has no tune of, and the nearest it holds: jazz, blues and ragtime were
# born where Ryan's fiddle tunes were played; a pop or rock song is a song
_LACKED_GENRES: dict[str, tuple[str, str]] = {
    "jazz": ("tradition", "american"), "blues": ("tradition", "american"),
    "ragtime": ("tradition", "american"), "dixieland": ("tradition", "american"),
    "爵士": ("tradition", "american"), "蓝调": ("tradition", "american"),
    "布鲁斯": ("tradition", "american"), "pop": ("form", "song"), "rock": ("form", "song"),
    "流行": ("form", "song"), "摇滚": ("form", "song")}
# love, beside which "romantic" ("a romantic love song", "浪漫的情歌") is a mood, not the period
_LOVE = re.compile(r"(?<![a-z])lov(?:e|ers?)(?![a-z])|爱情|情歌|恋")
_MOOD_MODES = {"chinese": {"minor": "yu", "major": "gong"}}
# the pentatonic modes are Chinese: "商调式" alone named a mode and the sentence encoder the
# rest (a baroque piece, "宫调式" a piano piece, "羽调式" a jig)
_CHINESE_MODES = ("gong", "shang", "jue", "zhi", "yu")
# a chant (Gregorian, plainsong), which the corpus has none of, as near as its medieval
# melodies come: one part sung through, no repeats, even 4/4 at a slow pace ("chant" is a
# pace word), in the church mode most chants end in (dorian, modes 1 and 2) where the prompt
# names none; it was a lydian tune in 6/8 with its parts repeated, a dance
_CHANT = ("chant", "chants", "plainchant", "plainsong", "gregorian", "格里高利")
# "120 bpm", "tempo 90", "♩=120", "q=120", "速度 90"
_TEMPO = re.compile(r"(\d{2,3})\s*(?:bpm|beats per minute)|(?:(?<![a-z])tempo|♩|(?<![a-z])q)"
                    r"\s*[=:]?\s*(\d{2,3})(?!\d)|速度\s*(\d{2,3})", re.IGNORECASE)
# a tempo as ABC writes it: "Q:1/4=180", "3/8=120" (a jig's dotted quarter), not a meter
_ABC_TEMPO = re.compile(r"(?<![\d/])(?:Q:\s*)?(\d{1,2}/\d{1,2}\s*=\s*\d{2,3})(?!\d)",
                        re.IGNORECASE)
# "Am I dreaming" asks no A minor
_NOT_A_KEY = re.compile(r"am\s+(?:i|we|you|he|she|they|it|not|so|too|very)(?![a-z])",
                        re.IGNORECASE)
# a pace word denied ("not too fast", "不太快") asks for a moderate one
_DENIED = re.compile(r"(?:(?<![a-z])not\s+(?:too\s+|so\s+|very\s+|overly\s+)?"
                     r"|不(?:太|很|要太|要)?)$")
# words for a pace, as a share of the style's tempo (``Composer``; the players' default, a
# quarter at 120, where the corpus marks none): a lively reel goes faster than a reel, where
# it once went at a fixed 132, slower than a reel's 208
_PACE_WORDS = {"slow": 0.6, "gentle": 2 / 3, "calm": 2 / 3, "peaceful": 2 / 3,
               "relaxing": 2 / 3, "funeral": 0.6, "moderate": 5 / 6, "lively": 1.1,
               "fast": 1.2, "quick": 1.2, "brisk": 1.1, "lullaby": 2 / 3, "cradle song": 2 / 3,
               "sarabande": 2 / 3, "chant": 0.6, "plainchant": 0.6, "plainsong": 0.6,
               "gregorian": 0.6, "格里高利": 0.6, "葬礼": 0.6, "慢": 0.6, "舒缓": 2 / 3,
               "upbeat": 1.1, "energetic": 1.1, "tranquil": 2 / 3, "serene": 2 / 3,
               "欢快": 1.1, "活泼": 1.1, "轻快": 1.1, "热闹": 1.1, "安静": 2 / 3, "平静": 2 / 3,
               "宁静": 2 / 3, "快": 1.2, "摇篮曲": 2 / 3, "萨拉班德": 2 / 3}
# a meter's names: common time, cut time
_METER_WORDS = {"common time": "4/4", "cut time": "2/2", "alla breve": "2/2"}
_METER_NAMES = re.compile("|".join(_METER_WORDS), re.IGNORECASE)
# what a genre word implies for the meter when the prompt names none: a minuet, a mazurka
# (the corpus's 5 romantic piano pieces in 3/4 are Chopin's) and a sarabande are in 3/4, a
# gavotte and a bourrée in cut time
_GENRE_METERS = {"minuet": "3/4", "menuet": "3/4", "mazurka": "3/4", "sarabande": "3/4",
                 "polonaise": "3/4", "ländler": "3/4", "landler": "3/4", "galop": "2/4",
                 "schottische": "2/4", "gavotte": "2/2", "bourrée": "2/2", "bourree": "2/2",
                 "rigaudon": "2/2", "allemande": "4/4", "courante": "3/4", "passepied": "3/8",
                 "小步舞曲": "3/4", "玛祖卡": "3/4", "萨拉班德": "3/4", "波兰舞曲": "3/4",
                 "加沃特": "2/2", "阿勒曼德": "4/4", "库朗特": "3/4"}
# "小调" after a word ("江南小调", "民间小调") is a ditty, a little folk song; on its own or
# after a key ("德国民歌 小调", "C小调") the minor mode
_DITTY = re.compile(r"(?<=[\u4e00-\u9fff])(?<![大小])小调")


@dataclass
class Controls:
    """What a prompt asks for; None leaves the choice to the model."""

    labels: dict[str, str] = field(default_factory=dict)  # dimension → style name
    key: str | None = None  # as K: writes it: "D", "Ador", "F#m"
    meter: str | None = None  # "6/8"
    tempo: int | None = None  # quarter notes per minute
    pace: float | None = None  # "lively": a share of the style's tempo, where none is given
    bars: int | None = None
    seconds: float | None = None  # how long it plays, its repeats played: sets its bars
    voices: int | None = None  # None: as the style is usually written (usual_voices)
    parts: int | None = None  # a tune's sections, where its style's tunes have parts
    # the model completes the labels the prompt left open with a melody's style, not one
    # written in voices (a chorale, a medieval piece): one voice asked, or a tune, a melody
    melody: bool = False
    remarks: list[str] = field(default_factory=list)  # how the prompt was read

    def tokens(self) -> list[str]:
        return tokens_for(self.labels)


def polyphonic(dimension: str, name: str) -> bool:
    """Whether a style's pieces are written in voices, so that a melody ("a lydian tune")
    is not one of them: a form of ``FORM_VOICES``, or any period (1,914 of the corpus's
    1,942 pieces that name one are in voices; "a tune" took a renaissance chant in 4/2)."""
    return (dimension == "form" and FORM_VOICES.get(name, 1) > 1) or dimension == "period"


def usual_voices(labels: dict[str, str]) -> int:
    """How many voices a piece of these style labels is written in: its form's usual count,
    else its period's, for a piece with no form (``PERIOD_VOICES``) or a dance or tune
    (``PERIOD_TUNE_VOICES``: a medieval dance over a tenor); one for a form or period
    usually sung or played alone (a jig, a baroque air)."""
    period = labels.get("period", "")
    if "form" in labels:
        return FORM_VOICES.get(labels["form"], PERIOD_TUNE_VOICES.get(period, 1))
    return PERIOD_VOICES.get(period, 1)


# a Chinese mode's one-character name (宫, 角) before 调 ("一首羽调的歌", "羽调式"), or alone or
# after a key's letter ("G宫"), not inside a word: "迷宫音乐" (maze music), "胜利的号角" (a
# victory's bugle call), "主角" (a hero) and "商店" (a shop) named a pentatonic mode
_LONE_CJK = r"{0}(?=调)|(?<![\u4e00-\u9fff]){0}(?![\u4e00-\u9fff])"


def _find_aliases(text: str) -> dict[str, list[Style]]:
    """Styles whose aliases occur in the text, by dimension, longest alias first, those
    named only by a hint (``HINTS``: a genre, an instrument, a scale) after the rest."""
    found: dict[str, list[Style]] = {}
    named_outright: set[Style] = set()
    taken: list[tuple[int, int]] = []
    for alias, style in sorted(BY_ALIAS.items(), key=lambda kv: -len(kv[0])):
        if style.dimension == "meter":
            continue  # meters are read as numbers below
        if alias.isascii():
            pattern = r"(?<![a-z])" + re.escape(alias) + r"(?![a-z])"
        elif style.dimension == "mode" and len(alias) == 1:
            pattern = _LONE_CJK.format(re.escape(alias))
        else:
            pattern = re.escape(alias)
        for m in re.finditer(pattern, text):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            if style not in (named := found.setdefault(style.dimension, [])):
                named.append(style)
            if alias not in HINTS:
                named_outright.add(style)
    return {dim: sorted(styles, key=lambda s: s not in named_outright)
            for dim, styles in found.items()}


def _form(forms: list[Style]) -> tuple[Style, str | None]:
    """The form of a prompt naming ``forms`` (longest alias first), and the meter another
    of them implies: a dance or tune named with an instrument ("a waltz for piano", "a jig
    for string quartet") is a piece for that instrument in the dance's meter, where the
    longer alias won before and a waltz for piano was a fiddler's melody."""
    ensemble = next((f for f in forms if f.name in ENSEMBLES), None)
    dance = next((f for f in forms if FORM_VOICES.get(f.name, 1) == 1), None)
    if ensemble is None or dance is None:
        return forms[0], None
    return ensemble, FORM_METER.get(dance.name)


def _pace(text: str) -> float | None:
    """The share of its style's tempo a pace word asks for (``_PACE_WORDS``); a moderate
    one where the word is denied ("not too fast", "不太快")."""
    for word, share in _PACE_WORDS.items():
        if m := _said_at(text, word):
            return _PACE_WORDS["moderate"] if _DENIED.search(text[:m.start()]) else share
    return None


def _said_at(text: str, word: str) -> re.Match | None:
    """Where ``text`` has ``word`` as a word of its own ("sad", not "sadness")."""
    return re.search(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", text)


def _says(text: str, word: str) -> bool:
    return _said_at(text, word) is not None


def _seconds(text: str) -> float | None:
    """How long the prompt asks the piece to play, in seconds ("a two-minute reel": 120,
    "一分半钟": 90); None where it says no time."""
    for m in _DURATION.finditer(text):
        number, half, unit, half_after = m.groups()
        word, unit = not number[0].isdigit(), unit.lower()
        # "a second part", "one second voice": an ordinal; an abbreviation only after a
        # number in digits ("in A min" is a key)
        if word and (unit in ("min", "mins", "sec", "secs") or unit.startswith("sec")
                     and number.lower() in ("a", "one")):
            continue
        amount = _TIME_WORDS.get(number.lower()) or float(number)
        amount += 0.5 * bool(half or half_after)
        return amount * (60 if unit.startswith("min") else 1)
    if m := _DURATION_ZH.search(text):
        number, unit = m.groups()
        amount = 0.5 if number == "半" else float(number) if number.isdigit() \
            else _chinese_number(number)
        amount += 0.5 * unit.startswith("分半")
        return amount * (1 if unit.startswith("秒") else 60)
    return None


def _chinese_number(text: str) -> int:
    """"三" 3, "十五" 15, "四十五" 45, "两" 2: the numbers up to 99 a length is said in."""
    tens, _, ones = text.partition("十")
    if "十" not in text:
        return _ZH_NUMERALS.get(text, 0)
    return 10 * (_ZH_NUMERALS.get(tens, 0) or 1) + _ZH_NUMERALS.get(ones, 0)


def interpret(prompt: str) -> Controls:
    """Read a free-text prompt (English or Chinese) into Controls; never fails."""
    text = _DITTY.sub("小曲", " ".join(prompt.split())[:500])
    lower = text.lower()
    c = Controls()
    form_meter = None
    for dim, styles in _find_aliases(lower).items():
        style, implied = _form(styles) if dim == "form" else (styles[0], None)
        c.labels[dim] = style.name
        form_meter = form_meter or implied
    if c.labels.get("period") == "romantic" and _LOVE.search(lower) and not any(
            _says(lower, a) for a in BY_NAME["period", "romantic"].aliases
            if a not in ("romantic", "浪漫")):
        del c.labels["period"]  # Chopin's, Schumann's: the corpus's romantic pieces are piano
        c.labels.setdefault("form", "song")  # a love theme, as 情歌 is a love song
        c.remarks.append("'romantic' beside love read as a mood, not the Romantic period")
    for word, (dim, name) in _LACKED_GENRES.items():
        if re.search(r"(?<![a-z-])" + re.escape(word) + r"(?![a-z-])", lower):  # rock-a-bye
            free = dim not in c.labels
            c.labels.setdefault(dim, name)
            c.remarks.append(f"the corpus has no {word}: " + (
                f"written as the nearest it holds, {dim}={name}" if free
                else "read as the rest of the prompt asks"))
    for word, (dim, name) in _SCENES.items():  # "castles", "churches" as well
        if dim not in c.labels and re.search(r"(?<![a-z])" + re.escape(word) + r"(?:e?s)?(?![a-z])",
                                             lower) and (dim != "period" or not (
                {"tradition", "form"} & c.labels.keys())):
            c.labels[dim] = name
    if "mode" not in c.labels and (mood := next((
            mode for mode, words in _MOODS.items() for word in words if _says(lower, word)),
            None)):
        c.labels["mode"] = mood
    if c.labels.get("mode") in _CHINESE_MODES:
        c.labels.setdefault("tradition", "chinese")
    chant = any(_says(lower, word) for word in _CHANT)
    if chant and "mode" not in c.labels:
        c.labels["mode"] = "dorian"
    if (mode := c.labels.get("mode")) in _MOOD_MODES.get(c.labels.get("tradition"), {}):
        c.labels["mode"] = _MOOD_MODES[c.labels["tradition"]][mode]  # "中国 小调": yu
    m = _KEY_ZH.search(text)
    key_match = m or next((k for k in _KEY_EN.finditer(text)
                           if k.group(1).isupper() and (k.group(0).lower().startswith("in")
                                                        or "key" in k.group(0).lower()
                                                        or k.group(2) or k.group(3)
                                                        or k.group(4))
                           and not _NOT_A_KEY.match(text, k.start(1))), None)
    if key_match:
        if m is not None:  # "降B大调": 降 flats the letter, 升 sharpens it; "D调" no mode
            shift, letter, acc, named = m.groups()
            acc = acc or {"降": "b", "升": "#"}.get(shift, "")
            named = {"大调": "major", "小调": "minor"}.get(named)
        else:
            letter, acc, named = key_match.group(1), key_match.group(2) or "", \
                key_match.group(3)
            if key_match.group(4):  # "Em", "F#m", "Ador"
                named = _MODE_ABBREVIATIONS[key_match.group(4).lower()]
        letter = letter.upper()
        acc = "#" if acc.strip() in ("#", "♯", "sharp") else "b" if acc.strip() in (
            "b", "♭", "flat") else ""
        # a key named without its mode takes the prompt's ("a minor jig in D": D minor, "a
        # sad waltz in E": E minor); a mode named with it is the one ("a sad waltz in D
        # major": D major)
        mode = named.lower() if named else c.labels.get("mode", "major")
        if mode not in _MODE_WORDS:  # a Chinese mode: its tonic is the letter, its K: major
            mode = "major"
        elif named or "mode" in c.labels or c.labels.get("tradition") != "chinese":
            c.labels["mode"] = mode
        # else a Chinese song "in D" ("D调", 1=D): its gong on D, the mode the model's, as
        # the corpus's Chinese songs are in none of major and minor
        c.key = letter + acc + _MODE_WORDS[mode]
    abc_tempo = _ABC_TEMPO.search(text)
    if m := _METER.search(_ABC_TEMPO.sub(" ", text)):
        c.meter = f"{int(m.group(1))}/{int(m.group(2))}"
    elif m := _METER_ZH.search(text):
        beat, count = (m.group(1), m.group(2)) if m.group(1) else ("四", m.group(3))
        c.meter = f"{_ZH_NUMERALS[count]}/{_ZH_NUMERALS[beat]}"
    elif genre := next((meter for word, meter in {**_METER_WORDS, **_GENRE_METERS}.items()
                        if word in lower), None):
        c.meter = genre
    elif chant:
        c.meter = "4/4"
    elif form_meter or c.labels.get("form") in FORM_METER:
        c.meter = form_meter or FORM_METER[c.labels["form"]]
    if c.meter and ("meter", c.meter) in BY_NAME:
        c.labels["meter"] = c.meter
    if m := _BARS.search(text):
        asked = _BAR_WORDS.get(m.group(1).lower()) or int(m.group(1))
        c.bars = max(1, min(asked, MAX_BARS))
        if asked > MAX_BARS:
            c.remarks.append(f"{asked} bars asked; tunesmith writes at most {MAX_BARS}")
    if m := _VOICES.search(text):
        count = (m.group(1) or "4").lower()
        asked = _NUMBER_WORDS.get(count) or max(1, int(count))
        # a dance tune's or an air's parts are its sections ("a jig in three parts", "a
        # three-part reel"), a chorale's or a madrigal's its voices
        form = c.labels.get("form")
        tune = FORM_VOICES.get(form, 1) == 1 if form else (
            "period" not in c.labels and bool(_MELODY.search(text)))
        if "part" in m.group(0).lower() and tune:
            c.parts = min(asked, MAX_PARTS)
            if asked > MAX_PARTS:
                c.remarks.append(f"{asked} parts asked; tunesmith writes at most {MAX_PARTS}")
        else:
            c.voices = min(asked, MAX_VOICES)
            if asked > MAX_VOICES:
                c.remarks.append(f"{asked} voices asked; tunesmith writes at most "
                                 f"{MAX_VOICES}")
    elif (size := next((n for word, n in _ENSEMBLE_SIZES.items() if _says(lower, word)),
                       None)) and (size > 1 or usual_voices(c.labels) == 1):
        c.voices = size  # a piano solo is still in two hands
    c.melody = c.voices == 1 or (c.voices is None and bool(_MELODY.search(text)))
    if chant and c.parts is None and c.bars is None and c.voices in (None, 1):
        c.parts = 1
    if (seconds := _seconds(text)) is not None:
        c.seconds = max(SECONDS[0], min(seconds, SECONDS[1]))
        if c.seconds != seconds:
            c.remarks.append(f"{seconds:g} s asked; tunesmith writes from {SECONDS[0]} s to "
                             f"{SECONDS[1] // 60} minutes")
    if m := _TEMPO.search(text):
        c.tempo = max(TEMPO[0], min(int(next(g for g in m.groups() if g)), TEMPO[1]))
    elif abc_tempo and (quarters := quarter_tempo(abc_tempo.group(1))):
        c.tempo = max(TEMPO[0], min(quarters, TEMPO[1]))
    else:
        # a mood is no pace: 快乐 and 愉快, happy, hold 快, fast (but a funeral is both)
        unhurried = re.sub("|".join(re.escape(w) for ws in _MOODS.values() for w in ws
                                    if w not in _PACE_WORDS), " ", lower)
        c.pace = _pace(unhurried)
    # the words no rule read: "a locrian melody in 4/4" is near a quartet only by its four
    unread = text
    for pattern in (_KEY_ZH, _ABC_TEMPO, _METER, _METER_ZH, _METER_NAMES, _BARS, _VOICES,
                    _TEMPO, _DURATION, _DURATION_ZH):
        unread = pattern.sub(" ", unread)
    if key_match:  # a Chinese key went with _KEY_ZH
        unread = unread.replace(key_match.group(0), " ")
    if not any(d in c.labels for d in ("period", "tradition", "form")) and any(
            ch.isalpha() for ch in unread):
        from .models.text_encoder import nearest_style

        # pieces asked in voices ("a duet for violin and cello") are of a style written so
        among = (lambda s: polyphonic(s.dimension, s.name)) if (c.voices or 1) > 1 else None
        if near := nearest_style(" ".join(unread.split()), among):
            style, score = near
            c.labels[style.dimension] = style.name
            c.remarks.append(f"no style named; nearest in meaning: {style.dimension}="
                           f"{style.name} (cosine {score:.2f}, multilingual sentence encoder)")
    if not c.labels and not c.key and not c.meter and not c.voices and not c.melody \
            and not c.parts and not c.seconds:
        c.remarks.append(f"no style recognised in {prompt[:60]!r}: the model chooses freely "
                       "(see `tunesmith styles` for what it knows)")
    else:
        c.remarks.append("read as " + ", ".join(
            [f"{d}={n}" for d, n in c.labels.items()]
            + [f"K:{c.key}"] * bool(c.key) + [f"M:{c.meter}"] * bool(c.meter)
            + [f"{c.voices} voices" if c.voices != 1 else "one voice"] * bool(c.voices)
            + [f"{c.parts} parts" if c.parts != 1 else "one part"] * bool(c.parts)
            + ([f"{c.seconds:g} s"] if c.seconds else [])
            + ["a melody"] * (c.melody and c.voices is None)))
    return c

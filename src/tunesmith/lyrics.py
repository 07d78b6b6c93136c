"""Words to sing: lyrics cut into lines of syllables, each marked stressed or not.

English words are split where a hyphenation dictionary (``pyphen``) allows, into as many
syllables as the CMU pronouncing dictionary (``pronouncing``) hears, with its stresses; a
word it does not know is counted by its vowel groups and stressed on its first syllable.
Short function words (``the``, ``and``, ``of`` …) are sung unstressed whatever the
dictionary says of them alone. Chinese is one syllable per character, marked unstressed:
its tones are not stresses, so its phrases are paced by beats alone. Punctuation stays on
the syllable it follows; numbers are sung as written, one syllable per digit group;
anything else (emoji, other scripts) is dropped with a note. Each lyric line becomes a
phrase of the melody.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

from .abc.durations import beats
from .abc.tune import meter_length

MAX_LINES = 64  # phrases in one song
MAX_SYLLABLES = 48  # in one line: a longer line is cut there (and the cut is noted)
MAX_CHARS = 8_000

_FUNCTION_WORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for",
    "from", "with", "as", "is", "am", "are", "was", "were", "be", "been", "it", "its", "i",
    "me", "my", "we", "us", "our", "you", "your", "he", "him", "his", "she", "her", "they",
    "them", "their", "that", "this", "than", "so", "if", "then", "there", "when", "while",
    "do", "does", "did", "has", "have", "had", "not", "no", "shall", "will", "would", "can",
    "could", "may", "might", "must", "should", "o", "oh"))
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:'[A-Za-z]+)?|\d+|[\u3400-\u4dbf\u4e00-\u9fff"
                   r"\uf900-\ufaff]")
_VOWELS = re.compile(r"[aeiouy]+", re.IGNORECASE)
_SUNG_PUNCTUATION = set(",.;:!?'\"()“”‘，。；：！？、（）《》—…")
_W_SPECIAL = str.maketrans("", "", "-_*~|\\%")  # characters with a meaning in a w: line


class LyricsError(ValueError):
    """Lyrics with nothing to sing, or too much; the message says what to change."""


@dataclass(frozen=True)
class Syllable:
    text: str  # as sung, with the punctuation that follows it
    stressed: bool
    ends_word: bool  # the last syllable of its word (ABC writes "-" between the others)


@dataclass
class Lyrics:
    lines: list[list[Syllable]]
    remarks: list[str] = field(default_factory=list)

    @property
    def syllables(self) -> list[Syllable]:
        return [s for line in self.lines for s in line]


@lru_cache(maxsize=1)
def _hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="en_US", left=1, right=1)


@lru_cache(maxsize=4096)
def _stresses(word: str) -> str | None:
    """The CMU dictionary's stress digits of ``word`` (``"10"`` for "river"), or None."""
    import pronouncing

    phones = pronouncing.phones_for_word(word.lower())
    return pronouncing.stresses(phones[0]) if phones else None


def _pieces(word: str, count: int) -> list[str]:
    """``word`` cut into ``count`` pieces at hyphenation points, else at vowel groups."""
    if count <= 1:
        return [word]
    cuts = _hyphenator().positions(word)
    if len(cuts) + 1 != count:  # the dictionary disagrees: cut before each vowel group
        starts = [m.start() for m in _VOWELS.finditer(word)][1:]
        cuts = [s - 1 if s > 1 and word[s - 1] not in "aeiouyAEIOUY" else s for s in starts]
        cuts = sorted({c for c in cuts if 0 < c < len(word)})
    cuts = cuts[:count - 1]
    bounds = [0, *cuts, len(word)]
    return [word[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def english_word(word: str) -> list[tuple[str, bool]]:
    """(text, stressed) for each syllable of an English word."""
    stresses = _stresses(word)
    if stresses is None:  # not in the dictionary: count vowel groups, stress the first
        count = max(1, len(_VOWELS.findall(word)) - (word.lower().endswith("e")
                                                     and len(_VOWELS.findall(word)) > 1))
        stresses = "1" + "0" * (count - 1)
    pieces = _pieces(word, len(stresses))
    if len(pieces) < len(stresses):  # fewer cuts than syllables: sing what can be cut
        stresses = stresses[:len(pieces)]
    if len(pieces) == 1 and word.lower() in _FUNCTION_WORDS:
        return [(word, False)]
    return [(p, s in "12") for p, s in zip(pieces, stresses, strict=True)]


def _between(gap: str, line: list[Syllable], dropped: set[str]) -> None:
    """What stands between two words (or after the last): punctuation joins the syllable
    before it, anything else unreadable is noted in ``dropped``."""
    dropped |= {c for c in gap if not c.isspace() and c not in _SUNG_PUNCTUATION}
    if line and (sung := "".join(c for c in gap if c in _SUNG_PUNCTUATION)):
        line[-1] = Syllable(line[-1].text + sung, line[-1].stressed, line[-1].ends_word)


def read_lyrics(text: str) -> Lyrics:
    """Lines of syllables from lyrics text; ``LyricsError`` if nothing can be sung."""
    if len(text) > MAX_CHARS:
        raise LyricsError(f"lyrics: {len(text):,} characters; at most {MAX_CHARS:,}")
    lyrics = Lyrics([])
    dropped: set[str] = set()
    for raw in text.splitlines():
        line: list[Syllable] = []
        raw = "".join(c if unicodedata.category(c)[0] != "C" else " " for c in raw)
        raw = raw.replace("\u2019", "'")  # I’ll is I'll: one word
        pos = 0
        for m in _WORD.finditer(raw):
            _between(raw[pos:m.start()], line, dropped)
            pos = m.end()
            word = m.group(0)
            whole = _CJK.fullmatch(word) or word.isdigit()  # one syllable
            parts = [(word, False)] if whole else english_word(word)
            for i, (piece, stressed) in enumerate(parts):
                line.append(Syllable(piece, stressed, i == len(parts) - 1))
        _between(raw[pos:], line, dropped)
        if len(line) > MAX_SYLLABLES:
            lyrics.remarks.append(f"a line of {len(line)} syllables was cut into lines of "
                                  f"at most {MAX_SYLLABLES}")
            lyrics.lines += [line[i:i + MAX_SYLLABLES]
                             for i in range(0, len(line), MAX_SYLLABLES)]
        elif line:
            lyrics.lines.append(line)
    if dropped:
        lyrics.remarks.append("not sung (no syllables tunesmith can read): "
                              + " ".join(sorted(dropped))[:80])
    if not lyrics.lines:
        raise LyricsError("lyrics: nothing to sing; give words in English or Chinese, one "
                          "line a phrase")
    if len(lyrics.lines) > MAX_LINES:
        lyrics.remarks.append(f"{len(lyrics.lines)} lines; the song sets the first "
                              f"{MAX_LINES}")
        lyrics.lines = lyrics.lines[:MAX_LINES]
    return lyrics


def w_line(line: list[Syllable]) -> str:
    """An ABC ``w:`` line for one phrase: one syllable per note, ``-`` inside a word."""
    out = []
    for s in line:
        text = s.text.translate(_W_SPECIAL) or "*"
        out.append(text + ("" if s.ends_word else " -"))
    return "w:" + " ".join(out).replace(" - ", "-").replace(" -", "-")


def strong_beats(meter: str) -> int:
    """Strong beats in a bar: the downbeat, and the middle of a bar of two or four beats."""
    return 2 if beats(meter) in (2, 4) else 1


def strong_positions(meter: str, bar: Fraction) -> frozenset[Fraction]:
    """Where the strong beats fall in a bar ``bar`` long (in any unit), evenly from 0."""
    count = strong_beats(meter)
    return frozenset(bar * k / count for k in range(count))


# the lengths a sung note takes, in eighth notes, by meter: those the corpus's one-voice songs
# of the meter give one note in 200 or more, so a song moves in its meter's plain and dotted
# values, not in a double-dotted quarter or a note of eleven sixteenths; a meter not here
# takes the plain and dotted values. Shorter than a bar: a bar of one note ends a line (the
# Essen songs' lines, which are their phrases, end on 2,287 such bars and hold 825 inside,
# one bar in a hundred: ``generate.held_line``). And the syllables a bar of a meter carries
# at most, over a line: as many notes as those songs put in a bar of a line (the median); a
# meter not here, one a beat. `python benchmarks/lyrics_alignment.py --dataset
# datasets/default` prints all three.
SUNG_EIGHTHS = {"2/4": "1/2 1 3/2 2 3 4", "3/4": "1/2 1 3/2 2 3 4 6",
                "4/4": "1/2 1 3/2 2 3 4 6", "2/2": "1/2 1 3/2 2 3 4 6",
                "6/8": "1/2 1 3/2 2 3 4", "3/8": "1/2 1 3/2 2 3"}
PLAIN_AND_DOTTED = "1/4 1/2 3/4 1 3/2 2 3 4 6 8 12 16"
SUNG_PER_BAR = {"2/4": 3.5, "3/4": 4.0, "4/4": 4.5, "2/2": 4.5, "6/8": 4.5, "3/8": 2.75}
_SPELLED = {"C": "4/4", "C|": "2/2"}


def sung_lengths(meter: str, bar: Fraction, unit: Fraction) -> tuple[Fraction, ...]:
    """The lengths a sung note may take inside a line in ``meter`` (``SUNG_EIGHTHS``), in
    units of ``unit`` (a fraction of a whole note), shorter than a ``bar`` (in those units)."""
    eighths = SUNG_EIGHTHS.get(_SPELLED.get(meter, meter), PLAIN_AND_DOTTED)
    lengths = (Fraction(v) / 8 / unit for v in eighths.split())
    return tuple(v for v in lengths if v < bar)


def plan(lyrics: Lyrics, meter: str) -> list[tuple[int, int]]:
    """(syllables, bars) of each phrase: whole bars, no more syllables a bar than real songs
    of the meter sing (``SUNG_PER_BAR``) and room for every stressed syllable to start on a
    strong beat (``stress_bars``), so the words go at a song's pace with their accents where
    the music has its own."""
    per_bar = SUNG_PER_BAR.get(_SPELLED.get(meter, meter), beats(meter))
    return [(len(line), max(1, math.ceil(len(line) / per_bar), stress_bars(line, meter)))
            for line in lyrics.lines]


def stress_bars(line: list[Syllable], meter: str) -> int:
    """The fewest bars in which each stressed syllable of ``line`` can start on a strong
    beat, every syllable an eighth note long or more and the last a beat: "And I'LL not
    LOOK for WINE" takes four bars of 3/4, not the three its stresses count, as a song opens
    on its first bar and "And" comes before the first downbeat it can stress."""
    bar = meter_length(meter)
    if not bar:  # no meter to count in: a strong beat a stress
        return -(-sum(s.stressed for s in line) // strong_beats(meter))
    step, at = bar / strong_beats(meter), Fraction(0)
    for s in line:
        if s.stressed:
            at += -at % step  # on to the next strong beat
        at += Fraction(1, 8)
    return math.ceil((at + max(Fraction(0), bar / beats(meter) - Fraction(1, 8))) / bar)


def with_words(body: str, lines: list[list[Syllable]]) -> str:
    """``body`` (one note per syllable, each phrase ending at a barline) as one music line a
    phrase, each followed by its ``w:`` line, so the words print under their notes."""
    from .abc import Kind, lex

    ends = [sum(len(line) for line in lines[:i + 1]) for i in range(len(lines))]
    out, text, notes, phrase = [], "", 0, 0
    for atom in lex(body):
        if atom.kind is Kind.NEWLINE:
            continue
        text += atom.text
        if atom.kind is Kind.NOTE:
            notes += 1
        elif atom.kind is Kind.BAR and phrase < len(lines) and notes == ends[phrase]:
            out += [text.strip(), w_line(lines[phrase])]
            text, phrase = "", phrase + 1
    if text.strip():
        out.append(text.strip())
    return "\n".join(out)


def written_words(abc: str) -> list[tuple[str, str]]:
    """The syllables of an ABC text's ``w:`` lines, in order, each with its MusicXML
    syllabic (``single``, ``begin``, ``middle``, ``end``): ``-`` joins a word's syllables."""
    out: list[tuple[str, str]] = []
    for line in abc.splitlines():
        if not line.startswith("w:"):
            continue
        for word in line[2:].split():
            parts = [p for p in word.split("-") if p]
            for i, part in enumerate(parts):
                syllabic = ("single" if len(parts) == 1 else "begin" if i == 0
                            else "end" if i == len(parts) - 1 else "middle")
                out.append((part, syllabic))
    return out


def attach_words(score, abc: str) -> bool:
    """Give a music21 score read from ``abc`` the words of its ``w:`` lines, one syllable a
    note in order: music21's ABC reader drops them. Done only where that order is
    unambiguous, one part with as many notes as syllables; returns whether it was."""
    import music21

    words = written_words(abc)
    parts = list(getattr(score, "parts", [])) or [score]
    if not words or len(parts) != 1:
        return False
    notes = [n for n in parts[0].recurse().notes
             if not (n.tie is not None and n.tie.type in ("stop", "continue"))]
    if len(notes) != len(words):
        return False
    for note, (text, syllabic) in zip(notes, words, strict=True):
        note.lyrics = [music21.note.Lyric(text=text, syllabic=syllabic)]
    return True

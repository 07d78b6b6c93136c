"""Is the music new? Bars copied from the training set, and near-duplicate tunes.

A bar is compared as written after normalisation (decorations, chord symbols and spacing
gone), so ``|A2 B2|`` copied note for note counts however it was laid out. The longest run of
consecutive bars that also occur consecutively in one training tune is found exactly: runs
of up to three bars by set lookup, longer ones by extending every shared four-bar window. A
piece in voices is read voice by voice, each at the pitch it sounds (a tenor's ``treble-8``
part an octave down, as the corpus holds it): a run is one voice's bars, found in one voice
of a training tune. A run's length counts the bars in it that strike two notes or more: a
bar of one held note or of rest, an inner voice's ``D4-|D4|``, is in almost every piece in
voices and copies no line (in a melody nearly every bar strikes two). Near-duplicates are
whole tunes whose bodies, voices interleaved as the corpus writes them, have a normalised
Levenshtein similarity of at least 0.95 with a training tune (rapidfuzz, with a cutoff so
most comparisons stop early).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..abc import Kind, Tune, music_atoms
from ..abc.voices import interleaved

SEED = 4  # runs this long are found by extending shared windows of this many bars


def _lines(tune: Tune) -> list[list[tuple[str, int]]]:
    """Each voice's bars, at the pitch they sound: (normalised text, notes or chords struck)."""
    lines: dict[str, list[tuple[str, int]]] = {}
    voice, current, struck, chord, grace = "1", [], 0, False, False
    for atom in music_atoms(interleaved(tune.body)):
        if atom.voice is not None or atom.kind is Kind.BAR:
            if current:
                lines.setdefault(voice, []).append(("".join(current), struck))
            current, struck = [], 0
            voice = atom.voice or voice
            continue
        current.append(atom.text)
        chord = atom.kind is Kind.CHORD_START or (chord and atom.kind is not Kind.CHORD_END)
        grace = atom.kind is Kind.GRACE_START or (grace and atom.kind is not Kind.GRACE_END)
        struck += (atom.kind is Kind.CHORD_START
                   or (atom.kind is Kind.NOTE and not chord and not grace and not _held(current)))
    if current:
        lines.setdefault(voice, []).append(("".join(current), struck))
    return list(lines.values())


def _held(current: list[str]) -> bool:
    """Whether the note just added goes on from a tied one (``D4-D4``: struck once)."""
    return len(current) > 1 and current[-2] == "-"


def voice_lines(tune: Tune) -> list[list[str]]:
    """Each voice's bars as normalised text, barlines left out, at the pitch they sound."""
    return [[text for text, _ in line] for line in _lines(tune)]


def _flat(tune: Tune) -> str:
    return "".join(a.text for a in music_atoms(interleaved(tune.body)) if a.kind is not Kind.BAR)


@dataclass
class Copying:
    longest_run: int  # most bars striking two notes in a run found, in order, in one voice
    near_duplicate: float  # best normalised edit similarity if ≥ the threshold, else 0


class TrainingSet:
    """An index of the training tunes' bars and texts to test generated tunes against."""

    def __init__(self, tunes: Iterable[Tune], threshold: float = 0.95):
        self.threshold = threshold
        self.ids: dict[str, int] = {}  # bar text → number
        self.lines: list[list[int]] = []  # every voice of every tune, its bars numbered
        self.texts: list[str] = []
        self.short: list[set[tuple[int, ...]]] = [set() for _ in range(SEED)]
        self.windows: dict[tuple[int, ...], list[tuple[int, int]]] = defaultdict(list)
        for tune in tunes:
            self.texts.append(_flat(tune))
            for line in voice_lines(tune):
                bars = [self.ids.setdefault(b, len(self.ids)) for b in line]
                for n in range(1, SEED):
                    self.short[n].update(tuple(bars[i:i + n]) for i in range(len(bars) - n + 1))
                for i in range(len(bars) - SEED + 1):
                    self.windows[tuple(bars[i:i + SEED])].append((len(self.lines), i))
                self.lines.append(bars)

    def longest_run(self, tune: Tune) -> int:
        """The most bars striking two notes or more in a run of consecutive bars of one of
        the tune's voices found, in order, in one voice of a training tune."""
        best = 0
        for line in _lines(tune):
            bars = [self.ids.get(text, -1) for text, _ in line]
            counts = [struck >= 2 for _, struck in line]
            for n in range(1, SEED):
                for i in range(len(bars) - n + 1):
                    if tuple(bars[i:i + n]) in self.short[n]:
                        best = max(best, sum(counts[i:i + n]))
            for i in range(len(bars) - SEED + 1):
                for t, j in self.windows.get(tuple(bars[i:i + SEED]), ()):
                    other, k = self.lines[t], SEED
                    while i + k < len(bars) and j + k < len(other) \
                            and bars[i + k] == other[j + k]:
                        k += 1
                    best = max(best, sum(counts[i:i + k]))
        return best

    def near_duplicate(self, tune: Tune) -> float:
        found = process.extractOne(_flat(tune), self.texts,
                                   scorer=Levenshtein.normalized_similarity,
                                   score_cutoff=self.threshold)
        return found[1] if found else 0.0

    def copying(self, tune: Tune) -> Copying:
        return Copying(self.longest_run(tune), self.near_duplicate(tune))

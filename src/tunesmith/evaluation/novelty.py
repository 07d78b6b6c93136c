"""Is the music new? Bars copied from the training set, and near-duplicate tunes.

A bar is compared as written after normalisation (decorations, chord symbols and spacing
gone), so ``|A2 B2|`` copied note for note counts however it was laid out. The longest run of
consecutive bars that also occur consecutively in one training tune is found exactly: runs
of up to three bars by set lookup, longer ones by extending every shared four-bar window.
Near-duplicates are whole tunes whose bodies have a normalised Levenshtein similarity of
at least 0.95 with a training tune (rapidfuzz, with a cutoff so most comparisons stop early).
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


def bar_texts(tune: Tune) -> list[str]:
    """The tune's bars as normalised text, barlines left out; voices as the corpus writes
    them, interleaved, at the pitch they sound (a tenor's ``treble-8`` part an octave down)."""
    out, current = [], []
    for atom in music_atoms(interleaved(tune.body)):
        if atom.kind is Kind.BAR:
            if current:
                out.append("".join(current))
            current = []
        else:
            current.append(atom.text)
    if current:
        out.append("".join(current))
    return out


def _flat(tune: Tune) -> str:
    return "".join(bar_texts(tune))


@dataclass
class Copying:
    longest_run: int  # most consecutive bars found, in order, in one training tune
    near_duplicate: float  # best normalised edit similarity if ≥ the threshold, else 0


class TrainingSet:
    """An index of the training tunes' bars and texts to test generated tunes against."""

    def __init__(self, tunes: Iterable[Tune], threshold: float = 0.95):
        self.threshold = threshold
        self.ids: dict[str, int] = {}  # bar text → number
        self.tunes: list[list[int]] = []
        self.texts: list[str] = []
        self.short: list[set[tuple[int, ...]]] = [set() for _ in range(SEED)]
        self.windows: dict[tuple[int, ...], list[tuple[int, int]]] = defaultdict(list)
        for t, tune in enumerate(tunes):
            bars = [self.ids.setdefault(b, len(self.ids)) for b in bar_texts(tune)]
            self.tunes.append(bars)
            self.texts.append(_flat(tune))
            for n in range(1, SEED):
                self.short[n].update(tuple(bars[i:i + n]) for i in range(len(bars) - n + 1))
            for i in range(len(bars) - SEED + 1):
                self.windows[tuple(bars[i:i + SEED])].append((t, i))

    def longest_run(self, tune: Tune) -> int:
        bars = [self.ids.get(b, -1) for b in bar_texts(tune)]
        best = 0
        for n in range(1, SEED):
            if any(tuple(bars[i:i + n]) in self.short[n] for i in range(len(bars) - n + 1)):
                best = n
        for i in range(len(bars) - SEED + 1):
            for t, j in self.windows.get(tuple(bars[i:i + SEED]), ()):
                other, k = self.tunes[t], SEED
                while i + k < len(bars) and j + k < len(other) and bars[i + k] == other[j + k]:
                    k += 1
                best = max(best, k)
        return best

    def near_duplicate(self, tune: Tune) -> float:
        found = process.extractOne(_flat(tune), self.texts,
                                   scorer=Levenshtein.normalized_similarity,
                                   score_cutoff=self.threshold)
        return found[1] if found else 0.0

    def copying(self, tune: Tune) -> Copying:
        return Copying(self.longest_run(tune), self.near_duplicate(tune))

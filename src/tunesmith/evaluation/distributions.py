"""Is the music statistically like real music? Histograms of what a tune does, and overlap.

Each feature is a histogram over a fixed set of bins, pooled over a set of tunes and
normalised; two sets compare by their overlap area, the sum over bins of the smaller share
(1 = the same distribution, 0 = nothing in common). Pitch classes are counted relative to the
written tonic, so tunes in different keys compare; intervals and pitch range are in semitones
along each voice; note lengths are in whole notes, so ``L:`` does not matter. The tonic is the
written key's (one count a tune): the keys a style is played in (Scottish tunes in D and G,
Palestrina's in C and F), compared only where a prompt left the key to the model and real
tunes of its style exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

import numpy as np

from ..abc import Tune, music_atoms, parse_key
from ..abc.notes import Note, notes
from ..abc.tune import AbcError

LENGTHS = (Fraction(1, 32), Fraction(1, 16), Fraction(1, 8), Fraction(3, 16), Fraction(1, 4),
           Fraction(3, 8), Fraction(1, 2), Fraction(3, 4), Fraction(1))
FEATURES = {  # name → bin labels
    "pitch_class": [str(i) for i in range(12)],
    "interval": [str(i) for i in range(-12, 13)],
    "note_length": [str(f) for f in LENGTHS] + ["other"],
    "pitch_range": [f"{lo}-{lo + 2}" for lo in range(0, 36, 3)] + ["36+"],
    "tonic": ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"],
}


def _voices(sounding: list[Note]) -> dict[str, list[Note]]:
    """Each voice's notes in time order; a chord counts as its top note (the melody)."""
    voices: dict[str, dict[Fraction, Note]] = {}
    for n in sounding:
        at = voices.setdefault(n.voice, {})
        if n.onset not in at or at[n.onset].pitch < n.pitch:
            at[n.onset] = n
    return {v: [at[t] for t in sorted(at)] for v, at in voices.items()}


def histograms(tune: Tune) -> dict[str, np.ndarray]:
    """Counts per bin of every feature for one tune."""
    counts = {name: np.zeros(len(bins)) for name, bins in FEATURES.items()}
    sounding = notes(tune)
    try:
        tonic = parse_key(tune.key).pitch_class
    except AbcError:
        tonic = None
    if tonic is not None:
        counts["tonic"][tonic] += 1
    for n in sounding:
        if tonic is not None:
            counts["pitch_class"][(n.pitch - tonic) % 12] += 1
        i = LENGTHS.index(n.length) if n.length in LENGTHS else len(LENGTHS)
        counts["note_length"][i] += 1
    for line in _voices(sounding).values():
        steps = np.diff([n.pitch for n in line])
        np.add.at(counts["interval"], np.clip(steps, -12, 12) + 12, 1)
        if line:
            span = max(n.pitch for n in line) - min(n.pitch for n in line)
            counts["pitch_range"][min(span // 3, 12)] += 1
    return counts


def pooled(tunes: Iterable[Tune], counts: Iterable[dict[str, np.ndarray]] = ()
           ) -> dict[str, np.ndarray]:
    """Normalised histograms of a set of tunes, or of their ``counts`` already made (all zeros
    for a feature nobody has)."""
    total = {name: np.zeros(len(bins)) for name, bins in FEATURES.items()}
    for each in [*map(histograms, tunes), *counts]:
        for name, h in each.items():
            total[name] += h
    return {name: h / h.sum() if h.sum() else h for name, h in total.items()}


def overlap_ceiling(counts: list[dict[str, np.ndarray]], size: int, draws: int = 200,
                    seed: int = 0) -> dict[str, float]:
    """The overlap ``size`` real tunes reach with the others of their kind (``counts``: each
    tune's ``histograms``), feature by feature, averaged over ``draws`` random draws: a few
    pieces cannot fill a histogram (each melody adds one count to ``pitch_range``), so this
    is what ``size`` generated pieces can be expected to reach at best. NaN with too few."""
    if len(counts) <= size or size < 1:
        return {name: float("nan") for name in FEATURES}
    rng = np.random.default_rng(seed)
    picks = [rng.choice(len(counts), size, replace=False) for _ in range(draws)]
    ceiling = {}
    for name in FEATURES:
        each = np.stack([c[name] for c in counts])
        total = each.sum(axis=0)
        ceiling[name] = float(np.nanmean([overlap(each[p].sum(axis=0), total - each[p].sum(axis=0))
                                          for p in picks]))
    return ceiling


def overlap(p: np.ndarray, q: np.ndarray) -> float:
    """Overlap area of two histograms (each normalised here): 1 same, 0 disjoint."""
    if p.sum() == 0 or q.sum() == 0:
        return float("nan")
    return float(np.minimum(p / p.sum(), q / q.sum()).sum())


def distinct_ngrams(tunes: Iterable[Tune], n: int) -> float:
    """Distinct n-grams of notation atoms over all n-grams in the tunes (1 = no repeats)."""
    seen: set[tuple[str, ...]] = set()
    total = 0
    for tune in tunes:
        atoms = [a.text for a in music_atoms(tune.body)]
        grams = [tuple(atoms[i:i + n]) for i in range(len(atoms) - n + 1)]
        seen.update(grams)
        total += len(grams)
    return len(seen) / total if total else float("nan")

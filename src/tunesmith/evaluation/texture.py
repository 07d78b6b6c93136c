"""Several voices at once: do they sound together as real part-writing does?

``dissonance``: the share of note onsets that strike a second, seventh or tritone (interval
classes 1, 2 and 6) against a note another voice is holding or starting at that instant, among
the onsets where another voice sounds at all. Chorales and quartets have some (passing notes,
sevenths, suspensions); voices written without listening to each other have many.
``parallels``: of the steps where two voices move the same way from one shared onset to the
next, the share that go from a fifth or octave to the same interval (parallel fifths and
octaves, which part-writing avoids: Bach's chorales 2.4%). ``crossing``: of the onsets where
another voice sounds, the share above a voice written before this one or below one written
after it (the corpus writes voices top down, soprano first and bass last: Bach's chorales
cross at 4.3% of them, Palestrina's masses, with their equal tenors, 20.2%). ``silence``: the
share of the piece's length that each voice spends resting, averaged over the voices;
``tacet``: the share in which all rest. ``triads``: the share of its quarter-note beats at
which the notes sounding hold a whole major, minor or diminished triad (Bach's chorales
85%). ``chorded``: the share of the notes struck together with another of their own voice,
in a chord (a piano's hands: Clara Schumann's polonaises 50-74%; a chorale's voices none).
``late``: the share of voices that come in a bar or more after the first (half of a
Palestrina mass's, none of a chorale's); ``answering``: of those, the share that answer the
first voice's opening, its first ``INTERVALS`` intervals each within a semitone (a real or a
tonal answer) in its note lengths: a point of imitation (38% of a mass's). All are None for
a piece of one voice, ``answering`` for one whose voices come in together.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from fractions import Fraction
from itertools import pairwise
from math import ceil

from ..abc import Tune
from ..abc.notes import DISSONANT, PERFECT, Note, holds_triad, notes
from ..abc.tune import AbcError, meter_length
from ..abc.voices import voice_bars

INTERVALS = 4  # of the first voice's opening that a voice coming in late answers

Voiced = dict[str, list[Note]]
Struck = list[tuple[int, Note, list[tuple[int, int]]]]  # what ``_against`` finds


def by_voice(tune: Tune) -> Voiced | None:
    """The notes of each voice by onset, the voices in the order the body first names them
    (notes come by onset, and a mass's voices enter in any order), or None for one voice or
    unreadable music."""
    if "V:" not in tune.body:
        return None
    try:
        sounding = notes(tune)
    except (AbcError, ValueError):
        return None
    voices: dict[str, list[Note]] = {v: [] for v in voice_bars(tune.body)}  # top down
    for note in sounding:
        voices.setdefault(note.voice, []).append(note)
    voices = {v: ns for v, ns in voices.items() if ns}
    if len(voices) < 2:
        return None
    return {v: sorted(ns, key=lambda n: n.onset) for v, ns in voices.items()}


def _sounding(voice: list[Note], onsets: list[Fraction], at: Fraction) -> list[int]:
    """Pitches of ``voice`` sounding at time ``at``: its latest note or chord begun by then,
    if it still holds (a voice's notes follow one another; a chord's share an onset)."""
    i = bisect_right(onsets, at) - 1
    if i < 0:
        return []
    latest = onsets[i]
    found = []
    while i >= 0 and onsets[i] == latest:
        if voice[i].onset + voice[i].length > at:
            found.append(voice[i].pitch)
        i -= 1
    return found


def dissonance(tune: Tune) -> float | None:
    """Share of onsets dissonant with another voice, over onsets where another voice sounds."""
    return _measured(tune, lambda voices: _dissonance(_against(voices)))


def crossing(tune: Tune) -> float | None:
    """Share of onsets above an earlier voice or below a later one, over onsets where another
    voice sounds."""
    return _measured(tune, lambda voices: _crossing(_against(voices)))


def parallels(tune: Tune) -> float | None:
    """Share of two voices' steps in similar motion that are parallel fifths or octaves."""
    return _measured(tune, _parallels)


def silence(tune: Tune) -> float | None:
    """Mean over voices of the share of the piece (to its last sounding note) spent resting."""
    return _measured(tune, _silence)


def tacet(tune: Tune) -> float | None:
    """Share of the piece (to its last sounding note) in which no voice sounds at all."""
    return _measured(tune, _tacet)


def triads(tune: Tune) -> float | None:
    """Share of the quarter-note beats (to the last sounding note) that sound a whole triad."""
    return _measured(tune, _triads)


def chorded(tune: Tune) -> float | None:
    """Share of the notes struck in a chord of their own voice."""
    return _measured(tune, _chorded)


def _measured(tune: Tune, measure) -> float | None:
    voices = by_voice(tune)
    return None if voices is None else measure(voices)


def _against(voices: Voiced) -> Struck:
    """Every note struck while another voice sounds: its voice's rank (0 the top), the note,
    and the rank and pitch of each other voice's note sounding at its onset."""
    onsets = {v: [n.onset for n in ns] for v, ns in voices.items()}
    rank = {v: i for i, v in enumerate(voices)}
    found = []
    for voice, ns in voices.items():
        for note in ns:
            against = [(rank[other], p) for other in voices if other != voice
                       for p in _sounding(voices[other], onsets[other], note.onset)]
            if against:
                found.append((rank[voice], note, against))
    return found


def _share(hits: list[bool]) -> float | None:
    return sum(hits) / len(hits) if hits else None


def _dissonance(struck: Struck) -> float | None:
    return _share([any((note.pitch - p) % 12 in DISSONANT for _, p in against)
                   for _, note, against in struck])


def _crossing(struck: Struck) -> float | None:
    return _share([any(p < note.pitch if other < rank else p > note.pitch
                       for other, p in against) for rank, note, against in struck])


def _parallels(voices: Voiced) -> float | None:
    tops = [{} for _ in voices]  # per voice: onset → its (highest) pitch struck there
    for top, ns in zip(tops, voices.values(), strict=True):
        for note in ns:
            top[note.onset] = max(note.pitch, top.get(note.onset, note.pitch))
    similar = parallel = 0
    for i, upper in enumerate(tops):
        for lower in tops[i + 1:]:
            shared = sorted(upper.keys() & lower.keys())
            for a, b in pairwise(shared):
                up, down = upper[b] - upper[a], lower[b] - lower[a]
                if up == 0 or down == 0 or (up > 0) != (down > 0):
                    continue
                similar += 1
                interval = abs(upper[a] - lower[a]) % 12  # a fifth is 7 whichever is above
                parallel += interval in PERFECT and abs(upper[b] - lower[b]) % 12 == interval
    return parallel / similar if similar else None


def heard(ns: list[Note]) -> Fraction:
    """How long some note of ``ns`` (sorted by onset) sounds: the length of their union."""
    heard, reach = Fraction(0), Fraction(0)
    for note in ns:
        start, stop = max(note.onset, reach), note.onset + note.length
        if stop > start:
            heard += stop - start
            reach = stop
    return heard


def _triads(voices: Voiced) -> float | None:
    held: dict[int, set[int]] = {}  # quarter beat k (at k/4) → the pitch classes sounding
    for note in (n for ns in voices.values() for n in ns):
        for k in range(ceil(note.onset * 4), ceil((note.onset + note.length) * 4)):
            held.setdefault(k, set()).add(note.pitch % 12)
    if not held:
        return None
    return sum(map(holds_triad, held.values())) / (max(held) + 1)


def _chorded(voices: Voiced) -> float | None:
    struck = Counter((v, n.onset) for v, ns in voices.items() for n in ns)
    return sum(n for n in struck.values() if n > 1) / sum(struck.values())


def _entered(voices: Voiced, meter: str | None) -> list[bool | None]:
    """For each voice: None where it comes in with the first (within a bar of it), else
    whether it answers the first voice's opening (``INTERVALS``, the module docstring)."""
    bar = meter_length(meter) if meter else 0
    lines = list(voices.values())
    first = min(lines, key=lambda line: line[0].onset)

    def opening(line: list[Note]) -> tuple[list[int], list[Fraction]]:
        head = line[:INTERVALS + 1]
        return [b.pitch - a.pitch for a, b in pairwise(head)], [n.length for n in head]

    steps, lengths = opening(first)
    out: list[bool | None] = []
    for line in lines:
        if not bar or line[0].onset < first[0].onset + bar:
            out.append(None)
            continue
        theirs, their_lengths = opening(line)
        out.append(len(theirs) == len(steps) == INTERVALS and their_lengths == lengths
                   and all(abs(a - b) <= 1 for a, b in zip(theirs, steps, strict=True)))
    return out


def _silence(voices: Voiced) -> float | None:
    end = max(n.onset + n.length for ns in voices.values() for n in ns)
    if end <= 0:
        return None
    return sum(float(1 - heard(ns) / end) for ns in voices.values()) / len(voices)


def _tacet(voices: Voiced) -> float | None:
    every = sorted((n for ns in voices.values() for n in ns), key=lambda n: n.onset)
    end = max(n.onset + n.length for n in every)
    if end <= 0:
        return None
    return float(1 - heard(every) / end)


def texture(tunes: list[Tune]) -> dict[str, float | None]:
    """Means of the nine measures over the ``tunes`` of several voices (None: none has)."""
    def mean(values: list[float | None]) -> float | None:
        kept = [v for v in values if v is not None]
        return sum(kept) / len(kept) if kept else None

    read = [(t, v) for t in tunes if (v := by_voice(t)) is not None]  # each tune read once
    voiced = [v for _, v in read]
    struck = [_against(v) for v in voiced]  # and each onset's other voices found once
    entered = [_entered(v, t.meter) for t, v in read]
    return {"dissonant_onsets": mean([_dissonance(s) for s in struck]),
            "parallel_fifths_and_octaves": mean([_parallels(v) for v in voiced]),
            "crossed_voices": mean([_crossing(s) for s in struck]),
            "time_each_voice_rests": mean([_silence(v) for v in voiced]),
            "time_all_voices_rest": mean([_tacet(v) for v in voiced]),
            "whole_triads": mean([_triads(v) for v in voiced]),
            "notes_in_chords": mean([_chorded(v) for v in voiced]),
            "voices_coming_in_late": mean([_share([a is not None for a in e]) for e in entered]),
            "late_voices_answering": mean([_share([a for a in e if a is not None])
                                           for e in entered])}

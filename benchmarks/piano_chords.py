"""How a piano piece's hands play chords at each bonus on a chord's opening, and what the
judges hear: what ``styles.CHORDED_FORMS`` was chosen by.

    python benchmarks/piano_chords.py --chord-bonus 0 0.5 1 2
    python benchmarks/piano_chords.py --prompts 浪漫主义钢琴曲 --chord-bonus 1
    python benchmarks/piano_chords.py --chord-bonus 1 --shortest-chord 1/16 --chord-run 1000
    python benchmarks/piano_chords.py --chord-bonus 1 0.5,2 0,2 0.5,1.5
    python benchmarks/piano_chords.py --chord-bonus 1,2 --triad-bonus 0 0.5 1 1.5
    python benchmarks/piano_chords.py --chord-bonus 1,2 --semitones
    python benchmarks/piano_chords.py --chord-bonus 1,2 --parallel-cost 2 4

For each prompt, ``--samples`` pieces of ``--bars`` bars for each seed of ``--seeds`` are
written by the bundled model (or ``--model``) with chords refused (the row "no chords") and
with chords allowed at each ``--chord-bonus`` (nats given to ``[``; a pair ``R,L`` gives
the right hand, the top voice, ``R`` and the voices below ``L``; each at every
``--triad-bonus``, the nats a hand's note gains that makes the hands sound a whole triad,
``styles.CHORD_BONUS_BY_FORM``, and ``--parallel-cost``, the nats off one that moves in
parallel fifths or octaves with the other hand, ``styles.PARALLEL_COST_BY_FORM``), then
measured as
``tunesmith evaluate`` measures voices (``evaluation/texture.py``: notes struck in chords,
in all and by hand,
quarter beats sounding a whole triad, clashes, parallels, time each voice rests), with the
share of chords of three notes or more (``--dyad-cost``: nats off closing a chord after two,
``generate.DYAD_COST``) and of those stacking a semitone (``--semitones``: let them, as the
sampler did before ``generate.CLUSTER``), the longest run of one chord struck again and again
in a voice (its pitch classes, as ``generate.CHORD_RUN`` counts them; the most in any piece),
and judged:
the share heard in the asked period and form and in the written key; and how like the real
pieces their notes are (histogram overlap of pitch class and note length, as ``evaluate``
measures it). The real pieces are the dataset's piano pieces of the asked period (every
split: the test split holds none). ``--shortest-chord`` and ``--chord-run`` replace
``generate.SHORTEST_CHORD`` and ``CHORD_RUN`` (1/16 and 1000: the sampler before those
rules), ``--first-chord`` ``FIRST_CHORD_BONUS`` (0: before it). The default seeds are ones
the evaluation does not draw.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from fractions import Fraction
from itertools import product
from pathlib import Path

import tunesmith.generate as sampler
from tunesmith import Composer, styles
from tunesmith.abc import Tune, parse
from tunesmith.abc.notes import notes
from tunesmith.abc.voices import voice_bars
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.distributions import overlap, pooled
from tunesmith.evaluation.generated import Asked
from tunesmith.evaluation.texture import texture
from tunesmith.models.judges import Judges, key_label
from tunesmith.models.tone_cnn import decode

TEXTURE = ("notes_in_chords", "whole_triads", "dissonant_onsets",
           "parallel_fifths_and_octaves", "time_each_voice_rests")
HEARD = ("period", "form")
NOTES = ("pitch_class", "note_length")


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.1%}"


def chord_run(tune: Tune) -> int:
    """The most times a voice of ``tune`` strikes one chord (its pitch classes) in a row."""
    struck: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    for n in notes(tune):
        struck[n.voice][n.onset].add(n.pitch)
    longest = 0
    for onsets in struck.values():
        run, last = 0, None
        for _, pitches in sorted(onsets.items()):
            chord = frozenset(p % 12 for p in pitches) if len(pitches) > 1 else None
            run = run + 1 if chord is not None and chord == last else int(chord is not None)
            last, longest = chord, max(longest, run)
    return longest


def by_hand(tunes: list[Tune]) -> str:
    """Notes struck in a chord of their own voice, in the top voice (the right hand) and in
    the rest (the left hand: a real piece's second voice is sometimes the right hand's
    inner one), over all the tunes: "right / left"."""
    struck = [[0, 0], [0, 0]]  # per hand: notes, notes in chords
    for tune in tunes:
        onsets = defaultdict(list)
        for n in notes(tune):
            onsets[n.voice].append(n.onset)
        top = next(iter(voice_bars(tune.body)), None)
        for voice, times in onsets.items():
            count = Counter(times)
            hand = struck[voice != top]
            hand[0] += len(times)
            hand[1] += sum(count[t] > 1 for t in times)
    return " / ".join(_pct(chorded / n if n else None) for n, chorded in struck)


def stacked(tunes: list[Tune]) -> str:
    """The share of the chords (notes a voice strikes together) that stack three or more."""
    sizes = Counter()
    for tune in tunes:
        struck = Counter((n.voice, n.onset) for n in notes(tune))
        sizes.update(size >= 3 for size in struck.values() if size > 1)
    return _pct(sizes[True] / sizes.total() if sizes.total() else None)


def clustered(tunes: list[Tune]) -> str:
    """The share of the chords that stack two notes a semitone apart, in any octaves
    (``generate.CLUSTER``: E with E#, B under c)."""
    chords = Counter()
    for tune in tunes:
        struck: dict[tuple[str, object], list[int]] = {}
        for n in notes(tune):
            struck.setdefault((n.voice, n.onset), []).append(n.pitch)
        chords.update(any((b - a) % 12 in (1, 11) for a in ps for b in ps)
                      for ps in struck.values() if len(ps) > 1)
    return _pct(chords[True] / chords.total() if chords.total() else None)


def judged(tunes: list[Tune], asked: dict[str, str], judges: Judges) -> list[str]:
    """Pieces heard in each asked dimension of ``HEARD``, and in their written key."""
    verdicts = judges.styles(tunes)
    cells = [f"{sum(v.get(d) == asked[d] for v in verdicts)} / {len(tunes)}" if d in asked
             else "–" for d in HEARD]
    key = sum((w := key_label(t)) is not None and tuple(k) == decode(w)
              for t, k in zip(tunes, judges.keys(tunes), strict=True))
    return [*cells, f"{key} / {len(tunes)}"]


def _bonus(text: str) -> tuple[float, ...]:
    return tuple(float(x) for x in text.split(","))


def _named(bonus: tuple[float, ...]) -> str:
    return ",".join(f"{b:g}" for b in bonus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=Path("datasets/default"),
                        help="for the real piano pieces")
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--prompts", nargs="+", default=["romantic piano piece"])
    parser.add_argument("--chord-bonus", type=_bonus, nargs="+", default=[(1.0,)],
                        help="nats given to a chord's opening '[', or the right hand's and "
                             "the left hand's, as 0.5,2")
    parser.add_argument("--triad-bonus", type=float, nargs="+",
                        help="nats to a note completing a whole triad (default: as shipped)")
    parser.add_argument("--shortest-chord", type=Fraction, default=sampler.SHORTEST_CHORD,
                        help="of a whole note (1/16: sixteenth chords allowed)")
    parser.add_argument("--chord-run", type=int, default=sampler.CHORD_RUN,
                        help="strikes of one chord before the next '[' pays (1000: never)")
    parser.add_argument("--dyad-cost", type=float, nargs="+", default=[sampler.DYAD_COST],
                        help="nats off closing a chord after two notes (each a row)")
    parser.add_argument("--first-chord", type=float, default=sampler.FIRST_CHORD_BONUS,
                        help="nats more for '[' before a hand's first chord (0: none)")
    parser.add_argument("--parallel-cost", type=float, nargs="+",
                        help="nats off a hand's note moving in parallel fifths or octaves "
                             "with the other's (default: as shipped, "
                             "styles.PARALLEL_COST_BY_FORM)")
    parser.add_argument("--semitones", action="store_true",
                        help="let a hand's chord stack a semitone (the sampler before "
                             "generate.CLUSTER)")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1200, 2000, 100)))
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--bars", type=int, default=16)
    args = parser.parse_args()
    sampler.SHORTEST_CHORD, sampler.CHORD_RUN = args.shortest_chord, args.chord_run
    sampler.FIRST_CHORD_BONUS = args.first_chord
    if args.semitones:
        sampler.CLUSTER = ()
    composer, judges = Composer.load(args.model), Judges.load()
    data = Dataset(args.dataset)
    shipped, triads = dict(styles.CHORDED_FORMS), dict(styles.CHORD_BONUS_BY_FORM)
    parallels = dict(styles.PARALLEL_COST_BY_FORM)
    print("| prompt | pieces | " + " | ".join(m.replace("_", " ") for m in TEXTURE)
          + " | in chords, right / left hand | chords of 3 notes or more | chords with a "
          "semitone | longest chord run"
          + " | heard in its period"
          + " | in its form | in its key | "
          + " | ".join(f"{f.replace('_', ' ')} overlap" for f in NOTES)
          + " | seconds |\n|---|---|" + "---:|" * (len(TEXTURE) + 8 + len(NOTES)))
    for prompt in args.prompts:
        asked = Asked.of(prompt).labels
        form = asked.get("form", "piano")
        real = [t for t in data.tunes() if t.labels.get("form") == form
                and t.labels.get("period") == asked.get("period", t.labels.get("period"))]
        measured, like = texture(real), pooled(real)
        print(f"| {prompt} | real: {len(real)} {form} pieces | "
              + " | ".join(_pct(measured[m]) for m in TEXTURE)
              + f" | {by_hand(real)} | {stacked(real)} | {clustered(real)} | "
              f"{max(map(chord_run, real))} | | | |"
              + " |" * len(NOTES) + " |")
        triad_bonuses = args.triad_bonus or [triads.get(form, 0.0)]
        parallel_costs = args.parallel_cost or [parallels.get(form, sampler.PARALLEL_COST)]
        for bonus, triad, dyad, parallel in [(None, triad_bonuses[0], args.dyad_cost[0],
                                              parallel_costs[0])] + list(
                product(args.chord_bonus, triad_bonuses, args.dyad_cost, parallel_costs)):
            sampler.DYAD_COST = dyad
            styles.PARALLEL_COST_BY_FORM[form] = parallel
            styles.CHORDED_FORMS.clear()
            if bonus is not None:
                styles.CHORDED_FORMS[form] = bonus
            styles.CHORD_BONUS_BY_FORM[form] = triad
            start = time.perf_counter()
            tunes = [parse(p.abc) for seed in args.seeds for p in
                     composer.generate(prompt, bars=args.bars, num=args.samples, seed=seed)]
            measured = texture(tunes)
            name = "no chords" if bonus is None else f"chord bonus {_named(bonus)}"
            if args.triad_bonus:
                name += f", triad bonus {triad:g}"
            if len(args.dyad_cost) > 1:
                name += f", two-note chord cost {dyad:g}"
            if args.parallel_cost:
                name += f", parallel cost {parallel:g}"
            print(f"| {prompt} | {name} | "
                  + " | ".join(_pct(measured[m]) for m in TEXTURE)
                  + f" | {by_hand(tunes)} | {stacked(tunes)} | {clustered(tunes)} | "
                  f"{max(map(chord_run, tunes))} | "
                  + " | ".join(judged(tunes, asked, judges)) + " | "
                  + " | ".join(f"{overlap(pooled(tunes)[f], like[f]):.3f}" for f in NOTES)
                  + f" | {time.perf_counter() - start:.0f} |", flush=True)
    styles.CHORDED_FORMS.clear()
    styles.CHORDED_FORMS.update(shipped)
    styles.CHORD_BONUS_BY_FORM.clear()
    styles.CHORD_BONUS_BY_FORM.update(triads)
    styles.PARALLEL_COST_BY_FORM.clear()
    styles.PARALLEL_COST_BY_FORM.update(parallels)
    print(f"\nshipped: {shipped}, triad bonus {triads}, parallel cost {parallels}")
    print("reproduce: python benchmarks/piano_chords.py --dataset", args.dataset, "--prompts",
          *[f'"{p}"' for p in args.prompts], "--chord-bonus", *map(_named, args.chord_bonus),
          "--shortest-chord", args.shortest_chord, "--chord-run", args.chord_run,
          *(["--triad-bonus", *args.triad_bonus] if args.triad_bonus else []),
          "--dyad-cost", *args.dyad_cost,
          *(["--parallel-cost", *args.parallel_cost] if args.parallel_cost else []),
          "--first-chord", args.first_chord, *["--semitones"] * args.semitones,
          "--seeds", *args.seeds, "--samples", args.samples, "--bars", args.bars)


if __name__ == "__main__":
    main()

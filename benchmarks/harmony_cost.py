"""How much the voices of a chorale, mass or quartet clash, at each ``HARMONY_COST`` and
``PARALLEL_COST``, how their minor pieces use the leading note at each
``LEADING_NOTE_BONUS``, and how long they rest at each ``VOICE_REST_BARS``.

    python benchmarks/harmony_cost.py --dataset datasets/default --cost 0 0.5 1 2 \
        --parallel-cost 0 1 2 3
    python benchmarks/harmony_cost.py --dataset datasets/default --leading-bonus 0 0.7 1 \
        --seeds 0 100 200 300 400 500 600 700
    python benchmarks/harmony_cost.py --dataset datasets/default \
        --prompts <(echo "a baroque chorale") --cost 1 --parallel-cost 2 3 4 5 \
        --seeds 1200 1300 1400 1500 1600 1700 1800 1900 --shipped
    python benchmarks/harmony_cost.py --dataset datasets/default \
        --prompts <(echo "a baroque chorale") --cost 1 --parallel-cost 4 \
        --chord-bonus 0 1 1.5 2 --seeds 1200 1300 1400 1500 1600 1700 1800 1900 --shipped
    python benchmarks/harmony_cost.py --dataset datasets/default --cost 1 --parallel-cost 2 \
        --rest-bars 0.5 1 2 4 8 --seeds 1200 1300 1400 1500

For every prompt of the suite whose pieces have several voices, ``--samples`` pieces of
``--bars`` bars for each seed of ``--seeds`` are written by the bundled model (or ``--model``)
with each pair of costs set, and measured as ``tunesmith evaluate`` measures them
(``evaluation/texture.py``): onsets striking a second, seventh or tritone against another
voice, parallel fifths and octaves, onsets crossing another voice, time each voice rests, time
all rest, quarter beats sounding a whole triad; and, over the pieces written in a minor key,
the share of their notes (all voices) on the raised seventh and the share whose key the tone
CNN hears as written; and the share of all the pieces the judges hear in every style the
prompt asked and in their written key, so a cost that makes the voices sound right is seen
not to cost the style. Beside them, the same
for the real test tunes alike each prompt. The shipped costs are those whose pieces
clash, move in parallel and lean on the leading note about as often as real ones. A swept
parallel cost, chord bonus or rest limit holds for every prompt's voices (a form's own,
``styles.PARALLEL_COST_BY_FORM``, ``CHORD_BONUS_BY_FORM`` and ``REST_BARS_BY_FORM``, set
aside); ``--shipped`` adds
a row written with the costs as shipped, a form's own too.
"""

from __future__ import annotations

import argparse
import time
from fractions import Fraction
from itertools import product
from pathlib import Path

import numpy as np

import tunesmith.generate as sampler
from tunesmith import Composer, styles
from tunesmith.abc import Tune, parse, parse_key
from tunesmith.abc.notes import notes
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.generated import Asked, alike, read_prompts
from tunesmith.evaluation.texture import texture
from tunesmith.models.judges import Judges, key_label
from tunesmith.models.tone_cnn import decode

PROMPTS = Path(__file__).parent / "prompts.txt"


MEASURES = ("dissonant_onsets", "parallel_fifths_and_octaves", "crossed_voices",
            "time_each_voice_rests", "time_all_voices_rest", "minor_leading_notes",
            "minor_key_heard", "minor_ending_on_a_major_third")
HEARD = ("style_heard", "key_heard")
WHOLE_CHORDS = ("whole_triads",)  # texture's too, printed after the minor pieces' measures


def in_minor(tunes: list[Tune], judges: Judges) -> dict[str, float | None]:
    """Over the tunes written in a minor key: each one's share of notes on the raised seventh
    (its leading note, ``^G`` in A minor), averaged; the share the tone CNN hears in the key
    written; the share whose last chord holds the major third (a tierce de Picardie)."""
    minor = [t for t in tunes if parse_key(t.key).mode == "minor" and notes(t)]
    if not minor:
        return dict.fromkeys(MEASURES[5:])
    shares, picardy = [], []
    for tune in minor:
        tonic, sounding = parse_key(tune.key).pitch_class, notes(tune)
        pitches = [n.pitch % 12 for n in sounding]
        shares.append(pitches.count((tonic + 11) % 12) / len(pitches))
        end = max(n.onset + n.length for n in sounding)
        picardy.append(any((n.pitch - tonic) % 12 == 4 for n in sounding
                           if n.onset + n.length == end))
    heard = [tuple(h) == decode(key_label(t)) for t, h in zip(minor, judges.keys(minor),
                                                               strict=True)]
    return {"minor_leading_notes": float(np.mean(shares)), "minor_key_heard": float(np.mean(heard)),
            "minor_ending_on_a_major_third": float(np.mean(picardy))}


def heard(tunes: list[Tune], asked: dict[str, str], judges: Judges) -> dict[str, float | None]:
    """The share of the tunes the judges hear in every style the prompt asked, and the share
    the tone CNN hears in their written key."""
    if not tunes:
        return dict.fromkeys(HEARD)
    style = [all(h[d] == v for d, v in asked.items() if d in h) for h in judges.styles(tunes)]
    key = [(w := key_label(t)) is not None and tuple(k) == decode(w)
           for t, k in zip(tunes, judges.keys(tunes), strict=True)]
    return {"style_heard": float(np.mean(style)), "key_heard": float(np.mean(key))}


def measured(tunes: list[Tune], prompt: str, judges: Judges) -> dict[str, float | None]:
    return {**texture(tunes), **in_minor(tunes, judges),
            **heard(tunes, Asked.of(prompt).labels, judges)}


def _pct(v: float | None) -> str:
    return "–" if v is None or v != v else f"{v:.1%}"


def _mean_over_prompts(per_prompt: list[dict[str, float | None]]) -> dict[str, float]:
    """As ``tunesmith evaluate`` pools them: each prompt's mean, then the mean of those."""
    return {m: float(np.nanmean([np.nan if f[m] is None else f[m] for f in per_prompt]))
            for m in MEASURES + WHOLE_CHORDS + HEARD}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True, help="for the real test tunes")
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--prompts", type=Path, default=PROMPTS)
    parser.add_argument("--cost", type=float, nargs="+", default=[0.0, sampler.HARMONY_COST],
                        help="HARMONY_COST values: clashes")
    parser.add_argument("--parallel-cost", type=float, nargs="+",
                        default=[sampler.PARALLEL_COST], help="PARALLEL_COST values")
    parser.add_argument("--leading-bonus", type=float, nargs="+",
                        default=[sampler.LEADING_NOTE_BONUS], help="LEADING_NOTE_BONUS values")
    parser.add_argument("--chord-bonus", type=float, nargs="+", default=[0.0],
                        help="nats for a voice's note completing a triad (a form's own, "
                             "styles.CHORD_BONUS_BY_FORM, set aside)")
    parser.add_argument("--rest-bars", type=float, nargs="+",
                        default=[float(sampler.VOICE_REST_BARS)], help="VOICE_REST_BARS values")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 100])
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--bars", type=int, default=16)
    parser.add_argument("--shipped", action="store_true",
                        help="also a row with the costs as shipped (a form's own too)")
    args = parser.parse_args()
    composer, judges = Composer.load(args.model), Judges.load()
    real = Dataset(args.dataset).tunes("test")
    voiced = [p for p in read_prompts(args.prompts)
              if composer.generate(p, bars=1, seed=0)[0].controls.voices > 1]
    print(f"prompts with several voices: {', '.join(voiced)}")
    rows = {"real test tunes alike": [measured(alike(real, Asked.of(p)), p, judges)
                                      for p in voiced]}
    shipped = (sampler.HARMONY_COST, sampler.PARALLEL_COST, sampler.LEADING_NOTE_BONUS,
               sampler.VOICE_REST_BARS)
    by_form = dict(styles.PARALLEL_COST_BY_FORM)
    chords = dict(styles.CHORD_BONUS_BY_FORM)
    rests = dict(styles.REST_BARS_BY_FORM)

    def written(name: str) -> None:
        start, per_prompt = time.perf_counter(), []
        for prompt in voiced:
            per_prompt.append(measured([parse(piece.abc) for seed in args.seeds
                                        for piece in composer.generate(
                                            prompt, bars=args.bars, num=args.samples,
                                            seed=seed)], prompt, judges))
        pieces = len(voiced) * len(args.seeds) * args.samples
        rows[f"{name} ({pieces} pieces, {time.perf_counter() - start:.0f} s)"] = per_prompt

    styles.PARALLEL_COST_BY_FORM.clear()  # a swept value holds for every form
    styles.REST_BARS_BY_FORM.clear()
    for cost, parallel, bonus, chord, rest in product(args.cost, args.parallel_cost,
                                                      args.leading_bonus, args.chord_bonus,
                                                      args.rest_bars):
        sampler.HARMONY_COST, sampler.PARALLEL_COST = cost, parallel
        sampler.LEADING_NOTE_BONUS, sampler.VOICE_REST_BARS = bonus, Fraction(rest)
        styles.CHORD_BONUS_BY_FORM.clear()
        styles.CHORD_BONUS_BY_FORM.update({s.name: chord for s in styles.TAXONOMY
                                           if s.dimension == "form" and chord})
        written(f"costs {cost:g} / {parallel:g}, leading {bonus:g}, chord {chord:g}, "
                f"rests {rest:g} bars")
    if args.shipped:
        (sampler.HARMONY_COST, sampler.PARALLEL_COST, sampler.LEADING_NOTE_BONUS,
         sampler.VOICE_REST_BARS) = shipped
        styles.PARALLEL_COST_BY_FORM.update(by_form)
        styles.CHORD_BONUS_BY_FORM.clear()
        styles.CHORD_BONUS_BY_FORM.update(chords)
        styles.REST_BARS_BY_FORM.update(rests)
        written("as shipped, " + ", ".join(
            [f"a {form}'s parallels {nats:g}" for form, nats in by_form.items()]
            + [f"a {form}'s chords {nats:g}" for form, nats in chords.items()]
            + [f"a {form}'s rests {bars:g} bars" for form, bars in rests.items()]))
    print("\nmean over the prompts\n\n| | " + " | ".join(m.replace("_", " ")
                                                        for m in MEASURES + WHOLE_CHORDS + HEARD)
          + " |\n|---|" + "---:|" * len(MEASURES + WHOLE_CHORDS + HEARD))
    for name, per_prompt in rows.items():
        print(f"| {name} | " + " | ".join(_pct(v) for v in
                                          _mean_over_prompts(per_prompt).values()) + " |")
    print("\ndissonant onsets / parallel fifths and octaves / crossed / each voice rests, per "
          "prompt\n\n| prompt | "
          + " | ".join(rows) + " |\n|---|" + "---:|" * len(rows))
    for i, prompt in enumerate(voiced):
        print(f"| {prompt} | " + " | ".join(
            " / ".join(_pct(r[i][m]) for m in MEASURES[:4])
            for r in rows.values()) + " |")
    print("\nleading notes / key heard / last chord with a major third, the pieces in a minor "
          "key, per prompt\n\n| prompt | "
          + " | ".join(rows) + " |\n|---|" + "---:|" * len(rows))
    for i, prompt in enumerate(voiced):
        print(f"| {prompt} | " + " | ".join(
            " / ".join(_pct(r[i][m]) for m in MEASURES[5:]) for r in rows.values()) + " |")
    print("\nheard in every asked style / in the written key, per prompt (real: the judges' "
          "own accuracy)\n\n| prompt | " + " | ".join(rows) + " |\n|---|" + "---:|" * len(rows))
    for i, prompt in enumerate(voiced):
        print(f"| {prompt} | " + " | ".join(
            " / ".join(_pct(r[i][m]) for m in HEARD) for r in rows.values()) + " |")
    print("\nreproduce: python benchmarks/harmony_cost.py --dataset", args.dataset, "--cost",
          *args.cost, "--parallel-cost", *args.parallel_cost, "--leading-bonus",
          *args.leading_bonus, "--chord-bonus", *args.chord_bonus, "--rest-bars",
          *args.rest_bars, "--seeds", *args.seeds,
          *(["--shipped"] * args.shipped))


if __name__ == "__main__":
    main()

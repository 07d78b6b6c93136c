"""How often the voices of a piece strike the same pitch again, at each ``generate.AGAIN_COST``.

    python benchmarks/voice_repeats.py --dataset datasets/default --again-cost 0 0.5 1 1.5

A voice among others may always stay on its note: no clash or parallel cost can fall on it, so
the voices of the suite's chorales, masses, madrigals, quartets and trecento pieces struck
22.9% of their notes again where the real tunes alike strike 15.5%. For each prompt (by
default the suite's pieces in voices, a piano's chords aside), ``--samples`` pieces of
``--bars`` bars for each seed of ``--seeds`` (ones the evaluation does not draw) are written
at each cost and measured: the share of notes that strike their voice's last pitch again
(rests between do not count), the interval and note-length overlaps with the real tunes alike
(``tunesmith evaluate``'s: the test split's, joined by the training split's where it holds
fewer than ten), clashes, parallels and whole triads (``evaluation/texture.py``), and the
share the judges hear in every asked style and in the written key, so a cost that makes the
voices move is seen not to cost the style.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from harmony_cost import heard
from repeated_notes import strikes

import tunesmith.generate as sampler
from tunesmith import Composer
from tunesmith.abc import Tune, parse
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.distributions import histograms, overlap, overlap_ceiling, pooled
from tunesmith.evaluation.generated import Asked, alike
from tunesmith.evaluation.texture import texture
from tunesmith.models.judges import Judges

PROMPTS = ("trecento", "文艺复兴 弥撒曲", "a renaissance madrigal", "a baroque chorale",
           "a classical string quartet", "a phrygian motet", "a lydian tune")
COLUMNS = ("struck again", "interval", "length", "dissonant onsets", "parallels",
           "whole triads", "style heard", "key heard")


def struck_again(tunes: list[Tune]) -> float:
    total, counts = strikes(tunes)
    return sum(n for run, n in counts.items() if run > 1) / total if total else float("nan")


def measured(tunes: list[Tune], real: list[Tune], asked: Asked,
             judges: Judges | None) -> dict[str, float]:
    """The columns for ``tunes`` beside ``real``, the real tunes alike (without judges,
    ``tunes`` are those real tunes: no overlaps, no verdicts)."""
    feel = texture(tunes)
    row = {"struck again": struck_again(tunes),
           "dissonant onsets": feel["dissonant_onsets"],
           "parallels": feel["parallel_fifths_and_octaves"],
           "whole triads": feel["whole_triads"]}
    if judges is not None:
        ours, theirs = pooled(tunes), pooled(real)
        row["interval"] = overlap(ours["interval"], theirs["interval"])
        row["length"] = overlap(ours["note_length"], theirs["note_length"])
        row.update(dict(zip(("style heard", "key heard"),
                            heard(tunes, asked.labels, judges).values(), strict=True)))
    return row


def _mean(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None and v == v]
    return float(np.mean(kept)) if kept else None


def _cell(column: str, value: float | None) -> str:
    if value is None or value != value:
        return "–"
    return f"{value:.3f}" if column in ("interval", "length") else f"{value:.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True, help="for the real tunes alike")
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--prompts", nargs="+", default=list(PROMPTS))
    parser.add_argument("--again-cost", type=float, nargs="+", default=[0.0, sampler.AGAIN_COST],
                        help="AGAIN_COST values: nats off a voice's note striking its last "
                             "pitch again")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1200, 1300, 1400, 1500])
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--bars", type=int, default=16)
    args = parser.parse_args()
    composer, judges = Composer.load(args.model), Judges.load()
    dataset = Dataset(args.dataset)
    test, train = list(dataset.tunes("test")), list(dataset.tunes("train"))
    rows: dict[str, dict[str, dict[str, float]]] = {}  # row name → prompt → column → value
    reals = {p: alike(test, Asked.of(p), more=train) for p in args.prompts}
    rows["real tunes alike"] = {p: measured(like, like, Asked.of(p), None)
                                for p, like in reals.items()}
    ceiling = {p: overlap_ceiling([histograms(t) for t in like], args.samples * len(args.seeds))
               for p, like in reals.items()}
    rows["what as many real tunes reach"] = {
        p: {"interval": c["interval"], "length": c["note_length"]} for p, c in ceiling.items()}
    for cost in args.again_cost:
        sampler.AGAIN_COST = cost
        start, made = time.perf_counter(), {}
        for prompt in args.prompts:
            pieces = [parse(piece.abc) for seed in args.seeds
                      for piece in composer.generate(prompt, bars=args.bars, num=args.samples,
                                                     seed=seed)]
            made[prompt] = measured(pieces, reals[prompt], Asked.of(prompt), judges)
        rows[f"cost {cost:g} ({time.perf_counter() - start:.0f} s)"] = made
    print(f"\n{len(args.seeds) * args.samples} pieces of {args.bars} bars a prompt and cost; "
          "the mean over the prompts\n")
    print("| | " + " | ".join(COLUMNS) + " |\n|---|" + "---:|" * len(COLUMNS))
    for name, by_prompt in rows.items():
        print(f"| {name} | " + " | ".join(_cell(c, _mean([v.get(c) for v in by_prompt.values()]))
                                          for c in COLUMNS) + " |")
    print("\nstruck again / interval overlap / style heard, per prompt\n\n| prompt | "
          + " | ".join(rows) + " |\n|---|" + "---:|" * len(rows))
    for prompt in args.prompts:
        print(f"| {prompt} | " + " | ".join(
            " / ".join(_cell(c, r[prompt].get(c)) for c in ("struck again", "interval",
                                                             "style heard"))
            for r in rows.values()) + " |")
    print(f"\nreproduce: python benchmarks/voice_repeats.py --dataset {args.dataset} "
          f"--prompts {' '.join(repr(p) for p in args.prompts)} --again-cost "
          f"{' '.join(f'{c:g}' for c in args.again_cost)} --seeds "
          f"{' '.join(map(str, args.seeds))} --samples {args.samples} --bars {args.bars}")


if __name__ == "__main__":
    main()

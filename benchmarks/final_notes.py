"""How long melodies hold their last note, by the form asked and the meter, real against
generated: the facts behind ``composer.typical_final``, from which a melody's least last note
is drawn.

    python benchmarks/final_notes.py --dataset datasets/default \
        now=runs/fin/s0,runs/fin/s100

The real side is the train split's single-line tunes (``Dataset.final_counts``, the counts
the sampler draws from), by form and meter; each NAME=REPORT[,REPORT...] argument pools the
single-line pieces the report folders (``tunesmith evaluate --report``) hold, by the form
their prompt asks (a prompt naming none is left out) and their meter. For each: how many
melodies, the
share whose last note is shorter than a beat, two beats or longer, and the median, in beats
of the meter (a reel's quarter note is half a beat of 2/2, a jig's two thirds of 6/8).

    python benchmarks/final_notes.py --dataset datasets/default --prompts "a jig" "a reel" \
        --seeds 1200 1300

With ``--prompts``, the bundled model writes ``--samples`` pieces a seed for each prompt
twice, its last note drawn from its style's (as shipped) and held a beat (the sampler
before, the checkpoint's counts taken away), and the judges say how many they hear in the
tradition, form and period asked, beside the share of last notes under a beat.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import numpy as np
from _beside_real import reproduce, sampler_pieces

from tunesmith import Composer
from tunesmith.abc import AbcError, parse
from tunesmith.abc.notes import last_beats
from tunesmith.data.dataset import KEY_LABELS, Dataset
from tunesmith.data.labels import meter_label
from tunesmith.evaluation.generated import Asked
from tunesmith.models.judges import Judges

FORM, METER = KEY_LABELS.index("form"), len(KEY_LABELS)


def row(name: str, style: tuple[str, str], held: list[Fraction]) -> str:
    beats = np.array([float(x) for x in held])
    return (f"| {name} | {' | '.join(style)} | {len(beats)} | {np.mean(beats < 1):.0%} | "
            f"{np.mean(beats >= 2):.0%} | {np.median(beats):.2g} |")


def judged(prompts: list[str], seeds: list[int], samples: int) -> None:
    """Each prompt's pieces with the drawn final and with a beat's, as the judges hear them."""
    composer, judges = Composer.load(), Judges.load()
    counts = composer.checkpoint.data.get("finals")
    print("| prompt | last note | pieces | tradition heard | form heard | period heard | "
          "last notes < 1 beat | ≥ 2 beats |\n|---|---|---:|---:|---:|---:|---:|---:|")
    for prompt in prompts:
        asked = Asked.of(prompt).labels
        for name, rows in (("its style's", counts), ("a beat", None)):
            composer.checkpoint.data["finals"] = rows
            tunes = [parse(p.abc) for seed in seeds
                     for p in composer.generate(prompt, num=samples, seed=seed)]
            heard = judges.styles(tunes)
            cells = [f"{sum(h.get(d) == asked[d] for h in heard)}" if d in asked else "–"
                     for d in ("tradition", "form", "period")]
            held = np.array([float(x) for t in tunes for x in last_beats(t)[:1]])
            print(f"| {prompt} | {name} | {len(tunes)} | {' | '.join(cells)} | "
                  f"{np.mean(held < 1):.0%} | {np.mean(held >= 2):.0%} |", flush=True)
    composer.checkpoint.data["finals"] = counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("samplers", nargs="*", help="NAME=REPORT[,REPORT...]")
    parser.add_argument("--prompts", nargs="+", help="judge the model's pieces for these")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1200, 2000, 100)))
    parser.add_argument("--samples", type=int, default=4)
    args = parser.parse_args()
    if args.prompts:
        judged(args.prompts, args.seeds, args.samples)
        print(reproduce())
        return
    real: dict[tuple[str, str], list[Fraction]] = defaultdict(list)
    for r in Dataset(args.dataset).final_counts("train"):
        if r[FORM]:
            real[r[FORM], r[METER]] += [Fraction(r[-2])] * r[-1]
    made: dict[str, dict[tuple[str, str], list[Fraction]]] = {}
    for spec in args.samplers:
        name, pieces = sampler_pieces(spec)
        made[name] = defaultdict(list)
        for prompt, abc in pieces:
            form = Asked.of(prompt).labels.get("form")
            try:
                tune = parse(abc)
                held = last_beats(tune) if form and "V:" not in abc else []
            except AbcError:
                continue
            if len(held) == 1:
                made[name][form, meter_label(tune.meter)].append(held[0])
    print("| melodies | form | meter | last notes | < 1 beat | ≥ 2 beats | median (beats) |\n"
          "|---|---|---|---:|---:|---:|---:|")
    for style in sorted({s for by in made.values() for s in by} or real):
        if style in real:
            print(row("real, train split", style, real[style]))
        for name, by in made.items():
            if by.get(style):
                print(row(name, style, by[style]))
    print(reproduce())


if __name__ == "__main__":
    main()

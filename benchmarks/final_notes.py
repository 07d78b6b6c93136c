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

from collections import defaultdict
from fractions import Fraction

import numpy as np
from _beside_real import print_by_style, reproduce, sampler_pieces
from _judged import arguments, both_ways

from tunesmith.abc import AbcError, Tune, parse
from tunesmith.abc.notes import last_beats
from tunesmith.data.dataset import KEY_LABELS, Dataset
from tunesmith.data.labels import meter_label
from tunesmith.evaluation.generated import Asked

FORM, METER = KEY_LABELS.index("form"), len(KEY_LABELS)


def row(name: str, style: tuple[str, str], held: list[Fraction]) -> str:
    beats = np.array([float(x) for x in held])
    return (f"| {name} | {' | '.join(style)} | {len(beats)} | {np.mean(beats < 1):.0%} | "
            f"{np.mean(beats >= 2):.0%} | {np.median(beats):.2g} |")


def last_notes(tunes: list[Tune]) -> np.ndarray:
    """Each piece's (first voice's) last note, in beats."""
    return np.array([float(x) for t in tunes for x in last_beats(t)[:1]])


def main() -> None:
    args = arguments(__doc__)
    if args.prompts:
        both_ways(args, "finals", ("its style's", "a beat"), "last note",
                  {"last notes < 1 beat": lambda tunes: f"{np.mean(last_notes(tunes) < 1):.0%}",
                   "≥ 2 beats": lambda tunes: f"{np.mean(last_notes(tunes) >= 2):.0%}"})
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
    print_by_style(row, real, made, sorted({s for by in made.values() for s in by} or real))


if __name__ == "__main__":
    main()

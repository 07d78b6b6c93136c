"""How busy melodies run: the share of their notes a sixteenth or quicker
(``abc.notes.QUICK``), real tunes of each prompt's style against the pieces written for it,
the facts behind a melody's pace (``composer.typical_pace``, ``generate.PACE_COST``,
``generate.PACE_BONUS``); with ``--kind dotted`` the share of their notes dotted eighths
(``abc.notes.DOTTED``), behind a melody's dots (the checkpoint's ``dots`` counts).

    python benchmarks/paces.py --dataset datasets/default \
        before=runs/cad3/s0,runs/cad3/s100 now=runs/pace/s0,runs/pace/s100

For each prompt of the report folders' pieces (``tunesmith evaluate --report``; a
NAME=REPORT[,REPORT...] argument pools its folders): the melodies, the share of their notes
that are quick, pooled, and the real tunes alike's (``evaluation.generated.alike``: the test
split's, the training split's where it holds fewer than ten); how many melodies run quicker
than nine in ten real tunes alike in the same meter do; and the note-length overlap with the
real tunes alike (``evaluation.distributions``, as ``tunesmith evaluate`` reports it).

    python benchmarks/paces.py --dataset datasets/default \
        --prompts "a German folk song in G" "a song from Luxembourg" --seeds 1200 1300 \
        --pace-cost 2 3 --pace-bonus 0 2

With ``--prompts``, the bundled model writes ``--samples`` pieces a seed for each prompt
without a pace (the sampler before the thirty-ninth session; with ``--kind dotted``, without
its dots, before the forty-first) and with each ``--pace-cost``,
``--pace-bonus`` and ``--pace-grace`` given (``generate.PACE_COST``, ``generate.PACE_BONUS``,
``generate.PACE_GRACE``: as shipped where one is not given), and the judges say how many they
hear in the tradition, period and form asked and in their written key, beside the columns
above.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import product

import numpy as np
from _beside_real import reproduce, sampler_pieces
from _judged import arguments, heard

from tunesmith import Composer, generate
from tunesmith.abc import AbcError, Tune, parse
from tunesmith.abc.notes import dotted_share, quick_share
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.distributions import overlap, pooled
from tunesmith.evaluation.generated import Asked, alike
from tunesmith.models.judges import Judges

# each kind of note counted: the share of a melody's notes of the kind, the checkpoint's
# counts a melody draws its share from, and the note-length histogram's bins of the kind
KINDS = {"quick": (quick_share, "paces", slice(0, 2)),  # the bins of 1/32 and 1/16
         "dotted": (dotted_share, "dots", slice(3, 4))}  # that of 3/16
COLUMNS = "melodies | {} notes | real alike | past 9 in 10 real | note lengths' overlap"


class Real:
    """The real tunes a prompt's pieces are set beside, and each one's share of a kind of
    notes (``KINDS``)."""

    def __init__(self, dataset: Dataset, kind: str = "quick"):
        self.test, self.train = list(dataset.tunes("test")), list(dataset.tunes("train"))
        self.kind = kind
        self._shares: dict[int, float | None] = {}

    def share(self, tune: Tune) -> float | None:
        if id(tune) not in self._shares:
            try:
                self._shares[id(tune)] = KINDS[self.kind][0](tune)
            except AbcError:
                self._shares[id(tune)] = None
        return self._shares[id(tune)]

    def columns(self, prompt: str, tunes: list[Tune]) -> str:
        """``COLUMNS`` for a prompt's pieces."""
        like = alike(self.test, Asked.of(prompt), more=self.train)
        melodies = [t for t in tunes if "V:" not in t.body]
        if not melodies:
            return " | ".join("–" * 5)
        real = [t for t in like if self.share(t) is not None]
        busiest = {m: np.quantile(s, 0.9) for m in {t.meter for t in melodies}
                   if len(s := [self.share(t) for t in real if t.meter == m]) >= 10}
        past = [self.share(t) > busiest[t.meter] for t in melodies if t.meter in busiest]
        lengths = overlap(pooled(melodies)["note_length"], pooled(like)["note_length"])
        bins = KINDS[self.kind][2]
        return (f"{len(melodies)} | {pooled_share(melodies, bins):.1%} | "
                f"{pooled_share(real, bins):.1%} | {sum(past)} of {len(past)} | {lengths:.3f}")


def pooled_share(tunes: list[Tune], bins: slice) -> float:
    """The share of all ``tunes``' notes together in the note-length histogram's ``bins``,
    as ``tunesmith evaluate`` counts them (a triplet's notes fall in its "other")."""
    return float(pooled(tunes)["note_length"][bins].sum())


def sweep(args, real: Real) -> None:
    """Each prompt's pieces written without a pace and with each cost and share given."""
    writer, judges = Composer.load(), Judges.load()
    counted = KINDS[real.kind][1]
    rows = writer.checkpoint.data.get(counted)
    shipped = generate.PACE_COST, generate.PACE_BONUS, generate.PACE_GRACE
    arms = [("before", None, shipped)] + [
        (f"cost {cost:g}, bonus {bonus:g}, grace {grace}", rows, (cost, bonus, grace))
        for cost, bonus, grace in product(args.pace_cost or [shipped[0]],
                                          args.pace_bonus or [shipped[1]],
                                          args.pace_grace or [shipped[2]])]
    print(f"| prompt | sampler | pieces | tradition heard | period heard | form heard | key "
          f"heard | {COLUMNS.format(real.kind)} |\n|---|---|---:|---:|---:|---:|---:|---:|---:|"
          "---:|---:|---:|")
    for prompt in args.prompts:
        asked = Asked.of(prompt).labels
        for name, counts, (generate.PACE_COST, generate.PACE_BONUS, generate.PACE_GRACE) \
                in arms:
            writer.checkpoint.data[counted] = counts
            tunes = [parse(p.abc) for seed in args.seeds
                     for p in writer.generate(prompt, num=args.samples, seed=seed)]
            said, keys = heard(judges, tunes, asked)
            cells = " | ".join("–" if c is None else str(c) for c in said)
            print(f"| {prompt} | {name} | {len(tunes)} | {cells} | {keys} | "
                  f"{real.columns(prompt, tunes)} |", flush=True)
    writer.checkpoint.data[counted] = rows
    generate.PACE_COST, generate.PACE_BONUS, generate.PACE_GRACE = shipped


def main() -> None:
    parser_args = arguments(__doc__, extra=lambda p: (
        p.add_argument("--pace-cost", type=float, nargs="+", help="generate.PACE_COST values"),
        p.add_argument("--pace-grace", type=int, nargs="+", help="generate.PACE_GRACE values"),
        p.add_argument("--pace-bonus", type=float, nargs="+", help="generate.PACE_BONUS values"),
        p.add_argument("--kind", choices=sorted(KINDS), default="quick",
                       help="the notes counted: sixteenths or quicker, or dotted eighths")))
    real = Real(Dataset(parser_args.dataset), parser_args.kind)
    if parser_args.prompts:
        sweep(parser_args, real)
        print(reproduce())
        return
    print(f"| prompt | pieces | {COLUMNS.format(parser_args.kind)} |\n"
          "|---|---|---:|---:|---:|---:|---:|")
    by_prompt: dict[str, dict[str, list[Tune]]] = defaultdict(dict)
    for spec in parser_args.samplers:
        name, pieces = sampler_pieces(spec)
        for prompt, abc in pieces:
            by_prompt[prompt].setdefault(name, []).append(parse(abc))
    for prompt, made in by_prompt.items():
        for name, tunes in made.items():
            print(f"| {prompt} | {name} | {real.columns(prompt, tunes)} |", flush=True)
    print(reproduce())


if __name__ == "__main__":
    main()

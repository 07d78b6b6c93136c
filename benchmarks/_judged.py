"""What the benchmarks that write pieces on their own seeds share: the pieces of a prompt,
what the judges hear in them (the asked tradition, period and form; the written key), and
the pieces written with a count of the checkpoint's and without it (``both_ways``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from tunesmith import Composer
from tunesmith.abc import Tune, parse
from tunesmith.evaluation.generated import Asked
from tunesmith.models.judges import Judges, key_label
from tunesmith.models.tone_cnn import decode

DIMENSIONS = ("tradition", "period", "form")


def written(composer: Composer, prompt: str, seeds: list[int], samples: int,
            bars: int) -> list[Tune]:
    """``samples`` pieces of ``bars`` bars for each seed."""
    return [parse(piece.abc) for seed in seeds
            for piece in composer.generate(prompt, bars=bars, num=samples, seed=seed)]


def heard(judges: Judges, tunes: list[Tune], asked: dict[str, str]
          ) -> tuple[list[int | None], int]:
    """For each of ``DIMENSIONS`` the pieces heard in the asked label (None where the prompt
    asked none), and the pieces heard in their written key."""
    styles = judges.styles(tunes)
    counts = [sum(h.get(d) == asked[d] for h in styles) if d in asked else None
              for d in DIMENSIONS]
    keys = sum((w := key_label(t)) is not None and tuple(k) == decode(w)
               for t, k in zip(tunes, judges.keys(tunes), strict=True))
    return counts, keys


def sweep_arguments(doc: str, prompts: list[str],
                    extra: Callable[[argparse.ArgumentParser], object] | None = None
                    ) -> argparse.Namespace:
    """The arguments of a benchmark that writes pieces for its own ``prompts`` (by default)
    on its own seeds, beside ``datasets/default``'s real tunes; ``extra`` adds its own."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", default="datasets/default")
    parser.add_argument("--prompts", nargs="+", default=prompts)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1200, 2000, 100)))
    parser.add_argument("--samples", type=int, default=4)
    if extra is not None:
        extra(parser)
    return parser.parse_args()


def arguments(doc: str, extra: Callable[[argparse.ArgumentParser], object] | None = None
              ) -> argparse.Namespace:
    """The arguments of a benchmark that sets report folders' pieces (``NAME=REPORT,…``)
    beside a dataset's tunes, or with ``--prompts`` writes pieces both ways (``both_ways``);
    ``extra`` adds a benchmark's own."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("samplers", nargs="*", help="NAME=REPORT[,REPORT...]")
    parser.add_argument("--prompts", nargs="+", help="judge the model's pieces for these")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1200, 2000, 100)))
    parser.add_argument("--samples", type=int, default=4)
    if extra is not None:
        extra(parser)
    return parser.parse_args()


def both_ways(args: argparse.Namespace, counts: str, arms: tuple[str, str], column: str,
              measures: dict[str, Callable[[list[Tune]], str]]) -> None:
    """Each of ``args.prompts``' pieces written twice, ``args.samples`` a seed: with the
    checkpoint's ``counts`` (a ``data.json`` entry; ``arms[0]``, as shipped) and without
    them (``arms[1]``, the sampler before they were counted), the pieces the judges hear in
    the tradition, form and period asked beside ``measures`` of them."""
    composer, judges = Composer.load(), Judges.load()
    rows = composer.checkpoint.data.get(counts)
    print(f"| prompt | {column} | pieces | tradition heard | form heard | period heard | "
          + " | ".join(measures) + " |\n|---|---|---:|---:|---:|---:|" + "---:|" * len(measures))
    for prompt in args.prompts:
        asked = Asked.of(prompt).labels
        for name, kept in zip(arms, (rows, None), strict=True):
            composer.checkpoint.data[counts] = kept
            tunes = [parse(p.abc) for seed in args.seeds
                     for p in composer.generate(prompt, num=args.samples, seed=seed)]
            styles = judges.styles(tunes)
            cells = [f"{sum(h.get(d) == asked[d] for h in styles)}" if d in asked else "–"
                     for d in ("tradition", "form", "period")]
            cells += [measure(tunes) for measure in measures.values()]
            print(f"| {prompt} | {name} | {len(tunes)} | {' | '.join(cells)} |", flush=True)
    composer.checkpoint.data[counts] = rows

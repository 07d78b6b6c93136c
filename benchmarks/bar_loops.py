"""How often melodies play a bar over again straight after itself, real tunes of each
prompt's style against the pieces written for it: the facts behind ``generate.BAR_TWICE_COST``
and ``generate.BAR_THRICE_COST``.

    python benchmarks/bar_loops.py --dataset datasets/default \
        before=runs/pace/s0,runs/pace/s100 now=runs/loop/s0,runs/loop/s100

A bar is read as it sounds: its notes, rests and their lengths, not its spacing or slurs
("(dB)(Fe)" plays as "dBFe"). For each prompt of the report folders' pieces (``tunesmith
evaluate --report``; a NAME=REPORT[,REPORT...] argument pools its folders): the melodies, the
share of them that play some bar twice in a row, the share that play one three times running,
and the same shares of the real tunes alike (``evaluation.generated.alike``: the test split's,
the training split's where it holds fewer than ten), prompts of pieces in voices left out;
last, every prompt's melodies pooled, and the real tunes alike of each. Of the real Irish
reels alike the asked one, one in eighty plays a bar twice in a row and none three times
running; of the American marches, one in six twice and one in seventy three times.

    python benchmarks/bar_loops.py --dataset datasets/default \
        --prompts "an American march" "a lively Irish reel in D major" --seeds 1200 1300 \
        --costs 1,1 4,8

With ``--prompts``, the bundled model writes ``--samples`` pieces a seed for each prompt with
each pair of ``--costs`` given (``generate.BAR_TWICE_COST`` and ``generate.BAR_THRICE_COST``;
as shipped where none is given), and the judges say how many they hear in the tradition,
period and form asked and in their written key, beside the columns above.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from itertools import pairwise

from _beside_real import reproduce, sampler_pieces
from _judged import arguments, heard

from tunesmith import Composer, generate
from tunesmith.abc import AbcError, Tune, parse
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.generated import Asked, alike
from tunesmith.evaluation.structure import first_voice_bars
from tunesmith.models.judges import Judges

COLUMNS = "melodies | a bar twice in a row | three times running | real alike: twice | thrice"
_SLURS = re.compile(r"\((?!\d)|\)")  # a slur's marks, not a triplet's "(3"


def longest_run(tune: Tune) -> int:
    """The most times a melody plays one bar in a row, as it sounds (0: not a melody)."""
    if "V:" in tune.body:
        return 0
    try:
        bars = [_SLURS.sub("", bar) for bar in first_voice_bars(tune)]
    except AbcError:
        return 0
    longest = run = 1 if bars else 0
    for before, bar in pairwise(bars):
        run = run + 1 if bar == before else 1
        longest = max(longest, run)
    return longest


def shares(tunes: list[Tune]) -> str:
    """The melodies among ``tunes``, and the shares of them that play a bar twice in a row
    and three times running."""
    runs = [r for r in map(longest_run, tunes) if r]
    if not runs:
        return "– | – | –"
    return (f"{len(runs)} | {sum(r >= 2 for r in runs) / len(runs):.1%} | "
            f"{sum(r >= 3 for r in runs) / len(runs):.1%}")


class Real:
    """The real tunes a prompt's pieces are set beside."""

    def __init__(self, dataset: Dataset):
        self.test, self.train = list(dataset.tunes("test")), list(dataset.tunes("train"))

    def alike(self, prompt: str) -> list[Tune]:
        return alike(self.test, Asked.of(prompt), more=self.train)

    def columns(self, tunes: list[Tune], real: list[Tune]) -> str | None:
        """``COLUMNS`` for a prompt's pieces beside ``real`` tunes (None: no melody)."""
        if not any(map(longest_run, tunes)):
            return None
        return f"{shares(tunes)} | {shares(real).split(' | ', 1)[1]}"


def costs(text: str) -> tuple[float, float]:
    """"4,8" → (4.0, 8.0): a ``--costs`` pair."""
    twice, _, thrice = text.partition(",")
    try:
        return float(twice), float(thrice)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: two numbers, as 4,8") from None


def sweep(args, real: Real) -> None:
    """Each prompt's pieces written with each pair of costs given."""
    writer, judges = Composer.load(), Judges.load()
    shipped = generate.BAR_TWICE_COST, generate.BAR_THRICE_COST
    arms = args.costs or [shipped]
    print(f"| prompt | nats: twice, thrice | pieces | tradition heard | period heard | form "
          f"heard | key heard | {COLUMNS} |\n|---|---|---:|---:|---:|---:|---:|"
          + "---:|" * 5)
    try:
        for prompt in args.prompts:
            asked = Asked.of(prompt).labels
            for generate.BAR_TWICE_COST, generate.BAR_THRICE_COST in arms:
                tunes = [parse(p.abc) for seed in args.seeds
                         for p in writer.generate(prompt, num=args.samples, seed=seed)]
                said, keys = heard(judges, tunes, asked)
                cells = " | ".join("–" if c is None else str(c) for c in said)
                print(f"| {prompt} | {generate.BAR_TWICE_COST:g}, "
                      f"{generate.BAR_THRICE_COST:g} | {len(tunes)} | {cells} | {keys} | "
                      f"{real.columns(tunes, real.alike(prompt)) or '– | – | – | – | –'} |",
                      flush=True)
    finally:
        generate.BAR_TWICE_COST, generate.BAR_THRICE_COST = shipped


def main() -> None:
    args = arguments(__doc__, extra=lambda p: p.add_argument(
        "--costs", type=costs, nargs="+", metavar="TWICE,THRICE",
        help="pairs of generate.BAR_TWICE_COST and generate.BAR_THRICE_COST to write with"))
    real = Real(Dataset(args.dataset))
    if args.prompts:
        sweep(args, real)
        print(reproduce())
        return
    print(f"| prompt | pieces | {COLUMNS} |\n|---|---|" + "---:|" * 5)
    by_prompt: dict[str, dict[str, list[Tune]]] = defaultdict(dict)
    for spec in args.samplers:
        name, pieces = sampler_pieces(spec)
        for prompt, abc in pieces:
            by_prompt[prompt].setdefault(name, []).append(parse(abc))
    pooled: dict[str, tuple[list[Tune], list[Tune]]] = defaultdict(lambda: ([], []))
    for prompt, made in by_prompt.items():
        like = real.alike(prompt)
        for name, tunes in made.items():
            if (cells := real.columns(tunes, like)) is not None:
                print(f"| {prompt} | {name} | {cells} |", flush=True)
                pooled[name][0].extend(tunes)
                pooled[name][1].extend(like)
    for name, (tunes, like) in pooled.items():
        print(f"| every prompt above | {name} | {real.columns(tunes, like)} |")
    print(reproduce())


if __name__ == "__main__":
    main()

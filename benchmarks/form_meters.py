"""The meters each dance form's training tunes are written in, by tradition, beside the
tradition and meter the model takes for a prompt.

    python benchmarks/form_meters.py --dataset datasets/default

A prompt's form used to fix its meter when it named none (``prompt.FORM_METER``): a reel was
4/4, though O'Neill's reels are in C| (2/2) and Ryan's mostly in 2/4, and 36 of the 38
training reels in 4/4 are Scottish, so "a mixolydian reel" was Scottish where 6 of the 43
mixolydian reels are. The first table counts the train split's labels (``meter`` as
``prepare`` reads ``M:``); the second completes ``--outlines`` outlines of each prompt (one
bar each, seeds 0, 1, …) with the bundled model (or ``--model``) and counts the tradition
and meter it took. "… in 4/4" prompts show what a reel held at 4/4 is given.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from _beside_real import reproduce

from tunesmith import Composer
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.structure import DANCE_FORMS

PROMPTS = ("a lively Irish reel in D major", "a lively Irish reel in D major in 4/4",
           "a mixolydian reel", "a mixolydian reel in 4/4", "a reel", "an American reel",
           "an English hornpipe", "a Scottish strathspey")


def counted(counts: Counter, limit: int = 5) -> str:
    return ", ".join(f"{value} {n}" for value, n in counts.most_common(limit))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--prompts", nargs="+", default=list(PROMPTS))
    parser.add_argument("--outlines", type=int, default=40)
    args = parser.parse_args()
    meters: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for _, record in Dataset(args.dataset).records("train"):
        labels = record["labels"]
        if labels.get("form") in DANCE_FORMS:
            meters[labels["form"], labels.get("tradition") or "-"][labels.get("meter")] += 1
    print("| training split | tunes | meters |\n|---|---:|---|")
    for (form, tradition), counts in sorted(meters.items()):
        if counts.total() >= 10:
            print(f"| {tradition} {form} | {counts.total()} | {counted(counts)} |")
    composer = Composer.load(args.model)
    print("\n| prompt | outlines | tradition and meter taken |\n|---|---:|---|")
    for prompt in args.prompts:
        taken = Counter()
        for seed in range(args.outlines):
            controls = composer.generate(prompt, bars=1, seed=seed)[0].controls
            taken[f"{controls.labels.get('tradition', '-')} {controls.meter}"] += 1
        print(f"| {prompt} | {args.outlines} | {counted(taken)} |")
    print(reproduce())


if __name__ == "__main__":
    main()

"""How often pieces end by playing their last part again (``:|``), beside real tunes of their
style, with the last barline the model is unsure of written ``|]`` (before) and, as shipped,
``:|`` where most training tunes of the piece's style end so (``composer.ends_repeat``).

    python benchmarks/repeats.py --dataset datasets/default

A jig, a hornpipe or a Scottish air is played AABB: the corpus writes its last part between
repeat signs (78%, 91% and 64% of its one-voice tunes end on ``:|``), its songs never.
First the facts, the share of the train split's one-voice tunes of each form and tradition
that end on ``:|`` (``Dataset.ending_counts``). Then, for each prompt, ``--samples`` pieces
of ``--bars`` bars for each seed of ``--seeds`` (ones the evaluation does not draw) by the
bundled model (or ``--model``) in both ways: the share that end on ``:|``, the share with
any repeat sign, what the judges hear (asked tradition, period and form; the written key);
beside them the real tunes of ``--split`` alike the prompt.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from _judged import DIMENSIONS, heard, written

from tunesmith import Composer
from tunesmith.abc import Tune
from tunesmith.abc.lexer import ends_on_repeat
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.generated import Asked, alike
from tunesmith.models.judges import Judges

PROMPTS = ("爱尔兰吉格舞曲", "an Irish slip jig in 9/8", "an English hornpipe",
           "a Scottish strathspey", "苏格兰 A dorian", "a slow air in G minor",
           "a lively Irish reel in D major", "an American march", "中国民歌",
           "a German folk song in G")
REPEAT_SIGNS = (":|", "|:", "::")
WAYS = ("before: a plain end", "as shipped: the style's end")  # without the counts, with


def shares(tunes: list[Tune]) -> tuple[float, float]:
    """The shares of ``tunes`` that end on ``:|`` and that write any repeat sign."""
    ends = sum(ends_on_repeat(t.body) for t in tunes)
    signs = sum(any(s in t.body for s in REPEAT_SIGNS) for t in tunes)
    return ends / max(len(tunes), 1), signs / max(len(tunes), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--dataset", type=Path, default=Path("datasets/default"))
    parser.add_argument("--split", choices=("test", "train"), default="train")
    parser.add_argument("--prompts", nargs="+", default=list(PROMPTS))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1200, 2000, 100)))
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--bars", type=int, default=16)
    args = parser.parse_args()
    dataset = Dataset(args.dataset)
    by_style: Counter = Counter()
    for row in dataset.ending_counts("train"):
        tradition, _, form, _, ends, n = row
        by_style[(form, tradition, ends)] += n
    print("| form | tradition | train tunes, one voice | end closing a repeat |\n"
          "|---|---|---:|---:|")
    styles = {(f, t) for f, t, _ in by_style}
    for form, tradition in sorted(styles, key=lambda s: -by_style[(*s, True)]
                                  - by_style[(*s, False)]):
        total = by_style[(form, tradition, True)] + by_style[(form, tradition, False)]
        if total >= 20:
            print(f"| {form or '–'} | {tradition or '–'} | {total} | "
                  f"{by_style[(form, tradition, True)] / total:.0%} |")
    composer, judges = Composer.load(args.model), Judges.load()
    endings = composer.checkpoint.data.get("endings")
    real = [t for t in dataset.tunes(args.split) if "V:" not in t.body]
    print(f"\n| prompt | last barline | pieces | end closing a repeat | any repeat sign | "
          f"{' | '.join(f'{d} heard' for d in DIMENSIONS)} | key heard |\n"
          "|---|---|---:|---:|---:|" + "---:|" * (len(DIMENSIONS) + 1))
    totals: Counter = Counter()
    for prompt in args.prompts:
        asked = Asked.of(prompt).labels
        like = alike(real, Asked.of(prompt))
        ends, signs = shares(like)
        print(f"| {prompt} | real, {args.split} split | {len(like)} | {ends:.0%} | "
              f"{signs:.0%} |{' |' * (len(DIMENSIONS) + 1)}")
        for row, counts in zip(WAYS, (None, endings), strict=True):
            composer.checkpoint.data.pop("endings", None)
            if counts is not None:
                composer.checkpoint.data["endings"] = counts
            tunes = written(composer, prompt, args.seeds, args.samples, args.bars)
            styles_heard, keys = heard(judges, tunes, asked)
            ends, signs = shares(tunes)
            totals[(row, "ends")] += round(ends * len(tunes))
            totals[(row, "styles")] += sum(c for c in styles_heard if c is not None)
            totals[(row, "keys")] += keys
            print(f"| {prompt} | {row} | {len(tunes)} | {ends:.0%} | {signs:.0%} | "
                  + " | ".join("–" if c is None else str(c) for c in styles_heard)
                  + f" | {keys} |", flush=True)
    if endings is not None:
        composer.checkpoint.data["endings"] = endings
    pieces = len(args.prompts) * len(args.seeds) * args.samples
    for row in WAYS:
        print(f"\n{row}: {totals[(row, 'ends')]} of {pieces} pieces end closing a repeat, "
              f"styles heard {totals[(row, 'styles')]}, keys heard {totals[(row, 'keys')]}")
    print(f"\nreproduce: python benchmarks/repeats.py --dataset {args.dataset} --split "
          f"{args.split} --prompts {' '.join(repr(p) for p in args.prompts)} --seeds "
          f"{' '.join(map(str, args.seeds))} --samples {args.samples} --bars {args.bars}")


if __name__ == "__main__":
    main()

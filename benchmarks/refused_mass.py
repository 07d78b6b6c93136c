"""How much of the model's probability the sampler refuses: at each step of each unfinished
candidate, the share of the model's next-token probability on tokens the tracker does not
allow there, and which tokens carry most of it.

    python benchmarks/refused_mass.py "a German folk song in G" "D大调 华尔兹" --num 4

A large refused share means the tracker and the model disagree about the music (it wants
a barline the bar cannot take, a line end the tracker forbids): what the model draws
instead is renormalised from what it did not expect to write. The rules in ``generate``
that cost nats (accidentals, rests, clashes) shift probability but refuse nothing.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections import Counter

import numpy as np

import tunesmith.generate as generate
from tunesmith import Composer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("prompts", nargs="+")
    parser.add_argument("--model", default=None, help="checkpoint (default: the bundled one)")
    parser.add_argument("--bars", type=int, default=16)
    parser.add_argument("--num", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top", type=int, default=5, help="refused tokens to name")
    args = parser.parse_args()
    composer = Composer.load(args.model)
    tokens, eos = composer.tokenizer.tokens, composer.tokenizer.eos_id
    steps, refused, by_token = 0, 0.0, Counter()
    draw = generate.sample

    def watched(logits, allowed, options, rng, bias=None):  # the loop's own draw, observed
        nonlocal steps, refused
        allowed = np.broadcast_to(allowed, logits.shape)
        p = np.exp(logits - logits.max(axis=-1, keepdims=True))
        p /= p.sum(axis=-1, keepdims=True)
        for row in range(len(p)):
            if allowed[row].sum() == 1 and allowed[row, eos]:
                continue  # a finished candidate
            steps += 1
            refused += float(p[row][~allowed[row]].sum())
            for i in np.argsort(np.where(allowed[row], 0.0, p[row]))[-args.top:]:
                by_token[tokens[i]] += float(p[row, i])
        return draw(logits, allowed, options, rng, bias)

    generate.sample = watched
    print("| prompt | steps | refused per step | most refused tokens (share per step) |\n"
          "|---|---:|---:|---|")
    for prompt in args.prompts:
        steps, refused = 0, 0.0
        by_token.clear()
        composer.generate(prompt, bars=args.bars, num=args.num, seed=args.seed)
        named = ", ".join(f"{t!r} {v / steps:.3f}" for t, v in by_token.most_common(args.top))
        print(f"| {prompt} | {steps} | {refused / steps:.3f} | {named} |")
    print(f"\nreproduce: python {shlex.join(sys.argv)}")


if __name__ == "__main__":
    main()

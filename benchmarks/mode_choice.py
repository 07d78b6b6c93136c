"""The modes the model chooses for a prompt that names none, beside its style's tunes.

    python benchmarks/mode_choice.py --outlines 40

For each prompt of ``--prompts`` (by default the suite's, ``benchmarks/prompts.txt``) that
leaves the mode open, the bundled model (or ``--model``) completes ``--outlines`` outlines
(seeds 0, 1, …; one bar each: the outline is all that is read) and the modes it chose are
counted beside the training tunes that share the prompt's labels, in each mode (the
checkpoint's ``data.json`` counts), scaled to as many: left to choose, the model takes its
style's commonest mode far more often than the style does.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from _beside_real import reproduce

from tunesmith import Composer
from tunesmith.data.dataset import KEY_LABELS
from tunesmith.evaluation.generated import Asked, read_prompts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--prompts", type=Path, default=Path("benchmarks/prompts.txt"))
    parser.add_argument("--outlines", type=int, default=40)
    args = parser.parse_args()
    composer = Composer.load(args.model)
    rows = composer.checkpoint.data.get("keys", [])  # tradition, period, form, mode, …, count
    print("| prompt | the model's modes | the corpus's, as many | tunes |\n|---|---|---|---:|")
    for prompt in read_prompts(args.prompts):
        asked = Asked.of(prompt).labels
        if "mode" in asked:
            continue
        chosen = Counter(composer.generate(prompt, bars=1, seed=seed)[0].controls.labels
                         .get("mode") for seed in range(args.outlines))
        corpus: Counter = Counter()
        for r in rows:
            if all(r[i] == asked[d] for i, d in enumerate(KEY_LABELS[:3]) if d in asked):
                corpus[r[3]] += r[-1]
        n = sum(corpus.values()) or 1
        print(f"| {prompt} | " + ", ".join(f"{m} {k}" for m, k in chosen.most_common()) + " | "
              + ", ".join(f"{m} {args.outlines * k / n:.1f}"
                          for m, k in corpus.most_common(5)) + f" | {sum(corpus.values())} |")
    print(reproduce())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

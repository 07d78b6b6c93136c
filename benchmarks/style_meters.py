"""In which meters a piece is written when its prompt names none: as the model chooses them
and as ``composer.typical_meter`` draws them from the training tunes of the piece's style,
each beside the meters of the real tunes alike the prompt.

    python benchmarks/style_meters.py --dataset datasets/default
    python benchmarks/style_meters.py --prompts "romantic piano piece" "古典主义" --draws 400

For every prompt of the suite (or ``--prompts``) that asks for no meter, ``--draws`` outlines
are chosen as ``Composer.generate`` chooses them (``complete_controls`` at the sampling's
halved temperature; ``typical_meter`` where the checkpoint's ``data.json`` has ``meters``),
only the meter kept; no notes are written, so the whole suite takes about a minute. The real
meters are those of the dataset's train split tunes that carry every label the prompt asked.
Printed per prompt: how many real tunes, the distance (total variation: 0 the same shares, 1
none in common) of each way's meters from the real ones, and the commonest meters with their
shares (model | drawn | real).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import numpy as np

from tunesmith import Composer
from tunesmith.composer import typical_meter
from tunesmith.data.dataset import Dataset
from tunesmith.generate import Sampling, complete_controls
from tunesmith.prompt import interpret

SUITE = Path(__file__).with_name("prompts.txt")


def distance(a: Counter, b: Counter) -> float:
    """Total variation between two counts' shares."""
    na, nb = sum(a.values()) or 1, sum(b.values()) or 1
    return 0.5 * sum(abs(a[k] / na - b[k] / nb) for k in set(a) | set(b))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--dataset", type=Path, default=Path("datasets/default"),
                        help="prepared dataset whose train split gives the real meters")
    parser.add_argument("--prompts", nargs="+", help="prompts (default: the suite's)")
    parser.add_argument("--draws", type=int, default=100, help="outlines per prompt")
    args = parser.parse_args()
    start = time.time()
    composer = Composer.load(args.model) if args.model else Composer.load()
    rows = composer.checkpoint.data.get("meters", [])
    tunes = Dataset(args.dataset).tunes("train")
    prompts = args.prompts or [line.strip() for line in SUITE.read_text(encoding="utf-8")
                               .splitlines() if line.strip() and not line.startswith("#")]
    choices = Sampling(0.5, 0, 0.95)  # the default sampling's, as `_outline` halves it
    print(f"| prompt | real tunes | model's distance | drawn distance | meters: model / drawn "
          f"/ real |\n|---|---:|---:|---:|---|")
    totals = [0.0, 0.0, 0]
    for prompt in prompts:
        controls = interpret(prompt)
        if "meter" in controls.labels or controls.meter:
            continue
        model, drawn = Counter(), Counter()
        for seed in range(args.draws):
            rng = np.random.default_rng(seed)
            labels = complete_controls(composer.engine, composer.tokenizer, controls.labels,
                                       choices, rng)
            model[labels.get("meter")] += 1
            drawn[typical_meter(rows, labels, rng) or labels.get("meter")] += 1
        real = Counter(t.labels.get("meter") for t in tunes
                       if all(t.labels.get(d) == v for d, v in controls.labels.items()))
        n = sum(real.values())
        shown = sorted(set(model) | set(drawn) | set(real),
                       key=lambda m: -(model[m] + drawn[m] + real[m] * args.draws / max(n, 1)))
        shares = ", ".join(f"{m} {model[m] / args.draws:.0%}/{drawn[m] / args.draws:.0%}/"
                           f"{real[m] / max(n, 1):.0%}" for m in shown[:5])
        far = (distance(model, real), distance(drawn, real)) if n else (float("nan"),) * 2
        print(f"| {prompt} | {n} | {far[0]:.2f} | {far[1]:.2f} | {shares} |")
        if n:
            totals = [totals[0] + far[0], totals[1] + far[1], totals[2] + 1]
    if totals[2]:
        print(f"\nmean distance over {totals[2]} prompts with real tunes: model "
              f"{totals[0] / totals[2]:.2f}, drawn {totals[1] / totals[2]:.2f}")
    print(f"({time.time() - start:.0f} s; python benchmarks/style_meters.py --dataset "
          f"{args.dataset} --draws {args.draws})")


if __name__ == "__main__":
    main()

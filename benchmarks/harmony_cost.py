"""How much the voices of a chorale, mass or quartet clash, at each ``HARMONY_COST`` and
``PARALLEL_COST``.

    python benchmarks/harmony_cost.py --dataset datasets/default --cost 0 0.5 1 2 \
        --parallel-cost 0 1 2 3

For every prompt of the suite whose pieces have several voices, ``--samples`` pieces of
``--bars`` bars for each seed of ``--seeds`` are written by the bundled model (or ``--model``)
with each pair of costs set, and measured as ``tunesmith evaluate`` measures them
(``evaluation/texture.py``): onsets striking a second, seventh or tritone against another
voice, parallel fifths and octaves, onsets crossing another voice, time each voice rests, time
all rest. Beside them, the same for the real test tunes alike each prompt. The shipped costs
are those whose pieces clash and move in parallel about as often as real ones.
"""

from __future__ import annotations

import argparse
import time
from itertools import product
from pathlib import Path

import numpy as np

import tunesmith.generate as sampler
from tunesmith import Composer
from tunesmith.abc import parse
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.generated import Asked, alike, read_prompts
from tunesmith.evaluation.texture import texture

PROMPTS = Path(__file__).parent / "prompts.txt"


MEASURES = ("dissonant_onsets", "parallel_fifths_and_octaves", "crossed_voices",
            "time_each_voice_rests", "time_all_voices_rest")


def _pct(v: float | None) -> str:
    return "–" if v is None or v != v else f"{v:.1%}"


def _mean_over_prompts(per_prompt: list[dict[str, float | None]]) -> dict[str, float]:
    """As ``tunesmith evaluate`` pools them: each prompt's mean, then the mean of those."""
    return {m: float(np.nanmean([np.nan if f[m] is None else f[m] for f in per_prompt]))
            for m in MEASURES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True, help="for the real test tunes")
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--prompts", type=Path, default=PROMPTS)
    parser.add_argument("--cost", type=float, nargs="+", default=[0.0, sampler.HARMONY_COST],
                        help="HARMONY_COST values: clashes")
    parser.add_argument("--parallel-cost", type=float, nargs="+",
                        default=[sampler.PARALLEL_COST], help="PARALLEL_COST values")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 100])
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--bars", type=int, default=16)
    args = parser.parse_args()
    composer = Composer.load(args.model)
    real = Dataset(args.dataset).tunes("test")
    voiced = [p for p in read_prompts(args.prompts)
              if composer.generate(p, bars=1, seed=0)[0].controls.voices > 1]
    print(f"prompts with several voices: {', '.join(voiced)}")
    rows = {"real test tunes alike": [texture(alike(real, Asked.of(p))) for p in voiced]}
    for cost, parallel in product(args.cost, args.parallel_cost):
        sampler.HARMONY_COST, sampler.PARALLEL_COST = cost, parallel
        start, per_prompt = time.perf_counter(), []
        for prompt in voiced:
            per_prompt.append(texture([parse(piece.abc) for seed in args.seeds
                                       for piece in composer.generate(
                                           prompt, bars=args.bars, num=args.samples,
                                           seed=seed)]))
        pieces = len(voiced) * len(args.seeds) * args.samples
        rows[f"costs {cost:g} / {parallel:g} ({pieces} pieces, "
             f"{time.perf_counter() - start:.0f} s)"] = per_prompt
    print("\nmean over the prompts\n\n| | " + " | ".join(m.replace("_", " ") for m in MEASURES)
          + " |\n|---|" + "---:|" * len(MEASURES))
    for name, per_prompt in rows.items():
        print(f"| {name} | " + " | ".join(_pct(v) for v in
                                          _mean_over_prompts(per_prompt).values()) + " |")
    print("\ndissonant onsets / parallel fifths and octaves / crossed, per prompt\n\n| prompt | "
          + " | ".join(rows) + " |\n|---|" + "---:|" * len(rows))
    for i, prompt in enumerate(voiced):
        print(f"| {prompt} | " + " | ".join(
            " / ".join(_pct(r[i][m]) for m in MEASURES[:3])
            for r in rows.values()) + " |")
    print("\nreproduce: python benchmarks/harmony_cost.py --dataset", args.dataset, "--cost",
          *args.cost, "--parallel-cost", *args.parallel_cost, "--seeds", *args.seeds)


if __name__ == "__main__":
    main()

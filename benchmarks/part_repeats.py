"""Dance tunes that play a part twice: the sampler as shipped, with every melody's last part
closing a repeat, and with a stronger lean toward restating bars.

    python benchmarks/part_repeats.py --prompts "a Scottish strathspey" --close-repeat \
        --restate 2 3 --seeds $(seq 2000 100 3500)

Real strathspeys and slip jigs nearly all repeat a part (``evaluation.structure.repeats``:
signs, or a 4-bar run played again), the model's seldom. For each prompt, ``--samples``
pieces a seed as long as its style's tunes (its default guidance and rhythm), first as
shipped, then with the last barline a repeat's close wherever the sampler would leave it to
the model (``composer.ends_repeat`` says yes for every style), then at each ``--restate``
nats (``generate.RESTATE_BONUS``, 1 as shipped): heard in the asked tradition and form and
in their written key, the pieces repeating a part and the share of bars restating one.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from contextlib import nullcontext
from unittest import mock

import numpy as np
from _beside_real import reproduce
from _judged import DIMENSIONS, heard

import tunesmith.composer
import tunesmith.generate
from tunesmith import Composer
from tunesmith.abc import parse
from tunesmith.evaluation.generated import Asked
from tunesmith.evaluation.structure import repeats, self_similarity
from tunesmith.models.judges import Judges


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prompts", nargs="+", default=["a Scottish strathspey",
                                                         "an Irish slip jig in 9/8"])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(2000, 3600, 100)))
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--close-repeat", action="store_true",
                        help="also every melody's last part closing a repeat")
    parser.add_argument("--restate", type=float, nargs="*", default=[],
                        help="also these nats toward restating a bar (1 as shipped)")
    args = parser.parse_args()
    composer, judges = Composer.load(), Judges.load()
    rows: list[tuple[str, Callable]] = [("as shipped", nullcontext)]
    if args.close_repeat:
        rows.append(("last part closing a repeat", lambda: mock.patch.object(
            tunesmith.composer, "ends_repeat", lambda rows, labels: True)))
    rows += [(f"restating at {r:g} nats", lambda r=r: mock.patch.object(
        tunesmith.generate, "RESTATE_BONUS", r)) for r in args.restate]
    print(f"| prompt | sampler | pieces | {' | '.join(f'{d} heard' for d in DIMENSIONS)} | "
          "key heard | repeating a part | bars restated | seconds |")
    print("|---|---|---:|" + "---:|" * (len(DIMENSIONS) + 4))
    for prompt in args.prompts:
        asked = Asked.of(prompt).labels
        for name, change in rows:
            start = time.perf_counter()
            with change():
                tunes = [parse(p.abc) for seed in args.seeds
                         for p in composer.generate(prompt, num=args.samples, seed=seed)]
            counts, keys = heard(judges, tunes, asked)
            cells = ["–" if c is None else str(c) for c in counts]
            print(f"| {prompt} | {name} | {len(tunes)} | {' | '.join(cells)} | {keys} | "
                  f"{sum(map(repeats, tunes))} | {np.mean([self_similarity(t) for t in tunes]):.1%}"
                  f" | {time.perf_counter() - start:.0f} |", flush=True)
    print(reproduce())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

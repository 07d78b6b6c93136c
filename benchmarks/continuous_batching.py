"""Continuous batching measured: 32 requests of 8 bars, one after another on one decoder,
then from concurrent threads whose steps ``tunesmith.batching.BatchedEngine`` runs as one
batch (``--clients`` threads). Prints wall time, the time spent in ONNX Runtime and the
rows stepped together on average.

    python benchmarks/continuous_batching.py --clients 4 16
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from tunesmith import Composer
from tunesmith.batching import BatchedEngine
from tunesmith.engine import OnnxEngine

PROMPTS = ["a lively Irish reel in D", "古典主义", "中国民歌", "a jig in A dorian",
           "Scottish strathspey", "巴洛克 圣咏", "slow air in G minor", "polka"]


def timed(engine: OnnxEngine, busy: list[float]) -> None:
    run = engine.run

    def clocked(*args, **kwargs):
        start = time.perf_counter()
        try:
            return run(*args, **kwargs)
        finally:
            busy[0] += time.perf_counter() - start

    engine.run = clocked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--requests", type=int, default=32)
    args = parser.parse_args()
    plain = Composer.load(engine="onnx")
    jobs = [(PROMPTS[i % len(PROMPTS)], i) for i in range(args.requests)]
    busy = [0.0]
    timed(plain.engine, busy)
    plain.generate("a reel", bars=4)
    busy[0], start = 0.0, time.perf_counter()
    serial = [plain.generate(p, bars=8, seed=s)[0].abc for p, s in jobs]
    print(f"| one after another | {time.perf_counter() - start:.2f} s | {busy[0]:.2f} s | 1 | "
          f"{args.requests} |")
    for clients in args.clients:
        engine = BatchedEngine(plain.engine)
        batched = Composer(plain.checkpoint, engine)
        busy[0], start = 0.0, time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            pieces = list(pool.map(lambda j, c=batched: c.generate(j[0], bars=8,
                                                                   seed=j[1])[0].abc, jobs))
        same = sum(a == b for a, b in zip(serial, pieces, strict=True))
        print(f"| batched, {clients} threads | {time.perf_counter() - start:.2f} s | "
              f"{busy[0]:.2f} s | {np.mean(engine.batches):.1f} | {same} |")
    print("\n(columns: wall, in ONNX Runtime, rows a step, pieces equal to the serial ones)")


if __name__ == "__main__":
    main()

"""Mutated real tunes through the notation core: how many break it (target 0).

    python benchmarks/fuzz_abc.py --data datasets/default --tunes 10000

Each tune of the prepared dataset (as written) is mutated as ``tests/test_properties.py``
does (deletions, stray barlines, brackets and digits, numbers past any limit, swaps) and
checked the same way: the lexer and tokenizer lose nothing, and parsing, normalising,
validating and measuring bars raise nothing but ``AbcError``. Prints the crash count, the
first crashes' last lines, and the command that reproduces it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ and benchmarks/

from tests.test_properties import _check, _mutate  # noqa: E402
from tunesmith.data.dataset import Dataset  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a prepared dataset")
    parser.add_argument("--tunes", type=int, default=10_000, help="mutated tunes to check")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tunes = Dataset(args.data).tunes()
    crashes: list[str] = []
    start = time.perf_counter()
    for _ in range(args.tunes):
        text = _mutate(rng.choice(tunes).abc, rng)
        try:
            _check(text)
        except Exception:  # anything _check lets through is a crash of the notation core
            crashes.append(traceback.format_exc().strip().splitlines()[-1])
    seconds = time.perf_counter() - start
    print(f"{args.tunes:,} mutated tunes, {len(crashes)} crashes, {seconds:.1f} s")
    for line in crashes[:10]:
        print("  ", line)
    print(f"reproduce: python {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()

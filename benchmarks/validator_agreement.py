"""How often tunesmith's bar validator agrees with abc2abc, over a prepared dataset.

    python benchmarks/validator_agreement.py --dataset datasets/default [--limit N]

abc2abc marks each wrong bar with ``%Error : Bar N is x not y``. Per tune, we compare
(a) the verdict (any bad bar or none) and (b) the multiset of (actual, expected) lengths,
for our lenient and strict modes. abc2abc numbers bars differently (it counts empty bars),
so lengths rather than bar numbers are compared.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

from tunesmith.abc import validate
from tunesmith.data.dataset import Dataset
from tunesmith.tools import abc2abc_check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0, help="random sample of N tunes")
    args = parser.parse_args()
    tunes = Dataset(args.dataset).tunes()
    if args.limit:
        tunes = random.Random(0).sample(tunes, min(args.limit, len(tunes)))
    start = time.time()
    verdict, exact, theirs_bad = Counter(), Counter(), 0
    ours_bad = Counter()
    for tune in tunes:
        report = abc2abc_check(tune.abc)
        theirs = sorted((a, e) for _, a, e in report.bad_bars)
        theirs_bad += bool(theirs)
        for mode in ("lenient", "strict"):
            ours = sorted((p.actual, p.expected) for p in validate(tune, strict=mode == "strict"))
            ours_bad[mode] += bool(ours)
            verdict[mode] += bool(ours) == bool(theirs)
            exact[mode] += ours == theirs
    n = len(tunes)
    print(f"{n} tunes, abc2abc flags {theirs_bad / n:.1%} of them "
          f"({time.time() - start:.0f} s)\n")
    print("| our mode | tunes we flag | same verdict as abc2abc | same bad-bar lengths |")
    print("|---|---:|---:|---:|")
    for mode in ("lenient", "strict"):
        print(f"| {mode} | {ours_bad[mode] / n:.1%} | {verdict[mode] / n:.1%} | "
              f"{exact[mode] / n:.1%} |")
    limit = f" --limit {args.limit}" if args.limit else ""
    print(f"\ncommand: python benchmarks/validator_agreement.py --dataset {args.dataset}{limit}")


if __name__ == "__main__":
    main()

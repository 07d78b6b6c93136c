"""Where tunes sit once ``canonical`` moves them to the tonic C: the median pitch of each
single-line training tune, as a histogram in 3-semitone bins.

    python benchmarks/canonical_register.py --dataset datasets/default

Moved by the smaller shift to C (G up 5, F down 5), tunes that sat in one register in their
own keys land in two registers an octave-ish apart on C: a model that reads them learns two
registers for the same style and may leap between them in one piece. Moved down to the C of
their tonic's octave (``same_octave``), they keep one. Prints the histogram for the tunes as
written (median minus the tonic in C4..B4, the register relative to the tonic) and on C by
either rule, and the share of tunes in the upper half of each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path

from tunesmith.abc import parse_key
from tunesmith.abc.canonical import canonical
from tunesmith.abc.notes import notes
from tunesmith.abc.tune import AbcError
from tunesmith.data.dataset import Dataset


def median_pitch(tune) -> int | None:
    pitches = [n.pitch for n in notes(tune)]
    return int(statistics.median(pitches)) if pitches else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--split", default="train")
    args = parser.parse_args()
    nearest, same, written = Counter(), Counter(), Counter()
    for tune in Dataset(args.dataset).tunes(args.split):
        if "V:" in tune.body or not tune.labels.get("tradition"):
            continue  # folk melodies: one line each
        try:
            key, own = parse_key(tune.key), median_pitch(tune)
            medians = [median_pitch(canonical(tune, rule)) for rule in (False, True)]
        except (AbcError, ValueError):
            continue
        if own is None or key.pitch_class is None:
            continue
        written[(own - 60 - key.pitch_class) // 3 * 3] += 1
        for counts, median in zip((nearest, same), medians, strict=True):
            counts[(median - 60) // 3 * 3] += 1
    total = sum(written.values())
    print(f"{total} single-line folk tunes of the {args.split} split; median pitch in "
          "semitones above middle C (bins of 3)\n")
    print("| bin | on their own tonic (median − tonic) | on C, smaller shift | "
          "on C, same octave |\n|---:|---:|---:|---:|")
    for b in sorted(set(nearest) | set(same) | set(written)):
        print(f"| {b:+d} | {written[b]} | {nearest[b]} | {same[b]} |")
    for name, counts in (("smaller shift", nearest), ("same octave", same)):
        upper = sum(n for b, n in counts.items() if b >= 9)
        print(f"\non C by the {name}: {upper / total:.1%} of tunes have their median at A4 "
              f"or above, {1 - upper / total:.1%} below")
    print(f"\nreproduce: python {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()

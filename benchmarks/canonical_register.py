"""Where tunes sit once ``canonical`` moves them to the tonic C: the median pitch of each
single-line training tune, as a histogram in 3-semitone bins.

    python benchmarks/canonical_register.py --dataset datasets/default

``canonical`` moves a tune by the smaller shift to C (G up 5, F down 5), so tunes that sat in
one register in their own keys land in two registers an octave-ish apart on C: a model that
reads them learns two registers for the same style and may leap between them in one piece.
Prints the histogram for the tunes as written (median minus tonic, the register relative to
the tonic) and on C, and the share of tunes in each half.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _dataset import load_tunes  # noqa: E402

from tunesmith.abc import parse_key  # noqa: E402
from tunesmith.abc.canonical import canonical  # noqa: E402
from tunesmith.abc.notes import notes  # noqa: E402
from tunesmith.abc.tune import AbcError  # noqa: E402


def median_pitch(tune) -> int | None:
    pitches = [n.pitch for n in notes(tune)]
    return int(statistics.median(pitches)) if pitches else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--split", default="train")
    args = parser.parse_args()
    on_c, written = Counter(), Counter()
    for tune in load_tunes(args.dataset, args.split):
        if "V:" in tune.body or not tune.labels.get("tradition"):
            continue  # folk melodies: one line each
        try:
            moved, key = canonical(tune), parse_key(tune.key)
            low, high = median_pitch(tune), median_pitch(moved)
        except (AbcError, ValueError):
            continue
        if low is None or key.pitch_class is None:
            continue
        written[(low - 60 - key.pitch_class) // 3 * 3] += 1
        on_c[(high - 60) // 3 * 3] += 1
    total = sum(on_c.values())
    print(f"{total} single-line folk tunes of the {args.split} split; median pitch in "
          "semitones above middle C (bins of 3)\n")
    print("| bin | on their own tonic (median − tonic) | on C (canonical) |\n|---:|---:|---:|")
    for b in sorted(set(on_c) | set(written)):
        print(f"| {b:+d} | {written[b]} | {on_c[b]} |")
    upper = sum(n for b, n in on_c.items() if b >= 9)
    print(f"\non C: {upper / total:.1%} of tunes have their median at A4 or above, "
          f"{1 - upper / total:.1%} below")
    print(f"\nreproduce: python {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()

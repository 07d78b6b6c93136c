"""Where minor melodies spend their time: each scale degree's share of the notes' length, of
the long notes (half the piece's longest or more), and the first and last notes' degrees, for
the training split's minor melodies and for the minor melodies of evaluation reports.

    python benchmarks/minor_degrees.py --dataset datasets/default runs/s32/eval-PP-s0 …

The tone judge hears many generated minor melodies in their relative major (the German minor
songs' and slow airs' keys); this asks whether their notes lean on its tonic, the minor
third, more than real minor melodies do.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np

from tunesmith.abc import AbcError, parse, parse_key
from tunesmith.abc.notes import notes
from tunesmith.data.dataset import Dataset

DEGREES = {0: "1", 2: "2", 3: "b3", 5: "4", 7: "5", 8: "b6", 9: "6", 10: "b7", 11: "7"}


def profile(abc: str) -> tuple[np.ndarray, np.ndarray, int, int] | None:
    """A minor melody's degree shares by length and among its long notes, and its first and
    last notes' degrees (semitones above the tonic); None for another mode or too few notes."""
    try:
        tune = parse(abc)
        key = parse_key(tune.key)
    except AbcError:
        return None
    sounding = notes(tune)
    if key.mode != "minor" or key.tonic is None or len(sounding) < 8 \
            or len({n.voice for n in sounding}) > 1:
        return None
    by_length, long = np.zeros(12), np.zeros(12)
    longest = max(n.length for n in sounding)
    for n in sounding:
        degree = (n.pitch - key.pitch_class) % 12
        by_length[degree] += float(n.length)
        long[degree] += n.length * 2 >= longest
    return (by_length / by_length.sum(), long / long.sum(),
            (sounding[0].pitch - key.pitch_class) % 12,
            (sounding[-1].pitch - key.pitch_class) % 12)


def row(name: str, profiles: list) -> str:
    if not profiles:
        return f"| {name} | 0 | | | | |"
    length = np.mean([p[0] for p in profiles], axis=0)
    long = np.mean([p[1] for p in profiles], axis=0)
    share = " · ".join(f"{DEGREES[d]} {length[d]:.3f}" for d in DEGREES)
    longs = " · ".join(f"{DEGREES[d]} {long[d]:.3f}" for d in (0, 3, 7, 10))
    first = Counter(DEGREES.get(p[2], "?") for p in profiles).most_common(3)
    last = Counter(DEGREES.get(p[3], "?") for p in profiles).most_common(3)
    return (f"| {name} | {len(profiles)} | {share} | {longs} | "
            f"{', '.join(f'{d} {n}' for d, n in first)} | "
            f"{', '.join(f'{d} {n}' for d, n in last)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=Path("datasets/default"))
    parser.add_argument("reports", type=Path, nargs="*",
                        help="evaluation report folders (their samples/*.json)")
    args = parser.parse_args()
    real: dict[str, list] = {}
    for _, record in Dataset(args.dataset).records("train"):
        labels = record["labels"]
        if labels.get("mode") == "minor" and (p := profile(record["abc"])):
            style = " ".join(filter(None, (labels.get("tradition"), labels.get("form"))))
            real.setdefault(style or "no style", []).append(p)
    made: dict[str, list] = {}
    for report in args.reports:
        for path in sorted((report / "samples").glob("*.json")):
            sample = json.loads(path.read_text(encoding="utf-8"))
            for abc in sample["abc"]:
                if p := profile(abc):
                    made.setdefault(sample["prompt"], []).append(p)
    print("| melodies | pieces | share of the notes' length by degree | among long notes "
          "| first notes | last notes |\n|---|---:|---|---|---|---|")
    print(row("real minor melodies, all", [p for ps in real.values() for p in ps]))
    for style in ("german song", "irish air", "scottish air", "irish jig", "irish reel"):
        print(row(f"real, {style}", real.get(style, [])))
    print(row("generated, all", [p for ps in made.values() for p in ps]))
    for prompt, profiles in made.items():
        print(row(f"generated: {prompt}", profiles))
    print("\nreproduce: python benchmarks/minor_degrees.py --dataset", args.dataset,
          *args.reports)


if __name__ == "__main__":
    main()

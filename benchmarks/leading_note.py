"""How often minor tunes use their leading note (the raised seventh, ``^G`` in A minor), real
against generated: the note that tells minor from the relative major.

    python benchmarks/leading_note.py --dataset datasets/default --reports runs/eval-v5h

Reads the first voice of every tune written in a minor key: the real ones of ``--split`` and
the pieces that ``tunesmith evaluate --report DIR`` kept under ``DIR/samples``. The sampler
leaves this note free of ``ACCIDENTAL_COST`` (``TokenTable.melody_cost``).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tunesmith.abc import Tune, parse, parse_key
from tunesmith.abc.notes import notes
from tunesmith.abc.tune import AbcError
from tunesmith.data.dataset import Dataset


def sevenths(tune: Tune) -> tuple[int, int, int] | None:
    """(raised sevenths, natural sevenths, notes) of the first voice of a minor tune."""
    try:
        key = parse_key(tune.key)
        sounding = notes(tune)
    except (AbcError, ValueError):
        return None
    if key.tonic is None or key.mode != "minor" or not sounding:
        return None
    first = [n.pitch % 12 for n in sounding if n.voice == sounding[0].voice]
    return (first.count((key.pitch_class + 11) % 12), first.count((key.pitch_class + 10) % 12),
            len(first))


def line(name: str, tunes: list[Tune]) -> str:
    counted = [c for c in map(sevenths, tunes) if c is not None]
    if not counted:
        return f"| {name} | 0 | – | – |"
    # each tune's share, then the mean: a long tune weighs as much as a short one
    raised = sum(r / n for r, _, n in counted) / len(counted)
    natural = sum(s / n for _, s, n in counted) / len(counted)
    return f"| {name} | {len(counted)} | {raised:.1%} | {natural:.1%} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--split", default="test")
    parser.add_argument("--reports", type=Path, nargs="*", default=[],
                        help="report folders of tunesmith evaluate --prompts")
    args = parser.parse_args()
    print("| tunes | minor | leading note (raised 7th) | natural 7th |\n|---|---:|---:|---:|")
    print(line(f"real, {args.split} split", Dataset(args.dataset).tunes(args.split)))
    for report in args.reports:
        pieces = [parse(abc) for path in sorted((report / "samples").glob("*.json"))
                  for abc in json.loads(path.read_text(encoding="utf-8"))["abc"]]
        print(line(str(report), pieces))
    print("\nreproduce: python benchmarks/leading_note.py --dataset", args.dataset, "--split",
          args.split, "--reports", *args.reports)


if __name__ == "__main__":
    main()

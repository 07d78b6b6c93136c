"""The same pieces as their report heard them and as another style judge hears them.

    python benchmarks/rejudge.py --judges /tmp/judges-new runs/s27/eval-IR-s0 runs/s27/eval-IR-s100

A change to how the judge reads music is a change of instrument: before it is taken, this
says what it would do to the verdicts on pieces already written: each ``tunesmith evaluate
--report`` folder's pieces, heard in the asked tradition, form and period as the report
recorded (the judges and code it was made with) and by the judges in ``--judges`` (made by
``tunesmith judges``, read by the code as it is now), prompt by prompt; and each judge's
recall on real test tunes of each label, as its ``judges.json`` recorded it.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from _beside_real import reproduce

from tunesmith.abc import parse
from tunesmith.evaluation.generated import recall, saved_pieces
from tunesmith.models.judges import Judges
from tunesmith.styles import STYLE_DIMENSIONS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--judges", type=Path, required=True, help="the other judges' folder")
    parser.add_argument("reports", type=Path, nargs="+", help="tunesmith evaluate --report folders")
    args = parser.parse_args()
    judges = {"bundled": Judges.load(), "other": Judges.load(args.judges)}
    for d in STYLE_DIMENSIONS:
        reports = {n: j.report["styles"][d] for n, j in judges.items()}
        labels = reports["bundled"]["labels"]
        print(f"recall on real test tunes, {d}: " + ", ".join(
            f"{label} {recall(reports['bundled'], label):.0%} → "
            f"{recall(reports['other'], label):.0%}" for label in labels))
    heard: dict[str, Counter] = defaultdict(Counter)  # prompt → (dimension, judges) → pieces
    for folder in args.reports:
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        other = judges["other"].styles([parse(abc) for abc in saved_pieces(folder)])
        for piece, verdict in zip(report["pieces"], other, strict=True):
            for d, v in piece["style"].items():
                heard[piece["prompt"]][d, "asked"] += 1
                heard[piece["prompt"]][d, "bundled"] += v["heard"] == v["asked"]
                heard[piece["prompt"]][d, "other"] += verdict.get(d) == v["asked"]
    print("\n| prompt | " + " | ".join(f"{d}: report → other" for d in STYLE_DIMENSIONS)
          + " |\n|---|" + "---:|" * len(STYLE_DIMENSIONS))
    for prompt, c in heard.items():
        print(f"| {prompt} | " + " | ".join(
            f"{c[d, 'bundled']} → {c[d, 'other']} of {c[d, 'asked']}" if c[d, "asked"] else "–"
            for d in STYLE_DIMENSIONS) + " |")
    for d in STYLE_DIMENSIONS:
        n = sum(c[d, "asked"] for c in heard.values())
        print(f"\n{d}: " + " → ".join(f"{sum(c[d, j] for c in heard.values()) / n:.1%}"
                                     for j in ("bundled", "other")) + f" of {n} pieces", end="")
    print("\n" + reproduce())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Several draws of ``tunesmith evaluate`` pooled into one row each, for the model card.

    python benchmarks/pooled_reports.py before=runs/eval-G-s0,runs/eval-G-s100 \\
        now=docs/evaluation,runs/eval-K-s100
    python benchmarks/pooled_reports.py --by-prompt before=runs/eval-G-s0 now=docs/evaluation

Each argument is NAME=REPORT[,REPORT...]: the report folders of one sampler drawn with
different ``--seed``s. A judge's verdicts are pooled over all the pieces (one draw of 128
pieces moves the tradition heard by ten points); overlaps and form measures are the mean of
the draws' figures. Prints a Markdown table; with ``--by-prompt`` a second one, each prompt's
pieces heard in the asked tradition, form and period and in the written key, counted over
the draws of each sampler, and a third, the voices' clashes, parallels, whole triads and
notes in chords of each prompt whose pieces have several voices.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

STYLES = ("tradition", "form", "period")
OVERLAPS = ("pitch_class", "interval", "note_length", "pitch_range", "tonic")
SHAPES = ("dance_tunes_that_repeat", "bars_restated", "notes_in_scale", "time_melodies_rest")
VOICES = ("dissonant_onsets", "parallel_fifths_and_octaves", "whole_triads", "notes_in_chords",
          "voices_coming_in_late", "late_voices_answering")
HEADER = ["tradition", "form", "period", "key", "pitch class", "interval", "length", "range",
          "tonic", "dance repeats", "restated", "in scale", "melodies rest", "valid"]


def _mean(values: list) -> float:
    kept = [v for v in values if v is not None and not np.isnan(v)]
    return float(np.mean(kept)) if kept else float("nan")


def row(folders: list[Path]) -> list[str]:
    """The pooled figures of the reports in ``folders``, formatted for the table."""
    reports = [json.loads((f / "report.json").read_text(encoding="utf-8")) for f in folders]
    pieces = [p for r in reports for p in r["pieces"]]
    cells = []
    for dim in STYLES:
        verdicts = [p["style"][dim] for p in pieces if dim in p["style"]]
        cells.append(f"{_mean([v['asked'] == v['heard'] for v in verdicts]):.1%}")
    cells.append(f"{_mean([p['key_heard_is_written'] for p in pieces]):.1%}")
    summaries = [r["summary"] for r in reports]
    cells += [f"{_mean([s['overlap_with_real'].get(f) for s in summaries]):.3f}"
              for f in OVERLAPS]
    cells += [f"{_mean([s['structure']['generated'][m] for s in summaries]):.1%}"
              for m in SHAPES]
    cells.append(f"{_mean([s['validity']['all_three'] for s in summaries]):.1%}")
    return [c.replace("nan%", "–").replace("nan", "–") for c in cells]


def by_prompt(folders: list[Path]) -> dict[str, str]:
    """Per prompt: 'tradition · form · period · key' heard as asked, as counts of its pieces
    over the reports in ``folders`` ('–' where the prompt did not ask that dimension)."""
    heard: dict[str, dict[str, list[bool]]] = {}
    for folder in folders:
        for p in json.loads((folder / "report.json").read_text(encoding="utf-8"))["pieces"]:
            counts = heard.setdefault(p["prompt"], {d: [] for d in (*STYLES, "key")})
            for dim in STYLES:
                if dim in p["style"]:
                    counts[dim].append(p["style"][dim]["asked"] == p["style"][dim]["heard"])
            counts["key"].append(bool(p["key_heard_is_written"]))
    return {prompt: " · ".join(f"{sum(v)}/{len(v)}" if v else "–" for v in counts.values())
            for prompt, counts in heard.items()}


def voices_by_prompt(folders: list[Path]) -> dict[str, str]:
    """Per prompt whose pieces have several voices: 'clashes / parallels / triads / chords /
    late / answering' (dissonant onsets, parallel fifths and octaves, quarter beats sounding a
    whole triad, notes struck in chords, voices coming in a bar after the first, those of them
    answering its opening: '–' in a report made before it was measured), the mean of the
    reports in ``folders``."""
    texture: dict[str, list[dict]] = {}
    for folder in folders:
        for g in json.loads((folder / "report.json").read_text(encoding="utf-8"))["prompts"]:
            if g["texture"]["generated"]["parallel_fifths_and_octaves"] is not None:
                texture.setdefault(g["prompt"], []).append(g["texture"])
    return {prompt: (" / ".join(
        f"{_mean([t['generated'].get(m) for t in ts]):.1%}" for m in VOICES)
        + " (real " + " / ".join(f"{_mean([t['real'].get(m) for t in ts]):.1%}"
                                 for m in VOICES)
        + ")").replace("nan%", "–") for prompt, ts in texture.items()}


def overlaps_by_prompt(folders: list[Path]) -> dict[str, str]:
    """Per prompt: how many real tunes its pieces were measured against and the pitch-class,
    interval, note-length and range overlaps with them, each beside what as many real tunes
    reach against the rest, the mean of the reports in ``folders``."""
    groups: dict[str, list[dict]] = {}
    for folder in folders:
        for g in json.loads((folder / "report.json").read_text(encoding="utf-8"))["prompts"]:
            groups.setdefault(g["prompt"], []).append(g)
    return {prompt: f"{gs[0]['real_tunes_alike']} ({gs[0].get('of_them_training', 0)}): "
            + " · ".join(f"{_mean([g['overlap'][f] for g in gs]):.2f}/"
                         f"{_mean([g['overlap_ceiling'][f] for g in gs]):.2f}"
                         for f in OVERLAPS[:4]) for prompt, gs in groups.items()}


def _table(title: str, cells: dict[str, dict[str, str]]) -> None:
    print(f"\n{title}\n")
    print("| prompt | " + " | ".join(cells) + " |")
    print("|---|" + "---:|" * len(cells))
    for prompt in next(iter(cells.values())):
        print(f"| {prompt} | " + " | ".join(c.get(prompt, "") for c in cells.values()) + " |")


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--by-prompt"]
    if not args or any("=" not in a for a in args):
        print(__doc__, file=sys.stderr)
        return 2
    samplers = {}
    for arg in args:
        name, folders = arg.split("=", 1)
        paths = [Path(f) for f in folders.split(",")]
        missing = [str(p) for p in paths if not (p / "report.json").exists()]
        if missing:
            print(f"pooled_reports.py: no report.json in {', '.join(missing)}", file=sys.stderr)
            return 2
        samplers[name] = paths
    print("| sampler | draws | " + " | ".join(HEADER) + " |")
    print("|---|---:|" + "---:|" * len(HEADER))
    for name, paths in samplers.items():
        print(f"| {name} | {len(paths)} | " + " | ".join(row(paths)) + " |")
    if "--by-prompt" in sys.argv:
        _table("heard as asked, pieces of each prompt: tradition · form · period · key",
               {name: by_prompt(paths) for name, paths in samplers.items()})
        _table("the prompts with voices: dissonant onsets / parallel fifths and octaves / "
               "quarter beats sounding a whole triad / notes in chords / voices coming in a "
               "bar late / of them answering the first, the mean of the draws (real: the real "
               "tunes alike, as the report takes them)",
               {name: voices_by_prompt(paths) for name, paths in samplers.items()})
        _table("real tunes alike (of them training): pitch class · interval · note length · "
               "range overlap, each / what as many real tunes alike reach, the mean of the draws",
               {name: overlaps_by_prompt(paths) for name, paths in samplers.items()})
    print(f"\nreproduce: python benchmarks/pooled_reports.py {' '.join(sys.argv[1:])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

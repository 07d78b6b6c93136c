"""Sampling settings judged by ``tunesmith evaluate --prompts``: which defaults write the music
closest to the asked style.

    python benchmarks/sampling_sweep.py --data datasets/default --out runs/sweep \\
        --samples 1 --setting guidance=1 --setting guidance=2 --setting temperature=0.9

Each ``--setting`` (``name=value[,name=value]`` with names temperature, top_p, guidance,
rerank) gets its own report folder under OUT, so a killed sweep resumes with the samples it
finished. Prints one Markdown row per setting: style heard as asked (tradition, form,
period), key heard as written, histogram overlap (pitch class, interval, note length, range),
dance tunes that repeat, notes in scale, and the share with 4 or more copied bars.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

OPTIONS = {"temperature": "--temperature", "top_p": "--top-p", "guidance": "--guidance",
           "rerank": "--rerank"}


def parse_setting(text: str) -> dict[str, str]:
    pairs = dict(part.split("=", 1) for part in text.split(",") if "=" in part)
    unknown = set(pairs) - set(OPTIONS)
    if not pairs or unknown:
        raise SystemExit(f"--setting {text!r}: use name=value pairs with names {list(OPTIONS)}")
    return pairs


def run(setting: dict[str, str], args: argparse.Namespace) -> dict:
    name = "_".join(f"{k}{v}" for k, v in setting.items())
    report = args.out / name
    cmd = ["tunesmith", "evaluate", "--data", str(args.data), "--prompts", str(args.prompts),
           "--samples", str(args.samples), "--bars", str(args.bars), "--report", str(report),
           "--quiet"]
    if args.model:
        cmd += ["--model", args.model]
    for key, value in setting.items():
        cmd += [OPTIONS[key], value]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return json.loads((report / "report.json").read_text(encoding="utf-8"))["summary"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--prompts", type=Path, default=Path("benchmarks/prompts.txt"))
    parser.add_argument("--samples", type=int, default=1)
    parser.add_argument("--bars", type=int, default=16)
    parser.add_argument("--setting", action="append", required=True)
    parser.add_argument("--out", type=Path, default=Path("runs/sweep"))
    args = parser.parse_args()
    print("| setting | tradition | form | period | key | pitch class | interval | length | "
          "range | tonic | dance repeats | in scale | ≥4 copied bars |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for text in args.setting:
        s = run(parse_setting(text), args)
        style = [s["style"][d]["accuracy"] for d in ("tradition", "form", "period")]
        overlap = list(s["overlap_with_real"].values())
        gen = s["structure"]["generated"]
        cells = [f"{x:.1%}" for x in style + [s["key"]["heard_is_written"]]]
        cells += [f"{x:.3f}" for x in overlap]
        cells += [f"{gen['dance_tunes_that_repeat']:.1%}", f"{gen['notes_in_scale']:.1%}",
                  f"{s['novelty']['share_with_4_copied_bars']:.1%}"]
        print(f"| {text} | " + " | ".join(cells) + " |", flush=True)
    print(f"\nreproduce: python {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()

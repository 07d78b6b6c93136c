"""Validation-loss curves of training runs, as a PNG.

    python benchmarks/loss_curves.py runs/small --out docs/model-card-curves.png
    python benchmarks/loss_curves.py runs/compare/small runs/compare/lstm --out curves.png

Reads each run's ``metrics.jsonl`` (written by ``tunesmith train``) and plots validation loss
in bits per token against the optimizer step, with the training loss of the same steps dashed.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path


def plot(runs: dict[str, Path], file: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, run in runs.items():
        rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()
                if line.strip()]
        rows = [r for r in rows if "valid_loss" in r]
        steps = [r["step"] for r in rows]
        (line,) = ax.plot(steps, [r["valid_loss"] / math.log(2) for r in rows], marker="o",
                          markersize=3, label=f"{name} valid")
        ax.plot(steps, [r["train_loss"] / math.log(2) for r in rows], linestyle="--",
                color=line.get_color(), alpha=0.6, label=f"{name} train")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss (bits/token)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(file, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", type=Path, help="run directories")
    parser.add_argument("--out", type=Path, required=True, help="PNG to write")
    args = parser.parse_args()
    plot({run.name: run for run in args.runs}, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

"""The model comparison of the model card: each model type trained for the same CPU time.

    python benchmarks/compare_models.py --data datasets/default --minutes 10 --out runs/compare

For each config (transformer small, shared-layer small, LSTM, GRU): a short timed probe of
training steps on this machine turns ``--minutes`` into a step count, ``tunesmith train`` runs
that many steps (resuming if a previous run was killed; a finished one is not retrained), then
``tunesmith evaluate`` scores its best checkpoint on the valid and test splits and on
``--heldout``. Prints a Markdown table, writes it with the figures to OUT/comparison.json and
the validation-loss curves to OUT/curves.png. The step count, not the wall clock, fixes each
model's budget, so a busy machine slows the run down but does not change its result.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from loss_curves import plot
from train_throughput import measure

CONFIGS = ("small", "small-shared", "lstm", "gru")
BATCH = 16  # windows per step, every model


def train(config: str, data: Path, out: Path, steps: int) -> None:
    last = out / "last" / "metrics.json"
    if last.exists() and json.loads(last.read_text())["step"] >= steps:
        return
    cmd = ["tunesmith", "train", "--data", str(data), "--config", config, "--out", str(out),
           "--steps", str(steps), "--batch-size", str(BATCH), "--warmup", str(steps // 15),
           "--eval-every", str(max(1, steps // 10)), "--eval-batches", "10"]
    if last.exists():
        cmd.append("--resume")
    print(" ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def evaluate(run: Path, data: Path, heldout: Path | None) -> dict:
    cmd = ["tunesmith", "evaluate", "--model", str(run / "best"), "--data", str(data),
           "--split", "valid", "test", "--json", str(run / "evaluation.json"), "--quiet"]
    if heldout:
        cmd += ["--abc", str(heldout)]
    if not (run / "evaluation.json").exists():
        subprocess.run(cmd, check=True)
    return {r["name"].rsplit(":", 1)[-1] if r["name"].startswith(str(data)) else "heldout": r
            for r in json.loads((run / "evaluation.json").read_text())["results"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("datasets/default"))
    parser.add_argument("--out", type=Path, default=Path("runs/compare"))
    parser.add_argument("--minutes", type=float, default=10.0, help="CPU budget per model")
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS))
    parser.add_argument("--heldout", type=Path,
                        default=Path("../shared/heldout/nottingham_heldout.abc"))
    args = parser.parse_args()
    heldout = args.heldout if args.heldout.exists() else None
    args.out.mkdir(parents=True, exist_ok=True)
    plan_file = args.out / "plan.json"  # probes are noisy: a rerun keeps the first plan
    plan = json.loads(plan_file.read_text()) if plan_file.exists() else {}
    for config in args.configs:
        if config not in plan:
            probe = measure(config, steps=3, warmup=1, batch=BATCH)
            steps = max(10, round(args.minutes * 60 * probe["tokens_per_s"]
                                  / (BATCH * probe["context"])))
            plan[config] = {"tokens_per_s": probe["tokens_per_s"], "steps": steps,
                            "parameters": probe["parameters"]}
            plan_file.write_text(json.dumps(plan, indent=1))
    rows = []
    for config in args.configs:
        run = args.out / config
        train(config, args.data, run, plan[config]["steps"])
        scores = evaluate(run, args.data, heldout)
        wall = json.loads((run / "last" / "metrics.json").read_text())["wall_seconds"]
        rows.append({"config": config, **plan[config], "wall_seconds": wall,
                     **{f"{k}_bits_per_token": v["bits_per_token"] for k, v in scores.items()},
                     **{f"{k}_bits_per_char": v["bits_per_char"] for k, v in scores.items()}})
    plot({c: args.out / c for c in args.configs}, args.out / "curves.png")
    (args.out / "comparison.json").write_text(json.dumps(rows, indent=1))
    print(f"\nequal CPU budget: {args.minutes:g} min per model (steps from a timed probe), "
          f"batch {BATCH}\n")
    print("| model | parameters | steps | wall s | valid bits/token | test bits/token | "
          "test bits/char | heldout bits/char |\n|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['config']} | {r['parameters'] / 1e6:.2f}M | {r['steps']} | "
              f"{r['wall_seconds']:.0f} | {r['valid_bits_per_token']:.3f} | "
              f"{r['test_bits_per_token']:.3f} | {r['test_bits_per_char']:.3f} | "
              f"{r.get('heldout_bits_per_char', float('nan')):.3f} |")
    print(f"\ncurves: {args.out / 'curves.png'}\nreproduce: python {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()

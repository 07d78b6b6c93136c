"""Training throughput of each model type on this machine, against its fp32 matmul ceiling.

    python benchmarks/train_throughput.py                  # small, small-shared, base,
                                                           # base-shared, lstm, gru
    python benchmarks/train_throughput.py --configs small lstm --steps 10

For each bundled config: timed optimizer steps (forward, backward, AdamW) at the config's
context and a batch of 8 windows (``--batch``) on random tokens of a 1,640-token vocabulary
(the default dataset's; throughput does not depend on which tokens), after warm-up steps.
Achieved GFLOP/s is 6 x compute-parameters x tokens/s, where compute-parameters counts a
shared block once per application (it does the work of n_layer blocks). The ceiling is a
2048 x 2048 fp32 matmul timed in the same run.
"""

from __future__ import annotations

import argparse
import platform
import time

import torch

from tunesmith.models import Transformer, build_model, config_from_dict
from tunesmith.train import load_run_config

VOCAB = 1640


def matmul_ceiling(n: int = 2048, repeats: int = 10) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * n**3 * repeats / (time.perf_counter() - start) / 1e9


def compute_parameters(model: torch.nn.Module) -> int:
    """Parameters that do work per token: a shared block counts once per application."""
    n = model.num_parameters()
    if isinstance(model, Transformer) and model.config.share_layers:
        n += (model.config.n_layer - 1) * sum(p.numel() for p in model.blocks[0].parameters())
    return n


def measure(name: str, steps: int, warmup: int, batch: int | None) -> dict:
    spec, train = load_run_config(name)
    config = config_from_dict(spec, vocab_size=VOCAB)
    torch.manual_seed(0)
    model = build_model(config).train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    rows = batch or train.batch_size  # 0 or None: the config's own
    x = torch.randint(0, VOCAB, (rows, config.context + 1))
    for i in range(warmup + steps):
        if i == warmup:
            start = time.perf_counter()
        loss = model(x[:, :-1], x[:, 1:])[1]
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
    seconds = time.perf_counter() - start
    tokens_per_s = rows * config.context * steps / seconds
    work = compute_parameters(model)
    return {"config": name, "parameters": model.num_parameters(), "compute_parameters": work,
            "batch": rows, "context": config.context, "tokens_per_s": tokens_per_s,
            "gflops": 6 * work * tokens_per_s / 1e9}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--configs", nargs="+",
                        default=["small", "small-shared", "base", "base-shared", "lstm", "gru"])
    parser.add_argument("--steps", type=int, default=5, help="timed steps per config")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--batch", type=int, default=8,
                        help="windows per step (default 8; 0 = each config's own batch size)")
    args = parser.parse_args()
    ceiling = matmul_ceiling()
    print(f"{platform.processor() or platform.machine()}, {torch.get_num_threads()} threads, "
          f"torch {torch.__version__}; fp32 matmul ceiling {ceiling:.1f} GFLOP/s\n", flush=True)
    print("| config | parameters | compute params | batch x context | tokens/s | GFLOP/s | "
          "of ceiling |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in args.configs:
        r = measure(name, args.steps, args.warmup, args.batch)
        print(f"| {name} | {r['parameters'] / 1e6:.2f}M | {r['compute_parameters'] / 1e6:.2f}M "
              f"| {r['batch']} x {r['context']} | {r['tokens_per_s']:,.0f} | "
              f"{r['gflops']:.1f} | {r['gflops'] / ceiling:.0%} |", flush=True)
    print(f"\nreproduce: python benchmarks/train_throughput.py --configs {' '.join(args.configs)}"
          f" --steps {args.steps} --batch {args.batch}")


if __name__ == "__main__":
    main()

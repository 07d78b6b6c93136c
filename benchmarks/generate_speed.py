"""Generation speed: raw decoding with and without the KV cache, whole tunes, CLI start-up.

    python benchmarks/generate_speed.py                       # small config, random weights
    python benchmarks/generate_speed.py --model runs/small/best

Each figure on both engines (``tunesmith.engine``): ONNX Runtime and PyTorch. Raw decoding
samples ``--tokens`` tokens per row without constraints, at batch 1 and 8, with the KV cache
(one token's work per step); PyTorch also by full recompute of the growing sequence, and the
matrix-vector floor (every weight matrix times one vector, nothing else). "Whole 32-bar tune"
runs ``Composer.generate`` (prompt, header, constrained sampling) for a reel; "cold start" is
the wall time of ``tunesmith --help`` and of a whole ``tunesmith generate`` in a fresh
process (imports, model load, one 32-bar tune).
Arithmetic does not depend on the weights, so random weights measure speed fairly.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from tunesmith.checkpoint import load_checkpoint, save_checkpoint
from tunesmith.composer import Composer
from tunesmith.engine import Engine, TorchEngine, load_engine
from tunesmith.models import build_model, config_from_dict
from tunesmith.train import load_run_config


def random_checkpoint(config_name: str, vocab_from: Path, out: Path) -> Path:
    from tunesmith.abc import Tokenizer

    tokenizer = Tokenizer.load(vocab_from)
    spec, _ = load_run_config(config_name)
    config = config_from_dict(spec, vocab_size=len(tokenizer))
    torch.manual_seed(0)
    save_checkpoint(out, build_model(config), config, tokenizer, styles=[], data={},
                    metrics={})
    return out


def decode_rate(engine: Engine, batch: int, tokens: int, repeats: int = 3) -> float:
    """Tokens/s of raw decoding with the KV cache: one token's work a step, sampled from the
    softmax as the sampler does (numpy), no tracker. The median of ``repeats`` runs after an
    untimed one: a running generator or server has its buffers already (the engine keeps a
    released cache's), and a first call's allocations are the cold start rows' to count."""
    rates = []
    for _ in range(repeats + 1):
        rng = np.random.default_rng(0)
        start = time.perf_counter()
        logits, cache = engine.forward(np.zeros((batch, 1), np.int64))
        for _ in range(tokens - 1):
            p = np.exp(logits - logits.max(-1, keepdims=True))
            cdf = np.cumsum(p / p.sum(-1, keepdims=True), -1)
            nxt = np.minimum((cdf <= rng.random((batch, 1))).sum(-1), cdf.shape[-1] - 1)
            logits, cache = engine.forward(nxt[:, None], cache)
        rates.append(batch * tokens / (time.perf_counter() - start))
        engine.release(cache)
    return float(np.median(rates[1:]))


@torch.inference_mode()
def recompute_rate(model: torch.nn.Module, batch: int, tokens: int) -> float:
    """Tokens/s without a cache: the whole growing sequence again for every token."""
    gen = torch.Generator().manual_seed(0)
    seq = torch.zeros(batch, 1, dtype=torch.long)
    start = time.perf_counter()
    for _ in range(tokens - 1):
        logits = model(seq, last_only=True)[0]
        nxt = torch.multinomial(torch.softmax(logits[:, -1], -1), 1, generator=gen)
        seq = torch.cat((seq, nxt), 1)
    return batch * tokens / (time.perf_counter() - start)


@torch.inference_mode()
def matvec_floor(model: torch.nn.Module, tokens: int) -> float:
    """Tokens/s if a step did nothing but its matrix-vector products: every weight matrix
    (the tied embedding once, as the output head) times one vector, in model order. At batch
    1 this streams all weights from memory per token, the floor no decoding loop can beat."""
    weights = [p for name, p in model.named_parameters() if p.dim() == 2
               and not name.startswith("pos_embed")]
    x = {w.shape[1]: torch.randn(1, w.shape[1]) for w in weights}
    start = time.perf_counter()
    for _ in range(tokens):
        for w in weights:
            torch.nn.functional.linear(x[w.shape[1]], w)
    return tokens / (time.perf_counter() - start)


def whole_tune(composer: Composer, tunes: int, guidance: float) -> str:
    """Seconds (and tokens/s) a 32-bar reel takes ``Composer.generate``, over ``tunes``."""
    start = time.perf_counter()
    tokens = sum(composer.generate("a lively Irish reel in D", bars=32, seed=s,
                                   guidance=guidance)[0].tokens for s in range(tunes))
    seconds = (time.perf_counter() - start) / tunes
    return f"{seconds:.2f} s ({tokens / tunes / seconds:,.0f} tokens/s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, help="checkpoint (default: random small)")
    parser.add_argument("--config", default="small", help="config for random weights")
    parser.add_argument("--vocab", type=Path, default=Path("datasets/default/vocab.json"),
                        help="vocabulary for random weights")
    parser.add_argument("--tokens", type=int, default=200, help="tokens per row, raw decoding")
    parser.add_argument("--tunes", type=int, default=3, help="32-bar tunes to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.model or random_checkpoint(args.config, args.vocab, Path(tmp) / "ck")
        checkpoint, onnx = load_engine(path, "onnx")
        model = load_checkpoint(path).model
        engines = {"onnx": onnx, "torch": TorchEngine(model)}
        import onnxruntime

        print(f"model {path} ({model.num_parameters() / 1e6:.2f}M parameters); ONNX Runtime "
              f"{onnxruntime.__version__}; torch {torch.__version__}, {torch.get_num_threads()} "
              "threads\n", flush=True)
        print("| figure | ONNX Runtime | PyTorch |\n|---|---:|---:|")
        for batch in (1, 8):
            rates = [decode_rate(e, batch, args.tokens) for e in engines.values()]
            print(f"| KV-cache decode, batch {batch} (tokens/s) | {rates[0]:,.0f} | "
                  f"{rates[1]:,.0f} |", flush=True)
        print(f"| full recompute, batch 1 (tokens/s) | | "
              f"{recompute_rate(model, 1, args.tokens):,.0f} |")
        print(f"| matrix-vector products only, batch 1 (floor, tokens/s) | | "
              f"{matvec_floor(model, args.tokens):,.0f} |", flush=True)
        composers = {kind: Composer.load(path, engine=kind) for kind in engines}
        for composer in composers.values():
            composer.generate("a reel", bars=4, seed=0)  # warm-up
        for guidance in (1.0, 1.5):  # guided: each piece decoded with and without its style
            cells = [whole_tune(c, args.tunes, guidance) for c in composers.values()]
            what = "warm" if guidance == 1 else f"warm, guidance {guidance}"
            print(f"| whole 32-bar tune, constrained, {what} | {cells[0]} | {cells[1]} |",
                  flush=True)
        for argv in (["--help"], ["generate", "a reel", "--bars", "32", "--model", str(path)]):
            cells = []
            for kind in engines:
                extra = ["--engine", kind] if argv[0] == "generate" else []
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "tunesmith.cli", *argv, *extra],
                               check=True, capture_output=True)
                cells.append(f"{time.perf_counter() - start:.2f} s")
            if argv[0] == "--help":
                cells[1] = ""
            print(f"| cold start, `tunesmith {' '.join(argv[:2])}` | {cells[0]} | "
                  f"{cells[1]} |")
    model_arg = f"--model {args.model}" if args.model else f"--config {args.config}"
    print(f"\nreproduce: python benchmarks/generate_speed.py {model_arg} --tokens {args.tokens}")


if __name__ == "__main__":
    main()

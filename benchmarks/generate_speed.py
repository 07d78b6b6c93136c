"""Generation speed: raw decoding with and without the KV cache, whole tunes, CLI start-up.

    python benchmarks/generate_speed.py                       # small config, random weights
    python benchmarks/generate_speed.py --model runs/small/best

Raw decoding samples ``--tokens`` tokens per row without constraints, at batch 1 and 8: with
the KV cache (one token's work per step) and by full recompute of the growing sequence.
"Seconds per 32-bar tune" runs ``Composer.generate`` (prompt, header, constrained sampling)
for a reel; "CLI cold start" is the wall time of ``tunesmith --help`` and of a whole
``tunesmith generate`` in a fresh process (imports, model load, one 32-bar tune).
Arithmetic does not depend on the weights, so random weights measure speed fairly.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from tunesmith.checkpoint import load_checkpoint, save_checkpoint
from tunesmith.composer import Composer
from tunesmith.models import KVCache, build_model, config_from_dict
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


@torch.inference_mode()
def decode_rate(model: torch.nn.Module, batch: int, tokens: int, cached: bool) -> float:
    gen = torch.Generator().manual_seed(0)
    ids = torch.zeros(batch, 1, dtype=torch.long)
    start = time.perf_counter()
    if cached:
        cache = KVCache(model.config, batch, "cpu")
        logits = model(ids, cache=cache, last_only=True)[0]
        for _ in range(tokens - 1):
            nxt = torch.multinomial(torch.softmax(logits[:, -1], -1), 1, generator=gen)
            logits = model(nxt, cache=cache, last_only=True)[0]
    else:
        seq = ids
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
        model = load_checkpoint(path).model
        params = model.num_parameters()
        print(f"model {path} ({params / 1e6:.2f}M parameters), {torch.get_num_threads()} "
              f"threads, torch {torch.__version__}\n", flush=True)
        print("| decoding | batch | tokens/s |\n|---|---:|---:|")
        decode_rate(model, 1, 20, True)  # warm-up
        for batch in (1, 8):
            for cached in (True, False):
                rate = decode_rate(model, batch, args.tokens, cached)
                name = "KV cache" if cached else "full recompute"
                print(f"| {name} | {batch} | {rate:,.0f} |", flush=True)
        floor = matvec_floor(model, args.tokens)
        print(f"| matrix-vector products only (floor) | 1 | {floor:,.0f} |")
        composer = Composer.load(path)
        composer.generate("a reel", bars=4, seed=0)  # warm-up
        start = time.perf_counter()
        tokens = sum(composer.generate("a lively Irish reel in D", bars=32, seed=s)[0].tokens
                     for s in range(args.tunes))
        seconds = (time.perf_counter() - start) / args.tunes
        print(f"\nwhole 32-bar tune (constrained, batch 1): {seconds:.2f} s per tune, "
              f"{tokens / args.tunes / seconds:,.0f} tokens/s")
        for argv in (["--help"], ["generate", "a reel", "--bars", "32", "--model", str(path)]):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "tunesmith.cli", *argv], check=True,
                           capture_output=True)
            print(f"CLI cold start, tunesmith {' '.join(argv[:2])}: "
                  f"{time.perf_counter() - start:.2f} s")
    model_arg = f"--model {args.model}" if args.model else f"--config {args.config}"
    print(f"\nreproduce: python benchmarks/generate_speed.py {model_arg} --tokens {args.tokens}")


if __name__ == "__main__":
    main()

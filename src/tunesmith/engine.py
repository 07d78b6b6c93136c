"""Decoding engines: what turns token ids into the next token's logits for the sampler.

Both take and give numpy arrays, so the sampler and the bar tracker are the same code whatever
runs the model. ``OnnxEngine`` runs a transformer checkpoint's ``model.onnx`` (its decode step
with a KV cache, ``models/decoder_graph.py``) on ONNX Runtime: a few hundred microseconds a
token where eager PyTorch spends milliseconds on per-operation overhead, and no ``import
torch`` (over a second) before the first note. ``TorchEngine`` runs the PyTorch module: any
model kind, a GPU, and the fallback when a checkpoint has no graph. The same ids give the same
logits to about 1e-5 (tests/test_engine.py).
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .checkpoint import WEIGHTS, Checkpoint, CheckpointError, load_checkpoint
from .models.config import TransformerConfig
from .models.decoder_graph import GRAPH, WEIGHTS_KEY, has_graph, weights_header

ENGINES = ("auto", "onnx", "torch")
KEPT_BYTES = 256 << 20  # the most released key/value buffers an engine keeps for reuse


class Engine(Protocol):
    context: float  # positions one cache holds; past it the decoder restarts (the seam)
    ragged: bool  # whether one cache's rows may stand at different positions (``rows``)

    def new_cache(self, rows: int) -> Any:
        """An empty cache for ``rows`` rows."""

    def forward(self, ids: np.ndarray, cache: Any = None, rows: slice | None = None
                ) -> tuple[np.ndarray, Any]:
        """Logits (B, V) float32 after ``ids`` (B, T), which continue ``cache`` (None: a
        fresh start), and the cache that now holds them. A ragged engine feeds only the
        cache's ``rows`` (B of them) when given: rows start from prompts of their own."""

    def release(self, cache: Any) -> None:
        """The decoder holding ``cache`` is done with it."""


class TorchEngine:
    ragged = False  # a cache's rows share one position

    def __init__(self, model):
        self.model, self.device = model, next(model.parameters()).device
        config = model.config
        self.context = config.context if isinstance(config, TransformerConfig) else math.inf

    def new_cache(self, rows: int) -> Any:
        return self.model.new_cache(rows, self.device)

    def forward(self, ids: np.ndarray, cache: Any = None, rows: slice | None = None
                ) -> tuple[np.ndarray, Any]:
        import torch

        if rows is not None:
            raise ValueError("PyTorch's caches hold their rows at one position: no rows=")
        with torch.inference_mode():
            if cache is None:
                cache = self.new_cache(ids.shape[0])
            logits = self.model(torch.from_numpy(ids).to(self.device), cache=cache,
                                last_only=True)[0]
            return logits[:, -1].float().cpu().numpy(), cache

    def release(self, cache: Any) -> None:
        """Nothing to hand back: a decoder's own cache goes with it."""


class OnnxEngine:
    ragged = True  # each row's length is its own (``seqlens``)

    def __init__(self, path: Path, config: TransformerConfig, threads: int = 0):
        """``path``: a checkpoint with ``model.onnx``; a ``CheckpointError`` says why not."""
        if not has_graph(config):
            raise CheckpointError("only a transformer without a text prefix has an ONNX graph")
        graph = path / GRAPH
        if not graph.exists():
            raise CheckpointError(f"{graph} is missing (a checkpoint saved before it "
                                  f"existed); write it with `tunesmith export {path}`")
        try:
            import onnxruntime as ort
        except ImportError:
            raise CheckpointError("onnxruntime is not installed (pip install onnxruntime)"
                                  ) from None
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # 0: one per core
        options.log_severity_level = 3  # warnings about unused initializers are noise here
        try:
            digest = weights_header(path / WEIGHTS)[2]
            self.session = ort.InferenceSession(str(graph), options,
                                                providers=["CPUExecutionProvider"])
        except Exception as exc:  # ORT raises its own types; any of them means unusable
            raise CheckpointError(f"{graph}: unusable ({str(exc).splitlines()[0][:200]}); "
                                  f"rewrite it with `tunesmith export {path}`") from None
        if self.session.get_modelmeta().custom_metadata_map.get(WEIGHTS_KEY) != digest:
            raise CheckpointError(f"{graph} was written for other weights than "
                                  f"{path / WEIGHTS}; rewrite it with `tunesmith export "
                                  f"{path}`")
        self.context = config.context
        self.past = [f"{kv}_{i}" for i in range(config.n_layer) for kv in "kv"]
        self.heads, self.head_size = config.n_head, config.d_model // config.n_head
        self.vocab = config.vocab_size
        self._spare: dict[int, list[SlotCache]] = {}  # released caches by rows, bound already
        self._lock = threading.Lock()

    def new_cache(self, rows: int) -> SlotCache:
        with self._lock:
            spare = self._spare.get(rows)
            cache = spare.pop() if spare else SlotCache(self, rows, 64)
        cache.lengths[:] = 0
        return cache

    def forward(self, ids: np.ndarray, cache: SlotCache | None = None,
                rows: slice | None = None) -> tuple[np.ndarray, SlotCache]:
        if cache is None:
            cache = self.new_cache(ids.shape[0])
        part = slice(None) if rows is None else rows
        lengths = cache.lengths[part] + ids.shape[1]
        if len(lengths) != ids.shape[0]:
            raise ValueError(f"{ids.shape[0]} rows of ids for {len(lengths)} rows of cache")
        if lengths.max() > self.context:
            raise ValueError(f"{lengths.max()} positions exceed the model's context of "
                             f"{self.context}")
        if lengths.max() > cache.positions:  # room doubles up to the context: few copies
            cache.grow(min(max(int(lengths.max()), 2 * cache.positions), int(self.context)))
        if rows is None and ids.shape[1] == 1:  # a step of every row: the bound inputs
            binding = cache.step_binding()
            cache.ids[:], cache.seqlens[:], cache.total[...] = ids, lengths - 1, lengths.max()
        else:  # a prompt, or some rows' own: bound for this call
            binding = cache.binding(part)
            binding.bind_cpu_input("ids", np.ascontiguousarray(ids, dtype=np.int64))
            binding.bind_cpu_input("seqlens", (lengths - 1).astype(np.int32))  # rows' last
            binding.bind_cpu_input("total", np.array(lengths.max(), np.int32))
        self.session.run_with_iobinding(binding)
        cache.lengths[part] = lengths
        return cache.logits[part].copy(), cache

    def release(self, cache: SlotCache) -> None:
        """Keep a decoder's buffers for the next one of as many rows: a fresh cache costs
        page faults and bindings (a 20-row prompt 21 ms fresh, 6 ms on kept buffers)."""
        with self._lock:
            kept = self._spare.setdefault(len(cache.lengths), [])
            held = sum(c.bytes for spare in self._spare.values() for c in spare)
            if len(kept) < 4 and held + cache.bytes <= KEPT_BYTES:
                kept.append(cache)


class SlotCache:
    """Keys and values of ``rows`` rows in buffers ONNX Runtime reads and writes in place,
    room for ``positions`` positions a row (``grow`` makes more); ``lengths``: the positions
    each row holds."""

    def __init__(self, engine: OnnxEngine, rows: int, positions: int):
        self.shape = (rows, engine.heads, positions, engine.head_size)
        self.buffers = {name: np.zeros(self.shape, np.float32) for name in engine.past}
        self.logits = np.zeros((rows, engine.vocab), np.float32)
        self.lengths = np.zeros(rows, np.int64)
        # a step's inputs, bound once and written in place: a binding per call costs a
        # batch-1 step 5% (benchmarks/generate_speed.py)
        self.ids, self.seqlens = np.zeros((rows, 1), np.int64), np.zeros(rows, np.int32)
        self.total = np.zeros((), np.int32)
        self.session = engine.session
        self._binding = None

    @property
    def positions(self) -> int:
        return self.shape[2]

    @property
    def bytes(self) -> int:
        return sum(buffer.nbytes for buffer in self.buffers.values())

    def grow(self, positions: int) -> None:
        """Room for ``positions`` a row, keeping what is held (bindings made again)."""
        self.shape = (*self.shape[:2], positions, self.shape[3])
        for name, old in self.buffers.items():
            self.buffers[name] = np.zeros(self.shape, np.float32)
            self.buffers[name][:, :, :old.shape[2]] = old
        self._binding = None

    def step_binding(self):
        """The binding of a step of every row, made once (again after ``grow``): the keys
        and values read and written in place, the inputs ``ids``, ``seqlens``, ``total``
        written in place by the caller."""
        if self._binding is None:
            import onnxruntime as ort

            self._binding = self.binding(slice(None))
            for name in ("ids", "seqlens", "total"):
                self._binding.bind_ortvalue_input(
                    name, ort.OrtValue.ortvalue_from_numpy(getattr(self, name)))
        return self._binding

    def binding(self, rows: slice):
        """A binding of some ``rows`` (a prompt of their own), on views of the same buffers,
        made for the call; its inputs are the caller's to bind."""
        import onnxruntime as ort

        binding = self.session.io_binding()
        for name, buffer in self.buffers.items():
            value = ort.OrtValue.ortvalue_from_numpy(buffer[rows])  # a view: rows are leading
            binding.bind_ortvalue_input(f"past_{name}", value)
            binding.bind_ortvalue_output(f"present_{name}", value)
        binding.bind_ortvalue_output("logits", ort.OrtValue.ortvalue_from_numpy(
            self.logits[rows]))
        return binding


def load_engine(path: str | Path, kind: str = "auto", device: str = "cpu"
                ) -> tuple[Checkpoint, Engine]:
    """A checkpoint and the engine that decodes it. ``auto`` takes ONNX Runtime where the
    checkpoint has a graph for its weights (and the device is the CPU), else PyTorch;
    ``onnx`` insists and says why it cannot; ``torch`` always loads the PyTorch weights."""
    if kind not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {kind!r}")
    info = load_checkpoint(path, weights=False)
    if kind == "onnx" and device != "cpu":
        raise ValueError("the ONNX engine runs on the CPU; use --engine torch for a GPU")
    if kind == "onnx" or (kind == "auto" and device == "cpu"):
        try:
            return info, OnnxEngine(info.path, info.config)
        except CheckpointError:
            if kind == "onnx":
                raise
    checkpoint = load_checkpoint(info.path, device)
    return checkpoint, TorchEngine(checkpoint.model)


def export(path: str | Path, probe: int = 64) -> tuple[Path, float]:
    """Write ``model.onnx`` for a transformer checkpoint (saved before checkpoints carried
    one, or whose weights were replaced) and check it: the largest difference between its
    logits and PyTorch's over a ``probe``-token sequence, fed whole and then token by token."""
    from .models.decoder_graph import write_graph

    checkpoint = load_checkpoint(path)
    if not has_graph(checkpoint.config):
        raise CheckpointError(f"{checkpoint.path}: only a transformer without a text prefix "
                              "has an ONNX graph; it decodes with PyTorch")
    graph = write_graph(checkpoint.config, checkpoint.path)
    return graph, largest_difference(TorchEngine(checkpoint.model),
                                     OnnxEngine(checkpoint.path, checkpoint.config),
                                     len(checkpoint.tokenizer),
                                     min(probe, checkpoint.config.context // 2))


def largest_difference(a: Engine, b: Engine, vocab: int, tokens: int) -> float:
    """The largest logit difference between two engines on random ids: a prompt of
    ``tokens`` at once, then ``tokens`` more one at a time on its cache, two rows."""
    ids = np.random.default_rng(0).integers(0, vocab, (2, 2 * tokens))
    worst, caches = 0.0, [None, None]
    for chunk in [ids[:, :tokens]] + [ids[:, i:i + 1] for i in range(tokens, 2 * tokens)]:
        (la, caches[0]), (lb, caches[1]) = a.forward(chunk, caches[0]), b.forward(chunk,
                                                                                  caches[1])
        worst = max(worst, float(np.abs(la - lb).max()))
    return worst

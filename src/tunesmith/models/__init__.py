"""The generator models. ``build_model`` turns a config dict (as stored in a checkpoint's
``config.json``) into a module. Both kinds share one contract: ``forward(idx, targets=None,
cache=None, last_only=False) -> (logits, loss)``, with ``new_cache(batch)`` making the memory
(keys and values, or the recurrent state) that decoding one token at a time carries along.
"""

from __future__ import annotations

from dataclasses import asdict, fields

from torch import nn

from .rnn import RNNCache, RNNConfig, RNNLanguageModel
from .transformer import KVCache, Transformer, TransformerConfig

ModelConfig = TransformerConfig | RNNConfig
_KINDS: dict[str, type] = {"transformer": TransformerConfig, "rnn": RNNConfig}

__all__ = ["KVCache", "ModelConfig", "RNNCache", "RNNConfig", "RNNLanguageModel", "Transformer",
           "TransformerConfig", "build_model", "config_from_dict", "config_to_dict"]


def config_from_dict(spec: dict, vocab_size: int | None = None) -> ModelConfig:
    """A model config from ``{"type": "transformer" | "rnn", ...}``; unknown keys are errors."""
    spec = dict(spec)
    kind = spec.pop("type", None)
    if kind not in _KINDS:
        raise ValueError(f"model type must be one of {sorted(_KINDS)}, not {kind!r}")
    cls = _KINDS[kind]
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise ValueError(f"unknown {kind} setting(s) {unknown}; known: {sorted(known)}")
    if vocab_size is not None:
        spec["vocab_size"] = vocab_size
    return cls(**spec)


def config_to_dict(config: ModelConfig) -> dict:
    kind = "transformer" if isinstance(config, TransformerConfig) else "rnn"
    return {"type": kind, **asdict(config)}


def build_model(config: ModelConfig) -> nn.Module:
    if isinstance(config, TransformerConfig):
        return Transformer(config)
    return RNNLanguageModel(config)

"""Model configs: plain dataclasses, readable without torch (a checkpoint's ``config.json``
is read before any weights, and decoding with ONNX Runtime never imports torch)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


@dataclass
class TransformerConfig:
    vocab_size: int
    context: int = 512
    n_layer: int = 4
    n_head: int = 4
    d_model: int = 256
    dropout: float = 0.0
    share_layers: bool = False
    positions: str = "rope"  # "rope" or "learned"
    text_dim: int = 0  # size of an optional prompt embedding; 0 = none
    text_prefix: int = 0  # positions it is projected into

    def __post_init__(self) -> None:
        if self.d_model % self.n_head or (self.d_model // self.n_head) % 2:
            raise ValueError(f"d_model {self.d_model} must split into {self.n_head} heads "
                             "of even size")
        if self.positions not in ("rope", "learned"):
            raise ValueError(f"positions must be 'rope' or 'learned', not {self.positions!r}")
        if bool(self.text_dim) != bool(self.text_prefix):
            raise ValueError("text_dim and text_prefix go together: both 0 or both positive")


@dataclass
class RNNConfig:
    vocab_size: int
    cell: str = "lstm"  # "lstm" or "gru"
    embed: int = 256
    hidden: int = 512
    n_layer: int = 2
    dropout: float = 0.5
    context: int = 256  # training window; sampling may run past it

    def __post_init__(self) -> None:
        if self.cell not in ("lstm", "gru"):
            raise ValueError(f"cell must be 'lstm' or 'gru', not {self.cell!r}")


ModelConfig = TransformerConfig | RNNConfig
_KINDS: dict[str, type] = {"transformer": TransformerConfig, "rnn": RNNConfig}


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

"""The generator models. ``build_model`` turns a config dict (as stored in a checkpoint's
``config.json``) into a module. Both kinds share one contract: ``forward(idx, targets=None,
cache=None, last_only=False) -> (logits, loss)``, with ``new_cache(batch)`` making the memory
(keys and values, or the recurrent state) that decoding one token at a time carries along.

The configs import eagerly and need no torch; the modules load on first use (PEP 562), so
reading a checkpoint's config or decoding with ONNX Runtime does not pay for ``import torch``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .config import ModelConfig, RNNConfig, TransformerConfig, config_from_dict, config_to_dict

if TYPE_CHECKING:
    from torch import nn

    from .rnn import RNNCache, RNNLanguageModel
    from .transformer import KVCache, Transformer

__all__ = ["KVCache", "ModelConfig", "RNNCache", "RNNConfig", "RNNLanguageModel", "Transformer",
           "TransformerConfig", "build_model", "config_from_dict", "config_to_dict"]
_LAZY = {"KVCache": ".transformer", "Transformer": ".transformer", "RNNCache": ".rnn",
         "RNNLanguageModel": ".rnn"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_model(config: ModelConfig) -> nn.Module:
    from .rnn import RNNLanguageModel
    from .transformer import Transformer

    if isinstance(config, TransformerConfig):
        return Transformer(config)
    return RNNLanguageModel(config)

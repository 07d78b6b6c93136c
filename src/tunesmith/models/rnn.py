"""LSTM and GRU language models over the same tokens as the transformer: the baselines.

folk-rnn (Sturm et al. 2016) is a 3 x 512 LSTM; ``configs/lstm.yaml`` and ``gru.yaml`` are the
embedding-256 / hidden-512 / 2-layer shape. Sampling is stateful: the recurrent state is carried
from token to token in an ``RNNCache`` instead of re-reading the sequence, through the same
``forward(idx, targets, cache, last_only) -> (logits, loss)`` as the transformer's KV cache.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import RNNConfig

State = torch.Tensor | tuple[torch.Tensor, torch.Tensor]


class RNNCache:
    """The recurrent state after the tokens read so far; ``forward`` updates it in place.
    Unlike a KV cache it never fills up."""

    capacity = float("inf")

    def __init__(self):
        self.state: State | None = None
        self.pos = 0  # tokens read


class RNNLanguageModel(nn.Module):
    def __init__(self, config: RNNConfig):
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embed)
        rnn = nn.LSTM if config.cell == "lstm" else nn.GRU
        self.rnn = rnn(config.embed, config.hidden, config.n_layer, batch_first=True,
                       dropout=config.dropout if config.n_layer > 1 else 0.0)
        self.drop = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden, config.vocab_size)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def new_cache(self, batch: int, device: torch.device | str = "cpu") -> RNNCache:
        return RNNCache()

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None,
                cache: RNNCache | None = None, last_only: bool = False,
                ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits (B, T, V) and the mean cross-entropy against ``targets`` (ignoring -1).
        With ``cache`` the tokens continue the state it holds, which is then updated."""
        out, state = self.rnn(self.drop(self.embed(idx)), cache.state if cache else None)
        if cache is not None:
            cache.state, cache.pos = state, cache.pos + idx.shape[1]
        out = self.drop(out)
        if last_only:
            out = out[:, -1:]
        logits = self.head(out)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                   ignore_index=-1)
        return logits, loss

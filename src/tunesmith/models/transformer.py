"""The large model: a decoder-only transformer over ABC tokens.

Pre-norm blocks, rotary or learned positions, ``scaled_dot_product_attention``, input and output
embeddings tied. ``share_layers`` applies one block ``n_layer`` times (ALBERT-style cross-layer
sharing: the depth of a deep model at the parameter count of a one-block model). Style
conditioning is a prefix of control tokens in the sequence itself; optionally a text-embedding
vector is projected into ``text_prefix`` extra positions in front of it. ``KVCache`` makes
decoding one token cost one token's work.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .config import TransformerConfig


class KVCache:
    """Keys and values of every position decoded so far, one slot per applied block."""

    def __init__(self, config: TransformerConfig, batch: int, device: torch.device | str,
                 dtype: torch.dtype = torch.float32, length: int | None = None):
        length = length or config.context + config.text_prefix
        shape = (batch, config.n_head, length, config.d_model // config.n_head)
        self.k = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(config.n_layer)]
        self.v = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(config.n_layer)]
        self.pos = 0  # positions filled

    @property
    def capacity(self) -> int:
        return self.k[0].shape[2]


def _rope_tables(config: TransformerConfig) -> tuple[torch.Tensor, torch.Tensor]:
    head = config.d_model // config.n_head
    length = config.context + config.text_prefix
    inv = 1.0 / (10000 ** (torch.arange(0, head, 2, dtype=torch.float32) / head))
    angles = torch.outer(torch.arange(length, dtype=torch.float32), inv)
    return angles.cos(), angles.sin()


def _rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotary embedding on (B, H, T, D) with tables (T, D/2), halves layout."""
    a, b = x.chunk(2, dim=-1)
    return torch.cat((a * cos - b * sin, a * sin + b * cos), dim=-1)


class Attention(nn.Module):
    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.n_head = config.n_head
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model, bias=False)
        self.proj = nn.Linear(config.d_model, config.d_model, bias=False)
        self.dropout = config.dropout

    def forward(self, x: torch.Tensor, rope: tuple[torch.Tensor, torch.Tensor] | None,
                cache: KVCache | None, layer: int) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
                   for t in self.qkv(x).split(C, dim=2))
        if rope is not None:
            q, k = _rotate(q, *rope), _rotate(k, *rope)
        start = 0
        if cache is not None:
            start = cache.pos
            cache.k[layer][:, :, start:start + T] = k
            cache.v[layer][:, :, start:start + T] = v
            k, v = cache.k[layer][:, :, :start + T], cache.v[layer][:, :, :start + T]
        drop = self.dropout if self.training else 0.0
        if start == 0:
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=drop, is_causal=True)
        elif T == 1:
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=drop)
        else:  # a chunk after cached positions: causal within the chunk, all of the past
            mask = torch.ones(T, start + T, dtype=torch.bool, device=x.device).tril(start)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=drop)
        return self.proj(y.transpose(1, 2).reshape(B, T, C))


class Block(nn.Module):
    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(config.d_model, bias=False)
        self.attn = Attention(config)
        self.norm2 = nn.LayerNorm(config.d_model, bias=False)
        self.mlp = nn.Sequential(nn.Linear(config.d_model, 4 * config.d_model, bias=False),
                                 nn.GELU(),
                                 nn.Linear(4 * config.d_model, config.d_model, bias=False))
        self.drop = nn.Dropout(config.dropout)

    def forward(self, x, rope, cache, layer):
        x = x + self.drop(self.attn(self.norm1(x), rope, cache, layer))
        return x + self.drop(self.mlp(self.norm2(x)))


class Transformer(nn.Module):
    def __init__(self, config: TransformerConfig):
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.d_model)
        if config.positions == "learned":
            self.pos_embed = nn.Embedding(config.context + config.text_prefix, config.d_model)
        else:
            cos, sin = _rope_tables(config)
            self.register_buffer("rope_cos", cos, persistent=False)
            self.register_buffer("rope_sin", sin, persistent=False)
        if config.text_dim:
            self.text_proj = nn.Linear(config.text_dim, config.text_prefix * config.d_model)
        n_blocks = 1 if config.share_layers else config.n_layer
        self.blocks = nn.ModuleList(Block(config) for _ in range(n_blocks))
        self.drop = nn.Dropout(config.dropout)
        self.norm = nn.LayerNorm(config.d_model, bias=False)
        self.head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        self.head.weight = self.embed.weight  # tied
        self.apply(self._init)
        # GPT-2: scale residual projections by depth so the residual stream starts calm
        for name, p in self.named_parameters():
            if name.endswith(("attn.proj.weight", "mlp.2.weight")):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init(module: nn.Module) -> None:
        if isinstance(module, nn.Linear | nn.Embedding):
            nn.init.normal_(module.weight, std=0.02)
            if getattr(module, "bias", None) is not None:
                nn.init.zeros_(module.bias)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def new_cache(self, batch: int, device: torch.device | str = "cpu") -> KVCache:
        return KVCache(self.config, batch, device)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None,
                cache: KVCache | None = None, text: torch.Tensor | None = None,
                last_only: bool = False) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits for each position of ``idx`` (B, T), and the mean cross-entropy against
        ``targets`` (ignoring -1). With ``cache`` the tokens continue the cached positions;
        ``text`` (B, text_dim) is given with the first chunk only."""
        x = self.embed(idx)
        prefix = 0
        if text is not None:
            if not self.config.text_dim:
                raise ValueError("this model was not built with a text prefix (text_dim=0)")
            prefix = self.config.text_prefix
            x = torch.cat((self.text_proj(text).view(idx.shape[0], prefix, -1), x), dim=1)
        start = cache.pos if cache is not None else 0
        T = x.shape[1]
        if start + T > (cache.capacity if cache else self.config.context + prefix):
            raise ValueError(f"{start + T} positions exceed the model's context of "
                             f"{self.config.context}")
        rope = None
        if self.config.positions == "learned":
            x = x + self.pos_embed(torch.arange(start, start + T, device=idx.device))
        else:
            rope = (self.rope_cos[start:start + T], self.rope_sin[start:start + T])
        x = self.drop(x)
        for layer in range(self.config.n_layer):
            block = self.blocks[0 if self.config.share_layers else layer]
            x = block(x, rope, cache, layer)
        if cache is not None:
            cache.pos += T
        x = self.norm(x[:, prefix:])
        if last_only:
            x = x[:, -1:]
        logits = self.head(x)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                   ignore_index=-1)
        return logits, loss

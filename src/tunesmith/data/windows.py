"""Training rows drawn tune by tune, each starting with the tune's controls and header.

Random windows of the token stream mostly start mid-tune, where the model never sees the style
it is writing in, and they give each corpus a share by its token count (Palestrina's long
masses were 44% of what the model read). Here a row is one tune's ``<bos>``, controls and
``M: L: K:`` lines, then its music from the start, or, for a tune longer than the row, from a
random point (the same view the decoder has past its context) or, in a ``from_start`` share
of rows, from its start again: a quartet movement (7,500 tokens, the corpus's median) is
otherwise read from its opening once in 6,500 of its rows, and a model that never saw how
a piece opens begins one as it goes on, in the dominant as often as the tonic. Shorter
tunes are followed by the next ones in the stream. Tunes are drawn so that each style group
gets a share of rows proportional to ``tokens ** balance`` (1 = by size, 0 = equal). With
``control_dropout`` the style controls (tradition, form, period) are left out of that share
of rows, so the model also learns the music without them: what classifier-free guidance
compares against.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import torch

from ..abc import Tokenizer
from ..styles import guided_tokens
from .dataset import Dataset


def style_group(labels: dict[str, str], source: str) -> str:
    """The group a tune's share is counted in: its tradition, else its period, else where it
    came from."""
    return labels.get("tradition") or labels.get("period") or source or "other"


class TuneWindows:
    """Rows of ``context + 1`` tokens from one split of a prepared dataset; see above."""

    def __init__(self, data_dir: Path, split: str, context: int, tokenizer: Tokenizer,
                 balance: float = 0.5, control_dropout: float = 0.0, from_start: float = 0.0):
        dataset = Dataset(data_dir)
        self.data = dataset.tokens(split)
        rows = []
        for n, rec in dataset.records(split):
            if "prefix" not in rec:
                raise ValueError(f"{dataset.metadata_path}:{n}: no 'prefix' length; the "
                                 "dataset was made by an older tunesmith: run `tunesmith "
                                 "prepare` again")
            rows.append((rec["offset"], rec["length"], rec["prefix"],
                         style_group(rec.get("labels", {}), rec.get("source", ""))))
        if not rows or len(self.data) < 2:
            raise ValueError(f"{dataset.tokens_path(split)}: no {split} tunes to train on")
        self.offsets = np.array([r[0] for r in rows], dtype=np.int64)
        self.lengths = np.array([r[1] for r in rows], dtype=np.int64)
        self.prefixes = np.array([r[2] for r in rows], dtype=np.int64)
        self.context = context
        self.control_dropout = control_dropout
        self.from_start = from_start
        self.guided = np.array(sorted(tokenizer.ids[t] for t in guided_tokens()
                                      if t in tokenizer.ids), dtype=np.int64)
        self.pad = tokenizer.pad_id
        groups = [r[3] for r in rows]
        tokens = Counter()
        for g, n in zip(groups, self.lengths.tolist(), strict=True):
            tokens[g] += n
        share = {g: t ** balance for g, t in tokens.items()}
        total = sum(share.values())
        # a group's share spread over its tunes by their length
        weights = np.array([share[g] / total * n / tokens[g]
                            for g, n in zip(groups, self.lengths.tolist(), strict=True)])
        self.p = weights / weights.sum()
        self.shares = {g: share[g] / total for g in sorted(share, key=share.get, reverse=True)}

    def __len__(self) -> int:
        return len(self.data)

    def row(self, tune: int, where: float, drop: bool) -> np.ndarray:
        """Row for tune index ``tune``; ``where`` in [0, 1) picks the music's starting point
        in a tune longer than the row, ``drop`` leaves out its style controls."""
        off, n, pre = (int(a[tune]) for a in (self.offsets, self.lengths, self.prefixes))
        head = np.asarray(self.data[off:off + pre], dtype=np.int64)
        if drop:
            head = head[~np.isin(head, self.guided)]
        room = self.context + 1 - len(head)
        start = off + pre + int(where * max(0, n - pre - room + 1))
        body = np.asarray(self.data[start:start + room], dtype=np.int64)
        pad = np.full(room - len(body), self.pad, dtype=np.int64)  # only at the data's end
        return np.concatenate((head, body, pad))[:self.context + 1]

    def batch(self, rng: np.random.Generator, rows: int, keep: slice = slice(None),
              ) -> tuple[torch.Tensor, torch.Tensor]:
        """``rows`` rows drawn with ``rng``; the inputs and next-token targets of the ``keep``
        rows (a process's share: every process draws all rows, so they agree)."""
        tunes = rng.choice(len(self.p), size=rows, p=self.p)
        where = rng.random(rows)
        drop = rng.random(rows) < self.control_dropout
        if self.from_start:  # drawn only then: a run without it draws as it always has
            where[rng.random(rows) < self.from_start] = 0.0
        chunk = np.stack([self.row(t, w, d) for t, w, d in
                          zip(tunes[keep], where[keep], drop[keep], strict=True)])
        chunk = torch.from_numpy(chunk)
        targets = chunk[:, 1:].masked_fill(chunk[:, 1:] == self.pad, -1)
        return chunk[:, :-1], targets

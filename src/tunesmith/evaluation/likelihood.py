"""How well a model predicts real music: negative log-likelihood per token and per character.

Each tune is scored as the model sees it in training and generation — ``<bos>``, its control
tokens, its music, ``<eos>`` — but only the music and ``<eos>`` count: the controls are given,
not predicted. Bits per character divide the same total by the characters of the normalised
music text, a figure that does not depend on the tokenizer (so models with different
vocabularies, or character-level models like folk-rnn, compare fairly). Bits per tune divide it
by the tunes, a figure no tokenizer or normalisation can game: a model that reads every tune on
the tonic C (``TokenizerConfig.canonical``) is told the key rather than predicting it, so it is
charged log2(12) bits a tune for naming the tonic.

A transformer reads tunes longer than its context in windows that overlap by half; each token
is scored once, with at least half a context of history. Recurrent models read whole tunes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from ..abc import AbcError, Tokenizer
from ..checkpoint import Checkpoint
from ..data.dataset import Dataset
from ..data.folder import read_file
from ..data.prepare import encode_tune
from ..models import Transformer
from ..styles import tokens_for


@dataclass
class Likelihood:
    """Totals over a set of tunes; the rates are properties so they can never disagree."""

    name: str
    tunes: int
    tokens: int  # scored tokens: music and <eos>
    characters: int  # of the normalised music text
    nats: float
    tonic_bits: float = 0.0  # per tune, charged to models that are told the tonic

    @property
    def bits_per_tune(self) -> float:
        return self.nats / math.log(2) / max(1, self.tunes) + self.tonic_bits

    @property
    def bits_per_token(self) -> float:
        return self.nats / math.log(2) / max(1, self.tokens)

    @property
    def bits_per_char(self) -> float:
        return self.nats / math.log(2) / max(1, self.characters)

    def as_dict(self) -> dict:
        return {**asdict(self), "bits_per_token": self.bits_per_token,
                "bits_per_char": self.bits_per_char, "bits_per_tune": self.bits_per_tune}


@dataclass
class Scored:
    """One tune's token ids and where its music starts (after <bos> and the controls)."""

    ids: list[int]
    first: int
    characters: int


def dataset_tunes(data_dir: Path, split: str, tokenizer: Tokenizer) -> Iterator[Scored]:
    """The tunes of one split of a prepared dataset, read from its token file."""
    dataset = Dataset(data_dir)
    if dataset.tokenizer().tokens != tokenizer.tokens:
        raise ValueError(f"{dataset.vocab_path}: the dataset's vocabulary is not the "
                         "model's; score its tunes as ABC files instead")
    stream = dataset.tokens(split)
    for _, record in dataset.records(split):
        ids = stream[record["offset"]:record["offset"] + record["length"]].tolist()
        first = 1 + len(tokens_for(record["labels"]))
        yield Scored(ids, first, len(tokenizer.decode(ids[first:-1])))


def file_tunes(path: Path, tokenizer: Tokenizer) -> tuple[list[Scored], list[str]]:
    """The tunes of any ABC, score or song file, read and labelled as ``prepare`` does;
    also the reasons any were skipped."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    tunes, skips = read_file(path, f"file:{path.name}")
    scored = []
    reasons = [f"{s.origin}: {s.reason}" for s in skips]
    for tune in tunes:
        try:
            text = tokenizer.text_of(tune)
        except (AbcError, ValueError) as exc:
            reasons.append(f"{tune.origin}: cannot be read as the model reads tunes: {exc}")
            continue
        ids = encode_tune(tokenizer, tune, text)
        scored.append(Scored(ids, 1 + len(tokens_for(tune.labels)), len(text)))
    return scored, reasons


def _windows(tune: Scored, context: int | None) -> Iterator[tuple[list[int], list[int]]]:
    """(inputs, targets) pieces covering each scored token once; -1 marks unscored targets."""
    ids = tune.ids
    targets = [t if i + 1 >= tune.first else -1 for i, t in enumerate(ids[1:])]
    if context is None or len(ids) - 1 <= context:
        yield ids[:-1], targets
        return
    stride = context // 2
    start = 0
    while True:
        window = targets[start:start + context]
        inputs = ids[start:start + len(window)]
        if start:  # the first half was scored by the previous window
            window = [-1] * (context - stride) + window[context - stride:]
        yield inputs, window
        if start + context >= len(ids) - 1:
            return
        start += stride


@torch.inference_mode()
def score(checkpoint: Checkpoint, tunes: Iterable[Scored], name: str,
          batch_size: int = 16, progress: bool = False) -> Likelihood:
    """Summed negative log-likelihood of the tunes' music under the checkpoint's model."""
    from tqdm import tqdm

    model = checkpoint.model.eval()
    device = next(model.parameters()).device
    context = model.config.context if isinstance(model, Transformer) else None
    tunes = list(tunes)
    pieces = sorted((w for t in tunes for w in _windows(t, context)), key=lambda w: len(w[0]))
    nats, tokens = 0.0, 0
    for i in tqdm(range(0, len(pieces), batch_size), desc=f"scoring {name}", unit="batch",
                  disable=not progress):
        group = pieces[i:i + batch_size]
        width = max(len(inputs) for inputs, _ in group)
        x = torch.zeros(len(group), width, dtype=torch.long)
        y = torch.full((len(group), width), -1, dtype=torch.long)
        for row, (inputs, targets) in enumerate(group):
            x[row, :len(inputs)] = torch.tensor(inputs)
            y[row, :len(targets)] = torch.tensor(targets)
        logits = model(x.to(device))[0].float()
        losses = F.cross_entropy(logits.flatten(0, 1), y.flatten().to(device),
                                 ignore_index=-1, reduction="sum")
        nats += float(losses)
        tokens += int((y >= 0).sum())
    tonic_bits = math.log2(12) if checkpoint.tokenizer.config.canonical else 0.0
    return Likelihood(name, len(tunes), tokens, sum(t.characters for t in tunes), nats,
                      tonic_bits)


def likelihood_table(results: Iterable[Likelihood]) -> str:
    """The scores as a Markdown table, one row per scored set."""
    rows = ["| scored | tunes | scored tokens | bits/token | bits/char | bits/tune |",
            "|---|---:|---:|---:|---:|---:|"]
    rows += [f"| {r.name} | {r.tunes:,} | {r.tokens:,} | {r.bits_per_token:.3f} | "
             f"{r.bits_per_char:.3f} | {r.bits_per_tune:.1f} |" for r in results]
    return "\n".join(rows) + "\n"

"""The judges (``models/judges.py``) trained, saved and scored on real tunes.

Their accuracy on real held-out tunes is the ceiling generated tunes are judged against; the
tone CNN is also compared with music21's Krumhansl-Schmuckler key finding on the same notes.

    tunesmith judges --data datasets/default --out src/tunesmith/pretrained/judges
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from ..abc import Tune
from ..abc.notes import notes
from ..data.dataset import Dataset
from ..data.folder import read_file
from ..models.judges import PITCH_NAMES, Judges, bag, key_label
from ..models.style_classifier import StyleClassifier, features
from ..models.tone_cnn import ToneCNN, decode, encode, note_arrays, piano_roll
from ..styles import STYLE_DIMENSIONS


def krumhansl(tune: Tune) -> tuple[int, str] | None:
    """music21's Krumhansl-Schmuckler key of the tune's notes (major or minor only)."""
    import music21

    stream = music21.stream.Stream()
    for n in notes(tune):
        stream.insert(float(n.onset) * 4, music21.note.Note(n.pitch, quarterLength=
                                                            max(float(n.length) * 4, 1 / 64)))
    if not stream.notes:
        return None
    key = stream.analyze("key.krumhanslschmuckler")
    return key.tonic.pitchClass, key.mode


def _train(model: torch.nn.Module, optimiser: torch.optim.Optimizer,
           batch_loss: Callable[[], torch.Tensor | None], seconds: float, label: str) -> None:
    """Optimiser steps on ``batch_loss()`` (None: nothing to learn from in that batch) until
    the time budget is spent."""
    model.train()
    start = time.perf_counter()
    with tqdm(total=round(seconds), desc=label, unit="s") as bar:
        while (elapsed := time.perf_counter() - start) < seconds:
            loss = batch_loss()
            if loss is not None:
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
            bar.update(min(round(elapsed), bar.total) - bar.n)
    model.eval()


def train_tone_cnn(tunes: list[Tune], seconds: float, seed: int = 0, batch: int = 64) -> ToneCNN:
    """Fit the tone CNN, each example transposed by a random interval every time it is seen."""
    rng = random.Random(seed)
    torch.manual_seed(seed)
    examples = [(note_arrays(notes(t)), label)
                for t in tqdm(tunes, desc="reading notes", unit="tune")
                if (label := key_label(t)) is not None]
    model = ToneCNN()
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)

    def batch_loss() -> torch.Tensor:
        chosen = rng.sample(examples, min(batch, len(examples)))
        shifts = [rng.randint(-5, 6) for _ in chosen]
        rolls = np.stack([piano_roll(*arrays, shift=s)
                          for (arrays, _), s in zip(chosen, shifts, strict=True)])
        target = [encode(tonic + s, mode) for (_, label), s in zip(chosen, shifts, strict=True)
                  for tonic, mode in [decode(label)]]
        return F.cross_entropy(model(torch.from_numpy(rolls)), torch.tensor(target))

    _train(model, optimiser, batch_loss, seconds, "tone CNN")
    return model


def train_style_classifier(tunes: list[Tune], seconds: float, seed: int = 0,
                           batch: int = 64) -> StyleClassifier:
    rng = random.Random(seed)
    torch.manual_seed(seed)
    classes = {d: sorted({t.labels[d] for t in tunes if t.labels.get(d)}) for d in STYLE_DIMENSIONS}
    examples = [(features(t), {d: classes[d].index(t.labels[d]) if t.labels.get(d) else -100
                               for d in STYLE_DIMENSIONS})
                for t in tqdm(tunes, desc="reading styles", unit="tune")]
    model = StyleClassifier(classes)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)

    def batch_loss() -> torch.Tensor | None:
        chosen = rng.sample(examples, min(batch, len(examples)))
        logits = model(*bag([ids for ids, _ in chosen]))
        losses = [F.cross_entropy(logits[d], torch.tensor([y[d] for _, y in chosen]),
                                  ignore_index=-100) for d in STYLE_DIMENSIONS
                  if any(y[d] >= 0 for _, y in chosen)]
        return torch.stack(losses).sum() if losses else None  # None: no labels in this batch

    _train(model, optimiser, batch_loss, seconds, "style classifier")
    return model


@dataclass
class Accuracy:
    """Right answers out of those with a known answer, and the confusion matrix."""

    labels: list[str]
    matrix: list[list[int]]  # [true][predicted]

    @property
    def total(self) -> int:
        return sum(map(sum, self.matrix))

    @property
    def correct(self) -> int:
        return sum(self.matrix[i][i] for i in range(len(self.labels)))

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else float("nan")

    def as_dict(self) -> dict:
        return {"accuracy": self.accuracy, "correct": self.correct, "total": self.total,
                "labels": self.labels, "matrix": self.matrix}


def confusion(pairs: Iterable[tuple[str, str]], labels: Iterable[str] = ()) -> Accuracy:
    """Accuracy over (truth, prediction) pairs; labels seen in the pairs are added in order."""
    pairs = list(pairs)
    names = list(dict.fromkeys([*labels, *sorted({x for pair in pairs for x in pair})]))
    index = {label: i for i, label in enumerate(names)}
    matrix = [[0] * len(names) for _ in names]
    for truth, predicted in pairs:
        matrix[index[truth]][index[predicted]] += 1
    return Accuracy(names, matrix)


def key_name(key: tuple[int, str] | None) -> str:
    if key is None:
        return "none"
    return f"{PITCH_NAMES[key[0]]} {key[1]}"


def assess_keys(judges: Judges, tunes: list[Tune], with_music21: bool = True) -> dict:
    """Tone CNN (and Krumhansl-Schmuckler) against the written keys of real tunes."""
    labelled = [(t, decode(label)) for t in tunes if (label := key_label(t)) is not None]
    truth = [k for _, k in labelled]
    found = {"tone_cnn": judges.keys([t for t, _ in labelled])}
    if with_music21:
        found["krumhansl_schmuckler"] = [krumhansl(t) for t, _ in
                                         tqdm(labelled, desc="music21 keys", unit="tune")]
    major_minor = [i for i, k in enumerate(truth) if k[1] in ("major", "minor")]
    report: dict = {"tunes": len(labelled), "major_or_minor": len(major_minor)}
    for name, keys in found.items():
        pairs = list(zip(truth, keys, strict=True))
        report[name] = {
            "key": float(np.mean([t == k for t, k in pairs])),
            "tonic": float(np.mean([k is not None and t[0] == k[0] for t, k in pairs])),
            "key_major_minor": float(np.mean([truth[i] == keys[i] for i in major_minor]))
            if major_minor else float("nan"),
            "mode": confusion((t[1], k[1] if k else "none") for t, k in pairs).as_dict(),
        }
    return report


def assess_styles(judges: Judges, tunes: list[Tune]) -> dict[str, dict]:
    """Per dimension: accuracy and confusion matrix on the tunes labelled in it."""
    predicted = judges.styles(tunes)
    pairs = list(zip(tunes, predicted, strict=True))
    return {d: confusion(((t.labels[d], p.get(d, "none")) for t, p in pairs if t.labels.get(d)),
                         judges.style.classes[d]).as_dict()
            for d in STYLE_DIMENSIONS}


def build(data_dir: Path, out: Path, seconds: float, heldout: list[Path] = (),
          seed: int = 0) -> dict:
    """Train both judges on the train split, score them on the test split (and held-out
    files, for keys), save them to ``out`` with the report, and return the report."""
    dataset = Dataset(data_dir)
    train, test = dataset.tunes("train"), dataset.tunes("test")
    if not train or not test:
        raise ValueError(f"{data_dir}: needs tunes in both the train and test splits")
    judges = Judges(train_tone_cnn(train, seconds, seed), train_style_classifier(train, seconds,
                                                                                  seed))
    report = {"data": str(data_dir), "seconds_each": seconds, "train_tunes": len(train),
              "keys": {"test": assess_keys(judges, test)}, "styles": assess_styles(judges, test)}
    for path in heldout:
        report["keys"][path.name] = assess_keys(judges, read_file(path, f"file:{path.name}")[0])
    judges.report = report
    judges.save(out)
    return report


def report_tables(report: dict) -> str:
    """``build``'s report as Markdown: key finding per tune set, style accuracy per
    dimension."""
    lines = ["key finding (written K: as the truth)", "",
             "| tunes | model | key | tonic | key, major/minor tunes | mode |",
             "|---|---|---:|---:|---:|---:|"]
    for name, r in report["keys"].items():
        for model in ("tone_cnn", "krumhansl_schmuckler"):
            m = r[model]
            lines.append(f"| {name} ({r['tunes']}) | {model} | {m['key']:.1%} | "
                         f"{m['tonic']:.1%} | {m['key_major_minor']:.1%} | "
                         f"{m['mode']['accuracy']:.1%} |")
    lines += ["", "style classifier on the test split", "", "| dimension | tunes | accuracy |",
              "|---|---:|---:|"]
    lines += [f"| {dim} | {r['total']} | {r['accuracy']:.1%} |"
              for dim, r in report["styles"].items()]
    return "\n".join(lines) + "\n"

"""The judges: a tone CNN (tonic and mode) and a style classifier, trained, saved and scored.

Both are independent of the generator — they read only the written notes — so they can say
whether a generated tune is in the key its header claims and in the style that was asked for.
Their accuracy on real held-out tunes is the ceiling generated tunes are judged against; the
tone CNN is also compared with music21's Krumhansl-Schmuckler key finding on the same notes.

    tunesmith judges --data datasets/default --out src/tunesmith/pretrained/judges
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from tqdm import tqdm

from ..abc import Tune, parse, parse_key
from ..abc.notes import notes
from ..abc.tune import AbcError
from ..data.folder import read_file
from ..models.style_classifier import DIMENSIONS, StyleClassifier, features
from ..models.tone_cnn import MODES, ToneCNN, decode, encode, note_arrays, piano_roll

PITCH_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
JUDGES = Path(__file__).resolve().parent.parent / "pretrained" / "judges"


def key_label(tune: Tune) -> int | None:
    """The tune's written key (``K:``) as a tone-CNN class, or None if it names no tonic."""
    try:
        key = parse_key(tune.key)
    except AbcError:
        return None
    if key.tonic is None or key.mode not in MODES:
        return None
    return encode(key.pitch_class, key.mode)


def dataset_split(data_dir: Path, split: str) -> list[Tune]:
    """The tunes of one split of a prepared dataset, with their style labels."""
    tunes = []
    with open(data_dir / "metadata.jsonl", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if record["split"] == split:
                tune = parse(record["abc"])
                tune.labels = record["labels"]
                tune.source = record["source"]
                tunes.append(tune)
    return tunes


@dataclass
class Judges:
    tone: ToneCNN
    style: StyleClassifier
    report: dict = field(default_factory=dict)  # their scores on real tunes, from `build`

    @classmethod
    def load(cls, directory: Path = JUDGES) -> Judges:
        directory = Path(directory)
        try:
            spec = json.loads((directory / "judges.json").read_text(encoding="utf-8"))
            tone, style = ToneCNN(), StyleClassifier(spec["style_classes"])
            tone.load_state_dict(load_file(directory / "tone_cnn.safetensors"))
            style.load_state_dict(load_file(directory / "style_classifier.safetensors"))
        except (OSError, KeyError, ValueError, RuntimeError) as e:
            raise ValueError(f"{directory}: not a judges directory ({e}); make one with "
                             "`tunesmith judges --data DATASET --out DIR`") from e
        return cls(tone.eval(), style.eval(), spec.get("report", {}))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        save_file(self.tone.state_dict(), directory / "tone_cnn.safetensors")
        save_file(self.style.state_dict(), directory / "style_classifier.safetensors")
        spec = {"style_classes": self.style.classes, "report": self.report}
        (directory / "judges.json").write_text(json.dumps(spec, indent=1, ensure_ascii=False),
                                               encoding="utf-8")

    @torch.no_grad()
    def keys(self, tunes: list[Tune]) -> list[tuple[int, str]]:
        """(tonic pitch class, mode) the tone CNN hears in each tune."""
        if not tunes:
            return []
        rolls = torch.from_numpy(np.stack([piano_roll(*note_arrays(notes(t))) for t in tunes]))
        return [decode(int(i)) for i in self.tone(rolls).argmax(dim=1)]

    @torch.no_grad()
    def styles(self, tunes: list[Tune]) -> list[dict[str, str]]:
        """The most likely label of every style dimension for each tune."""
        if not tunes:
            return []
        ids, offsets = _bag([features(t) for t in tunes])
        logits = self.style(ids, offsets)
        return [{d: self.style.classes[d][int(logits[d][i].argmax())] for d in logits}
                for i in range(len(tunes))]


def _bag(rows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    offsets = torch.tensor([0] + [len(r) for r in rows[:-1]]).cumsum(0)
    return torch.tensor([i for r in rows for i in r]), offsets


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
    classes = {d: sorted({t.labels[d] for t in tunes if t.labels.get(d)}) for d in DIMENSIONS}
    examples = [(features(t), {d: classes[d].index(t.labels[d]) if t.labels.get(d) else -100
                               for d in DIMENSIONS})
                for t in tqdm(tunes, desc="reading styles", unit="tune")]
    model = StyleClassifier(classes)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)

    def batch_loss() -> torch.Tensor | None:
        chosen = rng.sample(examples, min(batch, len(examples)))
        logits = model(*_bag([ids for ids, _ in chosen]))
        losses = [F.cross_entropy(logits[d], torch.tensor([y[d] for _, y in chosen]),
                                  ignore_index=-100) for d in DIMENSIONS
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
            for d in DIMENSIONS}


def build(data_dir: Path, out: Path, seconds: float, heldout: list[Path] = (),
          seed: int = 0) -> dict:
    """Train both judges on the train split, score them on the test split (and held-out
    files, for keys), save them to ``out`` with the report, and return the report."""
    train, test = dataset_split(data_dir, "train"), dataset_split(data_dir, "test")
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

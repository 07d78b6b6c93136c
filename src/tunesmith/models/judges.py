"""The judges at run time: a tone CNN (tonic and mode) and a style classifier, loaded from
their directory and asked what they hear. They read only the written notes, never the
generator, so they can say whether a tune is in the key its header claims and in the style
that was asked for; ``Composer`` reranks candidates with them. Training and scoring them on
real tunes is ``evaluation/judges.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from ..abc import Tune, parse_key
from ..abc.notes import notes
from ..abc.tune import AbcError
from .style_classifier import StyleClassifier, features
from .tone_cnn import MODES, ToneCNN, decode, encode, note_arrays, piano_roll

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
        ids, offsets = bag([features(t) for t in tunes])
        logits = self.style(ids, offsets)
        return [{d: self.style.classes[d][int(logits[d][i].argmax())] for d in logits}
                for i in range(len(tunes))]


def bag(rows: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    offsets = torch.tensor([0] + [len(r) for r in rows[:-1]]).cumsum(0)
    return torch.tensor([i for r in rows for i in r]), offsets

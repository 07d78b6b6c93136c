"""Self-describing checkpoints: one directory holds everything needed to use a model.

::

    model.safetensors   weights
    config.json         model config (and the training config that made it)
    vocab.json          the tokenizer
    styles.json         the style controls known at training time, with training tune counts
    data.json           fingerprint and summary of the training data
    metrics.json        step, losses, tokens seen, wall time
    model.onnx          a transformer's decode step for ONNX Runtime, its weights read from
                        model.safetensors (``models/decoder_graph.py``)
    trainer.pt          optimizer, schedule, RNG and step, for ``--resume`` (optional)

Writes are atomic: a new directory is filled beside the old and swapped in, so a run killed
mid-save leaves the previous checkpoint intact. Loading never needs the data.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .abc.tokenizer import Tokenizer, TokenizerError
from .models.config import ModelConfig, config_from_dict, config_to_dict

if TYPE_CHECKING:
    from torch import nn

WEIGHTS, CONFIG, VOCAB, STYLES, DATA, METRICS, TRAINER = (
    "model.safetensors", "config.json", "vocab.json", "styles.json", "data.json",
    "metrics.json", "trainer.pt")


# config.json's layout; files older than the field are format 1. A newer one is refused
# rather than misread.
FORMAT = 1


class CheckpointError(RuntimeError):
    """A checkpoint that is missing, corrupt or does not fit; the message names the file."""


@dataclass
class Checkpoint:
    model: nn.Module | None  # None when loaded without weights (decoding with ONNX Runtime)
    config: ModelConfig
    tokenizer: Tokenizer
    path: Path
    styles: list[dict] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    train: dict = field(default_factory=dict)


def save_checkpoint(path: str | Path, model: nn.Module, config: ModelConfig,
                    tokenizer: Tokenizer, *, styles: list[dict], data: dict, metrics: dict,
                    train: dict | None = None, trainer_state: dict | None = None) -> Path:
    import torch
    from safetensors.torch import save_model

    from .models.decoder_graph import has_graph, write_graph

    path = Path(path)
    tmp, old = path.with_name(path.name + ".tmp"), path.with_name(path.name + ".old")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    save_model(model, str(tmp / WEIGHTS))
    _write_json(tmp / CONFIG, {"format": FORMAT, "model": config_to_dict(config),
                               "train": train or {}})
    tokenizer.save(tmp / VOCAB)
    _write_json(tmp / STYLES, styles)
    _write_json(tmp / DATA, data)
    _write_json(tmp / METRICS, metrics)
    if has_graph(config):
        write_graph(config, tmp)
    if trainer_state is not None:
        torch.save(trainer_state, tmp / TRAINER)
    if path.exists():
        shutil.rmtree(old, ignore_errors=True)
        path.rename(old)
    tmp.rename(path)
    shutil.rmtree(old, ignore_errors=True)
    return path


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(f"{path}: missing; a checkpoint directory needs {WEIGHTS}, "
                              f"{CONFIG} and {VOCAB}") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CheckpointError(f"{path}: unreadable ({exc})") from None


def resolve(path: str | Path) -> Path:
    """The directory to read: ``path`` itself, or what a save interrupted between its two
    renames left behind (``path.old``)."""
    path = Path(path)
    if not path.exists() and path.with_name(path.name + ".old").is_dir():
        return path.with_name(path.name + ".old")
    if not path.is_dir():
        raise CheckpointError(f"{path}: no such checkpoint directory")
    return path


def load_checkpoint(path: str | Path, device: str = "cpu", weights: bool = True) -> Checkpoint:
    """Load a checkpoint directory; every failure is a ``CheckpointError`` naming the file.
    ``weights=False`` reads everything but the weights (no torch): ``model`` is None."""
    path = resolve(path)
    spec = _read_json(path / CONFIG)
    version = spec.get("format", 1) if isinstance(spec, dict) else None
    if not isinstance(version, int) or version > FORMAT:
        raise CheckpointError(f"{path / CONFIG}: checkpoint format {version!r} is newer than "
                              f"this tunesmith reads ({FORMAT}); upgrade tunesmith")
    try:
        tokenizer = Tokenizer.load(path / VOCAB)
    except TokenizerError as exc:
        raise CheckpointError(str(exc)) from None
    try:
        config = config_from_dict(spec["model"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"{path / CONFIG}: bad model config ({exc})") from None
    if config.vocab_size != len(tokenizer):
        raise CheckpointError(f"{path / VOCAB}: {len(tokenizer)} tokens, but {path / CONFIG} "
                              f"says the model has {config.vocab_size}; they are from "
                              "different checkpoints")
    optional = {name: _read_json(path / name) if (path / name).exists() else default
                for name, default in ((STYLES, []), (DATA, {}), (METRICS, {}))}
    model = _load_model(path / WEIGHTS, config, device) if weights else None
    return Checkpoint(model, config, tokenizer, path, optional[STYLES], optional[DATA],
                      optional[METRICS], spec.get("train", {}))


def _load_model(weights: Path, config: ModelConfig, device: str) -> nn.Module:
    from safetensors import SafetensorError
    from safetensors.torch import load_model

    from .models import build_model

    model = build_model(config)
    try:
        missing, unexpected = load_model(model, str(weights), strict=False, device=str(device))
    except FileNotFoundError:
        raise CheckpointError(f"{weights}: missing") from None
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"{weights}: corrupt ({str(exc).splitlines()[0][:200]})") from None
    except RuntimeError as exc:  # load_state_dict: shapes differ
        detail = " ".join(line.strip() for line in str(exc).splitlines()[1:3])
        raise CheckpointError(f"{weights}: does not fit the model in {CONFIG} "
                              f"({detail[:300]})") from None
    if missing or unexpected:
        raise CheckpointError(f"{weights}: does not fit the model in {CONFIG} "
                              f"(missing {sorted(missing)[:5]}, unexpected "
                              f"{sorted(unexpected)[:5]})")
    return model.to(device).eval()


def load_trainer_state(path: str | Path) -> dict:
    import torch

    file = resolve(path) / TRAINER
    try:
        return torch.load(file, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(f"{file}: missing; this checkpoint cannot be resumed (it was "
                              "saved without training state)") from None
    except Exception as exc:  # torch raises many types for a damaged pickle/zip
        raise CheckpointError(f"{file}: corrupt ({type(exc).__name__}: "
                              f"{str(exc).splitlines()[0][:200]})") from None

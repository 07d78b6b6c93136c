"""Shared fixtures: real corpus tunes from music21's bundled collections."""

from __future__ import annotations

import contextlib
import os
import random
from pathlib import Path

import pytest
import torch
from hypothesis import settings

from tunesmith.abc import AbcError, normalise, parse_tune, split_tunes
from tunesmith.data.abc_source import music21_corpus_dir

# The models in tests are tiny: one thread is faster than several fighting over 2 cores.
torch.set_num_threads(1)

# CI explores the same examples every run; local runs explore new ones.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REEL = """X:1
T:Test Reel
M:4/4
L:1/8
R:reel
K:D
A|:"D"d2 fd ~e2 fe|dcBA (3Bcd AF|G2 BG F2 AF|EFGA B2 AG|
fdec dBAF|GFGA BcdB|AFDF E2 FE|[1 D6 A2:|[2 D8||
"""


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return music21_corpus_dir()


@pytest.fixture(scope="session")
def corpus_tunes(corpus_dir: Path) -> list:
    """About 600 normalised tunes sampled from every music21 ABC collection."""
    rng = random.Random(7)
    tunes = []
    for name in ("essenFolksong", "oneills1850", "ryansMammoth", "airdsAirs", "miscFolk"):
        files = sorted((corpus_dir / name).glob("*.abc"))
        for path in rng.sample(files, min(4, len(files))):
            raws = list(split_tunes(path.read_text(encoding="latin-1")))
            for raw in rng.sample(raws, min(30, len(raws))):
                with contextlib.suppress(AbcError):
                    tunes.append(normalise(parse_tune(raw.text)))
    return tunes


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory, corpus_dir: Path) -> Path:
    """A prepared dataset of about 150 O'Neill's tunes: enough to train tiny models on."""
    from tunesmith.data.prepare import PrepareConfig, prepare

    out = tmp_path_factory.mktemp("tiny") / "ds"
    files = [str(corpus_dir / "oneills1850" / f) for f in ("0001-0050.abc", "0051-0100.abc",
                                                           "0101-0200.abc")]
    prepare(PrepareConfig(out=out, sources=files, workers=1), progress=False)
    return out


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, tiny_dataset: Path) -> Path:
    """A tiny transformer trained for a few seconds on ``tiny_dataset``: a real checkpoint
    whose music is poor but whose tokens, header and controls are the real ones."""
    from tunesmith.train import Trainer, load_run_config

    spec, config = load_run_config("tiny")
    out = tmp_path_factory.mktemp("model") / "run"
    Trainer(tiny_dataset, out, spec, config, progress=False).run()
    return out / "best"

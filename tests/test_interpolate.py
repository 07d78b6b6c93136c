"""scripts/interpolate.py: weights between a model and its fine-tune, tied ones included."""

import subprocess
import sys
from pathlib import Path

import torch

from tunesmith.abc import Tokenizer
from tunesmith.checkpoint import load_checkpoint, save_checkpoint
from tunesmith.models import TransformerConfig, build_model

SCRIPT = Path(__file__).parents[1] / "scripts" / "interpolate.py"
TOKENS = Tokenizer.build(["CDEF GABc| d2 e2 f4|"] * 3)
CONFIG = TransformerConfig(len(TOKENS), context=32, n_layer=1, n_head=2, d_model=16)


def _save(path, seed, tokenizer=TOKENS, config=CONFIG):
    torch.manual_seed(seed)
    save_checkpoint(path, build_model(config), config, tokenizer, styles=[],
                    data={"keys": [seed]}, metrics={"step": seed})
    return str(path)


def _run(*argv):
    return subprocess.run([sys.executable, str(SCRIPT), *argv], capture_output=True,
                          text=True, timeout=120)


def test_every_weight_lies_between_the_two_models(tmp_path):
    a, b = _save(tmp_path / "a", 1), _save(tmp_path / "b", 2)
    assert _run(a, b, "--weight", "0.25", "--out", str(tmp_path / "mix")).returncode == 0
    mix = load_checkpoint(tmp_path / "mix")
    start, end = load_checkpoint(a).model.state_dict(), load_checkpoint(b).model.state_dict()
    for name, tensor in mix.model.state_dict().items():  # the tied head moved once, not twice
        torch.testing.assert_close(tensor, 0.75 * start[name] + 0.25 * end[name])
    assert mix.data == {"keys": [2]} and mix.metrics["interpolated"]["weight"] == 0.25
    assert (tmp_path / "mix" / "model.onnx").exists()


def test_models_of_other_vocabularies_or_weights_out_of_range_are_refused(tmp_path):
    a = _save(tmp_path / "a", 1)
    other = Tokenizer.build(["CDEF GABc| d2 e2 f4| g4 a4|"] * 3)
    b = _save(tmp_path / "b", 2, other, TransformerConfig(len(other), context=32, n_layer=1,
                                                          n_head=2, d_model=16))
    refused = _run(a, b, "--out", str(tmp_path / "mix"))
    assert refused.returncode == 2 and "differ in config or vocabulary" in refused.stderr
    assert not (tmp_path / "mix").exists()
    assert "between 0 and 1" in _run(a, a, "--weight", "1.5", "--out", "x").stderr
    missing = _run(a, a, "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "mix"))
    assert missing.returncode == 2 and "nowhere" in missing.stderr
    assert not (tmp_path / "mix").exists()

"""The decoding engines (issue #18): ONNX Runtime gives PyTorch's logits and pieces, needs no
torch, and a checkpoint it cannot run falls back or says why."""

import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

from tunesmith import Composer
from tunesmith.abc import Tokenizer
from tunesmith.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from tunesmith.cli import main
from tunesmith.engine import OnnxEngine, TorchEngine, largest_difference, load_engine
from tunesmith.generate import Decoder
from tunesmith.models import RNNConfig, TransformerConfig, build_model
from tunesmith.pretrained import DEFAULT_MODEL

TOKENS = Tokenizer.build(["CDEF GABc| d2 e2 f4|"] * 3, extra_tokens=["<form=reel>"])
SHAPES = {
    "rope": TransformerConfig(len(TOKENS), context=48, n_layer=2, n_head=2, d_model=32),
    "shared": TransformerConfig(len(TOKENS), context=48, n_layer=3, n_head=2, d_model=32,
                                share_layers=True),
    "learned": TransformerConfig(len(TOKENS), context=48, n_layer=2, n_head=4, d_model=32,
                                 positions="learned"),
}


def _save(path, config):
    torch.manual_seed(1)
    save_checkpoint(path, build_model(config).eval(), config, TOKENS, styles=[], data={},
                    metrics={})
    return path


def test_the_bundled_model_gives_the_same_logits_on_both_engines():
    checkpoint = load_checkpoint(DEFAULT_MODEL)
    onnx = OnnxEngine(DEFAULT_MODEL, checkpoint.config)
    assert largest_difference(TorchEngine(checkpoint.model), onnx, len(checkpoint.tokenizer),
                              96) < 1e-4


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_transformer_shape_is_saved_with_a_graph_that_agrees(tmp_path, shape):
    path = _save(tmp_path / "ck", SHAPES[shape])
    checkpoint, engine = load_engine(path)
    assert isinstance(engine, OnnxEngine) and checkpoint.model is None  # torch weights unread
    assert largest_difference(TorchEngine(load_checkpoint(path).model), engine, len(TOKENS),
                              20) < 1e-4


def test_the_same_seed_writes_the_same_piece_past_the_context_on_both_engines():
    """48 bars in four voices run past the 1,024-token context: the decoder restarts from
    the prefix and the latest tokens on both engines alike. (With --top-p 0.95, the default
    before v11, v10's quartet of seed 4 met, 55 draws in, a note whose share put the top-p cut
    at 0.95000005 on one engine and 0.94999989 on the other: a float coincidence, not a
    seam.)"""
    pieces = [Composer.load(engine=kind).generate("a string quartet", bars=48, seed=5)[0]
              for kind in ("onnx", "torch")]
    assert pieces[0].tokens > 1024 and pieces[0].abc == pieces[1].abc
    assert pieces[0].log_likelihood == pytest.approx(pieces[1].log_likelihood, abs=1e-3)


def test_writing_a_piece_with_onnx_runtime_never_imports_torch():
    code = ("import sys; from tunesmith import Composer; "
            "p = Composer.load().generate('a jig', bars=4)[0]; "
            "print(type(p).__name__, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    assert out.split() == ["Piece", "False"]


def test_a_checkpoint_without_its_graph_falls_back_or_names_the_fix(tmp_path, capsys):
    path = _save(tmp_path / "ck", SHAPES["rope"])
    (path / "model.onnx").unlink()  # as saved before checkpoints carried one
    assert isinstance(load_engine(path)[1], TorchEngine)
    with pytest.raises(CheckpointError, match=r"model.onnx is missing.*tunesmith export"):
        load_engine(path, "onnx")
    assert main(["export", str(path)]) == 0
    assert "logits within" in capsys.readouterr().out
    assert isinstance(load_engine(path, "onnx")[1], OnnxEngine)


def test_a_graph_for_another_layout_or_a_broken_graph_is_refused(tmp_path):
    path = _save(tmp_path / "ck", SHAPES["learned"])
    other = _save(tmp_path / "other", SHAPES["rope"])  # its offsets all lie inside ck's file
    shutil.copy(other / "model.onnx", path / "model.onnx")
    with pytest.raises(CheckpointError, match="written for other weights"):
        load_engine(path, "onnx")
    assert isinstance(load_engine(path)[1], TorchEngine)  # auto: the weights still work
    (path / "model.onnx").write_bytes(b"not a graph")
    with pytest.raises(CheckpointError, match="model.onnx: unusable"):
        load_engine(path, "onnx")


def test_a_recurrent_model_decodes_with_torch_and_cannot_be_exported(tmp_path, capsys):
    path = _save(tmp_path / "ck", RNNConfig(len(TOKENS), embed=16, hidden=16, n_layer=1,
                                            dropout=0.0))
    assert not (path / "model.onnx").exists()
    assert isinstance(load_engine(path)[1], TorchEngine)
    assert main(["export", str(path)]) == 2
    assert "only a transformer" in capsys.readouterr().err


def test_an_unknown_engine_is_refused_by_name():
    with pytest.raises(ValueError, match="engine must be one of auto, onnx, torch"):
        load_engine(DEFAULT_MODEL, "tensorrt")


def test_kept_buffers_and_grown_ones_change_nothing():
    """A decoder's buffers start small, grow as it writes and are kept for the next decoder
    of as many rows, holding the last one's keys: none of it may show in the music."""
    warm = Composer.load(engine="onnx")
    first = warm.generate("a jig", bars=16, seed=2)[0].abc
    warm.generate("古典主义", bars=16, seed=9)  # other lengths, other rows, kept after
    assert warm.generate("a jig", bars=16, seed=2)[0].abc == first
    assert Composer.load(engine="onnx").generate("a jig", bars=16, seed=2)[0].abc == first


def test_more_positions_than_the_context_are_refused(tmp_path):
    path = _save(tmp_path / "ck", SHAPES["rope"])
    engine = load_engine(path, "onnx")[1]
    _, cache = engine.forward(np.zeros((1, 40), np.int64))
    with pytest.raises(ValueError, match="49 positions exceed the model's context of 48"):
        engine.forward(np.zeros((1, 9), np.int64), cache)


def test_rows_from_prompts_of_their_own_step_together_as_they_would_apart(tmp_path):
    """Guidance decodes each piece with and without its style controls: on ONNX Runtime
    both parts share one cache (rows at their own positions, one call a step), on PyTorch
    each part has its own; past the context both restart every part from its own prefix."""
    path = _save(tmp_path / "ck", SHAPES["rope"])
    onnx, torch_engine = load_engine(path, "onnx")[1], load_engine(path, "torch")[1]
    parts = [([0, 3, 5, 7, 9], 2), ([0, 9], 3)]
    steps = np.random.default_rng(0).integers(0, len(TOKENS), (80, 5))
    with Decoder(onnx, parts) as together, Decoder(torch_engine, parts) as apart:
        worst = np.abs(together.start() - apart.start()).max()
        assert len(together.caches) == 1 and len(apart.caches) == 2
        for ids in steps:  # 80 steps past a context of 48: restarts on the way
            worst = max(worst, np.abs(together.step(ids) - apart.step(ids)).max())
    assert worst < 1e-4
    alone = onnx.forward(np.array([[0, 9]]))[0]  # one part's row as if by itself
    with Decoder(onnx, parts) as together:
        assert np.abs(together.start()[2:] - alone).max() < 1e-5

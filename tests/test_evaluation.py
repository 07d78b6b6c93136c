"""Likelihood evaluation: known answers for a uniform model, windows, real files and the CLI."""

import json
import math

import pytest
import torch

from tunesmith.abc import Tokenizer
from tunesmith.checkpoint import load_checkpoint
from tunesmith.cli import main
from tunesmith.evaluation import Scored, dataset_tunes, file_tunes, score
from tunesmith.evaluation.likelihood import _windows

from .conftest import REEL


def uniform(checkpoint):
    """The checkpoint with its (tied) embedding zeroed: every prediction is uniform."""
    with torch.no_grad():
        checkpoint.model.embed.weight.zero_()
    return checkpoint


def test_a_uniform_model_scores_log2_vocab_bits_per_token(tiny_model, tiny_dataset):
    checkpoint = uniform(load_checkpoint(tiny_model))
    tunes = list(dataset_tunes(tiny_dataset, "test", checkpoint.tokenizer))
    result = score(checkpoint, tunes, "test")
    vocab = len(checkpoint.tokenizer)
    assert result.tunes == len(tunes) > 0
    assert result.tokens == sum(len(t.ids) - t.first for t in tunes)
    assert result.bits_per_token == pytest.approx(math.log2(vocab), rel=1e-5)
    assert result.bits_per_char == pytest.approx(
        result.tokens * math.log2(vocab) / result.characters, rel=1e-5)


def test_controls_are_given_not_scored(tiny_model, tiny_dataset):
    checkpoint = load_checkpoint(tiny_model)
    tune = next(dataset_tunes(tiny_dataset, "train", checkpoint.tokenizer))
    tokens = checkpoint.tokenizer.tokens
    assert tokens[tune.ids[0]] == "<bos>" and tokens[tune.ids[-1]] == "<eos>"
    assert all(tokens[i].startswith("<") for i in tune.ids[1:tune.first])
    assert tokens[tune.ids[tune.first]].startswith("M:")
    assert tune.characters == len(checkpoint.tokenizer.decode(tune.ids[tune.first:-1]))


@pytest.mark.parametrize("length", [5, 16, 17, 40, 101])
def test_windows_score_every_music_token_exactly_once(length):
    tune = Scored(list(range(length)), first=3, characters=0)
    scored = []
    for inputs, targets in _windows(tune, context=16):
        assert len(inputs) == len(targets) <= 16
        start = inputs[0]  # ids are positions, so the first input says where it starts
        scored += [start + k + 1 for k, t in enumerate(targets) if t >= 0]
        for k, t in enumerate(targets):
            assert t in (-1, start + k + 1)
        # a later window keeps at least half a context of history before what it scores
        first_scored = next((k for k, t in enumerate(targets) if t >= 0), None)
        assert start == 0 or first_scored is None or first_scored >= 8
    assert sorted(scored) == list(range(3, length))


def test_a_better_model_scores_fewer_bits(tiny_model, tiny_dataset):
    trained = score(load_checkpoint(tiny_model),
                    dataset_tunes(tiny_dataset, "train", load_checkpoint(tiny_model).tokenizer),
                    "train")
    blank = uniform(load_checkpoint(tiny_model))
    flat = score(blank, dataset_tunes(tiny_dataset, "train", blank.tokenizer), "train")
    assert trained.bits_per_token < flat.bits_per_token - 1


def test_a_dataset_with_another_vocabulary_is_refused(tiny_dataset):
    tokens = Tokenizer.load(tiny_dataset / "vocab.json").tokens
    other = Tokenizer(tokens[:-1])  # one atom short
    with pytest.raises(ValueError, match="vocab.json"):
        next(dataset_tunes(tiny_dataset, "test", other))


def test_files_are_read_like_prepare_and_skips_are_reported(tiny_model, tmp_path):
    path = tmp_path / "two.abc"
    path.write_text(REEL + "\nX:2\nT:no key\nM:4/4\nabc|\n", encoding="utf-8")
    checkpoint = load_checkpoint(tiny_model)
    tunes, skipped = file_tunes(path, checkpoint.tokenizer)
    assert len(tunes) == 1 and len(skipped) == 1 and "two.abc" in skipped[0]
    result = score(checkpoint, tunes, str(path))
    assert result.tunes == 1 and 0 < result.bits_per_token < 15


def test_cli_prints_the_table_and_writes_json(tiny_model, tiny_dataset, tmp_path, capsys):
    abc = tmp_path / "reel.abc"
    abc.write_text(REEL, encoding="utf-8")
    out = tmp_path / "eval.json"
    assert main(["evaluate", "--model", str(tiny_model), "--data", str(tiny_dataset),
                 "--split", "valid", "test", "--abc", str(abc), "--json", str(out),
                 "--quiet"]) == 0
    text = capsys.readouterr().out
    assert "bits/token" in text and "reel.abc" in text and ":test" in text
    results = json.loads(out.read_text())["results"]
    assert [r["tunes"] for r in results][2] == 1
    assert all(r["bits_per_token"] > 0 for r in results)


@pytest.mark.parametrize("argv, message", [
    (["--abc", "missing.abc"], "missing.abc: no such file"),
    ([], "nothing to score"),
    (["--model", "no/such/dir"], "no/such/dir"),
])
def test_cli_errors_name_what_is_wrong(tiny_model, argv, message, capsys):
    if "--model" not in argv:
        argv = ["--model", str(tiny_model), *argv]
    assert main(["evaluate", *argv]) == 2
    assert message in capsys.readouterr().err

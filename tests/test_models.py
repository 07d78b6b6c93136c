"""The generator models: they learn, their KV cache is exact, and they save and load whole."""

import json

import pytest
import torch

from tunesmith.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from tunesmith.models import KVCache, RNNConfig, TransformerConfig, build_model, config_from_dict

VOCAB = 40
CONFIGS = {
    "transformer": TransformerConfig(VOCAB, context=32, n_layer=2, n_head=2, d_model=32),
    "shared": TransformerConfig(VOCAB, context=32, n_layer=3, n_head=2, d_model=32,
                                share_layers=True),
    "learned": TransformerConfig(VOCAB, context=32, n_layer=2, n_head=2, d_model=32,
                                 positions="learned"),
    "lstm": RNNConfig(VOCAB, cell="lstm", embed=32, hidden=64, n_layer=2, dropout=0.0),
    "gru": RNNConfig(VOCAB, cell="gru", embed=32, hidden=64, n_layer=2, dropout=0.0),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_each_model_overfits_one_batch(name):
    torch.manual_seed(0)
    model = build_model(CONFIGS[name])
    batch = torch.randint(0, VOCAB, (4, 25))
    x, y = batch[:, :-1], batch[:, 1:]
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.0)
    first = model(x, y)[1].item()
    for _ in range(400):
        loss = model(x, y)[1]
        if loss.item() < 0.05:
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert first > 3.0  # ~ln(40) at the start
    assert loss.item() < 0.05, f"{name} did not memorise the batch: loss {loss.item():.3f}"


def test_shared_layers_have_one_block_of_parameters():
    shared = build_model(CONFIGS["shared"])
    unshared = build_model(TransformerConfig(VOCAB, context=32, n_layer=3, n_head=2,
                                             d_model=32))
    block = sum(p.numel() for p in unshared.blocks[0].parameters())
    assert len(shared.blocks) == 1
    assert unshared.num_parameters() - shared.num_parameters() == 2 * block


@pytest.mark.parametrize("name", ["transformer", "shared", "learned"])
def test_kv_cache_decoding_matches_full_recompute(name):
    torch.manual_seed(1)
    model = build_model(CONFIGS[name]).eval()
    idx = torch.randint(0, VOCAB, (3, 20))
    full, _ = model(idx)
    cache = KVCache(model.config, batch=3, device="cpu")
    parts = [model(idx[:, :7], cache=cache)[0]]  # a prompt chunk, then one token at a time,
    parts.append(model(idx[:, 7:12], cache=cache)[0])  # a chunk after cached positions,
    parts += [model(idx[:, t:t + 1], cache=cache)[0] for t in range(12, 20)]
    assert torch.allclose(torch.cat(parts, dim=1), full, atol=1e-5)
    assert cache.pos == 20


def test_rnn_state_carries_across_chunks():
    torch.manual_seed(2)
    model = build_model(CONFIGS["lstm"]).eval()
    idx = torch.randint(0, VOCAB, (2, 15))
    full = model(idx)[0]
    cache = model.new_cache(2)
    a, _ = model(idx[:, :9], cache=cache)
    b, _ = model(idx[:, 9:], cache=cache)
    assert torch.allclose(torch.cat((a, b), dim=1), full, atol=1e-5)
    assert cache.pos == 15


def test_text_prefix_conditions_the_logits():
    torch.manual_seed(3)
    config = TransformerConfig(VOCAB, context=32, n_layer=2, n_head=2, d_model=32, text_dim=8,
                               text_prefix=2)
    model = build_model(config).eval()
    idx = torch.randint(0, VOCAB, (2, 10))
    a, _ = model(idx, text=torch.randn(2, 8))
    b, _ = model(idx, text=torch.randn(2, 8))
    assert a.shape == (2, 10, VOCAB) and not torch.allclose(a, b)
    cache = KVCache(config, batch=2, device="cpu")
    text = torch.randn(2, 8)
    step = [model(idx[:, :4], cache=cache, text=text)[0]]
    step += [model(idx[:, t:t + 1], cache=cache)[0] for t in range(4, 10)]
    assert torch.allclose(torch.cat(step, 1), model(idx, text=text)[0], atol=1e-5)


def test_context_overflow_is_a_clear_error():
    model = build_model(CONFIGS["transformer"])
    with pytest.raises(ValueError, match="exceed the model's context of 32"):
        model(torch.zeros(1, 33, dtype=torch.long))


def test_config_rejects_unknown_and_bad_settings():
    with pytest.raises(ValueError, match="unknown transformer setting"):
        config_from_dict({"type": "transformer", "n_layers": 3}, vocab_size=10)
    with pytest.raises(ValueError, match="model type"):
        config_from_dict({"type": "mamba"}, vocab_size=10)
    with pytest.raises(ValueError, match="heads"):
        config_from_dict({"type": "transformer", "d_model": 30, "n_head": 4}, vocab_size=10)


# -- checkpoints ---------------------------------------------------------------------------
@pytest.fixture()
def tokenizer():
    from tunesmith.abc import Tokenizer

    return Tokenizer.build(["CDEF GABc|"], extra_tokens=["<form=reel>"])


def _save(path, name, tokenizer):
    torch.manual_seed(4)
    config = type(CONFIGS[name])(**{**CONFIGS[name].__dict__, "vocab_size": len(tokenizer)})
    model = build_model(config).eval()
    save_checkpoint(path, model, config, tokenizer, styles=[], data={"fingerprint": "x"},
                    metrics={"step": 1})
    return model


@pytest.mark.parametrize("name", ["transformer", "shared", "gru"])
def test_checkpoint_round_trip_gives_identical_logits(tmp_path, tokenizer, name):
    model = _save(tmp_path / "ck", name, tokenizer)
    loaded = load_checkpoint(tmp_path / "ck")
    idx = torch.tensor([tokenizer.encode("CDEF GABc|", bos=True)])
    assert torch.equal(model(idx)[0], loaded.model(idx)[0])
    assert loaded.tokenizer.tokens == tokenizer.tokens and loaded.metrics == {"step": 1}


def test_saving_again_replaces_the_checkpoint_whole(tmp_path, tokenizer):
    _save(tmp_path / "ck", "transformer", tokenizer)
    _save(tmp_path / "ck", "gru", tokenizer)
    assert load_checkpoint(tmp_path / "ck").config.cell == "gru"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck"]


def test_interrupted_swap_is_recovered(tmp_path, tokenizer):
    _save(tmp_path / "ck", "transformer", tokenizer)
    (tmp_path / "ck").rename(tmp_path / "ck.old")  # killed between the two renames
    assert load_checkpoint(tmp_path / "ck").config.n_layer == 2


def test_corrupt_weights_name_the_file(tmp_path, tokenizer):
    _save(tmp_path / "ck", "transformer", tokenizer)
    weights = tmp_path / "ck" / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:500])
    with pytest.raises(CheckpointError, match="model.safetensors: corrupt"):
        load_checkpoint(tmp_path / "ck")


def test_weights_of_another_model_name_the_file(tmp_path, tokenizer):
    _save(tmp_path / "a", "transformer", tokenizer)
    _save(tmp_path / "b", "lstm", tokenizer)
    (tmp_path / "b" / "model.safetensors").replace(tmp_path / "a" / "model.safetensors")
    with pytest.raises(CheckpointError, match="model.safetensors: does not fit"):
        load_checkpoint(tmp_path / "a")


def test_vocab_of_another_model_names_the_file(tmp_path, tokenizer):
    from tunesmith.abc import Tokenizer

    _save(tmp_path / "ck", "transformer", tokenizer)
    Tokenizer.build(["CDEF GABc| abc def"], extra_tokens=["<a=b>", "<c=d>"]).save(
        tmp_path / "ck" / "vocab.json")
    with pytest.raises(CheckpointError, match="vocab.json: .* different checkpoints"):
        load_checkpoint(tmp_path / "ck")


def test_a_checkpoint_from_a_newer_tunesmith_is_refused_by_name(tmp_path, tokenizer):
    _save(tmp_path / "ck", "transformer", tokenizer)
    config = tmp_path / "ck" / "config.json"
    spec = json.loads(config.read_text())
    assert spec["format"] == 1
    config.write_text(json.dumps({**spec, "format": 7}))
    with pytest.raises(CheckpointError, match="config.json: checkpoint format 7 is newer"):
        load_checkpoint(tmp_path / "ck")


def test_missing_or_garbled_config_names_the_file(tmp_path, tokenizer):
    _save(tmp_path / "ck", "transformer", tokenizer)
    (tmp_path / "ck" / "config.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="config.json: unreadable"):
        load_checkpoint(tmp_path / "ck")
    (tmp_path / "ck" / "config.json").unlink()
    with pytest.raises(CheckpointError, match="config.json: missing"):
        load_checkpoint(tmp_path / "ck")
    with pytest.raises(CheckpointError, match="no such checkpoint"):
        load_checkpoint(tmp_path / "nowhere")

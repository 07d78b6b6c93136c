"""The training loop: exact resume, real clipping, DDP equal to one process, clear errors."""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace

import pytest
import torch
from safetensors.torch import load_file

from tunesmith.checkpoint import CheckpointError
from tunesmith.cli import main
from tunesmith.train import TrainConfig, Trainer, load_run_config, lr_factor

TINY = {"type": "transformer", "context": 32, "n_layer": 2, "n_head": 2, "d_model": 32,
        "dropout": 0.1}  # dropout on, so the RNG state must be restored too
FAST = TrainConfig(steps=20, batch_size=4, lr=3e-3, min_lr=3e-4, warmup=3, eval_every=5,
                   eval_batches=2, seed=5)


def _weights(run):
    return load_file(str(run / "last" / "model.safetensors"))


def test_resume_continues_exactly(tiny_dataset, tmp_path):
    straight = Trainer(tiny_dataset, tmp_path / "a", TINY, FAST, progress=False)
    straight.run()
    killed = Trainer(tiny_dataset, tmp_path / "b", TINY, FAST, progress=False)
    killed.run(until=10)
    assert json.loads((tmp_path / "b" / "last" / "metrics.json").read_text())["step"] == 10
    resumed = Trainer(tiny_dataset, tmp_path / "b", TINY, FAST, resume=True, progress=False)
    assert resumed.step == 10
    resumed.run()
    a, b = _weights(tmp_path / "a"), _weights(tmp_path / "b")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    log = [json.loads(line) for line in (tmp_path / "b" / "metrics.jsonl").open()]
    assert [r["step"] for r in log] == list(range(1, 21))


def test_resume_after_a_stop_between_checkpoints_drops_the_lost_steps(tiny_dataset, tmp_path):
    first = Trainer(tiny_dataset, tmp_path / "r", TINY, FAST, progress=False)
    first.run(until=7)  # saved at 5 by the schedule and at 7 on stopping
    again = Trainer(tiny_dataset, tmp_path / "r", TINY, FAST, resume=True, progress=False)
    assert again.step == 7
    log = [json.loads(line)["step"] for line in (tmp_path / "r" / "metrics.jsonl").open()]
    assert log == list(range(1, 8))


def test_resume_drops_a_metrics_line_torn_by_the_kill(tiny_dataset, tmp_path):
    Trainer(tiny_dataset, tmp_path / "r", TINY, FAST, progress=False).run(until=5)
    with (tmp_path / "r" / "metrics.jsonl").open("a") as f:
        f.write('{"step": 6, "loss": 3.1')  # killed mid-write: no closing brace, no newline
    Trainer(tiny_dataset, tmp_path / "r", TINY, FAST, resume=True, progress=False).run(until=7)
    log = [json.loads(line)["step"] for line in (tmp_path / "r" / "metrics.jsonl").open()]
    assert log == list(range(1, 8))


def test_validation_loss_falls_and_best_checkpoint_is_kept(tiny_dataset, tmp_path):
    config = replace(FAST, steps=30, eval_every=10)
    metrics = Trainer(tiny_dataset, tmp_path / "run", TINY, config, progress=False).run()
    log = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").open()]
    valid = [r["valid_loss"] for r in log if "valid_loss" in r]
    assert len(valid) == 3 and valid[-1] < valid[0]
    best = json.loads((tmp_path / "run" / "best" / "metrics.json").read_text())
    assert best["valid_loss"] == min(valid) == metrics["best_valid_loss"]
    assert (tmp_path / "run" / "tensorboard").is_dir()


def test_gradient_clipping_bounds_the_norm_the_optimizer_sees(tiny_dataset, tmp_path):
    config = replace(FAST, grad_clip=0.05)
    trainer = Trainer(tiny_dataset, tmp_path / "c", TINY, config, progress=False)
    seen = []

    def record(optimizer, args, kwargs):
        grads = [p.grad for p in trainer.model.parameters() if p.grad is not None]
        seen.append(float(torch.linalg.vector_norm(torch.cat([g.flatten() for g in grads]))))

    trainer.optimizer.register_step_pre_hook(record)
    raw = [trainer.train_step()[1] for _ in range(3)]
    assert min(raw) > 0.05  # the raw gradient really was larger than the bound
    assert all(n <= 0.05 * (1 + 1e-4) for n in seen)
    unclipped = Trainer(tiny_dataset, tmp_path / "u", TINY, replace(FAST, grad_clip=0.0),
                        progress=False)
    assert unclipped.train_step()[1] == pytest.approx(raw[0], rel=1e-4)


def test_schedule_warms_up_then_decays_to_the_floor():
    c = TrainConfig(steps=100, lr=1e-3, min_lr=1e-4, warmup=10)
    assert lr_factor(0, c) == pytest.approx(0.1)
    assert lr_factor(9, c) == pytest.approx(1.0)
    assert lr_factor(100, c) == pytest.approx(0.1)
    assert lr_factor(55, c) == pytest.approx(0.55)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_rnn_baselines_train_with_the_same_loop(tiny_dataset, tmp_path, cell):
    spec = {"type": "rnn", "cell": cell, "embed": 16, "hidden": 32, "n_layer": 2,
            "dropout": 0.0, "context": 32}
    metrics = Trainer(tiny_dataset, tmp_path / cell, spec, replace(FAST, steps=10),
                      progress=False).run()
    assert metrics["valid_loss"] < 6.3  # below uniform over a ~570-token vocabulary


def test_two_process_torchrun_matches_one_process(tiny_dataset, tmp_path):
    args = ["train", "--data", str(tiny_dataset), "--config", "tiny", "--steps", "4",
            "--batch-size", "4", "--eval-every", "4", "--quiet"]
    assert main([*args, "--out", str(tmp_path / "one")]) == 0
    torchrun = shutil.which("torchrun") or pytest.fail("torchrun not installed")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run([torchrun, "--standalone", "--nproc_per_node=2", "-m",
                           "tunesmith.cli", *args, "--out", str(tmp_path / "two")],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-6000:]
    assert done.stdout.count("step 4: train") == 1, done.stdout  # rank 0 alone reports
    one, two = _weights(tmp_path / "one"), _weights(tmp_path / "two")
    assert all(torch.allclose(one[k], two[k], atol=1e-5) for k in one)
    assert json.loads((tmp_path / "two" / "last" / "metrics.json").read_text())[
        "processes"] == 2


def test_resume_with_more_steps_carries_a_finished_run_on(tiny_dataset, tmp_path):
    Trainer(tiny_dataset, tmp_path / "r", TINY, replace(FAST, steps=10), progress=False).run()
    longer = replace(FAST, steps=20)
    more = Trainer(tiny_dataset, tmp_path / "r", TINY, longer, resume=True, progress=False)
    assert more.step == 10
    more.run()
    lr = {r["step"]: r["lr"] for r in map(json.loads, (tmp_path / "r" / "metrics.jsonl").open())}
    assert sorted(lr) == list(range(1, 21))
    assert lr[10] == pytest.approx(FAST.min_lr)  # the first run had ended its schedule
    assert lr[11] == pytest.approx(FAST.lr * lr_factor(11, longer))  # the schedule ends at 20
    assert lr[11] > 2 * lr[10]
    assert lr[20] == pytest.approx(FAST.min_lr)
    with pytest.raises(CheckpointError, match="peak learning rate is 0.003, not 0.001"):
        Trainer(tiny_dataset, tmp_path / "r", TINY, replace(longer, lr=1e-3), resume=True,
                progress=False)


def test_resume_with_another_model_names_the_checkpoint_file(tiny_dataset, tmp_path):
    Trainer(tiny_dataset, tmp_path / "x", TINY, replace(FAST, steps=5), progress=False).run()
    other = {**TINY, "n_layer": 3}
    with pytest.raises(CheckpointError, match="last/config.json: the checkpoint's model"):
        Trainer(tiny_dataset, tmp_path / "x", other, FAST, resume=True, progress=False)


def test_init_starts_from_a_checkpoints_weights_with_a_new_schedule(tiny_dataset, tmp_path):
    Trainer(tiny_dataset, tmp_path / "a", TINY, replace(FAST, steps=10), progress=False).run()
    start = _weights(tmp_path / "a")
    again = Trainer(tiny_dataset, tmp_path / "b", TINY,
                    replace(FAST, init=str(tmp_path / "a" / "last")), progress=False)
    assert again.step == 0
    weights = again.model.state_dict()
    assert all(torch.equal(weights[k], v) for k, v in start.items())
    again.run(until=1)
    lr = json.loads((tmp_path / "b" / "metrics.jsonl").read_text().splitlines()[0])["lr"]
    assert lr == pytest.approx(FAST.lr * lr_factor(1, FAST))  # warming up afresh
    cold = Trainer(tiny_dataset, tmp_path / "c", TINY, FAST, progress=False)
    assert cold.evaluate() > again.evaluate() + 0.1  # the trained weights, not random ones
    recorded = json.loads((tmp_path / "b" / "last" / "config.json").read_text())["train"]
    assert recorded["init"] == str(tmp_path / "a" / "last")


def test_init_with_another_model_or_vocabulary_is_refused(tiny_dataset, tmp_path):
    Trainer(tiny_dataset, tmp_path / "a", TINY, replace(FAST, steps=5), progress=False).run()
    init = replace(FAST, init=str(tmp_path / "a" / "last"))
    with pytest.raises(CheckpointError, match="last/config.json: the checkpoint's model"):
        Trainer(tiny_dataset, tmp_path / "b", {**TINY, "n_layer": 3}, init, progress=False)
    vocab = tmp_path / "a" / "last" / "vocab.json"
    spec = json.loads(vocab.read_text())
    tokens = spec["tokens"]
    tokens[-1], tokens[-2] = tokens[-2], tokens[-1]
    vocab.write_text(json.dumps(spec))
    with pytest.raises(CheckpointError, match="vocab.json: its vocabulary differs"):
        Trainer(tiny_dataset, tmp_path / "b", TINY, init, progress=False)


def test_resume_from_a_corrupt_checkpoint_is_a_clear_cli_error(tiny_dataset, tmp_path,
                                                               capsys):
    out = tmp_path / "bad"
    args = ["train", "--data", str(tiny_dataset), "--config", "tiny", "--steps", "5",
            "--eval-every", "5", "--quiet", "--out", str(out)]
    assert main(args) == 0
    (out / "last" / "trainer.pt").write_bytes(b"garbage")
    assert main([*args, "--resume"]) == 2
    assert "last/trainer.pt: corrupt" in capsys.readouterr().err


def test_bad_config_and_missing_data_are_clear_cli_errors(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: {type: transformer, n_layers: 3}\n")
    assert main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "o"),
                 "--config", str(bad)]) == 2
    assert "bad.yaml: not a valid tunesmith config" in capsys.readouterr().err
    assert main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "o"),
                 "--config", "nope"]) == 2
    assert "tiny" in capsys.readouterr().err  # lists the bundled configs
    assert main(["train", "--data", str(tmp_path / "none"), "--out", str(tmp_path / "o"),
                 "--config", "tiny"]) == 2
    assert "vocab.json" in capsys.readouterr().err


def test_bundled_configs_load_and_have_the_advertised_sizes():
    from tunesmith.models import build_model, config_from_dict

    sizes = {}
    for name in ("tiny", "small", "small-shared", "base", "large", "lstm", "gru", "folk-rnn"):
        spec, _ = load_run_config(name)
        sizes[name] = build_model(config_from_dict(spec, vocab_size=950)).num_parameters()
    assert sizes["tiny"] < 100_000
    assert 2.5e6 < sizes["small"] < 4.5e6 and sizes["small-shared"] < sizes["small"] / 2
    assert 20e6 < sizes["base"] < 35e6 and sizes["large"] > 100e6
    assert sizes["folk-rnn"] > sizes["lstm"]


def test_cli_module_runs_as_a_script():
    done = subprocess.run([sys.executable, "-m", "tunesmith.cli", "train", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--resume" in done.stdout


def test_a_budget_in_minutes_fixes_the_steps_and_the_run_ends_on_them(tiny_dataset, tmp_path):
    budget = replace(FAST, steps=10**6, minutes=0.05)  # 3 s: far fewer than a million steps
    trainer = Trainer(tiny_dataset, tmp_path / "r", TINY, budget, progress=False)
    metrics = trainer.run()
    fixed = trainer.config.steps
    assert 20 < fixed < 10**6 and metrics["step"] == trainer.step == fixed
    assert trainer.scheduler.get_last_lr()[0] == pytest.approx(budget.min_lr, rel=1e-3)
    saved = json.loads((tmp_path / "r" / "last" / "config.json").read_text())["train"]
    assert saved["steps"] == fixed  # the run can be asked again with --steps


def test_two_processes_agree_on_the_steps_a_budget_fixes(tiny_dataset, tmp_path):
    torchrun = shutil.which("torchrun") or pytest.fail("torchrun not installed")
    done = subprocess.run([torchrun, "--standalone", "--nproc_per_node=2", "-m", "tunesmith.cli",
                           "train", "--data", str(tiny_dataset), "--config", "tiny",
                           "--steps", "100000", "--minutes", "0.05", "--batch-size", "4",
                           "--eval-every", "1000", "--quiet", "--out", str(tmp_path / "r")],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-6000:]  # neither waited on a step the other skipped
    assert done.stdout.count("--minutes 0.05:") == 1, done.stdout
    fixed = json.loads((tmp_path / "r" / "last" / "config.json").read_text())["train"]["steps"]
    assert 20 < fixed < 100000
    assert json.loads((tmp_path / "r" / "last" / "metrics.json").read_text())["step"] == fixed

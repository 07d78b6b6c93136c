"""``tunesmith train``: one training loop for every model, on one process or many.

The batch for optimizer step ``s`` is drawn from a generator seeded by ``(seed, s, micro-step)``,
so the data position *is* the step: a resumed run reads exactly the windows the uninterrupted
run would have, and ``torchrun --nproc_per_node=N`` splits the same global batch N ways
(each process takes its rows), which makes N processes train like one.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
import yaml
from torch import nn

from .checkpoint import (
    Checkpoint,
    CheckpointError,
    load_checkpoint,
    load_trainer_state,
    resolve,
    save_checkpoint,
)
from .data.dataset import Dataset
from .data.windows import TuneWindows
from .models import build_model, config_from_dict, config_to_dict
from .styles import TAXONOMY

CONFIG_DIR = Path(__file__).parent / "configs"


@dataclass
class TrainConfig:
    steps: int = 20000
    batch_size: int = 32  # windows per micro-step, summed over all processes
    grad_accum: int = 1  # micro-steps per optimizer step
    lr: float = 1e-3
    min_lr: float = 1e-4
    warmup: int = 500
    weight_decay: float = 0.1
    beta2: float = 0.95
    grad_clip: float = 1.0  # max global gradient norm; 0 turns clipping off
    balance: float = 0.5  # style group shares of rows ~ tokens ** balance (data/windows.py)
    control_dropout: float = 0.1  # rows trained without their style controls (for guidance)
    from_start: float = 0.0  # rows of a tune longer than a row read from its start, not midway
    minutes: float = 0.0  # a wall-clock budget that fixes `steps` once the rate is measured
    eval_every: int = 500
    eval_batches: int = 40
    seed: int = 1337
    device: str = "auto"  # auto = cuda if available, else cpu
    init: str = ""  # a checkpoint whose weights a fresh run starts from (fine-tuning)


def bundled_configs() -> list[str]:
    return sorted(p.stem for p in CONFIG_DIR.glob("*.yaml"))


def load_run_config(name_or_path: str) -> tuple[dict, TrainConfig]:
    """The model spec and training settings of a bundled config name (``small``) or a YAML
    file with ``model:`` and ``train:`` sections."""
    path = Path(name_or_path)
    if not path.is_file():
        path = CONFIG_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"--config {name_or_path!r} is neither a YAML file nor one of "
                                f"{', '.join(bundled_configs())}")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        model = dict(spec["model"])
        config_from_dict(model, vocab_size=1)  # check settings now, not after loading data
        return model, train_config(spec.get("train") or {})
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: not a valid tunesmith config ({exc})") from None


def train_config(values: dict) -> TrainConfig:
    known = {f.name: f.type for f in fields(TrainConfig)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ValueError(f"unknown train setting(s) {unknown}; known: {sorted(known)}")
    defaults = TrainConfig()
    return TrainConfig(**{k: type(getattr(defaults, k))(v) for k, v in values.items()})


def lr_factor(step: int, config: TrainConfig) -> float:
    """Linear warmup to ``lr``, then cosine decay to ``min_lr`` at the last step."""
    if step < config.warmup:
        return (step + 1) / config.warmup
    done = min(1.0, (step - config.warmup) / max(1, config.steps - config.warmup))
    floor = config.min_lr / config.lr
    return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * done))


def clip_gradients(params: list[nn.Parameter], max_norm: float) -> float:
    """Scale gradients so their global L2 norm is at most ``max_norm`` (0 = leave them);
    returns the norm before clipping."""
    if max_norm > 0:
        return float(torch.nn.utils.clip_grad_norm_(params, max_norm))
    grads = [p.grad for p in params if p.grad is not None]
    return float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g)
                                                       for g in grads]))) if grads else 0.0


def steps_for_budget(step: int, seconds_left: float, seconds_per_step: float) -> int:
    """The last step of a run at ``step`` with ``seconds_left`` to go at the measured rate,
    keeping a twentieth back for validation and checkpoints."""
    return step + max(1, int(0.95 * seconds_left / seconds_per_step))


def _style_counts(dataset: Dataset) -> list[dict]:
    per_label = dataset.report().get("per_label", {})
    return [{"dimension": s.dimension, "name": s.name, "token": s.token,
             "aliases": list(s.aliases[1:]),
             "train_tunes": per_label.get(s.dimension, {}).get(s.name, {}).get("tunes", 0)}
            for s in TAXONOMY]


class Trainer:
    """Trains ``model_spec`` on a prepared dataset into ``out`` (``out/last``, ``out/best``).

    Under torchrun (``WORLD_SIZE`` > 1) it joins the process group and wraps the model in
    DistributedDataParallel; only rank 0 writes files.
    """

    def __init__(self, data_dir: str | Path, out: str | Path, model_spec: dict,
                 config: TrainConfig, resume: bool = False, progress: bool = True):
        self.data_dir, self.out, self.config = Path(data_dir), Path(out), config
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        if config.batch_size % self.world:
            raise ValueError(f"batch_size {config.batch_size} must divide evenly among "
                             f"{self.world} processes")
        self.device = torch.device(("cuda" if torch.cuda.is_available() else "cpu")
                                   if config.device == "auto" else config.device)
        if self.world > 1 and not torch.distributed.is_initialized():
            backend = "nccl" if self.device.type == "cuda" else "gloo"
            torch.distributed.init_process_group(backend)
            if self.device.type == "cuda":
                self.device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        self.progress = progress and self.rank == 0

        self.dataset = Dataset(self.data_dir)
        self.tokenizer = self.dataset.tokenizer()
        self.fingerprint = self.dataset.fingerprint()
        self.keys = self.dataset.key_counts("train")  # what a piece given no key is given
        self.spans = self.dataset.span_counts("train", self.progress)  # how far a melody goes
        self.endings = self.dataset.ending_counts("train", self.progress)  # its last part repeats?
        self.finals = self.dataset.final_counts("train", self.progress)  # its last note's length
        self.signs = self.dataset.sign_counts("train", self.progress)  # tuplets, dotted pairs?
        self.paces = self.dataset.pace_counts("train", self.progress)  # how many sixteenths
        self.dots = self.dataset.dot_counts("train", self.progress)  # how many dotted notes
        self.entries = self.dataset.entry_counts("train", self.progress)  # voices come in
        self.degrees = self.dataset.degree_counts("train", self.progress)  # notes' degrees
        self.durations = self.dataset.duration_counts("train", self.progress)  # their lengths
        self.slurs = self.dataset.slur_counts("train", self.progress)  # how often they slur
        self.lengths = self.dataset.length_counts("train", self.progress)  # bars, unasked
        self.layouts = self.dataset.layout_counts("train", self.progress)  # a melody's parts
        self.tempos = self.dataset.tempo_counts("train")  # Q: marked, by style and meter
        self.model_config = config_from_dict(model_spec, vocab_size=len(self.tokenizer))
        context = self.model_config.context
        self.train_data = TuneWindows(self.data_dir, "train", context, self.tokenizer,
                                      config.balance, config.control_dropout,
                                      config.from_start)
        self.valid_data = TuneWindows(self.data_dir, "valid", context, self.tokenizer,
                                      config.balance)

        torch.manual_seed(config.seed)
        self.model = build_model(self.model_config).to(self.device)
        decay = [p for p in self.model.parameters() if p.dim() >= 2]
        rest = [p for p in self.model.parameters() if p.dim() < 2]
        self.optimizer = torch.optim.AdamW(
            [{"params": decay, "weight_decay": config.weight_decay},
             {"params": rest, "weight_decay": 0.0}],
            lr=config.lr, betas=(0.9, config.beta2),
            fused=self.device.type == "cuda")
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda s: lr_factor(s, config))
        self.step, self.best_valid, self.tokens_seen, self.elapsed = 0, math.inf, 0, 0.0
        if not (resume and self._resume()) and config.init:
            self._init_weights(config.init)
        self.ddp = self.model
        if self.world > 1:
            self.ddp = nn.parallel.DistributedDataParallel(
                self.model, device_ids=[self.device.index] if self.device.type == "cuda"
                else None)
        self.autocast = (torch.autocast("cuda", dtype=torch.bfloat16)
                         if self.device.type == "cuda" else contextlib.nullcontext())

    # -- resume or start from another run's weights --------------------------------------
    def _resume(self) -> bool:
        """Restore ``out/last`` whole; False when there is none (a fresh start)."""
        last = self.out / "last"
        try:
            resolve(last)
        except CheckpointError:
            return False
        ckpt = load_checkpoint(last, self.device)
        self._check_model(ckpt, "resume with the same --config or train into a new --out")
        if ckpt.data.get("fingerprint") != self.fingerprint:
            raise CheckpointError(f"{ckpt.path / 'data.json'}: trained on another dataset "
                                  f"(fingerprint {ckpt.data.get('fingerprint')!r}, now "
                                  f"{self.fingerprint!r}); resume on the same --data")
        state = load_trainer_state(last)
        peak = state["scheduler"]["base_lrs"][0]
        if not math.isclose(peak, self.config.lr):  # the restored schedule would ignore it
            raise CheckpointError(f"{last / 'trainer.pt'}: this run's peak learning rate is "
                                  f"{peak:g}, not {self.config.lr:g}; resume without --lr "
                                  "or train into a new --out")
        self.model.load_state_dict(ckpt.model.state_dict())
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng"])
        if self.device.type == "cuda" and "cuda_rng" in state:
            torch.cuda.set_rng_state(state["cuda_rng"], self.device)
        self.step, self.best_valid = int(state["step"]), float(state["best_valid"])
        self.tokens_seen, self.elapsed = int(state["tokens_seen"]), float(state["elapsed"])
        return True

    def _init_weights(self, path: str) -> None:
        """Start from a checkpoint's weights with a new optimizer and schedule: the same
        model and vocabulary are required (tokens are rows of the embedding)."""
        ckpt = load_checkpoint(path, self.device)
        self._check_model(ckpt, "--init a checkpoint made with the same --config")
        if ckpt.tokenizer.tokens != self.tokenizer.tokens:
            raise CheckpointError(f"{ckpt.path / 'vocab.json'}: its vocabulary differs from "
                                  f"{self.data_dir}'s ({len(ckpt.tokenizer)} vs "
                                  f"{len(self.tokenizer)} tokens); --init needs a dataset "
                                  "prepared with the same vocabulary")
        self.model.load_state_dict(ckpt.model.state_dict())

    def _check_model(self, ckpt: Checkpoint, fix: str) -> None:
        if config_to_dict(ckpt.config) != config_to_dict(self.model_config):
            raise CheckpointError(f"{ckpt.path / 'config.json'}: the checkpoint's model "
                                  f"{config_to_dict(ckpt.config)} differs from the requested "
                                  f"{config_to_dict(self.model_config)}; {fix}")

    # -- one optimizer step ----------------------------------------------------------------
    def train_step(self) -> tuple[float, float]:
        """One optimizer step over ``grad_accum`` micro-batches; returns (loss, grad norm
        before clipping)."""
        c, share = self.config, self.config.batch_size // self.world
        mine = slice(self.rank * share, (self.rank + 1) * share)
        self.ddp.train()
        total = 0.0
        for micro in range(c.grad_accum):
            rng = np.random.default_rng([c.seed, self.step, micro])
            x, y = (t.to(self.device) for t in self.train_data.batch(rng, c.batch_size, mine))
            sync = micro == c.grad_accum - 1 or self.world == 1
            with (contextlib.nullcontext() if sync else self.ddp.no_sync()), self.autocast:
                loss = self.ddp(x, y)[1] / c.grad_accum
            loss.backward()
            total += loss.item()
        norm = clip_gradients(list(self.model.parameters()), c.grad_clip)
        self.optimizer.step()
        self.scheduler.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.step += 1
        self.tokens_seen += c.batch_size * c.grad_accum * self.train_data.context
        return total, norm

    def _agreed(self, steps: int) -> int:
        """Rank 0's ``steps`` on every process, so none stops before the others."""
        if self.world == 1:
            return steps
        value = torch.tensor([steps], device=self.device)
        torch.distributed.broadcast(value, 0)
        return int(value.item())

    @torch.no_grad()
    def evaluate(self) -> float:
        """Mean loss over ``eval_batches`` fixed validation windows (the same every time)."""
        self.model.eval()
        rng = np.random.default_rng([self.config.seed, 2**31])
        losses = []
        for _ in range(self.config.eval_batches):
            x, y = self.valid_data.batch(rng, self.config.batch_size)
            with self.autocast:
                losses.append(self.model(x.to(self.device), y.to(self.device))[1].item())
        return float(np.mean(losses))

    # -- saving -------------------------------------------------------------------------
    def save(self, name: str, metrics: dict) -> None:
        if self.rank != 0:
            return
        state = {"optimizer": self.optimizer.state_dict(),
                 "scheduler": self.scheduler.state_dict(), "rng": torch.get_rng_state(),
                 "step": self.step, "best_valid": self.best_valid,
                 "tokens_seen": self.tokens_seen, "elapsed": self.elapsed}
        if self.device.type == "cuda":
            state["cuda_rng"] = torch.cuda.get_rng_state(self.device)
        data = {"fingerprint": self.fingerprint, "dir": str(self.data_dir),
                "train_tokens": len(self.train_data), "valid_tokens": len(self.valid_data),
                "keys": self.keys, "spans": self.spans, "endings": self.endings,
                "finals": self.finals, "signs": self.signs, "paces": self.paces,
                "dots": self.dots, "entries": self.entries, "degrees": self.degrees,
                "durations": self.durations, "slurs": self.slurs, "lengths": self.lengths,
                "layouts": self.layouts, "tempos": self.tempos,
                "shares": self.train_data.shares}
        save_checkpoint(self.out / name, self.model, self.model_config, self.tokenizer,
                        styles=_style_counts(self.dataset), data=data, metrics=metrics,
                        train=asdict(self.config), trainer_state=state)

    # -- the loop -------------------------------------------------------------------------
    def run(self, until: int | None = None) -> dict:
        """Train to ``config.steps`` (or stop early at step ``until``, as a kill would);
        validates and checkpoints every ``eval_every`` steps and at the end."""
        from tqdm import tqdm

        c = self.config
        stop = min(c.steps, until) if until is not None else c.steps
        deadline = time.time() + 60 * c.minutes if c.minutes > 0 else None
        probe = self.step + _PROBE_STEPS
        writer = log = None
        if self.rank == 0:
            self.out.mkdir(parents=True, exist_ok=True)
            log = _MetricsLog(self.out / "metrics.jsonl", self.step)
            with contextlib.suppress(ImportError):
                from torch.utils.tensorboard import SummaryWriter
                writer = SummaryWriter(str(self.out / "tensorboard"), purge_step=self.step)
        bar = tqdm(total=stop, initial=self.step, desc="training", unit="step",
                   disable=not self.progress, dynamic_ncols=True)
        metrics: dict = {}
        t0, tokens0 = time.time(), self.tokens_seen
        try:
            while self.step < stop:
                if deadline is not None and self.step == probe - _PROBE_STEPS // 2:
                    t_probe = time.time()  # the first steps are slower (warm-up of kernels)
                loss, norm = self.train_step()
                if deadline is not None and self.step == probe:
                    c.steps = self._agreed(steps_for_budget(
                        self.step, deadline - time.time(),
                        (time.time() - t_probe) / (_PROBE_STEPS // 2)))
                    stop = min(c.steps, until) if until is not None else c.steps
                    bar.total = stop
                    if self.rank == 0:
                        bar.write(f"--minutes {c.minutes:g}: {c.steps:,} steps fit; the same "
                                  f"run is --steps {c.steps}")
                rate = (self.tokens_seen - tokens0) / max(1e-9, time.time() - t0)
                row = {"step": self.step, "train_loss": loss, "grad_norm": norm,
                       "lr": self.scheduler.get_last_lr()[0], "tokens_per_s": rate}
                bar.set_postfix(loss=f"{loss:.3f}", tok_s=f"{rate:,.0f}", refresh=False)
                bar.update()
                if self.step % c.eval_every == 0 or self.step == c.steps:
                    row["valid_loss"] = self.evaluate()
                    self.elapsed += time.time() - t0
                    t0, tokens0 = time.time(), self.tokens_seen
                    metrics = {**row, "best_valid_loss": min(self.best_valid,
                                                             row["valid_loss"]),
                               "tokens_seen": self.tokens_seen,
                               "wall_seconds": round(self.elapsed, 1),
                               "parameters": self.model.num_parameters(),
                               "processes": self.world}
                    if row["valid_loss"] < self.best_valid:
                        self.best_valid = row["valid_loss"]
                        self.save("best", metrics)
                    self.save("last", metrics)
                    if self.rank == 0:
                        bar.write(f"step {self.step}: train {loss:.4f}  valid "
                                  f"{row['valid_loss']:.4f}  ({rate:,.0f} tokens/s)")
                if log:
                    log.write(row)
                if writer:
                    for key, value in row.items():
                        if key != "step":
                            writer.add_scalar(key, value, self.step)
            if self.step % c.eval_every and self.step < c.steps:  # stopped early: keep it
                self.elapsed += time.time() - t0
                self.save("last", {**metrics, "step": self.step})
        except KeyboardInterrupt:
            self.elapsed += time.time() - t0
            self.save("last", {**metrics, "step": self.step, "interrupted": True})
            if self.rank == 0:
                bar.write(f"interrupted at step {self.step}; saved {self.out / 'last'} "
                          "(continue with --resume)")
            raise
        finally:
            bar.close()
            if writer:
                writer.close()
        return metrics


_PROBE_STEPS = 20  # steps timed before --minutes fixes the run's length


def leave_process_group() -> None:
    """Destroy torchrun's process group, if this process joined one, while the interpreter
    is whole: left to interpreter shutdown, Gloo's worker threads may abort the process
    (SIGABRT) after training finished well."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()


class _MetricsLog:
    """``metrics.jsonl``, one row per step; on resume, rows after the resumed step (written
    by the run that was killed) are dropped so the log matches the weights, and so is a
    line the kill tore in half."""

    def __init__(self, path: Path, step: int):
        self.path = path
        if path.exists():
            text = path.read_text(encoding="utf-8", errors="replace")
            rows = [line for line in text.splitlines()
                    if (at := _step_of(line)) is not None and at <= step]
            path.write_text("".join(r + "\n" for r in rows), encoding="utf-8")

    def write(self, row: dict) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")


def _step_of(line: str) -> int | None:
    """The step of a metrics row, or None for a torn or foreign line."""
    try:
        row = json.loads(line)
    except ValueError:
        return None
    return row.get("step") if isinstance(row, dict) and isinstance(row.get("step"), int) else None

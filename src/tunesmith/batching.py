"""Continuous batching: the generations of many threads decoded as one batch.

``BatchedEngine`` is an ``Engine`` shared by the server's worker threads, each running an
ordinary ``Composer.generate``. Every generation's rows live in one pool of key/value slots
(an ``engine.SlotCache`` of ``slots`` rows, where each row keeps its own length); a thread's
step is queued, and one decoding thread runs the queued steps of every generation as one
ONNX Runtime call, then wakes each caller with its rows' logits. A generation joins the
running batch at its next step and leaves when its decoder closes; prompts (several tokens
at once) run on their own rows between steps. The sampling, the bar trackers and the seeds
stay in the callers' threads, so a piece is the one ``tunesmith generate`` writes for the
same seed (up to float rounding of batched arithmetic, tests/test_batching.py).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from .engine import OnnxEngine, SlotCache

WAIT = 0.003  # seconds a step waits for the other generations' steps to join it


@dataclass
class Lease:
    """Rows ``start``..``stop`` of the pool, held by one decoder of thread ``owner``."""

    start: int
    stop: int
    owner: int


@dataclass(eq=False)  # compared by identity
class _Call:
    ids: np.ndarray
    lease: Lease | None
    owner: int = field(default_factory=threading.get_ident)
    done: threading.Event = field(default_factory=threading.Event)
    logits: np.ndarray | None = None
    error: BaseException | None = None


class BatchedEngine:
    """See the module docstring. ``slots``: rows in the pool; a decoder of more than
    ``largest`` rows (choosing among many labels, many candidates) decodes on its own."""

    def __init__(self, engine: OnnxEngine, slots: int = 32, largest: int = 4,
                 wait: float = WAIT):
        self.engine, self.context, self.wait = engine, engine.context, wait
        self.pool = SlotCache(engine, slots, int(engine.context))
        self.largest = largest
        self.leases: list[Lease] = []  # packed from row 0, in row order
        self.released: list[Lease] = []
        self.pending: list[_Call] = []
        self.lock = threading.Condition()
        self.batches: list[int] = []  # rows stepped together each time, for the benchmarks
        threading.Thread(target=self._loop, daemon=True, name="tunesmith-decoder").start()

    def forward(self, ids: np.ndarray, cache: Lease | SlotCache | None = None
                ) -> tuple[np.ndarray, Lease | SlotCache]:
        if isinstance(cache, SlotCache) or (cache is None and len(ids) > self.largest):
            return self.engine.forward(ids, cache)  # a decoder of its own
        call = _Call(np.ascontiguousarray(ids, dtype=np.int64), cache)
        with self.lock:
            self.pending.append(call)
            self.lock.notify_all()
        call.done.wait()
        if call.error is not None:
            raise call.error
        return call.logits, call.lease

    def release(self, cache: Lease | SlotCache) -> None:
        if isinstance(cache, SlotCache):
            self.engine.release(cache)
            return
        with self.lock:
            self.released.append(cache)
            self.lock.notify_all()

    def _loop(self) -> None:
        while True:
            with self.lock:
                self._pack()
                while not self._ready():
                    self.lock.wait()
                    self._pack()
                # give every other thread that holds rows a moment to queue its step too
                deadline = time.monotonic() + self.wait
                while (len({c.owner for c in self.pending})
                       < len({lease.owner for lease in self.leases})
                       and (left := deadline - time.monotonic()) > 0):
                    self.lock.wait(left)
                calls = [c for c in self.pending if c.lease is not None or self._lease(c)]
                self.pending = [c for c in self.pending if c.lease is None]  # no rows yet
            steps = [c for c in calls if c.ids.shape[1] == 1]
            for group in [[c] for c in calls if c.ids.shape[1] > 1] + [steps] * bool(steps):
                try:
                    self._run(group)
                except Exception as exc:  # ORT's own errors: each caller raises them
                    for call in group:
                        call.error = exc
                        call.done.set()

    def _ready(self) -> bool:
        """Under the lock: whether a queued call can run now (a new decoder needs rows)."""
        free = len(self.pool.lengths) - self._used()
        return any(c.lease is not None or len(c.ids) <= free for c in self.pending)

    def _used(self) -> int:
        return self.leases[-1].stop if self.leases else 0

    def _lease(self, call: _Call) -> bool:
        """Under the lock: rows for a new decoder after the others; False while none."""
        start = self._used()
        if start + len(call.ids) > len(self.pool.lengths):
            return False
        call.lease = Lease(start, start + len(call.ids), call.owner)
        self.pool.lengths[call.lease.start:call.lease.stop] = 0
        self.leases.append(call.lease)
        return True

    def _pack(self) -> None:
        """Under the lock, between steps: drop released leases and move the later ones
        down over their rows, so the decoders in use hold rows 0..n and a step computes
        little else."""
        if not self.released:
            return
        gone = {id(lease) for lease in self.released}
        self.released.clear()
        self.leases = [lease for lease in self.leases if id(lease) not in gone]
        row = 0
        for lease in self.leases:
            rows = lease.stop - lease.start
            if lease.start != row:
                held = int(self.pool.lengths[lease.start:lease.stop].max())
                for buffer in self.pool.buffers.values():
                    buffer[row:row + rows, :, :held] = buffer[lease.start:lease.stop, :, :held]
                self.pool.lengths[row:row + rows] = self.pool.lengths[lease.start:lease.stop]
                lease.start, lease.stop = row, row + rows
            row += rows

    def _run(self, calls: list[_Call]) -> None:
        """One ONNX Runtime call over the rows from the first call's to the last's. Rows
        between them that are not stepping are computed too and their outcome dropped: a
        row's next real step writes the same position before reading it."""
        low = min(c.lease.start for c in calls)
        high = max(c.lease.stop for c in calls)
        width = calls[0].ids.shape[1]
        ids = np.zeros((high - low, width), dtype=np.int64)
        stepping = np.zeros(high - low, dtype=bool)
        for call in calls:
            rows = slice(call.lease.start - low, call.lease.stop - low)
            ids[rows], stepping[rows] = call.ids, True
        lengths = self.pool.lengths[low:high]
        # a full row that is not stepping is about to restart: its last place takes the dross
        past = np.where(stepping, lengths, np.minimum(lengths, self.context - width))
        logits = self.engine.run(self.pool, low, high, ids, past)
        self.pool.lengths[low:high] += np.where(stepping, width, 0)
        self.batches.append(int(stepping.sum()))
        for call in calls:
            call.logits = logits[call.lease.start - low:call.lease.stop - low]
            call.done.set()

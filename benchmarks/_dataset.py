"""Shared helper for benchmarks: the tunes of a prepared dataset, by split."""

from __future__ import annotations

import json
from pathlib import Path

from tunesmith.abc import parse


def load_tunes(dataset: Path, split: str | None = None) -> list:
    tunes = []
    with open(dataset / "metadata.jsonl", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if split is None or rec["split"] == split:
                tune = parse(rec["abc"])
                tune.source, tune.labels = rec["source"], rec["labels"]
                tunes.append(tune)
    return tunes

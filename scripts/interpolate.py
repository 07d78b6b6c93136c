"""A checkpoint whose weights lie between a model and its fine-tuned descendant.

    python scripts/interpolate.py V5 runs/v8/best --weight 0.5 --data datasets/v8v5 \
        --out runs/v8mix

Each weight is ``(1 - w) * A + w * B`` (weight-space ensembling, as WiSE-FT: a fine-tune
that gained some things and lost others keeps part of each). Both must have the same
config and vocabulary (B trained from A with ``tunesmith train --init``); the rest of the
checkpoint (styles, data.json with its key counts) is B's, the graph is written anew.
B's training figures are kept under ``fine_tune``; with ``--data`` the new weights' own
``valid_loss`` is measured: nats a token over that dataset's whole valid split.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from tunesmith.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from tunesmith.evaluation.likelihood import dataset_tunes, score
from tunesmith.models import config_to_dict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", help="the model fine-tuned from")
    parser.add_argument("b", help="its fine-tune")
    parser.add_argument("--weight", type=float, default=0.5, help="B's share, 0 to 1")
    parser.add_argument("--out", required=True, help="checkpoint folder to write")
    parser.add_argument("--data", help="dataset (in B's vocabulary) to measure valid_loss on")
    args = parser.parse_args()
    if not 0 <= args.weight <= 1:
        print("interpolate.py: --weight must be between 0 and 1", file=sys.stderr)
        return 2
    try:
        a, b = load_checkpoint(args.a), load_checkpoint(args.b)
    except CheckpointError as exc:
        print(f"interpolate.py: {exc}", file=sys.stderr)
        return 2
    if config_to_dict(a.config) != config_to_dict(b.config) or \
            a.tokenizer.tokens != b.tokenizer.tokens:
        print("interpolate.py: the two checkpoints differ in config or vocabulary",
              file=sys.stderr)
        return 2
    start, end = a.model.state_dict(), b.model.state_dict()
    with torch.no_grad():  # out of place: tied weights (embedding and head) are one tensor
        b.model.load_state_dict({name: torch.lerp(start[name], end[name], args.weight)
                                 for name in end})
    metrics = {"interpolated": {"a": str(a.path), "b": str(b.path), "weight": args.weight},
               "fine_tune": b.metrics, "parameters": b.model.num_parameters()}
    if args.data:
        try:
            valid = score(b, dataset_tunes(Path(args.data), "valid", b.tokenizer), "valid")
        except (OSError, ValueError) as exc:
            print(f"interpolate.py: {exc}", file=sys.stderr)
            return 2
        metrics["valid_loss"] = valid.nats / valid.tokens
        metrics["valid_loss_of"] = f"every tune of {args.data}'s valid split"
    save_checkpoint(args.out, b.model, b.config, b.tokenizer, styles=b.styles, data=b.data,
                    metrics=metrics, train=b.train)
    print(f"{args.out}: {1 - args.weight:g} × {a.path} + {args.weight:g} × {b.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

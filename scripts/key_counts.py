"""Write a dataset's key counts into a checkpoint trained before ``tunesmith train`` wrote them.

    python scripts/key_counts.py --data datasets/default --model src/tunesmith/pretrained/default

``data.json`` gains ``keys`` (``Dataset.key_counts``: how often the train split's tunes of
each style are written on each tonic), from which a piece given no key draws one; the rest of
the file is kept. The shipped model's were counted this way from ``datasets/default``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tunesmith.data.dataset import Dataset


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="dataset folder (tunesmith prepare)")
    parser.add_argument("--model", required=True, help="checkpoint folder")
    args = parser.parse_args()
    dataset, path = Dataset(args.data), Path(args.model) / "data.json"
    if not dataset.exists() or not path.exists():
        print(f"key_counts.py: need a dataset at {args.data} and {path}", file=sys.stderr)
        return 2
    data = json.loads(path.read_text(encoding="utf-8"))
    data["keys"] = dataset.key_counts("train")
    data["keys_from"] = {"dir": args.data, "fingerprint": dataset.fingerprint()}
    rows = ",\n  ".join(json.dumps(r, ensure_ascii=False) for r in data.pop("keys"))
    text = json.dumps(data, indent=1, ensure_ascii=False)  # one row of keys a line:
    path.write_text(text[:-2] + f',\n "keys": [\n  {rows}\n ]\n}}\n', encoding="utf-8")
    written = json.loads(path.read_text(encoding="utf-8"))["keys"]
    print(f"{path}: {len(written)} rows, {sum(r[-1] for r in written)} train tunes of "
          f"{args.data}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

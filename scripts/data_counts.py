"""Write a dataset's counts into a checkpoint trained before ``tunesmith train`` wrote them.

    python scripts/data_counts.py --data datasets/default \\
        --model src/tunesmith/pretrained/default --counts keys endings

``data.json`` gains each count named (the rest of the file is kept), from the train split:
``keys`` (``Dataset.key_counts``: how often the tunes of each style are written on each
tonic), from which a piece given no key draws one; ``endings`` (``Dataset.ending_counts``:
how often they end by closing a repeat), which says how a piece ends where the model cannot;
``spans`` (``Dataset.span_counts``: how wide their melodies go); ``lengths``
(``Dataset.length_counts``: how many bars they are), from which a piece whose length was not
asked draws one; ``layouts`` (``Dataset.layout_counts``: the sections they are written in,
and which are played twice, a piece in voices read in its first), in which a piece whose
length was not asked is planned; ``tempos`` (``Dataset.tempo_counts``: the tempos their
``Q:`` marks), at which a piece not asked its tempo is played; ``finals``
(``Dataset.final_counts``: how long their melodies hold the last note), how long a melody's
last note is at least; ``signs`` (``Dataset.sign_counts``: whether they write tuplets and
dotted pairs), which a piece may write; ``paces`` (``Dataset.pace_counts``: how many of
their melodies' notes are sixteenths or quicker), how busy a melody may run; ``dots``
(``Dataset.dot_counts``: how many are dotted eighths), how dotted; ``entries``
(``Dataset.entry_counts``: the bars each voice of a piece in voices rests before it comes
in), when a piece's voices enter; ``degrees`` (``Dataset.degree_counts``: how many of their
notes sound on each pitch class above the tonic), which a piece's notes lean toward;
``durations`` (``Dataset.duration_counts``: how many of their notes sound each length), which
a piece's note lengths lean toward; ``slurs`` (``Dataset.slur_counts``: how many slurs they
open, and how many notes they write), how often a piece slurs. The shipped model's keys,
endings, lengths, layouts, tempos, finals, signs, paces, dots, entries, degrees, durations and
slurs were counted this way from ``datasets/default``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tunesmith.data.dataset import Dataset

COUNTS = {"keys": Dataset.key_counts, "endings": Dataset.ending_counts,
          "spans": Dataset.span_counts, "lengths": Dataset.length_counts,
          "layouts": Dataset.layout_counts, "tempos": Dataset.tempo_counts,
          "finals": Dataset.final_counts, "signs": Dataset.sign_counts,
          "paces": Dataset.pace_counts, "dots": Dataset.dot_counts,
          "entries": Dataset.entry_counts, "degrees": Dataset.degree_counts,
          "durations": Dataset.duration_counts, "slurs": Dataset.slur_counts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="dataset folder (tunesmith prepare)")
    parser.add_argument("--model", required=True, help="checkpoint folder")
    parser.add_argument("--counts", nargs="+", choices=sorted(COUNTS), default=["keys"],
                        help="which counts to write (default: keys)")
    args = parser.parse_args()
    dataset, path = Dataset(args.data), Path(args.model) / "data.json"
    if not dataset.exists() or not path.exists():
        print(f"data_counts.py: need a dataset at {args.data} and {path}", file=sys.stderr)
        return 2
    data = json.loads(path.read_text(encoding="utf-8"))
    counted = {name: COUNTS[name](dataset, "train") for name in args.counts}
    for name in counted:
        data.pop(name, None)
        data[f"{name}_from"] = {"dir": args.data, "fingerprint": dataset.fingerprint()}
    # every count one row a line, those counted before too
    rows_of = {name: data.pop(name) for name in COUNTS if name in data} | counted
    rest = [json.dumps(data, indent=1, ensure_ascii=False)[:-2]]
    for name, rows in rows_of.items():
        lines = ",\n  ".join(json.dumps(r, ensure_ascii=False) for r in rows)
        rest.append(f' "{name}": [\n  {lines}\n ]')
    path.write_text(",\n".join(rest) + "\n}\n", encoding="utf-8")
    written = json.loads(path.read_text(encoding="utf-8"))
    for name in counted:
        print(f"{path}: {name}, {len(written[name])} rows from the train split of {args.data}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

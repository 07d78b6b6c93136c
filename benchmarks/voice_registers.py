"""Where each voice of a form's pieces lies, real against generated: the facts behind a
form's compasses in ``abc.voices`` (a quartet's ``STRINGS``).

    python benchmarks/voice_registers.py --dataset datasets/default \
        now=runs/s34/eval-s0,runs/s34/eval-s100 --form quartet \
        --prompts "a classical string quartet"

The real side is every split's pieces of ``--form`` in the commonest number of voices, as
the corpus writes them (their own keys); each NAME=REPORT[,REPORT...] argument pools the
pieces the report folders (``tunesmith evaluate --report``) hold for ``--prompts`` in as
many voices. For each voice, top down:
the median over the pieces of its 5th percentile, median pitch and 95th percentile (MIDI), and the
share of the pieces whose voice reaches its highest note within a semitone of the highest
any of them reaches (a compass's ceiling struck).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np
from _beside_real import sampler_pieces

from tunesmith.abc import parse
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.texture import by_voice

SPLITS = ("train", "valid", "test")


def registers(pieces: list[list[list[int]]]) -> list[str]:
    """Each voice's 5th percentile, median, 95th percentile and ceiling share, as cells."""
    cells = []
    for i in range(len(pieces[0])):
        lines = [p[i] for p in pieces]
        top = max(max(line) for line in lines)
        cells.append(f"{np.median([np.percentile(x, 5) for x in lines]):.0f} / "
                     f"{np.median([np.median(x) for x in lines]):.0f} / "
                     f"{np.median([np.percentile(x, 95) for x in lines]):.0f} / "
                     f"{np.mean([max(x) >= top - 1 for x in lines]):.0%}")
    return cells


def voiced(abcs: list[str], count: int) -> list[list[list[int]]]:
    """The pitches of each voice of the pieces in ``count`` voices."""
    out = []
    for abc in abcs:
        voices = by_voice(parse(abc))
        if voices and len(voices) == count:
            out.append([[n.pitch for n in notes] for notes in voices.values()])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--form", default="quartet")
    parser.add_argument("--prompts", nargs="+", default=["a classical string quartet"])
    parser.add_argument("samplers", nargs="*", help="NAME=REPORT[,REPORT...]")
    args = parser.parse_args()
    data = Dataset(args.dataset)
    real = [t.abc for split in SPLITS for t in data.tunes(split)
            if t.labels.get("form") == args.form]
    counts = Counter(len(v) for abc in real if (v := by_voice(parse(abc))))
    count = counts.most_common(1)[0][0]
    rows = [(f"real {args.form}s", voiced(real, count))]
    for sampler in args.samplers:
        name, pieces = sampler_pieces(sampler)
        abcs = [abc for prompt, abc in pieces if prompt in args.prompts]
        rows.append((name, voiced(abcs, count)))
    print("each voice, top down: 5th percentile / median pitch / 95th percentile (MIDI, "
          "medians over the "
          "pieces) / pieces reaching the highest note any of them reaches\n")
    print("| pieces | n | " + " | ".join(f"voice {i + 1}" for i in range(count)) + " |")
    print("|---|---:|" + "---|" * count)
    for name, pieces in rows:
        if pieces:
            print(f"| {name} | {len(pieces)} | " + " | ".join(registers(pieces)) + " |")
    prompts = " ".join(f'"{p}"' for p in args.prompts)
    print(f"\npython benchmarks/voice_registers.py --dataset {args.dataset} "
          + "".join(f"{r} " for r in args.samplers) + f"--form {args.form} --prompts {prompts}")


if __name__ == "__main__":
    main()

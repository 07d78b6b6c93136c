"""How the corpus's medieval pieces (the trecento) are voiced: the facts behind
``prompt.PERIOD_VOICES``, ``abc.voices.TRECENTO`` and the bare fifth they end on.

    python benchmarks/medieval_voices.py --dataset datasets/default

Reads all splits (facts about the corpus, not a test) and prints how many pieces have each
number of voices; for the commonest count, each voice's compass (10th percentile of the
pieces' lowest notes, 90th of their highest, median pitch; MIDI, on the dataset's tonic);
the pitch classes of the final chords above their lowest note; and the texture measures of
``tunesmith evaluate`` (clashes, parallel fifths and octaves, crossings, rests).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np

from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.texture import by_voice, texture

SPLITS = ("train", "valid", "test")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--period", default="medieval")
    args = parser.parse_args()
    data = Dataset(args.dataset)
    tunes = [t for split in SPLITS for t in data.tunes(split)
             if t.labels.get("period") == args.period and "form" not in t.labels]
    voiced = [(t, v) for t in tunes if (v := by_voice(t))]
    counts = Counter(len(v) for _, v in voiced)
    print(f"{len(tunes)} {args.period} pieces with no form; voices: "
          + ", ".join(f"{n}: {c}" for n, c in sorted(counts.items()))
          + f"; one voice: {len(tunes) - len(voiced)}")
    most = counts.most_common(1)[0][0]
    print(f"\nvoices of the {counts[most]} pieces in {most}, top down (MIDI):")
    for i in range(most):
        pitches = [[n.pitch for n in list(v.values())[i]] for _, v in voiced if len(v) == most]
        print(f"  voice {i + 1}: {np.percentile([min(p) for p in pitches], 10):.0f}-"
              f"{np.percentile([max(p) for p in pitches], 90):.0f}, median "
              f"{np.median([np.median(p) for p in pitches]):.0f}")
    finals = Counter()
    for _, v in voiced:
        last = [ns[-1].pitch for ns in v.values()]
        finals[(len(v), tuple(sorted({(p - min(last)) % 12 for p in last})))] += 1
    print("\nfinal chords (voices, pitch classes above the lowest note): " + ", ".join(
        f"{n} {chord}: {c}" for (n, chord), c in sorted(finals.items())))
    print("\ntexture: " + ", ".join(f"{m.replace('_', ' ')} {v:.1%}"
                                    for m, v in texture(tunes).items() if v is not None))
    print(f"\npython benchmarks/medieval_voices.py --dataset {args.dataset}")


if __name__ == "__main__":
    main()

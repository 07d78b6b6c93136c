"""How real part-writing sounds, form by form: the texture measures of ``tunesmith evaluate``
over every tune of a dataset with several voices, grouped by its form label.

    python benchmarks/texture_by_form.py --dataset datasets/default

Reads all splits (these are facts about the corpus, not a test), and prints for each form
with voices the means of ``evaluation/texture.py``'s measures: onsets clashing with another
voice, parallel fifths and octaves, crossed voices, time each voice rests, time all rest;
then how that rest is spent: the share of each voice's time in silences up to half a bar, a
bar, two bars and longer (a late entry counts; ``generate.VOICE_REST_BARS``). These are the
figures the sampler's voice costs are weighed against, style by style.
"""

from __future__ import annotations

import argparse
from fractions import Fraction
from pathlib import Path

import numpy as np

from tunesmith.abc import Tune
from tunesmith.abc.tune import meter_length
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.texture import by_voice, texture

SPLITS = ("train", "valid", "test")
SILENCES = (Fraction(1, 2), Fraction(1), Fraction(2))  # in bars; and longer


def silences(tune: Tune) -> list[float] | None:
    """Each voice's silences (before its first note and between notes) as shares of the piece,
    summed by length up to each of ``SILENCES`` and longer, averaged over the voices."""
    voices, bar = by_voice(tune), meter_length(tune.meter)
    if voices is None or not bar:
        return None
    end = max(n.onset + n.length for voice in voices.values() for n in voice)
    shares = np.zeros((len(voices), len(SILENCES) + 1))
    for row, voice in zip(shares, voices.values(), strict=True):
        sounded = Fraction(0)
        for note in voice:
            if (gap := note.onset - sounded) > 0:
                row[sum(gap / bar > limit for limit in SILENCES)] += float(gap / end)
            sounded = max(sounded, note.onset + note.length)
    return shares.mean(axis=0).tolist()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    args = parser.parse_args()
    data = Dataset(args.dataset)
    by_form: dict[str, list] = {}
    for split in SPLITS:
        for tune in data.tunes(split):
            if "[V:" in tune.body:
                by_form.setdefault(tune.labels.get("form") or "(none)", []).append(tune)
    rows = {form: (len(tunes), texture(tunes)) for form, tunes in sorted(by_form.items())}
    measures = next(iter(rows.values()))[1]
    print("| form | tunes | " + " | ".join(m.replace("_", " ") for m in measures) + " |\n"
          "|---|---:|" + "---:|" * len(measures))
    for form, (count, figures) in rows.items():
        print(f"| {form} | {count} | " + " | ".join(
            "–" if v is None else f"{v:.1%}" for v in figures.values()) + " |")
    print("\neach voice's time in silences of up to half a bar / a bar / two bars / longer\n\n"
          "| form | ½ bar | 1 bar | 2 bars | longer |\n|---|---:|---:|---:|---:|")
    for form, tunes in sorted(by_form.items()):
        measured = [m for m in map(silences, tunes) if m is not None]
        if measured:
            print(f"| {form} | " + " | ".join(f"{v:.1%}" for v in np.mean(measured, axis=0))
                  + " |")
    print("\nreproduce: python benchmarks/texture_by_form.py --dataset", args.dataset)


if __name__ == "__main__":
    main()

"""How real part-writing sounds, form by form: the texture measures of ``tunesmith evaluate``
over every tune of a dataset with several voices, grouped by its form label.

    python benchmarks/texture_by_form.py --dataset datasets/default

Reads all splits (these are facts about the corpus, not a test), and prints for each form
with voices the means of ``evaluation/texture.py``'s measures: onsets clashing with another
voice, parallel fifths and octaves, crossed voices, time each voice rests, time all rest.
These are the figures the sampler's voice costs are weighed against, style by style.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.texture import texture

SPLITS = ("train", "valid", "test")


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
    print("\nreproduce: python benchmarks/texture_by_form.py --dataset", args.dataset)


if __name__ == "__main__":
    main()

"""How long a piece's notes sound, leaning toward its style's note lengths or not.

    python benchmarks/note_lengths.py --dataset datasets/default --seeds $(seq 1200 100 1900)
    python benchmarks/note_lengths.py --prompts "a classical string quartet" --nats 1/0 2/2 \\
        --without-entry

For each prompt, ``--samples`` pieces a seed with their note lengths leaning toward the shares
its style's training tunes in its meter sound (``Dataset.duration_counts``,
``generate.Durations``, ``DURATION_COST`` and ``DURATION_BONUS`` nats), then as many with no
lean (the checkpoint's ``durations`` counts taken out), with each of ``--nats`` in their
place, and with
``--without-entry`` the lean without the prompt's ``styles.RHYTHM_BONUS`` entry; beside the
real tunes alike (``tunesmith evaluate``'s: the test split's, the training split's where
those are too few). For each: the pieces the judges hear in the asked tradition, period and
form, and in the key written; the note-length, interval and pitch-range overlaps with the
real tunes alike; the share of notes a sixteenth, an eighth, a quarter and a half note long.
"""

from __future__ import annotations

from contextlib import ExitStack
from unittest import mock

import numpy as np
from _judged import sweep_arguments

from tunesmith import Composer
from tunesmith.abc import Tune, parse
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.distributions import FEATURES, overlap, pooled
from tunesmith.evaluation.generated import Asked, alike
from tunesmith.models.judges import Judges, key_label
from tunesmith.models.tone_cnn import decode
from tunesmith.styles import RHYTHM_BONUS, rhythm_entry

PROMPTS = ["a classical string quartet", "romantic piano piece", "a baroque chorale", "trecento",
           "a German folk song in G", "a song from Luxembourg", "a lydian tune",
           "a locrian melody in 4/4", "an English hornpipe", "爱尔兰吉格舞曲"]
DIMENSIONS = ("tradition", "period", "form")
OVERLAPS = ("note_length", "interval", "pitch_range")
SHOWN = ("1/16", "1/8", "1/4", "1/2")  # the note lengths whose shares a row shows


def row(name: str, tunes: list[Tune], real: list[Tune], asked: dict[str, str],
        judges: Judges | None) -> str:
    """A table row; ``judges`` None for the real tunes themselves (nothing heard, no
    overlaps)."""
    ours, theirs = pooled(tunes), pooled(real)
    cells = ["–"] * (len(DIMENSIONS) + 1 + len(OVERLAPS))
    if judges is not None:
        heard = judges.styles(tunes)
        keys = [h == decode(w) for t, h in zip(tunes, judges.keys(tunes), strict=True)
                if (w := key_label(t)) is not None]
        cells = [f"{sum(h.get(d) == asked[d] for h in heard)}" if d in asked else "–"
                 for d in DIMENSIONS] + [f"{np.mean(keys):.0%}" if keys else "–"]
        cells += [f"{overlap(ours[f], theirs[f]):.3f}" for f in OVERLAPS]
    lengths = ours["note_length"] / max(ours["note_length"].sum(), 1)
    cells += [f"{lengths[FEATURES['note_length'].index(v)]:.0%}" for v in SHOWN]
    return f"| {name} | {len(tunes)} | {' | '.join(cells)} |"


def main() -> None:
    args = sweep_arguments(__doc__, PROMPTS, lambda parser: (
        parser.add_argument("--nats", nargs="*", default=[], metavar="COST/BONUS",
                            help="nats of the lean, each pair in place of "
                                 "generate.DURATION_COST and DURATION_BONUS: 1/0 costs a "
                                 "length past its share and gives nothing to one short of it"),
        parser.add_argument("--without-entry", action="store_true",
                            help="an arm leaning without the prompt's styles.RHYTHM_BONUS "
                                 "entry")))
    composer, judges, data = Composer.load(), Judges.load(), Dataset(args.dataset)
    test, train = data.tunes("test"), data.tunes("train")
    counted = composer.checkpoint.data.get("durations")
    print(f"| pieces | n | {' | '.join(f'{d} heard' for d in DIMENSIONS)} | key heard | "
          "length overlap | interval overlap | range overlap | "
          + " | ".join(f"{v} notes" for v in SHOWN) + " |\n|---|---:|"
          + "---:|" * (len(DIMENSIONS) + 1 + len(OVERLAPS) + len(SHOWN)))
    for prompt in args.prompts:
        asked = Asked.of(prompt)
        real = alike(test, asked, more=train)
        entry = rhythm_entry(asked.labels)
        arms = [("leaning", counted, {}, False), ("no lean", None, {}, False)] + [
            (f"leaning, {nats} nats", counted, dict(zip(
                ("DURATION_COST", "DURATION_BONUS"), map(float, nats.split("/")), strict=True)),
             False) for nats in args.nats]
        if args.without_entry and entry in RHYTHM_BONUS:
            arms.append((f"leaning, no {entry} entry", counted, {}, True))
        for name, counts, nats, unentered in arms:
            composer.checkpoint.data["durations"] = counts
            with ExitStack() as stack:
                if nats:
                    stack.enter_context(mock.patch.multiple("tunesmith.generate", **nats))
                if unentered:
                    stack.enter_context(mock.patch.dict(RHYTHM_BONUS))
                    del RHYTHM_BONUS[entry]
                tunes = [parse(p.abc) for seed in args.seeds
                         for p in composer.generate(prompt, num=args.samples, seed=seed)]
            print(row(f"{prompt}: {name}", tunes, real, asked.labels, judges), flush=True)
        print(row(f"{prompt}: real alike", real, real, asked.labels, None), flush=True)
    composer.checkpoint.data["durations"] = counted
    print(f"\npython benchmarks/note_lengths.py --dataset {args.dataset} --prompts "
          + " ".join(f"'{p}'" for p in args.prompts)
          + f" --seeds {' '.join(map(str, args.seeds))} --samples {args.samples}"
          + (f" --nats {' '.join(args.nats)}" * bool(args.nats))
          + " --without-entry" * args.without_entry)


if __name__ == "__main__":
    main()

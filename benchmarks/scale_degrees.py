"""On which degrees of the scale a piece sounds its notes, leaning toward its style's or not.

    python benchmarks/scale_degrees.py --dataset datasets/default --seeds $(seq 1200 100 1900)
    python benchmarks/scale_degrees.py --prompts "a renaissance madrigal" --nats 1/0 2/2

For each prompt, ``--samples`` pieces a seed with the notes leaning toward the shares its
style's training tunes sound on each pitch class above the tonic (``Dataset.degree_counts``,
``generate.Degrees``, ``DEGREE_COST`` and ``DEGREE_BONUS`` nats), then as many with no lean
(the checkpoint's ``degrees`` counts taken out), and with each of ``--nats`` in their place;
beside the real tunes alike (``tunesmith evaluate``'s: the test split's, the training
split's where those are too few). For each: how often the tone CNN hears the key written,
the pitch-class, interval and note-length overlaps with the real tunes alike, the notes
outside the written key's scale, and the notes on the flat seventh and on the leading note
above the tonic (10 and 11 semitones).
"""

from __future__ import annotations

from contextlib import nullcontext
from unittest import mock

import numpy as np
from _judged import sweep_arguments

from tunesmith import Composer
from tunesmith.abc import Tune, parse, parse_key
from tunesmith.abc.keys import NATURAL_PC
from tunesmith.abc.notes import degrees
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.distributions import overlap, pooled
from tunesmith.evaluation.generated import Asked, alike
from tunesmith.models.judges import Judges, key_label
from tunesmith.models.tone_cnn import decode

PROMPTS = ["a renaissance madrigal", "trecento", "a classical string quartet", "德国民歌 小调",
           "a slow air in G minor", "苏格兰 A dorian", "a lydian tune"]


def scale(key: str) -> set[int]:
    """The pitch classes above the tonic that ``key``'s signature holds."""
    k = parse_key(key)
    return {(pc + k.signature.get(letter, 0) - k.pitch_class) % 12
            for letter, pc in NATURAL_PC.items()}


def row(name: str, tunes: list[Tune], real: list[Tune] | None, judges: Judges) -> str:
    """A table row: ``real`` None for the real tunes themselves (no overlaps)."""
    heard = [h == decode(w) for t, h in zip(tunes, judges.keys(tunes), strict=True)
             if (w := key_label(t)) is not None]
    ours, theirs = pooled(tunes), pooled(real or [])
    found = [(d, scale(t.key)) for t in tunes if (d := degrees(t))]
    notes = sum(len(d) for d, _ in found)
    outside = sum(pc not in held for d, held in found for pc in d) / notes
    share = {n: sum(d.count(n) for d, _ in found) / notes for n in (10, 11)}
    return (f"| {name} | {len(tunes)} | {np.mean(heard):.1%} | "
            + " | ".join("–" if real is None else f"{overlap(ours[f], theirs[f]):.3f}"
                         for f in ("pitch_class", "interval", "note_length"))
            + f" | {outside:.1%} | {share[10]:.1%} | {share[11]:.1%} |")


def main() -> None:
    args = sweep_arguments(__doc__, PROMPTS, lambda parser: parser.add_argument(
        "--nats", nargs="*", default=[], metavar="COST/BONUS",
        help="nats of the lean, each pair in place of generate.DEGREE_COST and DEGREE_BONUS: "
             "1/0 costs a degree past its share and gives nothing to one short of it"))
    composer, judges, data = Composer.load(), Judges.load(), Dataset(args.dataset)
    test, train = data.tunes("test"), data.tunes("train")
    counted = composer.checkpoint.data.get("degrees")
    print("| pieces | n | key heard as written | pitch class | interval | note length | "
          "outside the scale | flat seventh | leading note |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for prompt in args.prompts:
        real = alike(test, Asked.of(prompt), more=train)
        arms = [("leaning", counted, None), ("no lean", None, None)] + [
            (f"leaning, {nats} nats", counted, nats) for nats in args.nats]
        for name, counts, nats in arms:
            composer.checkpoint.data["degrees"] = counts
            cost, bonus = map(float, nats.split("/")) if nats else (None, None)
            with nullcontext() if nats is None else mock.patch.multiple(
                    "tunesmith.generate", DEGREE_COST=cost, DEGREE_BONUS=bonus):
                tunes = [parse(p.abc) for seed in args.seeds
                         for p in composer.generate(prompt, num=args.samples, seed=seed)]
            print(row(f"{prompt}: {name}", tunes, real, judges), flush=True)
        print(row(f"{prompt}: real alike", real, None, judges), flush=True)
    composer.checkpoint.data["degrees"] = counted
    print(f"\npython benchmarks/scale_degrees.py --dataset {args.dataset} --prompts "
          + " ".join(f"'{p}'" for p in args.prompts) + f" --seeds {' '.join(map(str, args.seeds))}"
          + (f" --nats {' '.join(args.nats)}" * bool(args.nats)))


if __name__ == "__main__":
    main()

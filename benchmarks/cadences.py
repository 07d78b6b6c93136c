"""Where a minor melody's phrases end: on its tonic, as real minor tunes mostly end theirs, or
on the minor third, the relative major's tonic, which a listener (and the tone judge) hears
as a tune in the relative major. What ``generate.CADENCE_BONUS`` was chosen by.

    python benchmarks/cadences.py --dataset datasets/default --bonus 0 1 2

For the real minor melodies of ``--dataset``'s training split, and for the pieces the
bundled model (or ``--model``) writes for each prompt of ``--prompts`` (minor ones by
default) at each ``--bonus`` (the nats the tonic gets as the last note of a phrase, in place
of ``CADENCE_BONUS``), prints the share of inner phrase endings (every 4 bars after the
pickup, the last bar aside) on each degree, then how often the judges hear each prompt's
pieces in its tradition and form and in the written key, and how near their notes are to the
real tunes alike (as ``tunesmith evaluate`` compares them). The default seeds are ones the
evaluation does not draw (it draws 0, 100, 200 and 300).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from tunesmith import Composer, generate
from tunesmith.abc import Tune, bars, parse, parse_key
from tunesmith.abc.notes import notes
from tunesmith.abc.tune import AbcError
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.distributions import histograms, overlap, pooled
from tunesmith.evaluation.generated import Asked, alike
from tunesmith.models.judges import Judges, key_label
from tunesmith.models.tone_cnn import decode

PROMPTS = ["德国民歌 小调", "a slow air in G minor", "an Irish jig in E minor",
           "a Scottish reel in A minor", "a waltz in D minor"]
PHRASE = 4
# degrees named by semitones above the tonic, as a minor key spells them
DEGREES = {0: "1", 2: "2", 3: "b3", 5: "4", 7: "5", 8: "b6", 10: "b7", 11: "7"}


def phrase_endings(tune: Tune) -> list[int] | None:
    """Semitones above the written tonic of the note sounding at the end of each inner
    phrase (every ``PHRASE`` bars after a pickup, the last bar aside) of a one-voice tune in
    a minor key; None for any other tune."""
    try:
        key = parse_key(tune.key)
        sounding, measured = notes(tune), bars(tune)
    except (AbcError, ValueError):
        return None
    if key.tonic is None or key.mode != "minor" or "V:" in tune.body or not sounding:
        return None
    ends, at = [], 0
    for bar in measured[:-1]:
        at += bar.duration
        if bar.number and bar.number % PHRASE == 0:
            ends.append(at)
    out = []
    for end in ends:
        held = [n for n in sounding if n.onset < end]
        if held:
            out.append((held[-1].pitch - key.pitch_class) % 12)
    return out


def shares(tunes: list[Tune]) -> tuple[dict[int, float], int]:
    counted: Counter[int] = Counter()
    for tune in tunes:
        counted.update(phrase_endings(tune) or [])
    total = sum(counted.values())
    return {d: counted[d] / total for d in DEGREES} if total else {}, total


def row(name: str, tunes: list[Tune], cells: list[str]) -> str:
    share, total = shares(tunes)
    degrees = [f"{share[d]:.0%}" if share else "–" for d in DEGREES]
    return f"| {name} | {len(tunes)} | {total} | {' | '.join(degrees + cells)} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--dataset", type=Path, default=Path("datasets/default"))
    parser.add_argument("--prompts", nargs="+", default=PROMPTS)
    parser.add_argument("--bonus", type=float, nargs="+", default=[0.0, 1.0, 2.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1200, 2000, 100)))
    parser.add_argument("--samples", type=int, default=4)
    args = parser.parse_args()
    composer, judges = Composer.load(args.model), Judges.load()
    real = list(Dataset(args.dataset).tunes("train"))
    counts = {id(t): histograms(t) for t in real}
    extra = ["tradition heard", "form heard", "key heard", "pitch class", "interval", "length"]
    print("| pieces | tunes | phrase ends | "
          + " | ".join(f"on {n}" for n in DEGREES.values()) + " | " + " | ".join(extra) + " |")
    print("|---|" + "---:|" * (2 + len(DEGREES) + len(extra)))
    print(row("real minor melodies (training split)", real, ["–"] * len(extra)), flush=True)
    shipped = generate.CADENCE_BONUS
    for bonus in args.bonus:
        generate.CADENCE_BONUS = bonus
        everything = []
        for prompt in args.prompts:
            asked = Asked.of(prompt)
            tunes = [parse(p.abc) for seed in args.seeds
                     for p in composer.generate(prompt, num=args.samples, seed=seed)]
            everything += tunes
            heard = judges.styles(tunes)
            cells = [f"{sum(h.get(d) == asked.labels[d] for h in heard)}"
                     if d in asked.labels else "–" for d in ("tradition", "form")]
            cells.append(str(sum((w := key_label(t)) is not None and tuple(k) == decode(w)
                                 for t, k in zip(tunes, judges.keys(tunes), strict=True))))
            gen_h = pooled(tunes)
            real_h = pooled([], [counts[id(t)] for t in alike(real, asked)])
            cells += [f"{overlap(gen_h[f], real_h[f]):.3f}"
                      for f in ("pitch_class", "interval", "note_length")]
            print(row(f"{prompt}, bonus {bonus:g}", tunes, cells), flush=True)
        print(row(f"all prompts, bonus {bonus:g}", everything, ["–"] * len(extra)), flush=True)
    generate.CADENCE_BONUS = shipped
    print(f"\nreproduce: python benchmarks/cadences.py --dataset {args.dataset} --prompts "
          f"{' '.join(repr(p) for p in args.prompts)} --bonus "
          f"{' '.join(f'{b:g}' for b in args.bonus)} --seeds {' '.join(map(str, args.seeds))}")


if __name__ == "__main__":
    main()

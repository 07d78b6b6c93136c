"""Where melodies' sections end: on their key's final, as real tunes' do, at each cost off a
section barline after a bar that ends elsewhere and each bonus on the final that ends a
part (``generate.CADENCE_COST``, ``CADENCE_BONUS``), and what the judges hear.

    python benchmarks/cadences.py --dataset datasets/default
    python benchmarks/cadences.py --setting 0,0 --setting 2,0 --setting 0,1 --setting 2,1

For each prompt, the real tunes alike it in the test split (``evaluation.generated.alike``),
then for each ``--setting`` (cost,bonus in nats) ``--samples`` pieces of ``--bars`` bars for
each seed of ``--seeds`` (ones the evaluation does not draw) by the bundled model (or
``--model``): the sections closed before the end and the share ending on the final
(``evaluation.structure.section_finals``), the share of pieces that repeat a section
(``structure.repeats``), and what the judges hear (the asked tradition, period and form; the
written key). The last rows pool every prompt.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from _judged import DIMENSIONS, heard, written

import tunesmith.generate as sampler
from tunesmith import Composer
from tunesmith.abc import Tune
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.generated import Asked, alike
from tunesmith.evaluation.structure import repeats, section_finals
from tunesmith.models.judges import Judges

PROMPTS = ("a lively Irish reel in D major", "爱尔兰吉格舞曲", "an Irish slip jig in 9/8",
           "a Scottish strathspey", "an English hornpipe", "an American march",
           "a slow air in G minor", "德国民歌 小调", "a mixolydian reel", "中国民歌")


def _setting(text: str) -> tuple[float, float]:
    cost, bonus = (float(x) for x in text.split(","))
    return cost, bonus


def finals(tunes: list[Tune]) -> tuple[int, int]:
    """Sections closed before the end, and those ending on the final, over ``tunes``."""
    found = [f for t in tunes for f in section_finals(t) or []]
    return len(found), sum(found)


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--dataset", type=Path, default=Path("datasets/default"))
    parser.add_argument("--prompts", nargs="+", default=list(PROMPTS))
    parser.add_argument("--setting", type=_setting, action="append",
                        help="cost,bonus: nats off a section barline after a bar not ending "
                             "on the final, and on the final ending a part (repeatable; "
                             "default: 0,0 and as shipped)")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1200, 2000, 100)))
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--bars", type=int, default=16)
    args = parser.parse_args()
    shipped = (sampler.CADENCE_COST, sampler.CADENCE_BONUS)
    settings = args.setting or list(dict.fromkeys([(0.0, 0.0), shipped]))
    composer, judges = Composer.load(args.model), Judges.load()
    real = [t for t in Dataset(args.dataset).tunes("test") if "V:" not in t.body]
    print("| prompt | cost, bonus | pieces | sections closed | ending on the final | "
          "pieces repeating | " + " | ".join(f"{d} heard" for d in DIMENSIONS)
          + " | key heard |\n|---|---|---:|---:|---:|---:|" + "---:|" * (len(DIMENSIONS) + 1))
    totals: Counter = Counter()
    for prompt in args.prompts:
        asked = Asked.of(prompt).labels
        like = alike(real, Asked.of(prompt))
        closed, on_final = finals(like)
        print(f"| {prompt} | real, test split | {len(like)} | {closed} | "
              f"{_pct(on_final, closed)} | {_pct(sum(map(repeats, like)), len(like))} |"
              + " |" * (len(DIMENSIONS) + 1))
        totals[("real", "closed")] += closed
        totals[("real", "final")] += on_final
        for setting in settings:
            sampler.CADENCE_COST, sampler.CADENCE_BONUS = setting
            tunes = written(composer, prompt, args.seeds, args.samples, args.bars)
            styles_heard, keys = heard(judges, tunes, asked)
            closed, on_final = finals(tunes)
            repeating = sum(map(repeats, tunes))
            for name, value in (("closed", closed), ("final", on_final), ("pieces", len(tunes)),
                                ("repeating", repeating), ("keys", keys),
                                ("styles", sum(c for c in styles_heard if c is not None)),
                                ("asked", len(tunes) * sum(c is not None
                                                           for c in styles_heard))):
                totals[(setting, name)] += value
            print(f"| {prompt} | {setting[0]:g}, {setting[1]:g} | {len(tunes)} | {closed} | "
                  f"{_pct(on_final, closed)} | {_pct(repeating, len(tunes))} | "
                  + " | ".join("–" if c is None else str(c) for c in styles_heard)
                  + f" | {keys} |", flush=True)
    sampler.CADENCE_COST, sampler.CADENCE_BONUS = shipped
    print(f"\nreal: {_pct(totals[('real', 'final')], totals[('real', 'closed')])} of "
          f"{totals[('real', 'closed')]} sections end on the final")
    for setting in settings:
        pieces = totals[(setting, "pieces")]
        print(f"cost {setting[0]:g}, bonus {setting[1]:g}: "
              f"{_pct(totals[(setting, 'final')], totals[(setting, 'closed')])} of "
              f"{totals[(setting, 'closed')]} sections end on the final, "
              f"{_pct(totals[(setting, 'repeating')], pieces)} of {pieces} pieces repeat, "
              f"styles heard {_pct(totals[(setting, 'styles')], totals[(setting, 'asked')])}, "
              f"keys heard {_pct(totals[(setting, 'keys')], pieces)}")
    print(f"\nreproduce: python benchmarks/cadences.py --dataset {args.dataset} --prompts "
          f"{' '.join(repr(p) for p in args.prompts)} "
          + " ".join(f"--setting {c:g},{b:g}" for c, b in settings)
          + f" --seeds {' '.join(map(str, args.seeds))} --samples {args.samples} "
          f"--bars {args.bars}")


if __name__ == "__main__":
    main()

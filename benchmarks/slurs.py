"""How often pieces slur (or tie) their notes, beside real tunes of their style, with the mark
let through the sampler in no style, in the styles whose training tunes use it (as shipped:
``styles.SLURRED_FORMS``, ``styles.TIED_STYLES``) and in every style, and what the judges hear
of each.

    python benchmarks/slurs.py --dataset datasets/default
    python benchmarks/slurs.py --dataset datasets/default --ties
    python benchmarks/slurs.py --dataset datasets/default before=runs/durG/s0,runs/durG/s100 \
        now=runs/slurS/s0,runs/slurS/s100

A slur, ``(fedc)``, is a fiddler's bowing or a string player's legato: the corpus's Irish
airs slur 14 of every 100 notes, its reels 5, its classical quartets 8, its songs, chorales and
masses none. It changes the score, not the sound (abc2midi plays slurred notes as any
others). A tie, ``A4-|A2``, holds a note on over the beat or the barline: Palestrina's
suspensions, a quartet's syncopations; the corpus's masses tie 7 of every 100 notes, its
reels none. For each prompt, ``--samples`` pieces of ``--bars`` bars for each seed of
``--seeds`` (ones the evaluation does not draw) are written by the bundled model (or
``--model``) so, and measured: marks per 100 notes, the pieces the judges hear in each asked
tradition, period and form, and in their written key; beside them the real tunes of
``--split`` alike the prompt. First, the facts the shipped set was drawn from: the marks the
split's tunes write per 100 notes, style by style (a slur by form; a tie by form, or period
where a tune names no form, as ``styles.tied`` reads them). The slurs are written "as
shipped" twice: leaning toward the share of notes the style's training tunes open a slur on
(``composer.typical_bowings``) and, the checkpoint's ``slurs`` counts taken out, as the
model likes (before the forty-fifth session).

Given ``NAME=REPORT[,REPORT...]`` folders of ``tunesmith evaluate --report`` instead, each
prompt's pieces there are measured beside the real tunes of the split alike it: marks per
100 notes, no pieces written.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from _beside_real import reproduce, sampler_pieces
from _judged import DIMENSIONS, heard, written

from tunesmith import Composer, styles
from tunesmith.abc import Kind, Tune, lex, parse
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.generated import Asked, alike
from tunesmith.models.judges import Judges


@dataclass(frozen=True)
class Mark:
    name: str  # "slurs" or "ties"
    kind: Kind  # the atom counted
    shipped: set[str]  # the styles that may write it: styles.SLURRED_FORMS or TIED_STYLES
    by_period: bool  # a tune without a form is counted under its period
    prompts: tuple[str, ...]


SLURS = Mark("slurs", Kind.SLUR_START, styles.SLURRED_FORMS, False, (
    "a classical string quartet", "古典主义", "a lively Irish reel in D major", "爱尔兰吉格舞曲",
    "an Irish slip jig in 9/8", "a Scottish strathspey", "an English hornpipe",
    "an American march", "美国 波尔卡", "a slow air in G minor", "a mixolydian reel",
    "D大调 华尔兹", "romantic piano piece", "a German folk song in G", "a baroque chorale"))
TIES = Mark("ties", Kind.TIE, styles.TIED_STYLES, True, (
    "文艺复兴 弥撒曲", "a renaissance madrigal", "trecento", "a phrygian motet",
    "a baroque chorale", "a classical string quartet", "romantic piano piece",
    "a medieval dance", "a German folk song in G"))


def style_of(tune: Tune, mark: Mark) -> str:
    labels = tune.labels
    return (labels.get("form") or (labels.get("period") if mark.by_period else None)
            or "(none)")


def per_100_notes(tunes: list[Tune], kind: Kind) -> float:
    kinds = [atom.kind for tune in tunes for atom in lex(tune.body)]
    return 100 * kinds.count(kind) / max(kinds.count(Kind.NOTE), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--dataset", type=Path, default=Path("datasets/default"))
    parser.add_argument("--ties", action="store_true", help="ties instead of slurs")
    parser.add_argument("--split", choices=("test", "train"), default="train",
                        help="the real tunes' split (default train: the test split holds few "
                             "of some forms)")
    parser.add_argument("--prompts", nargs="+", help="default: the mark's own list")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1200, 2000, 100)))
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--bars", type=int, default=16)
    parser.add_argument("samplers", nargs="*", help="NAME=REPORT[,REPORT...]: measure the "
                        "pieces of these evaluate --report folders instead of writing any")
    args = parser.parse_args()
    mark = TIES if args.ties else SLURS
    real = list(Dataset(args.dataset).tunes(args.split))
    if args.samplers:
        beside_reports(args.samplers, real, mark, args.split)
        return
    prompts = args.prompts or list(mark.prompts)
    composer, judges = Composer.load(args.model), Judges.load()
    by_style: dict[str, list[Tune]] = {}
    for tune in real:
        by_style.setdefault(style_of(tune, mark), []).append(tune)
    print(f"| style ({args.split} split) | tunes | {mark.name} per 100 notes | tunes with one | "
          f"{mark.name} as shipped |\n|---|---:|---:|---:|---|")
    for style, tunes in sorted(by_style.items(), key=lambda kv: -len(kv[1])):
        with_one = sum(any(a.kind is mark.kind for a in lex(t.body)) for t in tunes)
        print(f"| {style} | {len(tunes)} | {per_100_notes(tunes, mark.kind):.1f} | "
              f"{with_one / len(tunes):.0%} | {'yes' if style in mark.shipped else ''} |")
    print()
    print(f"| prompt | {mark.name} | pieces | {mark.name} per 100 notes | "
          f"{' | '.join(f'{d} heard' for d in DIMENSIONS)} | key heard | seconds |")
    print("|---|---|---:|---:|" + "---:|" * (len(DIMENSIONS) + 2))
    shipped = set(mark.shipped)
    every = {s.name for s in styles.TAXONOMY
             if s.dimension == "form" or (mark.by_period and s.dimension == "period")}
    rows = {"in no style": (set(), True), "as shipped": (shipped, True),
            "as shipped, no lean": (shipped, False), "in every style": (every, True)}
    counted = composer.checkpoint.data.get("slurs")
    totals: dict[str, list[int]] = {}
    for prompt in prompts:
        asked = Asked.of(prompt).labels
        like = alike(real, Asked.of(prompt))
        print(f"| {prompt} | real, {args.split} split | {len(like)} | "
              f"{per_100_notes(like, mark.kind):.1f} |{' |' * (len(DIMENSIONS) + 2)}")
        for row, (chosen, leaning) in rows.items():
            if row == "as shipped, no lean" and mark is TIES:
                continue  # the lean is on slurs
            mark.shipped.clear()
            mark.shipped.update(chosen)
            composer.checkpoint.data["slurs"] = counted if leaning else None
            start = time.perf_counter()
            tunes = written(composer, prompt, args.seeds, args.samples, args.bars)
            counts, keys = heard(judges, tunes, asked)
            total = totals.setdefault(row, [0, 0, 0])
            asked_count = sum(c is not None for c in counts)
            total[0] += sum(c for c in counts if c is not None)
            total[1] += asked_count * len(tunes)
            total[2] += keys
            print(f"| {prompt} | {row} | {len(tunes)} | "
                  f"{per_100_notes(tunes, mark.kind):.1f} | "
                  + " | ".join("–" if c is None else str(c) for c in counts)
                  + f" | {keys} | {time.perf_counter() - start:.0f} |", flush=True)
    pieces = len(prompts) * len(args.seeds) * args.samples
    mark.shipped.clear()
    mark.shipped.update(shipped)
    composer.checkpoint.data["slurs"] = counted
    for row, (styles_heard, styles_asked, keys) in totals.items():
        print(f"\n{mark.name} {row}: styles heard {styles_heard} of "
              f"{styles_asked} asked ({styles_heard / max(styles_asked, 1):.1%}), keys heard "
              f"{keys} of {pieces} ({keys / pieces:.1%})")
    print(f"\nreproduce: python benchmarks/slurs.py --dataset {args.dataset} --split {args.split} "
          f"{'--ties ' if args.ties else ''}--prompts {' '.join(repr(p) for p in prompts)} "
          f"--seeds {' '.join(map(str, args.seeds))} --samples {args.samples} --bars {args.bars}")


def beside_reports(samplers: list[str], real: list[Tune], mark: Mark, split: str) -> None:
    """Each prompt's pieces in the report folders of each ``NAME=REPORT[,REPORT...]``: their
    marks per 100 notes beside the real tunes of the split alike the prompt."""
    made: dict[str, dict[str, list[Tune]]] = {}
    names = []
    for spec in samplers:
        name, pieces = sampler_pieces(spec)
        names.append(name)
        for prompt, abc in pieces:
            made.setdefault(prompt, {}).setdefault(name, []).append(parse(abc))
    print(f"| prompt | real alike ({split} split) | "
          + " | ".join(f"{n}: {mark.name} per 100 notes" for n in names)
          + " |\n|---|---:|" + "---:|" * len(names))
    for prompt, by_name in made.items():
        like = alike(real, Asked.of(prompt))
        cells = " | ".join(f"{per_100_notes(by_name[n], mark.kind):.1f}" if n in by_name
                           else "–" for n in names)
        print(f"| {prompt} | {per_100_notes(like, mark.kind):.1f} | {cells} |")
    print(reproduce())


if __name__ == "__main__":
    main()

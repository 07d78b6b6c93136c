"""How often the judges hear each prompt's asked tradition, period and form, and its
written key, at each classifier-free guidance (and each ``--rhythm-bonus``, the nats a
``--rhythm`` gets in the prompt's form, or its tradition's form where it names one:
"broken", a dotted pair or snap, "slur", a slur's opening, or a note value such as "1/8");
what they cost the notes (their lengths, steps and spans beside real tunes of the style, the
share of dotted notes, the slurs opened per 100 notes, the share repeating a part:
``structure.repeats``) and how long all voices rest at once: what ``styles.STYLE_GUIDANCE``
and ``styles.RHYTHM_BONUS`` were chosen by. A ``--rhythm`` swept in an entry that holds other
rhythms keeps them at their nats (``--alone``: drops them, so ``--rhythm-bonus 0`` is the
sampler without the entry).

    python benchmarks/style_guidance.py --guidance 1 2
    python benchmarks/style_guidance.py --prompts "an Irish slip jig in 9/8" --guidance 1 1.5 2
    python benchmarks/style_guidance.py --split train --prompts "a Scottish strathspey" \
        --guidance 1 --rhythm broken --rhythm-bonus 0 0.5 1 1.5

For each prompt (by default the suite's with voices, which have few training tunes a form),
``--samples`` pieces of ``--bars`` bars (``style``: each its style's length) for each seed of
``--seeds`` are written by the bundled model (or ``--model``) at each guidance and judged as
``tunesmith evaluate`` judges them,
overlaps included: against the tunes of ``--dataset`` alike the prompt (its test split, as the
evaluation; ``--split train`` where the test split holds few of a form), and beside them the
same overlaps between as many real tunes and the rest (what the pieces can reach). The
default seeds are ones the evaluation does not draw (it draws 0, 100, 200 and 300), so a
default chosen here is judged there on other pieces.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from slurs import per_100_notes

from tunesmith import Composer
from tunesmith.abc import Kind, parse
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.distributions import (
    FEATURES,
    histograms,
    overlap,
    overlap_ceiling,
    pooled,
)
from tunesmith.evaluation.generated import Asked, alike
from tunesmith.evaluation.structure import repeats
from tunesmith.evaluation.texture import texture
from tunesmith.models.judges import Judges, key_label
from tunesmith.models.tone_cnn import decode
from tunesmith.styles import RHYTHM_BONUS, rhythm_entry

PROMPTS = ["a classical string quartet", "a renaissance madrigal", "文艺复兴 弥撒曲", "trecento",
           "a baroque chorale", "romantic piano piece", "a phrygian motet",
           "a lively Irish reel in D major"]
DIMENSIONS = ("tradition", "period", "form")
OVERLAPS = {"note_length": "length overlap", "interval": "interval overlap",
            "pitch_range": "range overlap"}
DOTTED = FEATURES["note_length"].index("3/16")  # a dotted eighth: the long half of a pair


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--dataset", type=Path, default=Path("datasets/default"),
                        help="prepared dataset whose tunes the overlaps compare with")
    parser.add_argument("--split", choices=("test", "train"), default="test",
                        help="its split to compare with (default test, as the evaluation)")
    parser.add_argument("--prompts", nargs="+", default=PROMPTS)
    parser.add_argument("--guidance", type=float, nargs="+", default=[1.0, 2.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(400, 1200, 100)))
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--bars", type=lambda v: None if v == "style" else int(v), default=16,
                        help="bars a piece (default 16); 'style': as long as training tunes "
                        "of its style, as a piece not asked its length is")
    parser.add_argument("--rhythm", default="broken",
                        help="the rhythm --rhythm-bonus is for: broken, slur or a note value "
                             "(1/8)")
    parser.add_argument("--rhythm-bonus", type=float, nargs="+",
                        help="nats for the --rhythm in the prompt's form, in place of "
                             "styles.RHYTHM_BONUS's (default: RHYTHM_BONUS's own)")
    parser.add_argument("--alone", action="store_true",
                        help="the swept --rhythm alone, without the entry's other rhythms")
    args = parser.parse_args()
    composer, judges = Composer.load(args.model), Judges.load()
    real = list(Dataset(args.dataset).tunes(args.split))
    counts = {id(t): histograms(t) for t in real}
    print(f"| prompt | guidance | rhythm bonus | pieces | "
          f"{' | '.join(f'{d} heard' for d in DIMENSIONS)} | key heard | "
          f"{' | '.join(OVERLAPS.values())} | dotted notes | slurs per 100 notes | "
          "repeating a part | all voices rest | seconds |")
    print("|---|---:|---:|---:|" + "---:|" * (len(DIMENSIONS) + len(OVERLAPS) + 6))
    for prompt in args.prompts:
        asked = Asked.of(prompt).labels
        alike_tunes = alike(real, Asked.of(prompt))
        like = [counts[id(t)] for t in alike_tunes]
        real_h = pooled([], like)
        form = asked.get("form")
        # a bonus swept goes in the entry most particular to the prompt ("irish reel")
        entry = f"{asked['tradition']} {form}" if form and "tradition" in asked else form
        shipped = RHYTHM_BONUS.get(rhythm_entry(asked))
        kept = RHYTHM_BONUS.get(entry)
        for guidance, bonus in [(g, b) for g in args.guidance for b in args.rhythm_bonus
                                or [None]]:
            if form and bonus is not None:
                RHYTHM_BONUS[entry] = {**({} if args.alone else shipped or {}),
                                       args.rhythm: bonus}
            named = (f"{bonus:g}" if bonus is not None  # else the shipped bonus, all rhythms
                     else ", ".join(f"{r} {v:g}" for r, v in (shipped or {}).items()) or "0")
            start = time.perf_counter()
            tunes = [parse(piece.abc) for seed in args.seeds for piece in composer.generate(
                prompt, bars=args.bars, num=args.samples, seed=seed, guidance=guidance)]
            heard = judges.styles(tunes)
            cells = [f"{sum(h.get(d) == asked[d] for h in heard)}" if d in asked else "–"
                     for d in DIMENSIONS]
            keys = sum((w := key_label(t)) is not None and tuple(k) == decode(w)
                       for t, k in zip(tunes, judges.keys(tunes), strict=True))
            gen_h = pooled(tunes)
            cells += [str(keys)] + [f"{overlap(gen_h[f], real_h[f]):.3f}" for f in OVERLAPS]
            lengths = gen_h["note_length"]
            cells.append(f"{lengths[DOTTED] / lengths.sum():.1%}")
            cells.append(f"{per_100_notes(tunes, Kind.SLUR_START):.1f}")
            cells.append(f"{np.mean([repeats(t) for t in tunes]):.0%}")
            tacet = texture(tunes)["time_all_voices_rest"]
            cells.append("–" if tacet is None else f"{tacet:.1%}")
            print(f"| {prompt} | {guidance:g} | {named} | {len(tunes)} | {' | '.join(cells)} "
                  f"| {time.perf_counter() - start:.0f} |", flush=True)
        if form and kept is not None:
            RHYTHM_BONUS[entry] = kept
        elif form:
            RHYTHM_BONUS.pop(entry, None)
        reach = overlap_ceiling(like, len(tunes))  # NaN where too few are alike to draw
        print(f"| {prompt}: {len(tunes)} of {len(like)} real tunes alike against the rest | | | "
              f"{len(tunes)} |{' |' * (len(DIMENSIONS) + 1)} "
              f"{' | '.join(f'{reach[f]:.3f}'.replace('nan', '–') for f in OVERLAPS)} | "
              f"{real_h['note_length'][DOTTED] / real_h['note_length'].sum():.1%} | "
              f"{per_100_notes(alike_tunes, Kind.SLUR_START):.1f} | "
              f"{np.mean([repeats(t) for t in alike_tunes]):.0%} | | |",
              flush=True)
    print(f"\nreproduce: python benchmarks/style_guidance.py --dataset {args.dataset} "
          f"--split {args.split} --prompts "
          f"{' '.join(repr(p) for p in args.prompts)} --guidance "
          f"{' '.join(f'{g:g}' for g in args.guidance)} --seeds {' '.join(map(str, args.seeds))}"
          + (f" --rhythm {args.rhythm} --rhythm-bonus "
             f"{' '.join(f'{b:g}' for b in args.rhythm_bonus)}" if args.rhythm_bonus else "")
          + (" --alone" if args.alone else ""))


if __name__ == "__main__":
    main()

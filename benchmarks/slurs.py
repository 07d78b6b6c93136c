"""How often pieces slur their notes, beside real tunes of their style, with slurs let
through the sampler in no form, in the forms whose training tunes slur
(``styles.SLURRED_FORMS``, as shipped) and in every form, and what the judges hear of each.

    python benchmarks/slurs.py --dataset datasets/default

A slur, ``(fedc)``, is a fiddler's bowing or a string player's legato: the corpus's Irish
airs slur 14 of every 100 notes, its reels 5, its classical quartets 8, its songs, chorales and
masses none. It changes the score, not the sound (abc2midi plays slurred notes as any
others). For each prompt, ``--samples`` pieces of ``--bars`` bars for each seed of ``--seeds``
(ones the evaluation does not draw) are written by the bundled model (or ``--model``) so,
and measured: slurs per 100 notes, the pieces the judges hear in each
asked tradition, period and form, and in their written key; beside them the real tunes of
``--split`` alike the prompt. First, the facts ``SLURRED_FORMS`` was drawn from: the slurs
the split's tunes open per 100 notes, form by form.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tunesmith import Composer, styles
from tunesmith.abc import Kind, Tune, lex, parse
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.generated import Asked, alike
from tunesmith.models.judges import Judges, key_label
from tunesmith.models.tone_cnn import decode

PROMPTS = ["a classical string quartet", "古典主义", "a lively Irish reel in D major",
           "爱尔兰吉格舞曲", "an Irish slip jig in 9/8", "a Scottish strathspey",
           "an English hornpipe", "an American march", "美国 波尔卡", "a slow air in G minor",
           "a mixolydian reel", "D大调 华尔兹", "romantic piano piece", "a German folk song in G",
           "a baroque chorale"]
DIMENSIONS = ("tradition", "period", "form")


def slurs_per_100_notes(tunes: list[Tune]) -> float:
    kinds = [atom.kind for tune in tunes for atom in lex(tune.body)]
    return 100 * kinds.count(Kind.SLUR_START) / max(kinds.count(Kind.NOTE), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--dataset", type=Path, default=Path("datasets/default"))
    parser.add_argument("--split", choices=("test", "train"), default="train",
                        help="the real tunes' split (default train: the test split holds few "
                             "of some forms)")
    parser.add_argument("--prompts", nargs="+", default=PROMPTS)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1200, 2000, 100)))
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--bars", type=int, default=16)
    args = parser.parse_args()
    composer, judges = Composer.load(args.model), Judges.load()
    real = list(Dataset(args.dataset).tunes(args.split))
    by_form: dict[str, list[Tune]] = {}
    for tune in real:
        by_form.setdefault(tune.labels.get("form") or "(none)", []).append(tune)
    print(f"| form ({args.split} split) | tunes | slurs per 100 notes | tunes with a slur | "
          "slurred as shipped |\n|---|---:|---:|---:|---|")
    for form, tunes in sorted(by_form.items(), key=lambda kv: -len(kv[1])):
        with_slur = sum(any(a.kind is Kind.SLUR_START for a in lex(t.body)) for t in tunes)
        print(f"| {form} | {len(tunes)} | {slurs_per_100_notes(tunes):.1f} | "
              f"{with_slur / len(tunes):.0%} | {'yes' if form in styles.SLURRED_FORMS else ''} |")
    print()
    print(f"| prompt | slurs | pieces | slurs per 100 notes | "
          f"{' | '.join(f'{d} heard' for d in DIMENSIONS)} | key heard | seconds |")
    print("|---|---|---:|---:|" + "---:|" * (len(DIMENSIONS) + 2))
    shipped = set(styles.SLURRED_FORMS)
    rows = {"in no form": set(), "as shipped": shipped,
            "in every form": {s.name for s in styles.TAXONOMY if s.dimension == "form"}}
    totals: dict[str, list[int]] = {}
    for prompt in args.prompts:
        asked = Asked.of(prompt).labels
        like = alike(real, Asked.of(prompt))
        print(f"| {prompt} | real, {args.split} split | {len(like)} | "
              f"{slurs_per_100_notes(like):.1f} |{' |' * (len(DIMENSIONS) + 2)}")
        for row, forms in rows.items():
            styles.SLURRED_FORMS.clear()
            styles.SLURRED_FORMS.update(forms)
            start = time.perf_counter()
            tunes = [parse(piece.abc) for seed in args.seeds for piece in composer.generate(
                prompt, bars=args.bars, num=args.samples, seed=seed)]
            heard = judges.styles(tunes)
            counts = [sum(h.get(d) == asked[d] for h in heard) if d in asked else None
                      for d in DIMENSIONS]
            keys = sum((w := key_label(t)) is not None and tuple(k) == decode(w)
                       for t, k in zip(tunes, judges.keys(tunes), strict=True))
            total = totals.setdefault(row, [0, 0, 0])
            asked_count = sum(c is not None for c in counts)
            total[0] += sum(c for c in counts if c is not None)
            total[1] += asked_count * len(tunes)
            total[2] += keys
            print(f"| {prompt} | {row} | {len(tunes)} | "
                  f"{slurs_per_100_notes(tunes):.1f} | "
                  + " | ".join("–" if c is None else str(c) for c in counts)
                  + f" | {keys} | {time.perf_counter() - start:.0f} |", flush=True)
    pieces = len(args.prompts) * len(args.seeds) * args.samples
    styles.SLURRED_FORMS.clear()
    styles.SLURRED_FORMS.update(shipped)
    for row, (styles_heard, styles_asked, keys) in totals.items():
        print(f"\nslurs {row}: styles heard {styles_heard} of "
              f"{styles_asked} asked ({styles_heard / styles_asked:.1%}), keys heard {keys} of "
              f"{pieces} ({keys / pieces:.1%})")
    print(f"\nreproduce: python benchmarks/slurs.py --dataset {args.dataset} --split {args.split} "
          f"--prompts {' '.join(repr(p) for p in args.prompts)} "
          f"--seeds {' '.join(map(str, args.seeds))}")


if __name__ == "__main__":
    main()

"""Which styles write triplets and dotted pairs, real against generated: the facts behind
``composer.unwritten_signs``, which keeps a style's pieces from a sign its tunes hardly write.

    python benchmarks/rhythm_signs.py --dataset datasets/default \
        before=runs/j/s0,runs/j/s100 now=runs/sig/s0,runs/sig/s100

The real side is the train split (``Dataset.sign_counts``, the counts the sampler reads), by
tradition and by period, and form; each NAME=REPORT[,REPORT...] argument pools the pieces the
report folders (``tunesmith evaluate --report``) hold, by the tradition (or period) and form
their prompt asks (a prompt naming neither is left out). For each: how many tunes, the share
that write a tuplet, and a dotted pair (``>`` or ``<``).

    python benchmarks/rhythm_signs.py --dataset datasets/default \
        --prompts "a song from Luxembourg" "a German folk song in G" --seeds 1200 1300

With ``--prompts``, the bundled model writes ``--samples`` pieces a seed for each prompt
twice, with the signs its style hardly writes kept out (as shipped) and let in (the sampler
before, the checkpoint's counts taken away), and the judges say how many they hear in the
tradition, form and period asked, beside the share of pieces with a tuplet or dotted pair.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from _beside_real import reproduce, sampler_pieces

from tunesmith import Composer
from tunesmith.abc import AbcError, parse
from tunesmith.abc.lexer import lex
from tunesmith.data.dataset import KEY_LABELS, SIGNS, Dataset
from tunesmith.evaluation.generated import Asked
from tunesmith.models.judges import Judges

TRADITION, PERIOD, FORM = (KEY_LABELS.index(d) for d in ("tradition", "period", "form"))


def signs(abc: str) -> set[str]:
    """The ``SIGNS`` a piece writes."""
    kinds = {atom.kind for atom in lex(parse(abc).body)}
    return {name for name, kind in SIGNS.items() if kind in kinds}


def row(name: str, style: tuple[str, str], written: list[set[str]]) -> str:
    shares = " | ".join(f"{sum(sign in w for w in written) / len(written):.1%}" for sign in SIGNS)
    return f"| {name} | {' | '.join(style)} | {len(written)} | {shares} |"


def judged(prompts: list[str], seeds: list[int], samples: int) -> None:
    """Each prompt's pieces with and without the rare signs kept out, as the judges hear them."""
    composer, judges = Composer.load(), Judges.load()
    counts = composer.checkpoint.data.get("signs")
    print("| prompt | rare signs | pieces | tradition heard | form heard | period heard | "
          + " | ".join(f"with a {sign} sign" for sign in SIGNS) + " |\n"
          "|---|---|---:|---:|---:|---:|" + "---:|" * len(SIGNS))
    for prompt in prompts:
        asked = Asked.of(prompt).labels
        for name, rows in (("kept out", counts), ("let in", None)):
            composer.checkpoint.data["signs"] = rows
            pieces = [p.abc for seed in seeds
                      for p in composer.generate(prompt, num=samples, seed=seed)]
            heard = judges.styles([parse(abc) for abc in pieces])
            cells = [f"{sum(h.get(d) == asked[d] for h in heard)}" if d in asked else "–"
                     for d in ("tradition", "form", "period")]
            written = [signs(abc) for abc in pieces]
            shares = " | ".join(f"{sum(s in w for w in written)}" for s in SIGNS)
            print(f"| {prompt} | {name} | {len(pieces)} | {' | '.join(cells)} | {shares} |",
                  flush=True)
    composer.checkpoint.data["signs"] = counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("samplers", nargs="*", help="NAME=REPORT[,REPORT...]")
    parser.add_argument("--prompts", nargs="+", help="judge the model's pieces for these")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1200, 2000, 100)))
    parser.add_argument("--samples", type=int, default=4)
    args = parser.parse_args()
    if args.prompts:
        judged(args.prompts, args.seeds, args.samples)
        print(reproduce())
        return
    real: dict[tuple[str, str], list[set[str]]] = defaultdict(list)
    for r in Dataset(args.dataset).sign_counts("train"):
        for style in {r[TRADITION], r[PERIOD]} - {None}:  # Bach's chorales: German, baroque
            if r[FORM]:
                real[style, r[FORM]] += [set(r[-2].split())] * r[-1]
    made: dict[str, dict[tuple[str, str], list[set[str]]]] = {}
    for spec in args.samplers:
        name, pieces = sampler_pieces(spec)
        made[name] = defaultdict(list)
        for prompt, abc in pieces:
            labels = Asked.of(prompt).labels
            style = labels.get("tradition") or labels.get("period")
            if not (style and labels.get("form")):
                continue
            try:
                made[name][style, labels["form"]].append(signs(abc))
            except AbcError:
                continue
    print("| tunes | tradition or period | form | tunes | " + " | ".join(SIGNS) + " |\n"
          "|---|---|---|---:|" + "---:|" * len(SIGNS))
    for style in sorted({s for by in made.values() for s in by}
                        or {s for s, w in real.items() if len(w) >= 100}):
        if style in real:
            print(row("real, train split", style, real[style]))
        for name, by in made.items():
            if by.get(style):
                print(row(name, style, by[style]))
    print(reproduce())


if __name__ == "__main__":
    main()

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

from collections import defaultdict
from functools import partial

from _beside_real import print_by_style, reproduce, sampler_pieces
from _judged import arguments, both_ways

from tunesmith.abc import AbcError, Tune, parse
from tunesmith.data.dataset import KEY_LABELS, SIGNS, Dataset, written_signs
from tunesmith.evaluation.generated import Asked

TRADITION, PERIOD, FORM = (KEY_LABELS.index(d) for d in ("tradition", "period", "form"))


def writing(sign: str, tunes: list[Tune]) -> str:
    """How many of ``tunes`` write ``sign``."""
    return str(sum(sign in written_signs(t) for t in tunes))


def row(name: str, style: tuple[str, str], written: list[set[str]]) -> str:
    shares = " | ".join(f"{sum(sign in w for w in written) / len(written):.1%}" for sign in SIGNS)
    return f"| {name} | {' | '.join(style)} | {len(written)} | {shares} |"


def main() -> None:
    args = arguments(__doc__)
    if args.prompts:
        both_ways(args, "signs", ("kept out", "let in"), "rare signs",
                  {f"with a {sign} sign": partial(writing, sign) for sign in SIGNS})
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
                made[name][style, labels["form"]].append(set(written_signs(parse(abc))))
            except AbcError:
                continue
    print("| tunes | tradition or period | form | tunes | " + " | ".join(SIGNS) + " |\n"
          "|---|---|---|---:|" + "---:|" * len(SIGNS))
    print_by_style(row, real, made, sorted({s for by in made.values() for s in by}
                                           or {s for s, w in real.items() if len(w) >= 100}))


if __name__ == "__main__":
    main()

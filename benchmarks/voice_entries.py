"""When a piece's voices come in, and whether they answer the first: drawn from a training
piece of its style, or all at once.

    python benchmarks/voice_entries.py --dataset datasets/default --seeds $(seq 1200 100 1900)
    python benchmarks/voice_entries.py --prompts "a renaissance mass" --imitation 0 1 2 4

For each prompt, ``--samples`` pieces a seed with the voices' entries drawn as
``composer.typical_entries`` draws them, then as many with every voice coming in at the start
(the checkpoint's ``entries`` counts taken out), beside the real pieces of the dataset sharing
the prompt's period and form: the share of voices that rest a bar or more before their first
note (``tunesmith evaluate``'s measure: a bar after the first), how far into the piece they
come in on average (a voice's rest before it enters over the piece's length,
``abc.notes.entries``), how many of those answer the first voice's opening (its first four
intervals, each within a semitone, in its rhythm: a point of imitation), and the time each
voice rests, the quarter beats sounding a whole triad and the onsets that clash
(``evaluation.texture``). ``--imitation`` writes the drawn entries
again with each of these nats for an answering note in place of the form's
(``styles.IMITATION_BONUS_BY_FORM``).
"""

from __future__ import annotations

from unittest import mock

import numpy as np
from _judged import sweep_arguments

from tunesmith import Composer, styles
from tunesmith.abc import Tune, parse
from tunesmith.abc.notes import entries
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.generated import Asked
from tunesmith.evaluation.texture import texture

PROMPTS = ["文艺复兴 弥撒曲", "a renaissance madrigal", "a phrygian motet"]


def row(name: str, tunes: list[Tune]) -> str:
    found = [e for t in tunes if (e := entries(t)) is not None]
    if not found:
        return f"| {name} | 0 | – | – | – | – | – | – |"
    into = np.mean([np.mean(bars) / float(length) for bars, length in found])
    measured = texture(tunes)
    answering = measured["late_voices_answering"]
    return (f"| {name} | {len(found)} | {measured['voices_coming_in_late']:.1%} | "
            f"{into:.1%} | {'–' if answering is None else f'{answering:.1%}'} | "
            f"{measured['time_each_voice_rests']:.1%} | {measured['whole_triads']:.1%} | "
            f"{measured['dissonant_onsets']:.1%} |")


def main() -> None:
    args = sweep_arguments(__doc__, PROMPTS, lambda parser: parser.add_argument(
        "--imitation", type=float, nargs="*", default=[],
        help="nats for an answering note, each in place of the form's"))
    composer, real = Composer.load(), Dataset(args.dataset).tunes()
    counted = composer.checkpoint.data.get("entries")
    print("| pieces | n | voices coming in a bar late or more | how far in, mean | of them "
          "answering the first | each voice rests | whole triads | dissonant onsets |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|")
    for prompt in args.prompts:
        asked = Asked.of(prompt).labels
        alike = [t for t in real if all(t.labels.get(d) == asked[d]
                                        for d in ("period", "form") if d in asked)]
        form = asked.get("form", "")
        arms = [("drawn", counted, None), ("all at once", None, None)] + [
            (f"drawn, {nats:g} nats an answering note", counted, nats)
            for nats in args.imitation]
        for name, counts, nats in arms:
            composer.checkpoint.data["entries"] = counts
            bonus = styles.IMITATION_BONUS_BY_FORM | ({form: nats} if nats is not None else {})
            with mock.patch.dict("tunesmith.composer.IMITATION_BONUS_BY_FORM", bonus):
                tunes = [parse(p.abc) for seed in args.seeds
                         for p in composer.generate(prompt, num=args.samples, seed=seed)]
            print(row(f"{prompt}: {name}", tunes), flush=True)
        print(row(f"{prompt}: real ({', '.join(asked.values())})", alike), flush=True)
    composer.checkpoint.data["entries"] = counted
    print(f"\npython benchmarks/voice_entries.py --dataset {args.dataset} --prompts "
          + " ".join(f"'{p}'" for p in args.prompts) + f" --seeds {' '.join(map(str, args.seeds))}"
          + (f" --imitation {' '.join(f'{n:g}' for n in args.imitation)}" * bool(args.imitation)))


if __name__ == "__main__":
    main()

"""A medieval dance in one line or in voices: what the judges hear in each, the facts behind
``prompt.PERIOD_TUNE_VOICES`` and ``abc.voices.PLAYED_MEDIEVAL``.

    python benchmarks/medieval_dance.py --voices 1 2 3 --seeds $(seq 1200 100 1900)

The corpus's medieval pieces are the trecento's ballate, madrigals and cacce, 98 of 99 in
voices; none is a dance or a single line. Each arm writes ``--samples`` pieces a seed of the
prompt with that many voices (1: the melody it was written as before) and prints how many
the style judge hears as medieval and as a dance, the tone CNN in their written key, the
modes the model chose, where the top voice lies (the median of its pieces' median pitch,
MIDI) and how often the voices cross (``tunesmith evaluate``'s measure: onsets above a voice
written before or below one written after). ``--trecento`` writes the voices in the
trecento's sung compasses, the cantus's and the tenor's, instead of a shawm's over a
bombard's.
"""

from __future__ import annotations

import argparse
from collections import Counter
from unittest import mock

import numpy as np
from _judged import heard

from tunesmith import Composer
from tunesmith.abc import parse
from tunesmith.abc import voices as voicing
from tunesmith.abc.notes import notes
from tunesmith.evaluation.generated import Asked
from tunesmith.evaluation.texture import by_voice, texture
from tunesmith.models.judges import Judges


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompt", default="a medieval dance")
    parser.add_argument("--voices", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(1200, 2000, 100)))
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--trecento", action="store_true",
                        help="the voices in the trecento's sung compasses")
    args = parser.parse_args()
    composer, judges = Composer.load(), Judges.load()
    asked = Asked.of(args.prompt).labels
    played = voicing.TRECENTO[::2] if args.trecento else voicing.PLAYED_MEDIEVAL
    print("| voices | pieces | heard medieval | heard a dance | in their key | modes chosen "
          "| top voice's median | voices cross |\n|---:|---:|---:|---:|---:|---|---:|---:|")
    with mock.patch.object(voicing, "PLAYED_MEDIEVAL", played):
        for count in args.voices:
            pieces = [p for seed in args.seeds
                      for p in composer.generate(args.prompt, num=args.samples, seed=seed,
                                                 voices=count)]
            tunes = [parse(p.abc) for p in pieces]
            (_, period, form), keys = heard(judges, tunes, asked)
            modes = Counter(p.controls.labels.get("mode") for p in pieces).most_common()
            crossed = texture(tunes)["crossed_voices"]
            tops = [next(iter(v.values())) if (v := by_voice(t)) else notes(t) for t in tunes]
            top = np.median([np.median([n.pitch for n in voice]) for voice in tops])
            print(f"| {count} | {len(tunes)} | {period} | {'–' if form is None else form} | "
                  f"{keys} | "
                  + ", ".join(f"{m} {n}" for m, n in modes)
                  + f" | {top:.0f} | {'–' if crossed is None else f'{crossed:.1%}'} |",
                  flush=True)
    print(f"\npython benchmarks/medieval_dance.py --prompt '{args.prompt}' --voices "
          f"{' '.join(map(str, args.voices))} --seeds {' '.join(map(str, args.seeds))}"
          + " --trecento" * args.trecento)


if __name__ == "__main__":
    main()

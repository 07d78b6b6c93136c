"""How often the judges hear each prompt's asked period and form, and its written key, at
each classifier-free guidance, and how long all its voices rest at once: what
``composer.STYLE_GUIDANCE`` was chosen by.

    python benchmarks/style_guidance.py --guidance 1 2

For each prompt (by default the suite's with voices, which have few training tunes a form),
``--samples`` pieces of ``--bars`` bars for each seed of ``--seeds`` are written by the bundled
model (or ``--model``) at each guidance and judged as ``tunesmith evaluate`` judges them. The
default seeds are ones the evaluation does not draw (it draws 0, 100, 200 and 300), so a
default chosen here is judged there on other pieces.
"""

from __future__ import annotations

import argparse
import time

from tunesmith import Composer
from tunesmith.abc import parse
from tunesmith.evaluation.generated import Asked
from tunesmith.evaluation.texture import texture
from tunesmith.models.judges import Judges, key_label
from tunesmith.models.tone_cnn import decode

PROMPTS = ["a classical string quartet", "a renaissance madrigal", "文艺复兴 弥撒曲", "trecento",
           "a baroque chorale", "romantic piano piece", "a phrygian motet",
           "a lively Irish reel in D major"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="checkpoint (default: the bundled model)")
    parser.add_argument("--prompts", nargs="+", default=PROMPTS)
    parser.add_argument("--guidance", type=float, nargs="+", default=[1.0, 2.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(400, 1200, 100)))
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--bars", type=int, default=16)
    args = parser.parse_args()
    composer, judges = Composer.load(args.model), Judges.load()
    print("| prompt | guidance | pieces | period heard | form heard | key heard | all voices rest "
          "| seconds |\n|---|---:|---:|---:|---:|---:|---:|---:|")
    for prompt in args.prompts:
        asked = Asked.of(prompt).labels
        for guidance in args.guidance:
            start = time.perf_counter()
            tunes = [parse(piece.abc) for seed in args.seeds for piece in composer.generate(
                prompt, bars=args.bars, num=args.samples, seed=seed, guidance=guidance)]
            heard = judges.styles(tunes)
            cells = [f"{sum(h.get(d) == asked[d] for h in heard)}" if d in asked else "–"
                     for d in ("period", "form")]
            keys = sum((w := key_label(t)) is not None and tuple(k) == decode(w)
                       for t, k in zip(tunes, judges.keys(tunes), strict=True))
            tacet = texture(tunes)["time_all_voices_rest"]
            rest = "–" if tacet is None else f"{tacet:.1%}"
            print(f"| {prompt} | {guidance:g} | {len(tunes)} | {cells[0]} | {cells[1]} | {keys} "
                  f"| {rest} | {time.perf_counter() - start:.0f} |", flush=True)
    print(f"\nreproduce: python benchmarks/style_guidance.py --prompts "
          f"{' '.join(repr(p) for p in args.prompts)} --guidance "
          f"{' '.join(f'{g:g}' for g in args.guidance)} --seeds {' '.join(map(str, args.seeds))}")


if __name__ == "__main__":
    main()

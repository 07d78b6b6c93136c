"""How long pieces asked their length in time play, measured on their MIDI.

    python benchmarks/timed_lengths.py --seeds 0 1 2 3

For each prompt and length ("a two-minute reel" is ``Composer.generate(prompt,
seconds=120)``), a piece for each seed by the bundled model (or ``--model``); abc2midi writes
its MIDI, playing its repeats, and music21 reads how long that lasts at its tempo. Prints the
asked and the played lengths, the parts the piece was planned in, and the mean and largest
miss over all pieces: how near a style's parts (more or fewer of them, with or without their
repeats: ``composer.timed_sections``) come to a length in time.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import music21

from tunesmith import Composer
from tunesmith.abc import parse
from tunesmith.abc.sections import layout

PROMPTS = ("a lively Irish reel in D major", "爱尔兰吉格舞曲", "a Scottish strathspey",
           "中国民歌", "a German folk song in G", "a baroque chorale", "a classical string quartet",
           "a waltz for piano")
SECONDS = (30, 60, 120)


def midi_seconds(piece, folder: Path) -> float:
    """How long the piece's MIDI plays (abc2midi, its repeats played)."""
    score = music21.converter.parse(piece.save(folder / "piece.mid"))
    marks = score.flatten().getElementsByClass("MetronomeMark")
    return score.highestTime / (marks[0].getQuarterBPM() if marks else 120) * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="checkpoint folder (default: the bundled model)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    parser.add_argument("--prompts", nargs="+", default=PROMPTS)
    parser.add_argument("--seconds", type=float, nargs="+", default=SECONDS)
    args = parser.parse_args()
    composer = Composer.load(args.model) if args.model else Composer.load()
    misses = []
    print("| prompt | asked | played (each seed) | parts |\n|---|---:|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for prompt in args.prompts:
            for seconds in args.seconds:
                played, forms = [], []
                for seed in args.seeds:
                    piece = composer.generate(prompt, seed=seed, seconds=seconds)[0]
                    played.append(midi_seconds(piece, Path(folder)))
                    forms.append(layout(parse(piece.abc)) or f"{piece.controls.bars} bars")
                    misses.append(abs(played[-1] - seconds) / seconds)
                print(f"| {prompt} | {seconds:g} s | {', '.join(f'{p:.0f}' for p in played)} "
                      f"| {'; '.join(dict.fromkeys(forms))} |", flush=True)
    mean = 100 * sum(misses) / len(misses)
    print(f"\n{len(misses)} pieces: played off the asked length by {mean:.1f}% "
          f"on average, {100 * max(misses):.1f}% at most, within 10% in "
          f"{sum(m <= 0.1 for m in misses)}")
    print(f"`python benchmarks/timed_lengths.py --seeds {' '.join(map(str, args.seeds))}`")


if __name__ == "__main__":
    main()

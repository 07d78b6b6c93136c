"""Songs from lyrics, measured on 20 public-domain texts (benchmarks/lyrics.json: 10 English
ballads and rhymes, 10 Tang poems).

    python benchmarks/lyrics_alignment.py --seeds 2 --out runs/lyrics

Each text is set by the model (``--model``, default the bundled one) with ``--seeds`` seeds.
Per song it checks, from the written files and not from the sampler's own state:
- every syllable carries exactly one note: music21 reads the MusicXML tunesmith writes and
  the notes with a lyric must equal the syllables, every note with exactly one;
- valid by the three validators (tunesmith's bar check, music21, abc2abc);
- each English stressed syllable starts on a strong beat (the downbeat, and the middle of
  the bar in meters of two or four beats);
- each phrase (lyric line) ends at a bar end.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from tunesmith import Composer
from tunesmith.abc import parse, validate
from tunesmith.abc.notes import notes
from tunesmith.abc.tune import meter_length
from tunesmith.evaluation.generated import abc2abc_clean, music21_reads
from tunesmith.lyrics import read_lyrics, strong_positions

TEXTS = Path(__file__).with_name("lyrics.json")
PROMPTS = {"en": "an English folk song", "zh": "中国民歌"}


def measure(abc: str, text: str, musicxml: Path) -> dict:
    import music21

    tune = parse(abc)
    lyrics = read_lyrics(text)
    syllables = lyrics.syllables
    score = music21.converter.parse(musicxml)
    sung = [n for n in score.recurse().notes if n.lyrics]
    played = notes(tune)
    bar = meter_length(tune.meter)
    strong = strong_positions(tune.meter, bar)
    stressed = [i for i, s in enumerate(syllables) if s.stressed and s.text.isascii()]
    ends, total = [], 0
    for line in lyrics.lines:
        total += len(line)
        ends.append(total - 1)
    return {
        "syllables": len(syllables),
        "one_note_each": len(sung) == len(syllables) == len(played)
        and all(len(n.lyrics) == 1 for n in sung),
        "valid": not validate(tune) and music21_reads(abc) and abc2abc_clean(abc),
        "stressed": len(stressed),
        "stressed_on_strong": sum(played[i].onset % bar in strong for i in stressed
                                  if i < len(played)),
        "phrases": len(ends),
        "phrases_end_at_bar_end": sum(i < len(played)
                                      and (played[i].onset + played[i].length) % bar == 0
                                      for i in ends),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="checkpoint directory (default: the bundled model)")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("runs/lyrics"))
    args = parser.parse_args()
    composer = Composer.load(args.model)
    texts = json.loads(TEXTS.read_text(encoding="utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    rows, start = [], time.perf_counter()
    for i, entry in enumerate(texts):
        for seed in range(args.seeds):
            piece = composer.generate(PROMPTS[entry["language"]], seed=seed,
                                      title=entry["title"], lyrics=entry["text"])[0]
            xml = piece.save(args.out / f"{i:02d}-{seed}.musicxml")
            (args.out / f"{i:02d}-{seed}.abc").write_text(piece.abc, encoding="utf-8")
            rows.append({"language": entry["language"], **measure(piece.abc, entry["text"], xml)})
    print(f"{len(rows)} songs from {len(texts)} texts in {time.perf_counter() - start:.0f} s\n")
    print("| texts | songs | syllables | one note each | valid (3 validators) | "
          "stressed on a strong beat | phrases ending at a bar end |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for language in ("en", "zh", None):
        part = [r for r in rows if language in (None, r["language"])]
        stressed = sum(r["stressed"] for r in part)
        strong = sum(r["stressed_on_strong"] for r in part) / stressed if stressed else None
        print(f"| {language or 'all'} | {len(part)} | {sum(r['syllables'] for r in part)} | "
              f"{sum(r['one_note_each'] for r in part) / len(part):.1%} | "
              f"{sum(r['valid'] for r in part) / len(part):.1%} | "
              + (f"{strong:.1%} of {stressed}" if strong is not None else "–") + " | "
              f"{sum(r['phrases_end_at_bar_end'] for r in part)} of "
              f"{sum(r['phrases'] for r in part)} |")
    print(f"\nsongs in {args.out}\nreproduce: python {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()

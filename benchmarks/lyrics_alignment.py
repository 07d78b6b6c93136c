"""Songs from lyrics, measured on 20 public-domain texts (benchmarks/lyrics.json: 10 English
ballads and rhymes, 10 Tang poems).

    python benchmarks/lyrics_alignment.py --seeds 2 --out runs/lyrics --dataset datasets/default

Each text is set by the model (``--model``, default the bundled one) with ``--seeds`` seeds.
Per song it checks, from the written files and not from the sampler's own state:
- every syllable carries exactly one note: music21 reads the MusicXML tunesmith writes and
  the notes with a lyric must equal the syllables, every note with exactly one;
- valid by the three validators (tunesmith's bar check, music21, abc2abc);
- each English stressed syllable starts on a strong beat (the downbeat, and the middle of
  the bar in meters of two or four beats);
- each phrase (lyric line) ends at a bar end.

With ``--dataset``, the songs' rhythm beside real songs: first the note lengths the one-voice
songs of the split (``--split``) give one note in 200 or more, meter by meter (what
``lyrics.SUNG_EIGHTHS`` holds), then for the generated songs the overlap of their note-length
histogram with real songs' of the same meters (weighted as the generated songs' meters are),
the share of their notes at lengths real songs of their meter seldom sing (under 1 in 200),
and the share of their bars that are one note inside a line; beside the real songs' notes a
bar of a line and bars of one note (``lyrics.SUNG_PER_BAR``, ``generate.held_line``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from tunesmith import Composer
from tunesmith.abc import Tune, parse, validate
from tunesmith.abc.notes import notes
from tunesmith.abc.tune import AbcError, meter_length
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.distributions import overlap
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
        "meter": tune.meter, "lengths": eighths(tune),
        "bars": sum(n.length for n in played) / bar,
        "mid_line_whole_bars": sum(n.length == bar for i, n in enumerate(played)
                                   if i not in ends),
    }


SELDOM = Fraction(1, 200)  # a length real songs of a meter sing less often than this


def eighths(tune: Tune) -> list[Fraction]:
    """The lengths of a one-voice tune's notes, in eighth notes; none if it does not read."""
    try:
        return [n.length * 8 for n in notes(tune)]
    except (AbcError, ValueError):
        return []


@dataclass
class RealSongs:
    """What the split's one-voice songs of one meter sing: note lengths (eighths), and over
    their lines (the Essen songs write one phrase a line) the notes a bar of each line and the
    bars of one note at a line's end and inside one."""
    lengths: Counter = field(default_factory=Counter)
    per_bar: list[float] = field(default_factory=list)
    held_ends: int = 0
    held_inside: int = 0


def real_songs(dataset: Path, split: str) -> dict[str, RealSongs]:
    songs: dict[str, RealSongs] = defaultdict(RealSongs)
    for tune in Dataset(dataset).tunes(split):
        if tune.labels.get("form") != "song" or "V:" in tune.body:
            continue
        real = songs[tune.meter]
        real.lengths.update(eighths(tune))
        lines = [line for line in tune.body.splitlines() if line.strip()]
        bar, head = meter_length(tune.meter), "\n".join(f"{k}:{v}" for k, v in tune.fields)
        if len(lines) < 3 or not bar:  # one or two lines say nothing of its phrases
            continue
        for line in lines:
            try:
                sung = notes(parse(f"{head}\n{line}\n"))
            except (AbcError, ValueError):
                continue
            if sung and (span := sum(n.length for n in sung) / bar):
                real.per_bar.append(float(len(sung) / span))
                real.held_ends += sung[-1].length == bar
                real.held_inside += sum(n.length == bar for n in sung[:-1])
    return songs


def rhythm(rows: list[dict], real: dict[str, RealSongs]) -> None:
    """Prints what real songs sing by meter, then the generated songs' rhythm beside it."""
    print("\nreal songs by meter: the note lengths (eighths) one note in 200 or more takes; "
          "notes a bar of a line (median); bars of one note ending a line / inside one\n")
    for meter, r in sorted(real.items(), key=lambda kv: -sum(kv[1].lengths.values()))[:8]:
        total = sum(r.lengths.values())
        usual = sorted(v for v, n in r.lengths.items() if n / total >= SELDOM)
        per_bar = f"{np.median(r.per_bar):.2f}" if r.per_bar else "–"
        print(f"- {meter} ({total:,} notes): {' '.join(map(str, usual))}; {per_bar}; "
              f"{r.held_ends:,} / {r.held_inside:,}")
    print("\n| texts | songs | syllables a bar | note-length overlap with real songs of their "
          "meters | notes at lengths real songs seldom sing | bars of one note inside a line |"
          "\n|---|---:|---:|---:|---:|---:|")
    for language in ("en", "zh", None):
        part = [r for r in rows if language in (None, r["language"])]
        bins = sorted({v for r in part for v in r["lengths"]}
                      | {v for songs in real.values() for v in songs.lengths})
        made, like = Counter(), Counter()
        seldom = total = one_note = bars = 0
        for r in part:
            c = real[r["meter"]].lengths if r["meter"] in real else Counter()
            made.update(r["lengths"])
            for v, n in c.items():
                like[v] += n / sum(c.values()) * len(r["lengths"])
            seldom += sum(not c or c[v] / sum(c.values()) < SELDOM for v in r["lengths"])
            total += len(r["lengths"])
            one_note += r["mid_line_whole_bars"]
            bars += r["bars"]
        shared = overlap(*(np.array([h[v] for v in bins], float) for h in (made, like)))
        print(f"| {language or 'all'} | {len(part)} | {float(total / bars):.2f} | "
              f"{shared:.3f} | {float(seldom / total):.1%} | {float(one_note / bars):.1%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="checkpoint directory (default: the bundled model)")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("runs/lyrics"))
    parser.add_argument("--dataset", type=Path,
                        help="a prepared dataset: the songs' rhythm beside its real songs'")
    parser.add_argument("--split", default="train")
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
    if args.dataset:
        rhythm(rows, real_songs(args.dataset, args.split))
    print(f"\nsongs in {args.out}\nreproduce: python {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()

"""Does music21 (and so the MusicXML that ``render`` writes) read the pitches abc2midi plays?

    python benchmarks/musicxml_pitches.py --reports runs/eval-v5j

music21's ABC reader forgets an accidental at the bar's next note of that pitch (``^G A G``
is G#, A, G# to abc2midi, G#, A, G to music21) and at a note tied over the barline. For
every piece that ``tunesmith evaluate --report DIR`` kept under ``DIR/samples``, the notes
music21 reads are compared with those ``abc/notes.py`` reads (as abc2midi plays them; tied
notes once), as written and after ``explicit_accidentals``, which ``render`` applies before
music21 writes MusicXML.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import music21

from tunesmith.abc import Tune, parse
from tunesmith.abc.notes import notes
from tunesmith.abc.transpose import explicit_accidentals


def music21_pitches(tune: Tune) -> Counter[int]:
    """The MIDI pitches music21 reads, a tied note once."""
    score = music21.converter.parse(tune.abc, format="abc")
    return Counter(p.midi for n in score.recurse().notes for p in n.pitches
                   if not (n.tie and n.tie.type in ("continue", "stop")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=Path, nargs="+", required=True,
                        help="folders written by tunesmith evaluate --report")
    args = parser.parse_args()
    pieces = heard = 0
    wrong = {"as written": [0, 0], "explicit accidentals": [0, 0]}  # notes, pieces
    for report in args.reports:
        for path in sorted((report / "samples").glob("*.json")):
            for abc in json.loads(path.read_text(encoding="utf-8"))["abc"]:
                tune = parse(abc)
                played = Counter(n.pitch for n in notes(tune))
                pieces, heard = pieces + 1, heard + sum(played.values())
                for name, read in (("as written", tune),
                                   ("explicit accidentals", explicit_accidentals(tune))):
                    off = sum((music21_pitches(read) - played).values())
                    wrong[name][0] += off
                    wrong[name][1] += off > 0
    print(f"{pieces} pieces, {heard} notes as abc2midi plays them\n\n"
          "| music21 reads | notes at another pitch | pieces with one |\n|---|---:|---:|")
    for name, (off, bad) in wrong.items():
        print(f"| {name} | {off} ({off / max(heard, 1):.2%}) | {bad} |")
    print("\nreproduce: python benchmarks/musicxml_pitches.py --reports",
          *map(str, args.reports))


if __name__ == "__main__":
    main()

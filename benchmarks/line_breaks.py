"""How many pieces end a line inside a bar (a score then splits that bar across two systems),
by prompt, for each ``tunesmith evaluate --report`` folder given.

    python benchmarks/line_breaks.py runs/eval-a runs/eval-b

``abc.lines.whole_bar_lines`` moves such a break after the bar's barline; the corpus's Essen
songs write one phrase a line with its upbeat, so the model ends lines inside bars too.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from tunesmith.abc import Kind, lex, parse


def breaks_inside_a_bar(body: str) -> int:
    """Line breaks after a note or rest of a bar that goes on on the next line."""
    atoms = [a for a in lex(body) if a.kind is not Kind.SPACE]
    lines = (Kind.FIELD_LINE, Kind.COMMENT, Kind.NEWLINE)  # what a line is, not music
    return sum(1 for before, atom, after in zip(atoms, atoms[1:], atoms[2:], strict=False)
               if atom.kind is Kind.NEWLINE and before.kind not in (Kind.BAR, *lines)
               and after.kind not in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", nargs="+", type=Path)
    args = parser.parse_args()
    for report in args.reports:
        split, pieces = Counter(), Counter()
        for path in sorted((report / "samples").glob("*.json")):
            saved = json.loads(path.read_text(encoding="utf-8"))
            for abc in saved["abc"]:
                pieces[saved["prompt"]] += 1
                split[saved["prompt"]] += breaks_inside_a_bar(parse(abc).body) > 0
        print(f"{report}: {sum(split.values())} of {sum(pieces.values())} pieces end a line "
              "inside a bar" + "".join(f"; {p} {n}" for p, n in split.items() if n))
    print("\nreproduce: python benchmarks/line_breaks.py " + " ".join(map(str, args.reports)))


if __name__ == "__main__":
    main()

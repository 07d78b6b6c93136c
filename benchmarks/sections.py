"""How long melodies' sections are (from one ``||``, ``:|`` or ``|:`` to the next), in the real
tunes of a dataset's test split and in the pieces of ``tunesmith evaluate`` report folders.

    python benchmarks/sections.py --dataset datasets/default runs/eval-a runs/eval-b

Prints, for the melodies that close a section before their end, the share of those sections
(all but each piece's last, which its length ends) lasting whole 4-bar phrases, and the
commonest lengths to the nearest bar: what ``abc.durations.PHRASE_BARS`` is weighed against.
"""

from __future__ import annotations

from collections import Counter

from _beside_real import reproduce, rows_from_args

from tunesmith.abc.durations import PHRASE_BARS
from tunesmith.abc.sections import sections


def main() -> None:
    rows = rows_from_args(__doc__)
    print("| pieces | melodies | with sections | sections closed | of whole 4-bar phrases "
          "| commonest lengths (bars: sections) |\n|---|---:|---:|---:|---:|---|")
    for name, tunes in rows:
        melodies = [found for found in map(sections, tunes) if found]
        closed = [round(n) for one in melodies for n, _ in one[:-1]]
        if not closed:
            continue
        whole = sum(n > 0 and n % PHRASE_BARS == 0 for n in closed) / len(closed)
        common = ", ".join(f"{n}: {k}" for n, k in Counter(closed).most_common(6))
        print(f"| {name} | {len(melodies)} | {sum(len(n) > 1 for n in melodies)} | "
              f"{len(closed)} | {whole:.1%} | {common} |")
    print(reproduce())


if __name__ == "__main__":
    main()

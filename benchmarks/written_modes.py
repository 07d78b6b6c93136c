"""How "key heard as written" reads a piece whose ``K:`` is a signature, not its mode.

    python benchmarks/written_modes.py runs/s27/eval-IR-s0 runs/s27/eval-IR-s100

The corpus's Essen songs and medieval scores write a signature alone in ``K:`` (an E-minor
song ``K:G``, a D-dorian mass ``K:C``), the tone CNN learnt from those fields, and the
sampler ends a piece on its mode's final, which the signature spells. For the pieces of
``tunesmith evaluate --report`` folders whose prompt named no key, this names each ``K:``
for the mode its final makes it (``data.labels.mode_label``: ``K:G`` ending on E is ``Em``;
Chinese modes, which ABC cannot name, stay as written) and counts the pieces the tone CNN
hears in the key so named beside those heard in their ``K:`` as written: what the report's
figure would be if headers named modes.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from _beside_real import reproduce

from tunesmith.abc import parse, parse_key
from tunesmith.abc.keys import FINAL_STEP, MODE_OFFSET, Key, final_notes
from tunesmith.data.labels import mode_label
from tunesmith.evaluation.generated import Asked, saved_pieces
from tunesmith.models.judges import PITCH_NAMES, Judges


def named_for_mode(written: str, mode: str | None) -> str:
    """``K:`` named for ``mode`` where ``written`` is a major signature: the same signature,
    the mode's final its tonic (``G``, minor: ``Em``); any other key as it is."""
    key = parse_key(written)
    if not (key.tonic and key.mode == "major" and mode in MODE_OFFSET and FINAL_STEP[mode]):
        return written
    letter = final_notes(key, mode=mode)[0][0]  # the final the sampler ends on
    return Key(letter + {1: "#", -1: "b"}.get(key.signature.get(letter, 0), ""), mode).abc()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reports", type=Path, nargs="+", help="tunesmith evaluate --report folders")
    args = parser.parse_args()
    judges = Judges.load()
    as_written = as_named = pieces = 0
    renamed: Counter = Counter()  # (prompt, written, named, heard) → pieces
    for folder in args.reports:
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        tunes = [parse(abc) for abc in saved_pieces(folder)]
        for piece, tune, heard in zip(report["pieces"], tunes, judges.keys(tunes), strict=True):
            pieces += 1
            written = parse_key(tune.key)
            as_written += (heard[0], heard[1]) == (written.pitch_class, written.mode)
            asked = Asked.of(piece["prompt"])
            keep = asked.key or asked.labels.get("tradition") == "chinese"  # ABC has no yu
            named = tune.key if keep else named_for_mode(tune.key, mode_label(tune))
            key = parse_key(named)
            as_named += (heard[0], heard[1]) == (key.pitch_class, key.mode)
            if named != tune.key:
                renamed[piece["prompt"], tune.key, named,
                        f"{PITCH_NAMES[heard[0]]} {heard[1]}"] += 1
    print(f"heard in K: as written {as_written} of {pieces} ({as_written / pieces:.1%}); "
          f"in K: named for its mode {as_named} ({as_named / pieces:.1%})\n")
    print("| prompt | K: written | named | heard | pieces |\n"
          "|---|---|---|---|---:|")
    for (prompt, written, named, heard), n in sorted(renamed.items()):
        print(f"| {prompt} | {written} | {named} | {heard} | {n} |")
    print(reproduce())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

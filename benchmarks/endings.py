"""How pieces end: each voice's last note, in beats of the meter, and how far the melody (or a
piece's top and bottom voices) move into it, for the real tunes of a dataset's test split and
for the pieces in ``tunesmith evaluate`` report folders.

    python benchmarks/endings.py --dataset datasets/default runs/eval-a runs/eval-b

Prints, for melodies and for pieces of several voices apart, how many last notes there are
and the share shorter than half a beat, shorter than a beat, and two beats or longer: the
figures the sampler's least final length (``generate.tracker``) is weighed against; for
melodies and top voices the share that move into their last note by a whole tone or less
(or strike it again), by a third, or leap a fourth or more (5 semitones), or more than a
fifth (8): how far the sampler lets them (``generate.APPROACH``, ``generate.STEP``); and
for the bottom voices the share that leap a fourth or a fifth into it (a bass from the
dominant or subdominant, ``BarTracker.leap``). Each report argument may be
NAME=REPORT[,REPORT...], its folders pooled.

    python benchmarks/endings.py --dataset datasets/default --prompts "a German folk song in G" \
        "a baroque chorale" --seeds 1200 1300

With ``--prompts``, the bundled model writes ``--samples`` pieces a seed for each prompt as
shipped and as before the thirty-eighth session (about: a melody's final within a fifth of
the note before it, a piece's voices free), and the judges say how many they hear in the
tradition, period and form asked and in their written key, beside how the pieces moved
into their last note.
"""

from __future__ import annotations

import argparse
from fractions import Fraction

from _beside_real import reproduce, sampler_pieces
from _judged import arguments, heard

from tunesmith import Composer, generate, styles
from tunesmith.abc import AbcError, Tune, parse
from tunesmith.abc.notes import notes
from tunesmith.data.dataset import Dataset
from tunesmith.evaluation.generated import Asked
from tunesmith.evaluation.structure import last_notes
from tunesmith.models.judges import Judges

# the semitones a melody or top voice moves into its last note, in the columns' classes
APPROACHES = ((0, 2), (3, 4), (5, 127), (8, 127))
COLUMNS = ("into it: a whole tone or less | a third | ≥ 5 semitones | ≥ 8 | bass: a fourth or "
           "fifth")


def final_moves(tune: Tune) -> tuple[int, int | None] | None:
    """Semitones between the last two notes of a melody, or of a piece's top voice, and of
    its bottom voice (None for a melody); None under two notes or where they do not read."""
    try:
        sounding = notes(tune)
    except (AbcError, ValueError):
        return None
    voices: dict[str, list[tuple[Fraction, int]]] = {}
    for n in sounding:
        voices.setdefault(n.voice, []).append((n.onset, n.pitch))
    order = sorted(voices, key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v))
    last = [sorted(voices[v])[-2:] for v in order]  # V:1 the top voice, as scores are written
    if len(last[0]) < 2 or len(last[-1]) < 2:
        return None
    top, bottom = (abs(b[1] - a[1]) for a, b in (last[0], last[-1]))
    return top, bottom if len(last) > 1 else None


def moves(tunes: list[Tune]) -> str:
    """The ``COLUMNS`` for these tunes."""
    moved = [m for t in tunes if (m := final_moves(t)) is not None]
    if not moved:
        return " | ".join("–" * (len(APPROACHES) + 1))
    shares = [f"{sum(low <= top <= high for top, _ in moved) / len(moved):.1%}"
              for low, high in APPROACHES]
    basses = [bass for _, bass in moved if bass is not None]
    shares.append(f"{sum(b in (5, 7) for b in basses) / len(basses):.1%}" if basses else "–")
    return " | ".join(shares)


def row(name: str, tunes: list[Tune]) -> list[str]:
    lines = []
    for kind in ("melodies", "voices"):
        alike = [t for t in tunes if (kind == "voices") == ("V:" in t.body)]
        held = [x for t in alike for x in last_notes(t)]
        if held:
            lines.append(f"| {name} | {kind} | {len(held)} | "
                         f"{sum(x < Fraction(1, 2) for x in held) / len(held):.1%} | "
                         f"{sum(x < 1 for x in held) / len(held):.1%} | "
                         f"{sum(x >= 2 for x in held) / len(held):.1%} | {moves(alike)} |")
    return lines


def approached(args: argparse.Namespace) -> None:
    """Each prompt's pieces written as shipped and as before, heard by the judges."""
    composer, judges = Composer.load(), Judges.load()
    shipped = generate.APPROACH, generate.STEP, styles.STEPPED_STYLES
    farthest = generate.FARTHEST_APPROACH
    arms = {"shipped": shipped, "before": (farthest, farthest, set())}
    print(f"| prompt | sampler | pieces | tradition heard | period heard | form heard | key "
          f"heard | {COLUMNS} |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for prompt in args.prompts:
        asked = Asked.of(prompt).labels
        for name, (generate.APPROACH, generate.STEP, styles.STEPPED_STYLES) in arms.items():
            tunes = [parse(p.abc) for seed in args.seeds
                     for p in composer.generate(prompt, num=args.samples, seed=seed)]
            counts, keys = heard(judges, tunes, asked)
            cells = " | ".join("–" if c is None else str(c) for c in counts)
            print(f"| {prompt} | {name} | {len(tunes)} | {cells} | {keys} | {moves(tunes)} |",
                  flush=True)
    generate.APPROACH, generate.STEP, styles.STEPPED_STYLES = shipped


def main() -> None:
    args = arguments(__doc__)
    if args.prompts:
        approached(args)
        print(reproduce())
        return
    rows = [("real, test split", list(Dataset(args.dataset).tunes("test")))]
    for spec in args.samplers:
        name, pieces = sampler_pieces(spec)
        rows.append((name, [parse(abc) for _, abc in pieces]))
    print(f"| pieces | kind | last notes | < ½ beat | < 1 beat | ≥ 2 beats | {COLUMNS} |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, tunes in rows:
        print("\n".join(row(name, tunes)))
    print(reproduce())


if __name__ == "__main__":
    main()

"""What the benchmarks that write pieces on their own seeds share: the pieces of a prompt,
and what the judges hear in them (the asked tradition, period and form; the written key)."""

from __future__ import annotations

from tunesmith import Composer
from tunesmith.abc import Tune, parse
from tunesmith.models.judges import Judges, key_label
from tunesmith.models.tone_cnn import decode

DIMENSIONS = ("tradition", "period", "form")


def written(composer: Composer, prompt: str, seeds: list[int], samples: int,
            bars: int) -> list[Tune]:
    """``samples`` pieces of ``bars`` bars for each seed."""
    return [parse(piece.abc) for seed in seeds
            for piece in composer.generate(prompt, bars=bars, num=samples, seed=seed)]


def heard(judges: Judges, tunes: list[Tune], asked: dict[str, str]
          ) -> tuple[list[int | None], int]:
    """For each of ``DIMENSIONS`` the pieces heard in the asked label (None where the prompt
    asked none), and the pieces heard in their written key."""
    styles = judges.styles(tunes)
    counts = [sum(h.get(d) == asked[d] for h in styles) if d in asked else None
              for d in DIMENSIONS]
    keys = sum((w := key_label(t)) is not None and tuple(k) == decode(w)
               for t, k in zip(tunes, judges.keys(tunes), strict=True))
    return counts, keys

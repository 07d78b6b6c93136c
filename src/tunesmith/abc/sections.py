"""A tune's sections: how many bars each lasts and whether it is played twice.

A section ends where a barline closes one (``||``, ``:|``, ``::``, ``|]``) and at the end;
one that ends on ``:|`` or ``::`` is played twice. Real tunes of a style share a form: a
Scottish strathspey is a 4-bar part played twice and an 8-bar one (``4: 8``), an Irish jig two
8-bar parts each played twice (``8: 8:``), O'Neill's reels two 8-bar parts written once
(``8 8``), a German song one section of 8 to 16 bars, a Bach chorale often a 4-bar Stollen
played twice and an Abgesang. ``layout`` counts a tune's form in that spelling; a piece not
asked its length is planned in one its style's tunes are written in (``Composer``, the
sampler's ``BarTracker.plan``).
"""

from __future__ import annotations

from fractions import Fraction

from .durations import bar_seconds, bars, quarter_tempo
from .lexer import Kind, lex
from .tune import AbcError, Tune


def sections(tune: Tune, first_voice: bool = False) -> list[tuple[Fraction, bool]] | None:
    """Each section of a one-voice tune: its length in bars and whether it is played twice
    (its barline closes a repeat). A pickup before the first is left out, and a section that
    hands part of its last bar on to the next one's pickup counts that bar short (7 3/4).
    None for several voices (``first_voice``: the first voice's, as all share its barlines),
    free meter or no bars to read."""
    try:
        read = bars(tune)
    except (AbcError, ValueError):
        return None
    if read and first_voice:
        read = [b for b in read if b.voice == read[0].voice]
    if not read or len({b.voice for b in read}) > 1 or \
            any(b.expected is None or b.multi_rest for b in read):
        return None
    found, current = [], Fraction(0)
    for bar in read:
        if bar.number == 0:  # the pickup
            continue
        current += bar.duration / bar.expected
        if bar.closes_section:
            found.append((current, bar.repeat))
            current = Fraction(0)
    if current:
        found.append((current, False))
    return found


def played_bars(tune: Tune) -> Fraction | None:
    """How many bars a tune plays, each part closed by a repeat twice (a pickup left out);
    a piece in voices read in its first. None where ``sections`` reads none."""
    found = sections(tune, first_voice=True)
    return None if found is None else sum((n * (1 + twice) for n, twice in found), Fraction(0))


def played_seconds(tune: Tune, default_tempo: int) -> float | None:
    """How long a tune plays: its bars with their repeats (``played_bars``) at its ``Q:``,
    or at ``default_tempo`` quarter notes a minute where it has none, as abc2midi plays it
    (a pickup left out); None where its bars or meter cannot be read."""
    bars = played_bars(tune)
    bar = bar_seconds(tune.meter, quarter_tempo(tune.get("Q") or "") or default_tempo)
    return None if bars is None or bar is None else float(bars) * bar


def layout(tune: Tune) -> str | None:
    """A tune's form: each section's bars to the nearest bar, ``:`` after one played twice
    ("4: 8"), a piece in voices read in its first. None for a tune with first and second
    endings (its written bars are not its parts': a reel's 8-bar part is written in 9) or no
    bars to read."""
    if any(a.kind is Kind.ENDING or (a.kind is Kind.BAR and a.text[-1].isdigit())
           for a in lex(tune.body)):
        return None
    found = [(round(n), twice) for n, twice in sections(tune, first_voice=True) or []
             if round(n) > 0]
    return " ".join(f"{n}{':' * twice}" for n, twice in found) or None


def parse_layout(text: str) -> list[tuple[int, bool]]:
    """"4: 8" → [(4, True), (8, False)]: ``layout``'s spelling read back."""
    return [(int(part.rstrip(":")), part.endswith(":")) for part in text.split()]

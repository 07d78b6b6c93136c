"""A piece in voices caught in a loop no real piece of its form comes near."""

from __future__ import annotations

import pytest

from tunesmith.abc import parse
from tunesmith.data.scores import read_score_file
from tunesmith.loops import LIMITS, caught_in_a_loop, figures, voices

HEADER = "X:1\nM:2/4\nL:1/8\nK:F\n"


def quartet(*bars: str) -> str:
    return HEADER + "".join(f"[V:{v}] {bar}|" * 8 + "\n" for v, bar in enumerate(bars, 1))


@pytest.mark.parametrize("movement", [1, 2, 3, 4])
def test_mozarts_quartet_movements_are_in_no_loop(corpus_dir, tmp_path, movement):
    path = corpus_dir / "mozart" / "k80" / f"movement{movement}.mxl"
    tunes, _ = read_score_file(path, "music21/mozart", {"period": "classical"}, tmp_path)
    assert tunes and caught_in_a_loop(tunes[0], "quartet") is None


def test_every_voice_striking_its_notes_again_is_a_loop():
    tremolo = parse(quartet("(3c/c/c/ (3c/c/c/ (3e/e/e/ (3e/e/e/", "(3A/A/A/ (3A/A/A/ A2",
                            "(3F/F/F/ (3F/F/F/ F2", "F,2 F,2"))
    rests, again = figures(voices(tremolo))
    assert again > LIMITS["quartet"][1] and rests == 0
    assert caught_in_a_loop(tremolo, "quartet").startswith("every voice striking")
    assert caught_in_a_loop(tremolo, "chorale") is None  # no limits measured for it


def test_a_bars_short_rests_in_every_bar_are_a_loop():
    rests = parse(quartet("z/ G/A/ z/ B/c/", "z/ E/F/ z/ G/A/", "z/ C/D/ z/ E/F/",
                          "z/ F,/G,/ z/ A,/B,/"))
    assert caught_in_a_loop(rests, "quartet").startswith("short rests after")
    moving = parse(quartet("GA Bc", "EF GA", "CD EF", "F,G, A,B,"))
    assert caught_in_a_loop(moving, "quartet") is None

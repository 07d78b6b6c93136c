"""Barlines as the corpus writes them: repeats closed with a ``:|`` that no ``|:`` opened,
given their opening; a repeat only where the model means one; lines that end at one."""

from fractions import Fraction

import music21
import numpy as np
import pytest

from tunesmith.abc import Tokenizer, music_atoms, parse, validate
from tunesmith.abc.lexer import Kind, lex
from tunesmith.abc.lines import unfielded, whole_bar_lines
from tunesmith.generate import BarTracker, TokenTable, explicit_repeats, plain_when_unsure
from tunesmith.tools import run

VOCAB = Tokenizer.build(["[V:1]C/D/EF|:GABc:|cdef::cdef||cdef |]\n[V:2]"] * 10)  # each atom common
TABLE = TokenTable(VOCAB)


def written(body: str, voices: int = 1, opened: bool = False) -> str:
    tags = [VOCAB.ids[f"[V:{v + 1}]"] for v in range(voices)] if voices > 1 else []
    return VOCAB.decode(explicit_repeats(VOCAB.encode(body), TABLE, tags, opened))


@pytest.mark.parametrize("body, expected", [
    ("CDEF|GABc:|cdef|cBAG:|", "|:CDEF|GABc::cdef|cBAG:|"),  # from the start, then from :|
    ("CDEF|GABc||cdef|cBAG:|", "CDEF|GABc|:cdef|cBAG:|"),  # from the double bar
    ("|:CDEF|GABc:|cdef|cBAG|]", "|:CDEF|GABc:|cdef|cBAG|]"),  # opened already: as written
    ("CDEF|GABc::cdef|cBAG:|", "|:CDEF|GABc::cdef|cBAG:|"),
    ("CDEF|GABc|]", "CDEF|GABc|]"),
])
def test_every_repeat_says_where_it_starts(body, expected):
    assert written(body) == expected


def test_a_repeat_an_opening_left_open_is_closed_without_a_second_start():
    assert written("CDEF|GABc:|cdef|cBAG:|", opened=True) == "CDEF|GABc::cdef|cBAG:|"
    assert written("CDEF|GABc:|") == "|:CDEF|GABc:|"  # nothing open: from the start


def test_voices_open_their_repeats_together():
    body = "[V:1]CDEF:|[V:2]cdef:|\n[V:1]GABc:|[V:2]gabc:|"
    assert written(body, voices=2) == ("[V:1]|:CDEF::[V:2]|:cdef::\n"
                                       "[V:1]GABc:|[V:2]gabc:|")


def test_a_full_bar_may_close_a_repeat_nobody_opened():
    tracker = BarTracker(TABLE, bar_length=Fraction(4), bars=4, tonic=None)
    for token in ("C", "D", "E", "F"):
        tracker.advance(VOCAB.ids[token])
    closes = {text for text, tid in TABLE.bar.items() if tracker.allowed()[tid]}
    assert closes == {"|", "||", "|:", ":|", "::"}


def test_a_barline_the_model_did_not_expect_is_plain():
    allowed = np.zeros((2, len(VOCAB)), dtype=bool)
    allowed[:, list(TABLE.bar.values())] = True
    allowed[:, TABLE.bar["|]"]] = False  # inside the piece
    logits = np.zeros((2, len(VOCAB)), np.float32)
    logits[0, VOCAB.ids["C"]] = 20.0  # row 0: the model wants another note, not a barline
    logits[1, TABLE.bar[":|"]] = 20.0  # row 1: it closes a repeat on purpose
    kept = plain_when_unsure(logits, allowed, TABLE)
    assert np.flatnonzero(kept[0]).tolist() == [TABLE.bar["|"]]
    assert np.array_equal(kept[1], allowed[1])
    note_allowed = allowed.copy()
    note_allowed[:, VOCAB.ids["C"]] = True  # not at a bar's end: nothing to decide
    assert np.array_equal(plain_when_unsure(logits, note_allowed, TABLE), note_allowed)


def test_a_last_barline_the_model_did_not_expect_closes_a_repeat_in_a_style_that_does():
    rows = []
    for ends_repeat in (False, True):
        tracker = BarTracker(TABLE, bar_length=Fraction(4), bars=2, tonic=None,
                             ends_repeat=ends_repeat)
        for token in ("C", "D", "E", "F", "|", "G", "A", "B", "c"):
            tracker.advance(VOCAB.ids[token])
        rows.append(tracker)
    allowed = np.stack([t.allowed() for t in rows])
    assert {text for text, tid in TABLE.bar.items() if allowed[0, tid]} == {"|]", ":|"}
    repeats = np.array([t.ends_repeat for t in rows])
    unsure = np.zeros((2, len(VOCAB)), np.float32)
    unsure[:, VOCAB.ids["C"]] = 20.0  # the model wants another note: its barline is noise
    kept = plain_when_unsure(unsure, allowed, TABLE, repeats=repeats)
    assert np.flatnonzero(kept[0]).tolist() == [TABLE.bar["|]"]]  # a song's end
    assert np.flatnonzero(kept[1]).tolist() == [TABLE.bar[":|"]]  # a jig's last part again
    sure = np.zeros((2, len(VOCAB)), np.float32)
    sure[:, TABLE.bar["|]"]] = 20.0  # the model ends the piece on purpose: its choice stands
    assert np.array_equal(plain_when_unsure(sure, allowed, TABLE, repeats=repeats), allowed)


@pytest.mark.parametrize("body, played", [("CDEF|GABc:|cdef|cBAG:|", 16 + 16),
                                           ("CDEF|GABc||cdef|cBAG:|", 8 + 16)])
def test_the_written_repeats_play_as_meant_everywhere(body, played, tmp_path):
    abc = f"X:1\nT:t\nM:4/4\nL:1/8\nK:C\n{written(body)}\n"
    assert not validate(parse(abc))
    (tmp_path / "tune.abc").write_text(abc, encoding="utf-8")
    said = run("abc2abc", [str(tmp_path / "tune.abc")])
    assert "Warning" not in said.stdout + said.stderr  # e.g. "Missing repeat at start ?"
    score = music21.converter.parse(abc, format="abc").expandRepeats()
    assert len(score.flatten().notes) == played  # the second repeat from its own start


def test_an_opening_repeat_belongs_to_the_bar_it_opens():
    from tunesmith.abc.voices import voice_bars

    bars = voice_bars("[V:1]|:CDEF|GABc::\n[V:2]|:cdef|gabc::\n")
    assert bars == {"1": ["|:CDEF|", "GABc::"], "2": ["|:cdef|", "gabc::"]}


@pytest.mark.parametrize("body, expected", [
    # an Essen song's phrase with its upbeat on the next line: the upbeat ends the line
    ("D2|\nG2AB c2B2|A4 G2\nA2|B4 G4|]", "D2|\nG2AB c2B2|A4 G2 A2|\nB4 G4|]"),
    ("GABc|dcB2\nA2|G4|]", "GABc|dcB2 A2|\nG4|]"),  # the break meets the last bar: none added
    ("GABc|\nK:D\ndcB\nA|G4|]", "GABc|\nK:D\ndcB A|\nG4|]"),  # a field line keeps its line
    ("%%MIDI program 1\nGABc|\n% a note\ndcB\nA|", "%%MIDI program 1\nGABc|\n% a note\ndcB A|"),
    ("GABc|dcBA|\n", "GABc|dcBA|\n"),  # lines of whole bars: as written
])
def test_a_line_ends_at_a_barline_not_inside_a_bar(body, expected):
    moved = whole_bar_lines(body)
    assert moved == expected
    assert [a.text for a in music_atoms(moved)] == [a.text for a in music_atoms(body)]


def test_a_line_opening_with_a_note_and_a_colon_is_not_read_as_a_field_line():
    # a jig written on C, "…(c'3 c'2)\nc':|(c'/d'/)…", transposed to G
    body = "e(ba) gfe|(g3 g2)\ng::(g/a/)(ga) fdc|\nG:|"
    assert [a.kind for a in lex(body)].count(Kind.FIELD_LINE) == 2  # as it was
    spaced = unfielded(body)
    assert spaced == "e(ba) gfe|(g3 g2)\ng ::(g/a/)(ga) fdc|\nG :|"
    assert Kind.FIELD_LINE not in [a.kind for a in lex(spaced)]
    assert whole_bar_lines(spaced) == "e(ba) gfe|(g3 g2) g ::\n(g/a/)(ga) fdc|\nG :|"
    assert unfielded("T:title\nw:words") == "T:title\nw:words"  # fields with a name

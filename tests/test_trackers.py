"""The bar trackers and the decode loop on a small hand-made vocabulary: no trained model."""

from fractions import Fraction

import numpy as np
import pytest
import torch

from tunesmith.abc import Tokenizer, TokenizerConfig, parse, validate
from tunesmith.abc.durations import bars
from tunesmith.abc.keys import final_notes, parse_key
from tunesmith.abc.notes import notes
from tunesmith.engine import TorchEngine
from tunesmith.generate import (
    ACCIDENTAL_COST,
    AGAIN_COST,
    APPROACH,
    BAR_THRICE_COST,
    BAR_TWICE_COST,
    DEGREE_COST,
    DURATION_COST,
    DYAD_COST,
    FARTHEST_APPROACH,
    FIRST_CHORD_BARS,
    FIRST_CHORD_BONUS,
    HARMONY_COST,
    LEADING_NOTE_BONUS,
    MELODY_SPAN,
    PACE_BONUS,
    PACE_COST,
    PACE_GRACE,
    PARALLEL_COST,
    REPEAT_COST,
    REST_COST,
    RESTATE_BONUS,
    STEP,
    VOICE_REST_BARS,
    BarTracker,
    Sampling,
    TokenTable,
    Voices,
    explicit_repeats,
    generate,
    plain_when_unsure,
    sample,
    sung_tracker,
    tracker,
)
from tunesmith.lyrics import LyricsError
from tunesmith.models import RNNConfig, TransformerConfig, build_model

# every atom three times or more, so each is one token
VOCAB = Tokenizer.build(["[V:1]C/D/E F2 G4 A8 c z z2 (3ABc d>e f<g ~f |:g|a:|b::c||d|]\n[V:2]"]
                        * 3,
                        TokenizerConfig())
TABLE = TokenTable(VOCAB)
HEADER = {"M": "4/4", "L": "1/8", "K": "C"}


def allowed_texts(t: BarTracker | Voices, vocab: Tokenizer = VOCAB) -> set[str]:
    return {vocab.tokens[i] for i in np.flatnonzero(t.allowed()).tolist()}


def vocab_decoded(t: BarTracker, vocab: Tokenizer = VOCAB) -> str:
    return vocab.decode(t.log)


def feed(t: BarTracker | Voices, text: str, vocab: Tokenizer = VOCAB) -> None:
    for i in vocab.encode(text):
        assert t.allowed()[i], f"{vocab.tokens[i]!r} refused after {vocab.decode(t.log)!r}"
        t.advance(i)


def test_a_barline_comes_only_when_the_bar_is_full():
    t = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)])
    assert "|" not in allowed_texts(t) and "A8" in allowed_texts(t)
    feed(t, "G4 F2")
    assert {"A8", "G4"}.isdisjoint(allowed_texts(t)) and "F2" in allowed_texts(t)
    feed(t, "F2")
    assert allowed_texts(t) <= {"|", "||", "|:", ":|", "::"}  # a full bar: only a barline


@pytest.mark.parametrize("compasses", [[(0, 127)], [(0, 127), (0, 127)]])
def test_a_style_s_unwritten_rhythm_signs_are_never_offered(compasses):
    """German and Chinese songs write no triplets and no dotted pairs: a tracker told so
    never offers "(3" or ">"; others offer both where the bar has room."""
    def offered(unwritten: frozenset[str]) -> set[str]:
        t = tracker(TABLE, HEADER, bars=2, mode=None, compasses=compasses, unwritten=unwritten)
        if len(compasses) > 1:
            feed(t, "[V:1]")
        seen = allowed_texts(t)
        feed(t, "F2")
        return seen | allowed_texts(t)

    assert {"(3", ">"} <= offered(frozenset())
    assert "(3" not in offered(frozenset({"tuplet"})) and ">" in offered(frozenset({"tuplet"}))
    assert {"(3", ">", "<"}.isdisjoint(offered(frozenset({"tuplet", "broken"})))


def test_a_melody_closes_a_section_only_after_whole_4_bar_phrases():
    sections = {"||", "|:", ":|", "::"}
    t = tracker(TABLE, HEADER, bars=16, mode=None, compasses=[(0, 127)])
    assert t.phrase == 4
    feed(t, "G4 G4|" * 3 + "G4 G4")
    assert sections <= allowed_texts(t)  # the fourth bar ends a phrase: a section may close
    feed(t, "||" + "G4 G4|" * 2 + "G4 G4")
    assert allowed_texts(t) == {"|"}  # 3 bars into the next section: a bar, not a section
    feed(t, "|G4 G4")
    assert sections <= allowed_texts(t)
    feed(t, ":|")
    assert t.section_start == 8 and t.repeat_open is False
    voices = tracker(TABLE, HEADER, bars=16, mode=None, compasses=[(60, 80), (40, 60)])
    assert all(part.phrase is None for part in voices.parts)  # a chorale's phrases are its own


def test_a_planned_melody_closes_its_parts_where_the_plan_does():
    # a Scottish strathspey's form: a 4-bar part played twice, then 8 bars
    in_g = {**HEADER, "K": "G"}  # ends on G4
    t = tracker(TABLE, in_g, bars=12, mode=None, compasses=[(0, 127)],
                sections=[(4, True), (8, False)])
    feed(t, "G4 G4|" * 3 + "G4 G4")
    assert allowed_texts(t) == {":|"}  # the first part closes on its repeat, nothing else
    feed(t, ":|" + "G4 G4|" * 3 + "G4 G4")
    assert allowed_texts(t) == {"|"}  # 4 bars into the 8-bar part: no section ends here
    feed(t, "|" + "G4 G4|" * 3 + "G4 G4")
    assert allowed_texts(t) == {"|]"} and not t.ends_repeat
    # within a part a bowing may end with the bar, as in a melody with no plan
    slurred = tracker(TABLE, in_g, bars=8, mode=None, compasses=[(0, 127)],
                      sections=[(8, False)], slurs=True)
    feed(slurred, "G4 (F2 F2")
    assert allowed_texts(slurred) == {"|", ")"}
    with pytest.raises(ValueError, match="sections of 8 bars for a piece of 12"):
        tracker(TABLE, HEADER, bars=12, mode=None, compasses=[(0, 127)],
                sections=[(4, True), (4, False)])


def test_a_line_opened_by_a_bare_letter_is_not_read_as_a_field():
    # "e:|" at a line's start is a header field to every ABC reader: "e :|"
    t = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)],
                sections=[(1, True), (1, False)])
    feed(t, "G4 F2 F\nc")
    assert allowed_texts(t) == {" "}
    feed(t, " :|")
    assert vocab_decoded(t).endswith("\nc :|")


def restating(t: BarTracker, text: str) -> float:
    """What restating bars adds to the bias of ``text``'s token (a melody's ``restate``)."""
    i = VOCAB.ids[text]
    given = t.bias()[i]
    t.restate = 0.0
    plain = t.bias()[i]
    t.restate = RESTATE_BONUS
    return float(given - plain)


def test_a_melody_restates_a_bar_a_phrase_or_a_part_back_once_not_in_a_row():
    t = tracker(TABLE, HEADER, bars=16, mode=None, compasses=[(0, 127)])

    def gain(text: str) -> float:
        return restating(t, text)

    feed(t, "A8|G4 F2 F2|F2 F2 G4|cdefgabc|")
    assert gain("A8") == RESTATE_BONUS and gain("G4") == 0  # bar 5 may restate bar 1
    feed(t, "A8|G4")
    # bar 6 goes on restating bar 2 note by note, however it is spaced
    assert gain("F2") == RESTATE_BONUS and gain(" ") == 0
    feed(t, " F2 F2|A8|")  # bar 7 leaves bar 3 for something new
    assert gain("c") == 0  # bar 8 ends a phrase: not its cadence from the phrase before
    feed(t, "BBBBBBBB|")
    assert gain("A8") == -RESTATE_BONUS  # bar 1, restated by 5, a third time in 9: a loop
    feed(t, "EEEEEEEE|EEEEEEE")  # bars 9 and 10 go their own way, but
    assert gain("E") == -BAR_TWICE_COST  # not as the same bar twice in a row
    feed(t, "c|")
    assert gain("F2") == RESTATE_BONUS  # bar 11 may restate bar 3, a part (8 bars) back
    feed(t, "F2 F2 G4|")
    assert gain("c") == RESTATE_BONUS and gain("B") == 0  # a cadence may echo a part's


def test_a_bar_as_it_sounds_is_seldom_played_twice_running_and_hardly_ever_thrice():
    t = tracker(TABLE, HEADER, bars=8, mode=None, compasses=[(0, 127)], slurs=True)
    feed(t, "(cd) F2 G4|c d")
    assert restating(t, "F2") == 0  # bar 2 may copy bar 1 up to its last note
    feed(t, "F2")
    assert restating(t, "G4") == -BAR_TWICE_COST  # a copy of bar 1, slurred or not
    feed(t, "G4|(c")
    assert restating(t, "d") == 0
    feed(t, "d) F2")
    assert restating(t, "G4") == -BAR_THRICE_COST < -BAR_TWICE_COST  # a third time running
    feed(t, "z2 F2|")
    assert restating(t, "c") == 0  # bar 4 starts afresh: not played thrice running


def test_after_an_opening_its_sections_and_bars_count():
    from tunesmith.abc.opening import read_opening

    body = "|:A8|G4 F2 F2|F2 F2 G4|cdefgabc:|"  # the leading |: closes no bar
    opening = read_opening("X:1\nM:4/4\nL:1/8\nK:C\n" + body)
    t = tracker(TABLE, HEADER, bars=16, mode=None, compasses=[(0, 127)])
    t.follow(opening, VOCAB.encode(body))
    assert (t.done_bars, t.section_start, len(t.written)) == (4, 4, 4)
    before = t.bias()[VOCAB.ids["A8"]]
    t.restate = 0.0
    assert before - t.bias()[VOCAB.ids["A8"]] == RESTATE_BONUS  # bar 5 may restate bar 1
    feed(t, "A8")
    assert allowed_texts(t) == {"|"}  # one bar into the next section: no section closes


def test_the_last_bar_ends_on_the_final_and_then_only_eos():
    t = tracker(TABLE, HEADER, bars=1, mode=None, compasses=[(0, 127)])
    feed(t, "G4 F2")
    left = allowed_texts(t)
    assert "C/" in left and {"F2", "z2", "G4"}.isdisjoint(left)  # room for a C must stay
    feed(t, "C/ D/")
    left = allowed_texts(t)  # only the final fills it, the one a step away, not a ninth
    assert "C" in left and "c" not in left and "z" not in left
    feed(t, "C")
    assert allowed_texts(t) == {"|]", ":|"}
    feed(t, "|]")
    assert t.finished and allowed_texts(t) == {"<eos>"}


def test_a_melody_steps_or_moves_a_third_into_its_last_note():
    # C major, 8 units a bar: C4 (60) and C5 (72) are the finals within reach
    t = tracker(TABLE, HEADER, bars=1, mode=None, compasses=[(0, 127)])
    assert t.approach == APPROACH == 4
    feed(t, "G4 F2")  # room for one note and the final C or c a unit long
    left = allowed_texts(t)  # that note is a step from a final at most, and no rest
    assert {"B", "D", "d"} <= left
    assert {"A", "E", "e", "F", "G", "f", "g", "a", "z"}.isdisjoint(left)
    t = BarTracker(TABLE, Fraction(8), bars=1, tonic=("C", ""), ending=Fraction(1, 2),
                   approach=APPROACH)
    feed(t, "G4 F2 G")  # from G, C is a fifth and c a fourth away, and a note fits first
    assert allowed_texts(t) - {" ", "\n"} == {"C/", "D/"}
    feed(t, "D/")
    assert allowed_texts(t) - {" ", "\n"} == {"C/"}
    # the final fills the last bar: the note that ends the bar before comes near it
    t = BarTracker(TABLE, Fraction(1), bars=2, tonic=("C", ""), ending=Fraction(1),
                   approach=APPROACH)
    left = allowed_texts(t)
    assert {"B", "D", "d", "C/"} <= left and {"A", "E", "F", "G", "f", "g"}.isdisjoint(left)
    feed(t, "B|")
    assert {"c", "C"} & allowed_texts(t) == {"c"}  # a semitone up, not a seventh down


def test_a_chorale_s_soprano_steps_into_its_last_note_and_its_bass_leaps_from_the_dominant():
    compasses = [(60, 81), (40, 62)]
    parts = tracker(TABLE, HEADER, bars=2, mode=None, compasses=compasses, stepped=True).parts
    assert [(p.approach, p.leap) for p in parts] == [(STEP, False), (FARTHEST_APPROACH, True)]
    medieval = tracker(TABLE, HEADER, bars=2, mode=None, compasses=compasses, stepped=True,
                       medieval=True).parts  # the trecento's tenor steps into its final
    assert [(p.approach, p.leap) for p in medieval][-1] == (None, False)
    free = tracker(TABLE, HEADER, bars=2, mode=None, compasses=compasses).parts  # a quartet
    assert {(p.approach, p.leap) for p in free} == {(None, False)}
    bass = BarTracker(TABLE, Fraction(8), bars=1, tonic=("C", ""), ending=Fraction(1),
                      compass=(36, 84), approach=FARTHEST_APPROACH, leap=True)
    feed(bass, "G4 F2")  # room for one note and the final: a fourth or a fifth from C
    left = allowed_texts(bass)
    assert {"F", "G", "f", "g", "C/"} <= left and {"A", "B", "E", "c", "d", "e"}.isdisjoint(left)
    feed(bass, "G")
    assert {"C", "c"} <= allowed_texts(bass)  # down a fifth or up a fourth


def test_a_triplet_counts_two_thirds_and_a_broken_pair_keeps_its_length():
    t = BarTracker(TABLE, Fraction(8), bars=2, tonic=None)
    feed(t, "(3ABc")
    assert t.filled == 2
    feed(t, "d>e")
    assert t.filled == 4 and t.phase == "free"  # no second > on the pair
    feed(t, "f")
    assert {">", "<"} <= allowed_texts(t)  # a strathspey's Scotch snap as well as a dot
    feed(t, "<g")
    assert t.filled == 6 and t.phase == "free"
    assert TABLE.triplet_span == 2 and TABLE.triplet_notes == 3


def test_a_melody_runs_its_quick_notes_at_its_style_s_pace():
    header = {**HEADER, "M": "2/4"}  # L:1/8: a sixteenth is half a unit
    paced, plain = (tracker(TABLE, header, bars=12, mode=None, compasses=[(0, 127)], pace=pace)
                    for pace in (0.25, None))  # a quarter of its notes quick

    def moved() -> dict[str, float]:
        return {VOCAB.tokens[i]: float(d) for i, d in enumerate(paced.bias() - plain.bias())
                if d}

    def both(text: str) -> None:
        feed(paced, text)
        feed(plain, text)

    assert moved() == {}
    both("C/D/C/D/ E E|")  # 4 of 6 notes quick: past its pace, more than 2 notes' grace
    at_grace = {"C/": -PACE_COST * 2.5 / PACE_GRACE, "D/": -PACE_COST * 2.5 / PACE_GRACE}
    assert moved() == pytest.approx(at_grace)  # 2.5 notes past its pace
    both("C/D/C/D/ E E|")  # 8 of 12: the further past, the more a quick note costs
    assert moved() == pytest.approx({k: v * 5 / 2.5 for k, v in at_grace.items()})
    both("E E E E|" * 5)  # 8 of 32: within the grace
    assert moved() == {}
    both("E E E E|" * 3)  # 8 of 44, where 11 would be its pace: quick notes gain
    assert moved() == {"C/": PACE_BONUS, "D/": PACE_BONUS}
    # counted as they sound: a dotted pair's short note is quick, a triplet of eighths not
    counted = tracker(TABLE, header, bars=4, mode=None, compasses=[(0, 127)], pace=0.25)
    feed(counted, "d>e (3ABc|f<g C/D/E|")
    assert (counted.played, counted.quick_played) == (10, 4)


def test_a_melody_dots_its_notes_as_often_as_a_tune_of_its_style():
    vocab = Tokenizer.build(["A>B c<d e3/2f/ gc e e/ e2 e3 |]"] * 3, TokenizerConfig())
    table = TokenTable(vocab)
    dotted, plain = (tracker(table, HEADER, bars=8, mode=None, compasses=[(0, 127)], dots=dots)
                     for dots in (0.0, None))  # a reel that dots none of its notes

    def moved() -> dict[str, float]:
        return {vocab.tokens[i]: float(d) for i, d in enumerate(dotted.bias() - plain.bias())
                if d}

    for t in (dotted, plain):
        feed(t, "A>B c<d e3/2f/ gc|", vocab)  # 3 of 8 dotted: past its share and the grace
    assert set(moved().values()) == {-PACE_COST * 3 / PACE_GRACE}  # 3 notes past
    assert {">", "<", "e3/2"} <= set(moved()) and not {"e", "e/", "e2", "e3"} & set(moved())
    # counted as they sound: one of a dotted pair's notes, either way round
    assert (dotted.played, dotted.dotted_played, dotted.quick_played) == (8, 3, 3)


def test_a_melody_slurs_about_as_often_as_its_style_s_tunes():
    bowed, plain = (tracker(TABLE, HEADER, bars=8, mode=None, compasses=[(0, 127)],
                            slurs=True, bowings=share) for share in (0.0, None))

    def moved() -> dict[str, float]:
        return {VOCAB.tokens[i]: float(d) for i, d in enumerate(bowed.bias() - plain.bias())
                if d}

    for t in (bowed, plain):
        feed(t, "(cd) c d (FG)")  # 2 slurs opened: within the grace
    assert moved() == {}
    for t in (bowed, plain):
        feed(t, "(cd)|")  # a third, past a style that slurs none of its notes
    assert moved() == {"(": -PACE_COST * 3 / PACE_GRACE} and bowed.bowed == 3
    # a piece's voices slur as they like: held to a quartet's share, they rested instead
    voices = tracker(TABLE, HEADER, bars=8, mode=None, compasses=[(60, 84), (48, 72)],
                     slurs=True, bowings=0.1)
    assert [part.bowings for part in voices.parts] == [None, None]


def test_a_piece_s_notes_lean_toward_the_degrees_its_style_sounds(monkeypatch):
    bonus = 0.5  # on a degree short of its share; the shipped sampler gives none
    monkeypatch.setattr("tunesmith.generate.DEGREE_BONUS", bonus)
    vocab = Tokenizer.build(["[V:1]F/ F2 _B2 B2 =B2 c2|]\n[V:2]"] * 3, TokenizerConfig())
    table = TokenTable(vocab)
    header = {**HEADER, "K": "F"}  # B is B flat, a fourth above the tonic
    shares = [0.5] + [0.0] * 6 + [0.5] + [0.0] * 4  # the tonic and its fifth, half each
    leaning, plain = (tracker(table, header, bars=8, mode=None, compasses=[(0, 127)],
                              degrees=d) for d in (shares, ()))

    def moved(a: BarTracker | Voices, b: BarTracker | Voices) -> dict[str, float]:
        """The lean on the piece's notes (not the byte fallback's one-letter "B", "f" …)."""
        return {vocab.tokens[i]: float(d) for i, d in enumerate(a.bias() - b.bias())
                if d and len(vocab.tokens[i]) > 1}

    def both(text: str) -> None:
        for t in (leaning, plain):
            feed(t, text, vocab)

    both("=B2 B2 B2")  # three B naturals (the accidental holds), where the style sounds none
    assert moved(leaning, plain) == {"=B2": -DEGREE_COST, "B2": -DEGREE_COST}
    both("c2|c2 c2 c2 c2|")  # past the bar, B is B flat again; the tonic is 4 notes short
    assert moved(leaning, plain) == {"=B2": -DEGREE_COST, "F/": bonus, "F2": bonus}
    # one count for all the voices of a piece: the second hears the first's notes
    leaning, plain = (tracker(table, header, bars=8, mode=None, compasses=[(0, 127)] * 2,
                              degrees=d) for d in ([1.0] + [0.0] * 11, ()))
    for t in (leaning, plain):
        feed(t, "[V:1]c2 c2 c2 c2|[V:2]", vocab)
    assert moved(leaning, plain) == {"c2": -DEGREE_COST, "F/": bonus, "F2": bonus}


def test_a_melody_restating_a_bar_keeps_its_notes_whatever_their_degree():
    vocab = Tokenizer.build(["C/ C2 E2|]"] * 3, TokenizerConfig())
    table = TokenTable(vocab)
    leaning, plain = (tracker(table, HEADER, bars=8, mode=None, compasses=[(0, 127)],
                              degrees=d) for d in ([1.0] + [0.0] * 11, ()))

    def lean_on_e() -> float:
        return float((leaning.bias() - plain.bias())[vocab.ids["E2"]])

    for t in (leaning, plain):  # E four times where the style sounds only the tonic
        feed(t, "E2 E2 E2 E2|" + "C2 C2 C2 C2|" * 3, vocab)
    assert plain.bias()[vocab.ids["E2"]] == RESTATE_BONUS  # the first bar, a phrase back
    assert lean_on_e() == 0.0  # restated as it was, however far past its share
    for t in (leaning, plain):
        feed(t, "E2 C2", vocab)  # restating no more
    assert lean_on_e() == -DEGREE_COST


def test_a_piece_s_note_lengths_lean_toward_those_its_style_sounds():
    vocab = Tokenizer.build(["[V:1](3cde c2-c2 c c2 c4 c/ c/ A>B|]\n[V:2]"] * 3, TokenizerConfig())
    table = TokenTable(vocab)
    # eighths and quarters, about half each, a few triplets' notes; half notes no share
    shares = [(Fraction(1, 12), 0.1), (Fraction(1, 8), 0.45), (Fraction(1, 4), 0.45)]
    leaning, plain = (tracker(table, HEADER, bars=8, mode=None, compasses=[(0, 127)],
                              ties=True, durations=d) for d in (shares, ()))

    def moved() -> dict[str, float]:
        return {vocab.tokens[i]: float(d) for i, d in enumerate(leaning.bias() - plain.bias())
                if d and len(vocab.tokens[i]) > 1}

    def both(text: str) -> None:
        for t in (leaning, plain):
            feed(t, text, vocab)

    both("c2 c2 c2 c2|c2")  # five quarter notes: 2.75 past their share, beyond the grace
    assert moved() == {"c2": -DURATION_COST}
    both(" c c c c c c|")  # eighths enough to even them out
    assert moved() == {}
    both("(3")  # within a triplet, notes by the length they sound: none past its share
    assert moved() == {}
    both("cde c2-c2")  # counted as they sound: three of 1/12, one half note held over
    held = leaning.durations
    assert {v: n for v, n in zip(held.lengths, held.counts.tolist(), strict=True) if n} == {
        Fraction(1, 12): 3, Fraction(1, 8): 6, Fraction(1, 4): 5, Fraction(1, 2): 1}
    both("(3cde|")  # six of 1/12, past their share: a triplet's sign costs, and its notes
    assert moved() == {"(3": -DURATION_COST}
    both("(3")  # within it an eighth sounds 1/12 and costs, a quarter sounds 1/6
    lean = leaning.bias() - plain.bias()
    assert lean[vocab.ids["c"]] == -DURATION_COST and lean[vocab.ids["c2"]] == 0
    # a melody's quick and dotted notes are left to its pace and dots
    paced = tracker(table, HEADER, bars=8, mode=None, compasses=[(0, 127)], pace=0.2,
                    dots=0.0, durations=shares)
    assert paced.durations.lengths == (Fraction(1, 12), Fraction(1, 8), Fraction(1, 6),
                                       Fraction(1, 4), Fraction(1, 3), Fraction(1, 2))
    # one count for all the voices of a piece
    voices = tracker(table, HEADER, bars=8, mode=None, compasses=[(0, 127)] * 2,
                     durations=shares)
    assert voices.parts[0].durations is voices.parts[1].durations


def test_a_melody_keeps_within_its_span():
    assert tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)]).span == MELODY_SPAN
    t = BarTracker(TABLE, Fraction(8), bars=2, tonic=None, span=12)
    assert {"C/", "b"} <= allowed_texts(t)  # the first note may be any
    feed(t, "C/ D/")  # C4 and D4: nothing above C5 now
    assert "c" in allowed_texts(t) and {"d", "e", "b"}.isdisjoint(allowed_texts(t))
    feed(t, "c")  # C4..C5 is the whole span: only notes inside it
    assert {"C/", "D/", "c"} <= allowed_texts(t) and "d" not in allowed_texts(t)


def test_voices_share_the_first_voice_s_barline():
    compasses = [(55, 90), (36, 70)]
    t = tracker(TABLE, HEADER, bars=2, mode=None, compasses=compasses)
    assert isinstance(t, Voices) and allowed_texts(t) == {"[V:1]"}
    feed(t, "[V:1]A8|:")
    assert allowed_texts(t) == {"[V:2]"}
    feed(t, "[V:2]")
    assert "A8" in allowed_texts(t)
    feed(t, "A8")
    assert allowed_texts(t) == {"|:"}  # voice 2 repeats voice 1's barline


def test_a_voice_rests_whole_bars_before_it_comes_in():
    t = tracker(TABLE, HEADER, bars=4, mode=None, compasses=[(0, 127)] * 2, entries=(0, 2))
    for _ in range(2):
        feed(t, "[V:1]A8|[V:2]")
        # the longest rest there is, not the model's choice: one expecting a note spelled
        # its silence in eighths and went on writing so
        assert allowed_texts(t) == {"z2"}
        feed(t, "z2z2z2")
        assert allowed_texts(t) == {"z2"}
        feed(t, "z2")
        assert allowed_texts(t) == {"|"}  # the first voice's barline
        feed(t, "|\n")
    feed(t, "[V:1]A8|[V:2]")
    # it has rested past the half bar a voice may: it comes in on the beat
    assert "A8" in allowed_texts(t) and not {"z", "z2"} & allowed_texts(t)


def test_a_voice_coming_in_late_answers_the_first_voice_s_opening():
    answering, free = (tracker(TABLE, HEADER, bars=4, mode=None, compasses=[(0, 127)] * 2,
                               entries=(0, 1), imitation=imitation) for imitation in (3.0, 0.0))

    def favoured() -> dict[str, float]:
        return {VOCAB.tokens[i]: float(d) for i, d in enumerate(answering.bias() - free.bias())
                if d}

    for t in (answering, free):
        feed(t, "[V:1]C/D/E F2 G4|[V:2]z2z2z2z2|\n[V:1]A8|[V:2]")
    # its first note in the subject's first length, a unison, fourth, fifth or octave away:
    # of the vocabulary's half-unit notes C/ (D/ is a second away)
    assert favoured() == {"C/": 3.0}
    for note, then in (("C/", "D/"), ("D/", "E")):  # then step for step, in its lengths
        for t in (answering, free):
            feed(t, note)
        assert favoured() == {then: 3.0}
    for t in (answering, free):
        feed(t, "G")  # not E: it answers no more
    assert favoured() == {}
    # a subject on the final's third (E in C) is answered on E itself, an octave away, not
    # on A or B a fourth or fifth from it: an answer begins on the subject's note, the
    # final or the final's fifth
    answering, free = (tracker(TABLE, HEADER, bars=4, mode=None, compasses=[(0, 127)] * 2,
                               entries=(0, 1), imitation=imitation) for imitation in (3.0, 0.0))
    for t in (answering, free):
        feed(t, "[V:1]E c d e f g a b|[V:2]z2z2z2z2|\n[V:1]A8|[V:2]")
    assert favoured() == {"E": 3.0, "e": 3.0}


def test_a_voice_answering_the_opening_keeps_its_notes_whatever_their_length():
    shares = [(Fraction(1, 8), 0.5), (Fraction(1, 4), 0.5)]  # a style without sixteenths
    leaning, plain = (tracker(TABLE, HEADER, bars=4, mode=None, compasses=[(0, 127)] * 2,
                              entries=(0, 1), imitation=3.0, durations=d) for d in (shares, ()))
    for t in (leaning, plain):
        feed(t, "[V:1]C/D/C/D/ F2 G4|[V:2]z2z2z2z2|\n[V:1]A8|[V:2]")
    lean = leaning.bias() - plain.bias()
    assert lean[VOCAB.ids["D/"]] == -DURATION_COST  # four sixteenths: past their share
    assert lean[VOCAB.ids["C/"]] == 0  # but the answer's first note, the subject's length


def _costs(t: Voices, table: TokenTable, texts: list[str]) -> dict[str, float]:
    bias = t.bias()
    return {text: float(-bias[table.tokenizer.ids[text]] / HARMONY_COST) for text in texts}


@pytest.mark.parametrize(("key", "tritone"), [("C", 1.0), ("G", 0.0)])
def test_a_voice_pays_for_clashing_with_the_voices_before_it(key, tritone):
    t = tracker(TABLE, {**HEADER, "K": key}, bars=2, mode=None, compasses=[(0, 127)] * 2)
    feed(t, "[V:1]F2 c c G4|[V:2]")
    # against F (F# in G): B a tritone in C, a fourth in G; G a second in both; A a third,
    # d a sixth
    assert _costs(t, TABLE, ["B", "G4", "A", "d"]) == {"B": tritone, "G4": 1.0, "A": 0.0,
                                                      "d": 0.0}
    assert t.bias()[VOCAB.ids["z2"]] == 0  # a rest clashes with nothing
    feed(t, "z2")  # now against c: d a second, e a third
    assert _costs(t, TABLE, ["d", "e"]) == {"d": 1.0, "e": 0.0}
    feed(t, "A A G4|")
    assert not t.bias().any()  # the first voice of the next bar hears no one before it


def test_a_voice_pays_for_parallel_fifths_and_octaves_with_the_voices_before_it():
    t = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2)
    feed(t, "[V:1]c d e f G4|[V:2]F2")  # F a fifth below c; voice 1 has gone up to e
    # A: a fifth below e, both voices up (parallel fifths); B: a fourth; c: a third;
    # d: a second (a clash of its own)
    parallel = PARALLEL_COST / HARMONY_COST
    assert _costs(t, TABLE, ["A", "B", "c", "d"]) == {"A": parallel, "B": 0.0, "c": 0.0,
                                                     "d": 1.0}
    t = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2)
    feed(t, "[V:1]c d e f G4|[V:2]C/ C/")  # an octave below c; voice 1 has gone up to d
    # D/: an octave below d, both up (parallel octaves); F2 a sixth, B a third, A a fourth
    assert _costs(t, TABLE, ["D/", "F2", "B", "A"]) == {"D/": parallel, "F2": 0.0, "B": 0.0,
                                                        "A": 0.0}


@pytest.mark.parametrize(("parallel", "medieval", "cost"), [(4.0, False, 4.0), (None, False,
                                                            PARALLEL_COST), (4.0, True, 0.0)])
def test_a_stricter_style_s_parallels_cost_its_own_nats_and_a_medieval_piece_s_none(
        parallel, medieval, cost):
    t = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2,
                medieval=medieval, parallel=parallel)
    feed(t, "[V:1]c d e f G4|[V:2]F2")  # A would move in parallel fifths with c → e
    assert _costs(t, TABLE, ["A", "B"]) == {"A": cost / HARMONY_COST, "B": 0.0}


@pytest.mark.parametrize("chord", [1.5, 0.0])
def test_a_voice_gains_for_completing_the_triad_the_voices_before_it_sound(chord):
    vocab = Tokenizer.build(["[V:1]c8|[V:2]E8|[V:3]G8 A8 C8 F8 C/ z |\n"] * 3,
                            TokenizerConfig())
    table = TokenTable(vocab)
    t = tracker(table, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 3, chord=chord)
    for i in vocab.encode("[V:1]c8|[V:2]E8|[V:3]"):
        t.advance(i)
    bias = {text: float(t.bias()[vocab.ids[text]]) for text in ("G8", "A8", "C8", "F8")}
    # against C and E: G makes C major, A makes A minor, C adds nothing, F clashes with E
    assert bias == {"G8": chord, "A8": chord, "C8": 0.0, "F8": -HARMONY_COST}


CHORDS = Tokenizer.build(["[V:1][C2E2G2c2] [C2D2] A4 C/ z |\n[V:2]C,8 B,8 |\n"] * 3,
                         TokenizerConfig())


CHORDS_TABLE = TokenTable(CHORDS)


def allowed(t: BarTracker | Voices) -> set[str]:  # in the CHORDS vocabulary
    return allowed_texts(t, CHORDS)


def write(t: BarTracker | Voices, text: str) -> None:
    feed(t, text, CHORDS)


def test_a_piano_s_hands_write_chords_of_rising_notes_of_one_length():
    table = CHORDS_TABLE
    plain = tracker(table, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2)
    write(plain, "[V:1]")
    assert "[" not in allowed(plain)  # a voice of another form plays one note at a time
    t = tracker(table, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2, chords=(0.0,))
    write(t, "[V:1]")
    assert "[" in allowed(t)
    write(t, "[")
    assert "C2" in allowed(t) and "C/" not in allowed(t)  # no chord shorter than an eighth
    write(t, "C2")
    # rising notes as long as the first; one note is no chord yet
    assert allowed(t) == {"D2", "E2", "G2", "c2"}
    write(t, "E2G2c2")
    assert allowed(t) == {"]"}  # four notes at most
    write(t, "]")
    assert t.parts[0].filled == 2 and "A8" not in allowed(t) and "A4" in allowed(t)
    write(t, "[C2")
    # its own chord's notes so far are heard: D strikes a second against C
    assert _costs(t, table, ["D2", "E2"]) == {"D2": 1.0, "E2": 0.0}
    write(t, "E2] A4|[V:2]")
    # the left hand hears the whole chord: B, clashes with C, C, with none of C E G c
    assert _costs(t, table, ["B,8", "C,8"]) == {"B,8": 1.0, "C,8": 0.0}


SEMITONES = Tokenizer.build(["[V:1][E2F2G2B2c2] A4 C/ z |\n[V:2]C,8 |\n"] * 3,
                            TokenizerConfig())


def test_a_hand_s_chord_never_stacks_two_notes_a_semitone_apart():
    # E with F, B under c: 0.5% of the chords of the corpus's romantic piano pieces, 3.1%
    # of the model's ([FG] in a left hand struck six times a bar)
    table = TokenTable(SEMITONES)

    def hand(top: int, text: str) -> set[str]:
        t = tracker(table, HEADER, bars=2, mode=None, compasses=[(0, top)] * 2,
                    chords=(0.0,))
        feed(t, "[V:1]" + text, SEMITONES)
        return allowed_texts(t, SEMITONES)

    assert hand(127, "[E2") == {"G2", "B2", "c2"}  # not F2; one note is no chord yet
    assert hand(127, "[E2G2B2") == {"]"}  # not c2, a semitone above B
    # a chord's lowest note leaves a note above it room in the hand's compass: G4 is the
    # top of this one, and a chord opening on G could take no note above it
    assert {"E2", "F2", "G2"} <= hand(127, "[") and {"E2", "F2"} == hand(67, "[") & {
        "E2", "F2", "G2"} and "G2" not in hand(67, "[")


def test_each_hand_s_chords_gain_its_own_nats_the_last_for_every_voice_below():
    opened = CHORDS.ids["["]
    both = tracker(CHORDS_TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2,
                   chords=(1.0,))
    assert [float(p.cost[opened]) for p in both.parts] == [1.0, 1.0]
    t = tracker(CHORDS_TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2,
                chords=(0.5, 2.0))
    assert [float(p.cost[opened]) for p in t.parts] == [0.5, 2.0]
    write(t, "[V:1]")
    right = t.bias()[opened]
    write(t, "A4A4|[V:2]")
    assert t.bias()[opened] - right == 1.5  # the left hand's chords are favoured more


def test_a_hand_without_a_chord_yet_is_drawn_to_one_in_its_first_bars():
    opened = CHORDS.ids["["]
    t = BarTracker(CHORDS_TABLE, Fraction(8), bars=4, tonic=None, chords=True)
    assert t.bias()[opened] == FIRST_CHORD_BONUS
    write(t, "A4A4|" * (FIRST_CHORD_BARS - 1))
    assert t.bias()[opened] == FIRST_CHORD_BONUS
    write(t, "[C2E2]")
    assert t.bias()[opened] == 0  # a chord struck: the model goes on as it began
    late = BarTracker(CHORDS_TABLE, Fraction(8), bars=4, tonic=None, chords=True)
    write(late, "A4A4|" * FIRST_CHORD_BARS)
    assert late.bias()[opened] == 0  # too late to open with chords


def test_a_hand_pays_to_close_a_chord_after_its_second_note():
    closed = CHORDS.ids["]"]
    t = BarTracker(CHORDS_TABLE, Fraction(8), bars=4, tonic=None, chords=True)
    write(t, "[C2")
    assert t.bias()[closed] == 0  # one note: no chord to close yet
    write(t, "E2")
    assert t.bias()[closed] == -DYAD_COST  # a third note, rather than a bare third
    write(t, "G2")
    assert t.bias()[closed] == 0 < DYAD_COST  # a triad closes freely


def test_a_chord_struck_six_times_in_a_row_makes_the_next_one_pay_more_and_more():
    t = BarTracker(CHORDS_TABLE, Fraction(8), bars=4, tonic=None, chords=True)

    def cost() -> float:  # what opening another chord costs now
        return float(-t.bias()[CHORDS.ids["["]] / REPEAT_COST)

    write(t, "[C2E2][C2E2][C2E2][C2E2]|[C2E2]")
    assert cost() == 0
    write(t, "[C2E2]")
    assert cost() == 1
    write(t, "[C2E2c2]")  # an octave added: the same chord a seventh time
    assert cost() == 2
    write(t, "C2|")  # a note between: the run is over
    assert cost() == 0


def test_a_note_struck_a_fifth_time_in_a_row_pays_for_it_in_a_melody_and_in_voices():
    t = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)])
    feed(t, "c c z c")  # three strikes of c, a rest between
    assert t.bias()[VOCAB.ids["c"]] == 0
    feed(t, "c")  # four: a fifth costs
    bias = t.bias()
    assert bias[VOCAB.ids["c"]] == -REPEAT_COST and bias[VOCAB.ids["d"]] == 0
    feed(t, "d")
    assert (t.bias() == t.cost).all()  # the melody's standing costs only
    v = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2)
    feed(v, "[V:1]c c c c z2 F2|[V:2]c c c")  # each voice counts its own strikes
    # voice 1 is resting: nothing to clash with, a voice's note struck again its only cost
    assert v.bias()[VOCAB.ids["c"]] == -AGAIN_COST
    feed(v, "c")
    assert v.bias()[VOCAB.ids["c"]] == -REPEAT_COST - AGAIN_COST


def test_a_voice_among_others_pays_to_strike_its_last_pitch_again(monkeypatch):
    """``AGAIN_COST`` falls on the pitch a voice struck last, rests between or not, and on
    nothing else; a melody and a piano's chorded hands are left alone."""
    def bias(cost: float, compasses: int, chords=None) -> np.ndarray:
        monkeypatch.setattr("tunesmith.generate.AGAIN_COST", cost)
        t = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)] * compasses,
                    chords=chords)
        feed(t, "[V:1]c c c c z2 F2|[V:2]c z" if compasses > 1 else "c z")
        return t.bias()

    free, paid = bias(0.0, 2), bias(1.5, 2)
    changed = np.flatnonzero(free != paid)
    assert [VOCAB.tokens[i] for i in changed] == ["c"]
    assert paid[changed[0]] == pytest.approx(free[changed[0]] - 1.5)
    assert (bias(0.0, 1) == bias(1.5, 1)).all()  # a melody
    assert (bias(0.0, 2, chords=[0.5]) == bias(1.5, 2, chords=[0.5])).all()  # chorded hands


@pytest.mark.parametrize(("unit", "eighth"), [("1/8", "c"), ("1/16", "F2"), ("1/4", "C/")])
def test_a_rhythm_s_notes_get_its_bonus_in_a_melody_and_in_every_voice(unit, eighth):
    rhythm = {"1/8": 0.5, "broken": 1.0, "slur": -0.5}  # a bowing held back too
    melody = tracker(TABLE, {**HEADER, "L": unit}, bars=2, mode=None, compasses=[(0, 127)],
                     rhythm=rhythm)
    plain = tracker(TABLE, {**HEADER, "L": unit}, bars=2, mode=None, compasses=[(0, 127)])
    gained = {VOCAB.tokens[i]: float(g) for i, g in enumerate(melody.cost - plain.cost) if g}
    eighths = {VOCAB.tokens[i] for i in TABLE.pitched
               if TABLE.lengths[i] * Fraction(unit) == Fraction(1, 8)}
    assert eighth in eighths and gained == {**dict.fromkeys(eighths, 0.5), ">": 1.0, "<": 1.0,
                                            "(": -0.5}
    voices = tracker(TABLE, {**HEADER, "L": unit}, bars=2, mode=None,
                     compasses=[(0, 127)] * 2, rhythm=rhythm)
    assert all(p.cost[VOCAB.ids[eighth]] == 0.5 for p in voices.parts)


def test_an_accidental_holds_to_the_end_of_the_bar_for_the_voices_after():
    vocab = Tokenizer.build(["[V:1]^F2 F2 B4 c2 C/ z |[V:2]\n"] * 3, TokenizerConfig())
    table = TokenTable(vocab)
    t = tracker(table, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2)
    for i in vocab.encode("[V:1]^F2 F2 B4|[V:2]B4"):
        t.advance(i)
    # at beat 3 voice 1 holds its second F, sharp like the first: c is a tritone, B a fourth
    # (which costs only as voice 2's B struck again)
    assert _costs(t, table, ["c2", "B4"]) == {"c2": 1.0, "B4": AGAIN_COST}


@pytest.mark.parametrize(("key", "free"), [("Am", "^G2"), ("Cm", "=B2"), ("Bm", "^A2"),
                                           ("C", None), ("Ador", None)])
def test_a_melody_pays_for_accidentals_but_a_minor_key_s_leading_note(key, free):
    vocab = Tokenizer.build(["^G2 =B2 ^A2 ^F2 _B2 G2 C/ z |\n"] * 3, TokenizerConfig())
    table = TokenTable(vocab)
    t = tracker(table, {**HEADER, "K": key}, bars=2, mode=None, compasses=[(0, 127)])
    cost = {text: float(t.bias()[vocab.ids[text]])
            for text in ("^G2", "=B2", "^A2", "^F2", "_B2", "G2")}
    assert cost == {text: 0.0 if text in (free, "G2") else -ACCIDENTAL_COST for text in cost}


@pytest.mark.parametrize(("key", "leading"), [("Am", "^G2"), ("Cm", "=B2"), ("C", None)])
def test_voices_in_a_minor_key_lean_toward_its_leading_note(key, leading):
    vocab = Tokenizer.build(["[V:1]^G2 =B2 G2 B2 C/ z |\n[V:2]"] * 3, TokenizerConfig())
    voices = tracker(TokenTable(vocab), {**HEADER, "K": key}, bars=2, mode=None,
                     compasses=[(0, 127)] * 2)
    voices.advance(vocab.ids["[V:1]"])
    bias = {text: float(voices.bias()[vocab.ids[text]]) for text in ("^G2", "=B2", "G2", "B2")}
    assert LEADING_NOTE_BONUS > 0
    assert bias == {text: LEADING_NOTE_BONUS if text == leading else 0.0 for text in bias}


def test_a_melody_pays_for_its_rests_and_voices_do_not():
    melody = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)])
    assert melody.bias()[VOCAB.ids["z2"]] == -REST_COST == melody.bias()[VOCAB.ids["z"]]
    assert melody.bias()[VOCAB.ids["F2"]] == 0
    voices = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2)
    feed(voices, "[V:1]")
    assert voices.bias()[VOCAB.ids["z2"]] == 0


def test_a_voice_rests_half_a_bar_at_a_time_but_whole_bars_where_its_form_allows():
    v = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2)
    feed(v, "[V:1]A8|[V:2]" + " ".join(["z2"] * int(VOICE_REST_BARS * 8 / 2)))  # L:1/8
    assert {"z", "z2"}.isdisjoint(allowed_texts(v)) and "F2" in allowed_texts(v)
    v = tracker(TABLE, HEADER, bars=5, mode=None, compasses=[(0, 127)] * 2, rest_bars=3)
    for _ in range(3):  # the lower voice enters late, as a mass's voices do
        feed(v, "[V:1]A8|[V:2]z2 z2 z2 z2|\n")
    feed(v, "[V:1]A8|[V:2]")
    assert {"z", "z2"}.isdisjoint(allowed_texts(v)) and "F2" in allowed_texts(v)


SLURRED = Tokenizer.build(["(C2D2) E2 z2 (F2G2|A4) c4 C/||D8:|C8|]\n"] * 3, TokenizerConfig())


def test_a_slur_joins_two_notes_or_more_never_a_rest_and_closes_before_a_second_barline():
    plain = tracker(TokenTable(SLURRED), HEADER, bars=3, mode=None, compasses=[(0, 127)])
    assert "(" not in allowed_texts(plain, SLURRED)  # a form that does not slur
    t = tracker(TokenTable(SLURRED), HEADER, bars=3, mode=None, compasses=[(0, 127)],
                slurs=True)
    feed(t, "(C2", SLURRED)
    texts = allowed_texts(t, SLURRED)
    assert ")" not in texts and "z2" not in texts and "D2" in texts
    feed(t, "D2", SLURRED)
    assert ")" in allowed_texts(t, SLURRED)
    feed(t, "E2 C2", SLURRED)
    assert {")", "|"} <= allowed_texts(t, SLURRED)  # it may end with the bar, or go on
    feed(t, "|E2 C2 D2 E2", SLURRED)  # over one barline, as a fiddler's bowing goes
    assert allowed_texts(t, SLURRED) == {")"}  # not over a second
    feed(t, ")|C2", SLURRED)
    assert "(" not in allowed_texts(t, SLURRED)  # none opens in the last bar
    feed(t, "D2 D2 C2|]", SLURRED)
    assert validate(parse("X:1\nM:4/4\nL:1/8\nK:C\n" + SLURRED.decode(t.log))) == []


def test_a_section_ends_with_its_slur_closed():
    t = tracker(TokenTable(SLURRED), HEADER, bars=9, mode=None, compasses=[(0, 127)],
                slurs=True)
    feed(t, "C8|D8|C8|(C2D2E2C2", SLURRED)  # the last bar of a 4-bar phrase, under a slur
    texts = allowed_texts(t, SLURRED)
    assert {")", "|"} <= texts and {"||", ":|"}.isdisjoint(texts)  # no bowing over "||"
    feed(t, ")", SLURRED)
    assert "||" in allowed_texts(t, SLURRED)
    # so a slur in a phrase's last bar leaves room for its second note before the barline
    t = tracker(TokenTable(SLURRED), HEADER, bars=9, mode=None, compasses=[(0, 127)],
                slurs=True)
    feed(t, "C8|D8|C8|C2D2E2", SLURRED)
    assert "(" in allowed_texts(t, SLURRED)
    feed(t, "(", SLURRED)
    assert "C2" not in allowed_texts(t, SLURRED) and "C/" in allowed_texts(t, SLURRED)
    feed(t, "C/C/)C/", SLURRED)  # half a unit left: too little for two notes
    assert "(" not in allowed_texts(t, SLURRED) and "C/" in allowed_texts(t, SLURRED)


def test_a_later_voice_under_a_slur_still_takes_the_first_voice_s_section_barline():
    vocab = Tokenizer.build(["[V:1]C8||D8|C/|]\n[V:2]C4(C4||D8)|C/|]\n"] * 3,
                            TokenizerConfig())
    t = tracker(TokenTable(vocab), HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2,
                slurs=True)
    feed(t, "[V:1]C8||[V:2]C4(C4", vocab)  # voices have no phrases: no room kept for a slur
    assert "||" in allowed_texts(t, vocab)


TIED = Tokenizer.build(["[V:1]C2-C2 ^F2 F2- F4 G8-|G4 z4||A2 c2 C4 C/ z|]\n[V:2]C,8-|C,8|\n"]
                       * 3, TokenizerConfig())


def test_a_tie_holds_a_note_on_over_one_barline_at_most():
    table = TokenTable(TIED)
    plain = tracker(table, HEADER, bars=5, mode=None, compasses=[(0, 127)])
    feed(plain, "C2", TIED)
    assert "-" not in allowed_texts(plain, TIED)  # a style that does not tie
    t = tracker(table, HEADER, bars=5, mode=None, compasses=[(0, 127)], ties=True)
    feed(t, "C2", TIED)
    assert "-" in allowed_texts(t, TIED)
    feed(t, "-", TIED)
    assert allowed_texts(t, TIED) == {"C/", "C", "C2", "C4"}  # the held C goes on, no rest
    feed(t, "C2 ^F2 F2", TIED)  # the bar is full, its last F sharpened by the ^F before
    assert "-" not in allowed_texts(t, TIED)  # after the barline "F" would be F natural
    feed(t, "|G8", TIED)
    assert "-" in allowed_texts(t, TIED)
    feed(t, "-", TIED)
    assert allowed_texts(t, TIED) == {"|"}  # over a plain barline only
    feed(t, "|", TIED)
    assert allowed_texts(t, TIED) == {"G", "G4", "G8"}
    feed(t, "G8", TIED)
    assert "-" not in allowed_texts(t, TIED)  # held over one barline, not a second
    feed(t, "|G4 z4|A2 C2", TIED)
    assert "-" not in allowed_texts(t, TIED)  # nor in the last bar, whose end is the tonic
    feed(t, "C4|]", TIED)
    tune = parse("X:1\nM:4/4\nL:1/8\nK:C\n" + TIED.decode(t.log))
    assert validate(tune) == []
    assert [(n.pitch, n.length) for n in notes(tune)][:2] == [(60, Fraction(1, 2)),
                                                               (66, Fraction(1, 4))]
    voices = tracker(table, HEADER, bars=3, mode=None, compasses=[(0, 127)] * 2, ties=True)
    feed(voices, "[V:1]G8||[V:2]C,8", TIED)
    assert "-" not in allowed_texts(voices, TIED)  # the first voice closed a section
    sharp = tracker(table, HEADER, bars=3, mode=None, compasses=[(0, 127)] * 2, ties=True)
    feed(sharp, "[V:1]C2 C2 F2 ^F2-|[V:2]C,8|\n[V:1]", TIED)
    assert {t[0] for t in allowed_texts(sharp, TIED)} == {"F"}  # bare: the tie carries the #
    feed(sharp, "F2", TIED)
    assert sharp.pitches[0][-1] == 66  # the voice still sounds F sharp


def test_a_tie_the_model_did_not_expect_at_a_bar_s_end_is_left_out():
    table = TokenTable(TIED)
    allowed = np.zeros((2, len(TIED)), dtype=bool)
    allowed[:, [table.bar["|"], table.tie]] = True
    logits = np.zeros((2, len(TIED)), np.float32)
    logits[0, TIED.ids["A2"]] = 20.0  # row 0: the model wants another note in the bar
    logits[1, table.tie] = 20.0  # row 1: it holds the note on
    kept = plain_when_unsure(logits, allowed, table)
    assert np.flatnonzero(kept[0]).tolist() == [table.bar["|"]]
    assert np.array_equal(kept[1], allowed[1])


def test_a_melody_may_open_with_a_pickup_that_is_not_counted_as_a_bar():
    melody = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)])
    feed(melody, "F2")
    assert "|" in allowed_texts(melody) and ":|" not in allowed_texts(melody)
    feed(melody, "|")
    assert melody.pickup == 2 and melody.done_bars == 0
    feed(melody, "F2")
    assert "|" not in allowed_texts(melody)  # one pickup
    feed(melody, "G4 F2|F2")
    assert melody.final_bar and "|" not in allowed_texts(melody)  # the last bar is whole
    late = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)])
    feed(late, "G4 F2")  # past half the bar: no pickup
    assert "|" not in allowed_texts(late)
    voices = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2)
    feed(voices, "[V:1]F2")
    assert "|" not in allowed_texts(voices)  # voices stay bar by bar
    # a repeat from the start goes back to the first whole bar, after the pickup
    log = VOCAB.encode("F2|G4 F2 F2|A8:|")
    assert VOCAB.decode(explicit_repeats(log, TABLE, pickup=True)) == "F2|:G4 F2 F2|A8:|"
    assert VOCAB.decode(explicit_repeats(log, TABLE)) == "|:F2|G4 F2 F2|A8:|"


def test_a_melody_s_phrase_may_end_its_line_mid_bar_but_a_voice_keeps_its_bar_a_line():
    melody = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)])
    assert "\n" not in allowed_texts(melody)  # no empty line first
    feed(melody, "G4 F2\nF2|\n")  # "d4d2\ng2 |", as the Essen songs break their phrases
    assert "\n" not in allowed_texts(melody)  # nor two line ends in a row
    voices = tracker(TABLE, HEADER, bars=2, mode=None, compasses=[(0, 127)] * 2)
    feed(voices, "[V:1]G4")
    assert "\n" not in allowed_texts(voices)


@pytest.mark.parametrize(("key", "mode", "voices", "expected"), [
    ("D", None, 1, [("D", "")]),
    ("Bb", None, 4, [("B", "_"), ("D", ""), ("F", ""), ("B", "_")]),  # the tonic triad
    ("G", "yu", 1, [("E", "")]),  # yu on the sixth degree of its gong
    ("Dphr", None, 2, [None, None]),
    # a major signature in a church mode ends on that mode's degree: D for dorian in C
    ("C", "dorian", 4, [("D", ""), ("F", ""), ("A", ""), ("D", "")]),
    ("F", "lydian", 1, [("B", "")]),  # B flat, as the signature spells it
    ("Bb", "major", 1, [("B", "_")]),
    ("Cm", None, 4, [("C", ""), ("E", ""), ("G", ""), ("C", "")]),
])
def test_final_notes(key, mode, voices, expected):
    assert final_notes(parse_key(key), voices, mode) == expected


@pytest.mark.parametrize(("key", "voices", "expected"), [
    # a minor key's third may be raised (or not) where one voice holds it: =E in C minor
    ("Cm", 4, [("C", ""), ("E", "="), ("G", ""), ("C", "")]),
    ("F#m", 3, [("F", "^"), ("A", "^"), ("F", "^")]),
    ("Am", 5, [("A", ""), ("C", ""), ("E", ""), ("C", ""), ("A", "")]),  # no C/C# together
    ("D", 4, [("D", ""), ("F", ""), ("A", ""), ("D", "")]),  # a major third already
])
def test_a_baroque_minor_final_chord_may_take_the_picardy_third(key, voices, expected):
    assert final_notes(parse_key(key), voices, picardy=True) == expected


def test_a_minor_chorale_s_alto_may_end_on_the_picardy_third_or_the_minor_one():
    vocab = Tokenizer.build(["[V:1]C/ C8 E8 =E8 _E8 ^E8 G8 c8 | |]\n[V:2][V:3][V:4]"] * 3,
                            TokenizerConfig())
    voices = tracker(TokenTable(vocab), {**HEADER, "K": "Cm"}, bars=1, mode=None,
                     compasses=[(0, 127)] * 4, picardy=True)
    for i in vocab.encode("[V:1]C8|][V:2]"):
        voices.advance(i)
    allowed = {vocab.tokens[i] for i in np.flatnonzero(voices.allowed()).tolist()}
    assert {"E8", "=E8"} <= allowed and not {"_E8", "^E8", "G8", "C8"} & allowed


def test_medieval_voices_end_on_a_bare_fifth():
    assert final_notes(parse_key("C"), 3, "mixolydian", open_fifth=True) == [
        ("G", ""), ("D", ""), ("G", "")]


@pytest.mark.parametrize("config", [
    TransformerConfig(len(VOCAB), context=16, n_layer=1, n_head=2, d_model=16),
    RNNConfig(len(VOCAB), embed=16, hidden=16, n_layer=1, dropout=0.0),
])
def test_an_untrained_model_still_writes_valid_bars(config):
    """Validity comes from the tracker, not the model: random weights, a context shorter
    than the piece (the fragment seam), every row a valid tune of the asked bars."""
    torch.manual_seed(0)
    model = build_model(config).eval()
    prefix = [VOCAB.bos_id]
    trackers = [tracker(TABLE, HEADER, 6, None, [(0, 127)]) for _ in range(3)]
    logp = generate(TorchEngine(model), TABLE, prefix, trackers, Sampling(),
                    np.random.default_rng(1), budget=6 * 64 + 64)
    assert logp.shape == (3,) and (logp < 0).all()
    for t in trackers:
        assert t.finished
        body = VOCAB.decode(explicit_repeats(t.log, TABLE, pickup=t.pickup > 0))
        tune = parse(f"X:1\nM:4/4\nL:1/8\nK:C\n{body}\n")
        assert validate(tune) == [], body
        assert len(bars(tune)) == 6 + (t.pickup > 0), body


def test_a_check_that_raises_stops_the_loop():
    model = build_model(TransformerConfig(len(VOCAB), context=32, n_layer=1, n_head=2,
                                          d_model=16)).eval()
    trackers = [tracker(TABLE, HEADER, 4, None, [(0, 127)])]
    steps = []

    def check() -> None:
        steps.append(1)
        if len(steps) == 3:
            raise TimeoutError("enough")

    with pytest.raises(TimeoutError):
        generate(TorchEngine(model), TABLE, [VOCAB.bos_id], trackers, Sampling(),
                 np.random.default_rng(), budget=100, check=check)
    assert len(trackers[0].log) == 3


def test_a_song_is_fitted_to_the_note_lengths_there_are_and_sung_one_note_a_syllable():
    header = {"M": "9/8", "L": "1/8", "K": "C"}  # no note of this vocabulary fills 9 units
    with pytest.raises(LyricsError, match="a line of 1 syllables cannot fill"):
        sung_tracker(TABLE, header, None, [(1, 1)], [True], (0, 127))
    t = sung_tracker(TABLE, header, None, [(3, 2), (2, 1)], [True, False, True, False, True],
                     (0, 127))
    assert t.phrases == [(3, 1), (2, 1)] and t.bars == 2  # 3 notes cannot fill 2 bars of 9
    model = build_model(TransformerConfig(len(VOCAB), context=16, n_layer=1, n_head=2,
                                          d_model=16)).eval()
    generate(TorchEngine(model), TABLE, [VOCAB.bos_id], [t], Sampling(),
             np.random.default_rng(3), budget=200)
    body = VOCAB.decode(t.log)
    tune = parse(f"X:1\nM:9/8\nL:1/8\nK:C\n{body}\n")
    assert validate(tune) == [] and len(notes(tune)) == 5 and body.count("|") == 2, body
    assert "z" not in body and "(3" not in body and ">" not in body


def test_a_song_sings_its_meters_lengths_and_holds_a_whole_bar_only_at_a_lines_end():
    """4/4 songs give a whole note one note in 700: a line may end on one, as "eyes" is held,
    but a bar mid-line has two notes or more; and no repeat sign, which would sing the words
    twice, not even at the end."""
    header = {"M": "4/4", "L": "1/8", "K": "C"}
    t = sung_tracker(TABLE, header, None, [(2, 2), (3, 2), (1, 1)], [True] * 6, (0, 127))
    assert t.lengths == (Fraction(1, 2), 1, 2, 4)  # no A8 (nor the 3/2, 3, 6 it cannot write)
    assert t.phrases == [(2, 1), (3, 2), (1, 1)]  # two notes cannot fill two bars
    model = build_model(TransformerConfig(len(VOCAB), context=16, n_layer=1, n_head=2,
                                          d_model=16)).eval()
    for seed in range(3):
        t = sung_tracker(TABLE, header, None, [(2, 1), (3, 2), (1, 1)], [True] * 6, (0, 127))
        generate(TorchEngine(model), TABLE, [VOCAB.bos_id], [t], Sampling(),
                 np.random.default_rng(seed), budget=200)
        body = VOCAB.decode(t.log)
        assert [n.length * 8 for n in notes(parse(f"X:1\nM:4/4\nL:1/8\nK:C\n{body}\n"))
                ] == [4, 4, 4, 4, 8, 8], body
        assert not {"|:", ":|", "::"} & set(VOCAB.tokens[i] for i in t.log), body


def test_a_split_lengths_vocabulary_is_refused_with_the_reason():
    split = Tokenizer.build(["C/D/E F2 G4|"] * 3, TokenizerConfig(split_lengths=True))
    assert split.sounds() == {}
    with pytest.raises(ValueError, match="split_lengths"):
        TokenTable(split)


def test_a_bias_moves_the_draw_but_not_the_likelihood_reported():
    logits = np.zeros((2, 4), np.float32)  # four tokens the model finds equally likely
    allowed = np.array([[True, True, True, False]] * 2)
    bias = np.array([0.0, -50.0, -50.0, 0.0])  # the sampler all but refuses 1 and 2
    ids, logp = sample(logits, allowed, Sampling(), np.random.default_rng(0), bias)
    assert ids.tolist() == [0, 0]
    assert np.allclose(logp, np.log(1 / 3))  # the model's: 1 of 3 allowed


def test_the_notes_outside_the_scale_are_those_written_with_an_accidental():
    table = TokenTable(Tokenizer.build(["K:C\nC/ ^C _D =F G|"] * 3, TokenizerConfig()))
    marked = {table.tokenizer.tokens[i] for i in np.flatnonzero(table.accidental).tolist()}
    assert marked == {"^C", "_D", "=F"}

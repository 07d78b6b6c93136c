from fractions import Fraction

import pytest

from tunesmith.abc import bars, normalise, parse, validate
from tunesmith.abc.durations import beat_tempo, length_multiplier, quarter_tempo
from tunesmith.tools import abc2abc_check

from .conftest import REEL


def tune(body: str, meter="4/4", unit="1/8"):
    return parse(f"X:1\nM:{meter}\nL:{unit}\nK:C\n{body}\n")


@pytest.mark.parametrize("text,value", [("", 1), ("2", 2), ("/", Fraction(1, 2)),
                                        ("//", Fraction(1, 4)), ("3/2", Fraction(3, 2)),
                                        ("3/", Fraction(3, 2)), ("/3", Fraction(1, 3))])
def test_length_multiplier(text, value):
    assert length_multiplier(text) == value


def test_a_real_reel_is_valid():
    assert validate(normalise(parse(REEL))) == []


@pytest.mark.parametrize("body", [
    "C>D E<F G2 A2|",  # broken rhythm
    "(3CDE (3FGA B4|",  # triplets: three in the time of two
    "[CEG]2 [C2E2] C4|",  # chords take their first note's length
    "{ag}f2 {/e}d2 c4|",  # grace notes take no time
    "C8|[M:3/4]C6|C2D2E2|",  # inline meter change
    "[L:1/4]C4|[L:1/8]C8|",  # inline unit length change
])
def test_known_good_bars(body):
    assert validate(tune(body), strict=True) == []


def test_known_bad_bars_are_reported_with_number_and_lengths():
    problems = validate(tune("C8|D6|E8|F9|"), strict=True)
    assert [(p.bar, p.actual, p.expected) for p in problems] == [
        (2, Fraction(3, 4), Fraction(1)), (4, Fraction(9, 8), Fraction(1))]
    assert str(problems[0]) == "bar 2 is 3/4 not 4/4"


def test_pickup_is_bar_zero_and_short_repeat_ends_are_lenient():
    t = tune("A|:d8|c7:|")
    numbered = [(b.number, b.duration) for b in bars(t)]
    assert numbered == [(0, Fraction(1, 8)), (1, Fraction(1)), (2, Fraction(7, 8))]
    assert validate(t) == []
    assert [p.bar for p in validate(t, strict=True)] == [2]


def test_tuplet_defaults_depend_on_the_meter():
    # (5 is five in the time of three in compound meter, of two in simple meter
    assert bars(tune("(5CDEFG (3ABc|", meter="6/8"))[0].duration == Fraction(5, 8)
    assert bars(tune("(5CDEFG C2|", meter="2/4"))[0].duration == Fraction(4, 8)


def test_voices_count_their_own_bars():
    t = parse("X:1\nM:2/4\nL:1/8\nK:C\n[V:1]cdec|[V:2]C,4|\n[V:1]c4|[V:2]C,3|\n")
    problems = validate(t, strict=True)
    assert [(p.voice, p.bar) for p in problems] == [("2", 2)]


def test_validator_agrees_with_abc2abc_on_clearly_bad_and_good_tunes():
    bad = tune("C8|D6|E8|F8|")
    report = abc2abc_check(bad.abc)
    assert [(b, a) for b, a, _ in report.bad_bars] == [(1, Fraction(3, 4))]
    assert [p.actual for p in validate(bad)] == [Fraction(3, 4)]
    good = normalise(parse(REEL))
    assert abc2abc_check(good.abc).bad_bars == [] and validate(good) == []


def test_zero_length_denominator_is_an_abc_error():
    from tunesmith.abc import AbcError

    with pytest.raises(AbcError, match="divides by zero"):
        validate(tune("C/0 D7|"))


@pytest.mark.parametrize("meter,unit,body", [
    ("4/4", "1/8", "A" + "9" * 5000 + "|"),            # note length
    ("4/4", "1/8", "A/" + "9" * 5000 + "|"),           # its denominator
    ("4/4", "1/8", "Z" + "9" * 5000 + "|"),            # multi-bar rest
    ("4/4", "1/8", "(3:2:" + "9" * 5000 + " ABc|"),    # tuplet
    ("4/4", "1/" + "9" * 5000, "A|"),                  # L:
    ("9" * 5000 + "/4", "1/8", "A|"),                  # M: numerator
    ("4/" + "9" * 5000, "1/8", "A|"),                  # M: denominator
    ("4/4", "1/8", "[L:1/" + "9" * 5000 + "] A|"),     # inline L:
])
def test_absurdly_long_numbers_are_abc_errors_not_int_limits(meter, unit, body):
    from tunesmith.abc import AbcError

    with pytest.raises(AbcError, match="digits"):
        validate(tune(body, meter, unit))


@pytest.mark.parametrize("field", ["1/4=120", "3/8=120", "1/2=104", '1/4=80 "Slow"'])
def test_a_tempo_is_read_in_quarter_notes_a_minute_as_music21_reads_it(field):
    import music21

    tempo = parse(f"X:1\nM:6/8\nL:1/8\nQ:{field}\nK:D\nDFA dAF|").get("Q")
    mark = music21.converter.parse(f"X:1\nM:6/8\nL:1/8\nQ:{field}\nK:D\nDFA dAF|",
                                   format="abc").flatten().getElementsByClass("MetronomeMark")
    assert quarter_tempo(tempo) == round(mark[0].getQuarterBPM())


@pytest.mark.parametrize("meter, written", [
    ("C|", "1/2=104"), ("2/2", "1/2=104"), ("6/8", "3/8=139"), ("9/8", "3/8=139"),
    ("3/4", "1/4=208"), ("C", "1/4=208"), ("2+3/8", "1/4=208")])  # no plain beat: quarters
def test_a_tempo_is_written_in_its_meters_beat_as_players_mark_it(meter, written):
    import music21

    assert beat_tempo(208, meter) == written
    mark = music21.converter.parse(f"X:1\nM:{meter}\nL:1/8\nQ:{written}\nK:D\nD8|",
                                   format="abc").flatten().getElementsByClass("MetronomeMark")
    assert abs(mark[0].getQuarterBPM() - 208) <= 1 and abs(quarter_tempo(written) - 208) <= 1


def test_a_tempo_written_with_spaces_is_read():
    assert quarter_tempo("1/4 =50") == 50  # music21 reads 250
    assert quarter_tempo(" 3 / 8 = 40") == 60


@pytest.mark.parametrize("field", ["120", '"Slowly"', "0/4=60", "1/4=0"])
def test_a_tempo_without_its_beat_or_in_words_is_not_read(field):
    assert quarter_tempo(field) is None

import pytest

from tunesmith.abc import AbcError, Kind, lex, normalise, parse, parse_tune, split_tunes
from tunesmith.abc.lexer import split_length

from .conftest import REEL


def test_lex_is_a_lossless_partition_of_real_tunes(corpus_dir):
    text = (corpus_dir / "oneills1850" / "0001-0050.abc").read_text(encoding="latin-1")
    assert "".join(a.text for a in lex(text)) == text


def test_lex_names_musical_atoms():
    atoms = [(a.kind, a.text) for a in lex('(3^F,/2G3/2 [CEG]2 {/g}a>b |1 :|2 [1 [K:Ador] "Am"z')]
    kinds = dict((t, k) for k, t in atoms)
    assert kinds["(3"] is Kind.TUPLET
    assert kinds["^F,/2"] is Kind.NOTE and kinds["G3/2"] is Kind.NOTE
    assert kinds["]2"] is Kind.CHORD_END
    assert kinds["{/"] is Kind.GRACE_START
    assert kinds[">"] is Kind.BROKEN
    assert kinds["|1"] is Kind.BAR and kinds[":|2"] is Kind.BAR
    assert kinds["[1"] is Kind.ENDING
    assert kinds["[K:Ador]"] is Kind.INLINE_FIELD
    assert kinds['"Am"'] is Kind.SYMBOL


def test_split_length():
    assert split_length("^F,3/2") == ("^F,", "3/2")
    assert split_length("z//") == ("z", "//")
    assert split_length("c") == ("c", "")


def test_split_tunes_and_header_fields():
    text = "%abc-2.1\nX:1\nT:One\nK:G\nGABc|\n\nX:2\nT:Two\nT:Second title\nM:6/8\nK:Em\nEFG|\n"
    raws = list(split_tunes(text))
    assert [r.number for r in raws] == ["1", "2"]
    assert raws[1].line == 7
    tune = parse_tune(raws[1].text)
    assert tune.get_all("T") == ["Two", "Second title"]
    assert tune.meter == "6/8" and tune.key == "Em"
    assert tune.body == "EFG|\n"


def test_many_tunes_keep_their_line_numbers_and_unclosed_fields_lex_losslessly():
    tunes = "".join(f"X:{i}\nK:C\n" + "C|\n" * (i % 3) + "\n" for i in range(1, 2001))
    raws = list(split_tunes(tunes))
    assert len(raws) == 2000
    assert all(tunes.split("\n")[r.line - 1] == f"X:{r.number}" for r in raws)
    hostile = "[K:" * 16_000  # unclosed inline fields, a quadratic scan before
    atoms = lex(hostile)
    assert "".join(a.text for a in atoms) == hostile
    assert not any(a.kind is Kind.INLINE_FIELD for a in atoms)


def test_missing_key_is_an_abc_error():
    try:
        parse_tune("X:1\nT:No key\nM:4/4\nabc|\n")
    except AbcError as exc:
        assert "K:" in str(exc)
    else:
        raise AssertionError("a tune without K: must be refused")


def test_a_mistyped_header_line_is_passed_over_when_a_key_follows():
    # Aird's airs as music21 carries them: Q: and N: written without their colon, a
    # directive continued onto a bare line; abc2midi reads these tunes
    tune = parse_tune("X:20\nT:Jollity.\nM:6/8\n3/8=120\nN bars 13 and 21 are marked\n"
                      "%%Bfly 0 300 \\\n 0 0 3 2\nK:D\nded A2G|F2A d3|\n")
    assert tune.key == "D" and tune.meter == "6/8" and tune.body == "ded A2G|F2A d3|\n"
    for text in ("X:1\nT:t\nded A2G|\n", "X:1\nT:t\n3/8=120\n\nK:D\nA|\n"):
        with pytest.raises(AbcError, match="no K:"):  # music, or no key before the blank line
            parse_tune(text)


def test_default_unit_length_follows_the_meter():
    assert str(parse("X:1\nM:2/4\nK:C\nC|\n").unit_length) == "1/16"
    assert str(parse("X:1\nM:6/8\nK:C\nC|\n").unit_length) == "1/8"


def test_normalise_keeps_music_and_drops_the_rest():
    tune = normalise(parse(REEL + '"^fine"!trill!d2 % comment\n'))
    body = tune.body
    assert "~" not in body and '"D"' not in body and "!trill!" not in body
    assert "%" not in body and "^fine" not in body
    for kept in ("(3Bcd", "[1 D6 A2:|", "[2 D8||", "A|:"):
        assert kept in body
    assert tune.get("L") == "1/8"
    with_chords = normalise(parse(REEL), chord_symbols=True)
    assert '"D"d2' in with_chords.body


def test_normalise_joins_continuations_and_drops_lyrics():
    tune = normalise(parse("X:1\nM:3/4\nL:1/4\nK:G\nGAB|\\\ncde|\nw:la la la\n[M:2/4]dB|]\n"))
    assert tune.body == "GAB| cde|\n[M:2/4]dB|]\n"


def test_multivoice_inline_voices_survive_normalising():
    text = "X:1\nM:2/4\nL:1/8\nV:1\nV:2 clef=bass\nK:C\n[V:1]cdec|[V:2]C,2G,2|\n"
    tune = normalise(parse(text))
    assert tune.get_all("V") == ["1", "2 clef=bass"]
    assert "[V:2]C,2G,2|" in tune.body
    assert tune.music_text().startswith("M:2/4\nL:1/8\nV:1\nV:2 clef=bass\nK:C\n")

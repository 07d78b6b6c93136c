"""Continuing a musician's own opening: kept byte for byte, continued under the bar tracker."""

import pytest
from fastapi.testclient import TestClient

from tunesmith.abc import bars, parse, validate
from tunesmith.abc.opening import OpeningError, read_opening
from tunesmith.cli import main
from tunesmith.composer import Composer
from tunesmith.web import Settings, create_app

JIG = "X:1\nT:My jig\nM:6/8\nL:1/8\nK:D\n|:DFA dAF|GBd gdB|\n"  # short: the test model reads 64


@pytest.fixture(scope="module")
def composer(tiny_model):
    return Composer.load(tiny_model)


@pytest.mark.parametrize(("text", "message"), [
    ("|:DFA dAF|GBd gdB|", "M: and K: lines"),
    ("M:6/8\nK:D\nDFA dAF|GBd gd|", "bar 2 is 5/8 not 6/8"),
    ("M:6/8\nK:D\nDFA dAF|GBd", "end it with a barline"),
    ("M:6/8\nK:D\n[V:1]DFA dAF|[V:2]DFA dAF|", "one voice"),
    ("M:none\nK:D\nDFA dAF|", "no bar length"),
    ("M:6/8\nK:D\n|", "no notes"),
    ("M:6/8\nK:D\n" + "DFA dAF|" * 2000, "at most 8,000"),
])
def test_an_opening_the_sampler_cannot_continue_is_refused_with_the_fix(text, message):
    with pytest.raises(OpeningError, match=message):
        read_opening(text)


def test_an_opening_counts_its_bars_and_keeps_its_barlines():
    opening = read_opening(JIG)
    assert opening.bars == 2 and opening.barlines == ("|:", "|", "|")
    assert opening.tune.title == "My jig"


def test_the_opening_is_kept_byte_for_byte_and_continued_to_the_asked_length(composer):
    pieces = composer.generate("a jig", bars=10, num=3, seed=2, start=JIG)
    given = parse(JIG)
    bodies = set()
    for piece in pieces:
        tune = piece.tune
        assert tune.body.startswith(given.body.rstrip("\n"))
        assert [(k, v) for k, v in tune.fields] == [(k, v) for k, v in given.fields]
        assert validate(tune) == [] and len(bars(tune)) == 10
        assert piece.abc.startswith("X:1\nT:My jig\nM:6/8\nL:1/8\nK:D\n|:DFA dAF|")
        bodies.add(tune.body)
    assert len(bodies) == 3  # three variations on one opening


def test_an_opening_in_another_unit_and_key_is_continued_in_them(composer):
    """A canonical model writes on C in L:1/8; the continuation comes back in the
    opening's key and unit, so every bar still adds up."""
    opening = "M:3/4\nL:1/16\nK:Bb\nB4 d4 f4|g4 f4 d4|\n"
    piece = composer.generate("a waltz", bars=8, seed=5, start=opening)[0]
    tune = piece.tune
    assert tune.key == "Bb" and tune.get("L") == "1/16" and tune.get("T") == "A waltz"
    assert tune.body.startswith("B4 d4 f4|g4 f4 d4|")
    assert validate(tune) == [] and len(bars(tune)) == 8


def test_an_opening_as_long_as_the_piece_is_refused(composer):
    with pytest.raises(OpeningError, match="2 bars already"):
        composer.generate("a jig", bars=2, start=JIG)


def test_an_opening_longer_than_the_model_keeps_in_view_is_refused(composer):
    long = "M:6/8\nL:1/8\nK:D\n" + "DFA dAF|" * 12
    with pytest.raises(OpeningError, match="tokens, more than this model keeps in view"):
        composer.generate("a jig", bars=16, start=long)


def test_cli_continues_a_file_and_names_a_missing_one(tiny_model, tmp_path, capsys):
    path = tmp_path / "mine.abc"
    path.write_text(JIG, encoding="utf-8")
    assert main(["generate", "--model", str(tiny_model), "--start", str(path),
                 "--bars", "8", "--seed", "1"]) == 0
    assert capsys.readouterr().out.startswith(JIG.rstrip("\n"))
    assert main(["generate", "--model", str(tiny_model), "--start", "nope.abc"]) == 2
    err = capsys.readouterr().err
    assert "nope.abc: no such file" in err and "Traceback" not in err


def test_the_http_api_continues_an_opening_and_names_a_bad_bar(composer, tmp_path):
    app = create_app(Settings(out=tmp_path / "out", time_limit=30), composer)
    with TestClient(app) as client:
        answer = client.post("/api/generate", json={"start": JIG, "bars": 8, "seed": 3,
                                                    "formats": []})
        assert answer.status_code == 200, answer.text
        assert answer.json()["pieces"][0]["abc"].startswith(JIG.rstrip("\n"))
        bad = client.post("/api/generate", json={"start": "M:6/8\nK:D\nDFA dAF|GB dAF|",
                                                 "bars": 8})
        assert bad.status_code == 422 and "bar 2 is 5/8 not 6/8" in bad.text

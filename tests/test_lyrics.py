"""Songs from lyrics: syllables, one note each, phrases ending at bar ends, words under notes."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tunesmith.abc import music_atoms, parse, validate
from tunesmith.abc.durations import beats
from tunesmith.abc.notes import notes
from tunesmith.abc.tune import meter_length
from tunesmith.cli import main
from tunesmith.composer import Composer
from tunesmith.lyrics import (
    LyricsError,
    english_word,
    plan,
    read_lyrics,
    stress_bars,
    strong_beats,
    sung_lengths,
    w_line,
    with_words,
    written_words,
)
from tunesmith.web import Settings, create_app

EXAMPLES = Path(__file__).parents[1] / "src" / "tunesmith" / "data" / "examples" / "songs.json"
TWINKLE = "Twinkle, twinkle, little star,\nHow I wonder what you are!"
SPRING = "春眠不觉晓，\n处处闻啼鸟。"


@pytest.mark.parametrize("meter, count", [("6/8", 2), ("3/4", 3), ("C", 4), ("C|", 2),
                                          ("12/8", 4), ("2+3/8", 2), ("FREI4/4", 4),
                                          ("none", 1)])
def test_beats_in_a_bar_of_any_meter_the_corpus_writes(meter, count):
    assert beats(meter) == count


@pytest.fixture(scope="module")
def composer(tiny_model):
    return Composer.load(tiny_model)


@pytest.mark.parametrize(("word", "expected"), [
    ("river", [("riv", True), ("er", False)]),
    ("beautiful", [("beau", True), ("ti", False), ("ful", False)]),
    ("the", [("the", False)]),  # a function word is sung unstressed
    ("star", [("star", True)]),
    ("Zorblax", [("Zor", True), ("blax", False)]),  # unknown: vowel groups, first stressed
])
def test_english_words_are_cut_into_stressed_and_unstressed_syllables(word, expected):
    assert english_word(word) == expected


def test_lines_become_phrases_with_punctuation_kept_and_the_rest_noted():
    lyrics = read_lyrics(TWINKLE + "\n\n" + SPRING + "\n🎵 2 cats\x07")
    assert [len(line) for line in lyrics.lines] == [7, 7, 5, 5, 2]
    assert lyrics.lines[0][1].text == "kle," and lyrics.lines[2][4].text == "晓，"
    assert "🎵" in lyrics.remarks[-1]
    assert w_line(lyrics.lines[0]) == "w:Twin-kle, twin-kle, lit-tle star,"
    assert plan(lyrics, "4/4")[:3] == [(7, 2), (7, 2), (5, 2)]
    assert plan(lyrics, "6/8")[0] == (7, 2)  # "C2C G2G|A2A G3": two strong beats a bar
    assert plan(lyrics, "3/4")[0] == (7, 4)  # one strong beat a bar for each of 4 stresses
    assert plan(lyrics, "2/4")[2] == (5, 2)  # 3.5 notes a bar, as real songs in 2/4 sing
    assert plan(read_lyrics("一二三四五六七八九"), "2/4") == [(9, 3)]
    wine = read_lyrics("And I'll not look for wine.").lines[0]  # 3 stresses, "And" first
    assert [stress_bars(wine, m) for m in ("3/4", "6/8")] == [4, 2]


@pytest.mark.parametrize(("text", "message"), [
    ("", "nothing to sing"), ("🎵🎶\n\n", "nothing to sing"), ("la\n" * 10_000, "at most 8,000"),
])
def test_lyrics_with_nothing_to_sing_or_too_much_are_refused(text, message):
    with pytest.raises(LyricsError, match=message):
        read_lyrics(text)


def test_a_line_too_long_to_sing_in_one_breath_is_cut_with_a_note():
    lyrics = read_lyrics(" ".join(["la"] * 300))
    assert [len(line) for line in lyrics.lines] == [48] * 6 + [12]
    assert "300 syllables" in lyrics.remarks[0]


def test_words_go_under_the_phrase_they_end():
    lines = read_lyrics("one two three\nfour").lines
    body = with_words("C2 D2 E4|F8|", lines)
    assert body == "C2 D2 E4|\nw:one two three\nF8|\nw:four"
    assert [w for w, _ in written_words(body)] == ["one", "two", "three", "four"]


def _check_song(piece, text: str) -> float:
    """Asserts the alignment; returns the share of stressed English syllables on a downbeat
    or mid-bar beat."""
    tune = piece.tune
    syllables = read_lyrics(text).syllables
    played = notes(tune)
    assert validate(tune) == [] and len(played) == len(syllables)
    score = piece.to_music21()
    sung = [n for n in score.recurse().notes if n.lyrics]
    assert [n.lyric for n in sung] == [t for t, _ in written_words(piece.abc)]
    assert len(sung) == len(syllables)
    bar = meter_length(tune.meter)
    ends, total = [], 0
    for line in read_lyrics(text).lines:
        total += len(line)
        ends.append(total - 1)
    assert all((played[i].onset + played[i].length) % bar == 0 for i in ends)
    # in the lengths songs of its meter sing, a whole bar only where a line ends; no repeat
    unit = tune.unit_length
    singable = sung_lengths(tune.meter, bar / unit, unit)
    assert all(n.length / unit in singable or (i in ends and n.length == bar)
               for i, n in enumerate(played)), piece.abc
    assert not {"|:", ":|", "::"} & {a.text for a in music_atoms(tune.body)}, piece.abc
    stressed = [i for i, s in enumerate(syllables) if s.stressed and s.text.isascii()]
    strong = {bar * k / strong_beats(tune.meter) for k in range(strong_beats(tune.meter))}
    return sum(played[i].onset % bar in strong for i in stressed) / max(1, len(stressed))


@pytest.mark.parametrize("prompt", ["an English folk song", "a waltz", "a jig"])
def test_english_words_get_one_note_a_syllable_and_stresses_on_strong_beats(composer, prompt):
    shares = [_check_song(composer.generate(prompt, seed=s, lyrics=TWINKLE)[0], TWINKLE)
              for s in range(3)]
    assert sum(shares) / len(shares) >= 0.8


def test_chinese_words_get_one_note_a_character_and_end_on_the_final(composer):
    piece = composer.generate("中国民歌", seed=1, lyrics=SPRING, title="春晓")[0]
    _check_song(piece, SPRING)
    assert "w:春 眠 不 觉 晓，" in piece.abc and piece.tune.title == "春晓"


def test_an_opening_and_lyrics_together_are_refused(composer):
    with pytest.raises(ValueError, match="not both"):
        composer.generate("a song", lyrics="la la", start="M:4/4\nK:C\nC8|")


def test_cli_sets_every_song_record_and_words_from_a_file(tiny_model, tmp_path, capsys):
    assert main(["generate", "--model", str(tiny_model), "--song", str(EXAMPLES),
                 "--out", str(tmp_path), "--formats", "abc,mid"]) == 0
    out = capsys.readouterr().out
    assert out.count("X:") == 3 and out.count("N:sung by") == 3
    assert "T:Lyrics Only" in out and "w:" in out  # the record with words and no melody
    assert len(list(tmp_path.glob("*.mid"))) == 3
    words = tmp_path / "words.txt"
    words.write_text(TWINKLE, encoding="utf-8")
    assert main(["generate", "a song", "--model", str(tiny_model), "--lyrics", str(words)]) == 0
    assert "w:Twin-kle, twin-kle, lit-tle star," in capsys.readouterr().out


def test_the_http_api_sets_words_and_refuses_empty_ones(composer, tmp_path):
    app = create_app(Settings(out=tmp_path / "out", time_limit=30), composer)
    with TestClient(app) as client:
        answer = client.post("/api/generate", json={"prompt": "a folk song", "seed": 2,
                                                    "lyrics": TWINKLE, "formats": ["musicxml"]})
        assert answer.status_code == 200, answer.text
        piece = answer.json()["pieces"][0]
        assert "w:Twin-kle" in piece["abc"] and validate(parse(piece["abc"])) == []
        xml = client.get(piece["files"]["musicxml"]).text
        assert xml.count("<lyric") == 14
        empty = client.post("/api/generate", json={"lyrics": "🎵", "formats": []})
        assert empty.status_code == 422 and "nothing to sing" in empty.text

import json
from fractions import Fraction

import music21
import pytest

from tunesmith.abc import (
    Tokenizer,
    TokenizerConfig,
    TokenizerError,
    bars,
    normalise,
    parse,
    parse_key,
    transpose,
    validate,
)
from tunesmith.abc.notes import notes

from .conftest import REEL


@pytest.mark.parametrize("split_lengths", [False, True])
def test_round_trip_on_real_corpus_tunes(corpus_tunes, split_lengths):
    texts = [t.music_text() for t in corpus_tunes]
    tok = Tokenizer.build(texts[: len(texts) // 2], TokenizerConfig(split_lengths=split_lengths))
    for text in texts:  # the second half was never seen while building
        ids = tok.encode(text, bos=True, eos=True)
        assert ids[0] == tok.bos_id and ids[-1] == tok.eos_id
        assert tok.decode(ids) == text


def test_atoms_are_single_tokens_and_rare_atoms_fall_back_to_characters():
    tok = Tokenizer.build(["M:4/4\nL:1/8\nK:D\n^F2 ^F2 ^F2 d|\n"] * 3)
    assert tok.encode("^F2") == [tok.token_id("^F2")]
    spelled = tok.encode("_B,,7/")  # never seen: spelled character by character
    assert len(spelled) == len("_B,,7/") and tok.decode(spelled) == "_B,,7/"
    emoji = tok.encode("🎵")  # not even a character token: UTF-8 bytes
    assert len(emoji) == 4 and tok.decode(emoji) == "🎵"


def test_split_lengths_gives_pitch_and_length_tokens():
    tok = Tokenizer.build(["^F,3/2 G2 z2|"] * 3, TokenizerConfig(split_lengths=True))
    assert [tok.tokens[i] for i in tok.encode("^F,3/2")] == ["^F,", "3/2"]


def test_save_load_and_bad_ids(tmp_path):
    tok = Tokenizer.build([REEL], extra_tokens=["<form=reel>"])
    tok.save(tmp_path / "vocab.json")
    again = Tokenizer.load(tmp_path / "vocab.json")
    assert again.tokens == tok.tokens and again.config == tok.config
    assert again.decode([again.token_id("<form=reel>")]) == ""  # controls are not music
    with pytest.raises(TokenizerError, match="outside the vocabulary"):
        tok.decode([len(tok)])
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(TokenizerError, match="broken.json"):
        Tokenizer.load(tmp_path / "broken.json")


def test_vocabulary_format_older_is_read_newer_is_refused(tmp_path):
    tok = Tokenizer.build([REEL])
    tok.save(tmp_path / "vocab.json")
    data = json.loads((tmp_path / "vocab.json").read_text())
    assert data["format"] == 1
    del data["format"], data["config"]["same_octave"]  # as tunesmith wrote it before both
    (tmp_path / "old.json").write_text(json.dumps(data))
    old = Tokenizer.load(tmp_path / "old.json")
    assert old.tokens == tok.tokens and not old.config.same_octave
    (tmp_path / "new.json").write_text(json.dumps({**data, "format": 2}))
    with pytest.raises(TokenizerError, match="new.json: vocabulary format 2 is newer"):
        Tokenizer.load(tmp_path / "new.json")


def test_parse_key():
    assert parse_key("Ador").signature == {"F": 1}
    assert parse_key("Bb mix").signature == {"B": -1, "E": -1, "A": -1}
    assert parse_key("F#m").sharps == 3
    assert parse_key("C clef=bass").tonic == "C"
    assert parse_key("none").tonic is None


def _midi_pitches(tune):
    score = music21.converter.parse(tune.abc, format="abc")
    return [p.midi for n in score.recurse().notes for p in n.pitches]


@pytest.mark.parametrize("semitones", [5, -2, 1, 7, -12])
def test_transpose_moves_every_pitch_and_keeps_durations(semitones):
    original = normalise(parse(REEL + "=c2 c2 ^G2 G2 |]\n"))
    moved = transpose(original, semitones)
    before, after = _midi_pitches(original), _midi_pitches(moved)
    assert after == [p + semitones for p in before]  # music21 reads both independently
    assert [b.duration for b in bars(moved)] == [b.duration for b in bars(original)]
    assert validate(moved) == validate(original)


def test_explicit_accidentals_say_what_the_bar_carries_so_music21_hears_it():
    from tunesmith.abc.notes import notes
    from tunesmith.abc.transpose import explicit_accidentals

    carried = parse("X:1\nM:4/4\nL:1/4\nK:D\n^G A G [Gc]|G =F F ^f|\n")
    spelled = explicit_accidentals(carried)
    # the bar's G after ^G is G#; a new bar forgets it; =F holds for F, not for f
    assert spelled.body == "^G A ^G [^Gc]|G =F =F ^f|\n"
    assert [n.pitch for n in notes(spelled)] == [n.pitch for n in notes(carried)]
    assert _midi_pitches(spelled) == [n.pitch for n in notes(carried)]
    assert _midi_pitches(carried) != _midi_pitches(spelled)  # music21 drops the carry
    # a tie holds its note's pitch over the barline; the next G of that bar is natural again
    tied = parse("X:1\nM:2/4\nL:1/4\nK:C\n^G2-|G G|[^Gc]2-|[Gc] c|\n")
    assert explicit_accidentals(tied).body == "^G2-|^G =G|[^Gc]2-|[^Gc] c|\n"
    assert transpose(tied, 2).body == "^A2-|^A =A|[^Ad]2-|[^Ad] d|\n"
    # interleaved voices: the tie waits for its own voice's next bar
    voices = parse("X:1\nM:2/4\nL:1/4\nK:C\n[V:1]^G2-|[V:2]C2|\n[V:1]G G|[V:2]G2|\n")
    assert explicit_accidentals(voices).body == \
        "[V:1]^G2-|[V:2]C2|\n[V:1]^G =G|[V:2]G2|\n"


def test_transpose_spells_in_the_new_key():
    moved = transpose(normalise(parse(REEL)), 5)
    assert moved.key == "G"
    assert moved.body.startswith("d|:g2 bg a2 ba|")  # no stray accidentals in G major
    assert bars(moved)[0].duration == Fraction(1, 8)


def test_a_piece_moved_to_print_has_no_double_sharp_but_a_leading_note():
    # on C minor the model may spell a chromatic line A, G#, and an F as E#: moved down to
    # B minor as it is, G# became F## and E# D##; a printed piece says G and E
    on_c = parse("X:1\nM:4/4\nL:1/8\nK:Cm\n_B4 =A2 ^G2|A4 z4|^E2 F2 ^^F2 G2|\n")
    assert transpose(on_c, -1).body.startswith("=A4 ^G2 ^^F2|G4 z4|^^D2")  # data: as spelled
    plain = transpose(on_c, -1, plain=True)
    assert plain.body.strip() == "=A4 ^G2 =G2|G4 z4|=E2 E2 ^F2 F2|"
    assert [n.pitch for n in notes(plain)] == [n.pitch for n in notes(transpose(on_c, -1))]
    # on C a quartet wrote B# (a C): in D major that is C##, which D's signature already
    # sharpens once; printed, a D
    assert transpose(parse("X:1\nM:4/4\nL:1/8\nK:C\nz2 ^B2 c4|\n"), 2, plain=True
                     ).body.strip() == "z2 =d2 d4|"
    # G# minor's leading note is F##: kept
    assert transpose(parse("X:1\nM:4/4\nL:1/8\nK:Am\nA2 ^G2 A4|\n"), -1, plain=True
                     ).body.strip() == "G2 ^^F2 G4|"

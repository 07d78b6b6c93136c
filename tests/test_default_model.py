"""The model that ships inside the package: found without a path, small, and musical."""

import re
from collections import Counter
from fractions import Fraction
from pathlib import Path

import music21
import pytest

from tunesmith import Composer
from tunesmith.abc import Kind, Tune, bars, lex, parse, parse_key, validate
from tunesmith.abc.notes import notes
from tunesmith.abc.voices import voice_compasses
from tunesmith.checkpoint import load_checkpoint
from tunesmith.cli import main
from tunesmith.composer import DEFAULT_MODEL
from tunesmith.evaluation.texture import texture
from tunesmith.generate import APPROACH, STEP
from tunesmith.styles import (
    CHORD_BONUS_BY_FORM,
    CHORDED_FORMS,
    PARALLEL_COST_BY_FORM,
    RHYTHM_BONUS,
    rhythm_entry,
)
from tunesmith.tools import abc2abc_check


@pytest.fixture(scope="module")
def default():
    return Composer.load()


def test_it_ships_in_the_package_small_and_without_trainer_state():
    files = {p.name for p in DEFAULT_MODEL.iterdir()}
    assert {"model.safetensors", "config.json", "vocab.json", "styles.json"} <= files
    assert "trainer.pt" not in files
    assert sum(p.stat().st_size for p in DEFAULT_MODEL.iterdir()) < 25 * 2**20


@pytest.mark.parametrize("prompt, label", [
    ("古典主义", ("period", "classical")),
    ("a lively Irish reel in D", ("form", "reel")),
    ("中国民歌", ("tradition", "chinese")),
    ("浪漫主义 钢琴曲", ("form", "piano")),  # its hands play chords
])
def test_the_issue_prompts_give_valid_pieces_in_the_asked_style(default, prompt, label):
    for seed in range(2):
        piece = default.generate(prompt, bars=16, seed=seed)[0]
        tune = parse(piece.abc)
        assert piece.controls.labels[label[0]] == label[1]
        assert validate(tune) == []
        measured = bars(tune)
        whole = Counter(b.voice for b in measured if b.duration == b.expected)
        assert len(whole) == piece.controls.voices and set(whole.values()) == {16}  # a quartet 4
        assert len(measured) - sum(whole.values()) <= 1  # a melody's pickup at most
        assert not abc2abc_check(piece.abc).errors
        assert len(music21.converter.parse(piece.abc, format="abc").flatten().notes) >= 16
    if label == ("form", "reel"):
        assert (tune.key, tune.meter) == ("D", "2/2")  # in C|, as O'Neill's reels


def test_a_reel_is_in_the_meter_its_traditions_reels_are_written_in(default):
    """A reel's meter is not fixed by the prompt: O'Neill's reels are in C|, Ryan's mostly in
    2/4, and a mixolydian reel held at 4/4 was Scottish, as 36 of the 38 training reels in
    4/4 are, where 6 of the 43 mixolydian reels are."""
    def meters(prompt: str) -> Counter:
        return Counter((p.controls.labels.get("tradition"), p.controls.meter)
                       for p in default.generate(prompt, bars=1, num=16, seed=0))

    assert meters("a lively Irish reel") == {("irish", "2/2"): 16}
    assert set(meters("an American reel")) <= {("american", "2/2"), ("american", "2/4")}
    mixolydian = Counter(tradition for tradition, _ in meters("a mixolydian reel").elements())
    assert mixolydian["scottish"] < 8 and len(mixolydian) >= 2, mixolydian


def test_open_controls_are_chosen_to_fit_the_ones_given(default):
    # Irish reels have no period in the corpus: choosing one from the first token's prior
    # alone gave "an Irish reel" Palestrina's period (renaissance) and music to match
    for seed in range(6):
        labels = default.generate("a lively Irish reel in D", bars=2, seed=seed)[0].controls.labels
        assert "period" not in labels, labels


def test_a_romantic_or_classical_piece_is_given_a_major_or_minor_key(default):
    # the bundled model learnt lydian and mixolydian for them from scores that end on a
    # trio or a half close; asked for, a church mode is still written
    modes = {piece.controls.labels["mode"] for prompt in ("romantic piano piece", "古典主义")
             for piece in default.generate(prompt, bars=1, num=8, seed=0)}
    assert modes == {"major", "minor"}
    asked = default.generate("a lydian romantic piano piece", bars=1, seed=0)[0]
    assert asked.controls.labels["mode"] == "lydian"


def test_a_songs_lines_end_at_barlines_where_the_corpus_breaks_them_inside_a_bar(default):
    # the Essen songs put a phrase's upbeat on its next line; a score would split the bar
    for piece in default.generate("a German folk song in G", num=8, seed=0):
        lines = parse(piece.abc).body.strip().splitlines()
        assert all(re.search(r"[|:\]]\s*$", line) for line in lines), piece.abc


def test_a_minor_or_major_song_asked_is_written_in_that_mode(default):
    # the corpus writes 14 of its 26 minor German songs under a major signature, and the
    # model, left the key, wrote "a German song in a minor key" in G or D major
    for prompt, mode in (("德国民歌 小调", "minor"), ("a German song in a major key", "major")):
        pieces = default.generate(prompt, bars=2, num=8, seed=0)
        assert {parse_key(parse(p.abc).key).mode for p in pieces} == {mode}, prompt
    # a key given outright (--key, the page's key field) outranks the prompt's mood or mode
    piece = default.generate("a sad waltz", key="D", bars=1, seed=0)[0]
    assert (piece.controls.labels["mode"], parse(piece.abc).key) == ("major", "D")


def test_a_polka_the_corpus_lacks_is_written_as_its_nearest_a_dance(default):
    # left to the model, "a polka" came out a Chinese song for 5 seeds of 8, a quartet for 1
    for prompt in ("a polka", "波尔卡", "an Irish polka", "a sad polka"):
        for piece in default.generate(prompt, bars=2, num=4, seed=0):
            assert piece.controls.labels["form"] == "dance", (prompt, piece.controls.labels)
            assert parse(piece.abc).meter == "2/4" and "V:" not in piece.abc  # a melody
            assert "form=polka; written as its nearest, form=dance" in " ".join(piece.remarks)
    # the corpus's 3 American dances are too few to stand in: the model chooses the form
    american = default.generate("美国 波尔卡", bars=2, seed=0)[0]
    assert "form=polka; the model chooses instead" in " ".join(american.remarks)
    assert american.controls.labels["tradition"] == "american"


def test_a_dance_of_a_period_that_wrote_none_is_played_on_that_period_s_instrument(default):
    # the corpus has no romantic waltz: "a Chopin waltz" was a sparse one-line melody
    for prompt, form, meter in (("a Chopin waltz", "piano", "3/4"),
                                ("a classical jig", "quartet", "6/8"),
                                ("a baroque gavotte", "piano", "2/2")):
        piece = default.generate(prompt, bars=2, seed=0)[0]
        assert (piece.controls.labels["form"], parse(piece.abc).meter) == (form, meter)
        assert f"written as a {piece.controls.labels['period']} {form} piece, in its meter" \
            in " ".join(piece.remarks) and "V:2" in piece.abc
    # a dance with tunes of its own, or of no period, is itself (a medieval dance in the
    # period's voices: ``prompt.PERIOD_TUNE_VOICES``)
    medieval = default.generate("a medieval dance", bars=2, seed=0)[0]
    assert (medieval.controls.labels["form"], medieval.controls.voices) == ("dance", 2)
    assert default.generate("a medieval dance melody", bars=2, seed=0)[0].controls.voices == 1
    assert default.generate("a waltz", bars=2, seed=0)[0].controls.labels["form"] == "waltz"


def test_a_prompt_naming_no_style_gets_the_styles_the_model_weighs_not_always_a_mass(default):
    # drawn at half temperature, as a named style's open choices are, the model's likeliest
    # first label (Palestrina's period) won: "something calm" was a mass for 6 pieces of 8
    chosen = [(p.controls.labels.get("period") or p.controls.labels.get("tradition"),
               p.controls.labels.get("form"))
              for p in default.generate("something calm", bars=1, num=8, seed=0)]
    assert len(set(chosen)) >= 4 and chosen.count(("renaissance", "mass")) <= 4, chosen


def test_a_quartet_caught_in_a_loop_is_written_again(default, monkeypatch):
    from tunesmith.loops import caught_in_a_loop

    # seed 27's first quartet strikes its notes again and again where its note lengths do
    # not lean toward its style's, which keep it from it
    monkeypatch.delitem(default.checkpoint.data, "durations")
    shown: list[tuple[int, int]] = []
    piece = default.generate("a classical string quartet", seed=27,
                             progress=lambda done, total: shown.append((done, total)))[0]
    assert "written again: a first try was caught in a loop, every voice striking" in \
        " ".join(piece.remarks)
    assert caught_in_a_loop(parse(piece.abc), "quartet") is None
    # the progress grows by the bars written again, and never runs back
    done = [d for d, _ in shown]
    assert done == sorted(done) and shown[0][1] == 32 and shown[-1][1] == 64 and done[-1] > 32
    monkeypatch.setattr("tunesmith.composer.LOOP_TRIES", 0)
    first = default.generate("a classical string quartet", seed=27)[0]
    assert caught_in_a_loop(parse(first.abc), "quartet") and first.abc != piece.abc


def test_a_form_that_gains_from_guidance_is_guided_unless_asked_otherwise(default):
    quartet = default.generate("a classical string quartet", bars=4, seed=0)[0]
    assert "guidance 1.5, a quartet's default" in quartet.remarks
    assert "guidance 2, a hornpipe's default" in default.generate(
        "an English hornpipe", bars=2, seed=0)[0].remarks
    assert "guidance 1.5, a strathspey's default" in default.generate(
        "a Scottish strathspey", bars=1, seed=0)[0].remarks
    unguided = default.generate("a classical string quartet", bars=4, seed=0, guidance=1)[0]
    assert unguided.abc != quartet.abc
    assert not any(r.startswith("guidance") for r in unguided.remarks
                   + default.generate("a lively Irish reel", bars=1, seed=0)[0].remarks)


def test_guidance_moves_its_music_toward_the_asked_style(default):
    plain = default.generate("a lively Irish reel in D", bars=8, seed=3)[0]
    guided = default.generate("a lively Irish reel in D", bars=8, seed=3, guidance=3.0)[0]
    assert guided.abc != plain.abc and validate(parse(guided.abc)) == []


def _broken_signs(pieces) -> float:  # ">" and "<" in the bodies: dotted pairs, Scotch snaps
    return sum(line.count(">") + line.count("<") for p in pieces
               for line in p.abc.splitlines() if not re.match(r"[A-Za-z]:", line))


def _shares(pieces) -> dict[Fraction, float]:  # of the notes, by length (whole notes)
    lengths = Counter(n.length for p in pieces for n in notes(parse(p.abc)))
    return {v: n / sum(lengths.values()) for v, n in lengths.items()}


def test_a_piece_s_note_lengths_lean_toward_its_style_s(default, monkeypatch):
    def shares(prompt: str, seeds: tuple[int, ...], num: int) -> dict[Fraction, float]:
        return _shares([p for seed in seeds for p in default.generate(
            prompt, bars=16, num=num, seed=seed)])

    eighth, quarter, half = Fraction(1, 8), Fraction(1, 4), Fraction(1, 2)
    leaning = [shares("a baroque chorale", (0,), 8), shares("a classical string quartet",
                                                             (0, 1), 4)]
    assert "its notes of each length about as often as the training tunes of its style in " \
           "its meter sound them" in default.generate("a baroque chorale", bars=1)[0].remarks
    monkeypatch.setitem(default.checkpoint.data, "durations", None)
    chorale, quartet = leaning
    plain = shares("a baroque chorale", (0,), 8)
    # Bach's chorales move in eighths for 37% of their notes, in quarters 42%: on these
    # seeds the lean's 35% and 49%, without it 24% and 63% (block chords of quarters)
    assert chorale[eighth] > 1.3 * plain[eighth] and chorale[quarter] < plain[quarter]
    # real quartets: 39% eighths, 22% sixteenths, 4% half notes; without the lean the
    # model ran 51% of its notes in triplets of sixteenths (1/24) on these seeds, 3% with it
    plain = shares("a classical string quartet", (0, 1), 4)
    assert quartet.get(Fraction(1, 24), 0) < 0.1 < plain[Fraction(1, 24)]
    assert quartet[eighth] > 2 * plain[eighth] and quartet[half] < 0.1


def test_a_melody_slurs_about_as_often_as_its_style_s_tunes(default, monkeypatch):
    def per_100_notes(prompt: str, seeds: tuple[int, ...]) -> float:
        kinds = [atom.kind for seed in seeds for p in default.generate(
                 prompt, bars=16, num=4, seed=seed) for atom in lex(p.abc.split("\nK:")[1])]
        return 100 * kinds.count(Kind.SLUR_START) / kinds.count(Kind.NOTE)

    leaning = [per_100_notes("an Irish jig", (0, 1)), per_100_notes("an Irish slip jig", (0,))]
    assert any(r.startswith("a slur on about one note in ") and r.endswith(
        "as the training tunes of its style open them")
        for r in default.generate("an Irish jig", bars=1)[0].remarks)
    monkeypatch.setitem(default.checkpoint.data, "slurs", None)
    # the corpus's Irish jigs open 2.3 slurs in 100 notes, its slip jigs 1.3: on these seeds
    # the model's 4.6 and 3.8 with the lean, 9.0 and 14.0 without
    jig, slip_jig = leaning
    assert jig < 0.6 * per_100_notes("an Irish jig", (0, 1))
    assert slip_jig < 0.5 * per_100_notes("an Irish slip jig", (0,))


@pytest.mark.parametrize("prompt, entry, whose, seeds", [
    # real Irish jigs dot 1.2% of their notes; the model's unguided jigs ran to 12 and 20
    # broken signs in 8 pieces of 16 bars (seeds 0 and 1; 14 and 7 on 2 and 3), 5 and none
    # with them held back (2 and none)
    ("an Irish jig", "jig", "a jig's", (0, 1)),
    # Irish reels 0.5% (Scottish ones 10.2%): 271 signs in 24 pieces, 37 held back
    ("a lively Irish reel", "irish reel", "an Irish reel's", (1, 2, 3)),
])
def test_dotted_pairs_are_held_back_where_real_tunes_run_in_even_notes(
        default, monkeypatch, prompt, entry, whose, seeds):
    def written() -> float:
        return sum(_broken_signs(default.generate(prompt, bars=16, num=8, seed=seed,
                                                  guidance=1.0)) for seed in seeds)

    # the rhythm entry alone, as measured: a melody's dots and the lean on its note lengths
    # hold its dotted pairs back too
    monkeypatch.setitem(default.checkpoint.data, "dots", None)
    monkeypatch.setitem(default.checkpoint.data, "durations", None)
    held = written()
    assert f"dotted pairs and snaps held back, {whose} rhythm" in default.generate(
        prompt, bars=1, seed=0)[0].remarks
    monkeypatch.delitem(RHYTHM_BONUS, entry)
    assert 4 * held < written()


def test_an_american_march_moves_in_eighths_as_ryan_s_do(default, monkeypatch):
    # Ryan's marches: 20% sixteenths; the model's 50% without the entry on these seeds, 19%
    # (without a pace: a march drawn at the pace of Ryan's 2/4 marches, which run a median
    # 45% of their notes in sixteenths, takes the entry's nats back where it runs slower)
    monkeypatch.setitem(default.checkpoint.data, "paces", None)
    monkeypatch.setitem(default.checkpoint.data, "durations", None)  # which hold them too

    def sixteenths() -> float:
        lengths = [n.length for seed in (0, 1) for p in default.generate(
            "an American march", bars=16, num=4, seed=seed) for n in notes(parse(p.abc))]
        return sum(v == Fraction(1, 16) for v in lengths) / len(lengths)

    held = sixteenths()
    remarks = default.generate("an American march", bars=1, seed=0)[0].remarks
    assert "sixteenth notes held back, an American march's rhythm" in remarks
    monkeypatch.delitem(RHYTHM_BONUS, "american march")
    assert 2 * held < sixteenths()


def test_a_fiddle_tune_lies_on_the_fiddle_where_its_tradition_s_tunes_lie(default):
    # no Scottish tune of the corpus goes under the fiddle's G (55) or over 89, half of them
    # lie around 71-74; seed 1400's strathspeys went down to D3 and F#3 (50, 54)
    from statistics import median

    for seed in (1400, 1500):
        for piece in default.generate("a Scottish strathspey", num=4, seed=seed):
            pitches = [n.pitch for n in notes(parse(piece.abc))]
            assert min(pitches) >= 55 and max(pitches) <= 89, piece.abc
            # in the octave nearest 74 of those that keep it so (a wide one may lie lower)
            toward = 12 if median(pitches) < 74 else -12
            assert abs(median(pitches) - 74) <= 6 or not (
                min(pitches) + toward >= 55 and max(pitches) + toward <= 89), piece.abc


def test_a_melody_steps_or_moves_a_third_into_its_last_note(default):
    # real melodies leap a fourth or more into their last note in 7.0% of the test split;
    # these seeds' pieces did in 3, 3, 4 and 4 of 4 (a fifth's window alone), and before it
    # their strathspeys and reels leapt an octave (B4 to D4, D5 to D6)
    for prompt, seed in (("a German folk song in G", 1400), ("中国民歌", 1300),
                         ("D大调 华尔兹", 1800), ("a mixolydian reel", 1200),
                         ("a Scottish strathspey", 1500),
                         ("a lively Irish reel in D major", 1700)):
        for piece in default.generate(prompt, num=4, seed=seed):
            tune = parse(piece.abc)
            sounding = notes(tune)
            if sounding[-1].length >= bars(tune)[-1].duration:
                continue  # the last note fills its bar: no room to step into it there
            assert abs(sounding[-1].pitch - sounding[-2].pitch) <= APPROACH, piece.abc


def test_a_chorale_s_soprano_steps_into_its_last_note_and_its_bass_leaps_into_its_own(default):
    # Bach's sopranos step into their last note in 97% of the corpus's chorales, the basses
    # leap a fourth or a fifth in 93%; on these seeds the sopranos leapt a fifth or more in
    # 5 of 8 pieces, the basses moved a step, a third or an octave in 4
    for seed in (1200, 1300):
        for piece in default.generate("a baroque chorale", num=4, seed=seed):
            voices: dict[str, list] = {}
            for n in notes(parse(piece.abc)):
                voices.setdefault(n.voice, []).append((n.onset, n.pitch))
            top, bass = sorted(voices[min(voices)])[-2:], sorted(voices[max(voices)])[-2:]
            assert abs(top[1][1] - top[0][1]) <= STEP, piece.abc
            assert abs(bass[1][1] - bass[0][1]) in (5, 7), piece.abc


def test_a_reel_ends_on_a_short_note_and_a_chinese_song_on_a_long_one(default):
    from tunesmith.abc.notes import last_beats

    # 96% of the corpus's reels end on a note shorter than a beat (a quarter note of 2/2),
    # 65% of its Chinese songs on two beats or more; every melody ended on a beat before
    def ends(prompt: str) -> list[Fraction]:
        return [last_beats(parse(p.abc))[0] for seed in (0, 1)
                for p in default.generate(prompt, num=4, seed=seed)]

    assert sum(x < 1 for x in ends("a lively Irish reel")) >= 6
    assert sum(x >= 2 for x in ends("中国民歌")) >= 4


def test_songs_of_the_essen_collection_s_styles_write_no_triplets_or_dotted_pairs(default):
    from tunesmith.abc.lexer import Kind, lex

    # none of its 6,600 German, Lorraine, Luxembourg and Chinese songs does; before, these
    # seeds wrote triplets in 4 of 8 songs from Luxembourg, a German song a dotted pair too
    for prompt in ("a song from Luxembourg", "a German folk song"):
        for seed in (0, 1):
            for piece in default.generate(prompt, num=4, seed=seed):
                kinds = {a.kind for a in lex(parse(piece.abc).body)}
                assert {Kind.TUPLET, Kind.BROKEN}.isdisjoint(kinds), piece.abc
                assert "no dotted pairs or triplets, as fewer than one in a hundred training " \
                       "tunes of its style write them" in piece.remarks


def test_a_quartet_s_first_violin_climbs_as_high_as_real_ones_within_each_compass(default):
    # held to D6 (MIDI 86) before, the violin I struck that ceiling in most pieces
    tops = []
    for seed in (0, 1):
        for piece in default.generate("a classical string quartet", bars=16, num=4, seed=seed):
            lines: dict[str, list[int]] = {}
            for n in notes(parse(piece.abc)):
                lines.setdefault(n.voice, []).append(n.pitch)
            compasses = voice_compasses(4, piece.controls.labels)
            assert all(low <= min(p) and max(p) <= high
                       for p, (low, high) in zip(lines.values(), compasses, strict=True))
            tops.append(max(next(iter(lines.values()))))
    assert max(tops) > 86


def test_a_dance_tune_plays_its_parts_twice_as_its_styles_tunes_are_written(default,
                                                                          monkeypatch):
    from tunesmith.abc.sections import layout

    # drawn from the training melodies' forms: Scottish strathspeys are mostly "4: 8"
    for piece in default.generate("a Scottish strathspey", num=4, seed=0):
        written = layout(parse(piece.abc))
        assert written in {"4: 8", "4: 4:", "4: 8:", "4: 4"}
        assert any(" bars in parts of 4 played twice" in r for r in piece.controls.remarks)
    # as planned, every part closed where the plan closes it and played twice as it says
    for plan in ("8: 8:", "8 8", "4: 4: 8"):
        monkeypatch.setitem(default.checkpoint.data, "layouts",
                            [[None] * 4 + [False, plan, 10], [None] * 4 + [True, plan, 10]])
        for piece in default.generate("a jig", num=2, seed=1):
            assert layout(parse(piece.abc)) == plan
            assert validate(parse(piece.abc)) == []
    # counts from before pieces in voices were counted (no voices column) are melodies'
    monkeypatch.setitem(default.checkpoint.data, "layouts", [[None] * 4 + ["8: 8:", 10]])
    assert layout(parse(default.generate("a jig", seed=1)[0].abc)) == "8: 8:"
    # a chorale's voices too: its Stollen played twice, all four voices closing it together
    monkeypatch.setitem(default.checkpoint.data, "layouts",
                        [[None] * 4 + [True, "4: 4: 8", 10]])
    for piece in default.generate("a baroque chorale", num=1, seed=1):
        assert layout(parse(piece.abc)) == "4: 4: 8"
        closes = piece.abc.count(":|") + piece.abc.count("::")  # "::" closes and opens
        assert closes == 4 * 2 and validate(parse(piece.abc)) == []


def test_a_tune_asked_in_parts_is_written_in_that_many(default, monkeypatch):
    from tunesmith.abc.sections import layout

    # the jigs of the corpus in three parts are mostly "8: 8: 8:"
    for piece in default.generate("a jig in three parts", num=3, seed=0):
        assert len(layout(parse(piece.abc)).split()) == 3
    # a style with no tune in as many parts: its form with its last part written again
    monkeypatch.setitem(default.checkpoint.data, "layouts",
                        [[None] * 4 + [False, "4: 8", 10]])
    assert layout(parse(default.generate("a strathspey in three parts", seed=1)[0].abc)) \
        == "4: 8 8"
    # with its length given, the parts are the model's, and the remarks say so
    piece = default.generate("a 16-bar reel in three parts", seed=0)[0]
    assert piece.controls.bars == 16 and "3 parts asked; with its length or opening given, " \
        "or in voices, the model parts it" in piece.remarks


def test_a_traditions_rhythm_is_its_own(default):
    # Scottish reels dot their notes as often as the model does: the Irish reel's entry
    # leaves them be
    remarks = default.generate("a Scottish reel", bars=1, seed=0)[0].remarks
    assert not any("rhythm" in r for r in remarks)
    assert rhythm_entry({"tradition": "scottish", "form": "reel"}) == "reel"
    assert rhythm_entry({"tradition": "irish", "form": "jig"}) == "jig"


def test_a_favoured_rhythm_is_named_in_the_remarks(default, monkeypatch):
    monkeypatch.setitem(RHYTHM_BONUS, "reel", {"1/2": 0.5, "3/16": 0.5, "slur": -1.0})
    remarks = default.generate("a Scottish reel", bars=1, seed=0)[0].remarks
    assert "half notes and notes 3/16 long favoured, a reel's rhythm" in remarks
    assert "slurs held back, a reel's rhythm" in remarks


def test_a_chorale_s_voices_keep_from_parallels_as_bach_s_do(default, monkeypatch):
    def parallels() -> float:  # of the voices' similar steps, in parallel fifths or octaves
        pieces = default.generate("a baroque chorale", bars=8, num=8, seed=0)
        return texture([parse(p.abc) for p in pieces])["parallel_fifths_and_octaves"]

    strict = parallels()  # 1.2% (Bach's 2.3%)
    monkeypatch.delitem(PARALLEL_COST_BY_FORM, "chorale")
    assert strict < 0.035 and parallels() > max(2 * strict, 0.03)  # 3.7% at other forms' cost


def test_a_chorale_s_voices_sound_whole_chords_as_bach_s_do(default, monkeypatch):
    # measured as the bonus was chosen, the note lengths leaning toward none (with the lean
    # 0.79 and 0.75 on this seed: its eighths between the beats leave the bonus less to do)
    monkeypatch.delitem(default.checkpoint.data, "durations")

    def whole() -> float:  # of the quarter beats, those sounding a whole triad
        pieces = default.generate("a baroque chorale", bars=8, num=8, seed=0)
        return texture([parse(p.abc) for p in pieces])["whole_triads"]

    chords = whole()  # 0.85 (Bach's chorales 0.89)
    monkeypatch.delitem(CHORD_BONUS_BY_FORM, "chorale")
    assert chords > 0.8 and chords > whole() + 0.1  # 0.68 without the bonus


def test_a_mass_s_voices_sound_whole_chords_as_palestrina_s_do(default, monkeypatch):
    # every voice in from the start, as the bonus was chosen: a voice that waits leaves the
    # others fewer whole chords to sound, in Palestrina's masses as in the model's
    monkeypatch.delitem(default.checkpoint.data, "entries")

    def whole() -> float:
        pieces = [p for seed in (0, 1)
                  for p in default.generate("a renaissance mass", bars=8, num=4, seed=seed)]
        return texture([parse(p.abc) for p in pieces])["whole_triads"]

    chords = whole()  # 0.65 (Palestrina's 0.65-0.70)
    monkeypatch.delitem(CHORD_BONUS_BY_FORM, "mass")
    assert chords > 0.6 and chords > whole() + 0.05  # 0.54 without the bonus


def test_a_mass_s_voices_come_in_one_after_another_as_palestrina_s_do(default, monkeypatch):
    from tunesmith import composer
    from tunesmith.abc.notes import entries

    def written() -> list[tuple[Tune, list[int]]]:
        pieces = [p for seed in (1200, 1300)
                  for p in default.generate("文艺复兴 弥撒曲", num=4, seed=seed)]
        said = [re.search(r"voices rest ([\d, and]+) bars", " ".join(p.remarks))
                for p in pieces]
        return [(parse(p.abc), [int(n) for n in re.findall(r"\d+", m.group(1))] if m else [])
                for p, m in zip(pieces, said, strict=True)]

    staggered = written()
    # most drew voices that wait, each coming in on the bar drawn for it
    assert sum(bool(waits) for _, waits in staggered) >= 4
    assert all(list(entries(t)[0]) == waits for t, waits in staggered if waits)
    # and a tenth of those answer the first voice's opening (Palestrina's 38%), where none
    # did without the nats
    answering = texture([t for t, _ in staggered])["late_voices_answering"]
    monkeypatch.setitem(composer.IMITATION_BONUS_BY_FORM, "mass", 0.0)
    assert answering > 0.1 and texture([t for t, _ in written()])["late_voices_answering"] == 0
    monkeypatch.delitem(default.checkpoint.data, "entries")
    assert {entries(t)[0] for t, _ in written()} == {(0, 0, 0, 0)}  # uncounted: all at once


def test_a_piano_piece_s_hands_play_chords_as_the_corpus_s_do(default, monkeypatch):
    def in_chords() -> list[float]:  # of each hand's notes, those struck with another
        tunes = [parse(p.abc) for p in default.generate("romantic piano piece", bars=8,
                                                          num=4, seed=0)]
        assert all(validate(t) == [] for t in tunes)
        struck = [(i, n.voice, n.onset) for i, t in enumerate(tunes) for n in notes(t)]
        together = Counter(struck)
        return [sum(together[n] > 1 for n in struck if n[1] == hand)
                / sum(n[1] == hand for n in struck) for hand in ("1", "2")]

    def said() -> bool:
        remarks = default.generate("romantic piano piece", bars=1, seed=0)[0].remarks
        return "chords in its parts, as piano pieces play them" in remarks

    # the right hand and the left: 0.24 and 0.54 (the corpus's romantic piano pieces 0.26
    # and 0.79; without FIRST_CHORD_BONUS 0.09 and 0.37)
    (right, left), told = in_chords(), said()
    assert 0 < right < left and left > 0.3 and told
    monkeypatch.delitem(CHORDED_FORMS, "piano")
    assert in_chords() == [0, 0] and not said()


def test_a_german_song_runs_its_sixteenths_at_the_pace_of_one_of_its_style(default,
                                                                          monkeypatch):
    from tunesmith import generate
    from tunesmith.abc.notes import quick_share

    def paces(pieces) -> list[tuple[float, float]]:
        said = [re.search(r"about (\d+)% of its notes sixteenths", " ".join(p.remarks))
                for p in pieces]
        return [(quick_share(parse(p.abc)), int(m.group(1)) / 100)
                for p, m in zip(pieces, said, strict=True)]

    def written() -> list[tuple[float, float]]:
        return paces([p for seed in (1200, 1400)
                      for p in default.generate("a German folk song in G", num=4, seed=seed)])

    paced = written()
    # on these seeds the model ran a song in sixteenths (57% of its notes; 77% before its
    # notes leaned toward its style's degrees) where the songs of its style it drew ran none
    monkeypatch.setattr(generate, "PACE_COST", 0.0)
    monkeypatch.setattr(generate, "PACE_BONUS", 0.0)
    free = written()
    assert [pace for _, pace in paced] == [pace for _, pace in free]  # the same draws
    assert max(share - pace for share, pace in free) > 0.5
    assert sum(abs(share - pace) for share, pace in paced) < \
        0.6 * sum(abs(share - pace) for share, pace in free)
    assert sum(share for share, _ in paced) < 0.6 * sum(share for share, _ in free)


def test_cli_uses_it_by_default(capsys):
    assert main(["generate", "中国民歌", "--bars", "8", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("X:1") and validate(parse(out)) == []


def test_its_card_gives_its_real_size_and_validation_loss(default):
    card = (Path(__file__).parents[1] / "docs" / "model-card.md").read_text(encoding="utf-8")
    assert f"{load_checkpoint(default.checkpoint.path).model.num_parameters():,}" in card
    assert f"{default.checkpoint.metrics['valid_loss']:.4f}" in card


def test_its_jigs_play_their_last_part_twice_where_its_chinese_songs_never_do(default):
    # nine in ten of the corpus's Irish jigs end on ":|", none of its Chinese songs; the
    # model, unsure at a piece's last barline, left alone closed repeats in both. A jig is
    # pushed toward ":|", and the model may still end it otherwise (v11: one in six here)
    for prompt, repeats in (("爱尔兰吉格舞曲", True), ("中国民歌", False)):
        pieces = default.generate(prompt, bars=16, num=6, seed=1200)
        assert all(any(r.startswith("its last part repeats") for r in p.controls.remarks)
                   == repeats for p in pieces)
        endings = [re.findall(r"\|\]|:\||\|", p.abc)[-1] for p in pieces]
        assert endings.count(":|") >= 5 if repeats else ":|" not in endings, endings


def test_a_melody_of_a_form_written_in_voices_is_one_line_of_it(default):
    """"a chorale melody" is a chorale's tune, not its four voices; "a lydian tune" a single
    line, where the model alone would choose a medieval piece in three voices."""
    for prompt, labels in (("a chorale melody", {"form": "chorale"}),
                           ("a lydian tune", {"mode": "lydian"})):
        piece = default.generate(prompt, bars=4, seed=0)[0]
        assert labels.items() <= piece.controls.labels.items()
        assert piece.controls.voices == 1 and "V:" not in piece.abc
        assert "period" not in piece.controls.labels


def test_a_reel_is_played_at_a_reels_tempo_and_a_chorale_at_a_chorales(default, tmp_path):
    """The corpus marks its reels a half note at 104 and its chorales a quarter at 96; a piece
    not asked its tempo is played so, its MIDI too, and a style it marks none of (a Chinese
    song) is left to the players' default. The mark is in the meter's beat, as players
    write it: an Irish reel's C| in halves, a jig's 6/8 in dotted quarters."""
    for prompt, mark, tempo in (("an Irish reel", "1/2=104", 208), ("a jig", "3/8=120", 180),
                                ("a baroque chorale", "1/4=96", 96), ("中国民歌", None, None)):
        piece = default.generate(prompt, bars=4, seed=1)[0]
        assert parse(piece.abc).get("Q") == mark, piece.abc
        if tempo:
            midi = piece.save(tmp_path / f"{tempo}.mid")
            marks = music21.converter.parse(midi).flatten().getElementsByClass("MetronomeMark")
            assert round(marks[0].getQuarterBPM()) == tempo
    assert parse(default.generate("an Irish reel", bars=4, seed=1, tempo=150)[0].abc).get("Q") \
        == "1/2=75"
    # a pace word is a share of the style's tempo: a lively reel goes faster than a reel
    lively = default.generate("a lively Irish reel", bars=4, seed=1)[0]
    assert parse(lively.abc).get("Q") == f"1/2={round(208 * 1.1 / 2)}"  # 228.8 quarters
    assert any(r.startswith("Q:1/2=114 (quarter notes at 228), 1.1 times 208")
               for r in lively.remarks)


def test_a_piece_asked_its_length_in_time_plays_that_long(default, tmp_path):
    """"A two-minute jig" is its style's parts, more of them, and its MIDI (abc2midi playing
    its repeats) lasts about two minutes; so does a Chinese song of thirty seconds."""
    for prompt, seconds in (("a two-minute Irish jig", 120), ("三十秒的中国民歌", 30)):
        piece = default.generate(prompt, seed=2)[0]
        midi = music21.converter.parse(piece.save(tmp_path / f"{seconds}.mid"))
        marks = midi.flatten().getElementsByClass("MetronomeMark")
        bpm = marks[0].getQuarterBPM() if marks else 120  # abc2midi's with no Q:
        assert abs(midi.highestTime / bpm * 60 - seconds) <= 0.15 * seconds, piece.abc
        assert abs(piece.seconds - midi.highestTime / bpm * 60) <= 2  # but a pickup's beat
        assert any(r.startswith("plays for") for r in piece.remarks)


def test_a_chant_is_sung_through_slowly_in_a_church_mode(default):
    """The corpus has no chant: "a Gregorian chant" was a lydian tune in 6/8 with its parts
    repeated, a dance; now a medieval melody sung through once, in 4/4, slow, dorian."""
    for piece in default.generate("a Gregorian chant", num=2, seed=2):
        tune = parse(piece.abc)
        assert piece.controls.labels["mode"] == "dorian" and tune.meter == "4/4"
        assert ":" not in tune.body.replace("|]", "")  # no repeat
        assert int(tune.get("Q").split("=")[1]) <= 80

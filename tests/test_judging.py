"""Evaluation of music: notes, key finding, style judging, statistics, novelty, the report.

Each metric is checked on hand-made cases whose answer is known in advance.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from tunesmith.abc import parse
from tunesmith.abc.notes import notes
from tunesmith.cli import main
from tunesmith.evaluation.distributions import (
    FEATURES,
    distinct_ngrams,
    histograms,
    overlap,
    pooled,
)
from tunesmith.evaluation.generated import (
    Asked,
    alike,
    asked_key_kept,
    judge_piece,
    key_accuracy_by_mode,
    key_ceiling,
    read_prompts,
    recall,
)
from tunesmith.evaluation.judges import build, confusion, krumhansl, train_style_classifier
from tunesmith.evaluation.novelty import TrainingSet, voice_lines
from tunesmith.models.judges import Judges, key_label
from tunesmith.models.tone_cnn import (
    COLUMNS,
    MODES,
    ROWS,
    ToneCNN,
    decode,
    encode,
    note_arrays,
    piano_roll,
)

D_MAJOR = """X:1
T:Scale study in D
M:4/4
L:1/8
K:D
D2 F2 A2 d2 | f2 e2 d2 A2 | B2 A2 G2 F2 | E2 F2 D4 |
F2 A2 d2 f2 | e2 c2 A2 c2 | d2 A2 F2 E2 | D8 |]
"""


def tune(body: str, key: str = "C", meter: str = "2/4", unit: str = "1/8"):
    return parse(f"X:1\nM:{meter}\nL:{unit}\nK:{key}\n{body}\n")


def test_notes_follow_key_accidentals_ties_and_rhythm():
    t = tune("f ^c c =c | c A>B (3GAB [DF]2 d2-|d4", key="D", meter="4/4")
    got = [(n.pitch, n.length) for n in notes(t)]
    e = Fraction(1, 8)
    assert got[:4] == [(78, e), (73, e), (73, e), (72, e)]  # F# from K:D; ^c holds; =c
    assert got[4] == (73, e)  # the barline ends the natural: back to the signature's C#
    assert got[5:7] == [(69, e * 3 / 2), (71, e / 2)]  # A>B
    assert got[7:10] == [(67, e * 2 / 3), (69, e * 2 / 3), (71, e * 2 / 3)]  # triplet
    assert got[10:12] == [(62, 2 * e), (66, 2 * e)]  # chord: both notes, same onset
    assert got[12] == (74, 6 * e) and len(got) == 13  # d2-|d4 is one note
    assert notes(t)[11].onset == notes(t)[10].onset


def test_each_voice_keeps_its_own_unit_key_and_ties():
    # the corpus's scores: voice 1 in sixteenths, voice 2 with its own key, a tie across the
    # switch to another voice
    t = tune("[V:1][L:1/16] c4 d4 |[V:2][K:D] F2 A2- |[V:1] e8 |[V:2] A2 F2 |", meter="2/4")
    got = {v: [(n.pitch, n.onset, n.length) for n in notes(t) if n.voice == v] for v in "12"}
    q = Fraction(1, 4)
    assert got["1"] == [(72, 0, q), (74, q, q), (76, 2 * q, 2 * q)]
    assert got["2"] == [(66, 0, q), (69, q, 2 * q), (66, 3 * q, q)]  # F# held; A2-|A2 one note


def test_texture_measures_on_hand_made_voices():
    from tunesmith.evaluation.texture import (
        chorded,
        crossing,
        dissonance,
        parallels,
        silence,
        tacet,
        texture,
        triads,
    )

    # C held under c d e f: d strikes a second; a voice of its own, nothing to measure
    held = tune("V:1\nc d e f|\nV:2\nC4|", meter="4/4", unit="1/4")
    assert dissonance(held) == pytest.approx(1 / 5) and silence(held) == 0
    assert dissonance(tune("c d e f|")) is None and tacet(tune("c d e f|")) is None
    # the lower voice rests for half the piece; for the last quarter nobody sounds
    resting = tune("V:1\nc d e z|\nV:2\nC z z z|", meter="4/4", unit="1/4")
    assert dissonance(resting) == 0  # d and e sound against no one
    assert silence(resting) == pytest.approx((0 + 2 / 3) / 2)  # the piece ends after e
    assert tacet(resting) == 0
    gap = tune("V:1\nc z d2|\nV:2\nB, z F2|", meter="4/4", unit="1/4")
    assert tacet(gap) == pytest.approx(1 / 4)
    assert dissonance(gap) == pytest.approx(2 / 4)  # c and B, clash both ways; d and F not
    # fifths c/F, d/G, e/A, then the tritone f/B: two of three steps in parallel fifths;
    # below, the lower voice holds (no motion), then moves against the upper
    fifths = tune("V:1\nc d e f|\nV:2\nF G A B|", meter="4/4", unit="1/4")
    assert parallels(fifths) == pytest.approx(2 / 3) and parallels(held) is None
    contrary = tune("V:1\nc d e d|\nV:2\nC B, A, B,|", meter="4/4", unit="1/4")
    assert parallels(contrary) is None  # octave to third to fifth, always contrary motion
    # the lower voice climbs through the upper one's held e: its f and g sound above it, and
    # the upper voice's e was struck over the lower one's c (below it then: no crossing)
    crossed = tune("V:1\ne4|\nV:2\nc d f g|", meter="4/4", unit="1/4")
    assert crossing(crossed) == pytest.approx(2 / 5) and crossing(held) == 0
    assert crossing(gap) == 0 and crossing(tune("c d e f|")) is None
    # voices rank as the body writes them, not as they enter: a mass's upper voice enters late
    late = tune("V:1\nz2 e2|\nV:2\nc2 c2|", meter="4/4", unit="1/4")
    assert crossing(late) == 0
    # C major, F major, then a bare third and a lone c: half the beats sound a whole triad
    chords = tune("V:1\ne f e z|\nV:2\nc c c c|\nV:3\nG, A, z2|", meter="4/4", unit="1/4")
    assert triads(chords) == pytest.approx(2 / 4) and triads(held) == 0
    assert triads(tune("c e g c'|")) is None  # a melody's arpeggio is no chord
    # a prompt's pieces: the melody among them says nothing about voices
    measured = texture([held, gap, tune("c d e f|")])
    assert measured.pop("late_voices_answering") is None  # their voices come in together
    assert measured == pytest.approx(
        {"dissonant_onsets": (1 / 5 + 2 / 4) / 2, "parallel_fifths_and_octaves": 0.0,
         "crossed_voices": 0.0,
         "time_each_voice_rests": (0 + 1 / 4) / 2, "time_all_voices_rest": (0 + 1 / 4) / 2,
         "whole_triads": 0.0, "notes_in_chords": 0.0, "voices_coming_in_late": 0.0})
    # a point of imitation: the alto answers the soprano's opening a fifth below, in its
    # rhythm, a bar later; the bass comes in two bars late on one note
    imitated = tune("V:1\nc d e f|g4|a4|\nV:2\nz4|F G A B|c4|\nV:3\nz4|z4|C,4|", meter="4/4",
                    unit="1/4")
    assert texture([imitated])["voices_coming_in_late"] == pytest.approx(2 / 3)
    assert texture([imitated])["late_voices_answering"] == pytest.approx(1 / 2)
    # a hand striking chords: four of the right hand's six notes, none of the left hand's
    piano = tune("V:1\n[ce] d [Bd] c|\nV:2\nC, G, E, C,|", meter="4/4", unit="1/4")
    assert chorded(piano) == pytest.approx(4 / 10) and chorded(tune("c d e f|")) is None


def test_piano_roll_moves_with_transposition():
    arrays = note_arrays(notes(parse(D_MAJOR)))
    roll, up = piano_roll(*arrays), piano_roll(*arrays, shift=2)
    assert roll.shape == (2, ROWS, COLUMNS)
    assert np.allclose(roll[:, :-2], up[:, 2:])  # nothing reaches the top octave's edge
    assert roll[0].max() == 1 and roll[1].max() == 1


def test_key_labels_and_joint_classes():
    assert decode(encode(2, "major")) == (2, "major")
    assert decode(key_label(tune("A", key="Ador"))) == (9, "dorian")
    assert key_label(tune("A", key="none")) is None


def test_krumhansl_schmuckler_finds_d_major():
    assert krumhansl(parse(D_MAJOR)) == (2, "major")


def test_the_bundled_tone_cnn_hears_d_major_in_any_transposition():
    from tunesmith.abc import transpose

    judges = Judges.load()
    for semitones in (0, 3, -4):
        moved = transpose(parse(D_MAJOR), semitones)
        assert judges.keys([moved]) == [((2 + semitones) % 12, "major")]


def test_confusion_counts_right_and_wrong():
    acc = confusion([("jig", "jig"), ("jig", "reel"), ("reel", "reel"), ("air", "reel")],
                    ["reel", "jig"])
    assert acc.labels == ["reel", "jig", "air"]
    assert acc.matrix == [[1, 0, 0], [1, 1, 0], [1, 0, 0]]
    assert (acc.correct, acc.total, acc.accuracy) == (2, 4, 0.5)


def test_histograms_of_a_known_tune():
    h = histograms(tune("C2 E2 G2 c2 | c8 |]", meter="4/4"))
    assert h["pitch_class"][[0, 4, 7]].tolist() == [3, 1, 1]
    assert h["interval"][12 + 4] == 1 and h["interval"][12 + 3] == 1
    assert h["interval"][12 + 5] == 1 and h["interval"][12] == 1  # c2 then c8: unison
    assert h["note_length"][FEATURES["note_length"].index("1/4")] == 4
    assert h["note_length"][FEATURES["note_length"].index("1")] == 1
    assert h["pitch_range"][4] == 1  # 12 semitones: bin 12-14
    assert h["tonic"].tolist() == [1] + [0] * 11  # K:C, one count for the tune


def test_the_overlap_ceiling_is_what_a_few_real_tunes_reach_against_the_others():
    from tunesmith.evaluation.distributions import FEATURES, histograms, overlap_ceiling

    same = [histograms(parse(D_MAJOR))] * 6
    assert all(v == pytest.approx(1.0) for v in overlap_ceiling(same, 2).values())
    ranges = [parse(f"X:1\nM:4/4\nL:1/8\nK:D\nD2{top}2 D4|]\n") for top in "FAdfa"]
    ceiling = overlap_ceiling([histograms(t) for t in ranges], 1)
    assert ceiling["pitch_range"] == 0.0  # each melody spans its own bin: one never fills it
    assert ceiling["pitch_class"] < 1.0
    assert np.isnan(overlap_ceiling(same[:2], 2)["interval"]) and len(ceiling) == len(FEATURES)


def test_overlap_is_one_for_equal_and_zero_for_disjoint():
    a, b = np.array([1.0, 1, 0, 0]), np.array([0.0, 0, 3, 1])
    assert overlap(a, a * 5) == pytest.approx(1.0)
    assert overlap(a, b) == 0.0
    assert overlap(a, np.array([1.0, 0, 1, 0])) == pytest.approx(0.5)
    same = pooled([parse(D_MAJOR)])
    assert all(overlap(same[f], pooled([parse(D_MAJOR)])[f]) == pytest.approx(1) for f in same)


def test_distinct_ngrams():
    assert distinct_ngrams([tune("A B A B")], 1) == pytest.approx(2 / 4)
    assert distinct_ngrams([tune("A B A B")], 2) == pytest.approx(2 / 3)
    assert distinct_ngrams([tune("A B C D")], 2) == 1.0


TRAINING = ["ABcd|efga|bagf|edcB|A2B2|c2d2|e4|f4|g4|]",
            "CDEF|GABc|dcBA|GFED|C4|]"]


def test_copied_bars_and_near_duplicates_are_found():
    training = TrainingSet([tune(b) for b in TRAINING])
    copied = tune("zzzz|efga|bagf|edcB|A2B2|c2d2|zzzz|]")  # training bars 2-6, in order
    assert voice_lines(copied)[0][1] == "efga"
    assert training.longest_run(copied) == 5
    assert training.longest_run(tune("efga|zzzz|bagf|]")) == 1
    assert training.longest_run(tune("CDEF|GABc|zzzz|]")) == 2
    assert training.longest_run(tune("^C^D^E^F|]")) == 0
    assert training.near_duplicate(tune(TRAINING[1])) == 1.0
    one_note_changed = TRAINING[0].replace("g4", "a4")  # 1 of 30 characters
    assert training.near_duplicate(tune(one_note_changed)) == pytest.approx(1 - 1 / 30)
    assert training.near_duplicate(copied) == 0.0


def test_a_piece_in_voices_is_checked_voice_by_voice_where_it_sounds():
    # a training chorale as the corpus holds it: interleaved, its tenor where it sounds
    chorale = parse("X:1\nM:4/4\nL:1/4\nK:C\n" + "".join(
        f"[V:1]{s}|[V:2]{t}|\n" for s, t in [("cdef", "C,D,E,F,"), ("gabc'", "G,A,B,C"),
                                           ("c'bag", "CB,A,G,"), ("fedc", "F,E,D,C,")]))
    training = TrainingSet([chorale])
    # a piece printed in blocks whose tenor, in treble-8, copies the training tenor's four
    # bars (written an octave up) under a soprano of its own
    piece = parse("X:1\nM:4/4\nL:1/4\nK:C\nV:1 nm=\"Soprano\" clef=treble\n"
                  "e4|e4|e4|e4|]\nV:2 nm=\"Tenor\" clef=treble-8\nCDEF|GABc|cBAG|FEDC|]\n")
    assert voice_lines(piece)[1] == ["C,D,E,F,", "G,A,B,C", "CB,A,G,", "F,E,D,C,"]
    assert training.longest_run(piece) == 4
    # the soprano's bar and the tenor's below it are not two bars of one line
    across = parse("X:1\nM:4/4\nL:1/4\nK:C\n[V:1]cdef|[V:2]e4|\n[V:1]C,D,E,F,|[V:2]e4|\n")
    assert training.longest_run(across) == 1
    assert training.near_duplicate(chorale) == 1.0
    # a held note or a rest copies no line: a run counts the bars that strike two notes
    held = TrainingSet([tune("D4-|D4|D4-|D4|z4|cdef|]")])
    assert held.longest_run(tune("D4-|D4|D4-|D4|z4|gfed|]")) == 0
    assert held.longest_run(tune("D4-|D4|D4-|D4|z4|cdef|]")) == 1


def test_the_asked_key_or_major_or_minor_mode_is_checked_in_the_written_key():
    assert asked_key_kept(Asked.of("a German song in D minor"), "Dm") is True
    assert asked_key_kept(Asked.of("a German song in D minor"), "F") is False
    assert asked_key_kept(Asked.of("德国民歌 小调"), "Em") is True
    assert asked_key_kept(Asked.of("德国民歌 小调"), "G") is False
    # a church mode is written under a major signature as often as its own: nothing to check
    assert asked_key_kept(Asked.of("a dorian tune"), "C") is None
    assert asked_key_kept(Asked.of("an Irish jig"), "G") is None


def test_a_broken_bar_counts_invalid():
    training = TrainingSet([tune(TRAINING[1])])
    broken = tune("CDEF|GAB|c4|]")
    asked = Asked({"tradition": "irish"}, "C", "4/4")
    judged = judge_piece(broken, asked, {"tradition": "irish", "form": "reel", "period": ""},
                         (0, "major"), training)
    assert judged["valid_validator"] is False
    assert judged["valid_abc2abc"] is False
    assert judged["bars_in_meter"] == pytest.approx(2 / 3)
    assert judged["key_heard_is_written"] is True and judged["asked_key_kept"] is True
    assert judged["style"] == {"tradition": {"asked": "irish", "heard": "irish"}}
    whole = judge_piece(tune(TRAINING[1]), asked, {}, (7, "major"), training)
    assert whole["valid_validator"] and whole["valid_music21"] and whole["valid_abc2abc"]
    # all five bars copied; the last holds one note, which copies no line
    assert whole["longest_copied_run"] == 4 and whole["near_duplicate"] == 1.0
    assert whole["key_heard_is_written"] is False


def test_the_style_classifier_learns_two_styles():
    jigs = [tune(f"{a}{b}{c} {a}{b}{c}|{c}{b}{a} {c}2{a}|]", meter="6/8")
            for a in "ABc" for b in "dBe" for c in "Gfg"]
    reels = [tune(f"{a}{b}{c}{a} {b}{c}{a}{b}|{c}4 {a}4|]") for a in "DEF" for b in "GAB"
             for c in "cde"]
    for t in jigs:
        t.labels = {"form": "jig", "tradition": "irish"}
    for t in reels:
        t.labels = {"form": "reel", "tradition": "scottish"}
    model = train_style_classifier(jigs[::2] + reels[::2], seconds=3)
    held_out = jigs[1::2] + reels[1::2]
    verdicts = Judges(ToneCNN(), model).styles(held_out)
    assert [s["form"] for s in verdicts] == [t.labels["form"] for t in held_out]
    assert "period" not in verdicts[0]  # no tune was labelled with one


def test_the_style_classifier_hears_music_not_spelling():
    """The same tune in another key, unit length or common-time sign reads the same."""
    from tunesmith.abc.canonical import relength
    from tunesmith.abc.transpose import transpose
    from tunesmith.models.style_classifier import features

    head, body = D_MAJOR.split("K:D\n")
    heard = features(parse(D_MAJOR))
    respelt = [transpose(parse(D_MAJOR), 3),
               parse(D_MAJOR.replace("M:4/4", "M:C|")),
               parse(head.replace("L:1/8", "L:1/16") + "K:D\n"
                     + relength(body, Fraction(1, 8), Fraction(1, 16)))]
    assert "D8" in respelt[2].body  # the four-beat D, now in sixteenths
    assert all(features(t) == heard for t in respelt)
    assert features(parse(D_MAJOR.replace("d2 f2", "d2 g2"))) != heard  # other music is not


@pytest.mark.parametrize("ending", ["D8 |", "D8 ||", "D8", "D8 |]\n"])
def test_the_style_classifier_reads_no_transcriber_s_last_bar_line(ending):
    """The Essen songs end without a bar line, O'Neill's tunes on ``||``, ours on ``|]``: the
    same music whichever; a repeat is music and is read."""
    from tunesmith.models.style_classifier import features, words

    heard = features(parse(D_MAJOR))
    assert not any(w.endswith("D8 |]") or w.endswith("D8 |") for w in words(parse(D_MAJOR)))
    assert features(parse(D_MAJOR.replace("D8 |]", ending))) == heard
    assert features(parse(D_MAJOR.replace("| B2", "|| B2"))) == heard  # a double bar divides
    assert features(parse(D_MAJOR.replace("D8 |]", "D8 :|"))) != heard


def test_real_tunes_alike_are_the_fewest_of_the_style_before_all():
    real = [tune("A") for _ in range(12)]
    for i, t in enumerate(real):
        t.labels = {"form": "jig" if i < 11 else "reel"}
    assert len(alike(real, Asked({"form": "jig"}, None, None))) == 11
    reels = alike(real, Asked({"form": "reel"}, None, None))
    assert reels == [real[11]]  # one reel says more of reels than eleven jigs
    assert alike(real, Asked({"form": "waltz"}, None, None)) is real  # none: all of them
    real[0].labels["mode"] = "minor"
    asked = Asked({"form": "jig", "mode": "minor"}, None, None)
    assert len(alike(real, asked)) == 11  # ten jigs of any mode before the one minor jig
    assert alike(real[5:], asked) == real[5:11]  # six: jigs, none minor
    assert alike(real[:5], asked) == [real[0]]  # five: the minor jig, sharing most labels
    for t in real:
        t.labels["mode"] = "dorian"
    jigs = alike(real, Asked({"form": "jig", "mode": "major"}, None, None))
    assert len(jigs) == 11  # no major jigs: jigs in any mode, not every tune
    for t in real[:10]:
        t.labels["tradition"] = "american"
    polkas = alike(real, Asked({"form": "polka", "tradition": "american"}, None, None))
    assert polkas == real[:10]  # no polka anywhere: American tunes, not every tune


def test_too_few_test_tunes_alike_are_joined_by_training_tunes_of_the_style():
    """Eight test strathspeys among songs: the strathspey is compared with strathspeys from
    both splits, not with every test tune; a style no split has enough of still falls back."""
    real = [tune("A") for _ in range(20)]
    for i, t in enumerate(real):
        t.labels = {"form": "strathspey" if i < 8 else "song"}
    train = [tune("A") for _ in range(6)]
    for i, t in enumerate(train):
        t.labels = {"form": "strathspey" if i < 4 else "waltz"}
    strathspeys = alike(real, Asked({"form": "strathspey"}, None, None), more=train)
    assert len(strathspeys) == 12
    assert all(t.labels["form"] == "strathspey" for t in strathspeys)
    assert len(alike(real, Asked({"form": "strathspey"}, None, None))) == 8  # test alone
    waltzes = alike(real, Asked({"form": "waltz"}, None, None), more=train)
    assert waltzes == train[4:]  # two waltzes, all there are, rather than every test tune
    songs = alike(real, Asked({"form": "song"}, None, None), more=train)
    assert len(songs) == 12 and not set(map(id, songs)) & set(map(id, train))


def test_prompt_files_skip_comments_and_refuse_empty(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("# comment\n\na reel\n古典主义\n", encoding="utf-8")
    assert read_prompts(path) == ["a reel", "古典主义"]
    path.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no prompts"):
        read_prompts(path)


def test_saved_pieces_are_reused_only_for_the_same_model_and_options(tmp_path):
    from tunesmith.evaluation.generated import generate_all

    calls = []

    def generate(prompt, n):
        calls.append(prompt)
        return [f"X:1\nK:C\nC|]\n{len(calls)}"] * n

    first = generate_all(generate, ["a", "b"], 1, tmp_path, False, {"weights_sha1": "v1"})
    assert generate_all(generate, ["a", "b"], 1, tmp_path, False,
                        {"weights_sha1": "v1"}) == first and len(calls) == 2  # resumed
    other = generate_all(generate, ["a", "b"], 1, tmp_path, False, {"weights_sha1": "v2"})
    assert len(calls) == 4 and other != first  # another model's pieces are made again


def test_judges_and_generation_report_end_to_end(tiny_model, tiny_dataset, tmp_path, capsys,
                                                  monkeypatch):
    judges_dir = tmp_path / "judges"
    report = build(tiny_dataset, judges_dir, seconds=2)
    assert 0 <= report["keys"]["test"]["tone_cnn"]["key"] <= 1
    assert Judges.load(judges_dir).report["train_tunes"] == report["train_tunes"]
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("an Irish reel in D\n爱尔兰吉格舞曲\n", encoding="utf-8")
    out = tmp_path / "report"
    argv = ["evaluate", "--model", str(tiny_model), "--data", str(tiny_dataset), "--prompts",
            str(prompts), "--samples", "2", "--bars", "8", "--judges", str(judges_dir),
            "--report", str(out), "--quiet"]
    assert main(argv) == 0
    assert "## Validity" in capsys.readouterr().out
    result = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert result["summary"]["pieces"] == 4
    assert result["summary"]["validity"]["valid_validator"] == 1.0
    assert result["summary"]["key"]["asked_key_kept"] == 1.0  # "in D" is written as K:D
    assert {p["mode_written"] for p in result["pieces"]} <= {*MODES, None}
    assert 0 <= result["summary"]["key"]["ceiling_for_these_prompts"] <= 1
    # the tonic is compared only where the model chose the key ("in D" asked it) and the
    # test split has tunes of the style (these 8 are airs: jigs are compared with all tunes)
    assert [g["overlap"]["tonic"] for g in result["prompts"]] == [None, None]
    assert np.isnan(result["summary"]["overlap_with_real"]["tonic"])
    assert result["prompts"][1]["overlap"]["pitch_class"] is not None
    # melodies only (this tiny model never saw voices): nothing to say about voices together
    assert [g["texture"]["generated"]["dissonant_onsets"] for g in result["prompts"]] == \
        [None, None]
    assert "## Voices together" in (out / "report.md").read_text(encoding="utf-8")
    for png in ("histograms.png", "confusion-generated.png", "confusion-judges.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG"
    first = (out / "samples" / "000.json").read_text(encoding="utf-8")
    assert main(argv) == 0  # a rerun reuses the finished samples
    assert (out / "samples" / "000.json").read_text(encoding="utf-8") == first
    # ... until the code that writes pieces changes: then they are written again
    monkeypatch.setattr("tunesmith.cli._writing_code_sha1", lambda: "changed")
    assert main(argv) == 0
    again = json.loads((out / "samples" / "000.json").read_text(encoding="utf-8"))
    assert again["settings"]["code_sha1"] == "changed"
    assert json.loads(first)["settings"]["code_sha1"] not in ("changed", None)


def test_generation_mode_needs_a_dataset(tiny_model, tmp_path, capsys):
    prompts = tmp_path / "p.txt"
    prompts.write_text("a reel\n", encoding="utf-8")
    assert main(["evaluate", "--model", str(tiny_model), "--prompts", str(prompts)]) == 2
    assert "--data" in capsys.readouterr().err


def test_form_and_scale_measures_on_hand_made_tunes():
    from tunesmith.evaluation.structure import (
        ending_held,
        repeats,
        resting,
        scale_fit,
        self_similarity,
        structure,
    )

    from .conftest import REEL

    aabb = parse(REEL)  # repeat signs
    assert repeats(aabb)
    phrase = "ABcd efga|bagf edcB|dfaf gbag|fedc BAGF|"
    through = parse("X:1\nM:4/4\nL:1/8\nK:D\n" + phrase * 2 + "d8|]\n")
    assert repeats(through)  # no repeat signs, but the 4-bar phrase is written out twice
    assert self_similarity(through) == pytest.approx(4 / 9)
    plain = parse("X:1\nM:4/4\nL:1/8\nK:D\nABcd efga|bagf edcB|dfaf gbag|d8|]\n")
    assert not repeats(plain) and self_similarity(plain) == 0
    assert scale_fit(plain) == 1.0  # all in D major
    outside = parse("X:1\nM:4/4\nL:1/8\nK:D\n=F=F=F=F ABcd|]\n")
    assert scale_fit(outside) == pytest.approx(4 / 8)
    # a Chinese zhi-mode tune: major signature of its gong, judged against the pentatonic
    pentatonic = parse("X:1\nM:2/4\nL:1/8\nK:F\nGAcd|fgaf|gedc|G4|]\n")
    assert scale_fit(pentatonic, "zhi") == pytest.approx(12 / 13)  # e is not in F-G-A-C-D
    assert scale_fit(pentatonic) == 1.0
    assert structure([aabb, plain])["repeats"] == 0.5
    # a close held a beat or more in every voice, or stopped short on an eighth
    cut = parse("X:1\nM:4/4\nL:1/8\nK:D\n" + phrase[:-1] + "|]\n")  # ends on an eighth
    assert ending_held(plain) and not ending_held(cut)
    short = parse("X:1\nM:6/8\nL:1/8\nK:D\n[V:1]d3 e3|[V:2]D3 E2 D|]\n")
    assert ending_held(parse("X:1\nM:6/8\nL:1/8\nK:D\nd3 e3|]\n")) and not ending_held(short)
    assert structure([plain, cut])["ending_held"] == 0.5
    # a melody resting a beat in every two bars, a tied note is no rest, voices are texture's
    stops = parse("X:1\nM:4/4\nL:1/8\nK:D\nABcd efga|bagf e2z2|dfaf g4-|g2fe d4|]\n")
    assert resting(stops) == pytest.approx(2 / 32) and resting(plain) == 0
    assert resting(short) is None


def test_sections_are_measured_in_bars_and_whole_phrases():
    from tunesmith.abc.sections import layout, parse_layout, sections
    from tunesmith.evaluation.structure import phrased, structure

    bar = "ABcd efga|"
    # a pickup, an 8-bar part played twice that hands a quarter of its last bar on, then 9
    # bars and 3
    parts = parse("X:1\nM:4/4\nL:1/8\nK:D\nAB|" + bar * 7 + "d2 f2 a2:|\n"
                  "AB|" + bar * 8 + "d8||" + bar * 2 + "d8|]\n")
    assert sections(parts) == [(Fraction(31, 4), True), (Fraction(37, 4), False), (3, False)]
    assert layout(parts) == "8: 9 3" and parse_layout("8: 9 3") == [(8, True), (9, False),
                                                                     (3, False)]
    assert phrased(parts) == 0.5  # 7 3/4 is a whole 8 bars, 9 1/4 is not; the last is the end's
    one = parse("X:1\nM:4/4\nL:1/8\nK:D\n" + bar * 7 + "d8|]\n")
    assert sections(one) == [(8, False)] and phrased(one) is None  # nothing closed before the end
    # "|: A :|: B :|" closes both parts on a repeat; first and second endings hide the form
    assert layout(parse("X:1\nM:4/4\nL:1/8\nK:D\n|:" + bar * 3 + "d8:|:" + bar * 7
                        + "d8:|\n")) == "4: 8:"
    assert layout(parse("X:1\nM:4/4\nL:1/8\nK:D\n|:" + bar * 3 + "|1 d8:|2 d8||\n")) is None
    voices = parse("X:1\nM:6/8\nL:1/8\nK:D\n[V:1]d3 e3||[V:2]D3 E3||[V:1]d6|]\n[V:2]D6|]\n")
    assert sections(voices) is None and layout(voices) == "1 1"  # its first voice's form
    assert structure([parts, one])["phrased"] == 0.5


def test_the_key_ceiling_is_the_cnns_key_accuracy_on_real_tunes_of_each_written_mode():
    keys = ("D", "G", "Em", "Am", "Dmix")
    real = [parse(f"X:1\nM:4/4\nL:1/8\nK:{k}\nCDEF GABc|]\n") for k in keys]
    heard = [(2, "major"), (7, "major"), (7, "major"), (9, "minor"), (7, "major")]
    by_mode = key_accuracy_by_mode(real, heard)
    assert by_mode == {"major": 1.0, "minor": 0.5, "mixolydian": 0.0}  # E minor heard as G major
    pieces = [{"mode_written": "major"}, {"mode_written": "minor"},
              {"mode_written": None},  # its K: names no key the CNN knows: it can never match
              {"mode_written": "dorian"}]  # no real test tune in dorian: left out
    assert key_ceiling(pieces, by_mode) == pytest.approx((1.0 + 0.5 + 0.0) / 3)


def test_the_ceiling_for_a_label_is_the_judges_recall_on_real_tunes_of_it():
    confusion = {"labels": ["jig", "reel", "waltz"], "accuracy": 0.8,
                 "matrix": [[3, 1, 0], [0, 4, 0], [0, 0, 0]]}
    assert recall(confusion, "jig") == 0.75 and recall(confusion, "reel") == 1.0
    assert recall(confusion, "waltz") == 0.8  # no real test tunes: the overall accuracy
    assert recall(confusion, "polka") == 0.0  # no class at all: the judge never says it


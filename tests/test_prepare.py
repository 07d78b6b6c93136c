import json
import re
from fractions import Fraction

import numpy as np
import pytest

from tunesmith.abc import Tokenizer, TokenizerConfig, parse
from tunesmith.data.prepare import PrepareConfig, prepare

from .conftest import REEL

JIG = REEL.replace("M:4/4", "M:6/8").replace("R:reel", "R:jig").replace(
    "T:Test Reel", "T:Some Jig").replace("A|:", "A|:").split("K:D\n")[0] + (
    "K:G\nD|:GAB dBG|cBA BGE|DGG GAB|cAF G2:|\n")


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    good = "\n".join(REEL.replace("X:1", f"X:{i}").replace("T:Test Reel", f"T:Reel {i}")
                     .replace("D6 A2", "D6 " + "ABcdefg"[i % 7] + "2").replace(
                         "fdec", "fdec"[:i % 4] + "a" + "fdec"[i % 4 + 1:])
                     for i in range(1, 9))
    (folder / "reels.abc").write_text(good + "\n" + JIG)
    # bad inputs, each to be skipped with a reason and never to take good tunes with it
    (folder / "latin1.abc").write_bytes("X:1\nT:Caf\xe9\nM:2/4\nL:1/8\nK:C\nCDEF|GABc|]\n"
                                        .encode("latin-1"))
    (folder / "junk.abc").write_bytes(bytes(range(256)) * 20)
    (folder / "nokey.abc").write_text("X:1\nT:No key\nM:4/4\nCDEF|\n\n" + JIG)
    (folder / "truncated.abc").write_text("X:1\nT:Cut\nM:4/4\nL:1/8\nK")
    (folder / "huge.abc").write_text("X:1\nT:Huge\nM:4/4\nL:1/8\nK:C\n" + "C8|" * 80000 + "\n")
    (folder / "bad.json").write_text("[{\"name\": ")
    # hostile: past Python's int limit, nested past its recursion limit, an unpaired surrogate
    (folder / "digits.abc").write_text("X:1\nT:Digits\nK:C\nA" + "9" * 5000 + "|\n")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "surrogate.json").write_text(
        '[{"name": "S\\ud800", "tone": {"profile": [1,0,1,0,1,1,0,1,0,1,0,1]}, '
        '"abc": "X:1\\nM:2/4\\nL:1/8\\nK:C\\n\\"\\ud800\\"CDEF|\\n"}]')
    return folder


def test_prepare_writes_a_complete_dataset_and_reports_skips(corpus, tmp_path):
    out = tmp_path / "ds"
    report = prepare(PrepareConfig(out=out, sources=[str(corpus)], workers=2), progress=False)
    assert report["tunes"] == 10  # 8 reels, the latin-1 tune and one jig (duplicate dropped)
    assert report["duplicates_removed"] == 1
    reasons = {s["origin"].split("/")[-1].split("#")[0]: s["reason"] for s in report["skips"]}
    assert "binary" in reasons["junk.abc"] or "unprintable" in reasons["junk.abc"]
    assert "no K:" in reasons["nokey.abc"] and "no K:" in reasons["truncated.abc"]
    assert "absurd length" in reasons["huge.abc"]
    assert "not valid JSON" in reasons["bad.json"]
    assert "digits" in reasons["digits.abc"] and "nested too deeply" in reasons["deep.json"]
    assert "surrogate" in reasons["surrogate.json[0]"]
    tok = Tokenizer.load(out / "vocab.json")
    meta = [json.loads(line) for line in (out / "metadata.jsonl").read_text().splitlines()]
    assert len(meta) == 10 and any(m["title"] == "Café" for m in meta)
    for m in meta:
        data = np.fromfile(out / f"{m['split']}.bin", dtype=np.uint16)
        ids = data[m["offset"]: m["offset"] + m["length"]]
        assert ids[0] == tok.bos_id and ids[-1] == tok.eos_id
        # the model reads the tune on the tonic C in L:1/8; metadata keeps it as written
        music = tok.text_of(parse(m["abc"]))
        assert tok.decode(ids).endswith(music) and "L:1/8\n" in music and "K:C" in music
    assert "| folder:corpus |" in (out / "report.md").read_text()
    assert set(report["per_label"]["form"]) == {"reel", "jig"}


def test_prepare_is_idempotent_and_rereads_only_changed_files(corpus, tmp_path):
    out = tmp_path / "ds"
    config = PrepareConfig(out=out, sources=[str(corpus)], workers=1)
    prepare(config, progress=False)
    cached = {p.name: p.stat().st_mtime_ns for p in (out / "cache").glob("*.json")}
    assert prepare(config, progress=False).get("up_to_date")
    (corpus / "more.abc").write_text(JIG.replace("T:Some Jig", "T:Another").replace("GAB", "GBd"))
    report = prepare(config, progress=False)
    assert not report.get("up_to_date") and report["tunes"] == 11
    after = {p.name: p.stat().st_mtime_ns for p in (out / "cache").glob("*.json")}
    assert all(after[name] == t for name, t in cached.items())  # old readings reused
    assert len(after) == len(cached) + 1


def test_a_vocabulary_the_sampler_cannot_drive_is_refused(corpus, tmp_path):
    config = PrepareConfig(out=tmp_path / "ds", sources=[str(corpus)],
                           tokenizer=TokenizerConfig(split_lengths=True))
    with pytest.raises(ValueError, match="split_lengths"):
        prepare(config, progress=False)
    assert not (tmp_path / "ds").exists()


def test_prepare_can_tokenize_with_a_given_models_vocabulary(corpus, tmp_path, capsys):
    from tunesmith.cli import main
    from tunesmith.styles import control_tokens

    # a vocabulary from other music: the reels' atoms it lacks are spelled in characters
    other = Tokenizer.build([parse(JIG).music_text()], TokenizerConfig(canonical=True),
                            extra_tokens=control_tokens())
    other.save(tmp_path / "vocab.json")
    out = tmp_path / "ds"
    report = prepare(PrepareConfig(out=out, sources=[str(corpus)], workers=1,
                                   vocab=tmp_path / "vocab.json"), progress=False)
    assert Tokenizer.load(out / "vocab.json").tokens == other.tokens
    assert report["tunes"] == 10
    for m in map(json.loads, (out / "metadata.jsonl").read_text().splitlines()):
        ids = np.fromfile(out / f"{m['split']}.bin", dtype=np.uint16)[
            m["offset"]: m["offset"] + m["length"]]
        assert other.decode(ids).endswith(other.text_of(parse(m["abc"])))
    # one that cannot begin a row is refused, naming the file and the fix
    Tokenizer.build(["CDEF|"], TokenizerConfig()).save(tmp_path / "bare.json")
    assert main(["prepare", "--out", str(tmp_path / "ds2"), "--source", str(corpus),
                 "--vocab", str(tmp_path / "bare.json"), "--quiet"]) == 2
    assert "bare.json: the vocabulary lacks control tokens" in capsys.readouterr().err
    assert not (tmp_path / "ds2").exists()


def test_unknown_source_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no-such-folder"):
        prepare(PrepareConfig(out=tmp_path / "ds", sources=["no-such-folder"]), progress=False)


def test_links_that_go_nowhere_or_round_and_utf16_files_are_reported_or_read(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "reels.abc").write_text(REEL)
    (folder / "sub" / "windows.abc").write_bytes(JIG.encode("utf-16"))  # with its BOM
    (folder / "gone.abc").symlink_to(tmp_path / "nowhere.abc")
    (folder / "sub" / "loop").symlink_to(folder)
    report = prepare(PrepareConfig(out=tmp_path / "ds", sources=[str(folder)], workers=1),
                     progress=False)
    assert report["tunes"] == 2  # the reel and the UTF-16 jig, each read once
    reasons = {s["origin"].removeprefix(str(folder)): s["reason"] for s in report["skips"]}
    assert "dangling link" in reasons["/gone.abc"]
    assert "link loop" in reasons["/sub/loop"]


def test_key_counts_say_on_which_tonics_each_styles_tunes_are_written(tiny_dataset):
    from tunesmith.abc import parse_key
    from tunesmith.data.dataset import KEY_LABELS, Dataset

    dataset = Dataset(tiny_dataset)
    rows = dataset.key_counts("train")
    written = {}
    for tune in dataset.tunes("train"):
        key = parse_key(tune.key)
        if key.tonic is not None:
            row = (*(tune.labels.get(d) for d in KEY_LABELS), key.mode, key.tonic)
            written[row] = written.get(row, 0) + 1
    assert {tuple(r[:-1]): r[-1] for r in rows} == written and len(written) > 3


def test_ending_counts_say_whether_each_styles_tunes_end_by_closing_a_repeat(tiny_dataset):
    from tunesmith.data.dataset import KEY_LABELS, Dataset

    dataset = Dataset(tiny_dataset)
    rows = dataset.ending_counts("train")
    tunes = dataset.tunes("train")
    assert sum(r[-1] for r in rows) == len(tunes)  # O'Neill's: one voice, barlines each
    ended = {}
    for tune in tunes:  # the plain cases, read off the text: "...G2 :|" and "...G2 |]"
        end = tune.body.rstrip()
        if re.search(r"[^|:]:\|$", end) or re.search(r"[^|:](\|\]|\|\|)$", end):
            row = (*(tune.labels.get(d) for d in KEY_LABELS), end.endswith(":|"))
            ended[row] = ended.get(row, 0) + 1
    counted = {tuple(r[:-1]): r[-1] for r in rows}
    assert all(counted.get(row, 0) >= n for row, n in ended.items())
    assert {r[-2] for r in rows} == {True, False}  # the tiny corpus has both


def test_span_counts_say_how_wide_each_styles_melodies_go(tiny_dataset):
    import music21

    from tunesmith.data.dataset import KEY_LABELS, Dataset

    dataset = Dataset(tiny_dataset)
    rows = dataset.span_counts("train")
    assert sum(r[-1] for r in rows) == len(dataset.tunes("train"))  # O'Neill's: one voice
    heard = {}
    for tune in dataset.tunes("train")[:20]:  # music21 reads the same notes
        pitches = [p.midi for p in music21.converter.parse(tune.abc, format="abc")
                   .flatten().pitches]
        row = (*(tune.labels.get(d) for d in KEY_LABELS), max(pitches) - min(pitches))
        heard[row] = heard.get(row, 0) + 1
    counted = {tuple(r[:-1]): r[-1] for r in rows}
    assert all(counted.get(row, 0) >= n for row, n in heard.items())


def each_melody_counted(dataset, rows: list[list], value) -> None:
    """Every training tune (O'Neill's: one voice each) counted once, the first 20 by their
    labels, meter label and ``value``."""
    from tunesmith.data.dataset import KEY_LABELS

    counted = {tuple(r[:-1]): r[-1] for r in rows}
    tunes = dataset.tunes("train")
    assert sum(counted.values()) == len(tunes)
    for tune in tunes[:20]:
        labels = (*(tune.labels.get(d) for d in KEY_LABELS), tune.labels["meter"])
        assert counted[(*labels, value(tune))] >= 1


def test_final_counts_say_how_long_each_styles_melodies_hold_their_last_note(tiny_dataset):
    from tunesmith.abc.notes import last_beats
    from tunesmith.data.dataset import Dataset

    # a tie holds one note; a compound meter's beat is three of its units; voices each
    def held(meter: str, body: str) -> list[Fraction]:
        return last_beats(parse(f"X:1\nM:{meter}\nL:1/8\nK:G\n{body}\n"))

    assert held("6/8", "GAB G3-|G2 z|]") == [Fraction(5, 3)]
    assert held("C|", "dBAG FDD2|]") == [Fraction(1, 2)]
    assert held("3/4", "B2 A2 G2|G6|]") == [Fraction(3)]
    assert held("4/4", "[V:1] c4 B4|]\n[V:2] E2 G6|]") == [Fraction(2), Fraction(3)]
    assert held("none", "GAB|]") == [] and held("4/4", "z8|]") == []
    dataset = Dataset(tiny_dataset)
    rows = dataset.final_counts("train")
    each_melody_counted(dataset, rows, lambda tune: str(last_beats(tune)[0]))
    assert {"1/2", "2/3", "1"} <= {r[-2] for r in rows}  # reels, jigs, airs
    assert {"4/4", "6/8", "9/8"} <= {r[-3] for r in rows}  # the meter labels


def test_pace_counts_say_how_many_of_each_styles_melody_notes_are_sixteenths(tiny_dataset):
    from tunesmith.abc.notes import quick_share
    from tunesmith.data.dataset import Dataset

    def share(meter: str, body: str) -> float | None:
        return quick_share(parse(f"X:1\nM:{meter}\nL:1/8\nK:G\n{body}\n"))

    # as they sound: a dotted pair's short note, a triplet of sixteenths, not one of eighths
    assert share("2/4", "G/A/B/c/ d2|]") == 4 / 5
    assert share("2/4", "G>A (3Bcd|]") == 1 / 5
    assert share("2/4", "(3B/c/d/ e3/2 f/|]") == 4 / 5
    assert share("4/4", "[V:1] c4 B4|]\n[V:2] E/F/ G6|]") is None  # voices, not a melody
    dataset = Dataset(tiny_dataset)
    rows = dataset.pace_counts("train")
    each_melody_counted(dataset, rows, lambda tune: 5 * round(20 * quick_share(tune)))
    assert all(r[-2] % 5 == 0 and 0 <= r[-2] <= 100 for r in rows)
    assert any(r[-2] > 0 for r in rows) and any(r[-2] == 0 for r in rows)


def test_dot_counts_say_how_many_of_each_styles_melody_notes_are_dotted(tiny_dataset):
    from tunesmith.abc.notes import dotted_share
    from tunesmith.data.dataset import Dataset

    def share(meter: str, body: str) -> float | None:
        return dotted_share(parse(f"X:1\nM:{meter}\nL:1/8\nK:G\n{body}\n"))

    # a dotted eighth, written or in a pair either way round; not a dotted quarter or a
    # dotted pair of quarters (a dotted quarter again)
    assert share("4/4", "G>A B<c d3/2e/ f2|]") == 3 / 7
    assert share("4/4", "G3 A B2>c2|]") == 0
    assert share("4/4", "[V:1] c4 B4|]\n[V:2] E>F G6|]") is None  # voices, not a melody
    dataset = Dataset(tiny_dataset)
    rows = dataset.dot_counts("train")
    each_melody_counted(dataset, rows, lambda tune: 5 * round(20 * dotted_share(tune)))
    assert all(r[-2] % 5 == 0 and 0 <= r[-2] <= 100 for r in rows)
    assert {"4/4", "6/8"} <= {r[-3] for r in rows}


def test_sign_counts_say_which_tunes_write_triplets_and_dotted_pairs(tiny_dataset):
    from tunesmith.data.dataset import KEY_LABELS, Dataset

    dataset = Dataset(tiny_dataset)
    rows = dataset.sign_counts("train")
    counted = {tuple(r[:-1]): r[-1] for r in rows}
    tunes = dataset.tunes("train")
    assert sum(counted.values()) == len(tunes)
    for tune in tunes:
        signs = " ".join(s for s, mark in (("broken", ">"), ("tuplet", "(3")) if mark in tune.body)
        assert counted[(*(tune.labels.get(d) for d in KEY_LABELS), signs)] >= 1, tune.body
    assert {"", "tuplet"} <= {r[-2] for r in rows}  # O'Neill's reels roll triplets, not all


def test_length_counts_say_how_many_bars_each_styles_tunes_are(tiny_dataset):
    import music21

    from tunesmith.abc.durations import written_bars
    from tunesmith.data.dataset import KEY_LABELS, Dataset

    dataset = Dataset(tiny_dataset)
    rows = dataset.length_counts("train")
    tunes = dataset.tunes("train")
    assert sum(r[-1] for r in rows) == len(tunes)  # every tune has a meter
    counted = {}
    for tune in tunes:  # O'Neill's: one voice each
        row = (*(tune.labels.get(d) for d in KEY_LABELS), False, written_bars(tune))
        counted[row] = counted.get(row, 0) + 1
    assert {tuple(r[:-1]): r[-1] for r in rows} == counted
    agree = 0
    for tune in tunes[:30]:  # music21's measures, a short first one (a pickup) left out
        measures = list(music21.converter.parse(tune.abc, format="abc").parts[0]
                        .getElementsByClass("Measure"))
        bar = measures[0].barDuration.quarterLength
        lengths = [m.duration.quarterLength for m in measures]
        agree += round(sum(lengths[1:] if lengths[0] < bar else lengths) / bar) \
            == written_bars(tune)
    assert agree >= 28


def test_tempo_counts_say_at_what_tempo_each_styles_tunes_are_marked(tmp_path):
    from tunesmith.data.dataset import Dataset

    def record(form, meter, tempo, split="train"):
        q = f"Q:{tempo}\n" if tempo else ""
        return {"split": split, "labels": {"tradition": "scottish", "form": form,
                                           "meter": meter, "mode": "major"},
                "abc": f"X:1\nT:t\nM:{meter}\nL:1/8\n{q}K:D\nDFA dAF|"}
    records = [record("reel", "4/4", "1/2=104"), record("reel", "4/4", "1/2=104"),
               record("reel", "4/4", "1/4=200"), record("jig", "6/8", "3/8=120"),
               record("jig", "6/8", None), record("air", "4/4", '"Slowly"'),
               record("jig", "6/8", "3/8=120", split="test")]
    (tmp_path / "metadata.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    assert Dataset(tmp_path).tempo_counts("train") == [
        ["scottish", None, "jig", "major", "6/8", 180, 1],
        ["scottish", None, "reel", "major", "4/4", 200, 1],
        ["scottish", None, "reel", "major", "4/4", 208, 2]]

"""What the page's editor asks of the server: note samples for abcjs, files of edited ABC."""

import re
import subprocess
import wave

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tunesmith.composer import Composer
from tunesmith.web import Settings, create_app
from tunesmith.web.app import MAX_ABC, STATIC
from tunesmith.web.soundfont import INSTRUMENTS, midi_pitch, note_name

EDITED = "X:1\nT:Edited\nM:6/8\nL:1/8\nQ:3/8=100\nK:D\n|:DFA dAF|GBd gdB|AFD DFA|B2A AFE:|\n"


@pytest.fixture(scope="module")
def served(tiny_model, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("editor")
    app = create_app(Settings(out=tmp / "out", samples=tmp / "notes"), Composer.load(tiny_model))
    with TestClient(app) as client:
        yield client, tmp / "notes"


def test_the_instrument_names_are_abcjs_own_in_program_order():
    bundled = (STATIC / "vendor" / "abcjs-basic-min.js").read_text(encoding="utf-8")
    names = re.search(r'\["acoustic_grand_piano"[^\]]*\]', bundled).group(0)
    assert re.findall(r'"(\w+)"', names)[:128] == list(INSTRUMENTS)


def test_note_names_are_abcjs_flats_with_middle_c_as_c4():
    assert [note_name(p) for p in (21, 60, 61, 70, 108)] == ["A0", "C4", "Db4", "Bb4", "C8"]
    assert all(midi_pitch(note_name(p)) == p for p in range(21, 109))
    assert midi_pitch("A#4") is None and midi_pitch("C9") is None and midi_pitch("H4") is None


def _pitch(mp3: bytes, tmp_path) -> float:
    """The strongest frequency of an MP3, decoded by lame."""
    (tmp_path / "n.mp3").write_bytes(mp3)
    subprocess.run(["lame", "--quiet", "--decode", str(tmp_path / "n.mp3"),
                    str(tmp_path / "n.wav")], check=True)
    with wave.open(str(tmp_path / "n.wav")) as w:
        rate, audio = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), "<i2")
        audio = audio.reshape(-1, w.getnchannels())[:, 0].astype(float)
    spectrum = np.abs(np.fft.rfft(audio[:rate]))  # the first second: bins 1 Hz apart
    return float(np.argmax(spectrum[20:]) + 20)


def test_a_note_sample_sounds_the_note_asked_and_is_cached(served, tmp_path):
    client, notes = served
    answer = client.get("/soundfont/acoustic_grand_piano-mp3/A4.mp3")
    assert answer.status_code == 200 and answer.headers["content-type"] == "audio/mpeg"
    assert abs(_pitch(answer.content, tmp_path) - 440) < 5
    assert abs(_pitch(client.get("/soundfont/acoustic_grand_piano-mp3/C4.mp3").content,
                      tmp_path) - 261.6) < 5
    cached = notes / "acoustic_grand_piano-mp3"  # the instrument played once, two notes cut
    assert sorted(p.name for p in cached.iterdir()) == ["A4.mp3", "C4.mp3", "notes.raw"]
    assert (cached / "notes.raw").stat().st_size >= 88 * 4 * 44100 * 2  # 4 s a note, 16 bits


@pytest.mark.parametrize("path", [
    "/soundfont/percussion-mp3/A4.mp3", "/soundfont/violin-mp3/H4.mp3",
    "/soundfont/violin-mp3/A#4.mp3", "/soundfont/violin-mp3/C9.mp3",
    "/soundfont/violin-ogg/A4.mp3", "/soundfont/violin-mp3/A4.ogg",
    "/soundfont/violin-mp3/A4", "/soundfont/..%2F..%2Fetc-mp3/passwd.mp3",
])
def test_anything_but_an_abcjs_note_is_a_404_and_renders_nothing(served, path):
    client, notes = served
    before = sorted(notes.rglob("*")) if notes.exists() else []
    answer = client.get(path)
    assert answer.status_code == 404
    assert (sorted(notes.rglob("*")) if notes.exists() else []) == before


def test_edited_abc_gets_its_own_files(served):
    client, _ = served
    answer = client.post("/api/render", json={"abc": EDITED, "formats": ["mid", "svg"]})
    assert answer.status_code == 200, answer.text
    files = answer.json()["files"]
    assert set(files) == {"abc", "mid", "svg"} and answer.json()["failed"] == {}
    assert client.get(files["abc"]).text == EDITED
    assert client.get(files["mid"]).content[:4] == b"MThd"
    assert b"<svg" in client.get(files["svg"]).content


@pytest.mark.parametrize(("body", "message"), [
    ({"abc": "hello"}, "abc: no K: field"),
    ({"abc": ""}, "abc"),
    ({"abc": "K:D\n" + "D" * MAX_ABC}, "abc"),
    ({"abc": EDITED, "formats": ["exe"]}, "formats"),
    ({"abc": EDITED, "out": "/tmp"}, "out"),
])
def test_bad_edited_abc_is_a_422_naming_the_field(served, body, message):
    client, _ = served
    answer = client.post("/api/render", json=body)
    assert answer.status_code == 422 and message in answer.text

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from tunesmith.abc import normalise, parse, validate
from tunesmith.data.abc_source import music21_abc_collections, read_abc_file
from tunesmith.data.folder import folder_files, read_file
from tunesmith.data.scores import (
    instrumentation_form,
    interleave,
    music21_score_collections,
    read_score_file,
)
from tunesmith.data.songs import key_from_profile, read_song_records

from .conftest import REEL

EXAMPLES = Path(__file__).parents[1] / "src" / "tunesmith" / "data" / "examples"


def test_music21_collections_cover_the_folk_books(corpus_dir):
    names = {c.name for c in music21_abc_collections()}
    assert {"music21/essenFolksong", "music21/oneills1850", "music21/ryansMammoth",
            "music21/airdsAirs", "music21/miscFolk"} <= names
    han = [c for c in music21_abc_collections() if c.defaults.get("tradition") == "chinese"]
    assert han and all("han" in p.name for c in han for p in c.files)


def test_oneills_tunes_are_irish_with_forms_from_their_numbers(corpus_dir):
    tunes, skips = read_abc_file(corpus_dir / "oneills1850" / "1276-1375.abc",
                                 "music21/oneills1850", {"tradition": "irish"})
    assert len(tunes) >= 90 and not skips
    assert all(t.labels["tradition"] == "irish" for t in tunes)
    assert {t.labels.get("form") for t in tunes} == {"reel"}
    assert "1276-1375.abc#X:" in tunes[0].origin


def test_essen_chinese_songs_get_pentatonic_modes(corpus_dir):
    tunes, _ = read_abc_file(corpus_dir / "essenFolksong" / "han1.abc", "music21/essenFolksong",
                             {"tradition": "chinese", "form": "song"})
    assert len(tunes) > 500
    modes = {t.labels.get("mode") for t in tunes}
    assert {"gong", "shang", "zhi", "yu"} <= modes
    assert tunes[0].title == "Renmin gongshe shizai hao"


def test_bach_chorale_becomes_four_interleaved_voices(corpus_dir, tmp_path):
    tunes, skips = read_score_file(corpus_dir / "bach" / "bwv66.6.mxl", "music21/bach",
                                   {"period": "baroque", "form": "chorale"}, tmp_path)
    assert not skips
    tune = tunes[0]
    first = tune.body.splitlines()[0]
    assert [first.count(f"[V:{v}]") for v in "1234"] == [1, 1, 1, 1]
    assert tune.labels["period"] == "baroque" and tune.labels["mode"] == "minor"
    assert validate(tune) == []
    assert list(tmp_path.glob("*.abc"))  # converted once, cached


def test_humdrum_and_midi_go_through_music21(corpus_dir, tmp_path):
    krn = sorted((corpus_dir / "bach").rglob("*.krn"))[0]
    tunes, skips = read_score_file(krn, "x", {}, tmp_path)
    assert tunes and not skips and tunes[0].body.count("[V:") > 2
    abc = tmp_path / "reel.abc"
    abc.write_text(normalise(parse(REEL)).abc)  # melody only: no chord track
    subprocess.run(["abc2midi", str(abc), "-o", str(tmp_path / "reel.mid")],
                   capture_output=True, check=True)
    tunes, skips = read_score_file(tmp_path / "reel.mid", "x", {}, tmp_path / "cache")
    assert tunes and not skips
    assert sum(c.isalpha() for c in tunes[0].body) > 40 and "V:" not in tunes[0].body
    assert tunes[0].title == "reel"


def test_a_truncated_musicxml_file_is_skipped_as_cut_short(corpus_dir, tmp_path):
    import zipfile

    with zipfile.ZipFile(corpus_dir / "bach" / "bwv66.6.mxl") as archive:
        xml = next(n for n in archive.namelist() if n.endswith(".xml") and "META" not in n)
        whole = archive.read(xml)
    cut = tmp_path / "cut.musicxml"
    cut.write_bytes(whole[: len(whole) // 2])
    tunes, skips = read_score_file(cut, "x", {}, tmp_path / "cache")
    assert not tunes and "not readable MusicXML" in skips[0].reason
    assert "cut short" in skips[0].reason and "K:" not in skips[0].reason


def test_a_tenor_written_in_an_octave_clef_sounds_an_octave_down(corpus_dir, tmp_path):
    from statistics import median

    from tunesmith.abc import parse
    from tunesmith.abc.notes import notes

    # xml2abc's layout: the voices' V: lines after K:, a tenor written where it is printed
    text = ('X:1\nM:2/4\nL:1/8\nK:C\nV:1 treble nm="S"\nV:2 clef=treble-8 nm="T"\n'
            "V:1\nc'2 [ce]2|\nV:2\n{g}e2 [^Ac']2|\n")
    assert interleave(parse(text)).body == "[V:1]c'2 [ce]2|[V:2]{G}E2 [^A,c]2|\n"
    # Palestrina's masses come that way from music21's Humdrum files: soprano, alto, two
    # tenors, bass, and each tenor lies under the alto once it sounds where it is sung
    tunes, _ = read_score_file(corpus_dir / "palestrina" / "Agnus.krn", "x", {}, tmp_path)
    pitches: dict[str, list[int]] = {}
    for note in notes(tunes[0]):
        pitches.setdefault(note.voice, []).append(note.pitch)
    middle = {voice: median(p) for voice, p in pitches.items()}
    assert middle["1"] > middle["2"] > max(middle["3"], middle["4"]) > middle["5"]


def test_a_clef_change_inside_a_voice_keeps_the_key_and_the_pitches(corpus_dir, tmp_path):
    """xml2abc writes a clef change as ``[K:bass]``: engraving, dropped; an octave clef's
    notes move from there on. Seventeen scores (Beethoven's op. 18 and 59 quartets among
    them) were skipped as "cannot read key 'treble'" before."""
    from tunesmith.abc import transpose

    text = ('X:1\nM:2/4\nL:1/8\nK:D\nV:1 treble nm="Vc"\nV:2 bass\n'
            "V:1\nf2 [K:bass] F,2|[K:treble-8] f2 [K:clef=treble] f2|\nV:2\nD,4|D,4|\n")
    two = normalise(interleave(parse(text)))
    assert two.body == "[V:1]f2 F,2|[V:2]D,4|\n[V:1]F2 f2|[V:2]D,4|\n"
    one = parse("X:1\nM:2/4\nL:1/8\nK:D\nf2 [K:bass] F,2|F,4|\n")
    assert normalise(interleave(one)).body == "f2 F,2|F,4|\n"
    # a clef change left in a tune keeps its key when the tune moves (not "K:none")
    moved = transpose(parse("X:1\nM:2/4\nL:1/8\nK:D\nf2 [K:bass] F,2|f4|\n"), -2)
    assert moved.key == "C" and moved.body == "e2 [K:bass] E,2|e4|\n"
    beethoven, skips = read_score_file(corpus_dir / "beethoven" / "opus18no5.mxl", "x",
                                       {"period": "classical"}, tmp_path)
    assert not skips and "[K:treble]" not in beethoven[0].body
    assert beethoven[0].labels["form"] == "quartet"


def test_a_compressed_score_whose_member_is_not_named_xml_is_read(corpus_dir, tmp_path):
    """xml2abc opens only a ``*.xml`` inside an ``.mxl``; music21 names most ``*.musicxml``
    (Beethoven's op. 132 was lost as "NameError: name 'fobj' is not defined")."""
    verdi = corpus_dir / "verdi" / "laDonnaEMobile.mxl"
    assert not any(n.endswith(".xml") and "META" not in n for n in zipfile.ZipFile(verdi)
                   .namelist())
    tunes, skips = read_score_file(verdi, "x", {"period": "romantic"}, tmp_path)
    assert not skips and tunes[0].body.count("[V:") > 2
    broken = tmp_path / "broken.mxl"
    broken.write_bytes(b"PK not a zip")
    tunes, skips = read_score_file(broken, "x", {}, tmp_path)
    assert not tunes and "not a readable .mxl (zip) file" in skips[0].reason
    empty = tmp_path / "empty.mxl"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "no score here")
    tunes, skips = read_score_file(empty, "x", {}, tmp_path)
    assert "no score inside the .mxl archive" in skips[0].reason


def test_piano_pieces_and_string_quartets_are_told_by_their_instruments(corpus_dir, tmp_path):
    # part names as xml2abc writes them from music21's corpus, escaped line breaks and all
    quartet = ('V:1 treble nm="\\n\t\t\t:1st Violin"\nV:2 treble nm="Violin II."\n'
               'V:3 alto nm="Viola "\nV:4 bass nm="Cello:\\n\t\t\t"\n')
    assert instrumentation_form(quartet) == "quartet"
    assert instrumentation_form('V:1 treble nm="Piano" snm="Pno"\nV:3 bass nm="Pno"\n') == "piano"
    assert instrumentation_form('V:1 treble nm="Bb Clarinet"\nV:2 treble nm="Piano"\n') is None
    assert instrumentation_form(quartet.replace("Viola ", "Flute")) is None
    # Chopin's mazurka is a piano piece although its title names a dance; Schumann's op. 41
    # quartets are quartets although his folder says only "romantic"
    mazurka, _ = read_score_file(corpus_dir / "chopin" / "mazurka06-2.krn", "x",
                                 {"period": "romantic"}, tmp_path)
    assert mazurka[0].labels["form"] == "piano"
    schumann, _ = read_score_file(corpus_dir / "schumann_robert" / "opus41no1" / "movement2.mxl",
                                  "x", {"period": "romantic"}, tmp_path)
    labels = schumann[0].labels
    assert (labels["form"], labels["period"]) == ("quartet", "romantic")


def test_a_work_encoded_twice_is_read_once_from_its_musicxml():
    beethoven = next(c for c in music21_score_collections() if c.name == "music21/beethoven")
    names = {str(p.relative_to(p.parents[1])) for p in beethoven.files}
    assert "opus18no1/movement3.mxl" in names and "opus18no1/movement3.krn" not in names


def test_misaligned_voices_are_skipped_with_a_reason():
    from tunesmith.abc import AbcError, parse

    tune = parse("X:1\nM:2/4\nL:1/8\nV:1\nV:2\nK:C\nV:1\ncdec|c4|\nV:2\nC4|\n")
    with pytest.raises(AbcError, match="not aligned"):
        interleave(tune)


def test_song_records_example_file():
    tunes, skips = read_song_records(EXAMPLES / "songs.json", "songs")
    assert [t.title for t in tunes] == ["Morning on the River", "山间小路"]
    assert tunes[0].key == "C" and tunes[0].meta["artist"] == "tunesmith example"
    assert tunes[1].get_all("W") == ["山间小路弯又长", "一步一步走回乡"]
    assert len(skips) == 1 and "no melody" in skips[0].reason


def test_key_from_tone_profile():
    c_major = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
    assert key_from_profile(c_major) == "C"
    assert key_from_profile(c_major[-2:] + c_major[:-2]) == "D"
    assert key_from_profile(c_major[2:] + c_major[:2]) == "Bb"


@pytest.mark.parametrize("record,field", [
    ({"singer": "x", "tone": {"profile": [1] * 12}}, "name"),
    ({"name": "x", "tone": {"profile": [1, 2]}}, "tone.profile"),
    ({"name": "x", "tone": "D"}, "tone"),
    ({"name": "x", "lyric": 5, "tone": {"profile": list(range(12))}}, "lyric"),
])
def test_bad_song_records_name_the_field(tmp_path, record, field):
    path = tmp_path / "songs.json"
    path.write_text(json.dumps([record]))
    tunes, skips = read_song_records(path)
    assert not tunes and f"'{field}'" in skips[0].reason and "songs.json[0]" in skips[0].origin


def test_folder_reads_every_kind(tmp_path, corpus_dir):
    (tmp_path / "a.abc").write_text(REEL)
    (tmp_path / "b.json").write_text((EXAMPLES / "songs.json").read_text())
    (tmp_path / ".hidden.abc").write_text(REEL)
    (tmp_path / "notes.txt").write_text("not music")
    files = folder_files(tmp_path)
    assert [p.name for p in files] == ["a.abc", "b.json"]
    assert sum(len(read_file(p, "folder")[0]) for p in files) == 3


def test_a_folder_that_cannot_be_listed_is_reported_not_lost(tmp_path):
    """A real unreadable folder (mode 000). Root reads any folder, so as root the listing runs
    in a process without the two capabilities that let it (setpriv, util-linux)."""
    import os
    import sys

    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.abc").write_text(REEL)
    (tmp_path / "shut").mkdir()
    (tmp_path / "shut" / "b.abc").write_text(REEL)
    code = ("import json, sys; from pathlib import Path; "
            "from tunesmith.data.folder import folder_files; unread = []; "
            "files = folder_files(Path(sys.argv[1]), unread); "
            "print(json.dumps([[p.name for p in files], [[u.origin, u.reason] for u in unread]]))")
    command = [sys.executable, "-c", code, str(tmp_path)]
    if os.geteuid() == 0:
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    (tmp_path / "shut").chmod(0)
    try:
        listed = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        (tmp_path / "shut").chmod(0o755)
    files, unread = json.loads(listed)
    assert files == ["a.abc"]
    assert unread == [[str(tmp_path / "shut"), "folder not read: Permission denied"]]


def test_lyrics_lines_do_not_count_as_bars_when_interleaving():
    from tunesmith.abc import parse

    text = ("X:1\nM:2/4\nL:1/8\nK:C\nV:1\nV:2\nV:1\ncdec|c4|]\nw: la la la la|la\n"
            "V:2\nL:1/4\nC2|C2|]\n")
    tune = normalise(interleave(parse(text)))
    assert tune.body == "[V:1]cdec|[V:2][L:1/4]C2|\n[V:1]c4|][V:2]C2|]\n"
    assert validate(tune, strict=True) == []

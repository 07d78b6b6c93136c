import subprocess
import sys

from tunesmith.cli import main

from .conftest import REEL


def test_help_is_instant_and_teaches():
    out = subprocess.run([sys.executable, "-m", "tunesmith.cli", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "prepare" in out and "examples:" in out
    # --help must not import the heavy libraries
    code = ("import sys; from tunesmith.cli import build_parser; build_parser(); "
            "print(any(m in sys.modules for m in ('torch', 'music21', 'numpy')))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_styles_lists_chinese_aliases(capsys):
    assert main(["styles"]) == 0
    out = capsys.readouterr().out
    assert "classical" in out and "古典主义" in out and "吉格舞曲" in out
    reel = next(line for line in out.splitlines() if line.split()[:1] == ["reel"])
    assert int(reel.split()[1].replace(",", "")) > 100  # training tunes of the bundled model


def test_styles_names_an_unreadable_model(tmp_path, capsys):
    assert main(["styles", "--model", str(tmp_path)]) == 2
    assert "styles.json" in capsys.readouterr().err


def test_validate_command(tmp_path, capsys):
    good, bad = tmp_path / "good.abc", tmp_path / "bad.abc"
    good.write_text(REEL)
    bad.write_text(REEL.replace("G2 BG F2 AF", "G2 BG F2 A"))
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(bad)]) == 1
    assert "bar 3 is 7/8 not 8/8" in capsys.readouterr().out


def test_prepare_command_reports_a_bad_source(tmp_path, capsys):
    assert main(["prepare", "--out", str(tmp_path / "ds"), "--source", "nowhere"]) == 2
    assert "nowhere" in capsys.readouterr().err

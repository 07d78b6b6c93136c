"""ABC → MIDI, WAV, MP3, SVG and MusicXML through the real tools.

abc2midi writes MIDI; fluidsynth plays it with the General MIDI soundfont from
``fluid-soundfont-gm`` and sox normalises the loudness (fluidsynth's default gain is nearly
silent); lame encodes MP3; abcm2ps engraves SVG; music21 writes MusicXML.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .tools import PACKAGES, ToolError, run

FORMATS = ("abc", "mid", "wav", "mp3", "svg", "musicxml")
SOUNDFONTS = ("/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/default-GM.sf2")
PACKAGES.setdefault("lame", "lame")


def soundfont() -> str:
    for path in SOUNDFONTS:
        if Path(path).exists():
            return path
    raise ToolError("no General MIDI soundfont: run `sudo apt-get install fluid-soundfont-gm`")


def _midi(abc_file: Path, out: Path) -> None:
    result = run("abc2midi", [str(abc_file), "-o", str(out)], timeout=60)
    if not out.exists() or out.stat().st_size == 0:
        raise ToolError(f"abc2midi wrote no MIDI for {abc_file}: {result.stdout[-500:]}")


def _wav(midi: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="tunesmith-") as tmp:
        raw = Path(tmp) / "raw.wav"
        result = run("fluidsynth", ["-ni", "-g", "1.0", "-r", "44100", "-F", str(raw),
                                    soundfont(), str(midi)], timeout=120)
        if not raw.exists():
            raise ToolError(f"fluidsynth wrote no audio: {result.stderr[-500:]}")
        result = run("sox", [str(raw), str(out), "norm", "-1"], timeout=120)
        if not out.exists():
            raise ToolError(f"sox could not normalise the audio: {result.stderr[-500:]}")


def _mp3(wav: Path, out: Path) -> None:
    result = run("lame", ["--quiet", "-V", "4", str(wav), str(out)], timeout=120)
    if not out.exists():
        raise ToolError(f"lame wrote no MP3: {result.stderr[-500:]}")


def _svg(abc_file: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="tunesmith-") as tmp:
        result = run("abcm2ps", ["-g", "-O", str(Path(tmp) / "score.svg"), str(abc_file)],
                     timeout=60)
        pages = sorted(Path(tmp).glob("*.svg"))
        if not pages:
            raise ToolError(f"abcm2ps wrote no SVG: {(result.stdout + result.stderr)[-500:]}")
        shutil.copyfile(pages[0], out)  # -g writes one SVG per tune; we render one tune


def _musicxml(abc: str, out: Path) -> None:
    import music21

    try:
        score = music21.converter.parse(abc, format="abc")
        score.write("musicxml", fp=str(out))
    except Exception as exc:  # music21 raises many types for notation it cannot read
        raise ToolError(f"music21 could not convert the tune to MusicXML: {exc}") from None


def render(abc: str, stem: str | Path, formats: list[str] | tuple[str, ...]) -> dict[str, Path]:
    """Write ``stem.<format>`` for each format; returns format → path. Unknown formats and
    missing tools raise ``ToolError`` with the fix."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ToolError(f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    abc_file = stem.with_suffix(".abc")
    abc_file.write_text(abc, encoding="utf-8")
    paths["abc"] = abc_file
    if {"mid", "wav", "mp3"} & set(formats):
        paths["mid"] = stem.with_suffix(".mid")
        _midi(abc_file, paths["mid"])
    if {"wav", "mp3"} & set(formats):
        paths["wav"] = stem.with_suffix(".wav")
        _wav(paths["mid"], paths["wav"])
    if "mp3" in formats:
        paths["mp3"] = stem.with_suffix(".mp3")
        _mp3(paths["wav"], paths["mp3"])
    if "svg" in formats:
        paths["svg"] = stem.with_suffix(".svg")
        _svg(abc_file, paths["svg"])
    if "musicxml" in formats:
        paths["musicxml"] = stem.with_suffix(".musicxml")
        _musicxml(abc, paths["musicxml"])
    return {f: p for f, p in paths.items() if f in formats}

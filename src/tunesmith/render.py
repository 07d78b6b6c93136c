"""ABC → MIDI, WAV, MP3, SVG and MusicXML through the real tools.

abc2midi writes MIDI; fluidsynth plays it with the General MIDI soundfont from
``fluid-soundfont-gm`` and sox normalises the loudness (fluidsynth's default gain is nearly
silent); lame encodes MP3; abcm2ps engraves SVG; music21 writes MusicXML.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from .tools import PACKAGES, ToolError, run

FORMATS = ("abc", "mid", "wav", "mp3", "svg", "musicxml")
SOUNDFONTS = ("/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/default-GM.sf2")
PACKAGES.setdefault("lame", "lame")


def soundfont() -> str:
    for path in SOUNDFONTS:
        if Path(path).exists():
            return path
    raise ToolError("no General MIDI soundfont: run `sudo apt-get install fluid-soundfont-gm`")


# a V: field, on its own line or inline
_VOICE_FIELD = re.compile(r"^V:[^\n%]*|\[V:[^\]\n]*", re.MULTILINE)


def _octave_clef_last(abc: str) -> str:
    """``abc`` with every octave clef the last word of its ``V:`` field: abc2midi 4.84 plays
    such a voice an octave from where it is written only when nothing follows the clef
    (``V:3 clef=treble-8 nm="Tenor"``, as xml2abc writes a tenor, played an octave high)."""
    from .abc.keys import octave_clef

    def moved(field: re.Match) -> str:
        text = field.group(0).rstrip()
        clef = next((w for w in text.split()[1:] if octave_clef([w])), None)
        if clef is None:
            return field.group(0)
        rest = re.sub(rf"\s+{re.escape(clef)}(?=\s|$)", "", text, count=1)
        return f"{rest} {clef}{field.group(0)[len(text):]}"
    return _VOICE_FIELD.sub(moved, abc)


def _midi(abc_file: Path, out: Path, abc: str) -> None:
    """``abc`` (the text of ``abc_file``) as MIDI by abc2midi."""
    with tempfile.TemporaryDirectory(prefix="tunesmith-") as tmp:
        if (fixed := _octave_clef_last(abc)) != abc:
            abc_file = Path(tmp) / "tune.abc"
            abc_file.write_text(fixed, encoding="utf-8")
        result = run("abc2midi", [str(abc_file), "-o", str(out)], timeout=60)
    if not out.exists() or out.stat().st_size == 0:
        raise ToolError(f"abc2midi wrote no MIDI for {abc_file}: {result.stdout[-500:]}")


def play(midi: Path, out: Path, timeout: float = 120) -> None:
    """MIDI → WAV (44.1 kHz) by fluidsynth with the GM soundfont, at fluidsynth's own level."""
    result = run("fluidsynth", ["-ni", "-g", "1.0", "-r", "44100", "-F", str(out),
                                soundfont(), str(midi)], timeout=timeout)
    if not out.exists():
        raise ToolError(f"fluidsynth wrote no audio: {result.stderr[-500:]}")


def _wav(midi: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="tunesmith-") as tmp:
        raw = Path(tmp) / "raw.wav"
        play(midi, raw)
        result = run("sox", [str(raw), str(out), "norm", "-1"], timeout=120)
        if not out.exists():
            raise ToolError(f"sox could not normalise the audio: {result.stderr[-500:]}")


def mp3(wav: Path, out: Path) -> None:
    """WAV → MP3 by lame (VBR quality 4)."""
    result = run("lame", ["--quiet", "-V", "4", str(wav), str(out)], timeout=120)
    if not out.exists():
        raise ToolError(f"lame wrote no MP3: {result.stderr[-500:]}")


def _svg(abc: str, out: Path) -> None:
    """One SVG of the whole tune. abcm2ps's one-SVG-a-tune mode (-g) overflows its buffer on
    long scores (a 128-bar 4-voice chorale); then its pages (-v) are stacked into one SVG."""
    with tempfile.TemporaryDirectory(prefix="tunesmith-") as tmp:
        # abcm2ps copies the file name into <title> byte by byte, which breaks UTF-8 for a
        # name like 古典主义.abc: engrave an ASCII-named copy and title the SVG with T:
        source = Path(tmp) / "tune.abc"
        source.write_text(abc, encoding="utf-8")
        result = run("abcm2ps", ["-g", "-O", str(Path(tmp) / "tune.svg"), str(source)],
                     timeout=60)
        pages = sorted(Path(tmp).glob("tune*.svg"))
        if not pages:
            result = run("abcm2ps", ["-v", "-O", str(Path(tmp) / "page.svg"), str(source)],
                         timeout=120)
            pages = sorted(Path(tmp).glob("page*.svg"))
        if not pages:
            raise ToolError(f"abcm2ps wrote no SVG: {(result.stdout + result.stderr)[-500:]}")
        texts = [page.read_text(encoding="utf-8", errors="replace") for page in pages]
        svg = texts[0] if len(texts) == 1 else _stack(texts)
        title = re.search(r"^T:(.*)$", abc, re.MULTILINE)
        svg = re.sub(r"<title>.*?</title>", lambda _: "<title>" + escape(
            title.group(1).strip() if title else "score") + "</title>", svg, count=1)
        svg = re.sub(r"<!-- CommandLine:.*?-->\n?", "", svg)  # names a temporary folder
        out.write_text(svg, encoding="utf-8")


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_SIZE = re.compile(r'width="([\d.]+)px" height="([\d.]+)px"')


def _stack(pages: list[str]) -> str:
    """abcm2ps's pages, one under the other, as one SVG document."""
    parts, width, height = [], 0.0, 0.0
    for page in pages:
        opening = _SVG_OPEN.search(page)
        size = _SIZE.search(opening.group()) if opening else None
        if size is None:
            raise ToolError("abcm2ps wrote a page without a size; cannot join its pages")
        w, h = float(size.group(1)), float(size.group(2))
        inner = page[opening.end():page.rindex("</svg>")]
        inner = re.sub(r"<title>.*?</title>", "", inner, count=1)
        parts.append(f'<svg y="{height:.2f}" width="{w:.2f}" height="{h:.2f}">{inner}</svg>')
        width, height = max(width, w), height + h
    return ('<?xml version="1.0" standalone="no"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
            'version="1.1" xmlns:xlink="http://www.w3.org/1999/xlink" color="black" '
            f'width="{width:.2f}px" height="{height:.2f}px">\n<title>score</title>\n'
            + "\n".join(parts) + "\n</svg>\n")


_VOICE_LINE = re.compile(r"^V:\S+([^\n]*)", re.MULTILINE)
# a V: line's name, and its clef: clef=alto, or a bare clef word as xml2abc writes it
_NAME = re.compile(r'\bnm="([^"]*)"')
_CLEF = re.compile(r'(?:\bclef=|(?<=\s))((?:treble|bass|alto|tenor)(?:[+-]8)?)(?=\s|$)')


def _musicxml(abc: str, out: Path) -> None:
    import music21

    from .abc import parse
    from .abc.transpose import explicit_accidentals
    from .lyrics import attach_words

    try:
        # music21 forgets an accidental at the bar's next note of that pitch: write each out
        score = music21.converter.parse(explicit_accidentals(parse(abc)).abc, format="abc")
        attach_words(score, abc)  # a song's w: lines, which music21's ABC reader drops
        # music21 reads no V: names nor clefs (it picks treble for a viola) and signs a score
        # without C: "Music21": name and clef each part as its V: line does, and leave the
        # composer to the ABC
        voices = _VOICE_LINE.findall(abc)
        parts = list(getattr(score, "parts", []))
        if len(voices) == len(parts):
            for part, fields in zip(parts, voices, strict=True):
                if name := _NAME.search(fields):
                    part.partName = name.group(1)
                if clef := _CLEF.search(fields):
                    _set_clef(part, clef.group(1))
        if score.metadata is not None and not re.search(r"^C:", abc, re.MULTILINE):
            score.metadata.composer = ""
        score.write("musicxml", fp=str(out))
    except Exception as exc:  # music21 raises many types for notation it cannot read
        raise ToolError(f"music21 could not convert the tune to MusicXML: {exc}") from None


def _set_clef(part, name: str) -> None:
    """Every clef music21 chose for ``part`` becomes the one ABC ``name``s (a voice has one);
    a name music21 does not know leaves its choice. Under an octave clef (``treble-8``),
    which music21's ABC reader ignores, the part moves to the octave it sounds in."""
    import music21

    from .abc.keys import octave_clef

    octaves = octave_clef([name])
    if octaves:  # music21 spells it "treble8vb"
        name = f"{name[:-2]}8v{'b' if octaves < 0 else 'a'}"
        part.transpose(12 * octaves, inPlace=True)
    try:
        kind = type(music21.clef.clefFromString(name))
    except music21.clef.ClefException:
        return
    for old in list(part.recurse().getElementsByClass("Clef")):
        old.activeSite.replace(old, kind())


class RenderError(ToolError):
    """Some formats could not be made; the ABC and the others were written all the same."""

    def __init__(self, failed: dict[str, str], written: dict[str, Path]):
        self.failed, self.written = failed, written
        super().__init__("; ".join(f"{fmt}: {why}" for fmt, why in failed.items())
                         + f" (written: {', '.join(str(p) for p in written.values())})")


def render(abc: str, stem: str | Path, formats: list[str] | tuple[str, ...]) -> dict[str, Path]:
    """Write ``stem.<format>`` for each format; returns format → path. Unknown formats raise
    ``ToolError``. A format that fails (a missing tool, a score too long for it) does not
    stop the others: ``RenderError`` then names it and holds what was written (the ABC
    first, when it was asked for)."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ToolError(f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tunesmith-") as tmp:
        # the tools read the ABC from a file; it stays beside the outputs only if asked for
        source = stem.with_suffix(".abc") if "abc" in formats else Path(tmp) / "tune.abc"
        source.write_text(abc, encoding="utf-8")
        paths, failed = _make(abc, source, stem, formats)
    written = {f: p for f, p in paths.items() if f in formats}
    failed = {f: why for f, why in failed.items() if f in formats}
    if failed:
        raise RenderError(failed, written)
    return written


def _make(abc: str, source: Path, stem: Path, formats: list[str] | tuple[str, ...]
          ) -> tuple[dict[str, Path], dict[str, str]]:
    """Each format asked (and the ones it is made from), in order; what was made, what not."""
    paths, failed = {"abc": source}, {}
    steps = [("mid", ("mid", "wav", "mp3"), lambda p: _midi(source, p, abc)),
             ("wav", ("wav", "mp3"), lambda p: _wav(paths["mid"], p)),
             ("mp3", ("mp3",), lambda p: mp3(paths["wav"], p)),
             ("svg", ("svg",), lambda p: _svg(abc, p)),
             ("musicxml", ("musicxml",), lambda p: _musicxml(abc, p))]
    needs = {"wav": "mid", "mp3": "wav"}
    for fmt, wanted_for, make in steps:
        if not set(wanted_for) & set(formats):
            continue
        if needs.get(fmt) in failed:
            failed[fmt] = f"needs {needs[fmt]}, which failed: {failed[needs[fmt]]}"
            continue
        try:
            make(stem.with_suffix(f".{fmt}"))
            paths[fmt] = stem.with_suffix(f".{fmt}")
        except ToolError as exc:
            failed[fmt] = str(exc)
    return paths, failed

"""Scores (MusicXML, Humdrum, MIDI) to multi-voice ABC, voices interleaved bar by bar.

MusicXML goes straight through the ``xml2abc`` converter shipped in ``abctoolkit``; Humdrum
and MIDI are read by music21 and written as MusicXML first. Each conversion is cached by the
file's content hash, so a corpus is converted once.
"""

from __future__ import annotations

import hashlib
import re
import signal
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

from ..abc import AbcError, Kind, Tune, lex, normalise, parse_tune, validate
from ..abc.keys import names_only_a_clef, octave_clef
from ..abc.transpose import octave_moved
from ..tools import user_cache
from .abc_source import Collection, music21_corpus_dir
from .labels import label
from .records import Skip, SourceError

SCORE_SUFFIXES = {".xml", ".mxl", ".musicxml", ".krn", ".mid", ".midi"}
_MUSICXML = {".xml", ".mxl", ".musicxml"}
CONVERT_TIMEOUT = 180  # seconds per file
CONVERTER = "2"  # bump when converting changes: a remembered failure is tried again

# music21 corpus folder → (default labels, licence); a score's form for piano or string quartet
# comes from its instruments (``instrumentation_form``), not its folder: Mozart's folder holds
# quartets and a piano sonata, Schumann's quartets and nothing else of his
_WORKS = {
    "bach": ({"period": "baroque", "form": "chorale", "tradition": "german"},
             "J.S. Bach chorales, music21 corpus encodings (public-domain music)"),
    "handel": ({"period": "baroque"}, "music21 corpus"),
    "corelli": ({"period": "baroque"}, "music21 corpus"),
    "cpebach": ({"period": "classical"}, "music21 corpus"),
    "palestrina": ({"period": "renaissance", "form": "mass"},
                   "Palestrina masses, Humdrum encodings by John Miller (c) 2000; derivative "
                   "formats reserved: research use"),
    "monteverdi": ({"period": "renaissance", "form": "madrigal"}, "music21 corpus"),
    "lusitano": ({"period": "renaissance"}, "music21 corpus"),
    "trecento": ({"period": "medieval"}, "Polyphonic Music of the Fourteenth Century, "
                 "music21 corpus encodings"),
    "ciconia": ({"period": "medieval"}, "music21 corpus"),
    "luca": ({"period": "medieval"}, "music21 corpus"),
    "mozart": ({"period": "classical"}, "music21 corpus"),
    "haydn": ({"period": "classical"}, "music21 corpus"),
    "beethoven": ({"period": "classical"}, "music21 corpus"),
    "schubert": ({"period": "romantic"}, "music21 corpus"),
    "schumann_robert": ({"period": "romantic"}, "music21 corpus"),
    "schumann_clara": ({"period": "romantic"}, "music21 corpus"),
    "chopin": ({"period": "romantic"}, "music21 corpus"),
    "verdi": ({"period": "romantic"}, "music21 corpus"),
    "weber": ({"period": "romantic"}, "music21 corpus"),
    "beach": ({"period": "romantic"}, "music21 corpus"),
    "liliuokalani": ({"period": "romantic", "form": "song"}, "music21 corpus"),
}


def music21_score_collections() -> list[Collection]:
    """The corpus's scored works; a work encoded twice (Humdrum and MusicXML, as Beethoven's
    op. 18 no. 1) is read once, from its MusicXML: the two spellings are not byte-identical
    music, so deduplication would keep both."""
    root = music21_corpus_dir()
    out = []
    for dirname, (defaults, licence) in _WORKS.items():
        found = [p for p in (root / dirname).rglob("*") if p.suffix in SCORE_SUFFIXES]
        xml_stems = {p.with_suffix("") for p in found if p.suffix in _MUSICXML}
        files = sorted(p for p in found
                       if p.suffix in _MUSICXML or p.with_suffix("") not in xml_stems)
        if files:
            out.append(Collection(f"music21/{dirname}", tuple(files), licence, defaults))
    return out


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Timeout


def _to_musicxml(path: Path, out: Path) -> None:
    """Humdrum or MIDI → MusicXML with music21, stopped after CONVERT_TIMEOUT seconds."""
    import music21

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CONVERT_TIMEOUT)
    try:
        score = music21.converter.parse(str(path))
        if path.suffix in (".mid", ".midi"):
            score = score.quantize((4, 3), inPlace=False)
        score.write("musicxml", fp=str(out))
    except _Timeout:
        raise SourceError(f"{path}: music21 took over {CONVERT_TIMEOUT} s to read it") from None
    except Exception as exc:  # music21 raises many types for bad files
        raise SourceError(f"{path}: music21 cannot read it ({type(exc).__name__}: {exc})"
                          ) from exc
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


_XML2ABC_FAILURE = re.compile(r"<class '([\w.]+)'> occurred: ([^\n]*)")


def _mxl_score(path: Path, out: Path) -> Path:
    """The score inside a compressed MusicXML file, written to ``out``: xml2abc opens only a
    member named ``*.xml`` and fails on the rest (music21's corpus names most ``*.musicxml``:
    Beethoven's op. 59 and 132, Verdi, Schumann's op. 41 no. 1 were lost to it). The score is
    the first root file ``META-INF/container.xml`` names, else the one MusicXML member."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            roots = []
            if "META-INF/container.xml" in names:
                container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
                roots = [e.get("full-path") for e in container.iter()
                         if e.tag.rsplit("}", 1)[-1] == "rootfile"]
            scores = [n for n in names if not n.startswith("META-INF")
                      and n.lower().endswith((".xml", ".musicxml"))]
            root = roots[0] if roots and roots[0] in names else \
                scores[0] if len(scores) == 1 else None
            if root is None:
                raise SourceError(f"{path}: no score inside the .mxl archive (its container "
                                  f"names {roots or 'none'}, it holds {names[:6]})")
            out.write_bytes(archive.read(root))
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError) as exc:
        raise SourceError(f"{path}: not a readable .mxl (zip) file: {exc}") from None
    return out


def _xml2abc(path: Path, workdir: Path) -> str:
    cmd = [sys.executable, "-m", "abctoolkit.xml2abc", "-o", str(workdir), str(path)]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise SourceError(f"{path}: xml2abc took over {CONVERT_TIMEOUT} s") from None
    produced = sorted(workdir.glob("*.abc"))
    text = produced[0].read_text(encoding="utf-8", errors="replace") if produced else ""
    failure = _XML2ABC_FAILURE.search(result.stdout + result.stderr)
    if failure and not re.search(r"^K:", text, re.M):  # it wrote a header-less .abc
        kind, message = failure.group(1).rsplit(".", 1)[-1], failure.group(2).strip()
        cut = ("no element found", "unclosed token")  # expat at the end of a truncated file
        hint = " (the file is cut short)" if message.startswith(cut) else ""
        raise SourceError(f"{path}: not readable MusicXML: {kind}: {message}{hint}")
    if not produced:
        message = (result.stderr or result.stdout).strip().splitlines()
        raise SourceError(f"{path}: xml2abc wrote no ABC ({message[-1] if message else '?'})")
    return text


def score_to_abc(path: Path, cache_dir: Path | None = None) -> str:
    """The ABC that xml2abc makes of a score, from the cache when the file is unchanged."""
    cache_dir = cache_dir or user_cache("scores")
    try:
        digest = hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror})") from exc
    cached, failed = cache_dir / f"{digest}.abc", cache_dir / f"{digest}.{CONVERTER}.err"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    if failed.exists():
        raise SourceError(failed.read_text(encoding="utf-8"))
    cache_dir.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="tunesmith-score-") as tmp:
            source = path
            if path.suffix in (".krn", ".mid", ".midi"):
                source = Path(tmp) / "score.musicxml"
                _to_musicxml(path, source)
            elif path.suffix == ".mxl":
                source = _mxl_score(path, Path(tmp) / f"{path.stem}.xml")
            outdir = Path(tmp) / "abc"
            outdir.mkdir()
            text = _xml2abc(source, outdir)
    except SourceError as exc:
        failed.write_text(str(exc), encoding="utf-8")
        raise
    tmp_path = cached.with_suffix(".tmp")
    tmp_path.write_text(text, encoding="utf-8")
    tmp_path.replace(cached)  # atomic: a killed run never leaves half a file
    return text


_PLACEHOLDERS = {"Title", "Music21 Fragment", "Music21", None}
_CLEFS = ("treble", "bass", "alto", "tenor", "treble-8", "bass-8")
_PART_NAME = re.compile(r'^V:.*?\bnm="([^"]*)"', re.M)
_PIANO_NAMES = {"piano", "pno", "pno.", "pianoforte", "klavier", "clavier"}


def _instrument(name: str) -> str:
    """A part's instrument from its name as scores write it ("1st Violin", "Violoncello",
    "Pno"); music21's exports wrap it in an escaped line break, tabs and a colon."""
    name = re.sub(r"(?:\\n|\s|:)+", " ", name).strip().lower()
    for instrument in ("cello", "viola", "violin"):  # "violoncello" before "viol…"
        if instrument in name:
            return instrument
    return "piano" if name in _PIANO_NAMES else name


def instrumentation_form(abc: str) -> str | None:
    """``piano`` for a score whose parts are all piano, ``quartet`` for two violins, a viola
    and a cello, read from xml2abc's part names (``V:1 treble nm="Violin I"``); else None."""
    parts = sorted(_instrument(n) for n in _PART_NAME.findall(abc))
    if parts and set(parts) == {"piano"}:
        return "piano"
    return "quartet" if parts == ["cello", "viola", "violin", "violin"] else None


def interleave(tune: Tune) -> Tune:
    """A multi-voice tune rewritten as one line per bar: ``[V:1]…|[V:2]…|``, each voice's
    notes at the pitch they sound (the field drops clefs: a tenor's ``treble-8`` part moves
    down an octave). A clef change inside a voice (``[K:bass]``) is engraving, not music:
    it is dropped, and an octave clef's notes move from there on (a voice's clef is chosen
    by its range when a piece is written).

    Raises :class:`AbcError` when the voices do not have the same number of bars.
    """
    moves = {value.split()[0]: move for value in tune.get_all("V")
             if (move := octave_clef(value.split()[1:]))}
    written_high = set(moves)  # voices whose V: names an octave clef
    voices: dict[str, list[list[str]]] = {}
    alone: list[str] = []  # the body as one voice: all but V: lines and clef changes
    current: list[str] = []
    name = None
    for atom in lex(tune.body):
        text = atom.text
        if atom.voice:  # xml2abc's V: lines, clefs and all, follow K:, in the body
            name = atom.voice
            voices.setdefault(name, [[]])
            if move := octave_clef(text.strip().strip("[]")[2:].split()[1:]):
                moves[name] = move
                written_high.add(name)
            continue
        if atom.field and atom.field[0] == "K" and names_only_a_clef(atom.field[1]):
            if not (move := octave_clef([atom.field[1].strip()])):
                moves.pop(name, None)
            else:
                moves[name] = move
            continue
        if atom.kind is Kind.NOTE and name in moves:
            text = octave_moved(text, moves[name])
        alone.append(text)
        if atom.kind in (Kind.NEWLINE, Kind.COMMENT) or name is None or text == "$":
            continue
        if atom.kind is Kind.FIELD_LINE:  # an L:/M:/K: line inside a voice stays in place
            if text[0] not in "KLM":
                continue  # lyrics (w:) and other text lines are not bars of music
            text = f"[{text.strip()}]"
        current = voices[name][-1]
        current.append(text)
        if atom.kind is Kind.BAR:
            voices[name].append([])
    if len(voices) < 2:  # one voice: no V: lines needed
        return replace(tune, fields=[f for f in tune.fields if f[0] != "V"], body="".join(alone))
    bars = {v: [b for b in bs if "".join(b).strip(" |:[]")] for v, bs in voices.items()}
    counts = {v: len(b) for v, b in bars.items()}
    if len(set(counts.values())) != 1:
        raise AbcError(f"voices are not aligned: bars per voice {counts}")
    lines = []
    for i in range(next(iter(counts.values()))):
        lines.append("".join(f"[V:{v}]" + "".join(bars[v][i]).strip() for v in bars))
    fields = []
    for key, value in tune.fields:
        if key == "V":
            words = value.split()
            clef = next((w for w in words[1:] if w in _CLEFS), "")
            clef = clef[:-2] if words[0] in written_high else clef  # notes sound as written now
            value = f"{words[0]} {clef}".strip()
        fields.append((key, value))
    return replace(tune, fields=fields, body="\n".join(lines) + "\n")


def read_score_file(path: Path, source: str, defaults: dict[str, str] | None = None,
                    cache_dir: Path | None = None, meta: dict[str, str] | None = None
                    ) -> tuple[list[Tune], list[Skip]]:
    """One score as one interleaved, normalised, labelled Tune (or a Skip saying why not)."""
    try:
        text = score_to_abc(path, cache_dir)
        tune = normalise(interleave(parse_tune(text)))
        validate(tune)
    except (SourceError, AbcError) as exc:
        reason = str(exc)
        return [], [Skip(str(path), reason if str(path) in reason else f"{path}: {reason}")]
    # xml2abc and music21 write placeholders when a score has no title or composer
    title = [t for t in tune.get_all("T") if t not in _PLACEHOLDERS] or [path.stem]
    composer = tune.get("C") if tune.get("C") not in _PLACEHOLDERS else None
    tune.fields = [(k, v) for k, v in tune.fields if k != "T"]
    tune = tune.with_field("T", re.sub(r"\s+", " ", " / ".join(title)))
    tune.source, tune.origin = source, str(path)
    tune.meta = dict(meta or {}, **({"composer": composer} if composer else {}))
    tune.labels = label(tune, defaults)
    if form := instrumentation_form(text):
        tune.labels["form"] = form  # a piano mazurka is a piano piece before it is a dance
    return [tune], []

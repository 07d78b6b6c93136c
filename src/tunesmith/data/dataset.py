"""The prepared dataset folder: the one place that knows its files.

``tunesmith prepare`` writes, and everything else reads through ``Dataset``:

    vocab.json       the tokenizer (tokens and their config)
    metadata.jsonl   one record per tune: split, offset/length/prefix of its tokens, labels,
                     source, the tune's ABC
    train.bin …      the token ids of each split, uint16, tune after tune
    report.json/.md  counts per source and label, skips, tonics
    manifest.json    the fingerprint of the inputs and settings it was made from
    splits/ cache/   prepare's own bookkeeping (split assignments, parsed files)
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from ..abc import Tokenizer, Tune, parse, parse_key
from ..abc.durations import quarter_tempo, written_bars
from ..abc.lexer import Kind, ends_on_repeat, lex
from ..abc.notes import (
    degrees,
    dotted_share,
    entries,
    last_beats,
    melody_span,
    notes,
    quick_share,
)
from ..abc.sections import layout
from ..abc.tune import AbcError
from .labels import meter_label

TOKEN_DTYPE = np.uint16
# the style labels a tune's written key is counted by (``Dataset.key_counts``)
KEY_LABELS = ("tradition", "period", "form", "mode")
_K_LINE = re.compile(r"^K:(.*)$", re.MULTILINE)  # the first is the header's
_Q_LINE = re.compile(r"^Q:(.*)$", re.MULTILINE)
PACE_STEP = 5  # percent: how finely ``Dataset.pace_counts`` counts a melody's quick notes
# the rhythm signs a style's tunes may or may not write (``Dataset.sign_counts``)
SIGNS = {"broken": Kind.BROKEN, "tuplet": Kind.TUPLET}


def written_signs(tune: Tune) -> list[str]:
    """The ``SIGNS`` a tune writes, in their order."""
    kinds = {atom.kind for atom in lex(tune.body)}
    return [name for name, kind in SIGNS.items() if kind in kinds]


class Dataset:
    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.vocab_path = self.root / "vocab.json"
        self.metadata_path = self.root / "metadata.jsonl"
        self.report_path = self.root / "report.json"
        self.report_page = self.root / "report.md"
        self.manifest_path = self.root / "manifest.json"
        self.splits_dir = self.root / "splits"
        self.cache_dir = self.root / "cache"

    def __repr__(self) -> str:
        return f"Dataset({str(self.root)!r})"

    def exists(self) -> bool:
        """Whether ``prepare`` has written this folder (its metadata is there)."""
        return self.metadata_path.is_file()

    def tokens_path(self, split: str) -> Path:
        return self.root / f"{split}.bin"

    def tokens(self, split: str) -> np.ndarray:
        """The token ids of one split, memory-mapped."""
        path = self.tokens_path(split)
        if not path.exists():
            raise FileNotFoundError(f"{path}: missing; run `tunesmith prepare` first")
        return np.memmap(path, dtype=TOKEN_DTYPE, mode="r")

    def tokenizer(self) -> Tokenizer:
        return Tokenizer.load(self.vocab_path)

    def records(self, split: str | None = None) -> Iterator[tuple[int, dict]]:
        """(line number, record) of every tune in ``split`` (all splits if None)."""
        with open(self.metadata_path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                record = json.loads(line)
                if split is None or record["split"] == split:
                    yield n, record

    def tunes(self, split: str | None = None) -> list[Tune]:
        """The tunes of one split (all if None) with their style labels and source."""
        tunes = []
        for _, record in self.records(split):
            tune = parse(record["abc"])
            tune.labels, tune.source = record["labels"], record["source"]
            tunes.append(tune)
        return tunes

    def key_counts(self, split: str = "train") -> list[list]:
        """How often the tunes of ``split`` are written on each tonic, by style: rows of
        ``KEY_LABELS`` (None where a tune has no such label), the ``K:`` mode, the tonic and
        the number of tunes. Irish tunes are in G, D and A, Palestrina's in C and F: what a
        piece given no key is given (``Composer``)."""
        counts: Counter = Counter()
        for _, record in self.records(split):
            found = _K_LINE.search(record["abc"])
            try:
                key = parse_key(found.group(1)) if found else None
            except AbcError:
                continue
            if key is not None and key.tonic is not None:
                labels = record["labels"]
                counts[(*(labels.get(d) for d in KEY_LABELS), key.mode, key.tonic)] += 1
        return [[*row, n] for row, n in sorted(counts.items(), key=str)]

    def tempo_counts(self, split: str = "train") -> list[list]:
        """The tempos the tunes of ``split`` are marked with (``Q:``, in quarter notes a
        minute: ``quarter_tempo``), by style and meter: rows of ``KEY_LABELS`` (None where a
        tune has no such label), the meter label, the tempo and the number of tunes. Aird's
        reels are marked a half note at 104 (208), his jigs a dotted quarter at 120 (180), the
        chorales a quarter at 96; most tunes are marked with none. What a piece not asked
        its tempo is played at (``Composer``)."""
        counts: Counter = Counter()
        for _, record in self.records(split):
            found = _Q_LINE.search(record["abc"])
            tempo = quarter_tempo(found.group(1)) if found else None
            if tempo is not None:
                labels = record["labels"]
                counts[(*(labels.get(d) for d in KEY_LABELS), labels.get("meter"), tempo)] += 1
        return [[*row, n] for row, n in sorted(counts.items(), key=str)]

    def span_counts(self, split: str = "train", progress: bool = False) -> list[list]:
        """How wide the one-voice tunes of ``split`` go, by style: rows of ``KEY_LABELS``
        (None where a tune has no such label), the span from lowest to highest note in
        semitones and the number of tunes. A German song keeps within a tenth where a reel
        runs over two octaves: what a melody's span is drawn from (``Composer``). Reads
        every melody's notes (ten seconds for the full corpus): ``progress`` shows a bar."""
        return self._tune_counts(split, melody_span, "melody spans", progress, melodies=True)

    def ending_counts(self, split: str = "train", progress: bool = False) -> list[list]:
        """Whether the one-voice tunes of ``split`` end by closing a repeat, by style: rows of
        ``KEY_LABELS`` (None where a tune has no such label), True where the last barline is
        ``:|`` (or ``::``), and the number of tunes. Nine in ten of the corpus's hornpipes
        play their last part twice, three in four of its jigs, none of its German or Chinese
        songs: how a piece ends where the model cannot say (``Composer``). A last part that
        ends on a second-time bar does not count (``ends_on_repeat``): the sampler writes no
        such endings."""
        return self._tune_counts(split, lambda tune: ends_on_repeat(tune.body),
                                 "melody endings", progress, melodies=True)

    def final_counts(self, split: str = "train", progress: bool = False) -> list[list]:
        """How long the one-voice tunes of ``split`` hold their last note, by style and meter:
        rows of ``KEY_LABELS`` (None where a tune has no such label), the meter label, the
        last note's length in beats of the meter as a fraction ("1/2", "2") and the number
        of tunes. Reels and jigs end on a quarter note (half a beat of 2/2, two thirds of
        6/8), hornpipes in 4/4 on a beat, airs in 3/4 and Chinese songs on two beats or
        more: how long a melody ends (``Composer``)."""
        def final(tune: Tune) -> tuple[str, str] | None:
            try:
                held = last_beats(tune)
            except ValueError:
                return None
            return (meter_label(tune.meter), str(held[0])) if len(held) == 1 else None

        return self._tune_counts(split, final, "melody finals", progress, melodies=True)

    def pace_counts(self, split: str = "train", progress: bool = False) -> list[list]:
        """How busy the one-voice tunes of ``split`` run, by style and meter: rows of
        ``KEY_LABELS`` (None where a tune has no such label), the meter label, the share of
        their notes a sixteenth or shorter (``quick_share``) in whole percent rounded to
        ``PACE_STEP``, and the number of tunes. Two in three of the German songs in 2/4 run
        15% or fewer of their notes so, one in fourteen half or more; three in five Chinese
        songs in 2/4 a quarter or more: how busy a melody runs (``Composer``)."""
        return self._share_counts(split, quick_share, "melody paces", progress)

    def dot_counts(self, split: str = "train", progress: bool = False) -> list[list]:
        """How dotted the one-voice tunes of ``split`` run, rows as ``pace_counts``'s, of
        the share of their notes a dotted eighth (``dotted_share``): most songs none (81% of
        those in 4/4), strathspeys 30% on average, hornpipes none or 30% to a half."""
        return self._share_counts(split, dotted_share, "melody dots", progress)

    def entry_counts(self, split: str = "train", progress: bool = False) -> list[list]:
        """When the voices of the pieces in voices of ``split`` come in, by style: rows of
        ``KEY_LABELS`` (None where a piece has no such label), the number of voices, the
        whole bars each rests before its first note, top voice first, in whole percent of
        the piece's bars, space-separated (``"0 0 5 9"``, ``abc.notes.entries``), and the
        number of pieces. Half the voices of the corpus's masses come in a bar or more after
        the first, a chorale's all at once: how a piece's voices enter (``Composer``)."""
        def entered(tune: Tune) -> tuple[int, str] | None:
            found = entries(tune)
            if found is None:
                return None
            bars, length = found
            return len(bars), " ".join(str(round(100 * b / length)) for b in bars)

        return self._tune_counts(split, entered, "voice entries", progress, melodies=False)

    def degree_counts(self, split: str = "train", progress: bool = False) -> list[list]:
        """On which pitch classes above the tonic the tunes of ``split`` sound their notes
        (``abc.notes.degrees``), by style and the ``K:`` mode: rows of ``KEY_LABELS`` (None
        where a tune has no such label), the mode, the pitch class (0 the tonic … 11) and
        the number of notes, melodies and voices alike. The corpus's madrigals sound 2% of
        their notes a flat seventh above the tonic, its German songs in minor 3% a leading
        note: what a piece's notes lean toward (``Composer``)."""
        def sounded(tune: Tune) -> Counter:
            mode = parse_key(tune.key).mode
            return Counter((mode, pitch_class) for pitch_class in degrees(tune) or ())

        return self._tune_counts(split, sounded, "scale degrees", progress, melodies=False)

    def duration_counts(self, split: str = "train", progress: bool = False) -> list[list]:
        """How long the notes of the tunes of ``split`` sound, by style and meter: rows of
        ``KEY_LABELS`` (None where a tune has no such label), the meter label, a length in
        whole notes as ``abc.notes.notes`` reads it (tied notes one, a triplet's as it
        sounds: ``"1/8"``, ``"1/12"``) and the number of notes, melodies and voices alike.
        The corpus's string quartets run 39% of their notes in eighths, 22% in sixteenths:
        what a piece's note lengths lean toward (``Composer``)."""
        def sounded(tune: Tune) -> Counter:
            meter = meter_label(tune.meter)
            return Counter((meter, str(n.length)) for n in notes(tune))

        return self._tune_counts(split, sounded, "note lengths", progress, melodies=False)

    def slur_counts(self, split: str = "train", progress: bool = False) -> list[list]:
        """How often the tunes of ``split`` open a slur, by style: rows of ``KEY_LABELS``
        (None where a tune has no such label), ``"slurs"`` or ``"notes"`` and how many of
        them the tunes write, melodies and voices alike. The corpus's Irish jigs open one in
        about 43 notes, its airs one in 7, its string quartets one in 10: how often a piece
        slurs (``Composer``)."""
        def marked(tune: Tune) -> Counter:
            kinds = Counter(atom.kind for atom in lex(tune.body))
            return Counter({"slurs": kinds[Kind.SLUR_START], "notes": kinds[Kind.NOTE]})

        return self._tune_counts(split, marked, "slurs", progress, melodies=False)

    def _share_counts(self, split: str, share: Callable[[Tune], float | None], what: str,
                      progress: bool) -> list[list]:
        """Rows of ``KEY_LABELS``, the meter label, a melody's ``share`` of its notes in
        whole percent rounded to ``PACE_STEP``, and the number of tunes."""
        def counted(tune: Tune) -> tuple[str, int] | None:
            part = share(tune)
            return None if part is None else (meter_label(tune.meter),
                                              PACE_STEP * round(100 * part / PACE_STEP))

        return self._tune_counts(split, counted, what, progress, melodies=True)

    def sign_counts(self, split: str = "train", progress: bool = False) -> list[list]:
        """Which rhythm signs the tunes of ``split`` write, by style: rows of ``KEY_LABELS``
        (None where a tune has no such label), the ``SIGNS`` a tune writes, space-separated
        (``"broken tuplet"``, ``""`` for neither) and the number of tunes. Two in three of the
        corpus's Irish reels write triplets, nine in ten strathspeys dotted pairs, none of the
        Essen collection's 6,600 German, Lorraine, Luxembourg and Chinese songs either: the
        signs a piece may write (``Composer``)."""
        return self._tune_counts(split, lambda tune: " ".join(written_signs(tune)),
                                 "rhythm signs", progress, melodies=False)

    def layout_counts(self, split: str = "train", progress: bool = False) -> list[list]:
        """The forms the tunes of ``split`` are written in, by style: rows of ``KEY_LABELS``
        (None where a tune has no such label), whether it is in voices, the form as
        ``abc.sections`` spells it (each section's bars, ``:`` after one played twice; a
        piece in voices its first voice's) and the number of tunes. Scottish strathspeys are
        mostly ``4: 8``, Irish jigs ``8: 8:``, O'Neill's reels ``8 8``, German songs one
        section, Bach's chorales often ``4: 8``: the form a piece not asked its length is
        planned in (``Composer``). Tunes with first and second endings are not counted."""
        def voices_and_form(tune: Tune) -> tuple[bool, str] | None:
            form = layout(tune)
            return None if form is None else ("V:" in tune.body, form)

        return self._tune_counts(split, voices_and_form, "forms", progress, melodies=False)

    def length_counts(self, split: str = "train", progress: bool = False) -> list[list]:
        """How many bars long the tunes of ``split`` are as written, by style: rows of
        ``KEY_LABELS`` (None where a tune has no such label), whether it is in voices, the
        bars (``written_bars``) and the number of tunes. Reels, jigs and hornpipes are 16
        bars, slip jigs and German songs 8 or 12, a chorale 12, a mass movement 39: how long
        a piece is where its length was not asked (``Composer``), a melody as melodies are."""
        def voices_and_bars(tune: Tune) -> tuple[bool, int] | None:
            bars = written_bars(tune)
            return None if bars is None else ("V:" in tune.body, bars)

        return self._tune_counts(split, voices_and_bars, "tune lengths", progress,
                                 melodies=False)

    def _tune_counts(self, split: str, measure: Callable[[Tune], object], desc: str,
                     progress: bool, melodies: bool) -> list[list]:
        """Rows of ``KEY_LABELS``, what ``measure`` says of a tune of ``split`` (None: not
        counted; a tuple: a column each; a ``Counter`` of those: each counted as often) and
        the number of tunes it says so of; tunes that do not read are skipped, and with
        ``melodies`` tunes in voices before the reading."""
        from tqdm import tqdm

        counts: Counter = Counter()
        for _, record in tqdm(self.records(split), desc=desc, unit="tune",
                              disable=not progress):
            if melodies and "V:" in record["abc"]:  # voices, not a melody
                continue
            try:
                value = measure(parse(record["abc"]))
            except AbcError:
                continue
            labels = tuple(record["labels"].get(d) for d in KEY_LABELS)
            for said, n in (value if isinstance(value, Counter) else Counter([value])).items():
                if said is not None:
                    counts[(*labels, *(said if isinstance(said, tuple) else (said,)))] += n
        return [[*row, n] for row, n in sorted(counts.items(), key=str)]

    def report(self) -> dict:
        """``report.json``, or an empty dict for a folder without one."""
        if not self.report_path.exists():
            return {}
        return json.loads(self.report_path.read_text(encoding="utf-8"))

    def fingerprint(self) -> str:
        """The inputs' fingerprint from ``manifest.json``; empty if there is none."""
        if not self.manifest_path.exists():
            return ""
        return json.loads(self.manifest_path.read_text(encoding="utf-8")).get("fingerprint", "")

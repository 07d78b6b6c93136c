"""The friendly top level: ``Composer.load(path).generate("古典主义", bars=32)``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .abc import Tune, parse, transpose, validate
from .abc.canonical import canonical, on_c, relength, shift_to_c, to_key
from .abc.durations import PHRASE_BARS, bar_seconds, beat_tempo, quarter_tempo
from .abc.keys import Key, parse_key
from .abc.lines import unfielded, whole_bar_lines
from .abc.notes import notes as sounding_notes
from .abc.opening import Opening, OpeningError, read_opening
from .abc.sections import parse_layout, played_seconds
from .abc.tune import AbcError, parse_fraction
from .abc.voices import (
    clef,
    medieval,
    picardy,
    voice_blocks,
    voice_compasses,
    voice_parts,
)
from .checkpoint import Checkpoint, CheckpointError
from .data.dataset import KEY_LABELS, SIGNS
from .data.labels import meter_label
from .engine import Engine, TorchEngine, load_engine
from .generate import (
    MELODY_SPAN,
    BarTracker,
    Sampling,
    TokenTable,
    Voices,
    choose_header,
    complete_controls,
    explicit_repeats,
    fitted_phrases,
    generate,
    header_values,
    sung_tracker,
    tracker,
)
from .limits import (
    DEFAULT_BARS,
    DEFAULT_TEMPO,
    DEFAULT_TOP_P,
    MAX_BARS,
    MAX_PARTS,
    TEMPO,
    check_request,
    checked_meter,
)
from .loops import LIMITS as LOOP_LIMITS
from .loops import TRIES as LOOP_TRIES
from .loops import caught_in_a_loop
from .lyrics import Lyrics, LyricsError, plan, read_lyrics, with_words
from .pretrained import DEFAULT_MODEL
from .prompt import ENSEMBLES, FORM_VOICES, Controls, interpret, usual_voices
from .styles import (
    CHORD_BONUS_BY_FORM,
    CHORDED_FORMS,
    IMITATION_BONUS_BY_FORM,
    MELODY_REGISTERS,
    PARALLEL_COST_BY_FORM,
    REST_BARS_BY_FORM,
    RHYTHM_BONUS,
    RHYTHM_WORDS,
    SLURRED_FORMS,
    STAND_INS,
    STYLE_DIMENSIONS,
    STYLE_GUIDANCE,
    TONAL_MODES,
    guided_tokens,
    rhythm_entry,
    stepped,
    tied,
)

if TYPE_CHECKING:
    from .models.judges import Judges

_SUFFIX_FORMATS = {".abc": "abc", ".mid": "mid", ".midi": "mid", ".wav": "wav", ".mp3": "mp3",
                   ".svg": "svg", ".musicxml": "musicxml", ".xml": "musicxml"}


class Cancelled(RuntimeError):
    """``generate`` stopped because its caller set ``cancel``."""


@dataclass
class Piece:
    """One generated tune: its ABC, the controls it was asked for and its log-likelihood."""

    abc: str
    controls: Controls
    seed: int
    log_likelihood: float  # natural log, summed over the music tokens
    tokens: int
    remarks: list[str] = field(default_factory=list)  # how the prompt was read, what was chosen

    @property
    def tune(self) -> Tune:
        return parse(self.abc)

    @property
    def seconds(self) -> float | None:
        """How long it plays, its repeats played (``abc.sections.played_seconds``; at the
        players' ``DEFAULT_TEMPO`` without a ``Q:``): what a game or a film fits it to."""
        return played_seconds(self.tune, DEFAULT_TEMPO)

    def save(self, path: str | Path) -> Path:
        """Write the piece to ``path`` in the format its suffix names (.abc .mid .midi .wav
        .mp3 .svg .musicxml .xml)."""
        from .render import render

        path = Path(path)
        fmt = _SUFFIX_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise ValueError(f"{path}: cannot tell the format from {path.suffix!r}; use one "
                             f"of {' '.join(_SUFFIX_FORMATS)}")
        written = render(self.abc, path.with_suffix(""), [fmt])[fmt]
        return written if written == path else written.replace(path)

    def to_music21(self):
        """The piece as a music21 Score (one Part per voice; a song's words on its notes)."""
        import music21

        from .lyrics import attach_words

        score = music21.converter.parse(self.abc, format="abc")
        attach_words(score, self.abc)  # a song's words, which music21's ABC reader drops
        return score


@dataclass
class Outline:
    """One piece's choices before its notes, shared by all its candidates."""

    controls: Controls  # the prompt's, completed by the model's choices
    prefix: list[int]  # controls and header as the model reads them
    given: list[int]  # an opening's bars after the header, else none
    header: dict[str, str]  # M, L and K as the model writes the piece
    out_key: str  # the key the piece is written in at the end
    span: int = MELODY_SPAN  # semitones a melody keeps within
    final: Fraction = Fraction(1)  # beats a melody's last note lasts at least
    ends_repeat: bool = False  # a melody closes a repeat at its end if the model cannot say
    sections: tuple[tuple[int, bool], ...] = ()  # its planned parts: bars, played twice, each
    unwritten: frozenset[str] = frozenset()  # rhythm signs its style's tunes do not write
    pace: float | None = None  # the share of a melody's notes that are quick
    dots: float | None = None  # ... and of those that are dotted
    entries: tuple[int, ...] = ()  # the bars each voice rests before it comes in
    degrees: tuple[float, ...] = ()  # its style's shares of notes on each degree, tonic up
    durations: tuple[tuple[Fraction, float], ...] = ()  # ... and of each length, in whole notes
    bowings: float | None = None  # the share of its notes a slur opens on, where it may slur

    @property
    def same(self) -> tuple:
        """Equal for outlines whose candidates can be decoded in one batch."""
        return (tuple(self.prefix), self.out_key, self.controls.voices, self.controls.bars,
                self.span, self.final, self.sections, self.unwritten, self.pace, self.dots,
                self.entries, self.degrees, self.durations, self.bowings)


class Composer:
    """A trained model ready to write music; see ``generate``."""

    def __init__(self, checkpoint: Checkpoint, engine: Engine | None = None):
        """``engine``: what runs the model (``tunesmith.engine``); by default PyTorch on the
        checkpoint's weights. ``Composer.load`` chooses ONNX Runtime where it can."""
        self.checkpoint = checkpoint
        self.engine = engine or TorchEngine(checkpoint.model.eval())
        self.tokenizer = checkpoint.tokenizer
        self.table = TokenTable(self.tokenizer)
        self._judges: Judges | None = None  # loaded on the first rerank
        self._train_tunes = {(s["dimension"], s["name"]): s.get("train_tunes", 1)
                             for s in checkpoint.styles}

    @classmethod
    def load(cls, path: str | Path | None = None, device: str = "cpu",
             engine: str = "auto") -> Composer:
        """A checkpoint directory; by default the model that ships with tunesmith.
        ``engine``: ``auto`` (ONNX Runtime where the checkpoint has its graph, else PyTorch),
        ``onnx`` or ``torch``; the pieces are the same either way."""
        path = Path(path) if path else DEFAULT_MODEL
        if path == DEFAULT_MODEL and not path.exists():
            raise CheckpointError(f"{path}: the bundled default model is missing from this "
                                  "installation; pass a checkpoint from `tunesmith train`")
        return cls(*load_engine(path, engine, device))

    def generate(self, prompt: str | list[str] = "", bars: int | None = None, *, num: int = 1,
                 seed: int = 0, key: str | None = None, meter: str | None = None,
                 tempo: int | None = None, temperature: float = 1.0, top_k: int = 0,
                 top_p: float = DEFAULT_TOP_P, title: str | None = None,
                 time_limit: float | None = None, rerank: int = 1,
                 voices: int | None = None, guidance: float | None = None,
                 cancel: threading.Event | None = None,
                 start: str | None = None, lyrics: str | None = None,
                 seconds: float | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[Piece]:
        """``num`` pieces for a prompt in English or Chinese. Explicit ``key``, ``meter``,
        ``tempo``, ``bars`` and ``voices`` win over what the prompt says; a chorale, quartet, mass
        or madrigal gets its usual number of voices, aligned bar by bar; a piece not given ``bars``
        is as long as a training tune of its style (``typical_bars``), one not given ``tempo`` plays
        at its form's (``typical_tempo``). ``seconds`` (or "a two-minute reel" in the prompt) asks
        how long it plays, its repeats played: its style's parts, more or fewer of them, to play
        nearest that at its tempo (``timed_sections``); bars asked win over it. The same seed gives
        the same pieces. ``guidance`` > 1 pushes each token toward the asked style (classifier-free
        guidance: the model's logits with the style controls, moved away from its logits without
        them; 1 = off, costs a second decoder); None gives each piece its form's
        (``styles.STYLE_GUIDANCE``). Each piece makes its own choice of what the prompt leaves open
        (form, mode, meter, key), as real tunes of a style differ; pieces that chose alike are
        written in one batch. With ``rerank`` > 1 each piece is the best of ``rerank`` candidates
        (see ``_rank``). Past ``time_limit`` seconds it raises ``TimeoutError``, and once ``cancel``
        is set ``Cancelled`` (a server's guards: a request too slow, a client gone). A list of
        prompts gives each prompt's pieces in turn.

        ``start`` is an opening to continue: ABC with its header (M: and K: at least) and
        whole bars of one voice. It is kept byte for byte, its key and meter are the piece's,
        and the model writes on from it to ``bars`` bars in all: a B part for an A part, or
        with ``num`` > 1 several continuations of one opening. A bad opening raises
        ``OpeningError`` naming what to change.

        ``lyrics`` are words to set (English or Chinese, one line a phrase): the melody has
        exactly one note per syllable, each line ends at a bar end, stressed syllables fall
        on strong beats, and the words print under the notes (``w:`` lines). The words set
        the length; ``LyricsError`` says what cannot be sung. ``progress(done, bars)`` is
        called as the bars are written (the slowest candidate's), for a progress bar."""
        if not isinstance(prompt, str):
            return [piece for text in prompt for piece in self.generate(
                text, bars, num=num, seed=seed, key=key, meter=meter, tempo=tempo,
                temperature=temperature, top_k=top_k, top_p=top_p, title=title,
                time_limit=time_limit, rerank=rerank, voices=voices, guidance=guidance,
                cancel=cancel, start=start, lyrics=lyrics, seconds=seconds, progress=progress)]
        key, meter = check_request(bars=bars, num=num, key=key, meter=meter, tempo=tempo,
                                   voices=voices, temperature=temperature, top_k=top_k,
                                   top_p=top_p, guidance=guidance, rerank=rerank,
                                   seconds=seconds)
        if start is not None and lyrics is not None:
            raise ValueError("give an opening (start) or lyrics, not both")
        opening = read_opening(start) if start is not None else None
        words = read_lyrics(lyrics) if lyrics is not None else None
        deadline = time.monotonic() + time_limit if time_limit else None
        controls = interpret(prompt)
        if meter is None and controls.meter:  # a prompt's "in 7/3" is read, not obeyed
            try:
                controls.meter = checked_meter(controls.meter)
            except ValueError as exc:
                controls.remarks.append(f"{exc}; the model chooses the meter")
                controls.meter = None
        self._stand_in_unseen(controls)
        self._played_on_its_instrument(controls)
        controls.key = key or controls.key
        if key and controls.labels.get("mode") in TONAL_MODES:  # "a sad waltz", --key D: D major
            with suppress(AbcError):
                if (mode := parse_key(key).mode) in TONAL_MODES:
                    controls.labels["mode"] = mode
        controls.meter = meter or controls.meter
        controls.tempo = tempo or controls.tempo
        controls.bars = bars or controls.bars  # if None, each piece its style's (``_outline``)
        controls.seconds = seconds or controls.seconds
        if controls.seconds and (controls.bars or words is not None or opening is not None):
            asked = f"{controls.seconds:g} s asked"
            controls.remarks.append(
                f"the words set its length, not the {asked}" if words is not None else
                f"{controls.bars} bars asked set its length, not the {asked}" if controls.bars
                else f"an opening is continued to {DEFAULT_BARS} bars or the bars asked, not "
                f"to the {asked}")
            controls.seconds = None
        if opening is not None:  # the opening's key and meter are the piece's
            parsed = parse_key(opening.tune.key)
            controls.key = parsed.abc() if parsed.tonic else None
            controls.meter = opening.tune.meter
            controls.bars = controls.bars or DEFAULT_BARS
            if opening.bars >= controls.bars:
                raise OpeningError(f"opening: it has {opening.bars} bars already; ask for "
                                   "more bars in all than that")
        options = Sampling(temperature, top_k, top_p)
        # controls and header are one choice each that shapes the whole piece: sharpen them
        # toward what is typical for the style
        choices = Sampling(temperature / 2, top_k, top_p)
        rng = np.random.default_rng(seed)
        asked = {d: v for d, v in controls.labels.items() if d in STYLE_DIMENSIONS}
        # each piece its own controls, header and key, as four real tunes of a style differ;
        # pieces that drew the same outline are written in one batch (and ranked together)
        # a prompt that names nothing the model knows leaves it all to the model: drawn as
        # the model weighs the styles, not sharpened toward its likeliest, Palestrina's (a
        # mass for every seed)
        style_draw = choices if controls.labels else options
        outlines = [self._outline(controls, voices, opening, words, choices, rng, style_draw)
                    for _ in range(num)]
        groups: dict[tuple, list[int]] = {}
        for i, outline in enumerate(outlines):
            groups.setdefault(outline.same, []).append(i)
        name = _one_line(title, 200) if title else _title(prompt)
        pieces: dict[int, Piece] = {}  # by the piece's place, filled group by group

        # the progress: bars of the groups already written, of all to write
        shown = {"before": 0, "total": sum(outlines[members[0]].controls.bars
                                           for members in groups.values())}

        def check(trackers: list[BarTracker | Voices]) -> None:
            if deadline and time.monotonic() > deadline:
                raise TimeoutError(f"generation stopped after {time_limit:g} s; ask for "
                                   "fewer bars or candidates")
            if cancel is not None and cancel.is_set():
                raise Cancelled("generation cancelled by its caller")
            if progress is not None:
                progress(shown["before"] + min(_bars_written(t) for t in trackers),
                         shown["total"])

        def again(bars: int) -> None:  # a piece written again: the progress never runs back
            shown["before"] += bars
            shown["total"] += bars

        for members in groups.values():
            outline = outlines[members[0]]
            pull = guidance if guidance is not None else self._style_guidance(outline)
            write = partial(self._write, outline, options=options, rng=rng, guidance=pull,
                            name=name, opening=opening, words=words, seed=seed, check=check)
            made = self._unlooped(write(len(members) * rerank), outline, write, again)
            if rerank > 1:
                made = self._rank(made, asked)
            if outline.controls.seconds:
                for piece in made:
                    played = piece.seconds
                    piece.remarks.append("how long it plays cannot be read from its bars"
                                         if played is None else
                                         f"plays for {clock(played)}, its repeats played")
            for i, piece in zip(members, made, strict=False):  # the best of the candidates
                pieces[i] = piece
            shown["before"] += outline.controls.bars
        return [pieces[i] for i in range(num)]

    def _stand_in_unseen(self, controls: Controls) -> None:
        """A style this model saw no training tunes of steers nowhere as a control token:
        it is written as its nearest (``styles.STAND_INS``: a polka as a dance) where at least
        ``KEY_MATCHED`` training tunes are of that and the prompt's tradition and period (an
        Irish polka as an Irish dance; the corpus's 3 American dances are too few: an American
        polka is left to the model, which writes it as the American 2/4 tunes it knows),
        else left to the model's choice; the remarks say which."""
        for d, v in list(controls.labels.items()):
            if self._train_tunes.get((d, v), 1) > 0:
                continue
            del controls.labels[d]
            instead = "the model chooses instead"
            if nearest := STAND_INS.get((d, v)):
                alike = {dim: controls.labels[dim] for dim in ("tradition", "period")
                         if dim in controls.labels}
                if self._tunes_alike({**alike, nearest[0]: nearest[1]}) >= KEY_MATCHED:
                    controls.labels[nearest[0]] = nearest[1]
                    instead = f"written as its nearest, {nearest[0]}={nearest[1]}"
            controls.remarks.append(f"this model saw no training tunes of {d}={v}; {instead}")

    def _played_on_its_instrument(self, controls: Controls) -> None:
        """A dance or tune of a period that wrote none in the corpus ("a Chopin waltz": no
        romantic waltz, so a sparse one-line melody of no tradition) is a piece for the
        instrument that period's training tunes are written for (``prompt.ENSEMBLES``, the
        one with most: romantic piano, classical quartet), in the dance's meter. (A medieval
        dance is in its period's voices already: ``prompt.PERIOD_TUNE_VOICES``.)"""
        period, form = controls.labels.get("period"), controls.labels.get("form")
        if period is None or form is None or FORM_VOICES.get(form, 1) > 1 \
                or self._tunes_alike({"period": period, "form": form}):
            return
        counts = {f: self._tunes_alike({"period": period, "form": f}) for f in ENSEMBLES}
        if (ensemble := max(counts, key=counts.get)) and counts[ensemble]:
            controls.labels["form"] = ensemble
            controls.remarks.append(f"this model saw no {period} {form}; written as a "
                                    f"{period} {ensemble} piece, in its meter")

    def _tunes_alike(self, labels: dict[str, str]) -> int:
        """How many training tunes share the ``labels`` of ``KEY_LABELS`` that are given
        (``data.json``'s key counts; 0 for a checkpoint without them)."""
        return sum(r[-1] for r in self.checkpoint.data.get("keys") or []
                   if all(r[i] == labels[d] for i, d in enumerate(KEY_LABELS) if d in labels))

    def _outline(self, wanted: Controls, voices: int | None, opening: Opening | None,
                 words: Lyrics | None, choices: Sampling, rng: np.random.Generator,
                 styles: Sampling | None = None) -> Outline:
        """One piece's choices before its notes: the prompt's controls completed by the
        model (the styles drawn by ``styles``, by default ``choices``), its number of voices,
        header and key."""
        tok = self.tokenizer
        controls = replace(wanted, remarks=list(wanted.remarks))
        sections: tuple[tuple[int, bool], ...] = ()
        melody = controls.melody or voices == 1 or opening is not None or words is not None
        labels = complete_controls(self.engine, tok, controls.labels, styles or choices, rng,
                                   melody)
        added = {d: v for d, v in labels.items() if d not in controls.labels}
        if added:
            controls.remarks.append("the model chose " + ", ".join(f"{d}={v}"
                                                                 for d, v in added.items()))
        controls.labels = labels
        if controls.meter is None and labels.get("meter", "other") != "other":
            controls.meter = labels["meter"]
        # a melody is one line, of a form written in voices too ("a chorale melody")
        controls.voices = voices or controls.voices or (1 if controls.melody
                                                        else usual_voices(labels))
        if (opening is not None or words is not None) and controls.voices > 1:
            controls.remarks.append("an opening or a song is written in one voice")
            controls.voices = 1
        if words is not None:
            controls.remarks += words.remarks
        elif controls.bars is None:  # no length asked: as long as a tune of its style
            if opening is None:  # in its parts, too
                sections = self._typical_sections(labels, controls.voices > 1, rng,
                                                  controls.parts)
            controls.bars = sum(n for n, _ in sections) if sections else \
                self._typical_bars(labels, controls.voices > 1, rng)
            if not controls.seconds:  # else timed once its tempo is known
                controls.remarks.append(described(sections or ((controls.bars, False),)))
        if controls.parts and len(sections) != controls.parts:
            controls.remarks.append(f"{controls.parts} parts asked; with its length or "
                                    "opening given, or in voices, the model parts it")
        if controls.voices > 1 and any(f"[V:{v}]" not in tok.ids
                                       for v in range(1, controls.voices + 1)):
            controls.remarks.append(f"this model never saw {controls.voices} voices; "
                                    "writing one")
            controls.voices = 1
        prefix = [tok.bos_id] + [tok.ids[t] for t in controls.tokens() if t in tok.ids]
        canonical = tok.config.canonical
        written_key = controls.key  # a canonical model writes on C; the piece moves after
        if canonical and controls.key:
            written_key = on_c(controls.key)
        fixed = {"M": controls.meter, "K": written_key}
        if opening is not None:  # the opening's unit, or the one every canonical tune has
            unit = Fraction(1, 8) if canonical else opening.tune.unit_length
            fixed["L"] = f"{unit.numerator}/{unit.denominator}"
        # a mode the prompt names is the one the piece is written in; church modes and
        # Chinese ones are written under a major signature as often as not, as the corpus does
        key_mode = wanted.labels.get("mode") if wanted.labels.get("mode") in TONAL_MODES \
            else None
        prefix = choose_header(self.engine, self.table, prefix, fixed, choices, rng, key_mode)
        header = header_values(tok.decode(prefix))
        given = self._opening_ids(opening, prefix) if opening is not None else []
        out_key = controls.key or header["K"]
        if canonical and not controls.key:
            out_key = self._typical_key(header["K"], labels, rng)
        if words is not None:  # the words set the length, in bars of the header's meter
            controls.bars = sum(bars for _, bars in fitted_phrases(
                self.table, header, plan(words, header["M"])))
            if controls.bars > MAX_BARS:
                raise LyricsError(f"lyrics: {controls.bars} bars to sing them; at most "
                                  f"{MAX_BARS}: give fewer lines")
        if controls.tempo is None and opening is None:
            controls.tempo = self._tempo(controls, labels, header["M"])
        if controls.seconds:
            sections = self._timed(controls, sections, header["M"])
        span = MELODY_SPAN
        if controls.voices == 1 and opening is None and words is None:
            span = self._typical_span(labels, rng)
            controls.remarks.append(f"within {span} semitones, as wide as the training "
                                    "tunes of its style go")
        final = Fraction(1)
        if controls.voices == 1 and words is None and (rows := self.checkpoint.data.get("finals")):
            # drawn from a stream of its own: the rest of a seed's piece is what it was
            final = typical_final(rows, labels, header["M"], rng.spawn(1)[0])
            held = ("half a beat" if final == Fraction(1, 2) else "a third of a beat"
                    if final == Fraction(1, 3) else "a beat" if final == 1
                    else f"{final} of a beat" if final < 1 else f"{final} beats")
            controls.remarks.append(f"its last note {held} or longer, as the training tunes "
                                    "of its style end")
        ends = controls.voices == 1 and words is None and not sections \
            and self._ends_repeat(labels)
        if ends:
            controls.remarks.append("its last part repeats (:|) unless the model ends it "
                                    "otherwise, as most training tunes of its style do")
        entry = rhythm_entry(labels)
        if words is None and (rhythm := RHYTHM_BONUS.get(entry, {})):
            whose = entry if entry == labels["form"] else entry.capitalize()  # "Irish reel"
            whose = f"{'an' if whose[0].lower() in 'aeiou' else 'a'} {whose}'s"
            for sign, said in ((1, "favoured"), (-1, "held back")):
                if named := " and ".join(RHYTHM_WORDS.get(r, f"notes {r} long")
                                         for r, nats in rhythm.items() if sign * nats > 0):
                    controls.remarks.append(f"{named} {said}, {whose} rhythm")
        unwritten = frozenset()
        if words is None and (rows := self.checkpoint.data.get("signs")):
            unwritten = unwritten_signs(rows, labels)
            if unwritten:
                named = " or ".join(SIGN_WORDS[s] for s in sorted(unwritten))
                controls.remarks.append(f"no {named}, as fewer than one in a hundred "
                                        "training tunes of its style write them")
        pace = dots = None
        if controls.voices == 1 and words is None:
            # drawn from a stream of their own, last: the seed's other draws are as they were
            stream, data = rng.spawn(1)[0], self.checkpoint.data
            if rows := data.get("paces"):
                pace = typical_pace(rows, labels, header["M"], stream)
            if pace is not None:
                controls.remarks.append(f"about {pace:.0%} of its notes sixteenths or "
                                        "quicker, as a training tune of its style runs")
            if rows := data.get("dots"):
                dots = typical_pace(rows, labels, header["M"], stream)
            if dots is not None:
                controls.remarks.append(f"about {dots:.0%} of its notes dotted, as a training "
                                        "tune of its style runs")
        if words is None and controls.voices > 1 and labels.get("form") in CHORDED_FORMS:
            controls.remarks.append(f"chords in its parts, as {labels['form']} pieces "
                                    "play them")
        entries: tuple[int, ...] = ()
        if controls.voices > 1 and labels.get("form") in IMITATION_BONUS_BY_FORM \
                and (rows := self.checkpoint.data.get("entries")):
            # a stream of its own, as the melodies' paces: the seed's other draws stay
            entries = typical_entries(rows, labels, controls.voices, controls.bars,
                                      rng.spawn(1)[0])
            if any(entries):
                *most, last = map(str, entries)
                controls.remarks.append(f"its voices rest {', '.join(most)} and {last} bars "
                                        "before they come in, top voice first, answering the "
                                        "first voice's opening (a point of imitation), as "
                                        "those of a training piece of its style do")
        degrees: tuple[float, ...] = ()
        if words is None and (rows := self.checkpoint.data.get("degrees")):
            degrees = typical_degrees(rows, labels, parse_key(header["K"]).mode)
            if degrees:
                controls.remarks.append("its notes on each degree of the scale about as often "
                                        "as the training tunes of its style sound them")
        durations: tuple[tuple[Fraction, float], ...] = ()
        if words is None and (rows := self.checkpoint.data.get("durations")):
            durations = typical_durations(rows, labels, header["M"])
            if durations:
                controls.remarks.append("its notes of each length about as often as the "
                                        "training tunes of its style in its meter sound them")
        bowings = None
        if controls.voices == 1 and words is None and labels.get("form") in SLURRED_FORMS \
                and (rows := self.checkpoint.data.get("slurs")):
            bowings = typical_bowings(rows, labels)
            if bowings is not None:
                controls.remarks.append(f"a slur on about one note in {round(1 / bowings)}, "
                                        "as the training tunes of its style open them"
                                        if bowings else "hardly a slur (a few at most), as "
                                        "the training tunes of its style open none")
        return Outline(controls, prefix, given, header, out_key, span, final, ends, sections,
                       unwritten, pace, dots, entries, degrees, durations, bowings)

    @staticmethod
    def _timed(controls: Controls, sections: tuple[tuple[int, bool], ...], meter: str
               ) -> tuple[tuple[int, bool], ...]:
        """The parts of a piece asked its length in time (``timed_sections``), its bars set
        to theirs; said in its remarks. A piece in voices whose model parts it (no drawn
        form) is one part: its played length is said after it is written."""
        tempo = controls.tempo or DEFAULT_TEMPO
        bar = bar_seconds(meter, tempo)
        if bar is None:
            controls.remarks.append(f"M:{meter} has no bar to time: {controls.bars} bars, "
                                    f"not {controls.seconds:g} s")
            return sections
        timed = timed_sections(sections, controls.bars, controls.seconds / bar, controls.parts)
        controls.bars = sum(n for n, _ in timed)
        plays = _played(timed) * bar
        controls.remarks.append(f"{described(timed, 'to play')} for {clock(plays)} at "
                                f"{tempo} quarter notes a minute, its repeats played "
                                f"({clock(controls.seconds)} asked)")
        return timed if sections or controls.voices == 1 else ()

    def _style_guidance(self, outline: Outline) -> float:
        """The guidance a piece of this outline gets when none is asked: its form's in
        ``STYLE_GUIDANCE`` (said in its remarks), 1 for a model trained without control
        dropout, which guidance needs."""
        form = outline.controls.labels.get("form")
        pull = STYLE_GUIDANCE.get(form, 1.0)
        if pull == 1.0 or not self.checkpoint.train.get("control_dropout"):
            return 1.0
        outline.controls.remarks.append(f"guidance {pull:g}, a {form}'s default")
        return pull

    @staticmethod
    def _unlooped(made: list[Piece], outline: Outline, write: Callable[[int], list[Piece]],
                  again: Callable[[int], None]) -> list[Piece]:
        """The pieces in voices caught in a loop no real piece of their form comes near
        (``loops.caught_in_a_loop``) written again, up to ``LOOP_TRIES`` times (``again``
        told of the bars each time); the piece kept says so."""
        form = outline.controls.labels.get("form")
        if outline.controls.voices < 2 or form not in LOOP_LIMITS:
            return made
        for _ in range(LOOP_TRIES):
            looping = {i: why for i, p in enumerate(made)
                       if (why := caught_in_a_loop(parse(p.abc), form))}
            if not looping:
                break
            again(outline.controls.bars)
            for (i, why), piece in zip(looping.items(), write(len(looping)), strict=True):
                piece.remarks.append(f"written again: a first try was caught in a loop, {why}")
                made[i] = piece
        return made

    def _write(self, outline: Outline, count: int, options: Sampling,
               rng: np.random.Generator, guidance: float, name: str,
               opening: Opening | None, words: Lyrics | None, seed: int,
               check: Callable[[list[BarTracker | Voices]], None]) -> list[Piece]:
        """``count`` candidates of one outline, decoded in one batch."""
        tok, controls, header = self.tokenizer, outline.controls, outline.header
        labels, prefix = controls.labels, outline.prefix + outline.given
        canonical, same_octave = tok.config.canonical, tok.config.same_octave
        # a canonical model writes on C: the compass of each voice moves with the piece
        shift = shift_to_c(parse_key(outline.out_key), same_octave) if canonical else 0
        compasses = [(low + shift, high + shift)
                     for low, high in voice_compasses(controls.voices, labels)]
        if words is not None:
            stresses = [s.stressed for s in words.syllables]
            voice = (SUNG_COMPASS[0] + shift, SUNG_COMPASS[1] + shift)
            trackers = [sung_tracker(self.table, header, labels.get("mode"),
                                     plan(words, header["M"]), stresses, voice)
                        for _ in range(count)]
        else:
            form = labels.get("form")
            trackers = [tracker(self.table, header, controls.bars, labels.get("mode"),
                                compasses, medieval(labels), picardy(labels), outline.span,
                                RHYTHM_BONUS.get(rhythm_entry(labels)),
                                PARALLEL_COST_BY_FORM.get(form),
                                CHORD_BONUS_BY_FORM.get(form, 0.0), CHORDED_FORMS.get(form),
                                REST_BARS_BY_FORM.get(form), form in SLURRED_FORMS, tied(labels),
                                outline.ends_repeat, outline.sections, outline.final,
                                outline.unwritten, stepped(labels), outline.pace,
                                outline.dots, outline.entries,
                                IMITATION_BONUS_BY_FORM.get(form, 0.0), outline.degrees,
                                outline.durations, outline.bowings)
                        for _ in range(count)]
        if opening is not None:
            for t in trackers:
                t.follow(opening, outline.given)
        opened = opening is not None and trackers[0].repeat_open  # a |: still to close
        guided = {tok.ids[t] for t in guided_tokens() if t in tok.ids}
        budget = controls.bars * 64 * controls.voices + 64
        logp = generate(self.engine, self.table, prefix, trackers, options, rng, budget,
                        guidance, [i for i in prefix if i not in guided],
                        lambda: check(trackers))
        pieces = []
        for t, lp in zip(trackers, logp.tolist(), strict=True):
            tags = t.tags if isinstance(t, Voices) else []
            pickup = isinstance(t, BarTracker) and t.pickup > 0
            body = tok.decode(explicit_repeats(t.log, self.table, tags, opened,
                                               pickup)).strip()
            written = header
            if canonical:
                moved = to_key(Tune([("M", header["M"]), ("L", header["L"]),
                                     ("K", header["K"])], body), outline.out_key, same_octave)
                if controls.voices == 1 and opening is None and words is None:
                    # the others keep their compass or opening
                    moved = _in_register(moved, labels.get("tradition"))
                body, written = unfielded(moved.body.strip()), {**header, "K": moved.key}
            if words is not None:
                body = with_words(body, words.lines)
            elif controls.voices == 1:  # voices are laid out in whole bars already
                body = whole_bar_lines(body)
            if opening is None:
                abc = _abc(name, written, controls.tempo, body, controls.voices, labels)
            else:
                abc = _continued(opening, body, parse_fraction(header["L"], "L"), name)
            remarks = list(controls.remarks)
            if not t.finished:
                remarks.append(f"stopped after {budget} tokens before {controls.bars} bars")
            problems = validate(parse(abc))
            if problems:  # the tracker should make this impossible; say so if it did not
                remarks.append("bar problems: " + "; ".join(map(str, problems[:3])))
            pieces.append(Piece(abc, controls, seed, lp, len(t.log), remarks))
        return pieces

    def _opening_ids(self, opening: Opening, prefix: list[int]) -> list[int]:
        """The opening's bars as the model reads them, after the controls and header in
        ``prefix``: a canonical model reads them on C in L:1/8."""
        tok = self.tokenizer
        body = opening.tune.body
        if tok.config.canonical:
            try:
                body = canonical(opening.tune, tok.config.same_octave).body
            except AbcError as exc:
                raise OpeningError(f"opening: {exc}") from None
        ids = tok.encode(body.rstrip())
        room = self.checkpoint.config.context // 2 - len(prefix)  # the rest is for what it writes
        if len(ids) > room:
            raise OpeningError(f"opening: {len(ids)} tokens, more than this model keeps in "
                               f"view beside what it writes ({room}); shorten it")
        return ids

    def _typical_key(self, written: str, labels: dict[str, str],
                     rng: np.random.Generator) -> str:
        """A key for a piece the prompt gave none, drawn by how often the training tunes of
        its style were written on each tonic in its mode (``data.json``; see ``typical_key``)."""
        data = self.checkpoint.data
        rows = data.get("keys") or [  # a checkpoint from before: tonics by mode alone
            [None] * len(KEY_LABELS) + [mode, tonic, n]
            for mode, counts in data.get("tonics", {}).items() for tonic, n in counts.items()]
        return typical_key(rows, written, labels, rng)

    def _typical_span(self, labels: dict[str, str], rng: np.random.Generator) -> int:
        """How far a melody may go, drawn by how wide the training tunes of its style went
        (``data.json``; ``typical_span``); ``MELODY_SPAN`` for a checkpoint without."""
        rows = self.checkpoint.data.get("spans")
        return typical_span(rows, labels, rng) if rows else MELODY_SPAN

    def _typical_bars(self, labels: dict[str, str], voices: bool,
                      rng: np.random.Generator) -> int:
        """A length for a piece not asked one, drawn by how long the training tunes of its
        style (in voices or not, as it is) are (``data.json``; ``typical_bars``);
        ``DEFAULT_BARS`` for a checkpoint without the counts."""
        rows = self.checkpoint.data.get("lengths")
        return typical_bars(rows, labels, voices, rng) if rows else DEFAULT_BARS

    def _typical_sections(self, labels: dict[str, str], voices: bool,
                          rng: np.random.Generator, parts: int | None = None
                          ) -> tuple[tuple[int, bool], ...]:
        """A piece's parts, drawn from the forms the training tunes of its style (in voices
        or not, as it is) are written in, ``parts`` of them where asked (``data.json``;
        ``typical_sections``); none for a checkpoint without them."""
        rows = self.checkpoint.data.get("layouts")
        n = len(KEY_LABELS)
        if rows and len(rows[0]) == n + 2:  # counted before pieces in voices were: melodies
            rows = [[*r[:n], False, *r[n:]] for r in rows]
        return typical_sections(rows, labels, voices, rng, parts) if rows else ()

    def _tempo(self, controls: Controls, labels: dict[str, str], meter: str) -> int | None:
        """Quarter notes a minute for a piece not given a number: its style's tempo
        (``data.json``; ``typical_tempo``) at the prompt's pace ("lively": 1.1 of it), else
        the players' default at that pace; None (no ``Q:``) with neither, said in the remarks."""
        rows = self.checkpoint.data.get("tempos")
        style = typical_tempo(rows, labels, meter) if rows else None
        if style is None and controls.pace is None:
            return None
        where = f"the middle tempo the corpus marks on tunes of its form in {meter}"
        if controls.pace is None:
            tempo, why = style, where
        else:
            tempo = max(TEMPO[0], min(round((style or DEFAULT_TEMPO) * controls.pace),
                                      TEMPO[1]))
            why = f"{controls.pace:.2g} times " + (f"{style}, {where}" if style
                                                   else f"the players' default {DEFAULT_TEMPO}")
        written = beat_tempo(tempo, meter)  # in the meter's beat: a jig's dotted quarter
        tempo = quarter_tempo(written) or tempo  # as written: a reel's 229 is 114 halves
        quarters = "" if written.startswith("1/4=") else f" (quarter notes at {tempo})"
        controls.remarks.append(f"Q:{written}{quarters}, {why}")
        return tempo

    def _ends_repeat(self, labels: dict[str, str]) -> bool:
        """Whether most training tunes of the piece's style end by closing a repeat
        (``data.json``; ``ends_repeat``); False for a checkpoint without the counts."""
        rows = self.checkpoint.data.get("endings")
        return ends_repeat(rows, labels) if rows else False

    def _rank(self, pieces: list[Piece], asked: dict[str, str]) -> list[Piece]:
        """Best first: the pieces the independent judges find in their written key and in
        the asked tradition, form and period, then by the model's mean log-likelihood."""
        from .models.judges import Judges, key_label
        from .models.tone_cnn import decode

        if self._judges is None:
            self._judges = Judges.load()
        tunes = [p.tune for p in pieces]
        heard = self._judges.keys(tunes)
        styles = self._judges.styles(tunes)
        fits, keyed = [], []
        for tune, key, style in zip(tunes, heard, styles, strict=True):
            written = key_label(tune)
            keyed.append(written is not None and decode(written) == key)
            fits.append(float(keyed[-1]) + sum(style.get(d) == v for d, v in asked.items()))
        order = sorted(range(len(pieces)), key=lambda i: (-fits[i], -pieces[i].log_likelihood
                                                          / max(1, pieces[i].tokens)))
        for i in order:
            heard_as = ", ".join(["its written key"] * keyed[i] + [
                f"{d}={v}" for d, v in asked.items() if styles[i].get(d) == v]) or "no check met"
            pieces[i].remarks.append(f"chosen from {len(pieces)} candidates; the judges hear "
                                   f"{heard_as} ({fits[i]:g} of {1 + len(asked)} checks)")
        return [pieces[i] for i in order]


# fewer training tunes of a piece's style than this in its mode: its key is drawn from a
# broader style (``typical_key``)
KEY_MATCHED = 10
# the style labels let go of in turn while too few tunes share them: a form says least about
# the key, a tradition most (Scottish tunes are in D and G, Palestrina's in C and F)
KEY_LET_GO = ("form", "mode", "period", "tradition")


def _counts_alike(rows: list[list], labels: dict[str, str],
                  let_go: tuple[str, ...] = KEY_LET_GO, least: int = KEY_MATCHED) -> dict:
    """The rows' counts (last column) by their value before it, over the training tunes
    that share the piece's ``labels`` (``KEY_LABELS``, the rows' first columns). While
    fewer than ``least`` tunes share them, one label is let go, in ``let_go``'s order."""
    counts: dict = {}
    for n in range(len(let_go) + 1):
        kept = [i for i, d in enumerate(KEY_LABELS) if d not in let_go[:n]]
        counts = {}
        for r in rows:
            if all(r[i] == labels.get(KEY_LABELS[i]) for i in kept):
                counts[r[-2]] = counts.get(r[-2], 0) + r[-1]
        if sum(counts.values()) >= least:
            break
    return counts


def _where(rows: list[list], value) -> list[list]:
    """The rows whose column after ``KEY_LABELS`` holds ``value`` (a mode, whether in voices,
    a meter), that column taken out: rows ``_counts_alike`` reads."""
    n = len(KEY_LABELS)
    return [[*r[:n], *r[n + 1:]] for r in rows if r[n] == value]


def _drawn(counts: dict, rng: np.random.Generator):
    """One of ``counts``' values, drawn as often as it was counted."""
    values = list(counts)
    weights = np.array([float(counts[v]) for v in values])
    return values[int(rng.choice(len(values), p=weights / weights.sum()))]


def typical_key(rows: list[list], written: str, labels: dict[str, str],
                rng: np.random.Generator) -> str:
    """A tonic for ``written``'s mode drawn by how often training tunes of the piece's
    ``labels`` were written on each (``rows``: ``Dataset.key_counts``; ``_counts_alike``);
    with no tune of the mode at all, ``written`` itself."""
    key = parse_key(written)
    counts = _counts_alike(_where(rows, key.mode), labels)
    return Key(_drawn(counts, rng), key.mode).abc() if counts else written


# the narrowest span a melody is given: any twelve semitones hold its final in some octave
NARROWEST_SPAN = 12
# a melody's span is drawn from the wider part of its style's: the tracker keeps it within,
# and a melody seldom reaches its limit where its style's tunes go no wider than the model
# (reels), where it does where they keep closer than the model wanders (songs)
SPAN_FROM = 0.5
# a form says most about how long a tune is (reels 16 bars, slip jigs 12), how wide it goes
# (reels and hornpipes over two octaves, songs within a tenth) and whether it ends by
# playing its last part again (jigs, not songs), a mode least: the labels let go in turn
# while too few tunes share them
SHAPE_LET_GO = ("mode", "period", "tradition", "form")


def typical_span(rows: list[list], labels: dict[str, str], rng: np.random.Generator) -> int:
    """Semitones a melody keeps within: the span of training tunes of the piece's ``labels``
    (``rows``: ``Dataset.span_counts``; ``_counts_alike``, ``SHAPE_LET_GO``) at a share drawn
    from ``SPAN_FROM`` to 1 of them, from ``NARROWEST_SPAN`` to ``MELODY_SPAN``;
    ``MELODY_SPAN`` with no tune to count."""
    counts = _counts_alike(rows, labels, SHAPE_LET_GO)
    if not counts:
        return MELODY_SPAN
    spans = sorted(counts)
    shares = np.cumsum([counts[s] for s in spans]) / sum(counts.values())
    drawn = spans[min(int(np.searchsorted(shares, rng.uniform(SPAN_FROM, 1.0))), len(spans) - 1)]
    return min(MELODY_SPAN, max(NARROWEST_SPAN, int(drawn)))


# the shortest last note a melody is given, a third of a beat: a compound meter's eighth,
# on which slip jigs end ("agf ged cAG|]"); a third of the Irish reels end on an eighth of
# 2/2, a quarter of a beat, a lead-in to the repeat ("fdcA BGAc|"), not on their final
SHORTEST_FINAL = Fraction(1, 3)


def _counts_in_meter(rows: list[list], labels: dict[str, str], meter: str,
                     least: int = KEY_MATCHED) -> dict:
    """The counts of the training tunes of the piece's ``labels`` in its ``meter`` (rows of
    ``KEY_LABELS``, the meter label, a value, the tunes or notes; ``_counts_alike``,
    ``TEMPO_LET_GO``: never the form), or of every meter where fewer than ``least`` are in
    this one (``SHAPE_LET_GO``)."""
    counts = _counts_alike(_where(rows, meter_label(meter)), labels, TEMPO_LET_GO, least)
    if sum(counts.values()) < least:
        n = len(KEY_LABELS)
        counts = _counts_alike([[*r[:n], *r[n + 1:]] for r in rows], labels, SHAPE_LET_GO,
                               least)
    return counts


def typical_final(rows: list[list], labels: dict[str, str], meter: str,
                  rng: np.random.Generator) -> Fraction:
    """Beats a melody's last note lasts at least: a training melody's of the piece's
    ``labels`` in its ``meter`` (``rows``: ``Dataset.final_counts``; ``_counts_alike``,
    ``TEMPO_LET_GO``: never the form), or in any meter where fewer than ``KEY_MATCHED`` are in
    this one, drawn as often as melodies end so, no shorter than ``SHORTEST_FINAL``; a beat
    with no melody to count. A beat is the meter's: reels end on half a beat of 2/2, on a beat
    of 4/4, the same quarter note; hornpipes in 2/4 on half a beat, in 4/4 on one; airs in
    3/4 on two beats. The sampler held every melody's last note a beat."""
    counts = _counts_in_meter(rows, labels, meter)
    return max(SHORTEST_FINAL, Fraction(_drawn(counts, rng))) if counts else Fraction(1)


def typical_pace(rows: list[list], labels: dict[str, str], meter: str,
                 rng: np.random.Generator) -> float | None:
    """The share of a melody's notes that are quick (``abc.notes.QUICK``; dotted, for
    ``Dataset.dot_counts``' rows): a training
    melody's of the piece's ``labels`` in its ``meter`` (``rows``: ``Dataset.pace_counts``;
    ``_counts_alike``, ``TEMPO_LET_GO``: never the form), or in any meter where fewer than
    ``KEY_MATCHED`` are in this one, drawn as often as melodies run so: a German song in 2/4
    none in one of three, a half or more in one of fourteen; a waltz seldom any. None with no
    melody to count."""
    counts = _counts_in_meter(rows, labels, meter)
    return _drawn(counts, rng) / 100 if counts else None


# the fewest notes a style's shares of notes (on each degree, of each length) are pooled
# from (about ten tunes'): below it, ``_counts_alike`` lets a label go
NOTES_MATCHED = 500


def typical_degrees(rows: list[list], labels: dict[str, str], mode: str) -> tuple[float, ...]:
    """The share of notes on each pitch class above the tonic, tonic first, of the training
    tunes of the piece's ``labels`` written in its ``K:`` ``mode`` (``rows``:
    ``Dataset.degree_counts``; ``_counts_alike``): a madrigal's flat seventh 2% of its notes,
    a German song labelled minor hardly ever its leading note. None counted: ()."""
    counts = _counts_alike(_where(rows, mode), labels, least=NOTES_MATCHED)
    total = sum(counts.values())
    return tuple(counts.get(pc, 0) / total for pc in range(12)) if total else ()


def typical_durations(rows: list[list], labels: dict[str, str], meter: str
                      ) -> tuple[tuple[Fraction, float], ...]:
    """The share of notes of each length (whole notes, shortest first) of the training
    tunes of the piece's ``labels`` in its ``meter`` (``rows``: ``Dataset.duration_counts``;
    ``_counts_in_meter``, at least ``NOTES_MATCHED`` notes): the corpus's quartets sound 39%
    of their notes eighths, the model's, leaning toward none, 20%. None counted: ()."""
    counts = _counts_in_meter(rows, labels, meter, NOTES_MATCHED)
    total = sum(counts.values())
    return tuple((Fraction(v), n / total) for v, n in sorted(counts.items(),
                                                           key=lambda c: Fraction(c[0])))


def typical_bowings(rows: list[list], labels: dict[str, str]) -> float | None:
    """The share of notes a slur opens on, of the training tunes of the piece's ``labels``
    (``rows``: ``Dataset.slur_counts``; ``_counts_alike``, ``SHAPE_LET_GO``: the form kept
    longest, at least ``NOTES_MATCHED`` notes): an Irish jig's one in 43, an air's one in 7.
    The model, slurring as it liked, slurred its jigs five times as often and the judge heard
    them as airs. None counted: None."""
    counts = _counts_alike(rows, labels, SHAPE_LET_GO, NOTES_MATCHED)
    return counts.get("slurs", 0) / counts["notes"] if counts.get("notes") else None


# the latest a voice comes in, as a share of the piece: a few of the corpus's pieces keep
# a voice out for most of one
LATEST_ENTRY = 0.5


def typical_entries(rows: list[list], labels: dict[str, str], voices: int, bars: int,
                    rng: np.random.Generator) -> tuple[int, ...]:
    """The whole bars each voice rests before it comes in, top voice first: a training
    piece's of the piece's ``labels`` in as many ``voices`` (``rows``:
    ``Dataset.entry_counts``; ``_counts_alike``), drawn as often as pieces enter so, as the
    same share of the piece's ``bars``, none later than ``LATEST_ENTRY`` of it; all at once
    with no piece to count. A share, not the bars as written: the corpus's masses are twice
    as long as the pieces written of them, and eight-bar masses whose voices waited the bars
    drawn (at most two) sounded a whole triad on 55% of their quarter beats, all at once on
    65%. A mass in four voices comes in together one time in five, in five one time in
    twenty, a chorale's voices always."""
    counts = _counts_alike(_where(rows, voices), labels)
    if not counts:
        return (0,) * voices
    return tuple(round(min(int(share) / 100, LATEST_ENTRY) * bars)
                 for share in _drawn(counts, rng).split())


# a rhythm sign (``dataset.SIGNS``) fewer than this share of a style's training tunes write
# is not written, where ``SIGNS_COUNTED`` tunes of the style or more say so: none of the
# Essen collection's German, Lorraine, Luxembourg or Chinese songs writes a triplet or a
# dotted pair, the model's wrote triplets in 3-19% of them: a fiddler's figure in a style
# without one (the judges, on other seeds, heard them in their styles as often either way)
SIGNS_COUNTED = 100
RARE_SIGN = 0.01
SIGN_WORDS = {"broken": "dotted pairs", "tuplet": "triplets"}


def unwritten_signs(rows: list[list], labels: dict[str, str]) -> frozenset[str]:
    """The rhythm signs a piece of ``labels`` does not write: those fewer than
    ``RARE_SIGN`` of the training tunes alike write (``rows``: ``Dataset.sign_counts``;
    ``_counts_alike``, at least ``SIGNS_COUNTED`` of them), none where fewer are counted."""
    counts = _counts_alike(rows, labels, least=SIGNS_COUNTED)
    tunes = sum(counts.values())
    if tunes < SIGNS_COUNTED:
        return frozenset()
    return frozenset(sign for sign in SIGNS
                     if sum(n for written, n in counts.items() if sign in written.split())
                     < RARE_SIGN * tunes)


# the fewest bars a piece not asked its length is given: two phrases, where the corpus's
# European songs are 4 bars as often as 8 and a tune can be written in one bar
SHORTEST_BARS = 2 * PHRASE_BARS


def typical_bars(rows: list[list], labels: dict[str, str], voices: bool,
                 rng: np.random.Generator) -> int:
    """Bars for a piece not asked its length: a training tune's of the piece's ``labels``,
    in ``voices`` or a melody as the piece is ("a tune" as long as melodies, not as the
    medieval pieces that name no form either; ``rows``: ``Dataset.length_counts``;
    ``_counts_alike``, ``SHAPE_LET_GO``), drawn as often as tunes are that long, in whole
    phrases of ``PHRASE_BARS`` (the sampler closes sections after whole phrases: a reel of
    13 bars, a 4-bar part with two endings and an 8-bar one, is written in 12), from
    ``SHORTEST_BARS`` to ``DEFAULT_BARS``: a reel 16, a German song 8 to 16, a mass or a
    quartet 32, its movements longer. ``DEFAULT_BARS`` with no tune to count."""
    counts = _counts_alike(_where(rows, voices), labels, SHAPE_LET_GO)
    return _length(int(_drawn(counts, rng))) if counts else DEFAULT_BARS


def _phrases(bars: int) -> int:
    """``bars`` in whole phrases of ``PHRASE_BARS``, halves up (10 bars are 12), one at least."""
    return PHRASE_BARS * max(1, int(bars / PHRASE_BARS + 0.5))


def _length(bars: int) -> int:
    """A piece's ``bars`` in whole phrases, from ``SHORTEST_BARS`` to ``DEFAULT_BARS``."""
    return min(DEFAULT_BARS, max(SHORTEST_BARS, _phrases(bars)))


def typical_sections(rows: list[list], labels: dict[str, str], voices: bool,
                     rng: np.random.Generator, parts: int | None = None
                     ) -> tuple[tuple[int, bool], ...]:
    """A piece's parts where it was not asked its length: the form (``abc.sections.layout``)
    of a training tune of the piece's ``labels``, in ``voices`` or a melody as the piece is
    (``rows``: ``Dataset.layout_counts``; ``_counts_alike``, ``SHAPE_LET_GO``), drawn as
    often as tunes are written in it, each part in whole phrases of ``PHRASE_BARS`` (a part
    of 7 3/4 bars that hands a pickup on is 8): a Scottish strathspey a 4-bar part played
    twice and an 8-bar one, an Irish jig two 8-bar parts each played twice, a German song
    one part of 8 to 16 bars. A melody's form of one part is kept from ``SHORTEST_BARS`` to
    ``DEFAULT_BARS`` (a 4-bar song is 8); a form of more whose whole runs past those is not
    drawn. A piece in voices is planned only in a form that plays a part twice and fits
    those (a chorale's Stollen, ``4: 8``); its style's other forms draw (), as where there is
    nothing to draw: the piece is as long as ``typical_bars`` says, its sections the
    model's, as a quartet's or a mass's are. A style with no form to plan draws nothing, so
    its pieces' later draws are as they were. A melody asked for ``parts`` is drawn from its
    style's forms of that many parts (a jig in three: ``8: 8: 8:``), up to ``MAX_BARS``;
    where none has as many, from its forms cut to them or with their last part written
    again (``4: 8`` in three: ``4: 8 8``)."""
    drawn = [([(_phrases(bars), twice) for bars, twice in parse_layout(text)], n)
             for text, n in _counts_alike(_where(rows, voices), labels, SHAPE_LET_GO).items()]
    longest = DEFAULT_BARS
    if parts and not voices:
        drawn = [(layout, n) for layout, n in drawn if len(layout) == parts] or [
            ((layout + layout[-1:] * parts)[:parts], n) for layout, n in drawn]
        longest = MAX_BARS
    forms: dict[tuple[tuple[int, bool], ...], int] = {}
    for layout, n in drawn:
        if len(layout) == 1 and not voices:
            layout = [(_length(layout[0][0]), layout[0][1])]
        fits = SHORTEST_BARS <= sum(bars for bars, _ in layout) <= longest
        if voices and not (fits and any(twice for _, twice in layout)):
            layout = []
        elif not fits:
            continue
        forms[tuple(layout)] = forms.get(tuple(layout), 0) + n
    return _drawn(forms, rng) if set(forms) - {()} else ()  # nothing to plan: nothing drawn


def described(sections: tuple[tuple[int, bool], ...], why: str | None = None) -> str:
    """A piece's length and parts in words, for its remarks: "12 bars in parts of 4 played
    twice and 8, as training tunes of its style are written", "16 bars, as long as …", or
    with ``why`` in the place of the reason ("48 bars in 6 parts of 8 played twice, to
    play …")."""
    bars = sum(n for n, _ in sections)
    parts = [f"{n}{' played twice' if twice else ''}" for n, twice in sections]
    if len(parts) == 1:
        said = f"{bars} bars{', played twice' if sections[0][1] else ''}"
        if why is not None:
            return f"{said}, {why}"
        return (f"{said}, as long as training tunes of its style are" if bars < DEFAULT_BARS
                else f"{bars} bars; ask for more where its style's tunes run longer")
    turn = next(p for p in range(1, len(parts) + 1)
                if len(parts) % p == 0 and parts == parts[:p] * (len(parts) // p))
    listed = f"parts of {', '.join(parts[:-1])} and {parts[-1]}"
    if turn == 1 and len(parts) > 2:  # a form gone through again in new parts
        listed = f"{len(parts)} parts of {parts[0]}"
    elif 1 < turn < len(parts):
        listed = (f"{len(parts)} parts, {', '.join(parts[:turn - 1])} and {parts[turn - 1]} "
                  "in turn")
    return f"{bars} bars in {listed}, {why or 'as training tunes of its style are written'}"


def clock(seconds: float) -> str:
    """"1:58", "0:34": a length as a player's clock says it."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


# how far (a share of the length asked) a piece in time may play off it rather than leave
# its form: drop its repeats, stop partway through its parts' round, or lengthen its parts
TIMED_FORM_COST = 0.1


def timed_sections(sections: tuple[tuple[int, bool], ...], bars: int, played: float,
                   parts: int | None = None) -> tuple[tuple[int, bool], ...]:
    """A piece's parts for a length asked in time, ``played`` bars with their repeats: its
    style's form drawn for it (``sections``; with none, one part of ``bars``) gone through
    again in new parts or cut to fewer (``parts`` of them where asked), with its repeats or
    without, or one part in whole phrases (cut to it, no longer than the form, where the
    form has more: two changes);
    its parts twice, three times … as long only where ``MAX_PARTS`` of them play too short.
    Whichever plays nearest ``played`` within ``MAX_BARS`` bars, each change to the form
    counting ``TIMED_FORM_COST`` of the length asked: a two-minute jig (``8: 8:``, 120 bars at a
    dotted quarter of 120) is eight 8-bar parts each played twice, a 20-second one ``8:``; a
    minute of a German song in 4/4 at 120 quarter notes (30 bars) two parts of 16 where 16
    was drawn, one part of 28 where 12 was; half a minute of a chorale drawn ``8: 8:`` at 96
    quarter notes (12 bars) one part of 12, where ``8:`` played 40 s."""
    form = list(sections) or [(bars, False)]
    counts = [parts] if parts else range(1, MAX_PARTS + 1)
    options: dict[tuple[tuple[int, bool], ...], int] = {}  # each with its changes
    for times in range(1, MAX_BARS // min(n for n, _ in form) + 1):
        longer = [(n * times, twice) for n, twice in form]
        for k in counts:
            cycled = [longer[i % len(longer)] for i in range(k)]
            changes = (times > 1) + (k % len(form) > 0)
            options.setdefault(tuple(cycled), changes)
            options.setdefault(tuple((n, False) for n, _ in cycled),
                               changes + any(t for _, t in cycled))
        if len(form) == 1 or _played(tuple(cycled)) >= played:
            break
    if parts in (None, 1):  # one part in whole phrases: free where the form is one part,
        # else to shorten it (fewer parts, each of another length): a dance's parts are
        # never one long part
        longest = MAX_BARS if len(form) == 1 else sum(n for n, _ in form)
        for n in range(PHRASE_BARS, longest + 1, PHRASE_BARS):
            cut = 2 * (len(form) > 1)
            options.setdefault(((n, form[0][1]),), cut)
            options.setdefault(((n, False),), cut + form[0][1])
    fitting = {o: c for o, c in options.items() if sum(n for n, _ in o) <= MAX_BARS} or \
        {tuple(form): 0}
    return min(fitting, key=lambda o: abs(_played(o) - played) / played
               + TIMED_FORM_COST * fitting[o])


def _played(sections: tuple[tuple[int, bool], ...]) -> int:
    return sum(n * (1 + twice) for n, twice in sections)


# the labels let go in turn while too few tunes of a piece's style are marked with a tempo:
# never the form, for a reel's tempo is no air's and no mass's
TEMPO_LET_GO = ("mode", "period", "tradition")


def typical_tempo(rows: list[list], labels: dict[str, str], meter: str) -> int | None:
    """Quarter notes a minute for a piece not asked its tempo: the middle one of the tempos
    the corpus marks on training tunes of the piece's ``labels`` in its ``meter`` (``rows``:
    ``Dataset.tempo_counts``; ``_counts_alike``, ``TEMPO_LET_GO``): a reel in 4/4 208, a jig
    180, a chorale 96, a strathspey 120. None (the players' default, a quarter at 120) where
    fewer than ``KEY_MATCHED`` tunes of its form and meter are marked: a song, a mass."""
    counts = _counts_alike(_where(rows, meter_label(meter)), labels, TEMPO_LET_GO)
    if sum(counts.values()) < KEY_MATCHED:
        return None
    tempos = sorted(tempo for tempo, n in counts.items() for _ in range(n))
    return int(tempos[len(tempos) // 2])


def ends_repeat(rows: list[list], labels: dict[str, str]) -> bool:
    """Whether more of the one-voice training tunes of the piece's ``labels`` end by closing
    a repeat than not (``rows``: ``Dataset.ending_counts``; ``_counts_alike``,
    ``SHAPE_LET_GO``): nine in ten of the hornpipes do, three in four of the jigs, 3% of
    O'Neill's reels (which end on ``||``), no Chinese or German song."""
    counts = _counts_alike(rows, labels, SHAPE_LET_GO)
    return counts.get(True, 0) > counts.get(False, 0)


# where a song's melody may go, as written: middle C to the G an octave and a fifth above,
# SATB's soprano compass in abc/voices.py (a tenor sings treble-clef parts an octave lower)
SUNG_COMPASS = (60, 79)

# the median pitch of a melody of no tradition: half of the folk tunes of the test split
# have theirs in MIDI 69-72 (A4-C5), the middle one at 71
MELODY_MEDIAN = 71


def _in_register(tune: Tune, tradition: str | None) -> Tune:
    """A single line moved by whole octaves so that its median pitch is nearest its
    tradition's (``styles.MELODY_REGISTERS``, else ``MELODY_MEDIAN``), among the octaves that
    keep it inside the compass the tradition's tunes keep to, where one does. A model trained
    on C cannot know the register a key lies in on the instrument: a D reel lay four
    semitones under real ones, one in eight reaching under the fiddle's lowest G."""
    pitches = sorted(n.pitch for n in sounding_notes(tune))
    if not pitches:
        return tune
    median, lowest, highest = MELODY_REGISTERS.get(tradition or "", (MELODY_MEDIAN, 0, 127))
    middle = pitches[len(pitches) // 2]
    octaves = sorted(range(-3, 4), key=lambda k: abs(middle + 12 * k - median))
    inside = [k for k in octaves if lowest <= pitches[0] + 12 * k and pitches[-1] + 12 * k
              <= highest]
    move = (inside or octaves)[0]
    return transpose(tune, 12 * move) if move else tune


def _one_line(text: str, limit: int) -> str:
    """Printable characters only (no NUL or lone surrogate for abcm2ps or a UTF-8 file to
    choke on), one line, at most ``limit`` characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:limit]


def _title(prompt: str) -> str:
    words = _one_line(prompt, 60)
    return words[:1].upper() + words[1:] if words else "Untitled"


def _bars_written(t: BarTracker | Voices) -> int:
    return t.parts[-1].done_bars if isinstance(t, Voices) else t.done_bars


def _continued(opening: Opening, body: str, unit: Fraction, title: str) -> str:
    """The opening as it was written, then ``body`` (written in units of ``unit``) in the
    opening's unit; the opening's header is kept, given a title if it had none."""
    tune = opening.tune
    if unit != tune.unit_length:
        body = relength(body, unit, tune.unit_length)
    head = tune if tune.get("T") else tune.with_field("T", title)
    return replace(head, body=tune.body.rstrip("\n") + "\n" + body).abc


def _abc(title: str, header: dict[str, str], tempo: int | None, body: str,
         voices: int, labels: dict[str, str]) -> str:
    fields = [("X", "1"), ("T", title), ("C", "tunesmith"), ("M", header["M"]),
              ("L", header["L"])] + ([("Q", beat_tempo(tempo, header["M"]))] if tempo else [])
    tune = Tune(fields + [("K", header["K"])], body)
    if voices > 1:  # one block per voice, each in its part's clef, else by where it lies
        pitches: dict[str, list[int]] = {}
        for note in sounding_notes(tune):
            pitches.setdefault(note.voice, []).append(note.pitch)
        parts = {str(v): part for v, part in enumerate(voice_parts(voices, labels), 1)}
        # name every clef: abcm2ps switches an unnamed one mid-piece as the notes move
        clefs = {v: clef(parts[v], p) for v, p in pitches.items()}
        tune = replace(tune, body=voice_blocks(body, clefs,
                                               names={v: p.name for v, p in parts.items()},
                                               programs={v: p.program for v, p in parts.items()}))
    return tune.abc

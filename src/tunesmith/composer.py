"""The friendly top level: ``Composer.load(path).generate("古典主义", bars=32)``."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from .abc import Tune, parse, transpose, validate
from .abc.canonical import on_c, shift_to_c, to_key
from .abc.keys import Key, parse_key
from .abc.notes import notes as sounding_notes
from .abc.tune import meter_length, parse_fraction
from .abc.voices import voice_blocks
from .checkpoint import Checkpoint, CheckpointError, load_checkpoint
from .generate import (
    BarTracker,
    Decoder,
    Sampling,
    TokenTable,
    Voices,
    choose_header,
    complete_controls,
    explicit_repeats,
    header_values,
    plain_when_unsure,
    sample,
)
from .limits import DEFAULT_BARS, check_request, checked_meter
from .pretrained import DEFAULT_MODEL
from .styles import FORM_VOICES, Controls, guided_tokens, interpret

if TYPE_CHECKING:
    from .evaluation.judges import Judges

# scale steps from the gong (the major key's tonic) to each Chinese mode's final note
_PENTATONIC_DEGREE = {"gong": 0, "shang": 1, "jue": 2, "zhi": 4, "yu": 5}


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
        """The piece as a music21 Score (one Part per voice)."""
        import music21

        return music21.converter.parse(self.abc, format="abc")


class Composer:
    """A trained model ready to write music; see ``generate``."""

    def __init__(self, checkpoint: Checkpoint):
        self.checkpoint = checkpoint
        self.model = checkpoint.model.eval()
        self.tokenizer = checkpoint.tokenizer
        self.table = TokenTable(self.tokenizer)
        self._judges: Judges | None = None  # loaded on the first rerank
        self._train_tunes = {(s["dimension"], s["name"]): s.get("train_tunes", 1)
                             for s in checkpoint.styles}

    @classmethod
    def load(cls, path: str | Path | None = None, device: str = "cpu") -> Composer:
        """A checkpoint directory; by default the model that ships with tunesmith."""
        path = Path(path) if path else DEFAULT_MODEL
        if path == DEFAULT_MODEL and not path.exists():
            raise CheckpointError(f"{path}: the bundled default model is missing from this "
                                  "installation; pass a checkpoint from `tunesmith train`")
        return cls(load_checkpoint(path, device))

    def generate(self, prompt: str | list[str] = "", bars: int | None = None, *, num: int = 1,
                 seed: int = 0, key: str | None = None, meter: str | None = None,
                 tempo: int | None = None, temperature: float = 1.0, top_k: int = 0,
                 top_p: float = 0.95, title: str | None = None,
                 time_limit: float | None = None, rerank: int = 1,
                 voices: int | None = None, guidance: float = 1.0,
                 cancel: threading.Event | None = None) -> list[Piece]:
        """``num`` pieces for a prompt in English or Chinese. Explicit ``key``, ``meter``,
        ``tempo``, ``bars`` and ``voices`` win over what the prompt says; a chorale, quartet,
        mass or madrigal gets its usual number of voices, aligned bar by bar. The same seed
        gives the same pieces. ``guidance`` > 1 pushes each token toward the asked style
        (classifier-free guidance: the model's logits with the style controls, moved away
        from its logits without them; 1 = off, costs a second decoder). With ``rerank`` > 1,
        ``num * rerank`` candidates are sampled in one batch and the best ``num`` kept (see
        ``_rank``). Past ``time_limit`` seconds it raises ``TimeoutError``, and once ``cancel``
        is set ``Cancelled`` (a server's guards: a request too slow, a client gone). A list
        of prompts gives each prompt's pieces in turn."""
        if not isinstance(prompt, str):
            return [piece for text in prompt for piece in self.generate(
                text, bars, num=num, seed=seed, key=key, meter=meter, tempo=tempo,
                temperature=temperature, top_k=top_k, top_p=top_p, title=title,
                time_limit=time_limit, rerank=rerank, voices=voices, guidance=guidance,
                cancel=cancel)]
        key, meter = check_request(bars=bars, num=num, key=key, meter=meter, tempo=tempo,
                                   voices=voices, temperature=temperature, top_k=top_k,
                                   top_p=top_p, guidance=guidance, rerank=rerank)
        deadline = time.monotonic() + time_limit if time_limit else None
        controls = interpret(prompt)
        if meter is None and controls.meter:  # a prompt's "in 7/3" is read, not obeyed
            try:
                controls.meter = checked_meter(controls.meter)
            except ValueError as exc:
                controls.remarks.append(f"{exc}; the model chooses the meter")
                controls.meter = None
        unseen = {d: v for d, v in controls.labels.items()
                  if self._train_tunes.get((d, v), 1) == 0}
        if unseen:  # an untrained control token steers nowhere: let the model choose instead
            controls.remarks.append("this model saw no training tunes of " + ", ".join(
                f"{d}={v}" for d, v in unseen.items()) + "; the model chooses instead")
            controls.labels = {d: v for d, v in controls.labels.items() if d not in unseen}
        controls.key = key or controls.key
        controls.meter = meter or controls.meter
        controls.tempo = tempo or controls.tempo
        controls.bars = bars or controls.bars or DEFAULT_BARS
        options = Sampling(temperature, top_k, top_p)
        # controls and header are one choice each that shapes the whole piece: sharpen them
        # toward what is typical for the style
        choices = Sampling(temperature / 2, top_k, top_p)
        generator = torch.Generator().manual_seed(seed)
        tok = self.tokenizer
        with torch.inference_mode():
            labels = complete_controls(self.model, tok, controls.labels, choices, generator)
        asked = {d: v for d, v in controls.labels.items() if d in ("tradition", "form", "period")}
        added = {d: v for d, v in labels.items() if d not in controls.labels}
        if added:
            controls.remarks.append("the model chose " + ", ".join(f"{d}={v}"
                                                                 for d, v in added.items()))
        controls.labels = labels
        if controls.meter is None and labels.get("meter", "other") != "other":
            controls.meter = labels["meter"]
        controls.voices = voices or controls.voices or FORM_VOICES.get(labels.get("form"), 1)
        if any(f"[V:{v}]" not in tok.ids for v in range(1, controls.voices + 1)):
            controls.remarks.append(f"this model never saw {controls.voices} voices; "
                                  "writing one")
            controls.voices = 1
        prefix = [tok.bos_id] + [tok.ids[t] for t in controls.tokens() if t in tok.ids]
        canonical = tok.config.canonical
        written_key = controls.key  # a canonical model writes on C; the piece moves after
        if canonical and controls.key:
            written_key = on_c(controls.key)
        with torch.inference_mode():
            prefix = choose_header(self.model, self.table, prefix,
                                   {"M": controls.meter, "K": written_key},
                                   choices, generator)
        header = header_values(tok.decode(prefix))
        out_key = controls.key or header["K"]
        if canonical and not controls.key:
            out_key = self._typical_key(header["K"], generator)
        count = num * rerank
        # a canonical model writes on C: the compass of each voice moves with the piece
        same_octave = tok.config.same_octave
        shift = shift_to_c(parse_key(out_key), same_octave) if canonical else 0
        compasses = [(low + shift, high + shift)
                     for low, high in voice_compasses(controls.voices, labels.get("form"))]
        trackers = [self._tracker(header, controls.bars, labels.get("mode"), compasses)
                    for _ in range(count)]
        logp = torch.zeros(count)
        decoder = Decoder(self.model, prefix, count)
        logits = decoder.start()
        plain = None  # the same decoding without the style controls, for guidance
        if guidance != 1.0:
            guided = {tok.ids[t] for t in guided_tokens() if t in tok.ids}
            plain = Decoder(self.model, [i for i in prefix if i not in guided], count)
            plain_logits = plain.start()
        budget = controls.bars * 64 * controls.voices + 64
        for _ in range(budget):
            allowed = torch.stack([t.allowed() for t in trackers])
            if plain is not None:
                logits = plain_logits + guidance * (logits - plain_logits)
            allowed = plain_when_unsure(logits, allowed, self.table)
            ids, lp = sample(logits, allowed, options, generator)
            live = torch.tensor([not t.finished for t in trackers])
            logp += torch.where(live, lp, torch.zeros_like(lp))
            for t, i in zip(trackers, ids.tolist(), strict=True):
                t.advance(i)
            if all(t.finished for t in trackers):
                break
            if deadline and time.monotonic() > deadline:
                raise TimeoutError(f"generation stopped after {time_limit:g} s; ask for "
                                   "fewer bars or candidates")
            if cancel is not None and cancel.is_set():
                raise Cancelled("generation cancelled by its caller")
            logits = decoder.step(ids)
            if plain is not None:
                plain_logits = plain.step(ids)
        pieces, name = [], _one_line(title, 200) if title else _title(prompt)
        for t, lp in zip(trackers, logp.tolist(), strict=True):
            tags = t.tags if isinstance(t, Voices) else []
            body, written = tok.decode(explicit_repeats(t.log, self.table, tags)).strip(), header
            if canonical:
                moved = to_key(Tune([("M", header["M"]), ("L", header["L"]),
                                     ("K", header["K"])], body), out_key, same_octave)
                if controls.voices == 1:  # voices keep their compasses instead
                    moved = _in_register(moved)
                body, written = moved.body.strip(), {**header, "K": moved.key}
            abc = _abc(name, written, controls.tempo, body, controls.voices,
                       labels.get("form"))
            remarks = list(controls.remarks)
            if not t.finished:
                remarks.append(f"stopped after {budget} tokens before {controls.bars} bars")
            problems = validate(parse(abc))
            if problems:  # the tracker should make this impossible; say so if it did not
                remarks.append("bar problems: " + "; ".join(map(str, problems[:3])))
            pieces.append(Piece(abc, controls, seed, lp, len(t.log), remarks))
        return self._rank(pieces, asked)[:num] if rerank > 1 else pieces

    def _typical_key(self, written: str, generator: torch.Generator) -> str:
        """A key for a piece the prompt gave none: a tonic drawn by how often the training
        tunes of the same mode were written on it (``data.json``), else the written one."""
        key = parse_key(written)
        counts = self.checkpoint.data.get("tonics", {}).get(key.mode, {})
        if not counts:
            return written
        tonics = list(counts)
        weights = torch.tensor([float(counts[t]) for t in tonics])
        pick = tonics[int(torch.multinomial(weights, 1, generator=generator))]
        return Key(pick, key.mode).abc()

    def _rank(self, pieces: list[Piece], asked: dict[str, str]) -> list[Piece]:
        """Best first: the pieces the independent judges find in their written key and in
        the asked tradition, form and period, then by the model's mean log-likelihood."""
        from .evaluation.judges import Judges, key_label
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

    def _tracker(self, header: dict[str, str], bars: int, mode: str | None,
                 compasses: list[tuple[int, int]]) -> BarTracker | Voices:
        """Bars of the header's meter; one voice per compass (a single voice has no
        compass); the top and bottom voices end on the tonic, the inner ones on the third
        and fifth above it, so the last chord is the tonic triad."""
        bar = meter_length(header["M"]) / parse_fraction(header["L"], "L")
        key = parse_key(header["K"])
        tonic = None
        if key.tonic and mode in _PENTATONIC_DEGREE and key.mode == "major":
            # Chinese modes are written with the major key signature of their gong; the
            # final note is the mode's own degree, which the key signature then spells
            letters = "CDEFGAB"
            step = letters.index(key.tonic[0]) + _PENTATONIC_DEGREE[mode]
            tonic = (letters[step % 7], "")
        elif key.tonic and key.mode in ("major", "minor", "dorian", "mixolydian"):
            tonic = (key.tonic[0], {"#": "^", "b": "_"}.get(key.tonic[1:], ""))
        voices = len(compasses)
        if voices == 1:
            return BarTracker(self.table, bar, bars, tonic)
        tags = [self.tokenizer.ids[f"[V:{v}]"] for v in range(1, voices + 1)]
        finals = [tonic if v in (0, voices - 1) else _above(tonic, 2 if v % 2 else 4)
                  for v in range(voices)]
        parts = [BarTracker(self.table, bar, bars, final, compass=compass)
                 for final, compass in zip(finals, compasses, strict=True)]
        return Voices(self.table, parts, tags)


@dataclass(frozen=True)
class _Part:
    name: str
    compass: tuple[int, int]  # MIDI, in the key the piece is printed in
    program: int  # General MIDI instrument


# where each voice may go: singers' ranges, and the strings' comfortable ranges for a quartet
_SATB = (_Part("Soprano", (60, 79), 52), _Part("Alto", (55, 74), 52),
         _Part("Tenor", (48, 67), 52), _Part("Bass", (40, 62), 52))  # 52: choir aahs
_STRINGS = (_Part("Violin I", (55, 86), 40), _Part("Violin II", (55, 81), 40),
            _Part("Viola", (48, 74), 41), _Part("Cello", (36, 64), 42))
_SUNG = ("chorale", "mass", "madrigal")


def voice_parts(voices: int, form: str | None) -> list[_Part]:
    """Each voice's part, top down: a quartet's strings, or soprano, alto, tenor and bass
    spread over the voices (2: S B, 3: S T B, 5: S A T T B …); one voice is free. Sung
    forms are sung (choir), other pieces in several voices are played on the piano."""
    if voices == 1:
        return [_Part("", (0, 127), 0)]
    ranges = _STRINGS if form == "quartet" else _SATB
    parts = [ranges[round(v * (len(ranges) - 1) / (voices - 1))] for v in range(voices)]
    if form not in _SUNG and form != "quartet":
        parts = [replace(p, name=f"Voice {v}", program=0) for v, p in enumerate(parts, 1)]
    names = [p.name for p in parts]
    return [replace(p, name=f"{p.name} {names[:v].count(p.name) + 1}")
            if names.count(p.name) > 1 else p for v, p in enumerate(parts)]


def voice_compasses(voices: int, form: str | None) -> list[tuple[int, int]]:
    """The compass of each voice, top down (see ``voice_parts``)."""
    return [part.compass for part in voice_parts(voices, form)]


# the median pitch of a melody: half of the folk tunes of the test split have theirs in
# MIDI 69-72 (A4-C5), the middle one at 71
MELODY_MEDIAN = 71


def _in_register(tune: Tune) -> Tune:
    """A single line moved by whole octaves so that its median pitch is nearest
    ``MELODY_MEDIAN``. A canonical model's register on C mixes the keys its training tunes
    came from, so the inverse shift alone can leave a G jig on ``G,-D`` an octave low."""
    pitches = sorted(n.pitch for n in sounding_notes(tune))
    octaves = round((MELODY_MEDIAN - pitches[len(pitches) // 2]) / 12) if pitches else 0
    return transpose(tune, 12 * octaves) if octaves else tune


def _above(tonic: tuple[str, str] | None, steps: int) -> tuple[str, str] | None:
    """The note ``steps`` letters above the tonic, as the key signature spells it."""
    if tonic is None:
        return None
    letters = "CDEFGAB"
    return letters[(letters.index(tonic[0]) + steps) % 7], ""


def _one_line(text: str, limit: int) -> str:
    """Printable characters only (no NUL or lone surrogate for abcm2ps or a UTF-8 file to
    choke on), one line, at most ``limit`` characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())[:limit]


def _title(prompt: str) -> str:
    words = _one_line(prompt, 60)
    return words[:1].upper() + words[1:] if words else "Untitled"


def _abc(title: str, header: dict[str, str], tempo: int | None, body: str,
         voices: int = 1, form: str | None = None) -> str:
    lines = ["X:1", f"T:{title}", "C:tunesmith", f"M:{header['M']}", f"L:{header['L']}"]
    if tempo:
        lines.append(f"Q:1/4={tempo}")
    lines.append(f"K:{header['K']}")
    if voices > 1:  # one block per voice, in bass clef where it lies low
        pitches: dict[str, list[int]] = {}
        for note in sounding_notes(parse("\n".join(lines + [body]))):
            pitches.setdefault(note.voice, []).append(note.pitch)
        # name every clef: abcm2ps switches an unnamed one mid-piece as the notes move
        clefs = {v: "bass" if sorted(p)[len(p) // 2] < 60 else "treble"
                 for v, p in pitches.items()}
        parts = {str(v): part for v, part in enumerate(voice_parts(voices, form), 1)}
        body = voice_blocks(body, clefs, names={v: p.name for v, p in parts.items()},
                            programs={v: p.program for v, p in parts.items()})
    return "\n".join(lines + [body]) + "\n"

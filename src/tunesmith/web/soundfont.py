"""One-note samples for the page's abcjs synth, played by fluidsynth from the GM soundfont.

abcjs plays a tune by fetching one MP3 a note, ``<url><instrument>-mp3/<note>.mp3`` (its
default URL is a CDN). The server answers those URLs itself, so the page plays offline with
the same General MIDI soundfont as the WAV downloads. The first note of an instrument costs one
fluidsynth run over its whole compass (every note in turn, about 1.5 s), kept on disk as raw
samples; each note is cut out and encoded with lame when it is first asked for (tens of ms)
and cached, so later requests are file reads.
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
import threading
import wave
from pathlib import Path

import numpy as np

from ..render import mp3, play

# abcjs's instrument names (MIDI.js soundfont names), in General MIDI program order
INSTRUMENTS = (
    "acoustic_grand_piano", "bright_acoustic_piano", "electric_grand_piano", "honkytonk_piano",
    "electric_piano_1", "electric_piano_2", "harpsichord", "clavinet", "celesta",
    "glockenspiel", "music_box", "vibraphone", "marimba", "xylophone", "tubular_bells",
    "dulcimer", "drawbar_organ", "percussive_organ", "rock_organ", "church_organ",
    "reed_organ", "accordion", "harmonica", "tango_accordion", "acoustic_guitar_nylon",
    "acoustic_guitar_steel", "electric_guitar_jazz", "electric_guitar_clean",
    "electric_guitar_muted", "overdriven_guitar", "distortion_guitar", "guitar_harmonics",
    "acoustic_bass", "electric_bass_finger", "electric_bass_pick", "fretless_bass",
    "slap_bass_1", "slap_bass_2", "synth_bass_1", "synth_bass_2", "violin", "viola", "cello",
    "contrabass", "tremolo_strings", "pizzicato_strings", "orchestral_harp", "timpani",
    "string_ensemble_1", "string_ensemble_2", "synth_strings_1", "synth_strings_2",
    "choir_aahs", "voice_oohs", "synth_choir", "orchestra_hit", "trumpet", "trombone", "tuba",
    "muted_trumpet", "french_horn", "brass_section", "synth_brass_1", "synth_brass_2",
    "soprano_sax", "alto_sax", "tenor_sax", "baritone_sax", "oboe", "english_horn", "bassoon",
    "clarinet", "piccolo", "flute", "recorder", "pan_flute", "blown_bottle", "shakuhachi",
    "whistle", "ocarina", "lead_1_square", "lead_2_sawtooth", "lead_3_calliope",
    "lead_4_chiff", "lead_5_charang", "lead_6_voice", "lead_7_fifths", "lead_8_bass_lead",
    "pad_1_new_age", "pad_2_warm", "pad_3_polysynth", "pad_4_choir", "pad_5_bowed",
    "pad_6_metallic", "pad_7_halo", "pad_8_sweep", "fx_1_rain", "fx_2_soundtrack",
    "fx_3_crystal", "fx_4_atmosphere", "fx_5_brightness", "fx_6_goblins", "fx_7_echoes",
    "fx_8_scifi", "sitar", "banjo", "shamisen", "koto", "kalimba", "bagpipe", "fiddle",
    "shanai", "tinkle_bell", "agogo", "steel_drums", "woodblock", "taiko_drum", "melodic_tom",
    "synth_drum", "reverse_cymbal", "guitar_fret_noise", "breath_noise", "seashore",
    "bird_tweet", "telephone_ring", "helicopter", "applause", "gunshot",
)
LOWEST, HIGHEST = 21, 108  # A0..C8, the piano's compass
HOLD, GAP = 3.0, 1.0  # seconds each note sounds, then dies away before the next
RATE = 44100  # what render.play writes
_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
_NOTE = re.compile(r"([A-G]b?)(\d)")
_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


def note_name(midi: int) -> str:
    """abcjs's name of a MIDI pitch: flats only, middle C is C4."""
    return f"{_NAMES[midi % 12]}{midi // 12 - 1}"


def midi_pitch(name: str) -> int | None:
    """The MIDI pitch of an abcjs note name, or None when it is not one in the served compass."""
    match = _NOTE.fullmatch(name)
    if not match or match.group(1) not in _NAMES:
        return None
    midi = (int(match.group(2)) + 1) * 12 + _NAMES.index(match.group(1))
    return midi if LOWEST <= midi <= HIGHEST else None


def sample(cache: Path, instrument: str, note: str) -> Path | None:
    """The cached MP3 of ``note`` (e.g. ``Bb4``) on ``instrument``, rendered on first use;
    None when either is not one abcjs asks for."""
    if instrument not in INSTRUMENTS or midi_pitch(note) is None:
        return None
    folder = cache / f"{instrument}-mp3"
    path = folder / f"{note}.mp3"
    if path.exists():
        return path
    raw = folder / "notes.raw"
    with _locks_lock:
        lock = _locks.setdefault(instrument, threading.Lock())
    with lock:  # one fluidsynth run an instrument, however many notes are asked at once
        if not raw.exists():
            _render_instrument(INSTRUMENTS.index(instrument), raw)
    _encode(raw, midi_pitch(note), path)
    return path


def _midi_file(program: int) -> bytes:
    """A one-track MIDI file: ``program``, then every note of the compass in turn."""
    ticks = 480  # a quarter note at the default 120 bpm: 0.5 s
    per_second = 2 * ticks

    def delta(seconds: float) -> bytes:  # a variable-length quantity
        value, out = round(seconds * per_second), [0]
        out[0] = value & 0x7F
        while value := value >> 7:
            out.insert(0, 0x80 | (value & 0x7F))
        return bytes(out)

    events = delta(0) + bytes([0xC0, program])
    for pitch in range(LOWEST, HIGHEST + 1):
        events += delta(0 if pitch == LOWEST else GAP) + bytes([0x90, pitch, 100])
        events += delta(HOLD) + bytes([0x80, pitch, 0])
    events += delta(GAP) + b"\xff\x2f\x00"
    return (b"MThd" + struct.pack(">IHHH", 6, 0, 1, ticks)
            + b"MTrk" + struct.pack(">I", len(events)) + events)


def _render_instrument(program: int, raw: Path) -> None:
    """Every note of ``program`` in turn, as mono 16-bit samples at ``RATE`` in ``raw``."""
    with tempfile.TemporaryDirectory(prefix="tunesmith-notes-") as tmp:
        midi, played = Path(tmp) / "notes.mid", Path(tmp) / "notes.wav"
        midi.write_bytes(_midi_file(program))
        play(midi, played, timeout=300)
        with wave.open(str(played)) as w:
            channels = w.getnchannels()
            audio = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    mono = audio.reshape(-1, channels).mean(axis=1)
    mono *= 0.9 * 32767 / max(1.0, float(np.abs(mono).max()))  # one gain for all notes
    raw.parent.mkdir(parents=True, exist_ok=True)
    partial = raw.with_suffix(".part")
    partial.write_bytes(mono.astype("<i2").tobytes())
    partial.replace(raw)  # never half an instrument in the cache


def _encode(raw: Path, pitch: int, out: Path) -> None:
    """Note ``pitch`` cut from the instrument's samples, as an MP3 at ``out``."""
    step = round((HOLD + GAP) * RATE)
    start = (pitch - LOWEST) * step
    samples = np.fromfile(raw, dtype="<i2", count=step, offset=2 * start)
    fd, name = tempfile.mkstemp(prefix=".note-", suffix=".wav", dir=out.parent)
    os.close(fd)
    clip, partial = Path(name), Path(name).with_suffix(".mp3")
    try:
        with wave.open(str(clip), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(samples.tobytes())
        mp3(clip, partial)
        partial.replace(out)  # atomic: two requests for one note both get a whole file
    finally:
        clip.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)

"""The canonical spelling (tonic C, L:1/8) keeps the music, and the training rows keep the style."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from tunesmith.abc import AbcError, Tokenizer, bars, parse, parse_key
from tunesmith.abc.canonical import canonical, length_text, on_c, relength, shift_to_c, to_key
from tunesmith.abc.durations import length_multiplier
from tunesmith.abc.notes import notes
from tunesmith.data.windows import TuneWindows

from .conftest import REEL


def _played(tune) -> list[tuple[int, Fraction, Fraction]]:
    """Pitch, onset and length of every sounding note (grace notes are silent)."""
    return [(n.pitch, n.onset, n.length) for n in notes(tune)]


@pytest.mark.parametrize("text", ["", "2", "/", "/4", "3/2", "3/4", "7/8", "16", "5/16"])
def test_length_text_spells_what_length_multiplier_reads(text):
    value = length_multiplier(text)
    assert length_multiplier(length_text(value)) == value
    assert len(length_text(value)) <= len(text) or text == "/4"


@pytest.mark.parametrize(("key", "shift"), [("C", 0), ("D", -2), ("G", 5), ("A", 3),
                                             ("F#m", 6), ("Bb", 2), ("Ador", 3), ("none", 0)])
def test_shift_to_c_is_the_smaller_move(key, shift):
    assert shift_to_c(parse_key(key)) == shift


@pytest.mark.parametrize(("key", "shift"), [("C", 0), ("D", -2), ("G", -7), ("A", -9),
                                             ("F#m", -6), ("Bb", -10), ("Ador", -9), ("none", 0)])
def test_shift_to_c_in_the_same_octave_always_goes_down(key, shift):
    assert shift_to_c(parse_key(key), same_octave=True) == shift


def test_same_octave_keeps_tunes_of_every_key_in_one_register_on_c():
    """A G reel and a D reel that sit just above their tonics both sit just above C4 on C;
    by the smaller shift the G reel lands a fifth higher than the D reel."""
    def median(tune) -> int:
        return sorted(n.pitch for n in notes(tune))[len(notes(tune)) // 2]
    in_d = parse(REEL)
    in_g = to_key(canonical(in_d), "G", same_octave=True)  # the same reel a fourth higher
    assert median(in_g) - median(in_d) == 5
    same = [median(canonical(t, same_octave=True)) for t in (in_d, in_g)]
    nearest = [median(canonical(t)) for t in (in_d, in_g)]
    assert same[0] == same[1] and nearest[1] - nearest[0] == 12
    back = to_key(canonical(in_g, same_octave=True), "G", same_octave=True)
    assert _played(back) == _played(in_g)


def test_relength_rewrites_units_and_keeps_every_bar():
    body = "|:d2fd A2FA [df]4 z4|(3ABc d>e {g}f2 x2 Z2|[L:1/4] A2 B|]\n"
    tune = parse("X:1\nM:4/4\nL:1/16\nK:D\n" + body)
    out = relength(tune.body, Fraction(1, 16))
    assert out.startswith("|:df/d/ AF/A/ [d/f/]4 z2|(3A/B/c/ d/>e/ {g/}f x Z2|[L:1/8] A4 B2|]")
    moved = parse("X:1\nM:4/4\nL:1/8\nK:D\n" + out)
    assert [b.duration for b in bars(moved)] == [b.duration for b in bars(tune)]


def test_canonical_reel_is_on_c_and_plays_the_same_tune_a_tone_lower():
    tune = parse(REEL)
    moved = canonical(tune)
    assert moved.key == "C" and moved.get("L") == "1/8"
    assert [(p - 2, o, n) for p, o, n in _played(tune)] == _played(moved)
    assert to_key(moved, "D").body == tune.body  # the inverse spells it as written


@pytest.mark.parametrize("key", ["Ador", "Emin", "Gmix", "F", "Bb", "C#m", "Eb"])
def test_canonical_keeps_the_mode_and_to_key_restores_the_sound(key):
    tune = parse(REEL.replace("K:D", f"K:{key}").replace("L:1/8", "L:1/16"))
    moved = canonical(tune)
    assert parse_key(moved.key).tonic == "C"
    assert parse_key(moved.key).mode == parse_key(key).mode
    assert on_c(key) == moved.key
    back = to_key(moved, key)
    assert parse_key(back.key).pitch_class == parse_key(key).pitch_class
    assert _played(back) == _played(tune)  # same pitches, onsets and lengths


def test_canonical_on_real_tunes_keeps_every_bar(corpus_tunes):
    checked = 0
    for tune in corpus_tunes[:200]:
        try:
            moved = canonical(tune)
        except AbcError:
            continue
        unit = tune.unit_length / Fraction(1, 8)
        assert [b.duration for b in bars(moved)] == [b.duration for b in bars(tune)], tune.origin
        assert moved.get("L") == "1/8" and unit > 0
        checked += 1
    assert checked > 150


def test_prepared_dataset_is_canonical_and_rows_start_with_their_controls(tiny_dataset):
    tokenizer = Tokenizer.load(tiny_dataset / "vocab.json")
    assert tokenizer.config.canonical and not tokenizer.config.same_octave
    assert not [t for t in tokenizer.tokens if t.startswith("K:") and not t.startswith("K:C")]
    meta = [json.loads(line) for line in (tiny_dataset / "metadata.jsonl").open()]
    report = json.loads((tiny_dataset / "report.json").read_text())
    assert sum(report["tonics"]["major"].values()) > 10 and "D" in report["tonics"]["major"]
    windows = TuneWindows(tiny_dataset, "train", 64, tokenizer, balance=0.5,
                          control_dropout=0.5)
    x, y = windows.batch(np.random.default_rng(0), 32)
    assert x.shape == y.shape == (32, 64)
    assert (x[:, 0] == tokenizer.bos_id).all()
    header = [tokenizer.decode(row[:12].tolist(), skip_special=False) for row in x]
    assert all("K:C" in h and "M:" in h for h in header)  # every row knows its header
    with_form = sum("<form=" in h for h in header)
    assert 4 <= with_form <= 28  # control dropout left the style out of about half
    first = next(m for m in meta if m["split"] == "train")
    row = windows.row(0, 0.0, drop=False)
    stream = np.memmap(tiny_dataset / "train.bin", dtype=np.uint16, mode="r")
    assert row[:first["prefix"]].tolist() == stream[:first["prefix"]].tolist()
    assert abs(sum(windows.shares.values()) - 1) < 1e-9


def test_rows_of_a_long_tune_may_read_it_from_its_start(tiny_dataset):
    tokenizer = Tokenizer.load(tiny_dataset / "vocab.json")
    midway, opening = (TuneWindows(tiny_dataset, "train", 64, tokenizer, from_start=share)
                       for share in (0.0, 1.0))
    long = {i for i, (n, pre) in enumerate(zip(opening.lengths, opening.prefixes, strict=True))
            if n - pre > 64}
    assert len(long) > 10
    rng = np.random.default_rng(0)
    tunes = rng.choice(len(opening.p), size=64, p=opening.p)  # as ``batch`` draws them
    x, _ = opening.batch(np.random.default_rng(0), 64)
    starts = [opening.row(t, 0.0, drop=False)[:64] for t in tunes]
    assert all((row == start).all() for row, start in zip(x.numpy(), starts, strict=True))
    y, _ = midway.batch(np.random.default_rng(0), 64)
    assert sum(not (row == start).all()  # without it a long tune's row starts anywhere
               for row, start, t in zip(y.numpy(), starts, tunes, strict=True) if t in long) > 5

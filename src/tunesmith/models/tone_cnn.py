"""Tone CNN: tonic and mode of a tune from a piano-roll picture of its notes.

The input is two channels over (pitch, time): how long each pitch sounds in each time slice,
and where notes start. Time is the whole tune squeezed into ``COLUMNS`` slices, so the ending —
the strongest cue to the mode — always lands in the last columns. Pitches are folded by octaves
into ``ROWS`` semitones from ``LOWEST``.

The convolutions slide along pitch as well as time, so a pattern learnt in one key is found in
every key; the last layer scores each row as a tonic for each mode and adds the octaves of the
same pitch class, giving joint logits over (mode, tonic). Training transposes every tune by a
random interval (labels moved with it), which covers the edges of the roll that convolution
alone does not make transposition-proof.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

from ..abc.notes import Note

MODES = ("major", "minor", "dorian", "mixolydian", "phrygian", "lydian", "locrian")
ROWS, LOWEST, COLUMNS = 36, 48, 48  # three octaves from C3, 48 time slices


def note_arrays(notes: list[Note]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pitches, onsets, ends) of the notes, times in whole notes: what a roll is drawn from."""
    pitch = np.array([n.pitch for n in notes], dtype=np.int64)
    onset = np.array([float(n.onset) for n in notes], dtype=np.float64)
    end = onset + np.array([float(n.length) for n in notes], dtype=np.float64)
    return pitch, onset, end


def piano_roll(pitch: np.ndarray, onset: np.ndarray, end: np.ndarray,
               shift: int = 0) -> np.ndarray:
    """A (2, ROWS, COLUMNS) float32 picture of the notes, transposed by ``shift`` semitones."""
    roll = np.zeros((2, ROWS, COLUMNS), dtype=np.float32)
    if len(pitch) == 0:
        return roll
    above = pitch + shift - LOWEST
    rows = above % 12 + 12 * np.clip(above // 12, 0, ROWS // 12 - 1)  # fold into range
    scale = COLUMNS / max(end.max(), 1e-9)
    start, stop = onset * scale, np.minimum(end * scale, COLUMNS)
    first = np.minimum(start.astype(np.int64), COLUMNS - 1)
    np.add.at(roll[1], (rows, first), 1.0)
    for k in range(int(np.ceil(stop - first).max())):  # a note's share of each column it spans
        col = first + k
        share = np.minimum(stop, col + 1) - np.maximum(start, col)
        keep = (share > 0) & (col < COLUMNS)
        np.add.at(roll[0], (rows[keep], col[keep]), share[keep])
    roll /= np.maximum(roll.max(axis=(1, 2), keepdims=True), 1e-9)
    return roll


class ToneCNN(nn.Module):
    def __init__(self, channels: tuple[int, ...] = (16, 32, 32), kernel: tuple[int, int] = (7, 3)):
        super().__init__()
        layers: list[nn.Module] = []
        before = 2
        for width in channels:
            layers += [nn.Conv2d(before, width, kernel, padding=(kernel[0] // 2, kernel[1] // 2)),
                       nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d((1, 2))]
            before = width
        self.features = nn.Sequential(*layers)
        self.score = nn.Conv1d(before, len(MODES), 1)

    def forward(self, roll: torch.Tensor) -> torch.Tensor:
        """(B, 2, ROWS, COLUMNS) → (B, modes × 12) logits; index = mode * 12 + tonic."""
        h = self.features(roll).mean(dim=3)  # (B, C, ROWS): each row's evidence over time
        per_row = self.score(h)  # (B, modes, ROWS)
        octaves = per_row.view(roll.shape[0], len(MODES), ROWS // 12, 12)
        # Row r is pitch class (LOWEST + r) % 12; LOWEST is a C, so rows line up with tonics.
        return torch.logsumexp(octaves, dim=2).flatten(1)


def decode(index: int) -> tuple[int, str]:
    """Joint class → (tonic pitch class, mode)."""
    return index % 12, MODES[index // 12]


def encode(tonic: int, mode: str) -> int:
    return MODES.index(mode) * 12 + tonic % 12


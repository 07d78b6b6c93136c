"""Corpora → Tune records → a prepared dataset (see :mod:`tunesmith.data.prepare`)."""

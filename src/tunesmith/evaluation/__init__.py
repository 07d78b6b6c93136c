"""Numbers that say whether a model and its music are good."""

from .likelihood import Likelihood, Scored, dataset_tunes, file_tunes, score

__all__ = ["Likelihood", "Scored", "dataset_tunes", "file_tunes", "score"]

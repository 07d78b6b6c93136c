"""tunesmith: learn musical styles from scores and write new pieces in ABC notation.

``from tunesmith import Composer`` is the front door; it is imported on first use so that
``tunesmith --help`` and the torch-free notation core do not pay for loading torch.
"""

__version__ = "0.1.0"
__all__ = ["Composer", "Piece"]


def __getattr__(name: str):
    if name in __all__:
        from . import composer

        return getattr(composer, name)
    raise AttributeError(f"module 'tunesmith' has no attribute {name!r}")

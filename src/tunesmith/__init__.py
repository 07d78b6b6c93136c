"""tunesmith: learn musical styles from scores and write new pieces in ABC notation."""

__version__ = "0.1.0"

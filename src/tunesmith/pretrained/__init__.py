"""Where the bundled default model lives (a plain path, so reading it needs no torch)."""

from pathlib import Path

DEFAULT_MODEL = Path(__file__).parent / "default"

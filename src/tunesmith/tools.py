"""External music programs, run as subprocesses with time limits and clear install hints."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

# program → the Debian package that carries it
PACKAGES = {
    "abc2abc": "abcmidi",
    "abc2midi": "abcmidi",
    "abcm2ps": "abcm2ps",
    "fluidsynth": "fluidsynth",
    "sox": "sox",
}


class ToolError(RuntimeError):
    """An external program is missing, failed or ran past its time limit."""


def user_cache(name: str) -> Path:
    """``~/.cache/tunesmith/<name>`` (or under ``$XDG_CACHE_HOME``): work done once a machine,
    such as converted scores and the synth's note samples."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tunesmith" / name


def require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        package = PACKAGES.get(program, program)
        raise ToolError(f"{program} is not installed: run `sudo apt-get install {package}` "
                        "(or the README's setup command)")
    return path


def run(program: str, args: list[str], timeout: float = 60, cwd: str | Path | None = None
        ) -> subprocess.CompletedProcess[str]:
    """Run ``program`` with ``args``; output is captured as text, never raised on exit code."""
    try:
        return subprocess.run([require(program), *args], capture_output=True, text=True,
                              timeout=timeout, cwd=cwd, errors="replace")
    except subprocess.TimeoutExpired:
        raise ToolError(f"{program} took longer than {timeout:g} s and was stopped") from None


@dataclass(frozen=True)
class Abc2abcReport:
    bad_bars: list[tuple[int, Fraction, Fraction]]  # (bar, actual, expected)
    errors: list[str]  # every "%Error" and "Error" line, verbatim


_BAR_RE = re.compile(r"%Error : Bar (\d+) is (\d+/\d+|\d+) not (\d+/\d+|\d+)")


def abc2abc_check(abc: str, timeout: float = 20) -> Abc2abcReport:
    """What ``abc2abc`` says about a tune. It always exits 0, so its output is read instead."""
    with tempfile.TemporaryDirectory(prefix="tunesmith-") as tmp:
        path = Path(tmp) / "tune.abc"
        path.write_text(abc, encoding="utf-8")
        result = run("abc2abc", [str(path)], timeout=timeout)
    out = result.stdout + result.stderr
    bad = [(int(m.group(1)), Fraction(m.group(2)), Fraction(m.group(3)))
           for m in _BAR_RE.finditer(out)]
    errors = [line.strip() for line in out.splitlines() if "Error" in line]
    return Abc2abcReport(bad, errors)

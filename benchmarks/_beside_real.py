"""The command line the benchmarks that set real tunes beside generated ones share:
``--dataset D [REPORT ...]``, the dataset whose test split is the real side and the
``tunesmith evaluate --report`` folders whose pieces are the generated side."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tunesmith.abc import Tune
from tunesmith.evaluation.generated import beside_real, saved_samples


def rows_from_args(doc: str) -> list[tuple[str, list[Tune]]]:
    """Parse the command line of a benchmark described by ``doc``; its rows, each named."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("reports", type=Path, nargs="*", help="tunesmith evaluate --report folders")
    args = parser.parse_args()
    return beside_real(args.dataset, args.reports)


def sampler_pieces(spec: str) -> tuple[str, list[tuple[str, str]]]:
    """A ``NAME=REPORT[,REPORT...]`` argument: its name (its folders where it gives none) and
    the prompt and ABC of every piece its report folders hold, pooled."""
    name, _, folders = spec.rpartition("=")
    return name or folders, [piece for folder in folders.split(",")
                             for piece in saved_samples(Path(folder))]


def reproduce() -> str:
    """The line that says how to run this benchmark again, as it was run."""
    return f"\nreproduce: python {shlex.join(sys.argv)}"


def print_by_style(row: Callable[[str, Any, list], str], real: dict, made: dict[str, dict],
                   styles: Iterable) -> None:
    """For each of ``styles`` (a key of ``real`` and of each sampler's pieces in ``made``):
    the real tunes' ``row``, then each sampler's, then how to run it again."""
    for style in styles:
        if style in real:
            print(row("real, train split", style, real[style]))
        for name, by in made.items():
            if by.get(style):
                print(row(name, style, by[style]))
    print(reproduce())

"""The domain object: a Tune is header fields + body + style labels + provenance."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from fractions import Fraction


class AbcError(ValueError):
    """Raised for ABC that cannot be read; the message names the tune and the problem."""


MAX_DIGITS = 6  # no real length, count or meter needs more; Python refuses ints past 4,300


def whole_number(digits: str, what: str) -> int:
    """The count or length ``digits`` spell, or an AbcError naming ``what`` if absurdly long."""
    if len(digits) > MAX_DIGITS:
        raise AbcError(f"{what}: a number of {len(digits)} digits ({digits[:8]}…); "
                       f"at most {MAX_DIGITS} are read")
    return int(digits)


@dataclass
class Tune:
    """One piece: ordered header fields, the music body, labels and where it came from.

    ``fields`` keeps every header field in its original order (``[("X", "1"), ("T", "…")]``)
    so that nothing a user wrote is lost; the helpers below read the common ones.
    """

    fields: list[tuple[str, str]]
    body: str
    labels: dict[str, str] = field(default_factory=dict)
    source: str = ""  # e.g. "music21/oneills1850"
    origin: str = ""  # file and tune number, e.g. "oneills1850/0001-0050.abc#X:3"
    meta: dict[str, str] = field(default_factory=dict)  # artist, lyrics, licence …

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of header field ``name`` (``"K"``, ``"T"`` …)."""
        for key, value in self.fields:
            if key == name:
                return value
        return default

    def get_all(self, name: str) -> list[str]:
        return [value for key, value in self.fields if key == name]

    def with_field(self, name: str, value: str) -> Tune:
        """A copy with field ``name`` replaced (or appended before K:, which stays last)."""
        fields = list(self.fields)
        for i, (key, _) in enumerate(fields):
            if key == name:
                fields[i] = (name, value)
                return replace(self, fields=fields)
        k = next((i for i, (key, _) in enumerate(fields) if key == "K"), len(fields))
        fields.insert(k, (name, value))
        return replace(self, fields=fields)

    @property
    def title(self) -> str:
        return self.get("T", "") or ""

    @property
    def key(self) -> str:
        return self.get("K", "") or ""

    @property
    def meter(self) -> str:
        return self.get("M", "none") or "none"

    @property
    def unit_length(self) -> Fraction:
        """L: as a fraction of a whole note; ABC's default depends on the meter."""
        value = self.get("L")
        if value:
            return parse_fraction(value, "L")
        bar = meter_length(self.meter)
        return Fraction(1, 16) if bar is not None and bar < Fraction(3, 4) else Fraction(1, 8)

    @property
    def abc(self) -> str:
        """The tune as ABC text, ``X:`` first and ``K:`` last in the header."""
        fields = [f for f in self.fields if f[0] not in ("X", "K")]
        lines = [f"X:{self.get('X', '1')}"]
        lines += [f"{k}:{v}" for k, v in fields]
        lines.append(f"K:{self.key}")
        return "\n".join(lines) + "\n" + self.body.rstrip("\n") + "\n"

    def music_text(self) -> str:
        """What a model reads and writes: the musical header lines, then the body."""
        lines = [f"M:{self.meter}", f"L:{_fraction_text(self.unit_length)}"]
        lines += [f"V:{v}" for v in self.get_all("V")]
        lines.append(f"K:{self.key}")
        return "\n".join(lines) + "\n" + self.body.rstrip("\n") + "\n"


def _fraction_text(f: Fraction) -> str:
    return f"{f.numerator}/{f.denominator}"


_FRACTION_RE = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


def parse_fraction(text: str, what: str) -> Fraction:
    m = _FRACTION_RE.fullmatch(text.split("%")[0])
    num, den = (whole_number(d, f"{what}:") for d in m.groups()) if m else (0, 0)
    if num == 0 or den == 0:
        raise AbcError(f"{what}: field is not a fraction like 1/8: {text[:40]!r}")
    return Fraction(num, den)


def meter_length(meter: str) -> Fraction | None:
    """Length of one bar in whole notes, or None for free meter (``M:none``).

    Accepts ``C``, ``C|``, ``6/8`` and additive meters such as ``2+3/8`` or ``3/4+2/4``.
    """
    text = meter.split("%")[0].strip()
    if text in ("C", "c", "C|", "c|"):
        return Fraction(1)
    total = Fraction(0)
    for num, den in re.findall(r"\(?([\d+]+)\)?/(\d+)", text):
        beats = sum(whole_number(x, "M:") for x in num.split("+") if x)
        if whole_number(den, "M:") == 0 or beats == 0:
            return None
        total += Fraction(beats, int(den))
    return total or None


def tune_to_dict(tune: Tune) -> dict:
    """A JSON-ready record of a tune (the dataset's metadata lines use it)."""
    return {"fields": [list(f) for f in tune.fields], "body": tune.body, "labels": tune.labels,
            "source": tune.source, "origin": tune.origin, "meta": tune.meta}


def tune_from_dict(data: dict) -> Tune:
    return Tune(fields=[(k, v) for k, v in data["fields"]], body=data["body"],
                labels=dict(data.get("labels", {})), source=data.get("source", ""),
                origin=data.get("origin", ""), meta=dict(data.get("meta", {})))

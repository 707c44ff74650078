"""One arithmetic for every number okrflow computes: exact, then rounded in one place.

Rules:

- A number arrives as a float (a check-in, a metric field, a weight, a policy line), a
  :class:`~decimal.Decimal` (a value as typed), an int or a :class:`~fractions.Fraction`.
  :func:`exact` reads a float as the shortest decimal that prints as it (``0.1`` is
  exactly one tenth, ``0.8`` exactly four fifths), so the number a person typed or a
  report showed is the number computed with; the rest are taken as they are.
- Progress, means, paces and health lines are computed and compared as fractions, never
  in floating point: 0.3 checked in on "from 0.1 to 0.35" is progress 4/5 exactly, on the
  0.8 on-track line at a full quarter, not ``0.7999999999999999`` under it.
- A float leaves the core only at the end (:func:`as_float`: the nearest float), so a
  float handed back in (a progress read from the JSON document) reads as the same
  fraction wherever that fraction has a short decimal, and rounds the same way anywhere.
- Scores are rounded by :func:`round_half_up` only: to tenths, halves up
  (0.65 -> 0.7, 0.25 -> 0.3).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Final

__all__ = ["ONE", "ZERO", "Number", "as_float", "clamp", "exact", "round_half_up", "share"]

Number = float | int | Decimal | Fraction
ZERO: Final = Fraction(0)
ONE: Final = Fraction(1)


def exact(value: Number) -> Fraction:
    """``value`` as a fraction; a float as the shortest decimal that prints as it.

    Raises ValueError for NaN and infinities: they have no exact value.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        return Fraction(int(value))
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return Fraction(value)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return Fraction(Decimal(repr(value + 0.0)))


def as_float(value: Fraction) -> float:
    """The nearest float to ``value`` (how a number leaves the core)."""
    return float(value)


def clamp(value: Fraction, low: Fraction = ZERO, high: Fraction = ONE) -> Fraction:
    """``value`` limited to ``low..high``."""
    return max(low, min(high, value))


def share(value: Number) -> Fraction:
    """``value`` as a share 0..1, exactly: NaN and -infinity are 0, +infinity is 1."""
    if isinstance(value, float) and not math.isfinite(value):
        return ONE if value > 0 else ZERO
    return clamp(exact(value))


def round_half_up(value: Fraction, places: int = 1) -> Fraction:
    """``value`` rounded to ``places`` decimals, halves away from zero (the score rule)."""
    scale = 10**places
    scaled = abs(value) * scale
    rounded = math.floor(scaled + Fraction(1, 2))
    return Fraction(rounded if value >= 0 else -rounded, scale)

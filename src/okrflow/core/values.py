"""Numbers as people write them in key results and check-ins.

Rules:

- Digits, with optional thousands separators and decimals: ``1,200``, ``1200.5``, ``.5``;
  a leading ``-`` for a negative value (``-$5`` or ``$-5`` for money).
- A multiplier straight after the digits: ``k``/``K`` thousand, ``M``/``mn`` million,
  ``B``/``bn`` billion: ``1.5k`` is 1,500 and ``$2M`` is 2,000,000.
- A unit, stored in one canonical spelling: ``%``; ``x`` for a multiple (``3x``); a
  currency symbol before the number (``$``, ``€``, ``£``); time: ``ms``; ``s``/``sec``/
  ``seconds``; ``min``/``minutes``; ``h``/``hr``/``hours``; ``d``/``days``; ``w``/``wk``/
  ``weeks``. Time words and units may stand after a space (``2 days``, ``90 ms``, ``4 h``);
  ``x`` and a lone ``m`` may not.
- A lone ``m`` (``30m``) is minutes when the key result is measured in time, millions with
  money or when the key result has no unit, and otherwise ambiguous. In a statement it
  takes its meaning from the other number (``from 1h to 30m``, ``from $1.5M to $2m``) and
  is ambiguous alone.
- A rating is a number out of 5, 10 or 100: ``4.2/5`` or ``4.2 out of 5`` is 4.2 with unit
  ``/5`` (a number above its scale, ``24/7``, is not a rating).
- A compound time is one quantity: ``2h 30m`` and ``1 hour 30 minutes`` are 150 minutes
  (each part in a smaller unit than the one before, the last ``m`` in minutes).
- Values are stored in the unit: ``35%`` is 35 with unit ``%``, ``4h`` is 4 with unit
  ``h``. A time is converted into the key result's time unit, exactly (:func:`convert`):
  ``2 days`` on a key result in ``h`` is 48, ``90min`` is 1.5.
- In a sentence (:func:`find_quantities`), numbers that are part of a name are not
  measures: glued to a word or joined by a hyphen (``SOC2``, ``Type1``, ``Q3``, ``FY22``,
  ``V2``, ``P1``, ``Week-1``, ``Top-5``, ``10k+-user``, ``30-day``, ``2nd``, ``24/7``),
  after a naming word (``Type 1``, ``stage 4``, ``phase 2``, ``version 3``, ``top 10``,
  ``June 30``), a year after ``in``, ``by``, ``of``, ``the`` ..., ``101`` after a word
  (``interviewing 101``), and a number above 1 that counts a singular noun modifying
  another singular noun (``10k+ user POC``: a POC of 10k users, not 10k of something).
  A time after ``within``, ``in``, ``per``, ``every``, ``after``, ``over``, ``for`` or
  ``during`` is a qualifier (``within 8 days``, ``in the first 30
  days``, ``in less than 1 week``), and so are any number after ``per`` or ``every``, a
  span of months, quarters or years after those words (``in 2 quarters``), and a number
  that sets apart the items a sentence is about (``with all accounts over $1m``).
- Arithmetic is decimal, so ``1.1k`` is exactly 1100, and :func:`format_value` writes the
  shortest digits that read back as the same number (``1,200``, ``35%``, ``$2,000,000``,
  ``4h``, ``0.5``), never in scientific notation.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from decimal import Decimal
from fractions import Fraction
from typing import Final

__all__ = [
    "CURRENCIES",
    "QUANTITY",
    "RATING_SCALES",
    "TIME_UNITS",
    "Quantity",
    "canonical_unit",
    "compound_time",
    "convert",
    "format_value",
    "parse_exact",
    "parse_value",
    "quantity_from_match",
    "read_quantity",
]

CURRENCIES: Final = ("$", "€", "£")
#: Time units and their length in milliseconds.
TIME_UNITS: Final[dict[str, int]] = {
    "ms": 1,
    "s": 1_000,
    "min": 60_000,
    "h": 3_600_000,
    "d": 86_400_000,
    "w": 604_800_000,
}
#: The scales a rating may be out of: ``4.2/5``, ``8/10``, ``72/100``.
RATING_SCALES: Final = ("5", "10", "100")
#: Placeholder numbers (``[N3]`` in a page) are written as ``⟦N3⟧`` before matching.
PLACEHOLDER_OPEN: Final = "⟦"
PLACEHOLDER_CLOSE: Final = "⟧"

_ALIASES: Final[dict[str, str]] = {
    "%": "%",
    "percent": "%",
    "x": "x",
    "×": "x",
    "ms": "ms",
    "msec": "ms",
    "msecs": "ms",
    "millisecond": "ms",
    "milliseconds": "ms",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "min": "min",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "d": "d",
    "day": "d",
    "days": "d",
    "w": "w",
    "wk": "w",
    "wks": "w",
    "week": "w",
    "weeks": "w",
}
_MULTIPLIERS: Final[dict[str, int]] = {
    "k": 1_000,
    "K": 1_000,
    "M": 1_000_000,
    "mn": 1_000_000,
    "B": 1_000_000_000,
    "bn": 1_000_000_000,
}

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_SPACED_UNITS = (
    r"%|(?i:milliseconds?|msecs?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?"
    r"|ms|s|h|d|w)"
)
_TIGHT_UNITS = r"x|×|ms|s|m|h|d|w"
_GLUED = r"[A-Za-z0-9]|[-–][A-Za-z0-9]"  # a unit must not run on into a word: "1 Week-1"

#: One quantity: sign, currency, digits or a placeholder, multiplier, ``+``, unit, ``+``.
QUANTITY: Final = re.compile(
    rf"""
    (?P<sign>[-−]?)
    (?P<currency>[$€£]?)
    (?P<sign2>[-−]?)
    (?:(?P<number>{_NUMBER})|(?P<placeholder>{PLACEHOLDER_OPEN}[^{PLACEHOLDER_CLOSE}]*{PLACEHOLDER_CLOSE}))
    (?:(?P<multiplier>bn|mn|[kKMB])(?![A-Za-z]))?
    (?:/(?P<scale>100|10|5)(?![\d.,/:])|\s+out\s+of\s+(?P<scale2>100|10|5)(?![\d.,]))?
    (?P<plus>\+?)
    (?:\s?(?P<percent>%)|\s?(?P<unit>{_SPACED_UNITS})(?!{_GLUED})|(?P<tight>{_TIGHT_UNITS})(?!{_GLUED}))?
    (?P<plus2>\+?)
    """,
    re.VERBOSE,
)


@dataclasses.dataclass(frozen=True)
class Quantity:
    """A number as written: its value in ``unit`` (None for a placeholder).

    ``unit`` is canonical, or ``"m"`` when the text said ``30m`` (minutes or millions:
    see :meth:`resolve_m`).
    """

    value: Decimal | None
    unit: str
    text: str
    at_least: bool = False  # written with a trailing "+": "85%+", "10k+"
    placeholder: str = ""  # "N3" for "[N3]"

    def resolve_m(self, *, minutes: bool) -> Quantity:
        """``30m`` as 30 minutes or as 30 million (a plain number)."""
        if self.unit != "m":
            return self
        if minutes:
            return dataclasses.replace(self, unit="min")
        value = None if self.value is None else self.value * 1_000_000
        return dataclasses.replace(self, value=value, unit="")

    def in_unit(self, unit: str) -> Fraction | None:
        """The value, exactly, converted into time ``unit`` (as it is for any other unit)."""
        if self.value is None:
            return None
        return convert(Fraction(self.value), self.unit, unit)


def convert(value: Fraction, unit: str, into: str) -> Fraction:
    """``value`` in time ``unit`` as a value in time ``into``, exactly; other units as given."""
    if unit == into or unit not in TIME_UNITS or into not in TIME_UNITS:
        return value
    return value * TIME_UNITS[unit] / TIME_UNITS[into]


#: A time written in parts, each in a smaller unit: "2h 30m", "1 hour 30 minutes".
_PART = rf"(?:{_NUMBER})\s?(?:{_SPACED_UNITS[2:]}|{_TIGHT_UNITS})(?![A-Za-z])"
COMPOUND_TIME: Final = re.compile(rf"{_PART}(?:\s*(?:and\s+)?{_PART})+")


def compound_time(text: str) -> Quantity | None:
    """``2h 30m`` as one quantity (150 min); None unless ``text`` is a time in parts."""
    parts = [quantity_from_match(m) for m in QUANTITY.finditer(text)]
    if len(parts) < 2 or not COMPOUND_TIME.fullmatch(text.strip()):
        return None
    units = ["min" if p.unit == "m" else p.unit for p in parts]
    lengths = [TIME_UNITS.get(unit, 0) for unit in units]
    if 0 in lengths or any(a <= b for a, b in itertools.pairwise(lengths)):
        return None
    smallest = units[-1]
    total = sum(
        (
            convert(Fraction(p.value or 0), unit, smallest)
            for p, unit in zip(parts, units, strict=True)
        ),
        Fraction(0),
    )
    value = Decimal(total.numerator) / Decimal(total.denominator)
    return Quantity(value, smallest, text.strip())


def canonical_unit(unit: str) -> str:
    """The canonical spelling of ``unit`` (``"hours"`` -> ``"h"``); unknown units as given."""
    stripped = unit.strip()
    return _ALIASES.get(stripped.lower(), stripped)


def quantity_from_match(match: re.Match[str]) -> Quantity:
    """The :class:`Quantity` a :data:`QUANTITY` match stands for."""
    negative = bool(match["sign"] or match["sign2"])
    currency = match["currency"]
    multiplier = match["multiplier"]
    unit_text = match["percent"] or match["unit"] or match["tight"] or ""
    if unit_text == "m" and (currency or multiplier):
        unit_text, multiplier = "", multiplier or "M"  # "$2m": money is never in minutes
    unit = currency or ("m" if unit_text == "m" else canonical_unit(unit_text))
    scale = match["scale"] or match["scale2"]
    if scale and not currency and not unit_text:
        unit = f"/{scale}"
    at_least = bool(match["plus"] or match["plus2"])
    if match["placeholder"]:
        label = match["placeholder"][1:-1]
        return Quantity(None, unit, match.group(0), at_least=at_least, placeholder=label)
    value = Decimal(match["number"].replace(",", ""))
    if multiplier:
        value *= _MULTIPLIERS[multiplier]
    if negative:
        value = -value
    return Quantity(value, unit, match.group(0), at_least=at_least)


def read_quantity(text: str, target: str = "") -> Quantity:
    """The one quantity ``text`` is (a number, or a time in parts), for a key result in
    ``target`` (whose own unknown unit may follow the number); raises ValueError."""
    body = " ".join(text.split())
    if target and target not in _ALIASES.values() and target not in CURRENCIES:
        low, name = body.lower(), target.lower()
        if low.endswith(name) and len(body) > len(name) and not target.startswith("/"):
            body = body[: -len(name)].rstrip()
    compound = compound_time(body) if body else None
    if compound is not None:
        return compound
    match = QUANTITY.fullmatch(body)
    if not body or match is None or match["placeholder"]:
        raise ValueError(f"not a number: {text.strip()!r} (write e.g. 1,200, 1.5k, 35%, $2M, 4h)")
    return quantity_from_match(match)


def parse_exact(text: str, unit: str = "") -> Fraction:
    """The number ``text`` states, exactly, in ``unit`` (see :func:`parse_value`)."""
    target = canonical_unit(unit)
    quantity = read_quantity(text, target)
    if quantity.unit == "m":
        if target and target not in TIME_UNITS and target not in CURRENCIES:
            raise ValueError(
                f"{text.strip()!r} is ambiguous: write 'min' for minutes or 'M' for millions"
            )
        quantity = quantity.resolve_m(minutes=target in TIME_UNITS)
    both_times = quantity.unit in TIME_UNITS and target in TIME_UNITS
    if quantity.unit and target and quantity.unit != target and not both_times:
        if quantity.unit.startswith("/") and target.startswith("/"):
            raise ValueError(
                f"{text.strip()!r} is out of {quantity.unit[1:]}, but the key result is a "
                f"rating out of {target[1:]}"
            )
        raise ValueError(
            f"{text.strip()!r} is in {quantity.unit}, but the key result is measured in {target}"
        )
    value = quantity.in_unit(target)
    try:
        finite = value is not None and math.isfinite(float(value))
    except OverflowError:
        finite = False
    if value is None or not finite:
        raise ValueError(f"{text.strip()[:24]!r} is too large a number")
    return value


def parse_value(text: str, unit: str = "") -> float:
    """The number ``text`` states, in ``unit`` (a key result's unit; ``""`` for none).

    ``"1,200"`` -> 1200, ``"1.5k"`` -> 1500, ``"35%"`` -> 35, ``"$2M"`` -> 2000000,
    ``parse_value("2 days", "h")`` -> 48, ``parse_value("1h 30m", "min")`` -> 90,
    ``parse_value("4.4/5", "/5")`` -> 4.4. The key result's own unit may follow the
    number even when okrflow does not know it (``"12 pts"`` with unit ``"pts"``). Raises
    ValueError with the reason when ``text`` is not a number or is in a unit that does
    not convert into ``unit``.
    """
    return float(parse_exact(text, unit))


def _digits(value: float) -> str:
    """Positional digits with thousands separators: shortest form that reads back exactly."""
    text = format(Decimal(repr(value + 0.0)), "f")  # + 0.0 turns -0.0 into 0.0
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    fraction = fraction.rstrip("0")
    return f"{sign}{int(whole):,}" + (f".{fraction}" if fraction else "")


def format_value(value: float, unit: str = "") -> str:
    """``value`` written with ``unit``, so that :func:`parse_value` reads it back exactly.

    Currencies go before the number (``$1,200``, ``-$5``), ``%``, ``x`` and time units
    right after it (``35%``, ``3x``, ``4h``, ``45min``, ``4.5/5``), other units after a space
    (``12 pts``).
    """
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    digits = _digits(value)
    canon = canonical_unit(unit)
    if canon in CURRENCIES:
        sign = "-" if digits.startswith("-") else ""
        return f"{sign}{canon}{digits.lstrip('-')}"
    if canon in ("%", "x") or canon in TIME_UNITS or canon.startswith("/"):
        return f"{digits}{canon}"
    return f"{digits} {canon}" if canon else digits

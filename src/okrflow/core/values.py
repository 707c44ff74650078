"""Numbers as people write them in key results and check-ins.

Rules:

- Digits, with optional thousands separators and decimals: ``1,200``, ``1200.5``, ``.5``;
  a leading ``-`` for a negative value (``-$5`` or ``$-5`` for money).
- A multiplier straight after the digits: ``k``/``K`` thousand, ``M``/``mn`` million,
  ``B``/``bn`` billion: ``1.5k`` is 1,500 and ``$2M`` is 2,000,000.
- A unit, stored in one canonical spelling: ``%``; ``x`` for a multiple (``3x``); a
  currency symbol before the number (``$``, ``€``, ``£``); time: ``ms``; ``s``/``sec``/
  ``seconds``; ``min``/``minutes``; ``h``/``hr``/``hours``; ``d``/``days``; ``w``/``wk``/
  ``weeks``. Time words may stand after a space (``2 days``), the short forms may not.
- A lone ``m`` (``30m``) is minutes when the key result is measured in time, millions with
  money or when the key result has no unit, and otherwise ambiguous. In a statement it
  takes its meaning from the other number (``from 1h to 30m``, ``from $1.5M to $2m``) and
  is ambiguous alone.
- Values are stored in the unit: ``35%`` is 35 with unit ``%``, ``4h`` is 4 with unit
  ``h``. A time is converted into the key result's time unit: ``2 days`` on a key result
  in ``h`` is 48, ``90min`` is 1.5.
- In a sentence (:func:`find_quantities`), numbers that are part of a name are not
  measures: glued to a word or joined by a hyphen (``SOC2``, ``Type1``, ``Q3``, ``FY22``,
  ``V2``, ``P1``, ``Week-1``, ``Top-5``, ``10k+-user``, ``30-day``, ``2nd``, ``24/7``),
  after a naming word (``Type 1``, ``stage 4``, ``phase 2``, ``version 3``, ``top 10``,
  ``June 30``), a year after ``in``, ``by``, ``of``, ``the`` ..., and ``101`` after a word
  (``interviewing 101``). A time after ``within``, ``in``, ``per``, ``every``, ``after``,
  ``over``, ``for`` or ``during`` is a qualifier (``within 8 days``, ``in the first 30
  days``, ``in less than 1 week``), and so is any number after ``per`` or ``every``.
- Arithmetic is decimal, so ``1.1k`` is exactly 1100, and :func:`format_value` writes the
  shortest digits that read back as the same number (``1,200``, ``35%``, ``$2,000,000``,
  ``4h``, ``0.5``), never in scientific notation.
"""

from __future__ import annotations

import dataclasses
import math
import re
from decimal import Decimal
from typing import Final

__all__ = [
    "CURRENCIES",
    "QUANTITY",
    "TIME_UNITS",
    "Found",
    "Quantity",
    "canonical_unit",
    "find_quantities",
    "format_value",
    "parse_value",
    "quantity_from_match",
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
    r"%|(?i:milliseconds?|msecs?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?)"
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
    (?P<plus>\+?)
    (?:\s?(?P<unit>{_SPACED_UNITS})(?!{_GLUED})|(?P<tight>{_TIGHT_UNITS})(?!{_GLUED}))?
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

    def in_unit(self, unit: str) -> Decimal | None:
        """The value converted into time ``unit`` (the same value for any other unit)."""
        if self.value is None or self.unit == unit or self.unit not in TIME_UNITS:
            return self.value
        return self.value * TIME_UNITS[self.unit] / TIME_UNITS[unit]


_NAME_WORD: Final = re.compile(
    r"""\b(?:type|stage|phase|tier|level|version|step|round|week|day|month|quarter|year
    |q|fy|cy|h|p|sev|severity|top|series|gen|generation|iteration|sprint|wave
    |part|chapter|rank|no|cohort|category|iso|soc|pci|section|article|pillar|objective
    |kr|okr
    |jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august
    |sep|sept|september|oct|october|nov|november|dec|december)\.?[\s#-]*$""",
    re.IGNORECASE | re.VERBOSE,
)
_MONTH_AFTER: Final = re.compile(
    r"\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)
_YEAR_BEFORE: Final = re.compile(
    r"\b(?:in|by|of|since|until|till|before|after|during|end|early|late|mid|the|for|q[1-4]"
    r"|h[12])[\s-]*$",
    re.IGNORECASE,
)
_QUALIFIER: Final = re.compile(
    r"\b(?:within|in|per|every|each|after|over|for|during)\s+"
    r"(?:(?:the|first|last|next|past|less|than|under|about|around|approximately|~)\s+)*$",
    re.IGNORECASE,
)
_PER: Final = re.compile(r"\b(?:per|every)\s+$", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Found:
    """A number found in a sentence, where it stands, and what it is there."""

    quantity: Quantity
    start: int
    end: int
    role: str  # "measure" | "name" | "qualifier" | "range"


def _role(s: str, match: re.Match[str], quantity: Quantity) -> str:
    """Whether a number is the ``measure``, part of a ``name``, a ``qualifier`` or a ``range``."""
    before, after = s[: match.start()], s[match.end() :]
    if before and (before[-1].isalnum() or before[-1] in "_#"):
        return "name"  # SOC2, Q3, #1
    if re.search(r"[A-Za-z0-9][-/.:]$", before):
        return "name"  # Week-1, Top-5, 24/7, v1.2
    if re.match(r"[A-Za-z0-9_]|[-–][A-Za-z]|[/.:,]\d", after):
        return "name"  # 2nd, 30-day, 10k+-user, 1/2, 9:30
    if re.match(r"[-–—]\d", after):
        return "range"  # 3-5
    if _NAME_WORD.search(before) or _MONTH_AFTER.match(after):
        return "name"  # Type 1, stage 4, June 30, 30 June
    plain = match["number"] or ""
    year = re.fullmatch(r"(?:19|20)\d\d", plain) and not (quantity.unit or quantity.at_least)
    if year and _YEAR_BEFORE.search(before):
        return "name"  # by 2024, the 2025 plan
    if plain == "101" and re.search(r"[A-Za-z]\s$", before):
        return "name"  # interviewing 101
    timed = quantity.unit in TIME_UNITS or quantity.unit == "m"
    if _PER.search(before) or (timed and _QUALIFIER.search(before)):
        return "qualifier"  # within 8 days, in the first 30 days, per 1,000 users
    return "measure"


def find_quantities(sentence: str) -> list[Found]:
    """Every number in ``sentence`` with its role: ``measure``, ``name``, ``qualifier`` or
    ``range`` (the first of ``3-5``)."""
    found = []
    for match in QUANTITY.finditer(sentence):
        quantity = quantity_from_match(match)
        found.append(Found(quantity, match.start(), match.end(), _role(sentence, match, quantity)))
    return found


def canonical_unit(unit: str) -> str:
    """The canonical spelling of ``unit`` (``"hours"`` -> ``"h"``); unknown units as given."""
    stripped = unit.strip()
    return _ALIASES.get(stripped.lower(), stripped)


def quantity_from_match(match: re.Match[str]) -> Quantity:
    """The :class:`Quantity` a :data:`QUANTITY` match stands for."""
    negative = bool(match["sign"] or match["sign2"])
    currency = match["currency"]
    multiplier = match["multiplier"]
    unit_text = match["unit"] or match["tight"] or ""
    if unit_text == "m" and (currency or multiplier):
        unit_text, multiplier = "", multiplier or "M"  # "$2m": money is never in minutes
    unit = currency or ("m" if unit_text == "m" else canonical_unit(unit_text))
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


def parse_value(text: str, unit: str = "") -> float:
    """The number ``text`` states, in ``unit`` (a key result's unit; ``""`` for none).

    ``"1,200"`` -> 1200, ``"1.5k"`` -> 1500, ``"35%"`` -> 35, ``"$2M"`` -> 2000000,
    ``parse_value("2 days", "h")`` -> 48. The key result's own unit may follow the number
    even when okrflow does not know it (``"12 pts"`` with unit ``"pts"``). Raises
    ValueError with the reason when ``text`` is not a number or is in another unit.
    """
    target = canonical_unit(unit)
    body = " ".join(text.split())
    if target and target not in _ALIASES.values() and target not in CURRENCIES:
        low, name = body.lower(), target.lower()
        if low.endswith(name) and len(body) > len(name):
            body = body[: -len(name)].rstrip()
    match = QUANTITY.fullmatch(body)
    if not body or match is None or match["placeholder"]:
        raise ValueError(f"not a number: {text.strip()!r} (write e.g. 1,200, 1.5k, 35%, $2M, 4h)")
    quantity = quantity_from_match(match)
    if quantity.unit == "m":
        if target and target not in TIME_UNITS and target not in CURRENCIES:
            raise ValueError(
                f"{text.strip()!r} is ambiguous: write 'min' for minutes or 'M' for millions"
            )
        quantity = quantity.resolve_m(minutes=target in TIME_UNITS)
    both_times = quantity.unit in TIME_UNITS and target in TIME_UNITS
    if quantity.unit and target and quantity.unit != target and not both_times:
        raise ValueError(
            f"{text.strip()!r} is in {quantity.unit}, but the key result is measured in {target}"
        )
    value = quantity.in_unit(target) if target in TIME_UNITS else quantity.value
    number = float(value) if value is not None else math.nan
    if not math.isfinite(number):
        raise ValueError(f"{text.strip()[:24]!r} is too large a number")
    return number


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
    right after it (``35%``, ``3x``, ``4h``, ``45min``), other units after a space
    (``12 pts``).
    """
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    digits = _digits(value)
    canon = canonical_unit(unit)
    if canon in CURRENCIES:
        sign = "-" if digits.startswith("-") else ""
        return f"{sign}{canon}{digits.lstrip('-')}"
    if canon in ("%", "x") or canon in TIME_UNITS:
        return f"{digits}{canon}"
    return f"{digits} {canon}" if canon else digits

"""Numbers in a sentence, and what each one is there: the measure, part of a name, a
qualifier of the measure, or the first half of a range.

The rules are those of :mod:`okrflow.core.values` (numbers that are part of a name,
qualifying times); in addition a time written in parts (``2h 30m``) is one number here.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final

from okrflow.core.measures import is_plural, noun_phrase
from okrflow.core.values import QUANTITY, TIME_UNITS, Quantity, compound_time, quantity_from_match

__all__ = ["Found", "find_quantities"]

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


_SPAN_AFTER: Final = re.compile(r"\s+(?:months?|quarters?|years?|sprints?)\b", re.IGNORECASE)
_WITH_ALL: Final = re.compile(
    r"\bwith\s+(?:all|every|each|any)\b[^,;]*?\b(?:over|above|under|below|more\s+than"
    r"|less\s+than|at\s+least|with)\s*$",
    re.IGNORECASE,
)


@dataclasses.dataclass(frozen=True)
class Found:
    """A number found in a sentence, where it stands, and what it is there."""

    quantity: Quantity
    start: int
    end: int
    role: str  # "measure" | "name" | "qualifier" | "range"


def _role(s: str, start: int, end: int, quantity: Quantity, plain: str) -> str:
    """Whether a number is the ``measure``, part of a ``name``, a ``qualifier`` or a ``range``."""
    before, after = s[:start], s[end:]
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
    year = re.fullmatch(r"(?:19|20)\d\d", plain) and not (quantity.unit or quantity.at_least)
    if year and _YEAR_BEFORE.search(before):
        return "name"  # by 2024, the 2025 plan
    if plain == "101" and re.search(r"[A-Za-z]\s$", before):
        return "name"  # interviewing 101
    rating = quantity.unit.startswith("/") and quantity.value is not None
    if rating and quantity.value is not None and quantity.value > int(quantity.unit[1:]):
        return "name"  # not a rating: more than its scale
    if not quantity.unit and quantity.value is not None and quantity.value != 1:
        words, period, _ = noun_phrase(s, end)
        if len(words) >= 2 and not period and not is_plural(words[-1]):
            return "name"  # 10k+ user POC: the POC is not counted
    timed = quantity.unit in TIME_UNITS or quantity.unit == "m"
    spanned = not quantity.unit and _SPAN_AFTER.match(after)
    if _PER.search(before) or ((timed or spanned) and _QUALIFIER.search(before)):
        return "qualifier"  # within 8 days, in 2 quarters, per 1,000 users
    if _WITH_ALL.search(before):
        return "qualifier"  # with all accounts over $1m
    return "measure"


def find_quantities(sentence: str) -> list[Found]:
    """Every number in ``sentence`` with its role: ``measure``, ``name``, ``qualifier`` or
    ``range`` (the first of ``3-5``). A time in parts (``2h 30m``) is one number."""
    matches = list(QUANTITY.finditer(sentence))
    found: list[Found] = []
    i = 0
    while i < len(matches):
        match, quantity = matches[i], quantity_from_match(matches[i])
        start, end, plain = match.start(), match.end(), match["number"] or ""
        j = i + 1
        while j < len(matches):
            joined = compound_time(sentence[start : matches[j].end()])
            if joined is None:
                break
            quantity, end, plain, j = joined, matches[j].end(), "", j + 1
        found.append(Found(quantity, start, end, _role(sentence, start, end, quantity, plain)))
        i = j
    return found

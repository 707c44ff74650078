"""Due dates in key-result statements, and the calendar date each one means in a quarter.

Rules:

- A due date is one of: an ISO date (``2025-06-30``); a month and day (``June 30``,
  ``30 June``, ``June 30th, 2025``); part of a month (``early June``, ``mid-June``,
  ``late June``, ``end of June``); a month (``in June``); the end of the quarter (``end
  of the quarter``, ``end of Q2``, ``EOQ``, ``quarter end``); a quarter (``by Q3``); the
  end of a year (``end of year``, ``end of 2025``, ``EOY``). It follows ``by``,
  ``before``, ``until``, ``no later than`` or ``due``; ``in`` (not before an ISO date);
  ``on`` (a day only: ``on June 30``, not ``on Q2 renewals``); ``at`` (an end only: ``at
  the end of the quarter``).
- :func:`find_due` takes it out of the sentence (its numbers are not measures) and keeps
  it as said, without the leading word: ``"June 30"``, ``"mid-June"``, ``"end of Q2"``.
  Two different dates in one statement are refused: keep one.
- :func:`resolve_due` turns it into a date once the quarter is known (its first and last
  day, and its name for ``Q2``): a month and day fall in the quarter's span; ``early``
  is the 10th, ``mid`` the 15th, ``late``, ``end of`` and a month alone the last day;
  ``end of Q<n>`` and ``Q<n>`` are the quarter's last day when the quarter is Q<n>;
  ``end of <year>`` is 31 December of that year. Anything else, or a date outside the
  quarter, resolves to None and pace uses the quarter's end: "end of year" (calendar or
  fiscal?), "end of the month" (which month?), "end of Q3" in Q2.
- :func:`pace_elapsed` is the share of the time from the quarter's start to the due date
  that has passed, exactly (pace compares progress with it instead of the quarter's).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from fractions import Fraction
from typing import Final

from okrflow.core.arithmetic import ONE, ZERO, clamp

__all__ = ["QuarterDates", "find_due", "pace_elapsed", "resolve_due"]

_MONTHS: Final = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH: Final = rf"(?:{_MONTHS})\.?"
_DAY: Final = r"\d{1,2}(?:st|nd|rd|th)?"
_FY: Final = r"(?:\s*(?:FY|CY)\s*'?\d{2,4}(?:[-/]\d{2,4})?)?"
_ISO: Final = r"\d{4}-\d{2}-\d{2}(?![\d-])"
_END: Final = rf"""(?:the\s+)?end\s+of\s+(?:the\s+)?(?:fiscal\s+|calendar\s+)?
    (?:quarter|q[1-4]{_FY}|year|month|(?:FY|CY)\s*'?\d{{2,4}}|h[12]|\d{{4}}|{_MONTH})\b
    |eo[qym]\b|(?:quarter|year|month)[- ]end\b"""
_PART: Final = rf"(?:early|mid|late)[- ]?{_MONTH}\b"
_MONTH_DAY: Final = rf"{_MONTH}\s+{_DAY}\b(?:,?\s+\d{{4}})?|{_DAY}\s+{_MONTH}\b(?:,?\s+\d{{4}})?"
_MONTH_ALONE: Final = rf"{_MONTH}\b(?:\s+\d{{4}})?"
_QUARTER: Final = rf"q[1-4]\b{_FY}"
_DUE: Final = re.compile(
    rf"""(?:^|(?<=\s)|(?<=,))(?:
    (?:by|before|until|till|no\s+later\s+than|due(?:\s+by)?)\s+
        (?P<by>{_ISO}|{_END}|{_PART}|{_MONTH_DAY}|{_MONTH_ALONE}|{_QUARTER})
    |in\s+(?P<in>{_END}|{_PART}|{_MONTH_DAY}|{_MONTH_ALONE}|{_QUARTER})
    |on\s+(?P<on>{_ISO}|{_MONTH_DAY})
    |at\s+(?P<at>{_END}))""",
    re.IGNORECASE | re.VERBOSE,
)


def _when(match: re.Match[str]) -> str:
    said = next(text for text in match.group("by", "in", "on", "at") if text)
    return re.sub(r"^the\s+", "", " ".join(said.split()), flags=re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class QuarterDates:
    """The quarter a due date is read in, and the day it is evaluated on."""

    start: dt.date
    end: dt.date
    today: dt.date
    name: str | None = None  # "FY22-Q2": says which quarter "Q2" is


def find_due(sentence: str) -> tuple[str, str]:
    """``(due, rest)``: the due date as said (``""`` for none) and the sentence without it.

    Raises ValueError when the sentence names two different dates.
    """
    found = list(_DUE.finditer(sentence))
    said = {_when(m).lower() for m in found}
    if len(said) > 1:
        shown = ", ".join(_when(m) for m in found)
        raise ValueError(f"two dates ({shown}): keep the one the key result is due by")
    if not found:
        return "", sentence
    rest = _DUE.sub(" ", sentence)
    rest = re.sub(r"\s+([,;.])", r"\1", " ".join(rest.split())).strip(" ,;")
    return _when(found[0]), rest


def _month(text: str) -> int:
    return next(i for i in range(1, 13) if text[:3].lower() == calendar.month_abbr[i].lower())


def _in_span(month: int, day: int | None, start: dt.date, end: dt.date) -> dt.date | None:
    """The date with ``month`` and ``day`` (None: the month's last day) in start..end."""
    for year in range(start.year, end.year + 1):
        last = calendar.monthrange(year, month)[1]
        if day is not None and day > last:
            continue
        date = dt.date(year, month, last if day is None else day)
        if start <= date <= end:
            return date
    return None


def resolve_due(
    due: str, start: dt.date, end: dt.date, quarter: str | None = None
) -> dt.date | None:
    """The date ``due`` means in the quarter ``start``..``end`` (see the module rules)."""
    text = " ".join(due.lower().split()).removeprefix("the ")
    quarter_number = re.search(r"q([1-4])\b", quarter or "", re.IGNORECASE)
    date: dt.date | None = None
    if iso := re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            date = dt.date.fromisoformat(iso.group(0))
        except ValueError:
            return None
    elif re.fullmatch(r"end of (?:the )?quarter|eoq|quarter[- ]end", text):
        return end
    elif named := re.fullmatch(rf"(?:end of (?:the )?)?q([1-4]){_FY}", text, re.IGNORECASE):
        same = quarter_number is not None and quarter_number.group(1) == named.group(1)
        return end if same else None
    elif year := re.fullmatch(r"end of (\d{4})", text):
        date = dt.date(max(int(year.group(1)), 1), 12, 31)  # year 0 is no date
    elif part := re.fullmatch(rf"(early|mid|late|end of)[- ]?({_MONTH})", text):
        day = {"early": 10, "mid": 15}.get(part.group(1))
        return _in_span(_month(part.group(2)), day, start, end)
    elif md := re.fullmatch(
        rf"(?:({_MONTH}) (\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH}))"
        r"(?:,? (\d{4}))?",
        text,
    ):
        month = _month(md.group(1) or md.group(4))
        day = int(md.group(2) or md.group(3))
        if md.group(5) is None:
            return _in_span(month, day, start, end)
        try:
            date = dt.date(int(md.group(5)), month, day)
        except ValueError:
            return None
    elif alone := re.fullmatch(rf"({_MONTH})(?: (\d{{4}}))?", text):
        month = _month(alone.group(1))
        if alone.group(2) is None:
            return _in_span(month, None, start, end)
        given = max(int(alone.group(2)), 1)
        date = dt.date(given, month, calendar.monthrange(given, month)[1])
    if date is None or not start <= date <= end:
        return None
    return date


def pace_elapsed(start: dt.date, due: dt.date, today: dt.date) -> Fraction:
    """The share of ``start``..``due`` gone by ``today``, 0..1 (1 once ``due`` is reached)."""
    total = (due - start).days
    if total <= 0:
        return ONE if today >= due else ZERO
    return clamp(Fraction((today - start).days, total))

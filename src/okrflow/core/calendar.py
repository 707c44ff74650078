"""The fiscal calendar: quarters, their dates and labels, and the OKR schedule.

Rules:

- A fiscal year starts on the first day of ``first_month`` (1 = January) and has four
  quarters of three calendar months each; the quarters tile the year with no gaps.
- ``naming="end"`` (the default) names a fiscal year after the calendar year it ends in,
  ``naming="start"`` after the year it starts in. With ``first_month=2`` and ``"end"``,
  FY22 runs from 2021-02-01 to 2022-01-31, so FY22-Q2 is 2021-05-01..2021-07-31 and
  FY22-Q4 is 2021-11-01..2022-01-31. With ``first_month=1`` FY24 is calendar 2024 either way.
- Labels are written with ``label_format`` (default ``FY{yy}-Q{q}``, e.g. ``FY24-Q1``;
  placeholders ``{yyyy}``, ``{yy}`` and ``{q}``). Reading accepts that format and the
  common spellings ``FY24-Q1``, ``FY24Q1``, ``fy24 q1``, ``FY2024-Q1``, ``Q1 FY24``, in
  any case; a two-digit year is in the 2000s.
- The fiscal year itself is a period too (annual objectives, seed 002's "Big Rocks"):
  its label is written with ``annual_label_format`` (default ``FY{yy}``, e.g. ``FY27``;
  placeholders ``{yyyy}`` and ``{yy}``, never ``{q}``). Reading accepts that format and
  ``FY27``, ``FY2027``, in any case. A year format one of whose labels reads as a
  quarter label, or the other way round, is refused: a label names one period.
- ``end`` is the last day of a quarter (inclusive); ``elapsed`` is the fraction of the
  quarter's days before ``today``: 0.0 on its first day, 1.0 from the day after its end.
- The OKR schedule (:data:`DEFAULT_SCHEDULE`) counts back from the start of the quarter
  being planned: drafting 4 weeks out, review 2 weeks out, the closing ceremony of the
  ending quarter 1 week out, activation on day 0. Check-ins are weekly on ``weekday``
  (0 = Monday) within the quarter.
- okrflow works with the days :data:`FIRST_DAY` to :data:`LAST_DAY` (its clock, a
  ``--date``, a quarter asked for, a time in issue text): far enough inside what a date
  can hold (years 1 to 9999) that the quarter of any of them, the next one, its
  schedule and a query window around it can always be computed. :func:`out_of_range`
  says why a day is outside.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import string
from collections.abc import Sequence
from typing import Final, Literal

__all__ = [
    "DEFAULT_SCHEDULE",
    "FIRST_DAY",
    "LAST_DAY",
    "QUARTER_WORDS",
    "FiscalCalendar",
    "Quarter",
    "ScheduleStep",
    "out_of_range",
]

_FIELDS: Final = {"yyyy", "yy", "q"}
_YEAR_FIELDS: Final = {"yyyy", "yy"}
FIRST_DAY: Final = dt.date(1900, 1, 1)
LAST_DAY: Final = dt.date(2999, 12, 31)
#: what a quarter may be asked for by besides a label: the quarter today falls in, the one
#: after, the one before
QUARTER_WORDS: Final = ("current", "next", "previous")


def out_of_range(day: dt.date | dt.datetime) -> str | None:
    """None for a day okrflow works with; else what to say about it."""
    if FIRST_DAY <= (day.date() if isinstance(day, dt.datetime) else day) <= LAST_DAY:
        return None
    return f"is outside the days okrflow works with ({FIRST_DAY} to {LAST_DAY})"


@dataclasses.dataclass(frozen=True, order=True)
class Quarter:
    """One fiscal quarter: ``Quarter(2024, 1)`` is FY24-Q1. Ordered by time."""

    fiscal_year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"a quarter is numbered 1 to 4, not {self.number}")
        if not 1 <= self.fiscal_year <= 9999:
            raise ValueError(f"fiscal year out of range: {self.fiscal_year}")

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.fiscal_year + 1, 1)
        return Quarter(self.fiscal_year, self.number + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.fiscal_year - 1, 4)
        return Quarter(self.fiscal_year, self.number - 1)


@dataclasses.dataclass(frozen=True)
class ScheduleStep:
    """A step of the OKR schedule, ``weeks_before`` the start of the quarter it plans."""

    name: str
    weeks_before: int
    description: str = ""


#: The schedule of the CSM OKR page: 4, 2, 1 and 0 weeks before the quarter starts.
DEFAULT_SCHEDULE: Final[tuple[ScheduleStep, ...]] = (
    ScheduleStep(
        "drafting",
        4,
        "Leadership shares top goals, drafts next quarter's OKRs and agrees DRIs; "
        "current OKR status is reviewed",
    ),
    ScheduleStep(
        "review",
        2,
        "Draft review meeting; OKRs are put into GitLab and polished with the teams",
    ),
    ScheduleStep("closing", 1, "Closing ceremony and playback of the ending quarter's OKRs"),
    ScheduleStep("activate", 0, "Approved OKRs become active"),
)

_COMMON: Final = (
    re.compile(r"FY\s*[-_ ]?\s*(?P<year>\d{4}|\d{2})\s*[-_ /.]?\s*Q\s*(?P<q>\d)", re.I),
    re.compile(r"Q\s*(?P<q>\d)\s*[-_ /.]?\s*FY\s*[-_ ]?\s*(?P<year>\d{4}|\d{2})", re.I),
)
_COMMON_YEAR: Final = re.compile(r"FY\s*[-_ ]?\s*(?P<year>\d{4}|\d{2})", re.I)


def _fields_of(fmt: str, what: str) -> set[str]:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(fmt) if f}
    except ValueError as error:
        raise ValueError(f"{what} {fmt!r}: {error}") from None


def _pattern(fmt: str) -> re.Pattern[str]:
    """A format's labels as a regex (spaces loose, any case)."""
    pattern = ""
    seen: set[str] = set()
    for literal, field, _, _ in string.Formatter().parse(fmt):
        for part in re.split(r"(\s+)", literal):
            pattern += r"\s*" if part.isspace() else re.escape(part)
        if field in seen:  # a placeholder written twice says the same digits twice
            pattern += f"(?P={field})"
        elif field == "q":
            pattern += r"(?P<q>\d)"
        elif field:
            pattern += rf"(?P<{field}>\d{{{4 if field == 'yyyy' else 2}}})"
        if field:
            seen.add(field)
    return re.compile(pattern, re.IGNORECASE)


def _year_of(text: str) -> int:
    return int(text) + (2000 if len(text) == 2 else 0)


@dataclasses.dataclass(frozen=True)
class FiscalCalendar:
    """Quarters of a fiscal year starting in ``first_month``; see the module rules."""

    first_month: int = 1
    naming: Literal["end", "start"] = "end"
    label_format: str = "FY{yy}-Q{q}"
    annual_label_format: str = "FY{yy}"

    def __post_init__(self) -> None:
        if (
            not isinstance(self.first_month, int)
            or isinstance(self.first_month, bool)
            or not 1 <= self.first_month <= 12
        ):
            raise ValueError(
                f"first_month must be a month number from 1 (January) to 12, "
                f"not {self.first_month!r}"
            )
        if self.naming not in ("end", "start"):
            raise ValueError(f"naming must be 'end' or 'start', not {self.naming!r}")
        fields = _fields_of(self.label_format, "label_format")
        unknown = fields - _FIELDS
        if unknown or "q" not in fields or not fields & {"yy", "yyyy"}:
            raise ValueError(
                f"label_format {self.label_format!r} must contain {{q}} and {{yy}} or "
                f"{{yyyy}}, and no other placeholder"
            )
        fields = _fields_of(self.annual_label_format, "annual_label_format")
        if fields - _YEAR_FIELDS or not fields:
            raise ValueError(
                f"annual_label_format {self.annual_label_format!r} must contain {{yy}} or "
                "{yyyy}, and no other placeholder"
            )
        confused = self.confused_labels()
        if confused:
            raise ValueError(
                f"annual_label_format {self.annual_label_format!r} could be confused with "
                f"the quarter labels: {confused}"
            )

    def confused_labels(self) -> str | None:
        """None when no year label reads as a quarter label and no quarter label as a
        year label; else the two labels that show it."""
        for year in (2024, 2099):
            annual = self.year_label(year)
            if self._read_quarter(annual) is not None:
                return f"{annual!r} reads as a quarter"
            for number in range(1, 5):
                label = self.label(Quarter(year, number))
                if self._read_year(label) is not None:
                    return f"the quarter label {label!r} reads as a year"
        return None

    # -- labels -------------------------------------------------------------------------

    def label(self, quarter: Quarter) -> str:
        """``quarter`` written in ``label_format``: ``FY24-Q1`` by default."""
        year = quarter.fiscal_year
        return self.label_format.format(
            yyyy=f"{year:04d}", yy=f"{year % 100:02d}", q=quarter.number
        )

    def year_label(self, fiscal_year: int) -> str:
        """The fiscal year written in ``annual_label_format``: ``FY27`` by default."""
        return self.annual_label_format.format(
            yyyy=f"{fiscal_year:04d}", yy=f"{fiscal_year % 100:02d}"
        )

    def _read_quarter(self, text: str) -> tuple[int, str] | None:
        """(quarter number, year digits) of a quarter label, None when it is none."""
        match = _pattern(self.label_format).fullmatch(text)
        if match:
            return int(match.group("q")), match.groupdict().get("yyyy") or match.group("yy")
        match = next((m for p in _COMMON if (m := p.fullmatch(text))), None)
        return (int(match.group("q")), match.group("year")) if match else None

    def _read_year(self, text: str) -> str | None:
        """The year digits of a year label, None when it is none."""
        match = _pattern(self.annual_label_format).fullmatch(text)
        if match:
            return match.groupdict().get("yyyy") or match.group("yy")
        match = _COMMON_YEAR.fullmatch(text)
        return match.group("year") if match else None

    def parse(self, label: str) -> Quarter:
        """The quarter ``label`` names; raises ValueError saying what is wrong."""
        read = self._read_quarter(label.strip())
        if read is None:
            example = self.label(Quarter(2024, 1))
            if self._read_year(label.strip()) is not None:
                raise ValueError(
                    f"not a quarter: {label!r} names a fiscal year (write it like {example})"
                )
            raise ValueError(f"not a quarter: {label!r} (write it like {example})")
        number, year_text = read
        if not 1 <= number <= 4:
            raise ValueError(f"not a quarter: {label!r} (quarters are Q1 to Q4)")
        year = _year_of(year_text)
        if year == 0:
            raise ValueError(f"not a quarter: {label!r} (fiscal year 0)")
        return Quarter(year, number)

    def parse_year(self, label: str) -> int:
        """The fiscal year ``label`` names (``FY27`` -> 2027); raises ValueError saying
        what is wrong."""
        year_text = self._read_year(label.strip())
        if year_text is None or _year_of(year_text) == 0:
            raise ValueError(
                f"not a fiscal year: {label!r} (write it like {self.year_label(2027)})"
            )
        return _year_of(year_text)

    def is_year_label(self, label: str) -> bool:
        """Whether ``label`` names a fiscal year (and not a quarter)."""
        return self._read_year(label.strip()) is not None

    def parse_asked(self, text: str) -> Quarter | None:
        """The quarter ``text`` names as okrflow is asked for one (``--quarter``, the
        config's ``quarter``): None for a word of :data:`QUARTER_WORDS` (today decides);
        raises ValueError saying what is wrong, for a label that is no quarter or one
        outside the years okrflow works with."""
        if text.strip().lower() in QUARTER_WORDS:
            return None
        try:
            quarter = self.parse(text)
        except ValueError as exc:
            raise ValueError(f"{exc}; or one of {', '.join(QUARTER_WORDS)}") from None
        years = range(FIRST_DAY.year + 1, LAST_DAY.year)  # its days, and the next quarter's
        if quarter.fiscal_year not in years:
            raise ValueError(
                f"okrflow works with the quarters of fiscal years {years.start} to {years.stop - 1}"
            )
        return quarter

    # -- dates --------------------------------------------------------------------------

    def _first_calendar_year(self, fiscal_year: int) -> int:
        """The calendar year in which ``fiscal_year`` starts."""
        shift = 1 if self.naming == "end" and self.first_month > 1 else 0
        return fiscal_year - shift

    def start(self, quarter: Quarter) -> dt.date:
        """The first day of ``quarter``."""
        months = self.first_month - 1 + 3 * (quarter.number - 1)
        year = self._first_calendar_year(quarter.fiscal_year) + months // 12
        return dt.date(year, months % 12 + 1, 1)

    def end(self, quarter: Quarter) -> dt.date:
        """The last day of ``quarter`` (inclusive)."""
        months = self.first_month - 1 + 3 * quarter.number
        year = self._first_calendar_year(quarter.fiscal_year) + months // 12
        return dt.date(year, months % 12 + 1, 1) - dt.timedelta(days=1)

    def quarter_of(self, day: dt.date) -> Quarter:
        """The quarter ``day`` falls in."""
        months = (day.month - self.first_month) % 12
        first_year = day.year if day.month >= self.first_month else day.year - 1
        shift = 1 if self.naming == "end" and self.first_month > 1 else 0
        return Quarter(first_year + shift, months // 3 + 1)

    def year_quarters(self, fiscal_year: int) -> tuple[Quarter, ...]:
        """The four quarters of ``fiscal_year``, in order."""
        return tuple(Quarter(fiscal_year, number) for number in range(1, 5))

    def year_start(self, fiscal_year: int) -> dt.date:
        """The first day of ``fiscal_year``."""
        return self.start(Quarter(fiscal_year, 1))

    def year_end(self, fiscal_year: int) -> dt.date:
        """The last day of ``fiscal_year`` (inclusive)."""
        return self.end(Quarter(fiscal_year, 4))

    def elapsed(self, quarter: Quarter, today: dt.date) -> float:
        """The fraction of ``quarter`` gone by ``today``: 0.0 on its first day, 1.0 after it."""
        first, last = self.start(quarter), self.end(quarter)
        days = (last - first).days + 1
        return min(max((today - first).days / days, 0.0), 1.0)

    # -- schedule -----------------------------------------------------------------------

    def schedule_dates(
        self, quarter: Quarter, steps: Sequence[ScheduleStep] = DEFAULT_SCHEDULE
    ) -> list[tuple[ScheduleStep, dt.date]]:
        """Each step with its date: the start of ``quarter`` minus ``weeks_before`` weeks."""
        first = self.start(quarter)
        return [(step, first - dt.timedelta(weeks=step.weeks_before)) for step in steps]

    def steps_on(
        self,
        day: dt.date,
        steps: Sequence[ScheduleStep] = DEFAULT_SCHEDULE,
        *,
        window_days: int = 1,
    ) -> list[tuple[Quarter, ScheduleStep, dt.date]]:
        """The steps due in the ``window_days`` days ending with ``day``, with the quarter
        each one plans and its date. ``window_days=7`` suits a weekly pipeline."""
        if window_days < 1:
            raise ValueError(f"window_days must be at least 1, not {window_days}")
        due = []
        for step in steps:
            for back in range(window_days):
                date = day - dt.timedelta(days=back)
                quarter = self.quarter_of(date + dt.timedelta(weeks=step.weeks_before))
                if self.start(quarter) - dt.timedelta(weeks=step.weeks_before) == date:
                    due.append((quarter, step, date))
        return sorted(due, key=lambda item: (item[2], item[0]))

    def checkin_weeks(self, quarter: Quarter, weekday: int = 0) -> list[dt.date]:
        """Every ``weekday`` (0 = Monday ... 6 = Sunday) from the start to the end of
        ``quarter``: the weekly check-in dates."""
        if not 0 <= weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday}")
        first = self.start(quarter)
        day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
        last = self.end(quarter)
        weeks = []
        while day <= last:
            weeks.append(day)
            day += dt.timedelta(weeks=1)
        return weeks

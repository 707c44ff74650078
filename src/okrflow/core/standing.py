"""KPIs as okrflow keeps them: standing measures, and how each one stood over a quarter.

A KPI has a healthy range (:class:`~okrflow.core.kpis.KpiRange`), an owner, check-ins or a
metric source, and no quarter end: it is not scored, it is watched. :func:`evaluate_kpi`
says where it stands on a day and how it stood from a first day up to that day (a
quarter, up to today or to its end), with these rules:

- **Check-ins counted**: those made (UTC date) on or before the day evaluated; later
  ones belong to a later report.
- **Current value**: the latest check-in counted. Health: *on track* in range, *at
  risk* out of range, *needs attention* while there is no value yet, or when the range
  could not be read.
- **Weekly trend**: the window cut into weeks of 7 days from its first day (the last
  one may be shorter); each week's value is the latest check-in made that week, or
  none (a week nobody checked in).
- **Time out of range**: of the days from the first day to the day evaluated, both
  included, those on which a value was in force (the latest check-in made by that day,
  even one from before the window), and of those the days on which it was out of range.

Everything is whole days and exact comparisons, so the same check-ins give the same
figures whenever they are computed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from fractions import Fraction

from okrflow.core.checkins import latest_checkin
from okrflow.core.kpis import KpiRange
from okrflow.core.model import (
    CheckIn,
    Direction,
    Health,
    IssueId,
    Metric,
    MetricKind,
    MetricSource,
)

__all__ = ["Kpi", "KpiResult", "KpiWeek", "checkin_day", "evaluate_kpi", "evaluate_kpis"]


def checkin_day(checkin: CheckIn) -> dt.date:
    """The UTC date a check-in was made on (a time without a zone is taken as UTC)."""
    at = checkin.at if checkin.at.tzinfo else checkin.at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).date()


@dataclasses.dataclass
class Kpi:
    """A standing measure: a healthy range to stay in, no target and no quarter end."""

    key: str
    title: str  # the measure as written ("Average first response under 4 hours")
    healthy: KpiRange | None  # None: the range could not be read (range_problem says why)
    owner: str | None = None
    team: str | None = None
    checkins: list[CheckIn] = dataclasses.field(default_factory=list)
    source: MetricSource = dataclasses.field(default_factory=MetricSource)
    iid: int | None = None
    closed: bool = False  # retired: its issue is closed
    range_problem: str | None = None
    project: str = ""  # the path of the issue's project (with iid: which issue it is)

    @property
    def issue_id(self) -> IssueId | None:
        return IssueId(self.project, self.iid) if self.iid is not None else None

    @property
    def metric(self) -> Metric | None:
        """The range as a metric, to read check-ins in its unit and unit word."""
        healthy = self.healthy
        if healthy is None:
            return None
        bound = healthy.low if healthy.low is not None else healthy.high
        assert bound is not None
        way = Direction.DECREASE if healthy.direction is Direction.DECREASE else Direction.INCREASE
        return Metric(
            MetricKind.THRESHOLD,
            bound,
            bound,
            healthy.unit,
            way,
            unit_word=healthy.unit_word,
            strict=healthy.strict,
        )


@dataclasses.dataclass(frozen=True)
class KpiWeek:
    start: dt.date  # the week's first day
    value: float | None  # the latest check-in of the week; None: nobody checked in
    healthy: bool | None  # None: no value, or no range


@dataclasses.dataclass(frozen=True)
class KpiResult:
    current: float | None  # latest value counted; None before the first check-in
    healthy: bool | None  # None: no value yet, or the range could not be read
    health: Health
    weeks: tuple[KpiWeek, ...]
    days_out_of_range: int
    days_measured: int  # days with a value in force
    first: dt.date  # the window evaluated, both days included
    last: dt.date

    @property
    def out_of_range_share(self) -> Fraction | None:
        """Days out of range over days measured, exactly; None when nothing was measured."""
        if not self.days_measured:
            return None
        return Fraction(self.days_out_of_range, self.days_measured)


def _moment(checkin: CheckIn) -> dt.datetime:
    at = checkin.at
    return at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)


def _judge(healthy: KpiRange | None, value: float | None) -> bool | None:
    if healthy is None or value is None:
        return None
    return healthy.healthy(value)


def evaluate_kpi(kpi: Kpi, *, first: dt.date, last: dt.date) -> KpiResult:
    """Where ``kpi`` stands on ``last`` and how it stood from ``first`` (module rules)."""
    counted = sorted((c for c in kpi.checkins if checkin_day(c) <= last), key=_moment)
    latest = latest_checkin(counted)
    current = latest.value if latest else None
    healthy = _judge(kpi.healthy, current)
    if healthy is None:
        health = Health.NEEDS_ATTENTION
    else:
        health = Health.ON_TRACK if healthy else Health.AT_RISK

    weeks: list[KpiWeek] = []
    day = first
    while day <= last:
        end = min(day + dt.timedelta(days=6), last)
        made = [c for c in counted if day <= checkin_day(c) <= end]
        value = made[-1].value if made else None
        weeks.append(KpiWeek(day, value, _judge(kpi.healthy, value)))
        day += dt.timedelta(days=7)

    measured = out = 0
    in_force: float | None = None
    position = 0
    day = first
    while day <= last:
        while position < len(counted) and checkin_day(counted[position]) <= day:
            in_force = counted[position].value
            position += 1
        verdict = _judge(kpi.healthy, in_force)
        if verdict is not None:
            measured += 1
            out += not verdict
        day += dt.timedelta(days=1)
    return KpiResult(
        current=current,
        healthy=healthy,
        health=health,
        weeks=tuple(weeks),
        days_out_of_range=out,
        days_measured=measured,
        first=first,
        last=last,
    )


def evaluate_kpis(kpis: Iterable[Kpi], *, first: dt.date, last: dt.date) -> dict[str, KpiResult]:
    """:func:`evaluate_kpi` for each KPI, by key (a repeated key: the first one)."""
    results: dict[str, KpiResult] = {}
    for kpi in kpis:
        if kpi.key not in results:
            results[kpi.key] = evaluate_kpi(kpi, first=first, last=last)
    return results

"""The maths of metric sources: what a key result's value is, given what was read.

A key result's metadata names its source (:class:`~okrflow.core.model.MetricSource`):

``initiatives``
    The issues linked to the key result, in any project: closed ÷ all. Option
    ``measure``: ``share`` (default; in percent when the key result's unit is ``%``,
    else a fraction 0..1) or ``count`` (how many are closed). Links to OKR issues
    (the hierarchy) are not initiatives.
``query``
    A GitLab issue query over a rolling window ending now. Options: ``labels`` (a list
    or ``"a,b"``; an issue needs all), ``state`` (``opened`` | ``closed`` | ``all``),
    ``window_days`` (default 30), ``measure``, and ``project`` (default the OKR project)
    or ``group`` (a group with its subgroups). Measures:

    - ``count`` (default): with ``state: closed`` the issues closed in the window; else
      the issues created in the window (still open with ``state: opened``);
    - ``share``: of the issues created in the window, the share closed (within
      ``within_days`` of their creation when given), in percent or 0..1 as above;
    - ``median_days_to_close``: the median time from creation to close of the issues
      closed in the window, in days, or in the key result's time unit (``h``, ``w`` ...).

    Example: ``{"labels": ["support"], "state": "closed", "window_days": 30}`` counts
    the issues labelled ``support`` closed in the last 30 days. Dates are GitLab's
    (``created_at``, ``closed_at``); "now" is the workspace clock.

The functions here take what was read (linked issues, listed issues) as plain values
and return a :class:`Measurement`; reading them from GitLab is the adapter's job
(:mod:`okrflow.adapter.metrics`), running a ``command`` source is the commands'.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from okrflow.core.errors import CoreError
from okrflow.core.model import Initiative
from okrflow.core.values import TIME_UNITS, canonical_unit

__all__ = [
    "DEFAULT_WINDOW_DAYS",
    "MAX_WINDOW_DAYS",
    "LinkedIssue",
    "ListedIssue",
    "Measurement",
    "MetricError",
    "QueryOptions",
    "initiatives_value",
    "query_value",
    "share",
]

DEFAULT_WINDOW_DAYS = 30
#: the longest query window (ten years): a longer one is a problem on its key result
MAX_WINDOW_DAYS = 3_660
_MEASURES = ("count", "share", "median_days_to_close")
_STATES = ("opened", "closed", "all")
_DAY_MS = TIME_UNITS["d"]


class MetricError(CoreError):
    """A metric source that cannot be measured; the message says why and what to do."""


@dataclasses.dataclass(frozen=True)
class Measurement:
    value: float | None  # None: nothing measured (see problem or detail)
    problem: str | None = None
    detail: str = ""  # how it was measured, for the log
    initiatives: tuple[Initiative, ...] | None = None  # INITIATIVES: the linked issues


class LinkedIssue(Protocol):
    """What an initiative measure reads of a linked issue."""

    @property
    def reference(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def labels(self) -> tuple[str, ...]: ...


class ListedIssue(Protocol):
    """What a query measure reads of a listed issue."""

    @property
    def labels(self) -> tuple[str, ...]: ...
    @property
    def state(self) -> str: ...
    @property
    def created_at(self) -> dt.datetime | None: ...
    @property
    def closed_at(self) -> dt.datetime | None: ...


def share(part: int, whole: int, unit: str) -> float:
    """``part`` of ``whole``: in percent when the unit is ``%``, else a fraction 0..1."""
    fraction = part / whole
    return fraction * 100 if canonical_unit(unit) == "%" else fraction


# -- initiatives ------------------------------------------------------------------------


def initiatives_value(
    links: Iterable[LinkedIssue],
    *,
    unit: str = "",
    options: Mapping[str, Any] | None = None,
    okr_labels: Sequence[str] = (),
) -> Measurement:
    """Closed ÷ all linked issues that are not OKR issues (those carry ``okr_labels``)."""
    measure_name = str((options or {}).get("measure", "share"))
    if measure_name not in ("share", "count"):
        raise MetricError(f"initiatives measure {measure_name!r} is unknown: use share or count")
    found = tuple(
        Initiative(ref=link.reference, title=link.title, closed=link.state == "closed")
        for link in links
        if not set(okr_labels) & set(link.labels)
    )
    closed = sum(1 for i in found if i.closed)
    if measure_name == "count":
        return Measurement(
            float(closed), detail=f"{closed} linked issues closed", initiatives=found
        )
    if not found:
        return Measurement(
            None,
            problem="measured by its initiatives, but no issue is linked to it: "
            "link the issues that move it",
            initiatives=found,
        )
    return Measurement(
        share(closed, len(found), unit),
        detail=f"{closed} of {len(found)} linked issues closed",
        initiatives=found,
    )


# -- queries ------------------------------------------------------------------------------


def _labels(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise MetricError("query labels must be a list of label names or 'a,b'")


def _positive(name: str, value: Any, default: float) -> float:
    """A window in days: above 0, at most :data:`MAX_WINDOW_DAYS`."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise MetricError(f"query {name} must be a number above 0, not {value!r}")
    if not math.isfinite(value) or value > MAX_WINDOW_DAYS:
        raise MetricError(f"query {name} must be at most {MAX_WINDOW_DAYS:,} days, not {value:g}")
    return float(value)


@dataclasses.dataclass(frozen=True)
class QueryOptions:
    labels: tuple[str, ...] = ()
    state: str = "all"
    window_days: float = DEFAULT_WINDOW_DAYS
    measure: str = "count"
    within_days: float | None = None
    project: str | None = None
    group: str | None = None

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> QueryOptions:
        known = {"labels", "state", "window_days", "measure", "within_days", "project", "group"}
        unknown = sorted(set(options) - known)
        if unknown:
            raise MetricError(
                f"unknown query option {unknown[0]!r}: use {', '.join(sorted(known))}"
            )
        state = str(options.get("state", "all"))
        if state not in _STATES:
            raise MetricError(f"query state {state!r} is unknown: use opened, closed or all")
        measure_name = str(options.get("measure", "count"))
        if measure_name not in _MEASURES:
            raise MetricError(
                f"query measure {measure_name!r} is unknown: use {', '.join(_MEASURES)}"
            )
        project, group = options.get("project"), options.get("group")
        if project is not None and group is not None:
            raise MetricError("a query names a project or a group, not both")
        for name, value in (("project", project), ("group", group)):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise MetricError(f"query {name} must be a path like acme/support")
        within = options.get("within_days")
        return cls(
            labels=_labels(options.get("labels")),
            state=state,
            window_days=_positive("window_days", options.get("window_days"), DEFAULT_WINDOW_DAYS),
            measure=measure_name,
            within_days=None if within is None else _positive("within_days", within, 1),
            project=project,
            group=group,
        )

    @property
    def by_close(self) -> bool:
        """Whether the window applies to ``closed_at`` (else to ``created_at``)."""
        return self.measure == "median_days_to_close" or (
            self.measure == "count" and self.state == "closed"
        )

    @property
    def listed_state(self) -> str | None:
        """The ``state`` to list issues in (None: any): closed ones for a window on
        ``closed_at``, every state for a share."""
        if self.by_close:
            return "closed"
        return None if self.measure == "share" or self.state == "all" else self.state

    def since(self, now: dt.datetime) -> dt.datetime:
        return now - dt.timedelta(days=self.window_days)

    def describe(self) -> str:
        labels = f"labelled {', '.join(self.labels)} " if self.labels else ""
        when = "closed" if self.by_close else "created"
        return f"issues {labels}{when} in the last {self.window_days:g} days"


def _in_window(moment: dt.datetime | None, since: dt.datetime, now: dt.datetime) -> bool:
    return moment is not None and since <= moment <= now


def query_value(
    records: Iterable[ListedIssue], options: QueryOptions, *, now: dt.datetime, unit: str = ""
) -> Measurement:
    """The measure over ``records`` (what the query listed), for the window ending ``now``."""
    since = options.since(now)
    chosen: list[ListedIssue] = []
    for record in records:
        if options.labels and not set(options.labels) <= set(record.labels):
            continue
        if options.by_close:
            if record.state == "closed" and _in_window(record.closed_at, since, now):
                chosen.append(record)
        elif _in_window(record.created_at, since, now):
            # An issue closed after "now" (a pretend clock) was still open then.
            open_now = record.state != "closed" or (record.closed_at or now) > now
            if options.state == "opened" and not open_now:
                continue
            if options.state == "closed" and open_now:
                continue
            chosen.append(record)
    what = options.describe()
    if options.measure == "count":
        return Measurement(float(len(chosen)), detail=f"{len(chosen)} {what}")
    if options.measure == "share":
        if not chosen:
            return Measurement(None, detail=f"no {what}")
        done = sum(1 for r in chosen if _closed_in_time(r, options.within_days, now))
        return Measurement(share(done, len(chosen), unit), detail=f"{done} of {len(chosen)} {what}")
    durations = [
        (r.closed_at - r.created_at).total_seconds() / 86_400
        for r in chosen
        if r.closed_at is not None and r.created_at is not None
    ]
    if not durations:
        return Measurement(None, detail=f"no {what}")
    days = statistics.median(durations)
    target = canonical_unit(unit)
    value = days * _DAY_MS / TIME_UNITS[target] if target in TIME_UNITS else days
    return Measurement(
        value, detail=f"median {days:.2f} days to close over {len(durations)} {what}"
    )


def _closed_in_time(record: ListedIssue, within_days: float | None, now: dt.datetime) -> bool:
    if record.state != "closed" or record.closed_at is None or record.closed_at > now:
        return False
    if within_days is None or record.created_at is None:
        return True
    return record.closed_at - record.created_at <= dt.timedelta(days=within_days)

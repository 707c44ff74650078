"""The OKR model: objectives, key results, metrics, check-ins and initiatives.

Plain typed dataclasses. Every OKR has a stable ``key`` (re-runs find the same
issue through it) and, once it lives in GitLab, an ``iid``. Parents are named by
key; the adapter maps GitLab references to keys before the core sees them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import NamedTuple


class IssueId(NamedTuple):
    """Which issue an OKR is: its project's path and its iid (two projects of a group
    scope both have a #1). ``project`` is empty when GitLab named no project."""

    project: str
    iid: int

    def __str__(self) -> str:
        return f"{self.project}#{self.iid}"


class State(str, enum.Enum):
    """Lifecycle state: In Draft -> Under Review -> Active -> Closed."""

    DRAFT = "draft"
    REVIEW = "review"
    ACTIVE = "active"
    CLOSED = "closed"

    @property
    def display(self) -> str:
        return {
            State.DRAFT: "In Draft",
            State.REVIEW: "Under Review",
            State.ACTIVE: "Active",
            State.CLOSED: "Closed",
        }[self]


class Health(str, enum.Enum):
    ON_TRACK = "on track"
    NEEDS_ATTENTION = "needs attention"
    AT_RISK = "at risk"


class Kind(str, enum.Enum):
    """Committed OKRs are expected to be met; aspirational ones succeed at 0.7."""

    COMMITTED = "committed"
    ASPIRATIONAL = "aspirational"


class MetricKind(str, enum.Enum):
    LINEAR = "linear"  # "<Verb> <measure> from <x> to <y>"
    COUNT = "count"  # "Land 5 large enterprise logos": from 0 to 5
    THRESHOLD = "threshold"  # "Keep P1 incidents from exceeding 3": held or not
    MILESTONE = "milestone"  # "Achieve SOC2 Type 1": done (1) or not (0)


class Direction(str, enum.Enum):
    """Which way is better. For a threshold: INCREASE = at least, DECREASE = at most."""

    INCREASE = "increase"
    DECREASE = "decrease"


class Outcome(str, enum.Enum):
    ACHIEVED = "achieved"
    MISSED = "missed"
    NOT_A_PRIORITY = "not a priority"
    CARRIED_OVER = "carried over"


class SourceKind(str, enum.Enum):
    MANUAL = "manual"  # check-ins (comments or `okrflow checkin`)
    INITIATIVES = "initiatives"  # closed / all issues linked to the KR
    QUERY = "query"  # a GitLab issue query over a rolling window
    COMMAND = "command"  # a command that prints a number


class ChangeKind(str, enum.Enum):
    """How a relative target is derived from the baseline (the first value measured)."""

    PERCENT = "percent"  # "by 20%": baseline +/- 20% of the baseline
    FACTOR = "factor"  # "double", "halve", "3x": baseline * amount
    AMOUNT = "amount"  # "by $10k", "up 50": baseline +/- amount, in the metric's unit


@dataclasses.dataclass(frozen=True)
class Change:
    """A relative target: ``amount`` (positive) of ``kind``; the metric's direction says
    which way (a FACTOR below 1 goes down)."""

    kind: ChangeKind
    amount: float


@dataclasses.dataclass(frozen=True)
class Metric:
    """What a key result measures.

    ``start`` and ``target`` are in ``unit`` (``""``, ``"%"``, ``"$"``, ``"h"``, ``"/5"``
    for a rating ...). A milestone is 0 -> 1. A threshold holds when the value stays at or
    below (DECREASE) or at or above (INCREASE) ``target``, or, when ``strict`` ("under 2h",
    "more than 20"), below or above it; its ``start`` equals ``target``.

    ``unit_word`` is the noun the numbers count ("customers" in "from 4 to 10
    customers"; a rate reads "PQLs per week"). ``due`` is the date the statement names,
    as said ("June 30", "mid-June", "end of Q2", "2025-06-30"; see
    :mod:`okrflow.core.dates`). ``baseline_pending`` is true while the start is still to
    be measured ("Increase test coverage to 80%", "Increase weekly active users by 20%"):
    ``start`` then equals ``target``, which is the target only when no ``change`` is
    set; :func:`okrflow.core.relative.with_baseline` gives the metric once the first
    value is known, with ``change`` kept so that it can still be explained. ``basis``
    says what set the direction (``"comparator"``, ``"verb"``, ``"numbers"``,
    ``"measure"``, ``"share"``, ``"count"``, ``"floor"`` for a count written with a
    floor such as "at least 15 champions"; informative, not compared).
    """

    kind: MetricKind
    start: float
    target: float
    unit: str = ""
    direction: Direction = Direction.INCREASE
    unit_word: str = ""
    due: str = ""
    change: Change | None = None
    baseline_pending: bool = False
    strict: bool = False
    basis: str = dataclasses.field(default="", compare=False)


@dataclasses.dataclass(frozen=True)
class MetricSource:
    """Where a KR's current value comes from (default: manual check-ins)."""

    kind: SourceKind = SourceKind.MANUAL
    # QUERY: labels, state, window_days, measure ("count" | "share" | "median_days_to_close")
    # COMMAND: command; INITIATIVES: nothing.
    options: dict[str, str | int | float | list[str]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class CheckIn:
    at: dt.datetime
    value: float
    confidence: float | None = None  # 0..1
    author: str | None = None
    note: str = ""
    source: str = "manual"  # manual | comment | initiatives | query | command


@dataclasses.dataclass(frozen=True)
class Initiative:
    """Any GitLab issue linked to a key result."""

    ref: str  # "group/project#12"
    title: str
    closed: bool
    assignee: str | None = None  # GitLab username of the first assignee

    @property
    def state(self) -> str:
        """``"closed"`` or ``"open"``, as a report shows it."""
        return "closed" if self.closed else "open"


@dataclasses.dataclass
class KeyResult:
    key: str
    title: str  # the statement as written
    metric: Metric | None = None  # None: statement unreadable and no explicit fields
    owner: str | None = None
    weight: float = 1.0
    checkins: list[CheckIn] = dataclasses.field(default_factory=list)
    source: MetricSource = dataclasses.field(default_factory=MetricSource)
    initiatives: list[Initiative] = dataclasses.field(default_factory=list)
    objective: str | None = None  # key of the objective it belongs to (its home)
    # keys of the further objectives it counts for (not the home one, no duplicates)
    also: list[str] = dataclasses.field(default_factory=list)
    state: State | None = State.DRAFT  # None: no (or several) lifecycle labels
    states: tuple[State, ...] = ()  # every lifecycle label found, for lint
    quarter: str | None = None
    team: str | None = None
    iid: int | None = None
    project: str = ""  # the path of the issue's project (with iid: which issue it is)
    statement_problem: str | None = None  # why the statement could not be read
    # A relative target's baseline as first recorded (kept, so that it stays put when
    # the first check-in is edited or deleted); None: taken from the first check-in.
    baseline: float | None = None
    # Template sections a person left empty (read from the issue; for lint).
    missing_sections: tuple[str, ...] = ()

    @property
    def issue_id(self) -> IssueId | None:
        return IssueId(self.project, self.iid) if self.iid is not None else None

    @property
    def objectives(self) -> list[str]:
        """Every objective it counts for: its home objective, then the further ones."""
        home = [self.objective] if self.objective else []
        return home + [key for key in dict.fromkeys(self.also) if key not in home]

    @property
    def latest(self) -> CheckIn | None:
        # Newest by time; on a tie the later one in the list (as core.checkins does).
        latest: CheckIn | None = None
        for checkin in self.checkins:
            if latest is None or checkin.at >= latest.at:
                latest = checkin
        return latest

    @property
    def current(self) -> float | None:
        """The latest checked-in value; None when there is none yet."""
        latest = self.latest
        return latest.value if latest else None

    @property
    def confidence(self) -> float | None:
        latest = self.latest
        return latest.confidence if latest else None


@dataclasses.dataclass
class Objective:
    key: str
    title: str
    purpose: str = ""
    owner: str | None = None
    team: str | None = None
    quarter: str | None = None  # a quarterly objective's quarter label
    # an annual objective's fiscal year label ("FY27"; seed 002's "Big Rocks"): it has no
    # quarter, and the quarterly objectives of that year align under it
    year: str | None = None
    level: str = "team"  # company | department | team
    parents: list[str] = dataclasses.field(default_factory=list)  # keys
    kind: Kind = Kind.COMMITTED
    state: State | None = State.DRAFT
    states: tuple[State, ...] = ()
    key_results: list[KeyResult] = dataclasses.field(default_factory=list)
    weight: float = 1.0
    iid: int | None = None
    project: str = ""  # the path of the issue's project (with iid: which issue it is)
    outcome: Outcome | None = None
    score: float | None = None  # set when closed, 0.0-1.0
    # Template sections a person left empty (read from the issue; for lint).
    missing_sections: tuple[str, ...] = ()
    # Key-result statements listed in the objective's description, not yet issues.
    proposed_key_results: tuple[str, ...] = ()
    kpis: list[str] = dataclasses.field(default_factory=list)  # keys of the KPIs it protects

    @property
    def issue_id(self) -> IssueId | None:
        return IssueId(self.project, self.iid) if self.iid is not None else None

    @property
    def annual(self) -> bool:
        """Whether it is an annual objective (of a fiscal year, not of a quarter)."""
        return self.year is not None and self.quarter is None


@dataclasses.dataclass(frozen=True)
class Problem:
    """Something found on the way that did not stop the run."""

    where: str  # "#12", "#12 note 345", "okrs.yml:14"
    message: str

"""The numbers computed for a set of OKRs: the one result every output shows.

``okrflow.core.scoring.evaluate`` produces an :class:`Evaluation`; the terminal,
the managed sections in GitLab and every report read their numbers from it, so
the same value appears everywhere.
"""

from __future__ import annotations

import dataclasses
import enum

from okrflow.core.model import CheckIn, Health, Metric, Outcome, Problem
from okrflow.core.standing import KpiResult


class Grade(str, enum.Enum):
    GREEN = "green"  # 0.7 - 1.0 by default
    YELLOW = "yellow"  # 0.4 - 0.6
    RED = "red"  # 0.0 - 0.3


@dataclasses.dataclass(frozen=True)
class KeyResultResult:
    progress: float  # 0..1, unrounded (the nearest float to the exact progress)
    health: Health
    current: float | None  # latest value; None before the first check-in
    confidence: float | None  # latest confidence 0..1
    # The reading scored: the key result's metric, with start and target from the first
    # check-in once a relative target's baseline is known; None when unreadable.
    metric: Metric | None = None
    baseline_pending: bool = False  # a relative target still waiting for its first value
    latest: CheckIn | None = None  # the check-in ``current`` comes from


@dataclasses.dataclass(frozen=True)
class ObjectiveResult:
    progress: float  # 0..1, unrounded: weighted mean of direct children
    health: Health
    score: float | None  # 0.0-1.0 on the familiar scale; None until closed
    grade: Grade | None  # None until closed
    success: bool | None  # score judged by kind (aspirational succeeds at 0.7); None until closed


@dataclasses.dataclass
class Evaluation:
    objectives: dict[str, ObjectiveResult]  # by objective key
    key_results: dict[str, KeyResultResult]  # by key-result key (unique across the set)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    kpis: dict[str, KpiResult] = dataclasses.field(default_factory=dict)  # by KPI key
    # the objectives each key result counts for, in order (a shared one: several);
    # a key result missing here counts for the one objective it is listed under
    counted_in: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Closing:
    """What a closed OKR shows instead of its live health: its score, grade and outcome
    (None: nobody recorded one, e.g. closed in GitLab's UI)."""

    score: float
    grade: Grade
    outcome: Outcome | None = None


@dataclasses.dataclass
class Closings:
    """The closings of the closed OKRs of a set, by key, apart for objectives and key
    results (keys may repeat across)."""

    objectives: dict[str, Closing] = dataclasses.field(default_factory=dict)
    key_results: dict[str, Closing] = dataclasses.field(default_factory=dict)

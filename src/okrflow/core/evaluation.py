"""The numbers computed for a set of OKRs: the one result every output shows.

``okrflow.core.scoring.evaluate`` produces an :class:`Evaluation`; the terminal,
the managed sections in GitLab and every report read their numbers from it, so
the same value appears everywhere.
"""

from __future__ import annotations

import dataclasses
import enum

from okrflow.core.model import Health, Problem


class Grade(str, enum.Enum):
    GREEN = "green"  # 0.7 - 1.0 by default
    YELLOW = "yellow"  # 0.4 - 0.6
    RED = "red"  # 0.0 - 0.3


@dataclasses.dataclass(frozen=True)
class KeyResultResult:
    progress: float  # 0..1, unrounded
    health: Health
    current: float | None  # latest value; None before the first check-in
    confidence: float | None  # latest confidence 0..1


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

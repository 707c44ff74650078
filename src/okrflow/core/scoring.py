"""Scoring: progress, health, scores and grades for a set of OKRs.

The rules, as the README quotes them:

**Key-result progress** (:func:`kr_progress`, always in 0..1, computed exactly: see
:mod:`okrflow.core.arithmetic`):

- *Linear* ("from x to y") and *count* ("land 5 logos", from 0 to 5) key results:
  ``clamp((current - start) / (target - start), 0, 1)``. Before the first check-in
  the current value is the start, so progress is 0. The better direction is from
  ``start`` toward ``target``; when ``target == start``, or the start is already past
  the target in the metric's direction, progress is 1 once the current value reaches
  the target in that direction (at least for increase, at most for decrease) and 0
  otherwise.
- A relative target ("by 20%", "to 80%" without a start) waits for its baseline: the
  first check-in (or metric-source reading) is the start and the target follows from it
  (:func:`okrflow.core.relative.with_baseline`); until then progress is 0 and the
  result says ``baseline_pending``.
- *Threshold* key results ("keep P1 incidents from exceeding 3") are 1 while held and
  0 otherwise: held means ``current <= target`` for decrease, ``current >= target``
  for increase. No value yet counts as not held (0).
- *Milestone* key results ("achieve SOC2") are 1 once the value reaches the target
  (in the metric's direction) and 0 before; no value yet is 0.
- A key result whose statement could not be read (no metric) has progress 0.

**Objective progress** is the weighted mean of its *direct* children: its key results
and the objectives aligned under it (whose ``parents`` name it), at any depth. An
objective aligned under several parents counts in each. Weights default to 1; a
weight of 0 leaves the child out of the mean; negative or non-finite weights are a
rule error and are treated as 0 here (with a problem reported). An objective without
children has progress 0; one whose children all weigh 0 has progress 0 and a problem
is reported. Parent cycles and parents that are not in the set are reported as
problems, never followed: links between members of a cycle are ignored (each member
still counts its key results and any children outside the cycle).

Annual objectives: the same rule, health paced by the year (:mod:`okrflow.core.annual`).

**Health** (:func:`kr_health`) compares progress with the share of the quarter that
has elapsed (for a key result with a due date, the share of the time up to that date:
:func:`okrflow.core.dates.pace_elapsed`), then lets the owner's latest confidence lower
it (never raise it). See :class:`ScoringPolicy` for the numbers. Every line is compared
exactly: progress 0.8 at the 0.8 on-track line is on track.

**Score, grade and success** are given to closed objectives only: the score is the
progress rounded to one decimal, halves up (0.65 -> 0.7, 0.25 -> 0.3;
:func:`okrflow.core.arithmetic.round_half_up`, the one rounding rule), or the score
recorded when the objective closed (``Objective.score``: frozen at close); the grade is
green from 0.7, yellow from 0.4, red below; a committed objective succeeds at a score
of 1.0, an aspirational one at 0.7.
"""

from __future__ import annotations

import collections
import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from okrflow.core.arithmetic import ZERO, Number, as_float, exact, round_half_up, share
from okrflow.core.checkins import latest_checkin
from okrflow.core.dates import QuarterDates
from okrflow.core.evaluation import Evaluation, Grade, KeyResultResult, ObjectiveResult
from okrflow.core.graph import cyclic_components
from okrflow.core.kr_counting import count_key_results
from okrflow.core.kr_scoring import (
    exact_or_none,
    kr_pace,
    kr_progress,
    kr_progress_exact,
    kr_reading,
)
from okrflow.core.model import (
    Health,
    KeyResult,
    Kind,
    Objective,
    Problem,
    State,
)
from okrflow.core.policy import DEFAULT_POLICY, ScoringPolicy

__all__ = [
    "DEFAULT_POLICY",
    "ScoringPolicy",
    "clamp",
    "evaluate",
    "grade_for",
    "kr_health",
    "kr_progress",
    "kr_progress_exact",
    "kr_reading",
    "objective_health",
    "score_for",
    "success_for",
    "weighted_mean",
    "worst_health",
]

_SEVERITY: Mapping[Health, int] = {
    Health.ON_TRACK: 0,
    Health.NEEDS_ATTENTION: 1,
    Health.AT_RISK: 2,
}


def clamp(value: float, low: float = 0.0, high: float = 1.0) -> float:
    """``value`` limited to ``low..high``; NaN becomes ``low``."""
    if math.isnan(value):
        return low
    return max(low, min(high, value))


def weighted_mean(items: Iterable[tuple[float, float]]) -> float | None:
    """Weighted mean of ``(value, weight)`` pairs, exactly; None when no weight is positive.

    Pairs whose weight is 0 (or negative, or not finite) do not count, and neither do
    values that are not finite.
    """
    counted = [
        (exact(value), exact(weight))
        for value, weight in items
        if math.isfinite(weight) and weight > 0 and math.isfinite(value)
    ]
    if not counted:
        return None
    total = sum((value * weight for value, weight in counted), ZERO)
    return as_float(total / sum((weight for _, weight in counted), ZERO))


def worst_health(healths: Iterable[Health]) -> Health | None:
    """The worst of ``healths`` (at risk > needs attention > on track); None if empty."""
    return max(healths, key=_SEVERITY.__getitem__, default=None)


def kr_health(
    progress: Number,
    elapsed: Number,
    confidence: Number | None = None,
    policy: ScoringPolicy = DEFAULT_POLICY,
) -> Health:
    """Health from progress against elapsed time, lowered by a low confidence (exactly)."""
    done, gone = share(progress), share(elapsed)
    if gone <= exact(policy.grace_elapsed) or done >= gone * exact(policy.on_track_pace):
        health = Health.ON_TRACK
    elif done >= gone * exact(policy.needs_attention_pace):
        health = Health.NEEDS_ATTENTION
    else:
        health = Health.AT_RISK
    sure = exact_or_none(confidence)
    if sure is not None:
        if sure < exact(policy.risk_confidence):
            health = Health.AT_RISK
        elif sure < exact(policy.attention_confidence) and health is Health.ON_TRACK:
            health = Health.NEEDS_ATTENTION
    return health


def objective_health(
    progress: Number,
    elapsed: Number,
    children: Iterable[Health] = (),
    policy: ScoringPolicy = DEFAULT_POLICY,
) -> Health:
    """An objective's health per ``policy.objective_health`` (see :class:`ScoringPolicy`)."""
    if policy.objective_health == "weakest":
        weakest = worst_health(children)
        if weakest is not None:
            return weakest
    return kr_health(progress, elapsed, None, policy)


def score_for(progress: Number) -> float:
    """The 0.0-1.0 score: progress rounded to one decimal, halves up (0.25 -> 0.3)."""
    return as_float(round_half_up(share(progress), 1))


def grade_for(score: Number, policy: ScoringPolicy = DEFAULT_POLICY) -> Grade:
    """Green from ``policy.green_from`` (0.7), yellow from ``yellow_from`` (0.4), else red."""
    value = exact_or_none(score) or ZERO
    if value >= exact(policy.green_from):
        return Grade.GREEN
    if value >= exact(policy.yellow_from):
        return Grade.YELLOW
    return Grade.RED


def success_for(score: Number, kind: Kind, policy: ScoringPolicy = DEFAULT_POLICY) -> bool:
    """Whether a closed objective met its bar: 1.0 if committed, 0.7 if aspirational."""
    value = exact_or_none(score) or ZERO
    if kind is Kind.ASPIRATIONAL:
        return value >= exact(policy.aspirational_success)
    return value >= exact(policy.committed_success)


def _where(iid: int | None, key: str) -> str:
    return f"#{iid}" if iid is not None else key


def _usable_weight(weight: float, policy: ScoringPolicy) -> float:
    return weight if math.isfinite(weight) and 0 < weight <= policy.max_weight else 0.0


def evaluate(
    objectives: Sequence[Objective],
    *,
    elapsed: Number,
    policy: ScoringPolicy = DEFAULT_POLICY,
    dates: QuarterDates | None = None,
    year_elapsed: Number | None = None,
    periods: Mapping[str, QuarterDates] | None = None,
) -> Evaluation:
    """Progress, health and (once closed) score for every objective and key result.

    ``elapsed`` is the share of the quarter gone, 0..1 (clamped; a fraction of days is
    exact). With ``dates`` (the quarter's first and last day and the day evaluated), a
    key result due earlier ("by June 30") is paced to its due date, and only the
    check-ins made up to :attr:`QuarterDates.day` count (a quarter that is over is
    evaluated as of its end). ``year_elapsed`` paces the annual objectives (default: as the
    quarter); ``periods`` (by objective key) evaluates another quarter's objective and its
    key results by that quarter's dates. Problems that do not stop the evaluation are
    listed in ``Evaluation.problems``: a repeated objective or key-result key (the later
    one is skipped), a parent that is not in ``objectives``, a parent cycle, a negative or
    non-finite weight, an objective whose children all weigh 0, and a relative target
    whose baseline sets no target.
    """
    if isinstance(elapsed, float) and math.isnan(elapsed):
        raise ValueError("elapsed must be a number between 0 and 1")
    gone = share(elapsed)
    year_gone, periods = gone if year_elapsed is None else share(year_elapsed), periods or {}
    problems: list[Problem] = []

    # Key results: unique keys across the set; one shared by several objectives (its
    # ``objectives``) counts once in each, of its own quarter. A key result of another
    # quarter's objective (under an annual objective) is scored by that quarter's dates.
    def result_of(objective: Objective, kr: KeyResult) -> KeyResultResult:
        own = periods.get(objective.key)
        when, past = (dates, gone) if own is None else (own, share(own.elapsed))
        return _kr_result(kr, past, policy, when, problems)

    counting = count_key_results(objectives, result_of, problems)
    kr_results, own_krs = counting.results, counting.under

    # Objectives: unique keys, then the alignment graph child -> parents.
    by_key: dict[str, Objective] = {}
    position_of: dict[str, int] = {}
    for position, objective in enumerate(objectives):
        if objective.key in by_key:
            problems.append(
                Problem(
                    _where(objective.iid, objective.key),
                    f"objective key {objective.key!r} is used twice: this one is skipped",
                )
            )
            continue
        by_key[objective.key] = objective
        position_of[objective.key] = position
    keys = list(by_key)

    parents_of: dict[str, list[str]] = {}
    for key in keys:
        objective = by_key[key]
        seen: list[str] = []
        for parent in objective.parents:
            if parent in seen:
                continue
            if parent not in by_key:
                problems.append(
                    Problem(
                        _where(objective.iid, key),
                        f"aligned under {parent!r}, which is not among the objectives read: "
                        "fix or remove the parent reference",
                    )
                )
                continue
            seen.append(parent)
        parents_of[key] = seen

    cycle_of: dict[str, int] = {}
    for number, members in enumerate(cyclic_components(keys, parents_of)):
        for member in members:
            cycle_of[member] = number
        names = ", ".join(_where(by_key[m].iid, m) for m in members)
        problems.append(
            Problem(
                _where(by_key[members[0]].iid, members[0]),
                f"parent cycle among {names}: links inside the cycle are ignored; "
                "remove one of the parent references",
            )
        )

    children_of: dict[str, list[str]] = {key: [] for key in keys}
    for key in keys:
        for parent in parents_of[key]:
            same_cycle = key in cycle_of and cycle_of.get(parent) == cycle_of[key]
            if not same_cycle:
                children_of[parent].append(key)

    for key in keys:
        objective = by_key[key]
        for item_key, iid, weight in [(key, objective.iid, objective.weight)] + [
            (kr.key, kr.iid, kr.weight) for kr in own_krs[position_of[key]]
        ]:
            if not (math.isfinite(weight) and weight >= 0):
                problems.append(
                    Problem(
                        _where(iid, item_key),
                        f"weight {weight} is not allowed: use a number of 0 or more "
                        "(0 leaves it out of the rollup); it counts as 0",
                    )
                )
            elif weight > policy.max_weight:
                problems.append(
                    Problem(
                        _where(iid, item_key),
                        f"weight {weight:g} is above rules.max_weight ({policy.max_weight:g}): "
                        "left out of its objective's progress until its weight is "
                        f"{policy.max_weight:g} or less",
                    )
                )

    # Children before parents (Kahn's algorithm on the graph without cycle links).
    pending = {key: len(children_of[key]) for key in keys}
    ready = collections.deque(key for key in keys if pending[key] == 0)
    results: dict[str, ObjectiveResult] = {}
    while ready:
        key = ready.popleft()
        objective = by_key[key]
        entries: list[tuple[float, float, Health]] = []
        for kr in own_krs[position_of[key]]:
            result = kr_results[kr.key]
            entries.append((result.progress, _usable_weight(kr.weight, policy), result.health))
        for child in children_of[key]:
            child_result = results[child]
            weight = _usable_weight(by_key[child].weight, policy)
            entries.append((child_result.progress, weight, child_result.health))
        mean = weighted_mean((value, weight) for value, weight, _ in entries)
        if mean is None and entries:
            problems.append(
                Problem(
                    _where(objective.iid, key),
                    "every key result and aligned objective under it has weight 0, "
                    "so its progress is 0: give at least one a positive weight",
                )
            )
        progress = 0.0 if mean is None else mean
        own = periods.get(key)
        pace = year_gone if objective.annual else gone if own is None else share(own.elapsed)
        health = objective_health(progress, pace, (h for _, w, h in entries if w > 0), policy)
        score = grade = success = None
        if objective.state is State.CLOSED:
            # frozen at close: the score recorded when it closed, else the one it has now
            recorded = exact_or_none(objective.score)
            score = score_for(progress if recorded is None else recorded)
            grade = grade_for(score, policy)
            success = success_for(score, objective.kind, policy)
        results[key] = ObjectiveResult(
            progress=progress, health=health, score=score, grade=grade, success=success
        )
        for parent in parents_of[key]:
            if key in children_of[parent]:
                pending[parent] -= 1
                if pending[parent] == 0:
                    ready.append(parent)

    ordered = {key: results[key] for key in keys}
    return Evaluation(
        objectives=ordered,
        key_results=kr_results,
        problems=problems,
        counted_in=counting.counted_in,
    )


def _kr_result(
    kr: KeyResult,
    gone: Fraction,
    policy: ScoringPolicy,
    dates: QuarterDates | None,
    problems: list[Problem],
) -> KeyResultResult:
    """A key result's progress and health, its reading's trouble added to ``problems``."""
    if dates is not None:
        kr = dataclasses.replace(kr, checkins=[c for c in kr.checkins if dates.counts(c.at)])
    metric, trouble = kr_reading(kr)
    if trouble is not None:
        problems.append(Problem(_where(kr.iid, kr.key), trouble))
    latest = latest_checkin(kr.checkins)
    current = latest.value if latest else None
    confidence = latest.confidence if latest else None
    progress = kr_progress(metric, current)
    return KeyResultResult(
        progress=progress,
        health=kr_health(progress, kr_pace(metric, gone, dates), confidence, policy),
        current=current,
        confidence=confidence,
        metric=metric,
        baseline_pending=metric is not None and metric.baseline_pending,
        latest=latest,
    )

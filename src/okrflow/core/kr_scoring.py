"""Progress of one key result, exactly, and the time it is paced against.

The rules are the "Key-result progress" rules of :mod:`okrflow.core.scoring`.
"""

from __future__ import annotations

import math
from fractions import Fraction

from okrflow.core.arithmetic import ONE, ZERO, Number, as_float, exact
from okrflow.core.checkins import first_checkin
from okrflow.core.dates import QuarterDates, pace_elapsed, resolve_due
from okrflow.core.model import Direction, KeyResult, Metric, MetricKind
from okrflow.core.relative import with_baseline
from okrflow.core.values import format_value

__all__ = ["exact_or_none", "kr_pace", "kr_progress", "kr_progress_exact", "kr_reading"]


def exact_or_none(value: Number | None) -> Fraction | None:
    """``value`` exactly; None for None, NaN and infinities."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return exact(value)


def _reached(value: Fraction, target: Fraction, direction: Direction) -> bool:
    if direction is Direction.DECREASE:
        return value <= target
    return value >= target


def kr_progress_exact(metric: Metric | None, current: float | None) -> Fraction:
    """Progress of one key result, exactly, 0..1 (see the module docstring)."""
    if metric is None or metric.baseline_pending:
        return ZERO
    start, target = exact_or_none(metric.start), exact_or_none(metric.target)
    if start is None or target is None:
        return ZERO
    value = exact_or_none(current)
    if value is None and current is not None and not math.isnan(current):
        beyond = (current > 0) is (metric.direction is Direction.INCREASE)  # +-infinity
        return ONE if beyond and metric.kind is not MetricKind.MILESTONE else ZERO
    if metric.kind in (MetricKind.THRESHOLD, MetricKind.MILESTONE):
        if value is None or (metric.strict and value == target):
            return ZERO
        return ONE if _reached(value, target, metric.direction) else ZERO
    value = start if value is None else value
    span = target - start
    toward = span > 0 if metric.direction is Direction.INCREASE else span < 0
    if not toward:
        return ONE if _reached(value, target, metric.direction) else ZERO
    return max(ZERO, min(ONE, (value - start) / span))


def kr_progress(metric: Metric | None, current: float | None) -> float:
    """Progress of one key result, 0..1 (see the module docstring for the rules)."""
    return as_float(kr_progress_exact(metric, current))


def kr_reading(kr: KeyResult) -> tuple[Metric | None, str | None]:
    """The metric a key result is scored by: its own, or once a relative target's baseline
    is known, the one with start and target from it; and a problem when it cannot be.

    The baseline is the one recorded (``kr.baseline``, kept in okrflow's metadata when
    first seen), else the first check-in's value."""
    metric = kr.metric
    if metric is None or not metric.baseline_pending:
        return metric, None
    if kr.baseline is not None and math.isfinite(kr.baseline):
        baseline, said = kr.baseline, "recorded"
    else:
        first = first_checkin(kr.checkins)
        if first is None or not math.isfinite(first.value):
            return metric, None
        baseline, said = first.value, "from the first check-in"
    try:
        return with_baseline(metric, baseline), None
    except ValueError as error:
        return metric, f"baseline {format_value(baseline, metric.unit)} {said}: {error}"


def kr_pace(metric: Metric | None, elapsed: Fraction, dates: QuarterDates | None) -> Fraction:
    """The share of time a key result is judged against: up to its due date when known."""
    if metric is None or not metric.due or dates is None:
        return elapsed
    due = resolve_due(metric.due, dates.start, dates.end, dates.name)
    return elapsed if due is None else pace_elapsed(dates.start, due, dates.today)

"""Relative targets: "by 20%", "double", "halve", "up 50", "20% more", and the baseline.

Rules:

- ``by N`` after a verb that says the way (``Increase ... by 20%``, ``Reduce ... by
  $10k per month``) is a change from the baseline: a percentage of it (``by 20%``), a
  multiple (``by 3x``, growth only), or an amount in the metric's unit (``by $10k``,
  ``by 2 days``, ``by 10 points``, ``by 5 percentage points`` in %). ``Improve ... by N``
  takes the way from the measure (``Improve MTTR by 30%`` goes down) and is refused when
  the measure does not say. ``up N`` / ``down N`` and ``N% more`` / ``N% fewer`` say the
  way themselves; ``Grow revenue 3x`` is a multiple.
- ``double``, ``triple``, ``quadruple`` and ``halve`` without a number are multiples of
  the baseline: 2, 3, 4 and 1/2; so is ``Reduce ... by half`` / ``Cut ... in half``.
- ``by N%`` of a measure that is itself a percentage (a rate, conversion, retention,
  churn, coverage, share, uptime, margin, adoption ...) can mean N points or N% of today's
  value: it is refused; write ``to N%``, ``by N percentage points`` or ``from x% to y%``.
- The start is the **baseline**: the first value measured (first check-in or metric
  source reading). Until then the metric is ``baseline_pending``. ``by N% from X``
  (``Improve total reply time by 50% from avg. 2 minutes``) gives the baseline at once.
- :func:`with_baseline` derives the target from a baseline: baseline plus or minus N% of
  it, times the multiple, plus or minus the amount. A percentage or multiple of a
  baseline of 0 or below has no meaning and is refused, as is a target equal to the
  baseline.
"""

from __future__ import annotations

import dataclasses
import re
from fractions import Fraction
from typing import Final

from okrflow.core.arithmetic import as_float, exact
from okrflow.core.measures import polarity
from okrflow.core.model import Change, ChangeKind, Direction, Metric, MetricKind
from okrflow.core.quantities import Found
from okrflow.core.values import TIME_UNITS
from okrflow.core.wording import DECREASE, GROWTH, IMPROVE, StatementError, leading_verb

__all__ = ["factor_change", "read_change", "target_from", "with_baseline"]

_PERCENT_MEASURE: Final = re.compile(
    r"""\b(?:rates?|conversions?|retention|churn|coverage|share|uptime|availability|margins?
    |percentage|percent|ratio|accuracy|utili[sz]ation|penetration|ctr|nrr|grr|adoption
    |attendance|engagement)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_FACTORS: Final[dict[str, Fraction]] = {
    "double": Fraction(2),
    "triple": Fraction(3),
    "quadruple": Fraction(4),
    "halve": Fraction(1, 2),
}
_BY: Final = re.compile(r"\bby\s*$", re.IGNORECASE)
_UP_DOWN: Final = re.compile(r"\b(?P<way>up|down)\s*(?:by\s*)?$", re.IGNORECASE)
_MORE: Final = re.compile(r"\s*(?P<way>more|fewer|less|higher|lower)\b", re.IGNORECASE)
_POINTS: Final = re.compile(r"\s*(?:percentage\s+points?|pp|ppts?|%\s*points?)\b", re.IGNORECASE)
_FROM_BASE: Final = re.compile(
    r"\s*from\s+(?:(?:avg\.?|average|current|today'?s?|the|a|an|baseline|of|median)\s+){0,3}$",
    re.IGNORECASE,
)


def factor_change(s: str) -> tuple[Change, Direction] | None:
    """``Double trial-to-paid conversion``, ``Cut onboarding time in half``: the multiple
    its leading verb names."""
    verb = leading_verb(s)
    if DECREASE.fullmatch(verb) and re.search(r"\b(?:by|in)\s+half\b", s, re.IGNORECASE):
        return Change(ChangeKind.FACTOR, 0.5), Direction.DECREASE
    for word, factor in _FACTORS.items():
        if verb in (word, word + "s", word[:-1] + "d" if word.endswith("e") else word + "d"):
            way = Direction.INCREASE if factor > 1 else Direction.DECREASE
            return Change(ChangeKind.FACTOR, as_float(factor)), way
    return None


def _way(s: str, before: str, shown: str) -> tuple[Direction, str]:
    """The way a ``by N`` change goes, from the verb or (after Improve) the measure."""
    if GROWTH.search(before) and not DECREASE.search(before):
        return Direction.INCREASE, "verb"
    if DECREASE.search(before) and not GROWTH.search(before):
        return Direction.DECREASE, "verb"
    if IMPROVE.search(before):
        better = polarity(s)
        if better.direction is not None:
            return better.direction, "measure"
        raise StatementError(
            f"improve by {shown}: up or down? the measure does not say which way is better: "
            f"write 'Increase ... by {shown}' or 'Reduce ... by {shown}'",
            code="unknown-direction",
        )
    raise StatementError(
        f"a change by {shown} needs a verb that says which way: 'Increase ... by {shown}' "
        f"or 'Reduce ... by {shown}', or give the target: 'from <x> to <y>'",
        code="relative",
    )


def read_change(
    s: str, found: Found, following: Found | None
) -> tuple[Metric, Found | None] | None:
    """The relative target ``found`` states, and the number giving its baseline (``by 50%
    from 2 minutes``); None when ``found`` is not a change."""
    q, before, after = found.quantity, s[: found.start], s[found.end :]
    by, up_down, more = _BY.search(before), _UP_DOWN.search(before), _MORE.match(after)
    verb = GROWTH.search(before) or DECREASE.search(before)
    multiple = q.unit == "x" and verb and not re.search(r"\bto\s*$", before, re.IGNORECASE)
    if not (by or up_down or (more and q.unit == "%") or multiple):
        return None
    shown = q.text
    if up_down:
        way, basis = (
            (Direction.INCREASE if up_down["way"].lower() == "up" else Direction.DECREASE),
            "verb",
        )
    elif more and not by:
        way = (
            Direction.INCREASE if more["way"].lower() in ("more", "higher") else Direction.DECREASE
        )
        basis = "verb"
    else:
        way, basis = _way(s, before if by is None else before[: by.start()], shown)
    unit, amount = q.unit, q.value
    if q.unit == "%":
        if _PERCENT_MEASURE.search(s):
            raise StatementError(
                f"by {shown} of a percentage can mean {shown[:-1].strip()} points or {shown} "
                f"of today's value: write 'to <target>%', 'by {shown[:-1].strip()} percentage "
                "points' or 'from <x>% to <y>%'",
                code="ambiguous",
            )
        kind, unit = ChangeKind.PERCENT, ""
    elif q.unit == "x":
        if way is Direction.DECREASE:
            raise StatementError(
                f"down by {shown}: write 'halve' or 'by 50%' instead", code="ambiguous"
            )
        kind, unit = ChangeKind.FACTOR, ""
    else:
        kind = ChangeKind.AMOUNT
        if not q.unit and _POINTS.match(after):
            unit = "%"
    if amount is None:  # a placeholder: the kind is known, the number is not
        return Metric(MetricKind.LINEAR, 0.0, 0.0, unit, way, baseline_pending=True), None
    value = exact(amount)
    if value <= 0 or (kind is ChangeKind.PERCENT and way is Direction.DECREASE and value > 100):
        raise StatementError(
            f"a change of {shown} does not move: name a change above 0 (and at most 100% down)",
            code="no-change",
        )
    change = Change(kind, as_float(value))
    metric = Metric(
        MetricKind.LINEAR, 0.0, 0.0, unit, way, change=change, baseline_pending=True, basis=basis
    )
    base = None
    if following is not None and _FROM_BASE.fullmatch(s[found.end : following.start]):
        base = following
    return metric, base


def target_from(change: Change, direction: Direction, baseline: Fraction) -> Fraction:
    """The target a change reaches from ``baseline``; raises ValueError when it cannot."""
    amount = exact(change.amount)
    sign = 1 if direction is Direction.INCREASE else -1
    if change.kind is ChangeKind.AMOUNT:
        target = baseline + sign * amount
    else:
        if baseline <= 0:
            raise ValueError(
                f"a {'percentage' if change.kind is ChangeKind.PERCENT else 'multiple'} of a "
                "baseline of 0 or below sets no target: write 'from <x> to <y>'"
            )
        if change.kind is ChangeKind.PERCENT:
            target = baseline * (1 + sign * amount / 100)
        else:
            target = baseline * amount
    if target == baseline:
        raise ValueError("the change leaves the baseline where it is: no target to reach")
    return target


def with_baseline(metric: Metric, baseline: float, unit: str = "") -> Metric:
    """``metric`` once its baseline is known: start = baseline, target derived.

    ``baseline`` is in ``metric.unit`` (or in time ``unit``, converted). A metric whose
    baseline is not pending is returned as it is. Raises ValueError when no target
    follows from the baseline (a percentage of 0, a change that does not move).
    """
    if not metric.baseline_pending:
        return metric
    base = exact(baseline)
    if unit and unit != metric.unit and unit in TIME_UNITS and metric.unit in TIME_UNITS:
        base = base * TIME_UNITS[unit] / TIME_UNITS[metric.unit]
    if metric.change is None:
        target = exact(metric.target)
    else:
        target = target_from(metric.change, metric.direction, base)
    return dataclasses.replace(
        metric, start=as_float(base), target=as_float(target), baseline_pending=False
    )

"""KPIs: standing measures with a healthy range, read from a sentence or from fields.

A KPI has no target to reach by the end of a quarter; it has a range to stay in, checked
each time it is measured. :func:`read_kpi` reads the range a sentence states:

- ``between <a> and <b>`` (or ``<a>-<b>``, ``<a> to <b>``): healthy from a to b, both
  included ("Focus days per engineer between 3 and 5 a month").
- A level to hold, read as a key-result threshold is (:mod:`okrflow.core.statements`):
  healthy at or below it ("Average first response under 4 hours", "Engineering help
  requested on under 10% of tickets": below 10%, "We maintain an overall average 7 day
  resolution": a time to resolve, so at most 7 days) or at or above it ("Response SLA
  met 95% of the time or more", "We maintain 1 hour response SLA 100% of the time": the
  share of the time, at least 100%). A count with a floor ("at least 10 customers")
  is healthy at or above it.
- Anything else is refused with the statement reader's reason, or because it states a
  target to reach rather than a range to stay in ("from 4h to 2h", "by 20%", "Launch
  ...").

:func:`kpi_range` builds a range from fields (``low``, ``high``, ``unit``), with the same
checks. :meth:`KpiRange.healthy` says whether a value is in range, exactly.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

from okrflow.core.arithmetic import Number, exact
from okrflow.core.explain import show
from okrflow.core.model import Direction, MetricKind
from okrflow.core.quantities import find_quantities
from okrflow.core.reading import pair_values
from okrflow.core.statements import StatementError, parse_statement
from okrflow.core.values import canonical_unit
from okrflow.core.wording import clean

__all__ = ["KpiRange", "explain_kpi", "kpi_range", "read_kpi", "read_kpi_or_error"]


@dataclasses.dataclass(frozen=True)
class KpiRange:
    """A healthy range: ``low`` and/or ``high`` (included), in ``unit``."""

    low: float | None
    high: float | None
    unit: str = ""
    unit_word: str = ""
    strict: bool = False  # a one-sided range that excludes its bound ("under 4 hours")

    @property
    def direction(self) -> Direction | None:
        """INCREASE: at least ``low``; DECREASE: at most ``high``; None: between both."""
        if self.low is not None and self.high is not None:
            return None
        return Direction.INCREASE if self.low is not None else Direction.DECREASE

    def healthy(self, value: Number) -> bool:
        """Whether ``value`` (in ``unit``) is in range, both ends included."""
        given = exact(value)
        if self.low is not None and given < exact(self.low):
            return False
        if self.high is not None and given > exact(self.high):
            return False
        bound = self.low if self.high is None else self.high
        return not (self.strict and self.direction is not None and given == exact(bound or 0))


def kpi_range(low: float | None = None, high: float | None = None, unit: str = "") -> KpiRange:
    """A range from fields; raises StatementError when it has no bound or low > high."""
    if low is None and high is None:
        raise StatementError("a KPI needs a healthy range: give low:, high: or both", code="empty")
    if low is not None and high is not None and exact(low) > exact(high):
        raise StatementError(f"low {low:g} is above high {high:g}: swap them", code="direction")
    return KpiRange(low, high, canonical_unit(unit))


def _between(s: str) -> KpiRange | None:
    found = [f for f in find_quantities(s) if f.role != "qualifier"]
    for a, b in itertools.pairwise(found):
        gap, before = s[a.end : b.start], s[: a.start]
        if a.role == "range" and b.quantity.value is not None and b.quantity.value < 0:
            # "3-5%": the 5 was read with the dash as its sign, as part of a name
            b = dataclasses.replace(
                b, quantity=dataclasses.replace(b.quantity, value=-b.quantity.value)
            )
            gap = "-"
        elif a.role not in ("measure", "range") or b.role != "measure":
            continue
        written = re.search(r"\bbetween\s*$", before, re.IGNORECASE) and re.fullmatch(
            r"\s*and\s*", gap, re.IGNORECASE
        )
        dashed = re.fullmatch(r"\s*(?:-|–|—|to)\s*", gap, re.IGNORECASE) and not re.search(
            r"\bfrom\s*$", before, re.IGNORECASE
        )
        if written or dashed:
            one, two, unit, word = pair_values(s, (a, b))
            low, high = sorted((one, two))
            return KpiRange(low, high, unit, word)
    return None


def read_kpi(text: str) -> KpiRange:
    """The healthy range a KPI sentence states; raises StatementError (module rules)."""
    s = clean(text)
    between = _between(s)
    if between is not None:
        return between
    metric = parse_statement(text)
    if metric.kind is MetricKind.THRESHOLD or (
        metric.kind is MetricKind.COUNT and metric.basis == "floor"
    ):
        level, strict = metric.target, metric.strict
        if metric.direction is Direction.INCREASE:
            return KpiRange(level, None, metric.unit, metric.unit_word, strict)
        return KpiRange(None, level, metric.unit, metric.unit_word, strict)
    raise StatementError(
        "a KPI is a range to stay in, not a target to reach: write e.g. 'under 4 hours', "
        "'at least 95% of the time' or 'between 3 and 5'",
        code="not-a-range",
    )


def read_kpi_or_error(text: str) -> KpiRange | StatementError:
    """Like :func:`read_kpi`, but returns the error instead of raising it."""
    try:
        return read_kpi(text)
    except StatementError as error:
        return error


def explain_kpi(kpi: KpiRange) -> str:
    """One line: "healthy at most 4 hours", "healthy between 3 and 5", "healthy at least 95%"."""
    if kpi.low is not None and kpi.high is not None:
        low = show(kpi.low, kpi.unit)
        return f"healthy between {low} and {show(kpi.high, kpi.unit, kpi.unit_word)}"
    if kpi.low is not None:
        way = "above" if kpi.strict else "at least"
        return f"healthy {way} {show(kpi.low, kpi.unit, kpi.unit_word)} (higher is better)"
    assert kpi.high is not None
    way = "below" if kpi.strict else "at most"
    return f"healthy {way} {show(kpi.high, kpi.unit, kpi.unit_word)} (lower is better)"

"""A key result's reading in one line of plain text, for its owner to confirm.

``explain(metric)`` says what okrflow will measure: "at most 7 days (lower is better)",
"from 4 to 10 customers, higher is better", "baseline pending: +20% from the first
check-in", "done or not done, due mid-June". :func:`show` writes one value the same way
("10 customers", "45 minutes", "$90,000 per month", "4.6/5").
"""

from __future__ import annotations

from okrflow.core.model import ChangeKind, Direction, Metric, MetricKind
from okrflow.core.values import TIME_UNITS, format_value

__all__ = ["explain", "show"]

_TIME_WORDS = {
    "ms": ("millisecond", "milliseconds"),
    "s": ("second", "seconds"),
    "min": ("minute", "minutes"),
    "h": ("hour", "hours"),
    "d": ("day", "days"),
    "w": ("week", "weeks"),
}


def show(value: float, unit: str = "", unit_word: str = "") -> str:
    """``value`` in ``unit`` as a person reads it, with the unit word after it."""
    if unit in TIME_UNITS:
        one, many = _TIME_WORDS[unit]
        text = f"{format_value(value)} {one if value == 1 else many}"
    else:
        text = format_value(value, unit)
    return f"{text} {unit_word}" if unit_word else text


def _change(metric: Metric) -> str:
    change = metric.change
    if change is None:
        return ""
    sign = "+" if metric.direction is Direction.INCREASE else "-"
    if change.kind is ChangeKind.PERCENT:
        return f"{sign}{format_value(change.amount)}%"
    if change.kind is ChangeKind.FACTOR:
        return f"x{format_value(change.amount)}"
    return sign + show(change.amount, metric.unit, metric.unit_word)


def explain(metric: Metric, *, origin: str = "") -> str:
    """One line: what ``metric`` measures, which way is better, its due date.

    ``origin`` ("the statement", "the OKR file") is named at the end when given.
    """
    better = "higher is better" if metric.direction is Direction.INCREASE else "lower is better"
    target = show(metric.target, metric.unit, metric.unit_word)
    if metric.kind is MetricKind.MILESTONE:
        text = "done or not done"
    elif metric.kind is MetricKind.THRESHOLD:
        way = "at least" if metric.direction is Direction.INCREASE else "at most"
        if metric.strict:
            way = "above" if metric.direction is Direction.INCREASE else "below"
        text = f"{way} {target} ({better})"
    elif metric.kind is MetricKind.COUNT:
        text = f"from 0 to {target}, {better}"
    elif metric.baseline_pending:
        to = _change(metric) or f"to {target}"
        text = f"baseline pending: {to} from the first check-in"
        if metric.change is None:
            text += f", {better}"
    else:
        text = f"from {show(metric.start, metric.unit)} to {target}, {better}"
        if metric.change is not None:
            text += f" ({_change(metric)} of the first value)"
    if metric.due:
        text += f", due {metric.due}"
    if origin:
        text += f", from {origin}"
    return text

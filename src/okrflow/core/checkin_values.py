"""Check-in values as people type them, read against the key result they are for.

Rules:

- Numbers are read as :mod:`okrflow.core.values` says: thousands separators (``1,200``),
  ``%``, currency (``$95k``), ``k``/``M``/``B``, a time in any unit converted into the
  key result's time unit (``90 min`` on a key result in hours is 1.5, ``1.5 days`` is
  36, ``1h 30m`` is 1.5), a rating on a rating key result (``4.4/5``, ``4.4 out of 5``,
  or ``4.4``).
- The key result's unit word may follow the number, singular or plural, in part:
  ``7 customers`` and ``1 customer`` on "from 4 to 10 customers", ``3 guides``, ``3
  logos`` on "large enterprise logos", ``$95k/month`` or ``$95k per month`` on a spend
  per month.
- A milestone is done or not: ``done``, ``yes``, ``shipped``, ``complete``,
  ``completed``, ``launched``, ``achieved``, ``delivered``, ``live``, ``approved``,
  ``finished``, ``released``, ``deployed``, ``published``, ``true`` or ``1``;
  ``not done``, ``no``, ``not yet``, ``pending``, ``in progress``, ``false`` or ``0``.
- Refused, with the reason: a value in a unit that does not convert (``2 days`` on a
  key result in %, ``88/100`` on one out of 5), words the key result does not count
  (``7 logos`` on one counting customers), a unit on a key result that counts things
  (``7%`` on one counting customers), another number on a milestone.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Final

from okrflow.core.arithmetic import as_float, exact
from okrflow.core.measures import words_match
from okrflow.core.model import Metric, MetricKind
from okrflow.core.values import canonical_unit, format_value, parse_exact, read_quantity

__all__ = ["format_checkin_value", "parse_checkin_value", "read_checkin_value"]

_DONE: Final = frozenset(
    """done yes y true shipped complete completed launched achieved delivered live approved
    finished released deployed published""".split()  # noqa: SIM905
)
_NOT_DONE: Final = frozenset(
    {"not done", "no", "n", "not yet", "pending", "in progress", "false", "not started"}
)
_SPLIT: Final = re.compile(r"(?<=[\d%$€£kKMB])\s*(?=/\s*[A-Za-z])|(?<=[\d%$€£kKMB])\s+(?=[A-Za-z])")


def _milestone(text: str, metric: Metric) -> Fraction:
    said = " ".join(text.lower().strip(" .!").split())
    if said in _DONE:
        return exact(metric.target)
    if said in _NOT_DONE:
        return exact(metric.start)
    try:
        value = parse_exact(text)
    except ValueError:
        value = None
    if value in (exact(metric.start), exact(metric.target)):
        assert value is not None
        return value
    raise ValueError(
        f"{text.strip()!r}: a milestone is done or not: write 'done' or 'not done' (or 1 or 0)"
    )


def read_checkin_value(text: str, metric: Metric | None = None, unit: str = "") -> Fraction:
    """The value ``text`` states for a key result with ``metric`` (or measured in
    ``unit`` when the metric is unknown), exactly, in the key result's unit.

    Raises ValueError with the reason (see the module rules).
    """
    body = " ".join(text.split()).strip("`*_ ")
    if metric is not None and metric.kind is MetricKind.MILESTONE:
        return _milestone(body, metric)
    unit = metric.unit if metric is not None else canonical_unit(unit)
    word = metric.unit_word if metric is not None else ""
    try:
        value = parse_exact(body, unit)
    except ValueError as error:
        first = error
    else:
        given = read_quantity(body, unit).unit
        if word and not unit and given:
            raise ValueError(f"{text.strip()!r} is in {given}, but the key result counts {word}")
        return value
    if not word:
        raise first
    for split in reversed(list(_SPLIT.finditer(body))):
        number, words = body[: split.start()], body[split.end() :]
        if not re.fullmatch(r"[A-Za-z/][A-Za-z/ .'’-]*", words):
            continue
        try:
            value = parse_exact(number, unit)
        except ValueError:
            continue
        if words_match(words, word):
            return value
        raise ValueError(
            f"{text.strip()!r} counts {words.strip()}, but the key result counts {word}"
        ) from None
    raise first


def parse_checkin_value(text: str, metric: Metric | None = None, unit: str = "") -> float:
    """Like :func:`read_checkin_value`, as the nearest float."""
    return as_float(read_checkin_value(text, metric, unit))


def format_checkin_value(value: float, metric: Metric | None = None, unit: str = "") -> str:
    """``value`` as a check-in says it, read back by :func:`read_checkin_value`:
    ``done`` / ``not done`` for a milestone, the unit word after the number."""
    milestone = metric is not None and metric.kind is MetricKind.MILESTONE
    if milestone and metric is not None and value in (metric.start, metric.target):
        return "done" if value == metric.target else "not done"
    if metric is None:
        return format_value(value, canonical_unit(unit))
    shown = format_value(value, metric.unit)
    return f"{shown} {metric.unit_word}" if metric.unit_word else shown

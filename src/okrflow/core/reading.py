"""What the numbers of a key-result statement state: a pair, one number alone, or none.

The rules are those of :mod:`okrflow.core.statements` (6, 8, 9, 10 and 11); this module
applies them to the numbers :func:`okrflow.core.statements.parse_statement` has found.
"""

from __future__ import annotations

import dataclasses
import math
import re

from okrflow.core.arithmetic import as_float
from okrflow.core.measures import polarity, share_direction, unit_word_after, words_match
from okrflow.core.model import Direction, Metric, MetricKind
from okrflow.core.quantities import Found, find_quantities
from okrflow.core.relative import factor_change, read_change, with_baseline
from okrflow.core.values import CURRENCIES, TIME_UNITS, Quantity
from okrflow.core.wording import (
    ATTAIN,
    COUNT_VERBS,
    DECREASE,
    GROWTH,
    IMPROVE,
    KEEP,
    StatementError,
    comparator,
    is_milestone,
    leading_verb,
    verb_end,
)

__all__ = [
    "ambiguous",
    "pair_values",
    "read_pair",
    "read_single",
    "read_without_number",
    "to_float",
]

_Slot = tuple[Found, ...]
#: A verb of reaching closer to the number than a verb of change governs it: "Optimize
#: the process to achieve a 50% saving" states a level to reach, not a change.
_REACH = re.compile(r"\b(?:achiev|attain|reach|hit|exceed|surpass)\w*\b", re.IGNORECASE)


def _resolve_m(one: Quantity, other: Quantity) -> Quantity:
    """``30m`` as minutes next to a time, as millions next to money; otherwise ambiguous."""
    if one.unit != "m":
        return one
    if other.unit in TIME_UNITS or other.unit in CURRENCIES:
        return one.resolve_m(minutes=other.unit in TIME_UNITS)
    raise ambiguous(one)


def ambiguous(q: Quantity) -> StatementError:
    number = q.text[:-1]
    return StatementError(
        f"{q.text!r} is ambiguous: write '{number}min' for minutes or '{number}M' for millions",
        code="ambiguous",
    )


def to_float(q: Quantity, unit: str = "") -> float:
    value = q.in_unit(unit)
    try:
        number = as_float(value) if value is not None else math.nan
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise StatementError(f"{q.text[:24]!r} is too large a number", code="out-of-range")
    return number


def _word(s: str, f: Found) -> str:
    """The unit word after a number: a noun for plain numbers, only a rate for the rest."""
    word = unit_word_after(s, f.end)
    if f.quantity.unit and not word.startswith("per "):
        return word[word.index("per ") :] if " per " in f" {word}" else ""
    return word


def _unit_pair(a: Quantity, b: Quantity) -> str:
    units = {a.unit, b.unit} - {""}
    if units <= set(TIME_UNITS) and len(units) == 2:
        return min(units, key=TIME_UNITS.__getitem__)
    if len(units) > 1:
        raise StatementError(
            f"the two numbers have different units ({' and '.join(sorted(units))}): use one unit",
            code="units",
        )
    return units.pop() if units else ""


def pair_values(s: str, slot: _Slot) -> tuple[float, float, str, str]:
    """The two numbers of a pair in one unit, and the unit word: ``(a, b, unit, word)``."""
    a = _resolve_m(slot[0].quantity, slot[1].quantity)
    b = _resolve_m(slot[1].quantity, slot[0].quantity)
    unit = _unit_pair(a, b)
    word_a, word = _word(s, slot[0]), _word(s, slot[1])
    if word_a and word and not words_match(word_a, word):
        raise StatementError(
            f"the two numbers count different things ({word_a} and {word}): use one unit word",
            code="units",
        )
    return to_float(a, unit), to_float(b, unit), unit, word or word_a


def read_pair(s: str, slot: _Slot) -> Metric:
    """``from x to y`` (rule 6)."""
    a, b = slot[0].quantity, slot[1].quantity
    start, target, unit, word = pair_values(s, slot)
    if start == target:
        raise StatementError(
            f"start and target are both {a.text}: nothing to move; to hold a level write "
            f"'Keep ... at or above {a.text}'",
            code="no-change",
        )
    direction = Direction.INCREASE if target > start else Direction.DECREASE
    before = s[: min(slot[0].start, slot[1].start)]
    verb = DECREASE if direction is Direction.INCREASE else GROWTH
    said = verb.search(before)
    way = "up" if direction is Direction.INCREASE else "down"
    if said and not (GROWTH if verb is DECREASE else DECREASE).search(before):
        raise StatementError(
            f"{said.group(0)!r} contradicts the numbers: {a.text} to {b.text} goes {way}; "
            "check the verb or the numbers",
            code="direction",
        )
    explicit = GROWTH.search(before) or DECREASE.search(before)
    better = polarity(s, timed=unit in TIME_UNITS)
    if not explicit and better.strong and better.direction not in (None, direction):
        raise StatementError(
            f"{better.word!r} is better {'lower' if way == 'up' else 'higher'}, but {a.text} "
            f"to {b.text} goes {way}: check the numbers, or say the way with a verb "
            "('Increase ...', 'Reduce ...')",
            code="direction",
        )
    basis = "verb" if explicit else "numbers"
    return Metric(MetricKind.LINEAR, start, target, unit, direction, word, basis=basis)


def _which_way(s: str, q: Quantity, *, reaching: bool) -> tuple[Direction, str]:
    """The way the measure says is better; at least after a verb of reaching; or refuse."""
    better = polarity(s, timed=q.unit in TIME_UNITS)
    if better.direction is not None:
        return better.direction, "measure"
    if better.other:
        raise StatementError(
            f"{q.text}: at least or at most? {better.word!r} is better lower but "
            f"{better.other!r} higher: write 'at least {q.text}' or 'at most {q.text}'",
            code="unknown-direction",
        )
    if reaching:
        return Direction.INCREASE, "verb"
    raise StatementError(
        f"is {q.text} a floor or a ceiling? the measure does not say which way is better: "
        "write e.g. "
        f"'at least {q.text}', 'under {q.text}' or 'from <x> to {q.text}'",
        code="unknown-direction",
    )


def _share(s: str, f: Found) -> bool:
    if f.quantity.unit != "%":
        return False
    if re.match(r"\s+of\b", s[f.end :], re.IGNORECASE):
        return True
    return any(g.role == "qualifier" and g.quantity.unit in TIME_UNITS for g in find_quantities(s))


def read_single(s: str, found: Found, following: Found | None) -> Metric:
    """What one number alone states (rules 8 to 10); raises when it states too little."""
    before, after, q = s[: found.start], s[found.end :], found.quantity
    if re.search(r"\bfrom\s*$", before, re.IGNORECASE):
        raise StatementError(
            f"from {q.text} to what? write 'from {q.text} to <target>'", code="no-target"
        )
    word = _word(s, found)
    unit = "" if q.unit == "m" else q.unit
    relative = read_change(s, found, following)
    if relative is not None:
        metric, base = relative
        points = metric.unit == "%" and not q.unit  # "by 5 percentage points"
        metric = dataclasses.replace(metric, unit_word="" if points else word)
        if base is None:
            return metric
        if metric.unit == "":
            metric = dataclasses.replace(metric, unit=base.quantity.unit)
        return with_baseline(metric, to_float(base.quantity, metric.unit))
    value = to_float(q) if q.value is not None else 0.0
    verb = leading_verb(s)
    keep = KEEP.search(before) and not (verb == "hold" and re.fullmatch(r"\s*\S+\s*", before))
    compared = comparator(before, after, q)
    if compared is not None:
        direction, strict = compared
        plural_count = not unit and word and not word.startswith("per ") and not keep
        if direction is Direction.INCREASE and plural_count and not strict:
            return Metric(MetricKind.COUNT, 0.0, value, "", direction, word, basis="floor")
        return Metric(
            MetricKind.THRESHOLD,
            value,
            value,
            unit,
            direction,
            word,
            strict=strict,
            basis="comparator",
        )
    rate = word.startswith("per ") or " per " in word
    if keep:
        if _share(s, found):
            way, basis = share_direction(after), "share"
        else:
            way, basis = _which_way(s, q, reaching=False)
        return Metric(MetricKind.THRESHOLD, value, value, unit, way, word, basis=basis)
    growth, decrease = GROWTH.search(before), DECREASE.search(before)
    change_verb = max(
        (m.end() for m in (growth, decrease, IMPROVE.search(before)) if m), default=-1
    )
    reach = max((m.start() for m in _REACH.finditer(before)), default=-1)
    if change_verb >= 0 and reach < change_verb:
        if not re.search(r"\bto\s*$", before, re.IGNORECASE):
            raise StatementError(
                f"a change or a target? write 'by {q.text}' for a change or 'to {q.text}' "
                f"for a target ('from <x> to {q.text}' when the start is known)",
                code="ambiguous",
            )
        if growth and not decrease:
            way, basis = Direction.INCREASE, "verb"
        elif decrease and not growth:
            way, basis = Direction.DECREASE, "verb"
        else:
            way, basis = _which_way(s, q, reaching=False)
        return Metric(
            MetricKind.LINEAR, value, value, unit, way, word, baseline_pending=True, basis=basis
        )
    if _share(s, found):
        way = share_direction(after)
        return Metric(MetricKind.THRESHOLD, value, value, unit, way, word, basis="share")
    making = verb in COUNT_VERBS and len(before[verb_end(s) :].split()) <= 1
    # A number of things is judged by the things it counts ("5 logos signed without
    # escalations" counts logos); anything else by the measure the sentence names.
    counted = not unit and word and not word.startswith("per ")
    better = polarity(word if counted else s, timed=unit in TIME_UNITS)
    if better.direction is Direction.DECREASE and not (making and unit in ("", *CURRENCIES)):
        way = better.direction
        return Metric(MetricKind.THRESHOLD, value, value, unit, way, word, basis="measure")
    level = re.search(r"\b(?:of|at)\s*$", before, re.IGNORECASE)
    if unit in ("", *CURRENCIES) and not rate and not level:
        if value <= 0 and q.value is not None:
            raise StatementError(
                f"a count of {q.text} has nothing to reach: name a number above 0",
                code="no-change",
            )
        return Metric(MetricKind.COUNT, 0.0, value, unit, Direction.INCREASE, word, basis="count")
    reaching = verb in ATTAIN or verb in COUNT_VERBS
    way, basis = _which_way(s, q, reaching=reaching)
    return Metric(MetricKind.THRESHOLD, value, value, unit, way, word, basis=basis)


def read_without_number(s: str) -> Metric:
    factor = factor_change(s)
    if factor is not None:
        change, way = factor
        return Metric(
            MetricKind.LINEAR, 0.0, 0.0, "", way, change=change, baseline_pending=True, basis="verb"
        )
    if is_milestone(s):
        return Metric(MetricKind.MILESTONE, 0.0, 1.0, basis="milestone")
    raise StatementError(
        "no number to measure: say how much, e.g. 'from 25 to 35', or name a milestone "
        "that is done or not, e.g. 'Launch ...'",
        code="no-number",
    )

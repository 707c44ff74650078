"""Key-result statements: the metric a sentence states, and the sentence for a metric.

:func:`parse_statement` reads one key result and returns its :class:`Metric`, or raises
:class:`StatementError` with a reason a person can act on. When a sentence can be read
two ways it is refused with how to write it: okrflow never guesses a direction. The
rules, in order:

1. Markdown is read as text: links keep their text, ``**bold**`` and HTML tags go, a
   leading ``KR:`` or list marker goes. Text in parentheses is commentary and is ignored.
   ``[N3]``, ``[_N<sub>3</sub>_][n3]``, ``[X]`` and ``[TBD]`` are placeholders: numbers
   still to be filled in; after ``from`` with no ``to <number>`` a placeholder names
   someone ("Approval from [N2] to proceed").
2. A due date is taken out and kept as said ("by June 30", "in mid-June", "by end of
   Q2", "by the end of the quarter", "by 2025-06-30": :mod:`okrflow.core.dates`).
3. A sentence about work rather than a result ("is working to ...") is rejected, and so
   is a number written as a word after the verb ("Run four webinars": write 4).
4. Numbers that are part of a name (``SOC2``, ``Type 1``, ``Q3``, ``FY22``, ``Week-1``,
   ``10k+-user``, ``10k+ user POC``) are not measures, and neither are qualifying times
   (``within 8 days``, ``in the first 30 days``) or conditions (``with all accounts over
   $1m``): see :mod:`okrflow.core.values` and :mod:`okrflow.core.quantities`.
5. Numbers are read as :mod:`okrflow.core.values` says: ``1,200``, ``1.5k``, ``35%``,
   ``$2M``, ``4h``, ``2 days``, ``2h 30m`` (150 minutes), ``4.2/5`` (a rating).
6. ``from <x> to <y>`` is a LINEAR metric, its direction given by the numbers (up to
   three words may follow ``x``: ``from $120k/month to $90k/month``; ``to under <y>``
   and ``to <y> from current <x>`` are the same pair). A number without a unit takes the
   other's unit; times are converted to the smaller unit. Equal numbers are rejected, so
   is a verb that contradicts the numbers ("Reduce ... from 25 to 35"), and, under a verb
   that does not say the way (Improve, Move), numbers that go against the measure
   ("Improve MTTR from 30m to 2h": MTTR is better lower). ``3-5``, ``from 3-5``, ``3 to
   5`` (without ``from``) and ``between 3 and 5`` are ranges and are rejected.
7. Two measures joined by ``and``, ``while``, ``;``, ``,`` or ``&`` are rejected: one key
   result, one measure. A later number not joined that way is a condition on the
   measure and is ignored ("100% of managers have taken 1 training"). A ``from/to`` pair
   is the measure even when another number comes first, and so is a share: in "1 hour
   response SLA 100% of the time" the hour is the condition and 100% the measure.
8. A relative target ("by 20%", "double", "halve", "up 50", "20% more", "Increase test
   coverage to 80%") is LINEAR with ``baseline_pending``: the start is the first value
   measured (:mod:`okrflow.core.relative`). ``Increase``, ``Grow`` ... ``to N`` and
   ``Reduce``, ``Cut`` ... ``to N`` are targets from that baseline; ``Increase ... N``
   with neither ``to`` nor ``by`` is refused (a change or a target?).
9. One number alone is a THRESHOLD when a comparator says so: at least (``at least``,
   ``no less than``, ``at or above``, ``more than``, ``over``, ``above``, ``>``, ``>=``,
   ``≥``, ``N+``, ``N or more``) or at most (``at most``, ``no more than``, ``at or
   below``, ``less than``, ``fewer than``, ``below``, ``under``, ``within``, ``<``,
   ``<=``, ``from exceeding``, ``not exceed``, ``N or less``). A count of things with a
   floor ("with at least 15 champions", "Close 20 or more deals", "10k+ weekly active
   users") is a COUNT to reach, not a threshold: 9 champions of 15 is 60%.
10. Without a comparator the measure says the way (:mod:`okrflow.core.measures`):
    after ``keep``, ``maintain``, ``sustain``, ``hold`` it is a level to hold, at most
    for a measure better lower ("Maintain an overall average 7 day resolution": at most
    7 days), at least for one better higher, refused for one that does not say; a share
    (``95% of forms``, ``100% of the time``, ``100% resolution within 8 days``) is at
    least unless its condition is a failure; a measure better lower is at most under
    any verb but one that makes things ("3 P1 incidents": at most 3; "Fix 10 bugs": a
    count), a number of things being judged by the things it counts ("5 logos signed
    without escalations" counts logos); a number of things is a COUNT from 0 (``Land 5
    logos``, ``6 recruiters hired``, ``$2M in pipeline``, ``Hold 4 webinars``), which
    must be above 0; a rate (``50 PQLs/week``), a
    percentage, a multiple or a level (``an NPS of 40``) is at least when the measure is
    better higher or a verb of reaching or making comes first (``Achieve``, ``Reach``,
    ``Generate``), and refused otherwise, like a bare time whose measure does not say.
    Rejected too: ``by N`` without a verb of change, ``from <x>`` with no ``to``.
11. Without a number, the statement is a MILESTONE (0 -> 1) when it starts with a verb of
    completion (``Achieve``, ``Launch``, ``Complete``, ``Deploy``, ``Ship``, ``Build``
    ...) or a noun of one (``Approval``, ``Sign-off``, ``Launch``), or says something is
    done (``... is adopted``, ``... complete``, ``deployed``, ``in place``, ``We've rolled
    out ...``); ``Double``, ``Triple``, ``Halve`` ... is a relative target; otherwise it
    is rejected: no number to measure.
12. The unit word is kept: "from 4 to 10 customers" counts customers, "Publish 4 guides"
    guides, "50 PQLs/week" PQLs per week (:func:`okrflow.core.measures.unit_word_after`).
13. When the measure is a placeholder the statement is rejected with ``placeholder`` set
    and ``kind`` telling what it would read as once the number is filled in (None when
    it would still be rejected, e.g. "grows [N7]").

:func:`render_statement` writes the canonical sentence for a metric, checked to read back
to the same metric; :func:`okrflow.core.explain.explain` says a reading in one line.
"""

from __future__ import annotations

import dataclasses
import itertools
import re

from okrflow.core.dates import find_due
from okrflow.core.model import ChangeKind, Direction, Metric, MetricKind
from okrflow.core.quantities import Found, find_quantities
from okrflow.core.reading import ambiguous, read_pair, read_single, read_without_number
from okrflow.core.values import TIME_UNITS, format_value
from okrflow.core.wording import (
    ACTIVITY,
    JOINED,
    TO,
    TO_FROM,
    StatementError,
    clean,
    number_word,
)

__all__ = ["StatementError", "parse_statement", "read_statement", "render_statement"]

_Slot = tuple[Found, ...]  # one measure, or (start, target) of "from x to y"


def _range(shown: str) -> StatementError:
    return StatementError(f"a range ({shown}) is not a target: choose one number", code="range")


def _conditions(s: str, found: list[Found]) -> list[Found]:
    """Numbers the sentence makes conditions: a placeholder naming someone after
    ``from``, and the times before a share ("1 hour SLA 100% of the time")."""
    out = list(found)
    measures = [i for i, f in enumerate(out) if f.role == "measure"]
    for n, i in enumerate(measures):
        f = out[i]
        if f.quantity.value is None and re.search(r"\bfrom\s*$", s[: f.start], re.I):
            nxt = out[measures[n + 1]] if n + 1 < len(measures) else None
            if nxt is None or not TO.fullmatch(s[f.end : nxt.start]):
                out[i] = dataclasses.replace(f, role="name")
    for i in measures:
        if out[i].quantity.unit == "%" and re.match(r"\s+of\b", s[out[i].end :], re.I):
            for j in measures:
                timed = out[j].quantity.unit in TIME_UNITS or out[j].quantity.unit == "m"
                if j < i and timed and out[j].role == "measure":
                    out[j] = dataclasses.replace(out[j], role="qualifier")
    return out


def _slots(s: str, found: list[Found]) -> list[_Slot]:
    """Measures in order, ``from x to y`` pairs kept together; raises on ranges."""
    for f in found:
        if f.role == "range":
            raise _range(s[f.start : f.end + 3].strip())
    measures = [f for f in found if f.role == "measure"]
    slots: list[_Slot] = []
    while measures:
        a = measures.pop(0)
        if re.search(r"\bbetween\s*$", s[: a.start], re.IGNORECASE):
            raise _range(f"between {a.quantity.text} and ...")
        b = measures[0] if measures else None
        between = s[a.end : b.start] if b else ""
        after_from = re.search(r"\bfrom\s*$", s[: a.start], re.IGNORECASE)
        after_to = re.search(r"\bto\s*$", s[: a.start], re.IGNORECASE)
        if b and after_from and TO.fullmatch(between):
            slots.append((a, measures.pop(0)))  # "from $120k/month to $90k/month" too
        elif b and after_to and TO_FROM.fullmatch(between):
            slots.append((measures.pop(0), a))  # "to 75% from current 45%"
        elif b and re.fullmatch(r"\s*(?:to|→|->|-|–|—)\s*", between, re.IGNORECASE):
            raise _range(s[a.start : b.end])
        else:
            slots.append((a,))
    return slots


def _read(text: str) -> Metric:
    s = clean(text)
    try:
        due, s = find_due(s)
    except ValueError as error:
        raise StatementError(str(error), code="ambiguous") from None
    if not s:
        raise StatementError(
            "empty statement: write '<Verb> <measure> from <x> to <y>'", code="empty"
        )
    if activity := ACTIVITY.search(s):
        raise StatementError(
            f"describes work in progress ({activity.group(0)!r}), not a result: state the "
            "result to reach, e.g. 'from 25 to 35'",
            code="activity",
        )
    if spelled := number_word(s):
        raise StatementError(
            f"write the number {spelled!r} in digits so that it can be measured",
            code="number-word",
        )
    found = _conditions(s, find_quantities(s))
    slots = _slots(s, found)
    for one, two in itertools.pairwise(slots):
        if JOINED.search(s[max(f.end for f in one) : min(f.start for f in two)]):
            shown = ", ".join(s[slot[0].start : slot[-1].end] for slot in slots)
            raise StatementError(
                f"several measures in one key result ({shown}): split it into one key "
                "result per measure",
                code="several-measures",
            )
    if not slots:
        return dataclasses.replace(read_without_number(s), due=due)
    slot = next((one for one in slots if len(one) == 2), slots[0])
    holes = [f.quantity.placeholder for f in slot if f.quantity.value is None]
    if holes:
        kind: MetricKind | None = MetricKind.LINEAR
        if len(slot) == 1:
            try:
                kind = read_single(s, slot[0], None).kind
            except StatementError:
                kind = None
        shown = ", ".join(f"[{hole}]" for hole in holes)
        raise StatementError(
            f"the number is a placeholder ({shown}): fill in the target or set target: explicitly",
            code="placeholder",
            placeholder=True,
            kind=kind,
        )
    if len(slot) == 2:
        return dataclasses.replace(read_pair(s, slot), due=due)
    if slot[0].quantity.unit == "m":
        raise ambiguous(slot[0].quantity)
    following = next((f for f in found if f.role == "measure" and f.start > slot[0].end), None)
    return dataclasses.replace(read_single(s, slot[0], following), due=due)


def parse_statement(text: str) -> Metric:
    """The metric a key-result statement states; raises :class:`StatementError`."""
    return _read(text)


def read_statement(text: str) -> Metric | StatementError:
    """Like :func:`parse_statement`, but returns the error instead of raising it."""
    try:
        return _read(text)
    except StatementError as error:
        return error


def _change_text(metric: Metric) -> str:
    change = metric.change
    assert change is not None
    if change.kind is ChangeKind.FACTOR:
        return {2.0: "Double", 3.0: "Triple", 4.0: "Quadruple", 0.5: "Halve"}.get(
            change.amount, f"by {format_value(change.amount, 'x')}"
        )
    if change.kind is ChangeKind.PERCENT:
        return f"by {format_value(change.amount, '%')}"
    if metric.unit == "%":
        return f"by {format_value(change.amount)} percentage points"
    return f"by {format_value(change.amount, metric.unit)}"


def render_statement(verb: str, measure: str, metric: Metric) -> str:
    """The canonical sentence for ``metric``, checked to read back as the same metric.

    LINEAR: ``<verb> <measure> from <start> to <target> <unit word>``; with a baseline
    pending ``<verb> <measure> to <target>`` or ``<verb> <measure> by <change>``
    (``Double <measure>`` ...); COUNT: ``<verb> <target> <unit word> <measure>``;
    THRESHOLD: ``<verb> <measure> at or above|at or below|above|below <target> <unit
    word>``;
    MILESTONE: ``<verb> <measure>``; then ``by <due>``. Raises ValueError when the
    sentence would read as something else (a count in %, a milestone without a verb of
    completion ...).
    """
    start, target = (
        format_value(metric.start, metric.unit),
        format_value(metric.target, metric.unit),
    )
    word = metric.unit_word
    if metric.kind is MetricKind.LINEAR and metric.baseline_pending and metric.change:
        change = _change_text(metric)
        parts = [change, measure] if not change.startswith("by") else [verb, measure, change]
        parts.append(word)
    elif metric.kind is MetricKind.LINEAR and metric.baseline_pending:
        parts = [verb, measure, "to", target, word]
    elif metric.kind is MetricKind.LINEAR:
        parts = [verb, measure, "from", start, "to", target, word]
    elif metric.kind is MetricKind.COUNT:
        parts = [verb, target, word, measure]
    elif metric.kind is MetricKind.THRESHOLD:
        if metric.strict:
            way = "above" if metric.direction is Direction.INCREASE else "below"
        else:
            way = "at or above" if metric.direction is Direction.INCREASE else "at or below"
        parts = [verb, measure, way, target, word]
    else:
        parts = [verb, measure]
    if metric.due:
        parts += ["by", metric.due]
    text = " ".join(" ".join(part.split()) for part in parts if part.strip())
    read = read_statement(text)
    if read != metric:
        why = read.reason if isinstance(read, StatementError) else f"reads as {read}"
        raise ValueError(f"{text!r} does not state {metric}: {why}")
    return text

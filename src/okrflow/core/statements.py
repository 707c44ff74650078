"""Key-result statements: the metric a sentence states, and the sentence for a metric.

:func:`parse_statement` reads one key result and returns its :class:`Metric`, or raises
:class:`StatementError` with a reason a person can act on. The rules, in order:

1. Markdown is read as text: links keep their text, ``**bold**`` and HTML tags go, a
   leading ``KR:`` or list marker goes. Text in parentheses is commentary and is ignored.
   ``[N3]``, ``[_N<sub>3</sub>_][n3]``, ``[X]`` and ``[TBD]`` are placeholders: numbers
   still to be filled in.
2. A sentence about work rather than a result ("is working to ...") is rejected.
3. Numbers that are part of a name (``SOC2``, ``Type 1``, ``Q3``, ``FY22``, ``Week-1``,
   ``10k+-user``) are not measures, and neither are qualifying times (``within 8 days``,
   ``in the first 30 days``): see :mod:`okrflow.core.values` for the exact rules.
4. Numbers are read as :mod:`okrflow.core.values` says: ``1,200``, ``1.5k``, ``35%``,
   ``$2M``, ``4h``, ``2 days``.
5. ``from <x> to <y>`` is a LINEAR metric, its direction given by the numbers (up to
   three words may follow ``x``: ``from $120k/month to $90k/month``). A number
   without a unit takes the other's unit; times are converted to the smaller unit. Equal
   numbers are rejected, and so is a verb that contradicts the numbers ("Reduce ... from
   25 to 35"). ``3-5``, ``from 3-5``, ``3 to 5`` (without ``from``) and ``between 3 and
   5`` are ranges and are rejected.
6. Two measures joined by ``and``, ``while``, ``;``, ``,`` or ``&`` are rejected: one key
   result, one measure. A later number not joined that way is a condition on the
   measure and is ignored ("100% of managers have taken 1 training"). A ``from/to`` pair
   is the measure even when another number comes first.
7. One number alone is a THRESHOLD when a comparator says so: at least (``at least``,
   ``no less than``, ``at or above``, ``more than``, ``over``, ``above``, ``>``, ``>=``,
   ``N+``, ``N or more``) or at most (``at most``, ``no more than``, ``at or below``,
   ``less than``, ``fewer than``, ``below``, ``under``, ``within``, ``<``, ``<=``,
   ``from exceeding``, ``not exceed``, ``N or less``). Without one: after ``keep``,
   ``maintain``, ``sustain`` it is at least; after ``reduce``, ``cut``, ``lower`` ... it
   is at most; a percentage or a multiple (``95%``, ``3x``), a rate (``50 PQLs/week``)
   or a level (``an NPS of 40``, ``uptime at 99.9``) is at least; anything else is a
   COUNT from 0 (``Land 5 logos``, ``6 recruiters hired``, ``$2M in pipeline``), which
   must be above 0. Rejected: after ``increase``, ``grow``, ``raise`` ... (where does it
   start?), after ``by`` (a change needs a start), after ``from`` with no ``to``, and a
   bare time (a ceiling or a change?).
8. Without a number, the statement is a MILESTONE (0 -> 1) when it starts with a verb of
   completion (``Achieve``, ``Launch``, ``Complete``, ``Deploy``, ``Ship``, ``Build`` ...)
   or says something is done (``... is adopted``, ``... complete``, ``deployed``,
   ``in place``, ``We've rolled out ...``); otherwise it is rejected: no number to measure.
9. When the measure is a placeholder the statement is rejected with ``placeholder`` set
   and ``kind`` telling what it would read as once the number is filled in (None when
   it would still be rejected, e.g. "grows [N7]").

:func:`render_statement` writes the canonical sentence for a metric, checked to read back
to the same metric.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Final

from okrflow.core.model import Direction, Metric, MetricKind
from okrflow.core.values import (
    CURRENCIES,
    PLACEHOLDER_CLOSE,
    PLACEHOLDER_OPEN,
    TIME_UNITS,
    Found,
    Quantity,
    find_quantities,
    format_value,
)

__all__ = ["StatementError", "parse_statement", "read_statement", "render_statement"]


class StatementError(ValueError):
    """A key result whose statement cannot be read; ``reason`` says why and what to do.

    ``code`` names the problem for tools: ``empty``, ``activity``, ``no-number``,
    ``placeholder``, ``several-measures``, ``range``, ``relative``, ``no-start``,
    ``no-target``, ``no-change``, ``direction``, ``units``, ``ambiguous``, ``out-of-range``.
    ``placeholder`` is true when the number is still to be filled in; ``kind`` is then
    what the statement would be.
    """

    def __init__(
        self, reason: str, *, code: str, placeholder: bool = False, kind: MetricKind | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.placeholder = placeholder
        self.kind = kind


def _forms(*stems: str) -> str:
    """A regex alternation of the verb forms of ``stems`` (reduce, reduces, reduced ...)."""
    words: set[str] = set()
    for stem in stems:
        base = stem[:-1] if stem.endswith("e") else stem
        words |= {stem, f"{stem}s", f"{base}ed", f"{base}ing", f"{stem}es"}
    return r"\b(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")\b"


_GROWTH: Final = re.compile(
    _forms("increase", "grow", "raise", "boost", "expand", "lift", "double", "triple")
    + r"|\b(?:grew|grown)\b",
    re.IGNORECASE,
)
_DECREASE: Final = re.compile(
    _forms("reduce", "decrease", "cut", "lower", "shrink", "drop", "shorten", "halve")
    + "|"
    + _forms("minimise", "minimize", "lessen", "trim", "slash", "eliminate")
    + r"|\b(?:dropped|dropping|trimmed|trimming|cutting)\b",
    re.IGNORECASE,
)
_KEEP: Final = re.compile(
    _forms("keep", "maintain", "sustain", "stay", "remain", "preserve") + r"|\bkept\b",
    re.IGNORECASE,
)
_MILESTONE_VERBS: Final = frozenset(
    """achieve adopt agree appoint approve attain audit automate become benchmark build
    certify choose commit complete conduct consolidate create decide define deliver deploy
    deprecate design document earn enable establish finalise finalize finish form get hire
    host implement integrate introduce kick lay launch meet migrate move obtain onboard
    open organise organize pass pilot prepare produce prove publish rebuild recruit
    redesign release replace retire rewrite roll run secure select set ship sign stand
    standardise standardize start sunset switch transition upgrade validate write""".split()  # noqa: SIM905
)
_DONE: Final = re.compile(
    r"""\b(?:adopted|approved|available|achieved|automated|certified|complete|completed
    |compliant|defined|delivered|deployed|documented|done|enabled|established|finali[sz]ed
    |finished|implemented|in\s+place|in\s+production|integrated|launched|migrated
    |provided|published|released|rolled\s+out|set\s+up|shipped|signed(?:\s+off)?)\b
    |\b(?:is|are|goes|go|went)\s+live\b
    |\b(?:is|are|was|were|been|have|has|had)\s+(?:been\s+)?(?:\w+ly\s+)?
     (?:\w+ed|done|built|made|run|begun|won|held|sent|written|chosen|given|taken)\b""",
    re.IGNORECASE | re.VERBOSE,
)
_ACTIVITY: Final = re.compile(r"\bworking\s+(?:on|to|towards?)\b", re.IGNORECASE)
_AT_LEAST_BEFORE: Final = re.compile(
    r"""(?:\bat\s+least|\bno\s+(?:less|fewer)\s+than|\bnot\s+(?:less|fewer)\s+than
    |\b(?:a\s+)?minimum(?:\s+of)?|\bmin\.|\bat\s+or\s+above|\b(?:more|greater)\s+than
    |\bover|\babove|(?<!from\s)\bexceed(?:ing)?|>=|≥|>)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_AT_MOST_BEFORE: Final = re.compile(
    r"""(?:\bat\s+most|\bno\s+more\s+than|\bnot\s+more\s+than|\b(?:a\s+)?maximum(?:\s+of)?
    |\bmax\.|\bat\s+or\s+below|\b(?:less|fewer)\s+than|\bbelow|\bunder|\bwithin
    |\b(?:from|not|never|not\s+to)\s+exceed(?:ing)?|<=|≤|<)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_AT_LEAST_AFTER: Final = re.compile(
    r"\s*or\s+(?:more|higher|above|greater|better)\b", re.IGNORECASE
)
_AT_MOST_AFTER: Final = re.compile(r"\s*or\s+(?:less|fewer|lower|below|under)\b", re.IGNORECASE)
_RATE_AFTER: Final = re.compile(
    r"\s*[^\s,;]*?(?:\s+[^\s,;]+?){0,2}?\s*(?:/|\s+per\s+|\s+an?\s+|\s+every\s+|\s+each\s+)"
    r"(?:week|day|month|quarter|year|hour)s?\b",
    re.IGNORECASE,
)
_TO: Final = re.compile(r"(?:\s*[^\s\d,;]+){0,3}?\s*(?:to|→|->)\s*", re.IGNORECASE)
_JOINED: Final = re.compile(r";|,|&|\b(?:and|while|plus|but|also)\b", re.IGNORECASE)
_PLACEHOLDER_MD: Final = re.compile(
    r"\[\s*_*\s*(?P<name>[A-Z](?:\s*<sub>\s*\d+\s*</sub>|\d*)|TBD|TBC|\?+)\s*_*\s*\]"
    r"(?:\s*\[[^\]]*\])?"
)


_Slot = tuple[Found, ...]  # one measure, or the two numbers of "from x to y"


def _clean(text: str) -> str:
    """The statement as plain text: markdown gone, placeholders as ``⟦N3⟧``, no asides."""
    s = text.replace("’", "'").replace("“", '"').replace("”", '"')

    def placeholder(match: re.Match[str]) -> str:
        name = re.sub(r"<[^>]*>|\s", "", match["name"])
        return f"{PLACEHOLDER_OPEN}{name}{PLACEHOLDER_CLOSE}"

    s = _PLACEHOLDER_MD.sub(placeholder, s)
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", s)  # images
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", s)  # inline links
    s = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", s)  # reference links
    s = re.sub(r"</?(?:sub|sup|b|i|em|strong|br|span|code|a|u|s|del)\b[^>]*>", "", s)
    s = re.sub(r"\*\*|__|`|~~", "", s)
    s = re.sub(r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?(?:KR\s*\d*\s*[:.)-]\s+)?", "", s, flags=re.I)
    previous = None
    while previous != s:
        previous, s = s, re.sub(r"\([^()]*\)", " ", s)
    s = re.sub(r"\bwe've\b", "we have", s, flags=re.IGNORECASE)
    s = re.sub(r"\bwe're\b", "we are", s, flags=re.IGNORECASE)
    return " ".join(s.split()).strip(" .;:")


def _range(shown: str) -> StatementError:
    return StatementError(f"a range ({shown}) is not a target: choose one number", code="range")


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
        if b and after_from and _TO.fullmatch(between):
            slots.append((a, measures.pop(0)))  # "from $120k/month to $90k/month" too
        elif b and re.fullmatch(r"\s*(?:to|→|->|-|–|—)\s*", between, re.IGNORECASE):
            raise _range(s[a.start : b.end])
        else:
            slots.append((a,))
    return slots


def _is_milestone(s: str) -> bool:
    subject = re.match(
        r"(?:(?:we|i|the\s+team|our\s+team)\s+(?:will\s+|shall\s+|are\s+going\s+to\s+)?)?"
        r"(?P<verb>[A-Za-z]+)",
        s,
        re.IGNORECASE,
    )
    if subject and subject["verb"].lower() in _MILESTONE_VERBS:
        return True
    return _DONE.search(s) is not None


def _comparator(before: str, after: str, quantity: Quantity) -> Direction | None:
    if _AT_MOST_BEFORE.search(before) or _AT_MOST_AFTER.match(after):
        return Direction.DECREASE
    if _AT_LEAST_BEFORE.search(before) or _AT_LEAST_AFTER.match(after) or quantity.at_least:
        return Direction.INCREASE
    return None


def _single(s: str, found: Found) -> tuple[MetricKind, Direction]:
    """What one number alone states (rule 7); raises when it states too little."""
    before, after, q = s[: found.start], s[found.end :], found.quantity
    if re.search(r"\bfrom\s*$", before, re.IGNORECASE):
        raise StatementError(
            f"from {q.text} to what? write 'from {q.text} to <target>'", code="no-target"
        )
    if re.search(r"\bby\s*$", before, re.IGNORECASE):
        raise StatementError(
            f"a change by {q.text} needs a start: write 'from <x> to <y>'", code="relative"
        )
    direction = _comparator(before, after, q)
    if direction is not None:
        return MetricKind.THRESHOLD, direction
    if _KEEP.search(before):
        return MetricKind.THRESHOLD, Direction.INCREASE
    if _DECREASE.search(before):
        return MetricKind.THRESHOLD, Direction.DECREASE
    if _GROWTH.search(before):
        raise StatementError(
            f"a target without a start ({q.text}): say where it starts, "
            f"e.g. 'from <x> to {q.text}'",
            code="no-start",
        )
    if q.unit in ("%", "x") or _RATE_AFTER.match(after) or re.search(r"\b(?:of|at)\s*$", before):
        return MetricKind.THRESHOLD, Direction.INCREASE
    if q.unit in TIME_UNITS or q.unit == "m":
        raise StatementError(
            f"is {q.text} a ceiling or a change? write e.g. 'under {q.text}' or "
            f"'from <x> to {q.text}'",
            code="no-start",
        )
    return MetricKind.COUNT, Direction.INCREASE


def _resolve_m(one: Quantity, other: Quantity) -> Quantity:
    """``30m`` as minutes next to a time, as millions next to money; otherwise ambiguous."""
    if one.unit != "m":
        return one
    if other.unit in TIME_UNITS or other.unit in CURRENCIES:
        return one.resolve_m(minutes=other.unit in TIME_UNITS)
    raise _ambiguous(one)


def _ambiguous(q: Quantity) -> StatementError:
    number = q.text[:-1]
    return StatementError(
        f"{q.text!r} is ambiguous: write '{number}min' for minutes or '{number}M' for millions",
        code="ambiguous",
    )


def _float(q: Quantity, unit: str = "") -> float:
    value = q.in_unit(unit) if unit in TIME_UNITS else q.value
    number = float(value) if value is not None else float("nan")
    if not math.isfinite(number):
        raise StatementError(f"{q.text[:24]!r} is too large a number", code="out-of-range")
    return number


def _pair(s: str, slot: _Slot) -> Metric:
    """``from x to y`` (rule 5)."""
    a, b = (
        _resolve_m(slot[0].quantity, slot[1].quantity),
        _resolve_m(slot[1].quantity, slot[0].quantity),
    )
    units = {a.unit, b.unit} - {""}
    if units <= set(TIME_UNITS) and len(units) == 2:
        unit = min(units, key=TIME_UNITS.__getitem__)
    elif len(units) > 1:
        raise StatementError(
            f"the two numbers have different units ({' and '.join(sorted(units))}): use one unit",
            code="units",
        )
    else:
        unit = units.pop() if units else ""
    start, target = _float(a, unit), _float(b, unit)
    if start == target:
        raise StatementError(
            f"start and target are both {a.text}: nothing to move; to hold a level write "
            f"'Keep ... at or above {a.text}'",
            code="no-change",
        )
    direction = Direction.INCREASE if target > start else Direction.DECREASE
    before = s[: slot[0].start]
    verb = _DECREASE if direction is Direction.INCREASE else _GROWTH
    said = verb.search(before)
    if said and not (_GROWTH if verb is _DECREASE else _DECREASE).search(before):
        way = "up" if direction is Direction.INCREASE else "down"
        raise StatementError(
            f"{said.group(0)!r} contradicts the numbers: {a.text} to {b.text} goes {way}; "
            "check the verb or the numbers",
            code="direction",
        )
    return Metric(MetricKind.LINEAR, start, target, unit, direction)


def _read(text: str) -> Metric:
    s = _clean(text)
    if not s:
        raise StatementError(
            "empty statement: write '<Verb> <measure> from <x> to <y>'", code="empty"
        )
    if activity := _ACTIVITY.search(s):
        raise StatementError(
            f"describes work in progress ({activity.group(0)!r}), not a result: state the "
            "result to reach, e.g. 'from 25 to 35'",
            code="activity",
        )
    slots = _slots(s, find_quantities(s))
    for one, two in itertools.pairwise(slots):
        if _JOINED.search(s[one[-1].end : two[0].start]):
            shown = ", ".join(s[slot[0].start : slot[-1].end] for slot in slots)
            raise StatementError(
                f"several measures in one key result ({shown}): split it into one key "
                "result per measure",
                code="several-measures",
            )
    if not slots:
        if _is_milestone(s):
            return Metric(MetricKind.MILESTONE, 0.0, 1.0)
        raise StatementError(
            "no number to measure: say how much, e.g. 'from 25 to 35', or name a milestone "
            "that is done or not, e.g. 'Launch ...'",
            code="no-number",
        )
    slot = next((one for one in slots if len(one) == 2), slots[0])
    holes = [f.quantity.placeholder for f in slot if f.quantity.value is None]
    if holes:
        kind: MetricKind | None = MetricKind.LINEAR
        if len(slot) == 1:
            try:
                kind = _single(s, slot[0])[0]
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
        return _pair(s, slot)
    q = slot[0].quantity
    if q.unit == "m":
        raise _ambiguous(q)
    kind, direction = _single(s, slot[0])
    value = _float(q)
    if kind is MetricKind.COUNT:
        if value <= 0:
            raise StatementError(
                f"a count of {q.text} has nothing to reach: name a number above 0",
                code="no-change",
            )
        return Metric(MetricKind.COUNT, 0.0, value, q.unit, Direction.INCREASE)
    return Metric(MetricKind.THRESHOLD, value, value, q.unit, direction)


def parse_statement(text: str) -> Metric:
    """The metric a key-result statement states; raises :class:`StatementError`."""
    return _read(text)


def read_statement(text: str) -> Metric | StatementError:
    """Like :func:`parse_statement`, but returns the error instead of raising it."""
    try:
        return _read(text)
    except StatementError as error:
        return error


def render_statement(verb: str, measure: str, metric: Metric) -> str:
    """The canonical sentence for ``metric``, checked to read back as the same metric.

    LINEAR: ``<verb> <measure> from <start> to <target>``; COUNT: ``<verb> <target>
    <measure>``; THRESHOLD: ``<verb> <measure> at or above|at or below <target>``;
    MILESTONE: ``<verb> <measure>``. Raises ValueError when the sentence would read as
    something else (a count in %, a milestone without a verb of completion ...).
    """
    start, target = (
        format_value(metric.start, metric.unit),
        format_value(metric.target, metric.unit),
    )
    if metric.kind is MetricKind.LINEAR:
        parts = [verb, measure, "from", start, "to", target]
    elif metric.kind is MetricKind.COUNT:
        parts = [verb, target, measure]
    elif metric.kind is MetricKind.THRESHOLD:
        word = "at or above" if metric.direction is Direction.INCREASE else "at or below"
        parts = [verb, measure, word, target]
    else:
        parts = [verb, measure]
    text = " ".join(" ".join(part.split()) for part in parts if part.strip())
    read = read_statement(text)
    if read != metric:
        why = read.reason if isinstance(read, StatementError) else f"reads as {read}"
        raise ValueError(f"{text!r} does not state {metric}: {why}")
    return text

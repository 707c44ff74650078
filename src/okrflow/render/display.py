"""How numbers, counts and labels look wherever okrflow shows them: one place, so all agree.

Progress and confidence are whole percents, scores one decimal, both rounded half up
by :func:`okrflow.core.report.progress_percent` and :func:`~okrflow.core.report.score_tenths`,
in the terminal, in GitLab and in every report. A metric value is rounded to two
decimals, halves up, and written as :func:`okrflow.core.explain.show` writes a reading
("10 customers", "4.5 hours", "$1,200", "95%", "4.4/5"), so a value reads the same in
``lint``'s one-line reading, in ``status``, in the progress sections and in the reports.
The JSON document keeps the unrounded values. A count names its noun in the right number
(:func:`~okrflow.core.counts.count`, shown from here too).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from okrflow.core.counts import count, plural
from okrflow.core.explain import show
from okrflow.core.report import progress_percent, score_tenths

__all__ = [
    "ALL_TEAMS_SERIES",
    "MISSING",
    "SERIES",
    "closed_text",
    "confidence",
    "count",
    "day",
    "goal",
    "grade_emoji",
    "grade_label",
    "health_class",
    "health_emoji",
    "health_label",
    "health_symbol",
    "kpi_state",
    "label",
    "moment",
    "number",
    "outcome_label",
    "percent",
    "plural",
    "ref",
    "score",
    "series_mark",
    "some",
    "span",
    "sparkline",
    "state_label",
    "team",
    "value",
]

MISSING = "—"

_HEALTH = {
    "on track": ("On track", "✓", "🟢"),
    "needs attention": ("Needs attention", "!", "🟡"),
    "at risk": ("At risk", "✕", "🔴"),
}
_STATES = {"draft": "In Draft", "review": "Under Review", "active": "Active", "closed": "Closed"}
_GRADES = {"green": ("Green", "●"), "yellow": ("Yellow", "◐"), "red": ("Red", "○")}

#: The colours of a chart's series (one per team), each with the emoji square that
#: names it in a Markdown legend (Mermaid charts have none of their own).
SERIES: tuple[tuple[str, str], ...] = (
    ("#0969da", "🟦"),
    ("#bc4c00", "🟧"),
    ("#1a7f37", "🟩"),
    ("#8250df", "🟪"),
    ("#cf222e", "🟥"),
    ("#9a6700", "🟨"),
    ("#7d4e24", "🟫"),
)
ALL_TEAMS_SERIES = ("#24292f", "⬛")  # the line of all teams together


def some(names: Sequence[str], limit: int = 8) -> str:
    """``a, b, c`` or, past ``limit``, ``a, b ... and 12 more``."""
    more = f" and {len(names) - limit:,} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def series_mark(index: int) -> str:
    """The emoji square of the ``index``-th series (a team's line in a chart)."""
    return SERIES[index % len(SERIES)][1]


def percent(progress: float | None) -> str:
    """``0.724`` -> ``"72%"``; never 100% before the target is reached."""
    return MISSING if progress is None else f"{progress_percent(progress)}%"


def score(value: float | None) -> str:
    """``0.75`` -> ``"0.8"``; ``None`` (not closed yet) -> ``"—"``."""
    if value is None:
        return MISSING
    tenths = score_tenths(value)
    return f"{tenths // 10}.{tenths % 10}"


def confidence(value: float | None) -> str:
    return MISSING if value is None else f"{progress_percent(value)}%"


def _rounded(amount: float) -> float:
    """``amount`` to two decimals, halves up (the shortest decimal that prints as it)."""
    exact = Decimal(repr(float(amount)))
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) + 0.0


def number(value: float | None) -> str:
    """A metric value: thousands separators, at most two decimals, no trailing zeros."""
    if value is None or not math.isfinite(value):
        return MISSING
    return show(_rounded(value))


def value(amount: float | None, unit: str = "", unit_word: str = "") -> str:
    """A metric value with its unit and unit word: ``"15,000"``, ``"95%"``,
    ``"$1,200"``, ``"4.5 hours"``, ``"10 customers"``."""
    if amount is None or not math.isfinite(amount):
        return MISSING
    return show(_rounded(amount), unit, unit_word)


def goal(
    kind: str | None,
    direction: str | None,
    start: float | None,
    target: float | None,
    unit: str = "",
    unit_word: str = "",
    *,
    strict: bool = False,
) -> str:
    """Where a key result goes: ``"4 → 10 customers"``, ``"at most 7 days"``, ``"done"``,
    ``"baseline pending → 80%"`` (no start yet), ``"baseline pending"`` (nor target)."""
    if kind is None:
        return MISSING
    if kind == "milestone":
        return "done"
    if kind == "threshold":
        if direction == "decrease":
            way = "below" if strict else "at most"
        else:
            way = "above" if strict else "at least"
        return f"{way} {value(target, unit, unit_word)}"
    if start is None:
        pending = "baseline pending"
        return pending if target is None else f"{pending} → {value(target, unit, unit_word)}"
    return f"{value(start, unit)} → {value(target, unit, unit_word)}"


def day(iso: str | None) -> str:
    """``"2024-04-01T09:30:00Z"`` -> ``"2024-04-01"``."""
    return MISSING if not iso else iso[:10]


def moment(iso: str) -> str:
    """``"2024-04-01T09:30:00Z"`` -> ``"2024-04-01 09:30 UTC"``."""
    return f"{iso[:10]} {iso[11:16]} UTC" if len(iso) >= 16 else iso


def health_label(health: str | None) -> str:
    return _HEALTH[health][0] if health in _HEALTH else MISSING


def health_symbol(health: str | None) -> str:
    """A shape that tells the health apart without colour."""
    return _HEALTH[health][1] if health in _HEALTH else "?"


def health_emoji(health: str | None) -> str:
    return _HEALTH[health][2] if health in _HEALTH else "⚪"


def health_class(health: str | None) -> str:
    """CSS class: ``"health-on-track"``, ``"health-needs-attention"``, ``"health-at-risk"``."""
    return "health-" + (health or "unknown").replace(" ", "-")


def kpi_state(healthy: bool | None) -> str:
    """A KPI's state: ``"In range"``, ``"Out of range"`` or ``"No value yet"``."""
    return {True: "In range", False: "Out of range", None: "No value yet"}[healthy]


def grade_label(grade: str | None) -> str:
    """``"green"`` -> ``"● Green"``: a shape as well as the word, never colour alone."""
    if grade not in _GRADES:
        return MISSING
    word, shape = _GRADES[grade]
    return f"{shape} {word}"


def outcome_label(outcome: str | None) -> str:
    """An outcome as shown: ``"carried over"`` -> ``"Carried over"``; none yet: ``"—"``."""
    return label(outcome)


def span(start: str | None, end: str | None) -> str:
    """Two ISO dates as a period: ``"2024-01-01 – 2024-03-31"``."""
    if not start or not end:
        return MISSING
    return f"{start[:10]} – {end[:10]}"


def state_label(state: str | None) -> str:
    return _STATES.get(state or "", MISSING)


def label(text: str | None) -> str:
    """An enum value as a label: ``"carried over"`` -> ``"Carried over"``."""
    return MISSING if not text else text[:1].upper() + text[1:].replace("_", " ")


def team(name: str | None) -> str:
    return name if name else "(no team)"


def ref(iid: int | None, key: str) -> str:
    """How an OKR is named in a report: ``"#12"``, or its key before it has an issue."""
    return f"#{iid}" if iid is not None else key


def okr_ref(item: dict[str, Any]) -> str:
    """How an OKR of the report document is named: its full reference in a group scope
    (``acme/sales#12``), else :func:`ref`."""
    reference = item.get("reference")
    return str(reference) if reference else ref(item.get("iid"), str(item.get("key") or ""))


def parent_refs(objective: dict[str, Any]) -> list[str]:
    """The names of an objective's parents: full references in a group scope."""
    return list(objective.get("parent_references") or (f"#{i}" for i in objective["parent_iids"]))


def sparkline(values: list[float | None]) -> str:
    """Check-in values as block characters, for a text trend: ``"▁▃▅█"``."""
    nums = [v for v in values if v is not None and math.isfinite(v)]
    if len(nums) < 2:
        return MISSING
    low, high = min(nums), max(nums)
    bars = "▁▂▃▄▅▆▇█"
    if high == low:
        return bars[3] * len(nums)
    return "".join(bars[round((v - low) / (high - low) * (len(bars) - 1))] for v in nums)


_GRADE_EMOJI = {"green": "🟢", "yellow": "🟡", "red": "🔴"}


def grade_emoji(grade: str | None) -> str:
    return _GRADE_EMOJI.get(grade or "", "⚪")


def closed_text(score_value: float, grade: str, outcome: str | None) -> str:
    """``Closed · score 0.6 · grade yellow · outcome missed``: what a closed OKR shows
    where an open one shows its health."""
    said = outcome if outcome else "not recorded"
    return f"Closed · score {score(score_value)} · grade {grade} · outcome {said}"

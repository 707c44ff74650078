"""How numbers, counts and labels look wherever okrflow shows them: one place, so all agree.

Progress and confidence are whole percents, scores one decimal, both rounded half up
by :func:`okrflow.core.report.progress_percent` and :func:`~okrflow.core.report.score_tenths`,
in the terminal, in GitLab and in every report. The JSON document keeps the
unrounded values. A count names its noun in the right number
(:func:`~okrflow.core.counts.count`, shown from here too).
"""

from __future__ import annotations

import math

from okrflow.core.counts import count, plural
from okrflow.core.report import progress_percent, score_tenths

__all__ = [
    "MISSING",
    "closed_text",
    "confidence",
    "count",
    "day",
    "grade_emoji",
    "health_class",
    "health_emoji",
    "health_label",
    "health_symbol",
    "label",
    "moment",
    "number",
    "percent",
    "plural",
    "ref",
    "score",
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
_CURRENCIES = ("$", "€", "£", "¥")


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


def number(value: float | None) -> str:
    """A metric value: thousands separators, at most two decimals, no trailing zeros."""
    if value is None or not math.isfinite(value):
        return MISSING
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def value(amount: float | None, unit: str = "") -> str:
    """A metric value with its unit: ``"15,000"``, ``"95%"``, ``"$1,200"``, ``"4 h"``."""
    text = number(amount)
    if text == MISSING or not unit:
        return text
    if unit in _CURRENCIES:
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}"


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

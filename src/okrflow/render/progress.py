"""The managed progress section okrflow writes into each OKR issue's description.

A pure function of the model and its :class:`~okrflow.core.evaluation.Evaluation`:
the same numbers as ``okrflow status`` and the reports (rounded for display by
:mod:`okrflow.render.display`). The text holds nothing that changes with time
alone (no "updated at", no elapsed share), so a rollup that finds no new value
renders exactly the text already in GitLab and writes nothing.

A key result's section::

    **Progress** `██████░░░░` 60% · 🟢 On track

    | Current | Start → target | Confidence | Checked in |
    | --- | --- | --- | --- |
    | 13,000 | 10,000 → 15,000 | 70% | 2024-02-12 |

An objective's section has one row per key result and per objective aligned under it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from okrflow.core.checkins import latest_checkin
from okrflow.core.evaluation import (
    Closing,
    Closings,
    Evaluation,
    KeyResultResult,
    ObjectiveResult,
)
from okrflow.core.model import Direction, KeyResult, Metric, MetricKind, Objective
from okrflow.core.report import progress_percent
from okrflow.render import display
from okrflow.render.escape.markdown import md_cell

__all__ = [
    "BAR_WIDTH",
    "FOOTER",
    "Sections",
    "key_result_section",
    "objective_section",
    "progress_bar",
    "sections",
]

BAR_WIDTH = 10
FOOTER = "_Written by `okrflow rollup` from the check-ins; edits inside this section are replaced._"
_MANUAL_SOURCES = ("manual", "comment")


def progress_bar(progress: float, width: int = BAR_WIDTH) -> str:
    """``0.6`` -> `` `██████░░░░` 60%``: whole cells for the displayed percent, floored,
    so the bar is full only at 100%."""
    percent = progress_percent(progress)
    filled = percent * width // 100
    return f"`{'█' * filled}{'░' * (width - filled)}` {percent}%"


def _headline(
    progress: float, health: str, score: float | None = None, closing: Closing | None = None
) -> str:
    if closing is not None:  # a closed OKR: no live health
        outcome = closing.outcome.value if closing.outcome else None
        return (
            f"**Progress** {progress_bar(progress)} · {display.grade_emoji(closing.grade.value)} "
            + display.closed_text(closing.score, closing.grade.value, outcome)
        )
    line = (
        f"**Progress** {progress_bar(progress)} · "
        f"{display.health_emoji(health)} {display.health_label(health)}"
    )
    if score is not None:
        line += f" · score {display.score(score)}"
    return line


def _value(metric: Metric | None, amount: float | None) -> str:
    if metric is not None and metric.kind is MetricKind.MILESTONE and amount is not None:
        reached = (
            amount >= metric.target
            if metric.direction is Direction.INCREASE
            else (amount <= metric.target)
        )
        return "done" if reached else "not yet"
    return display.value(amount, metric.unit if metric else "")


def _goal(metric: Metric | None) -> str:
    if metric is None:
        return display.MISSING
    target = display.value(metric.target, metric.unit)
    if metric.kind is MetricKind.MILESTONE:
        return "done"
    if metric.kind is MetricKind.THRESHOLD:
        return (
            f"at most {target}"
            if metric.direction is Direction.DECREASE
            else (f"at least {target}")
        )
    return f"{display.value(metric.start, metric.unit)} → {target}"


def _day(at: dt.datetime) -> str:
    moment = at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).date().isoformat()


def _checked_in(kr: KeyResult) -> str:
    latest = latest_checkin(kr.checkins)
    if latest is None:
        return display.MISSING
    day = _day(latest.at)
    return day if latest.source in _MANUAL_SOURCES else f"{day} ({md_cell(latest.source)})"


def _ref(iid: int | None, key: str) -> str:
    return md_cell(display.ref(iid, key))


def _health_cell(health: str, closing: Closing | None) -> str:
    if closing is not None:
        return f"{display.grade_emoji(closing.grade.value)} grade {closing.grade.value}"
    return f"{display.health_emoji(health)} {display.health_label(health)}"


def key_result_section(
    kr: KeyResult, result: KeyResultResult, closing: Closing | None = None
) -> str:
    """The section of one key result (``closing``: it is closed, and shows this instead
    of its health)."""
    rows = [
        _headline(result.progress, result.health.value, closing=closing),
        "",
        "| Current | Start → target | Confidence | Checked in |",
        "| --- | --- | --- | --- |",
        f"| {_value(kr.metric, result.current)} | {_goal(kr.metric)} "
        f"| {display.confidence(result.confidence)} | {_checked_in(kr)} |",
    ]
    if kr.statement_problem:
        rows += ["", f"The statement could not be read: {md_cell(kr.statement_problem)}"]
    rows += ["", FOOTER]
    return "\n".join(rows)


def objective_section(
    objective: Objective,
    result: ObjectiveResult,
    key_results: Mapping[str, KeyResultResult],
    children: Sequence[tuple[Objective, ObjectiveResult]] = (),
    closings: Closings | None = None,
) -> str:
    """The section of one objective: its key results, then the objectives aligned under
    it; what is closed (``closings``) shows its grade instead of its health."""
    closed = closings or Closings()
    rows = [
        _headline(
            result.progress, result.health.value, result.score, closed.objectives.get(objective.key)
        ),
        "",
        "| | Progress | Current | Confidence | Checked in | Health |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kr in objective.key_results:
        kr_result = key_results.get(kr.key)
        if kr_result is None:  # a repeated key: scoring skipped it and said so
            continue
        rows.append(
            f"| {_ref(kr.iid, kr.key)} {md_cell(kr.title)} | {progress_bar(kr_result.progress)} "
            f"| {_value(kr.metric, kr_result.current)} "
            f"| {display.confidence(kr_result.confidence)} | {_checked_in(kr)} "
            f"| {_health_cell(kr_result.health.value, closed.key_results.get(kr.key))} |"
        )
    for child, child_result in children:
        rows.append(
            f"| aligned: {_ref(child.iid, child.key)} {md_cell(child.title)} "
            f"| {progress_bar(child_result.progress)} | {display.MISSING} | {display.MISSING} "
            f"| {display.MISSING} "
            f"| {_health_cell(child_result.health.value, closed.objectives.get(child.key))} |"
        )
    if len(rows) == 4:
        rows.append(f"| no key results yet | {progress_bar(0.0)} | | | | |")
    rows += ["", FOOTER]
    return "\n".join(rows)


@dataclasses.dataclass(frozen=True)
class Sections:
    """Section text by key, apart for objectives and key results (keys may repeat across)."""

    objectives: dict[str, str]
    key_results: dict[str, str]


def sections(
    objectives: Iterable[Objective], evaluation: Evaluation, closings: Closings | None = None
) -> Sections:
    """The section of every objective and key result the evaluation covers; the closed
    ones (``closings``) show their score, grade and outcome instead of their health."""
    closed = closings or Closings()
    objectives = list(objectives)
    by_key = {o.key: o for o in objectives}
    children: dict[str, list[Objective]] = {}
    for objective in objectives:
        if evaluation.objectives.get(objective.key) is None:
            continue
        for parent in dict.fromkeys(objective.parents):
            if parent in by_key and parent != objective.key:
                children.setdefault(parent, []).append(objective)
    out = Sections({}, {})
    for objective in objectives:
        result = evaluation.objectives.get(objective.key)
        if result is None or objective.key in out.objectives:
            continue
        aligned = sorted(children.get(objective.key, []), key=lambda o: (o.iid or 0, o.key))
        out.objectives[objective.key] = objective_section(
            objective,
            result,
            evaluation.key_results,
            [(child, evaluation.objectives[child.key]) for child in aligned],
            closed,
        )
        for kr in objective.key_results:
            kr_result = evaluation.key_results.get(kr.key)
            if kr_result is not None and kr.key not in out.key_results:
                out.key_results[kr.key] = key_result_section(
                    kr, kr_result, closed.key_results.get(kr.key)
                )
    return out

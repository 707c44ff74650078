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
    | 13,000 users | 10,000 → 15,000 users | 70% | 2024-02-12 |

Values carry the key result's unit word; a relative target still waiting for its first
value shows "baseline pending", then the start and target derived from it. An
objective's section has one row per key result and per objective aligned under it. A
KPI's section shows its latest value against its healthy range, and its recent values.
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
from okrflow.core.kpis import explain_kpi
from okrflow.core.model import CheckIn, Direction, KeyResult, Metric, MetricKind, Objective
from okrflow.core.report import progress_percent
from okrflow.core.standing import Kpi, KpiResult, checkin_day
from okrflow.render import display
from okrflow.render.escape.markdown import md_cell

__all__ = [
    "BAR_WIDTH",
    "FOOTER",
    "Sections",
    "key_result_section",
    "kpi_section",
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
    if metric is None:
        return display.value(amount)
    return display.value(amount, metric.unit, metric.unit_word)


def _goal(metric: Metric | None) -> str:
    if metric is None:
        return display.MISSING
    pending = metric.baseline_pending
    return display.goal(
        metric.kind.value,
        metric.direction.value,
        None if pending else metric.start,
        None if pending and metric.change is not None else metric.target,
        metric.unit,
        metric.unit_word,
        strict=metric.strict,
    )


def _day(at: dt.datetime) -> str:
    moment = at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).date().isoformat()


def _checked_in(latest: CheckIn | None) -> str:
    if latest is None:
        return display.MISSING
    day = _day(latest.at)
    return day if latest.source in _MANUAL_SOURCES else f"{day} ({md_cell(latest.source)})"


def _ref(okr: Objective | KeyResult) -> str:
    """``#12``, in a group scope ``acme/sales#12`` (GitLab links a bare ``#12`` to the
    issue's own project), or the key before the OKR has an issue."""
    return md_cell(str(okr.issue_id) if okr.issue_id is not None else okr.key)


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
        f"| {_value(result.metric, result.current)} | {_goal(result.metric)} "
        f"| {display.confidence(result.confidence)} | {_checked_in(result.latest)} |",
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
            f"| {_ref(kr)} {md_cell(kr.title)} | {progress_bar(kr_result.progress)} "
            f"| {_value(kr_result.metric, kr_result.current)} "
            f"| {display.confidence(kr_result.confidence)} | {_checked_in(kr_result.latest)} "
            f"| {_health_cell(kr_result.health.value, closed.key_results.get(kr.key))} |"
        )
    for child, child_result in children:
        rows.append(
            f"| aligned: {_ref(child)} {md_cell(child.title)} "
            f"| {progress_bar(child_result.progress)} | {display.MISSING} | {display.MISSING} "
            f"| {display.MISSING} "
            f"| {_health_cell(child_result.health.value, closed.objectives.get(child.key))} |"
        )
    if len(rows) == 4:
        rows.append(f"| no key results yet | {progress_bar(0.0)} | | | | |")
    rows += ["", FOOTER]
    return "\n".join(rows)


_KPI_STATE = {True: ("🟢", "In range"), False: ("🔴", "Out of range"), None: ("⚪", "No value yet")}
RECENT = 8  # check-ins shown as a KPI's recent trend


def _recent(checkins: Sequence[CheckIn]) -> str:
    ordered = sorted(
        checkins, key=lambda c: c.at if c.at.tzinfo else c.at.replace(tzinfo=dt.timezone.utc)
    )
    return display.sparkline([c.value for c in ordered[-RECENT:]])


def kpi_section(kpi: Kpi, result: KpiResult) -> str:
    """The section of one KPI: its latest value against its healthy range."""
    emoji, state = _KPI_STATE[result.healthy]
    healthy = kpi.healthy
    reading = explain_kpi(healthy) if healthy else display.MISSING
    unit, word = (healthy.unit, healthy.unit_word) if healthy else ("", "")
    counted = [c for c in kpi.checkins if checkin_day(c) <= result.last]
    rows = [
        f"**KPI** {md_cell(reading)} · {emoji} {state}",
        "",
        "| Current | Checked in | Recent check-ins |",
        "| --- | --- | --- |",
        f"| {display.value(result.current, unit, word)} | {_checked_in(latest_checkin(counted))} "
        f"| {_recent(counted)} |",
    ]
    if kpi.range_problem:
        rows += ["", md_cell(kpi.range_problem)]
    rows += ["", FOOTER]
    return "\n".join(rows)


@dataclasses.dataclass(frozen=True)
class Sections:
    """Section text by key, apart for objectives, key results and KPIs (keys may repeat
    across them)."""

    objectives: dict[str, str]
    key_results: dict[str, str]
    kpis: dict[str, str] = dataclasses.field(default_factory=dict)


def sections(
    objectives: Iterable[Objective],
    evaluation: Evaluation,
    kpis: Iterable[Kpi] = (),
    closings: Closings | None = None,
) -> Sections:
    """The section of every objective, key result and KPI the evaluation covers; the
    closed ones (``closings``) show their score, grade and outcome instead of their health."""
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
    for kpi in kpis:
        kpi_result = evaluation.kpis.get(kpi.key)
        if kpi_result is not None and kpi.key not in out.kpis:
            out.kpis[kpi.key] = kpi_section(kpi, kpi_result)
    return out

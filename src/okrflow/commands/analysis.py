"""The numbers for a loaded quarter: one evaluation feeding status, rollup and reports.

Every output that shows progress, health or a score gets it from
:func:`evaluate_snapshot`, so the terminal, GitLab and the reports always agree. The
rules themselves are the core's (:mod:`okrflow.core.scoring`, :mod:`okrflow.core.rules`,
:mod:`okrflow.core.report`, :mod:`okrflow.core.standing` for KPIs); these helpers give
them the workspace's clock and policy. A quarter is evaluated as of today, or as of its
end once it is over (:meth:`Workspace.quarter_dates`): the same check-ins give the same
numbers whenever the command runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from okrflow.adapter import Snapshot
from okrflow.commands.workspace import Workspace
from okrflow.core.annual import checked_alignment
from okrflow.core.dates import QuarterDates
from okrflow.core.evaluation import Closing, Closings, Evaluation
from okrflow.core.model import IssueId, KeyResult, Objective, State
from okrflow.core.report import ReportKind, Year, build_report
from okrflow.core.rules import Finding, lint
from okrflow.core.scoring import evaluate, grade_for, score_for
from okrflow.core.standing import evaluate_kpis

__all__ = [
    "closings",
    "evaluate_snapshot",
    "key_result_owners",
    "lint_snapshot",
    "report_document",
    "year_elapsed",
]


def evaluate_snapshot(ws: Workspace, snapshot: Snapshot) -> Evaluation:
    """Objectives, key results and KPIs of ``snapshot``, as of its quarter's day."""
    dates = ws.quarter_dates(snapshot.quarter)
    if snapshot.year is None:
        evaluation = evaluate(
            snapshot.objectives, elapsed=dates.elapsed, policy=ws.policy, dates=dates
        )
    else:  # with the year's annual objectives, paced by the year's share gone
        objectives, problems = checked_alignment(snapshot.scored(), ws.calendar)
        evaluation = evaluate(
            objectives,
            elapsed=dates.elapsed,
            policy=ws.policy,
            dates=dates,
            year_elapsed=year_elapsed(ws, snapshot),
            periods={o.key: ws.quarter_dates(o.quarter) for o in snapshot.year.others if o.quarter},
        )
        evaluation.problems[:0] = [*snapshot.year.problems, *problems]
    evaluation.kpis = evaluate_kpis(snapshot.kpis, first=dates.start, last=dates.day)
    return evaluation


def year_elapsed(ws: Workspace, snapshot: Snapshot) -> Fraction:
    """The share of the snapshot's fiscal year gone as of its quarter's day (what paces
    an annual objective)."""
    day = ws.quarter_dates(snapshot.quarter).day
    year = ws.calendar.quarter_of(day).fiscal_year
    if snapshot.year is not None:
        year = ws.calendar.parse_year(snapshot.year.label)
    return QuarterDates(ws.calendar.year_start(year), ws.calendar.year_end(year), day).elapsed


def key_result_owners(snapshot: Snapshot) -> dict[IssueId, tuple[str, ...]]:
    """Who owns each scored key result, by issue: its owner and assignees, and its
    objective's owner (``checkins.from: owners``); a key result shared by several
    objectives, the owner of each."""
    owners: dict[IssueId, tuple[str, ...]] = {}
    for objective in snapshot.objectives:
        for kr in objective.key_results:
            item = snapshot.get(kr)
            if item is not None:
                known = owners.get(item.issue_id, (kr.owner, *item.record.assignees))
                people = dict.fromkeys((*known, objective.owner))
                owners[item.issue_id] = tuple(p for p in people if p)
    return owners


def lint_snapshot(ws: Workspace, snapshot: Snapshot) -> list[Finding]:
    return lint(snapshot.objectives, snapshot.orphans, ws.rule_settings)


def report_document(
    ws: Workspace,
    snapshot: Snapshot,
    *,
    kind: ReportKind = "progress",
    evaluation: Evaluation | None = None,
    findings: Sequence[Finding] | None = None,
) -> dict[str, Any]:
    """The JSON report document of DESIGN.md for a loaded quarter."""
    if evaluation is None:
        evaluation = evaluate_snapshot(ws, snapshot)
    project = (ws.connection.scope or None) if ws.connection else None
    return build_report(
        quarter=snapshot.quarter or ws.quarter_label(None),
        objectives=snapshot.objectives,
        evaluation=evaluation,
        generated_at=ws.now(),
        problems=snapshot.problems,
        kind=kind,
        project=project,
        findings=[f.to_json() for f in findings] if findings is not None else None,
        stale_days=ws.config.report.stale_checkin_days,
        today=ws.quarter_dates(snapshot.quarter).day,
        kpis=snapshot.kpis,
        year=_year(ws, snapshot),
    )


def _year(ws: Workspace, snapshot: Snapshot) -> Year | None:
    if snapshot.year is None:
        return None
    elapsed = float(year_elapsed(ws, snapshot))
    return Year(snapshot.year.label, elapsed, snapshot.year.annual, snapshot.year.others)


def closings(ws: Workspace, snapshot: Snapshot, evaluation: Evaluation) -> Closings:
    """Score, grade and outcome of every closed OKR of the snapshot: the score and outcome
    recorded when it closed (``okrflow move``), else its score now and no outcome (an
    issue closed in GitLab's UI, until someone says)."""
    out = Closings()
    for objective in snapshot.objectives:
        result = evaluation.objectives.get(objective.key)
        if result is not None and (found := _closing(ws, snapshot, objective, result.progress)):
            out.objectives[objective.key] = found
        for kr in objective.key_results:
            kr_result = evaluation.key_results.get(kr.key)
            if kr_result is not None and (found := _closing(ws, snapshot, kr, kr_result.progress)):
                out.key_results[kr.key] = found
    return out


def _closing(
    ws: Workspace, snapshot: Snapshot, okr: Objective | KeyResult, progress: float
) -> Closing | None:
    item = snapshot.get(okr)
    if item is None or (item.record.state != "closed" and okr.state is not State.CLOSED):
        return None
    score = item.meta.score if item.meta.score is not None else score_for(progress)
    return Closing(score=score, grade=grade_for(score, ws.policy), outcome=item.meta.outcome)

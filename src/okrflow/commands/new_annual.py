"""What ``okrflow new`` checks of annual objectives (:mod:`okrflow.core.annual`).

``new objective --annual`` opens an objective of a fiscal year: the one ``--quarter``
names (a year label such as FY27, a quarter of it, or current, next, previous), else
today's. Its parents must be annual objectives; a quarterly objective's parents may be
annual objectives of its own fiscal year; a key result never goes straight under an
annual objective. Each mistake is one :class:`~okrflow.errors.UsageError` (exit 2),
before anything is written.
"""

from __future__ import annotations

from okrflow.adapter import LoadedIssue
from okrflow.commands.workspace import Workspace
from okrflow.core.annual import alignment_problem, kr_problem
from okrflow.core.model import Objective
from okrflow.errors import UsageError

__all__ = ["check_kr_objective", "check_parent", "period_of"]


def period_of(ws: Workspace, quarter: str | None, annual: bool) -> tuple[str | None, str | None]:
    """(quarter label, year label) of a new objective: one of them is None."""
    if not annual:
        if quarter is None:
            raise UsageError(
                "--quarter is needed: a quarter such as FY24-Q1, current, next or previous "
                "(or --annual for an objective of the fiscal year)"
            )
        return ws.quarter_label(quarter), None
    if quarter is not None and ws.calendar.is_year_label(quarter):
        return None, ws.calendar.year_label(ws.calendar.parse_year(quarter))
    return None, ws.calendar.year_label(ws.quarter(quarter).fiscal_year)


def check_parent(
    ws: Workspace, ref: str, title: str, period: tuple[str | None, str | None], parent: LoadedIssue
) -> None:
    """Refuses ``parent`` for the new objective ``title`` of ``period``."""
    assert isinstance(parent.okr, Objective)
    child = Objective(repr(title), title, quarter=period[0], year=period[1])
    trouble = alignment_problem(child, parent.okr, ws.calendar)
    if trouble is not None:
        raise UsageError(f"--parent {ref}: {trouble}")


def check_kr_objective(ref: str, title: str, parent: LoadedIssue) -> None:
    """Refuses a key result straight under an annual objective."""
    if isinstance(parent.okr, Objective) and parent.okr.annual:
        raise UsageError(
            f"--objective {ref}: {kr_problem(parent.okr, repr(title))} (okrflow new "
            f"objective --parent {parent.shown} opens one)"
        )

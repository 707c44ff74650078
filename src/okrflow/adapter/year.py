"""The annual objectives a quarter's objectives align under, read with the quarter.

A quarter whose objectives name a parent it does not hold may be aligned under annual
objectives (:mod:`okrflow.core.annual`): its load (:func:`okrflow.adapter.snapshot.load_snapshot`)
then lists the objectives labelled with the quarter's fiscal year (one listing: the
objective and year labels), and, when it finds any, the year's three other quarters
(one listing each, by quarter label: their objectives with their key results, whose
check-ins are what those quarters' rollups recorded). That is 1, or 4, listings more,
each one page per 100 issues; a quarter that names no parent outside itself costs
nothing more. They go into :attr:`Snapshot.year`, apart from the quarter's own OKRs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from okrflow.adapter.issues import IssueApi
from okrflow.adapter.records import IssueRecord
from okrflow.core.annual import under_annual
from okrflow.core.issue_refs import issue_of_key
from okrflow.core.labels import LabelNames
from okrflow.core.model import IssueId, Objective, Problem

if TYPE_CHECKING:
    from okrflow.adapter.snapshot import LoadedIssue, Snapshot

__all__ = ["YearContext", "YearPlan", "parents_outside", "year_context"]


@dataclasses.dataclass
class YearContext:
    """The annual objectives of a quarter's fiscal year, and the objectives of its other
    quarters aligned under them (at any depth), with their key results: what an annual
    objective's progress is made of besides the quarter's own objectives."""

    label: str  # the fiscal year's label, "FY27"
    annual: list[Objective]
    others: list[Objective]  # of the other quarters, aligned under an annual objective
    issues: dict[IssueId, LoadedIssue]  # the annual objectives' and the others' issues
    problems: list[Problem] = dataclasses.field(default_factory=list)  # the annual ones'


@dataclasses.dataclass(frozen=True)
class YearPlan:
    """What to list for a quarter's annual objectives: its fiscal year's label and the
    labels of the year's other quarters."""

    label: str
    other_quarters: tuple[str, ...]


def parents_outside(snap: Snapshot) -> bool:
    keys = {o.key for o in snap.objectives}
    return any(p not in keys for o in snap.objectives for p in o.parents)


def year_context(
    gl: IssueApi,
    names: LabelNames,
    snap: Snapshot,
    plan: YearPlan,
    *,
    across: bool,
    assemble: Callable[..., Snapshot],
) -> YearContext | None:
    """The annual objectives of ``plan``'s year and the other quarters' objectives
    aligned under them; None when the year has no annual objective."""
    annual = [
        r
        for r in gl.list_issues(labels=[names.objective, plan.label])
        if not any(names.quarter_of(label) for label in r.labels)
    ]
    if not annual:
        return None

    def records() -> Iterator[IssueRecord]:
        yield from annual
        for label in plan.other_quarters:
            yield from gl.list_issues(labels=[label])

    year = assemble(records(), names, None, (), gl.authors, across=across, in_scope=gl.in_scope)
    # the quarter's parents named by number find the annual objective's own key
    key_of = {which: item.key for which, item in year.issues.items()}
    own = {o.key for o in snap.objectives}

    def parent_key(key: str, project: str) -> str:
        which = None if key in own else issue_of_key(key, project)
        return key if which is None else key_of.get(which, key)

    for objective in snap.objectives:
        objective.parents = [parent_key(p, objective.project) for p in objective.parents]
    found = [o for o in year.objectives if o.annual]
    # a key result of the quarter filed straight under an annual objective is its child
    # (scored, and a problem: key results belong to quarterly objectives)
    annual_keys = {o.key: o for o in found}
    for kr in list(snap.orphans):
        objective_key = parent_key(kr.objective, kr.project) if kr.objective else None
        if objective_key in annual_keys:
            kr.objective = objective_key
            annual_keys[objective_key].key_results.append(kr)
            snap.orphans.remove(kr)
    under = under_annual([*found, *snap.objectives, *year.objectives])
    others = [o for o in year.objectives if not o.annual and o.key in under]
    wanted = {o.issue_id for o in (*found, *others)} | {
        kr.issue_id for o in (*found, *others) for kr in o.key_results
    }
    issues = {which: item for which, item in year.issues.items() if which in wanted}
    annual_ids = {o.issue_id for o in found}
    problems = [p for which, item in issues.items() if which in annual_ids for p in item.problems]
    return YearContext(plan.label, found, others, issues, problems)

"""``okrflow adopt``: give the OKR issues people filed from the templates what okrflow
would have given them (:mod:`okrflow.core.adoption` says what), and turn an objective's
Key results lines into key-result issues.

``rollup`` and ``schedule`` run the same pass first (:func:`adopt_into`); the command
is for people who want it now. It reads two listings (the open issues with the objective
label and with the key-result label, one page per 100 issues): which of them lack
okrflow's metadata is in the listing, so a run with nothing to adopt asks nothing more
and writes nothing. Each issue adopted costs one PUT (labels, assignee and okrflow's
metadata, appended after the person's text, which stays word for word), one short
comment saying what was set (marked :data:`~okrflow.core.adoption.ADOPTED_MARKER`),
the link to its objective, and, when something could not be worked out, okrflow's lint
comment naming it. Creating key results holds the project's lease.

**In a group scope** the same listings cover the group; the issues of each project
are adopted in a pass of their own, every write going to the issue's project: a key
result's objective may be in another project (its Objective section names it in
full, ``acme/sales#1``; linked across, never recorded by a number of another
project), and the key results an objective's lines open go to the objective's
project. Output names issues by full reference.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from okrflow.adapter import IssueRecord, LoadedIssue, Snapshot
from okrflow.commands.adopt_lines import Lines, quarter_label_of, team_label_of
from okrflow.commands.compose import stamped
from okrflow.commands.lint import LINT_MARKER, comment_body
from okrflow.commands.result import Line, Result, Style, plain, warnings
from okrflow.commands.workspace import Workspace
from okrflow.core.adoption import (
    ADOPTED_MARKER,
    LINES_KEY,
    Adoption,
    Context,
    Parent,
    adoption_comment,
    line_changes,
    needs_adoption,
    plan_adoption,
    recorded_lines,
    with_lines,
)
from okrflow.core.calendar import ScheduleStep
from okrflow.core.issue_refs import issue_of_key
from okrflow.core.model import IssueId, KeyResult, Objective, Problem
from okrflow.errors import OkrflowError
from okrflow.render.display import count

__all__ = ["QUARTERS_AROUND", "AdoptResult", "adopt", "adopt_filed", "adopt_into", "adopt_snapshot"]

QUARTERS_AROUND = 8  # quarter labels left out of the listing of OKRs of no quarter: 2 years


@dataclasses.dataclass
class AdoptResult(Result):
    """What adoption did (or, in a dry run, would do)."""

    quarter: str | None
    # iids (in a group scope full references) adopted, of key results opened from Key
    # results lines, of key results whose line was edited
    adopted: list[int | str] = dataclasses.field(default_factory=list)
    created: list[int | str] = dataclasses.field(default_factory=list)
    updated: list[int | str] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)
    planned_krs: int = 0  # a dry run: the key results it would open

    def summary(self) -> str:
        head = "adopt" + (f" {self.quarter}" if self.quarter else "")
        head += " (dry run)" if self.dry_run else ""
        verb = "would be " if self.dry_run else ""
        parts = [
            f"{count(len(self.adopted), 'issue')} {verb}adopted",
            f"{count(len(self.created) + self.planned_krs, 'key result')} {verb}opened "
            "from Key results lines",
        ]
        if self.updated:
            parts.append(f"{count(len(self.updated), 'key result')} {verb}updated")
        if self.problems:
            parts.append(count(len(self.problems), "problem"))
        return f"{head}: {', '.join(parts)}"

    def lines(self, style: Style = plain) -> list[str | Line]:
        return [*warnings(self.problems), self.summary()]

    def to_json(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter,
            "dry_run": self.dry_run,
            "adopted": self.adopted,
            "created": self.created,
            "updated": self.updated,
            "problems": [{"where": p.where, "message": p.message} for p in self.problems],
        }


def _drafting(ws: Workspace) -> str | None:
    """The quarter being drafted today (from the drafting step of the schedule on)."""
    today = ws.today()
    upcoming = ws.calendar.quarter_of(today).next()
    step = ws.config.schedule.drafting
    if not step.enabled:
        return None
    dates = ws.calendar.schedule_dates(upcoming, [ScheduleStep("drafting", step.weeks_before)])
    return ws.calendar.label(upcoming) if any(date <= today for _, date in dates) else None


def _context(ws: Workspace) -> Context:
    def label(text: str) -> str | None:  # what a Quarter section says, as a label
        try:
            return ws.calendar.label(ws.calendar.parse(text))
        except ValueError:
            return None

    return Context(
        names=ws.labels,
        current=ws.calendar.label(ws.calendar.quarter_of(ws.today())),
        drafting=_drafting(ws),
        is_user=ws.repo.is_user,
        quarter_label=label,
    )


def _parent(
    ws: Workspace,
    kr: KeyResult,
    objectives: dict[IssueId, LoadedIssue],
    plans: dict[IssueId, Adoption],
) -> Parent | None:
    """The open objective a filed key result's Objective section names (one request when
    it is outside the pass: in another quarter); in a group scope, in any OKR project."""
    found = issue_of_key(kr.objective, kr.project) if kr.objective else None
    if found is None or (found.project and not ws.repo.in_scope(found.project)):
        return None  # no reference, or one outside the scope: never read
    item = objectives.get(found)
    if item is None:
        try:
            record = ws.repo.get_issue(found.iid, found.project or None)
        except OkrflowError:
            return None
        if record.state != "opened" or ws.labels.objective not in record.labels:
            return None
        item = objectives[found] = ws.repo.read(record)
    plan = plans.get(found)
    quarter = plan.quarter if plan else quarter_label_of(ws, item.record)
    team = plan.team if plan else team_label_of(ws, item.record) or item.okr.team
    owner = plan.owner if plan else item.okr.owner
    across = found.project if found.project.casefold() != kr.project.casefold() else None
    return Parent(item.iid, item.key, quarter, team, owner, across)


def _write(ws: Workspace, item: LoadedIssue, plan: Adoption) -> bool:
    """The one PUT: labels, assignee, okrflow's metadata (an objective's starts the
    record of its Key results lines)."""
    meta = with_lines(plan.meta, []) if item.is_objective else plan.meta
    ws.repo.save(item, meta=stamped(meta), add_labels=plan.add_labels, assignee=plan.assignee)
    return True


def _comments(ws: Workspace, item: LoadedIssue, plan: Adoption, created: list[int]) -> None:
    here = ws.repo.project_of(item.record)
    body = adoption_comment(plan, created)
    ws.repo.create_note(item.iid, body, marker=ADOPTED_MARKER, project=here)
    if plan.problems:
        item.okr.owner = plan.owner  # greets only an owner GitLab knows
        body = comment_body(item, [], plan.problems)
        ws.repo.create_note(item.iid, body, marker=LINT_MARKER, project=here)


def _proposed(item: LoadedIssue) -> tuple[str, ...]:
    okr = item.okr
    return okr.proposed_key_results if isinstance(okr, Objective) else ()


def _unscheduled(ws: Workspace) -> list[IssueRecord]:
    """The open objectives and key results with no quarter label: one listing of the
    open issues that carry none of the quarter labels of the years around today (one
    page while few are waiting; GitLab has no "either label" filter, so the OKR types
    are picked here)."""
    cal, names = ws.calendar, ws.labels
    now = cal.quarter_of(ws.today())
    quarters, before, after = [now], now, now
    for _ in range(QUARTERS_AROUND):
        before, after = before.previous(), after.next()
        quarters += [before, after]
    labels = sorted(cal.label(q) for q in quarters)
    types = {names.objective, names.key_result}
    return [
        record
        for record in ws.repo.list_issues(not_labels=labels, state="opened")
        if types & set(record.labels) and names.quarter_in(" ".join(record.labels)) is None
    ]


def _passes(ws: Workspace, snap: Snapshot) -> list[_Pass]:
    """One pass over the open OKR issues of ``snap`` and those of no quarter; in a group
    scope one per project (the same two listings), sharing what they found."""
    listed = [i.record for i in [*snap.issues.values(), *snap.set_aside.values()]]
    records = [r for r in [*listed, *_unscheduled(ws)] if r.state == "opened"]
    shared = _Shared(AdoptResult(quarter=snap.quarter, planned=ws.planned()))
    if not ws.repo.group_path:
        return [_Pass(ws, records, shared)]
    by_project: dict[str, list[IssueRecord]] = {}
    for record in records:
        by_project.setdefault(record.project, []).append(record)
    return [_Pass(ws, by_project[p], shared) for p in sorted(by_project)] or [_Pass(ws, [], shared)]


@dataclasses.dataclass
class _Shared:
    """What the passes of one adoption share: the result, every objective read and
    every adoption planned (a key result's objective may be in another project)."""

    result: AdoptResult
    objectives: dict[IssueId, LoadedIssue] = dataclasses.field(default_factory=dict)
    plans: dict[IssueId, Adoption] = dataclasses.field(default_factory=dict)


class _Pass:
    """One adoption pass over open OKR issues of one project (by iid)."""

    def __init__(self, ws: Workspace, records: list[IssueRecord], shared: _Shared) -> None:
        self.ws = ws
        repo = ws.repo
        by_iid = {r.iid: r for r in records}
        # read afresh: the snapshot resolved references into keys, adoption wants the iids
        read = {iid: repo.read(r) for iid, r in sorted(by_iid.items())}
        self.objectives = {i: item for i, item in read.items() if item.is_objective}
        self.key_results = {i: item for i, item in read.items() if not item.is_objective}
        self.shared = shared
        self.result = shared.result
        shared.objectives.update((o.issue_id, o) for o in self.objectives.values())

    def filed(self, items: dict[int, LoadedIssue]) -> list[LoadedIssue]:
        names = self.ws.labels
        return [
            i
            for i in sorted(items.values(), key=lambda i: i.iid)
            if needs_adoption(i.record.description, i.record.labels, names)
        ]

    def tracked(self, plans: dict[int, Adoption]) -> list[LoadedIssue]:
        """The objectives whose Key results lines okrflow keeps in step."""
        return [
            i
            for i in sorted(self.objectives.values(), key=lambda i: i.iid)
            if LINES_KEY in i.meta.extra
        ]

    def anything(self) -> bool:
        """Whether the pass has anything to write (else it takes no lease)."""
        if self.filed(self.objectives) or self.filed(self.key_results):
            return True
        return any(line_changes(recorded_lines(i.meta), _proposed(i)).any for i in self.tracked({}))

    def objectives_first(self, ctx: Context) -> dict[int, Adoption]:
        """Adopt the filed objectives (before any pass's key results: they may be
        another project's); their plans, by iid."""
        ws = self.ws
        plans: dict[int, Adoption] = {}
        for item in self.filed(self.objectives):
            plan = self._plan(item, ctx, None)
            if plan is not None and self._guarded(item, lambda i=item, p=plan: _write(ws, i, p)):
                plans[item.iid] = plan
                self.shared.plans[item.issue_id] = plan
        return plans

    def run(self, ctx: Context, plans: dict[int, Adoption]) -> AdoptResult:
        ws = self.ws
        lines = Lines(ws, self.key_results, project=self.project)
        made = {
            item.iid: self._guarded(item, lambda i=item: lines.sync(i, plans.get(i.iid))) or []
            for item in self.tracked(plans)
        }
        for item in self.filed(self.key_results):
            assert isinstance(item.okr, KeyResult)
            parent = _parent(ws, item.okr, self.shared.objectives, self.shared.plans)
            plan = self._plan(item, ctx, parent)
            if plan is not None:
                self._guarded(item, lambda i=item, p=plan: self._adopt_kr(i, p))
        for iid, plan in plans.items():
            item = self.objectives[iid]
            self._guarded(item, lambda i=item, p=plan: _comments(ws, i, p, made.get(i.iid, [])))
        self.result.created += [self.named(iid) for iid in lines.created]
        self.result.updated += [self.named(iid) for iid in lines.updated]
        self.result.planned_krs += lines.planned
        self.result.problems += lines.problems
        return self.result

    def _plan(self, item: LoadedIssue, ctx: Context, parent: Parent | None) -> Adoption | None:
        okr = item.okr
        assert isinstance(okr, (Objective, KeyResult))
        record = item.record
        plan = plan_adoption(
            okr,
            description=record.description,
            labels=record.labels,
            assignees=record.assignees,
            ctx=ctx,
            parent=parent,
        )
        self.result.adopted.append(self.named(item.iid))
        self.result.problems.extend(item.problems + plan.problems)
        plan.problems[:0] = item.problems
        return plan

    @property
    def project(self) -> str | None:
        """The pass's project in a group scope (None: the OKR project)."""
        item = next(iter([*self.objectives.values(), *self.key_results.values()]), None)
        return self.ws.repo.project_of(item.record) if item is not None else None

    def named(self, iid: int) -> int | str:
        """An issue of the pass in the result: its iid, a group's full reference."""
        return f"{self.project}#{iid}" if self.project else iid

    def _adopt_kr(self, item: LoadedIssue, plan: Adoption) -> None:
        _write(self.ws, item, plan)
        if plan.objective_iid is not None:
            here = self.ws.repo.project_of(item.record)
            there = plan.objective_project or here
            self.ws.repo.create_link(item.iid, plan.objective_iid, there, project=here)
        _comments(self.ws, item, plan, [])

    def _guarded(self, item: LoadedIssue, fn: Any, default: Any = None) -> Any:
        """One issue GitLab refuses is a problem on it; the run goes on."""
        try:
            return fn()
        except OkrflowError as exc:
            self.result.problems.append(Problem(item.shown, f"not adopted: {exc.message}"))
            return default


def adopt_snapshot(ws: Workspace, snap: Snapshot) -> tuple[AdoptResult, bool]:
    """Adopt what people filed among ``snap``'s issues and those of no quarter; (what it
    did, whether it wrote anything). The lease is taken only when there is something to
    write."""
    passes = _passes(ws, snap)
    if not any(adoption.anything() for adoption in passes):
        return _run(ws, passes), False  # writes nothing: names the lines that are no key result
    with ws.lease("adopt"):
        return _run(ws, passes), True


def _run(ws: Workspace, passes: list[_Pass]) -> AdoptResult:
    """Every pass: the objectives of all first, then the rest of each."""
    ctx = _context(ws)
    plans = [adoption.objectives_first(ctx) for adoption in passes]
    for adoption, planned in zip(passes, plans, strict=True):
        adoption.run(ctx, planned)
    return passes[0].result


def adopt_into(ws: Workspace, snap: Snapshot, problems: list[Problem]) -> Snapshot:
    """Rollup's adoption: ``snap`` adopted, its problems added to ``problems``; the
    quarter read again when adoption wrote (a warm run asks two listings more)."""
    result, wrote = adopt_snapshot(ws, snap)
    problems.extend(result.problems)
    return ws.repo.load(snap.quarter) if wrote else snap


def adopt_filed(ws: Workspace, *, quarter: str | None = None) -> AdoptResult:
    """Adopt the OKR issues people filed: those of ``quarter`` (default: the current
    one) and those of no quarter."""
    return adopt_snapshot(ws, ws.repo.load(ws.quarter_label(quarter)))[0]


def adopt(ws: Workspace, *, quarter: str | None = None) -> AdoptResult:
    """``okrflow adopt``: adoption now, rather than on the next rollup or schedule."""
    ws.repo.ensure_can_write()
    return adopt_filed(ws, quarter=quarter)

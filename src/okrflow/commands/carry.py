"""``okrflow carry``: carry an unfinished objective over into another quarter.

What a carry does, for an objective of quarter P carried to quarter Q:

1. A new objective issue in Q, In Draft, with the same title, purpose, owner, team,
   kind and weight, opening with "Carried over from #12 (P)." and linked to the old
   issue (a ``relates_to`` issue link). Its key is ``<old key>@<Q>`` (an old
   ``@<quarter>`` suffix is replaced), which is how a second run finds it.
2. A new key-result issue under it for every *unfinished* key result of the old one
   (progress below 100%, and not closed as achieved or not a priority), with the same
   statement, metric, owner, weight and metric source; key ``<old key>@<Q>``.
3. The old objective closed with outcome ``carried over`` and its score (its
   progress on the 0.0-1.0 scale), lifecycle label Closed; its key results closed with
   it: the carried ones as ``carried over``, the others ``achieved`` or ``missed``.

Parents are kept only when they were carried to Q too (an alignment across quarters
would not be scored); the others are named in the result so someone re-aligns it.
Every step checks first, so running the command again changes nothing, and a run
broken off anywhere is completed by the next one.

**In a group scope** each new issue opens in the project of the one it carries (the
team label kept), its text and links naming parents and objectives in other projects
by full reference; the output names every issue by full reference.

**Marked for carry-over** (what ``okrflow schedule`` carries on day 0): an objective
labelled with the carry label (``labels.type.carry``, default ``okr::carry``), or whose
okrflow metadata has ``"carry": true``.

**Annual objectives** are never carried: one spans its fiscal year's four quarters, so
in Q1-Q3 it simply goes on, and in the year's last quarter it stays the year's (it is
not copied into a quarter; it closes with its year, and the next year's are opened with
``okrflow new objective --annual``). ``carry`` of one says so (exit 2, nothing written);
the quarterly objectives under it carry as any do. A marked one is left alone on day 0:
a quarter's load never holds annual objectives among its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from okrflow.adapter import IssueRecord, LoadedIssue, PlannedIssue, Snapshot
from okrflow.commands.analysis import evaluate_snapshot
from okrflow.commands.carry_result import CarriedItem, CarryResult
from okrflow.commands.compose import new_okr_issue
from okrflow.commands.workspace import Workspace, leased
from okrflow.core.evaluation import Evaluation
from okrflow.core.labels import LabelNames
from okrflow.core.meta import Meta, ParentRef
from okrflow.core.model import KeyResult, Objective, Outcome, State
from okrflow.core.scoring import score_for
from okrflow.errors import UsageError

__all__ = [
    "CarriedItem",
    "CarryResult",
    "carried_key",
    "carry",
    "carry_marked",
    "carry_objective",
    "is_marked",
]

CARRY_META_KEY = "carry"
ANNUAL_NOT_CARRIED = (
    "an annual objective of {year} spans the year's four quarters and is not carried into "
    "a quarter: carry the quarterly objectives under it, or open next year's with okrflow "
    "new objective --annual"
)
_DONE_OUTCOMES = (Outcome.ACHIEVED, Outcome.NOT_A_PRIORITY)


def carried_key(key: str, quarter: str) -> str:
    """``company-valuable@FY24-Q2``: the key of ``key`` carried to ``quarter``."""
    base = key.rsplit("@", 1)[0] if "@" in key else key
    return f"{base}@{quarter}"


def is_marked(item: LoadedIssue, names: LabelNames) -> bool:
    """Whether an objective is marked for carry-over (label or metadata flag)."""
    return names.carry in item.record.labels or item.meta.extra.get(CARRY_META_KEY) is True


# -- helpers ------------------------------------------------------------------------------


def _carried_from(item: LoadedIssue, quarter: str | None) -> dict[str, object]:
    where = {"project": item.record.project} if item.okr.project else {}
    return {"iid": item.iid, "key": item.key, "quarter": quarter, **where}


def _header(item: LoadedIssue, quarter: str | None) -> str:
    when = f" ({quarter})" if quarter else ""
    return f"_Carried over from {item.shown}{when}._\n\n"


def _named_in(record: IssueRecord | PlannedIssue, here: str | None) -> int | str:
    """How an issue is named in the text of one in project ``here`` (None: a project
    scope): its number in its own project, its full reference from another (a bare #3
    links to the issue's own project)."""
    if not isinstance(record, IssueRecord):
        return 0  # a dry run's issue, never written
    if here is None or record.project.casefold() == here.casefold():
        return record.iid
    return record.reference


def _unfinished(snap: Snapshot, objective: Objective, evaluation: Evaluation) -> list[KeyResult]:
    out = []
    for kr in objective.key_results:
        result = evaluation.key_results.get(kr.key)
        progress = result.progress if result else 0.0
        outcome = snap.item(kr).meta.outcome if snap.has(kr) else None
        if progress < 1.0 and outcome not in _DONE_OUTCOMES:
            out.append(kr)
    return out


def _close(ws: Workspace, item: LoadedIssue, outcome: Outcome, score: float) -> bool:
    names = ws.labels
    others = [names.state_label(s) for s in State if s is not State.CLOSED]
    meta = item.own_meta().replace(outcome=outcome, score=score)
    return ws.repo.save(
        item,
        meta=meta,
        add_labels=[names.closed],
        remove_labels=others,
        state_event="close",
    )


# -- creating the new issues ---------------------------------------------------------------

Carried = IssueRecord | PlannedIssue


def _new_objective(
    ws: Workspace,
    item: LoadedIssue,
    objective: Objective,
    *,
    key: str,
    source_quarter: str | None,
    to: str,
    parents: Sequence[LoadedIssue],
) -> Carried:
    here = ws.repo.project_of(item.record)
    meta = Meta(
        type="objective",
        key=key,
        parents=tuple(ParentRef(p.key, p.iid) for p in parents),
        weight=objective.weight if objective.weight != 1.0 else None,
        owner=objective.owner,
        kind=objective.kind,
        level=objective.level,
        extra={"carried_from": _carried_from(item, source_quarter)},
    )
    new = new_okr_issue(
        objective,
        meta,
        names=ws.labels,
        quarter=to,
        targets=[_named_in(p.record, here) for p in parents],
        opening=_header(item, source_quarter),
        project=here,
    )
    return ws.repo.create(new)


def _new_key_result(
    ws: Workspace,
    old: LoadedIssue,
    kr: KeyResult,
    *,
    key: str,
    objective_key: str,
    objective: Carried,
    team: str | None,
    source_quarter: str | None,
    to: str,
) -> Carried:
    here = ws.repo.project_of(old.record)
    objective_iid = objective.iid if isinstance(objective, IssueRecord) else None
    named = _named_in(objective, here) if objective_iid is not None else None
    if isinstance(named, str):  # another project's: its iid would name one of here
        objective_iid = None
    meta = Meta(
        type="kr",
        key=key,
        objective=objective_key,
        objective_iid=objective_iid,
        metric=kr.metric,
        weight=kr.weight if kr.weight != 1.0 else None,
        owner=kr.owner,
        source=kr.source,
        extra={"carried_from": _carried_from(old, source_quarter)},
    )
    new = new_okr_issue(
        dataclasses.replace(kr, team=team),
        meta,
        names=ws.labels,
        quarter=to,
        targets=[named] if named is not None else [],
        opening=_header(old, source_quarter),
        project=here,
    )
    return ws.repo.create(new)


def _link(ws: Workspace, issue: Carried, target: int, *, known: bool, project: str | None) -> bool:
    """Link ``issue`` to ``target`` unless it is; ``known``: the issue existed (look
    first). ``project``: of both, in a group scope."""
    if isinstance(issue, PlannedIssue):
        return ws.repo.create_link(issue, target, project=project)  # a dry run plans it
    links = ws.repo.list_links(issue.iid, project=project) if known else []
    if any(
        link.iid == target and _same(link.reference.rpartition("#")[0], project) for link in links
    ):
        return False
    return ws.repo.create_link(issue.iid, target, project=project)


def _same(path: str, project: str | None) -> bool:
    """Whether a link's project (empty: GitLab named none) is ``project``."""
    return project is None or not path or path.casefold() == project.casefold()


def _iid(issue: Carried) -> int | None:
    """A carried issue's iid; None for one a dry run would create."""
    return issue.iid if isinstance(issue, IssueRecord) else None


# -- the commands ----------------------------------------------------------------------------


def carry_objective(
    ws: Workspace,
    snap: Snapshot,
    item: LoadedIssue,
    *,
    to: str,
    target: Snapshot | None = None,
    evaluation: Evaluation | None = None,
) -> CarryResult:
    """Carry the objective ``item`` of ``snap`` (its quarter) over to quarter ``to``."""
    objective = item.okr
    if not isinstance(objective, Objective):
        raise UsageError(
            f"{item.shown} is a key result: carry its objective over (okrflow carry <objective>)"
        )
    source_quarter = snap.quarter or objective.quarter
    if source_quarter == to:
        raise UsageError(f"{item.shown} is already in {to}: give another quarter with --to")
    if item.record.state == "closed" and item.meta.outcome is not Outcome.CARRIED_OVER:
        shown = item.meta.outcome.value if item.meta.outcome else "closed"
        raise UsageError(
            f"{item.shown} is closed ({shown}); only objectives that are not closed can be "
            "carried over"
        )
    evaluation = evaluation or evaluate_snapshot(ws, snap)
    target = target if target is not None else ws.repo.load(to)
    key = carried_key(objective.key, to)
    here = ws.repo.project_of(item.record)
    result = CarryResult(
        item.iid, objective.title, source_quarter, to, key, planned=ws.planned(), project=here
    )
    ws.repo.ensure_can_write()

    parents: list[LoadedIssue] = []
    for parent in objective.parents:
        found = target.by_key(carried_key(parent, to))
        if found is not None and found.is_objective:
            parents.append(found)
        else:
            result.notes.append(
                f"parent {parent} is not carried to {to}: align the new objective in {to}"
            )

    existing = target.by_key(key)
    if existing is not None and not existing.is_objective:
        raise UsageError(f"the key {key!r} in {to} belongs to key result #{existing.iid}")
    new: Carried
    if existing is None:
        new = _new_objective(
            ws, item, objective, key=key, source_quarter=source_quarter, to=to, parents=parents
        )
        created = True
        if isinstance(new, IssueRecord):  # later carries in the same run see it (a parent)
            read = ws.repo.read(new)
            target.issues[read.issue_id] = read
    else:
        new, created = existing.record, False
    new_ref = new if isinstance(new, PlannedIssue) else new.iid
    result.objective = CarriedItem(item.iid, _iid(new), objective.title, created, here)
    result.linked = _link(ws, new, item.iid, known=not created, project=here)
    if created:
        for parent_item in parents:
            ws.repo.create_link(
                new_ref, parent_item.iid, ws.repo.project_of(parent_item.record), project=here
            )

    carried = _unfinished(snap, objective, evaluation)
    for kr in carried:
        kr_key = carried_key(kr.key, to)
        found = target.by_key(kr_key)
        old = snap.item(kr)
        if found is None:
            new_kr = _new_key_result(
                ws,
                old,
                kr,
                key=kr_key,
                objective_key=key,
                objective=new,
                team=objective.team,
                source_quarter=source_quarter,
                to=to,
            )
            kr_ref = new_kr if isinstance(new_kr, PlannedIssue) else new_kr.iid
            there = ws.repo.project_of(old.record)
            ws.repo.create_link(kr_ref, new_ref, here, project=there)
            done = CarriedItem(kr.iid or 0, _iid(new_kr), kr.title, True, there)
        else:
            there = ws.repo.project_of(found.record)
            done = CarriedItem(kr.iid or 0, found.iid, kr.title, False, there)
        result.key_results.append(done)

    carried_keys = {kr.key for kr in carried}
    obj_result = evaluation.objectives.get(objective.key)
    if _close(
        ws, item, Outcome.CARRIED_OVER, score_for(obj_result.progress if obj_result else 0.0)
    ):
        result.closed.append(item.iid)
    for kr in objective.key_results:
        if kr.iid is None or not snap.has(kr):
            continue
        kr_result = evaluation.key_results.get(kr.key)
        progress = kr_result.progress if kr_result else 0.0
        old_item = snap.item(kr)
        if kr.key in carried_keys:
            outcome = Outcome.CARRIED_OVER
        elif old_item.meta.outcome is not None:
            outcome = old_item.meta.outcome
        else:
            outcome = Outcome.ACHIEVED if progress >= 1.0 else Outcome.MISSED
        if _close(ws, old_item, outcome, score_for(progress)):
            result.closed.append(kr.iid)
    return result


@leased("carry")
def carry(ws: Workspace, ref: str, *, to: str) -> CarryResult:
    """Carry the objective ``ref`` (``12``, ``#12``, a URL) over to quarter ``to``."""
    to_label = ws.quarter_label(to, option="--to")
    first = ws.repo.referenced(ref)
    iid = first.shown
    if isinstance(first.okr, Objective) and first.okr.annual:
        raise UsageError(f"{first.shown}: {ANNUAL_NOT_CARRIED.format(year=first.okr.year)}")
    quarter = first.okr.quarter
    if quarter and ws.quarter(quarter) >= ws.quarter(to_label):
        if quarter == to_label:
            raise UsageError(f"{iid} is already in {to_label}: give a later quarter with --to")
        raise UsageError(f"{iid} is in {quarter}: OKRs are carried forward, to a later quarter")
    snap = ws.repo.load(quarter, unscheduled=quarter is None)
    item = snap.issues.get(first.issue_id)
    if item is None:
        raise UsageError(
            f"{iid} is not an OKR objective (no {ws.labels.objective} label): "
            "okrflow carries objectives over"
        )
    return carry_objective(ws, snap, item, to=to_label)


def carry_marked(ws: Workspace, *, quarter: str, to: str) -> list[CarryResult]:
    """Carry every objective of ``quarter`` marked for carry-over to ``to``."""
    snap = ws.repo.load(quarter)
    marked = [
        snap.item(o)
        for o in snap.objectives
        if o.iid is not None
        and is_marked(snap.item(o), ws.labels)
        and (o.state is not State.CLOSED or snap.item(o).meta.outcome is Outcome.CARRIED_OVER)
    ]
    if not marked:
        return []
    evaluation = evaluate_snapshot(ws, snap)
    target = ws.repo.load(to)
    return [
        carry_objective(ws, snap, item, to=to, target=target, evaluation=evaluation)
        for item in _parents_first(marked)
    ]


def _parents_first(items: Sequence[LoadedIssue]) -> list[LoadedIssue]:
    """``items`` with each objective after those of them it is aligned under (a carried
    parent is there for its children to align under), else in their order."""
    by_key = {item.key: item for item in items}

    def depth(item: LoadedIssue, seen: frozenset[str] = frozenset()) -> int:
        above = (
            [by_key[p] for p in item.okr.parents if p in by_key and p not in seen]
            if isinstance(item.okr, Objective)
            else []
        )
        return max((1 + depth(p, seen | {item.key}) for p in above), default=0)

    return sorted(items, key=depth)

"""``okrflow new objective`` / ``okrflow new kr``: open one OKR issue from its template.

The issue is created in one request (:func:`okrflow.commands.compose.new_okr_issue`):
description from the issue template plus okrflow's metadata block (type, key, parents
or objective, metric, owner, weight), the type, draft, quarter and team labels, and the
owner as assignee; then it is linked to its parent objective(s). A key names the OKR
within its quarter (default: a slug of the title); running the same command again
finds the issue by that key and creates nothing ("exists: #12"), only the links a
broken-off run left out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Literal

from okrflow.adapter import IssueRecord, LoadedIssue, PlannedIssue
from okrflow.commands.compose import new_okr_issue
from okrflow.commands.new_checks import (
    check_key,
    check_team,
    check_title,
    check_weight,
    explicit_metric,
    slugify,
)
from okrflow.commands.result import Line, Result, Style, plain
from okrflow.commands.workspace import Workspace, leased
from okrflow.core.issue_text import iid_of_key, key_for_iid
from okrflow.core.meta import Meta, ParentRef
from okrflow.core.model import KeyResult, Kind, Objective, State
from okrflow.core.statements import StatementError, parse_statement
from okrflow.errors import UsageError
from okrflow.render.display import count
from okrflow.render.templating import issue_labels

__all__ = ["NewResult", "explicit_metric", "new_kr", "new_objective", "slugify"]

OkrType = Literal["objective", "kr"]


@dataclasses.dataclass
class NewResult(Result):
    """What ``new`` did (or, in a dry run, would do)."""

    type: OkrType
    title: str
    key: str
    quarter: str | None
    labels: list[str]
    owner: str | None
    parents: list[int]  # iids of the parent objective(s) / the objective
    created: bool  # False: an OKR with this key already existed
    iid: int | None = None  # None: a dry run would create it
    reference: str = ""
    web_url: str = ""
    links_added: list[int] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    shows_planned = False  # the lines say what would be created and linked

    @property
    def what(self) -> str:
        return "objective" if self.type == "objective" else "key result"

    def lines(self, style: Style = plain) -> list[str | Line]:
        notes = [Line(note, "warning") for note in self.notes]
        if self.dry_run and self.created:
            links = ", ".join(f"#{i}" for i in self.parents)
            return [
                f"would create {self.what} {self.title!r} (key {self.key})",
                f"  labels: {', '.join(self.labels)}",
                f"  assignee: @{self.owner}" if self.owner else "  assignee: none",
                f"  linked to: {links}" if links else "  linked to: nothing (top level)",
                *notes,
            ]
        head = f"#{self.iid} {self.reference} {self.web_url}".rstrip()
        out: list[str | Line] = [
            f"created {self.what} {head}" if self.created else f"exists: {head}"
        ]
        verb = "would link" if self.dry_run else "linked"
        if not self.created and self.links_added:
            out.append(f"{verb} it to {', '.join(f'#{i}' for i in self.links_added)}")
        return [*out, *notes]

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "dry_run": self.dry_run,
            "type": self.type,
            "iid": self.iid,
            "reference": self.reference,
            "web_url": self.web_url,
            "key": self.key,
            "title": self.title,
            "quarter": self.quarter,
            "labels": self.labels,
            "owner": self.owner,
            "parents": self.parents,
            "notes": self.notes,
        }


def _owner(ws: Workspace, owner: str) -> str:
    name = owner.strip().removeprefix("@")
    if not name or ws.repo.user_id(name) is None:
        raise UsageError(f"no GitLab user @{name}: check the username given to --owner")
    return name


# -- reading GitLab ----------------------------------------------------------------------------


def _load_objective(ws: Workspace, ref: str, option: str) -> LoadedIssue:
    item = ws.repo.referenced(ref, option=option)
    labels = set(item.record.labels)
    typed = ws.labels.objective in labels or (
        ws.labels.key_result not in labels and item.meta.type == "objective"
    )
    if not typed or not isinstance(item.okr, Objective):
        raise UsageError(
            f"{option} {ref}: #{item.iid} is not an OKR objective (it has no "
            f"{ws.labels.objective} label)"
        )
    return item


def _scope(ws: Workspace, quarter: str | None, type_label: str) -> list[LoadedIssue]:
    """The OKRs a key must be unique among: the quarter's (or, without one, all of a type)."""
    repo = ws.repo
    records = repo.list_issues(labels=[quarter] if quarter else [type_label])
    return [repo.read(r) for r in records if repo.is_okr(r)]


def _type_of(item: LoadedIssue) -> OkrType:
    return "objective" if item.is_objective else "kr"


def _belongs(item: LoadedIssue, objective: LoadedIssue) -> bool:
    okr = item.okr
    return isinstance(okr, KeyResult) and (
        item.meta.objective_iid == objective.iid
        or okr.objective in (objective.key, key_for_iid(objective.iid))
    )


def _resolve_key(
    items: Sequence[LoadedIssue],
    *,
    key: str | None,
    title: str,
    type_: OkrType,
    objective: LoadedIssue | None,
) -> tuple[str, LoadedIssue | None]:
    """(the key to use, the OKR that already has it). A key taken by a different OKR
    is an error when given, and gets a ``-2``, ``-3`` ... suffix when derived."""

    def same(item: LoadedIssue) -> bool:
        if _type_of(item) != type_:
            return False
        return objective is None or _belongs(item, objective)

    base = key or slugify(title)
    candidate = base
    for n in range(2, 1000):
        holders = [item for item in items if item.key == candidate]
        match = next((item for item in holders if same(item)), None)
        if match is not None:
            return candidate, match
        if not holders:
            return candidate, None
        if key:
            other = holders[0]
            raise UsageError(
                f"--key {key!r} is already used by #{other.iid} ({other.record.title!r}); "
                "choose another key"
            )
        candidate = f"{base}-{n}"
    raise UsageError(f"no free key for {title!r}: give one with --key")  # pragma: no cover


# -- writing -----------------------------------------------------------------------------------


def _result(
    ws: Workspace,
    okr: Objective | KeyResult,
    quarter: str | None,
    parents: list[int],
    notes: list[str] | None = None,
) -> NewResult:
    """What ``new`` reports of ``okr``: to be created, until its key is found taken."""
    template: OkrType = "objective" if isinstance(okr, Objective) else "kr"
    labels = issue_labels(template, quarter=quarter, team=okr.team, label_names=ws.labels)
    return NewResult(
        type=template,
        title=okr.title,
        key=okr.key,
        quarter=quarter,
        labels=labels,
        owner=okr.owner,
        parents=parents,
        created=True,
        notes=notes if notes is not None else [],
        planned=ws.planned(),
    )


def _create(ws: Workspace, result: NewResult, okr: Objective | KeyResult, meta: Meta) -> NewResult:
    repo = ws.repo
    issue: IssueRecord | PlannedIssue = repo.create(
        new_okr_issue(okr, meta, names=ws.labels, quarter=result.quarter, targets=result.parents)
    )
    target = issue if isinstance(issue, PlannedIssue) else issue.iid
    for parent in result.parents:
        repo.create_link(target, parent)
    if isinstance(issue, IssueRecord):
        result.iid, result.reference, result.web_url = issue.iid, issue.reference, issue.web_url
    result.links_added = list(result.parents)
    return result


def _existing(ws: Workspace, result: NewResult, item: LoadedIssue, named: list[int]) -> NewResult:
    """The OKR exists: add the links to its parents that a broken-off run left out."""
    record = item.record
    result.created = False
    result.iid, result.reference, result.web_url = record.iid, record.reference, record.web_url
    wanted = [iid for iid in result.parents if iid in named]
    if sorted(set(result.parents)) != sorted(set(named)):
        result.notes.append(
            f"#{record.iid} already exists with other parents "
            f"({', '.join(f'#{i}' for i in named) or 'none'}); change them in GitLab "
            "or with okrflow apply"
        )
    if wanted:
        linked = {
            link.iid
            for link in ws.repo.list_links(record.iid)
            if not link.project_id or link.project_id == record.project_id
        }
        for iid in wanted:
            if iid not in linked:
                ws.repo.create_link(record.iid, iid)
                result.links_added.append(iid)
    return result


def _parent_iids(item: LoadedIssue, scope: Sequence[LoadedIssue]) -> list[int]:
    """The iids of the objectives an existing OKR names as parents."""
    if not isinstance(item.okr, Objective):
        iid = item.meta.objective_iid
        if iid is None and item.okr.objective:
            iid = iid_of_key(item.okr.objective)
        return [iid] if iid is not None else []
    by_key = {other.key: other.iid for other in scope}
    known = {p.key: p.iid for p in item.meta.parents if p.iid is not None}
    out = []
    for key in item.okr.parents:
        iid = known.get(key) or by_key.get(key) or iid_of_key(key)
        if iid is not None:
            out.append(iid)
    return out


# -- the commands ------------------------------------------------------------------------------


@leased("new")
def new_objective(
    ws: Workspace,
    *,
    title: str,
    quarter: str,
    team: str,
    owner: str,
    purpose: str,
    parents: Sequence[str] = (),
    kind: str = "committed",
    key: str | None = None,
    weight: float | None = None,
) -> NewResult:
    """Open an objective issue (or find the one with the same key in the quarter)."""
    ws.repo.ensure_can_write()
    title = check_title(title, "--title")
    if not purpose.strip():
        raise UsageError("--purpose is empty: say why this objective matters")
    try:
        chosen_kind = Kind(kind)
    except ValueError:
        raise UsageError(f"--kind must be committed or aspirational, not {kind!r}") from None
    quarter_label = ws.quarter_label(quarter)
    team_label = team.strip()
    if ws.labels.teams:
        configured = ws.labels.team_of(team_label)
        if configured is None:
            raise UsageError(
                f"--team {team!r} is not a configured team ({', '.join(ws.labels.teams)}); "
                "add it under teams: in the config"
            )
        team_label = configured
    team_label = check_team(team_label)
    weight = check_weight(weight)
    key = check_key(key) if key else None
    owner_name = _owner(ws, owner)
    parent_items: list[LoadedIssue] = []
    for ref in parents:
        item = _load_objective(ws, ref, "--parent")
        if all(p.iid != item.iid for p in parent_items):
            parent_items.append(item)

    scope = _scope(ws, quarter_label, ws.labels.objective)
    final_key, found = _resolve_key(scope, key=key, title=title, type_="objective", objective=None)
    okr = Objective(
        key=final_key,
        title=title,
        purpose=purpose.strip(),
        owner=owner_name,
        team=team_label,
        quarter=quarter_label,
        kind=chosen_kind,
    )
    result = _result(ws, okr, quarter_label, [p.iid for p in parent_items])
    if found is not None:
        return _existing(ws, result, found, _parent_iids(found, scope))
    meta = Meta(
        type="objective",
        key=final_key,
        parents=tuple(ParentRef(p.key, p.iid) for p in parent_items),
        weight=weight,
        owner=owner_name,
        kind=chosen_kind,
        lifecycle=State.DRAFT,  # filed in draft: a board move is checked from here
    )
    return _create(ws, result, okr, meta)


@leased("new")
def new_kr(
    ws: Workspace,
    *,
    objective: str,
    title: str,
    owner: str | None = None,
    weight: float | None = None,
    start: str | None = None,
    target: str | None = None,
    unit: str | None = None,
    direction: str | None = None,
    key: str | None = None,
) -> NewResult:
    """Open a key-result issue under an objective (or find the one with the same key).

    Quarter and team come from the objective; the owner defaults to the objective's.
    """
    ws.repo.ensure_can_write()
    title = check_title(title, "--title")
    metric = explicit_metric(start, target, unit, direction)
    if metric is None:
        try:
            metric = parse_statement(title)
        except StatementError as exc:
            raise UsageError(
                f"cannot read the key result {title!r}: {exc.reason}; or give --start and --target"
            ) from None
    weight = check_weight(weight)
    key = check_key(key) if key else None
    parent = _load_objective(ws, objective, "--objective")
    assert isinstance(parent.okr, Objective)
    notes: list[str] = []
    if owner:
        owner_name: str | None = _owner(ws, owner)
    else:
        owner_name = parent.okr.owner
        if owner_name:
            notes.append(f"owner: @{owner_name}, the objective's owner (--owner to choose)")
    names = ws.labels
    quarter = next((lab for lab in parent.record.labels if names.quarter_of(lab)), None)
    team = next((lab for lab in parent.record.labels if names.team_of(lab)), parent.okr.team)
    if quarter is None:
        notes.append(f"the objective #{parent.iid} has no quarter label; neither has this one")

    scope = _scope(ws, quarter, names.key_result)
    final_key, found = _resolve_key(scope, key=key, title=title, type_="kr", objective=parent)
    okr = KeyResult(
        key=final_key,
        title=title,
        metric=metric,
        owner=owner_name,
        weight=weight if weight is not None else 1.0,
        team=team,
    )
    result = _result(ws, okr, quarter, [parent.iid], notes)
    if found is not None:
        return _existing(ws, result, found, _parent_iids(found, scope))
    siblings = sum(1 for item in scope if _belongs(item, parent))
    limit = ws.config.rules.max_krs
    if siblings + 1 > limit:
        notes.append(
            f"objective #{parent.iid} now has {count(siblings + 1, 'key result')}; "
            f"the rules allow at most {limit}"
        )
    meta = Meta(
        type="kr",
        key=final_key,
        objective=parent.key,
        objective_iid=parent.iid,
        metric=metric,
        weight=weight,
        owner=owner_name,
        lifecycle=State.DRAFT,
    )
    return _create(ws, result, okr, meta)

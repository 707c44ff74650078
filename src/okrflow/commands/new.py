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

from collections.abc import Sequence

from okrflow.adapter import IssueRecord, LoadedIssue, PlannedIssue
from okrflow.commands.compose import new_okr_issue
from okrflow.commands.new_annual import check_kr_objective, check_parent, period_of
from okrflow.commands.new_checks import (
    check_key,
    check_same_quarter,
    check_team,
    check_title,
    check_weight,
    checked_source,
    explicit_metric,
    load_objectives,
    slugify,
    target_project,
)
from okrflow.commands.new_result import NewResult, OkrType
from okrflow.commands.workspace import Workspace, leased
from okrflow.core.issue_refs import issue_of_key
from okrflow.core.meta import Meta, ParentRef
from okrflow.core.model import IssueId, KeyResult, Kind, MetricSource, Objective, SourceKind, State
from okrflow.core.statements import StatementError, parse_statement
from okrflow.errors import UsageError
from okrflow.render.display import count
from okrflow.render.templating import issue_labels

__all__ = ["NewResult", "explicit_metric", "new_kr", "new_objective", "slugify"]


def _owner(ws: Workspace, owner: str) -> str:
    name = owner.strip().removeprefix("@")
    if not name or ws.repo.user_id(name) is None:
        raise UsageError(f"no GitLab user @{name}: check the username given to --owner")
    return name


# -- reading GitLab ----------------------------------------------------------------------------


def _scope(ws: Workspace, quarter: str | None, type_label: str) -> list[LoadedIssue]:
    """The OKRs a key must be unique among: the quarter's (or, without one, all of a
    type), in the whole scope (a group: all its OKR projects)."""
    repo = ws.repo
    records = repo.list_issues(labels=[quarter] if quarter else [type_label])
    return [repo.read(r) for r in records if repo.is_okr(r)]


def _type_of(item: LoadedIssue) -> OkrType:
    return "objective" if item.is_objective else "kr"


def _in(item: LoadedIssue) -> str:
    """The project ``item``'s bare numbers point into ("" in a project scope)."""
    return item.issue_id.project


def _belongs(item: LoadedIssue, objective: LoadedIssue) -> bool:
    okr = item.okr
    if not isinstance(okr, KeyResult):
        return False
    if okr.objective == objective.key:
        return True
    if okr.objective and issue_of_key(okr.objective, _in(item)) == objective.issue_id:
        return True
    return _in(item) == _in(objective) and item.meta.objective_iid == objective.iid


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
                f"--key {key!r} is already used by {other.shown} ({other.record.title!r}); "
                "choose another key"
            )
        candidate = f"{base}-{n}"
    raise UsageError(f"no free key for {title!r}: give one with --key")  # pragma: no cover


# -- writing -----------------------------------------------------------------------------------


def _result(
    ws: Workspace,
    okr: Objective | KeyResult,
    quarter: str | None,
    parents: Sequence[LoadedIssue],
    project: str | None,
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
        parents=[p.iid for p in parents],
        parent_references=[p.shown for p in parents],
        created=True,
        notes=notes if notes is not None else [],
        planned=ws.planned(),
        project=project,
    )


def _same_project(parent: LoadedIssue, project: str | None) -> bool:
    """Whether ``parent`` is in ``project`` (None: the OKR project of a project scope)."""
    return project is None or parent.record.project.casefold() == project.casefold()


def _targets(parents: Sequence[LoadedIssue], project: str | None) -> list[int | str]:
    """The parents as the new issue's text names them: a number in its own project, the
    full reference in another (GitLab links a bare #3 to the issue's own project)."""
    return [p.iid if _same_project(p, project) else p.record.reference for p in parents]


def _create(
    ws: Workspace,
    result: NewResult,
    okr: Objective | KeyResult,
    meta: Meta,
    parents: Sequence[LoadedIssue],
) -> NewResult:
    repo = ws.repo
    project = result.project
    new = new_okr_issue(
        okr,
        meta,
        names=ws.labels,
        quarter=result.quarter,
        targets=_targets(parents, project),
        project=project,
    )
    issue: IssueRecord | PlannedIssue = repo.create(new)
    target = issue if isinstance(issue, PlannedIssue) else issue.iid
    for parent in parents:
        repo.create_link(target, parent.iid, repo.project_of(parent.record), project=project)
    if isinstance(issue, IssueRecord):
        result.iid, result.reference, result.web_url = issue.iid, issue.reference, issue.web_url
    result.links_added = [p.iid for p in parents]
    result.linked_references = [p.shown for p in parents]
    return result


def _existing(
    ws: Workspace,
    result: NewResult,
    item: LoadedIssue,
    named: list[IssueId],
    parents: Sequence[LoadedIssue],
) -> NewResult:
    """The OKR exists: add the links to its parents that a broken-off run left out."""
    record = item.record
    result.created = False
    result.iid, result.reference, result.web_url = record.iid, record.reference, record.web_url
    result.project = ws.repo.project_of(record)
    wanted = [p for p in parents if p.issue_id in named]
    if {p.issue_id for p in parents} != set(named):
        result.notes.append(
            f"{item.shown} already exists with other parents "
            f"({', '.join(map(_shown, named)) or 'none'}); change them in GitLab "
            "or with okrflow apply"
        )
    if wanted:
        project = ws.repo.project_of(record)
        linked = {
            _linked_id(link.reference, link.iid, item)
            for link in ws.repo.list_links(record.iid, project=project)
            if item.across or not link.project_id or link.project_id == record.project_id
        }
        for parent in wanted:
            if parent.issue_id not in linked:
                ws.repo.create_link(
                    record.iid, parent.iid, ws.repo.project_of(parent.record), project=project
                )
                result.links_added.append(parent.iid)
                result.linked_references.append(parent.shown)
    return result


def _shown(which: IssueId) -> str:
    return str(which)


def _linked_id(reference: str, iid: int, item: LoadedIssue) -> IssueId:
    """Which issue a link of ``item`` points to, as the snapshot names issues."""
    return IssueId(reference.rpartition("#")[0] if item.across else "", iid)


def _parent_ids(item: LoadedIssue, scope: Sequence[LoadedIssue]) -> list[IssueId]:
    """The objectives an existing OKR names as parents (by project and iid)."""
    here = _in(item)
    by_key = {other.key: other.issue_id for other in scope}

    def of(key: str, iid: int | None = None) -> IssueId | None:
        if iid is not None:
            return IssueId(here, iid)
        return by_key.get(key) or issue_of_key(key, here)

    if not isinstance(item.okr, Objective):
        iid = item.meta.objective_iid
        found = of(item.okr.objective, None) if item.okr.objective else None
        if found is None and iid is not None:
            found = of("", iid)
        also = [by_key.get(key) or issue_of_key(key, here) for key in item.okr.also]
        return [f for f in (found, *also) if f is not None]
    known = {p.key: p.iid for p in item.meta.parents if p.iid is not None}
    out = []
    for key in item.okr.parents:
        found = by_key.get(key) or (of(key, known[key]) if key in known else of(key))
        if found is not None:
            out.append(found)
    return out


# -- the commands ------------------------------------------------------------------------------


@leased("new")
def new_objective(
    ws: Workspace,
    *,
    title: str,
    quarter: str | None,
    team: str,
    owner: str,
    purpose: str,
    parents: Sequence[str] = (),
    kind: str = "committed",
    key: str | None = None,
    weight: float | None = None,
    project: str | None = None,
    annual: bool = False,
) -> NewResult:
    """Open an objective issue (or find the one with the same key in the quarter).

    In a group scope it opens in ``project``, one of the scope's OKR projects (default:
    the project the config gives its team); its parents may be in any of them.
    ``annual``: an objective of the fiscal year (``quarter`` names the year, or a
    quarter of it; default the current one), labelled with the year's label; its
    parents must be annual objectives too. A quarterly objective's parents may be
    annual objectives of its own fiscal year."""
    ws.repo.ensure_can_write()
    title = check_title(title, "--title")
    if not purpose.strip():
        raise UsageError("--purpose is empty: say why this objective matters")
    try:
        chosen_kind = Kind(kind)
    except ValueError:
        raise UsageError(f"--kind must be committed or aspirational, not {kind!r}") from None
    period = period_of(ws, quarter, annual)  # (quarter, year): one of them
    quarter_label = period[0] or period[1] or ""
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
    target = target_project(ws.repo, project, team=team_label, default=None, what="objective")
    owner_name = _owner(ws, owner)
    parent_items = load_objectives(ws, parents, "--parent")
    for item in parent_items:
        check_parent(ws, item.shown, title, period, item)

    scope = _scope(ws, quarter_label, ws.labels.objective)
    final_key, found = _resolve_key(scope, key=key, title=title, type_="objective", objective=None)
    okr = Objective(
        key=final_key,
        title=title,
        purpose=purpose.strip(),
        owner=owner_name,
        team=team_label,
        kind=chosen_kind,
        quarter=period[0],
        year=period[1],
    )
    result = _result(ws, okr, quarter_label, parent_items, target)
    if found is not None:
        return _existing(ws, result, found, _parent_ids(found, scope), parent_items)
    meta = Meta(
        type="objective",
        key=final_key,
        # a parent of another project by key alone: its number names no issue here
        parents=tuple(
            ParentRef(p.key, p.iid if _same_project(p, target) else None) for p in parent_items
        ),
        weight=weight,
        owner=owner_name,
        kind=chosen_kind,
        lifecycle=State.DRAFT,  # filed in draft: a board move is checked from here
    )
    return _create(ws, result, okr, meta, parent_items)


@leased("new")
def new_kr(
    ws: Workspace,
    *,
    objective: str | Sequence[str],
    title: str,
    owner: str | None = None,
    weight: float | None = None,
    start: str | None = None,
    target: str | None = None,
    unit: str | None = None,
    direction: str | None = None,
    key: str | None = None,
    project: str | None = None,
    source: str | MetricSource | None = None,
) -> NewResult:
    """Open a key-result issue under an objective (or find the one with the same key).

    Quarter and team come from the objective; the owner defaults to the objective's. In
    a group scope it opens in ``project`` (default: the objective's project). Several
    objectives (``--objective`` repeated): it counts for each, the first is its home;
    all must be of one quarter. ``source``: where its value comes from, as the OKR file
    writes it (``manual``, ``initiatives``, ``{query: {..., project: P}}`` ...); a query
    outside the scope and ``metrics.allowed_scopes`` is refused before any write.
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
    measured_by = checked_source(ws, source)
    objectives = load_objectives(ws, [objective] if isinstance(objective, str) else objective)
    if not objectives:
        raise UsageError("--objective is missing: name the objective the key result moves")
    parent, *others = objectives
    assert isinstance(parent.okr, Objective)
    check_kr_objective(parent.shown, title, parent)
    target = target_project(
        ws.repo, project, team=None, default=parent.record.project, what="key result"
    )
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
        notes.append(f"the objective {parent.shown} has no quarter label; neither has this one")
    check_same_quarter(ws, quarter, parent, others)

    scope = _scope(ws, quarter, names.key_result)
    final_key, found = _resolve_key(scope, key=key, title=title, type_="kr", objective=parent)
    okr = KeyResult(
        key=final_key,
        title=title,
        metric=metric,
        owner=owner_name,
        weight=weight if weight is not None else 1.0,
        team=team,
        source=measured_by,
    )
    result = _result(ws, okr, quarter, objectives, target, notes)
    if found is not None:
        return _existing(ws, result, found, _parent_ids(found, scope), objectives)
    siblings = sum(1 for item in scope if _belongs(item, parent))
    limit = ws.config.rules.max_krs
    if siblings + 1 > limit:
        notes.append(
            f"objective {parent.shown} now has {count(siblings + 1, 'key result')}; "
            f"the rules allow at most {limit}"
        )
    meta = Meta(
        type="kr",
        key=final_key,
        objective=parent.key,
        objective_iid=parent.iid if _same_project(parent, target) else None,
        # the further objectives it counts for; one in another project by its path too
        also=tuple(
            ParentRef(o.key, o.iid, None if _same_project(o, target) else o.record.project)
            for o in others
        ),
        metric=metric,
        weight=weight,
        owner=owner_name,
        source=measured_by if measured_by.kind is not SourceKind.MANUAL else None,
        lifecycle=State.DRAFT,
    )
    return _create(ws, result, okr, meta, objectives)

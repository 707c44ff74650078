"""``okrflow new objective`` / ``okrflow new kr``: open one OKR issue from its template.

The issue is created in one request: description from the issue template plus
okrflow's metadata block (type, key, parents or objective, metric, owner, weight),
the type, draft, quarter and team labels, and the owner as assignee; then it is
linked to its parent objective(s). A key names the OKR within its quarter (default:
a slug of the title); running the same command again finds the issue by that key
and creates nothing ("exists: #12"), only the links a broken-off run left out.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from typing import Literal

from okrflow import __version__
from okrflow.adapter.records import IssueRecord
from okrflow.adapter.refs import referenced_issue
from okrflow.adapter.snapshot import LoadedIssue, is_okr, read_record
from okrflow.commands.workspace import Workspace
from okrflow.core.description import with_meta
from okrflow.core.issue_text import iid_of_key, key_for_iid
from okrflow.core.meta import Meta, ParentRef
from okrflow.core.model import Direction, KeyResult, Kind, Metric, MetricKind, Objective
from okrflow.core.statements import StatementError, parse_statement
from okrflow.core.values import parse_value
from okrflow.errors import UsageError
from okrflow.render.templating import issue_labels, render_issue_template

__all__ = ["NewResult", "new_kr", "new_objective", "slugify"]

OkrType = Literal["objective", "kr"]
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,99}")
MAX_TITLE = 255


@dataclasses.dataclass
class NewResult:
    """What ``new`` did (or, in a dry run, would do)."""

    type: OkrType
    title: str
    key: str
    quarter: str | None
    labels: list[str]
    owner: str | None
    parents: list[int]  # iids of the parent objective(s) / the objective
    created: bool  # False: an OKR with this key already existed
    dry_run: bool = False
    iid: int | None = None
    reference: str = ""
    web_url: str = ""
    links_added: list[int] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def what(self) -> str:
        return "objective" if self.type == "objective" else "key result"

    def lines(self) -> list[str]:
        if self.dry_run and self.created:
            links = ", ".join(f"#{i}" for i in self.parents)
            return [
                f"would create {self.what} {self.title!r} (key {self.key})",
                f"  labels: {', '.join(self.labels)}",
                f"  assignee: @{self.owner}" if self.owner else "  assignee: none",
                f"  linked to: {links}" if links else "  linked to: nothing (top level)",
            ]
        head = f"#{self.iid} {self.reference} {self.web_url}".rstrip()
        out = [f"created {self.what} {head}" if self.created else f"exists: {head}"]
        verb = "would link" if self.dry_run else "linked"
        if not self.created and self.links_added:
            out.append(f"{verb} it to {', '.join(f'#{i}' for i in self.links_added)}")
        return out


# -- references and keys -------------------------------------------------------------------


def slugify(title: str, max_length: int = 48) -> str:
    """A key from a title: ``grow-weekly-active-users-from-10-000-to-15-000``."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > max_length:
            break
        slug = longer
    if not slug and words:
        slug = words[0][:max_length]
    if not slug:  # nothing ASCII in the title
        slug = "okr-" + hashlib.sha256(title.encode()).hexdigest()[:10]
    if iid_of_key(slug) is not None:  # "iid-12" names issue 12
        slug = "okr-" + slug
    return slug


def _check_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise UsageError(
            f"--key {key!r}: a key is letters, digits, '.', '_' and '-', starting with a "
            "letter or digit, at most 100 characters"
        )
    if iid_of_key(key) is not None:
        raise UsageError(f"--key {key!r}: keys like iid-12 are reserved for issue 12")
    return key


def _check_title(title: str, what: str) -> str:
    text = title.strip()
    if not text:
        raise UsageError(f"{what} is empty")
    if "\n" in text or "\r" in text:
        raise UsageError(f"{what} must be one line")
    if len(text) > MAX_TITLE:
        raise UsageError(f"{what} is {len(text)} characters; GitLab allows {MAX_TITLE}")
    return text


MAX_WEIGHT = 1000  # as in the OKR file


def _check_weight(weight: float | None) -> float | None:
    if weight is not None and not 0 < weight <= MAX_WEIGHT:
        raise UsageError(
            f"--weight must be a number more than 0 and at most {MAX_WEIGHT}, not {weight:g}"
        )
    return weight


def _owner(ws: Workspace, owner: str) -> str:
    name = owner.strip().removeprefix("@")
    if not name or ws.gl.user_id(name) is None:
        raise UsageError(f"no GitLab user @{name}: check the username given to --owner")
    return name


# -- reading GitLab ----------------------------------------------------------------------------


def _load_objective(ws: Workspace, ref: str, option: str) -> LoadedIssue:
    gl = ws.gl
    record = referenced_issue(gl, ref, option=option)
    iid = record.iid
    item = read_record(record, ws.labels)
    labels = set(record.labels)
    typed = ws.labels.objective in labels or (
        ws.labels.key_result not in labels and item.meta.type == "objective"
    )
    if not typed or not isinstance(item.okr, Objective):
        raise UsageError(
            f"{option} {ref}: #{iid} is not an OKR objective (it has no "
            f"{ws.labels.objective} label)"
        )
    return item


def _scope(ws: Workspace, quarter: str | None, type_label: str) -> list[LoadedIssue]:
    """The OKRs a key must be unique among: the quarter's (or, without one, all of a type)."""
    records = ws.gl.list_issues(labels=[quarter] if quarter else [type_label])
    return [read_record(r, ws.labels) for r in records if is_okr(r, ws.labels)]


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


def _find(ws: Workspace, quarter: str | None, type_label: str, key: str) -> IssueRecord | None:
    """After an ambiguous create: the issue the first attempt may have made."""
    return next((item.record for item in _scope(ws, quarter, type_label) if item.key == key), None)


# -- writing -----------------------------------------------------------------------------------


def _create(
    ws: Workspace,
    result: NewResult,
    *,
    description: str,
    quarter: str | None,
    type_label: str,
) -> NewResult:
    gl = ws.gl
    record = gl.create_issue(
        title=result.title,
        description=description,
        labels=result.labels,
        assignee=result.owner,
        find_existing=lambda: _find(ws, quarter, type_label, result.key),
    )
    for parent in result.parents:
        gl.create_link(record.iid, parent)
    result.iid = record.iid if record.iid > 0 else None
    result.reference, result.web_url = record.reference, record.web_url
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
            for link in ws.gl.list_links(record.iid)
            if not link.project_id or link.project_id == record.project_id
        }
        for iid in wanted:
            if iid not in linked:
                ws.gl.create_link(record.iid, iid)
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
    ws.gl.ensure_can_write()
    title = _check_title(title, "--title")
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
    if not team_label:
        raise UsageError("--team is empty")
    if "," in team_label or "\n" in team_label or len(team_label) > MAX_TITLE:
        raise UsageError(
            f"--team {team_label[:60]!r}: a GitLab label has no comma or line break and at "
            f"most {MAX_TITLE} characters"
        )
    weight = _check_weight(weight)
    key = _check_key(key) if key else None
    owner_name = _owner(ws, owner)
    parent_items: list[LoadedIssue] = []
    for ref in parents:
        item = _load_objective(ws, ref, "--parent")
        if all(p.iid != item.iid for p in parent_items):
            parent_items.append(item)

    scope = _scope(ws, quarter_label, ws.labels.objective)
    final_key, found = _resolve_key(scope, key=key, title=title, type_="objective", objective=None)
    labels = issue_labels(
        "objective", quarter=quarter_label, team=team_label, label_names=ws.labels
    )
    result = NewResult(
        type="objective",
        title=title,
        key=final_key,
        quarter=quarter_label,
        labels=labels,
        owner=owner_name,
        parents=[p.iid for p in parent_items],
        created=True,
        dry_run=ws.dry_run,
    )
    if found is not None:
        return _existing(ws, result, found, _parent_iids(found, scope))

    body = render_issue_template(
        "objective",
        label_names=ws.labels,
        title=title,
        purpose=purpose.strip(),
        owner=owner_name,
        team=team_label,
        quarter=quarter_label,
        parents=[f"#{p.iid}" for p in parent_items],
        kind=chosen_kind.value,
        key_results=[],
    )
    meta = Meta(
        okrflow=__version__,
        type="objective",
        key=final_key,
        parents=tuple(ParentRef(p.key, p.iid) for p in parent_items),
        weight=weight,
        owner=owner_name,
        kind=chosen_kind,
    )
    return _create(
        ws,
        result,
        description=with_meta(body, meta.to_dict()),
        quarter=quarter_label,
        type_label=ws.labels.objective,
    )


def explicit_metric(
    start: str | None,
    target: str | None,
    unit: str | None,
    direction: str | None,
) -> Metric | None:
    """The metric given with --start and --target (None when neither is)."""
    if start is None and target is None:
        if unit is not None or direction is not None:
            raise UsageError("--unit and --direction go with --start and --target")
        return None
    if start is None or target is None:
        raise UsageError("give both --start and --target (or neither, to read the statement)")
    unit_text = (unit or "").strip()
    try:
        first, last = parse_value(start, unit_text), parse_value(target, unit_text)
    except ValueError as exc:
        raise UsageError(f"--start/--target: {exc}") from None
    if direction is not None and direction not in ("increase", "decrease"):
        raise UsageError(f"--direction must be increase or decrease, not {direction!r}")
    if first == last:  # a level to hold: at least (increase) or at most (decrease)
        held = Direction(direction or "increase")
        return Metric(MetricKind.THRESHOLD, first, last, unit_text, held)
    natural = Direction.INCREASE if last > first else Direction.DECREASE
    if direction is not None and direction != natural.value:
        raise UsageError(
            f"--direction {direction} contradicts --start {start} --target {target}, "
            f"which is to {natural.value}"
        )
    return Metric(MetricKind.LINEAR, first, last, unit_text, natural)


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
    ws.gl.ensure_can_write()
    title = _check_title(title, "--title")
    metric = explicit_metric(start, target, unit, direction)
    if metric is None:
        try:
            metric = parse_statement(title)
        except StatementError as exc:
            raise UsageError(
                f"cannot read the key result {title!r}: {exc.reason}; or give --start and --target"
            ) from None
    weight = _check_weight(weight)
    key = _check_key(key) if key else None
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
    result = NewResult(
        type="kr",
        title=title,
        key=final_key,
        quarter=quarter,
        labels=issue_labels("kr", quarter=quarter, team=team, label_names=names),
        owner=owner_name,
        parents=[parent.iid],
        created=True,
        dry_run=ws.dry_run,
        notes=notes,
    )
    if found is not None:
        return _existing(ws, result, found, _parent_iids(found, scope))
    siblings = sum(1 for item in scope if _belongs(item, parent))
    limit = ws.config.rules.max_krs
    if siblings + 1 > limit:
        notes.append(
            f"objective #{parent.iid} now has {siblings + 1} key results; "
            f"the rules allow at most {limit}"
        )
    body = render_issue_template(
        "kr",
        label_names=names,
        statement=title,
        objective=f"#{parent.iid}",
        owner=owner_name,
        weight=None if weight is None else f"{weight:g}",
        quarter=quarter,
        team=team,
    )
    meta = Meta(
        okrflow=__version__,
        type="kr",
        key=final_key,
        objective=parent.key,
        objective_iid=parent.iid,
        metric=metric,
        weight=weight,
        owner=owner_name,
    )
    return _create(
        ws,
        result,
        description=with_meta(body, meta.to_dict()),
        quarter=quarter,
        type_label=names.key_result,
    )

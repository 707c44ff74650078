"""The KPIs of ``okrflow apply`` / ``okrflow plan``: each ``kpis:`` entry of the file is one
open issue with the KPI type label, matched by the key in okrflow's metadata.

A KPI belongs to no quarter and has no lifecycle: its issue carries the KPI label and
its team label only. What is compared, and written in one PUT when it differs: the
title, the labels, the assignee (the owner) and okrflow's metadata (key, type, owner,
healthy range, source); the description text is okrflow's own until a person edits it,
as for an objective (:mod:`okrflow.commands.apply`). KPIs in GitLab that the file does
not name are left alone and not reported: other files (other quarters, other teams)
may own them. Objectives name the KPIs they protect by key (``kpis:``); a key not in
the file must be a KPI already in GitLab.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okrflow.adapter import LoadedKpi, NewIssue, PlannedIssue, Snapshot, label_changes
from okrflow.commands.apply_result import ApplyResult, Change
from okrflow.commands.compose import stamped
from okrflow.commands.workspace import Workspace
from okrflow.config.okrfile import OkrFile
from okrflow.core import description as desc
from okrflow.core.meta import SCHEMA_VERSION, Meta
from okrflow.core.okr_diff import TEXT_KEY, fingerprint, meta_details, quote
from okrflow.core.standing import Kpi
from okrflow.render.comments import kpi_issue_text

__all__ = ["KpiSync"]


def _labels(ws: Workspace, kpi: Kpi) -> list[str]:
    names = ws.labels
    team = kpi.team
    if team and names.teams:
        team = names.team_of(team)
    return [names.kpi, *([team] if team else [])]


def _meta(base: Meta, kpi: Kpi, iid: int | None) -> Meta:
    extra = {k: v for k, v in base.extra.items() if k != "team"}
    if kpi.team:
        extra["team"] = kpi.team
    return base.replace(
        schema=SCHEMA_VERSION,
        type="kpi",
        key=kpi.key,
        iid=iid,
        owner=kpi.owner,
        range=kpi.healthy,
        source=kpi.source,
        extra=extra,
    )


def _create(ws: Workspace, kpi: Kpi, owner: str | None, result: ApplyResult, execute: bool) -> None:
    result.changes.append(Change("create", "kpi", kpi.key, kpi.title))
    if not execute:
        return
    text = kpi_issue_text(kpi)
    pending = _meta(Meta(), kpi, None)
    pending = pending.replace(extra={**pending.extra, TEXT_KEY: fingerprint(text)})
    new = NewIssue(
        title=kpi.title,
        description=desc.with_meta(text, stamped(pending).to_dict()),
        labels=tuple(_labels(ws, kpi)),
        assignee=owner,
        key=kpi.key,
    )
    record = ws.repo.create(new)
    if isinstance(record, PlannedIssue):
        return
    description = desc.with_meta(
        record.description, stamped(pending.replace(iid=record.iid)).to_dict()
    )
    if description != record.description:
        ws.repo.update_issue(record.iid, description=description)


def _update(
    ws: Workspace,
    item: LoadedKpi,
    kpi: Kpi,
    owner: str | None,
    result: ApplyResult,
    execute: bool,
) -> None:
    record = item.record
    details: list[str] = []
    fields: dict[str, Any] = {}
    if kpi.title != record.title:
        fields["title"] = kpi.title
        details.append(f"title {quote(record.title)} -> {quote(kpi.title)}")
    old_team = item.meta.extra.get("team")
    remove = [old_team] if isinstance(old_team, str) and old_team != kpi.team else []
    add, drop = label_changes(record.labels, add=_labels(ws, kpi), remove=remove)
    if add:
        fields["add_labels"] = add
    if drop:
        fields["remove_labels"] = drop
    if add or drop:
        details.append("labels " + " ".join([*(f"+{x}" for x in add), *(f"-{x}" for x in drop)]))
    if owner and owner not in record.assignees:
        fields["assignee_ids"] = [ws.repo.user_id(owner)]
        details.append(f"assignee -> @{owner}")
    want = _meta(item.own_meta(), kpi, item.iid)
    details.extend(meta_details(item.meta, want, []))
    if not details:
        result.changes.append(Change("unchanged", "kpi", kpi.key, record.title, item.iid))
        return
    result.changes.append(Change("update", "kpi", kpi.key, kpi.title, item.iid, tuple(details)))
    if not execute:
        return
    parsed = desc.split(record.description)
    text = record.description
    if item.meta.extra.get(TEXT_KEY) == fingerprint(parsed.human):  # okrflow's own text
        text = kpi_issue_text(kpi)
        want = want.replace(extra={**want.extra, TEXT_KEY: fingerprint(text)})
        if parsed.section is not None:
            text = desc.with_managed_section(text, parsed.section)
    description = desc.with_meta(text, stamped(want).to_dict())
    if description != record.description:
        fields["description"] = description
    if fields:
        updated = ws.repo.update_issue(item.iid, **fields)
        if updated is not None:
            item.record = updated


class KpiSync:
    """The file's KPIs against the KPI issues found in ``snapshot``; a KPI key an objective
    names that is neither in the file nor in GitLab is refused here, before any write."""

    def __init__(
        self,
        ws: Workspace,
        okr_file: OkrFile,
        snapshot: Snapshot,
        result: ApplyResult,
        user_exists: Callable[[str], bool],
    ) -> None:
        self.ws, self.result, self.user_exists = ws, result, user_exists
        self.existing: dict[str, LoadedKpi] = {}
        for found in sorted(snapshot.kpi_issues.values(), key=lambda i: i.iid):
            self.existing.setdefault(found.key, found)  # a key used twice: the oldest issue
        known = {k.key for k in okr_file.kpis} | set(self.existing)
        for key, place in okr_file.external_kpis.items():
            if key not in known:
                raise okr_file.error(
                    place, f"KPI {key!r} is neither in the file's kpis: nor a KPI in GitLab"
                )

    def sync(self, kpi: Kpi, *, execute: bool) -> None:
        """Create or update the KPI's issue (``execute``), or say what would change."""
        owner = kpi.owner if kpi.owner and self.user_exists(kpi.owner) else None
        item = self.existing.get(kpi.key)
        if item is None:
            _create(self.ws, kpi, owner, self.result, execute)
        else:
            _update(self.ws, item, kpi, owner, self.result, execute)

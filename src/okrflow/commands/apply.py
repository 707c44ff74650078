"""``okrflow apply FILE`` / ``okrflow plan FILE``: make GitLab match an OKR file.

Matching. The quarter's OKR issues are loaded once (:func:`okrflow.adapter.snapshot.load_snapshot`)
and matched to the file by the key in okrflow's metadata: an objective by its key, a key
result by ``<objective key>/<key>``. A new title under the same key is an update, never
a new issue. OKR issues of the quarter that the file does not mention are reported
(``! not in file``) and never changed or deleted. A parent key that is not in the file
must name an objective already in GitLab (this quarter first, then any quarter), else
the run stops with exit 2 before anything is written.

What is compared, and written in one PUT per issue that differs: the title; the type,
quarter and team labels (a team label the file no longer names is removed; the
lifecycle label is set to draft on create only: apply never moves the lifecycle); the
assignee (the owner); okrflow's metadata (key, type, parents with their iids, objective,
metric, weight, kind, level, source, owner, and the file's purpose and team). A missing
link (a key result to its objective, an objective to each parent, ``relates_to``) is
created before that PUT; the metadata records a parent's or objective's iid only once
the link exists. Links are never removed.

The description. okrflow writes it from the issue template on create and keeps a
fingerprint of that text in its metadata (``text_sha256``). While the text outside
okrflow's block (and the progress section) still matches the fingerprint, nobody has
edited it: it is okrflow's own text, and when the issue changes it is rendered again
from the file (purpose, owner, parents ... stay in step). Once a person has edited it,
it is theirs: apply changes only the metadata block, byte for byte leaving the rest,
and reports each place where that text now says something other than the file
(a warning; a person resolves it, in the issue or in the file).

Idempotent: a second run writes nothing (zero POST and PUT). Creates go through
:meth:`okrflow.adapter.OkrRepository.create`, which looks for the key before re-sending
after an ambiguous failure; a run interrupted after a create and before its links or final
metadata finds the issue by key next time, links it (an existing link is a 409, fine)
and completes the metadata. ``plan`` and ``apply --dry-run`` send only GET requests;
``apply --dry-run`` also lists every write it would make (a create answers with a
planned issue, which the links of the OKRs under it name).

:attr:`ApplyResult.differences` counts the OKRs apply would create or update: what makes
``plan`` exit 3. OKRs not in the file and warnings do not count (apply changes nothing
about them). A GitLab error on one OKR is recorded (:attr:`ApplyResult.failed`) and the
run goes on with the others, skipping what hangs under it; a rejected token or a lost
connection stops the run. Either way only what was written counts as created or updated,
and :meth:`ApplyResult.failure` (or the stopping error) says how much of the file is done.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from okrflow.adapter import (
    IssueRecord,
    LoadedIssue,
    PlannedIssue,
    Snapshot,
    description_changes,
    label_changes,
)
from okrflow.commands.apply_kpis import KpiSync
from okrflow.commands.apply_match import check_against_config, check_sources, match, sync_order
from okrflow.commands.apply_parents import missing_links
from okrflow.commands.apply_projects import Placement, okr_projects
from okrflow.commands.apply_result import ApplyResult, Change, Stray, What
from okrflow.commands.compose import new_okr_issue, okr_text, stamped
from okrflow.commands.workspace import Workspace
from okrflow.config.okrfile import OkrFile, load_okr_file
from okrflow.core import description as desc
from okrflow.core.meta import SCHEMA_VERSION, Meta, ParentRef
from okrflow.core.model import IssueId, KeyResult, Objective
from okrflow.core.okr_diff import (
    TEXT_KEY,
    fingerprint,
    meta_details,
    quote,
    text_conflicts,
    unlinked,
)
from okrflow.core.standing import Kpi
from okrflow.errors import GitLabError
from okrflow.render.templating import issue_labels

__all__ = ["ApplyResult", "Change", "Stray", "apply", "plan", "run"]

_STOP_STATUSES = (None, 401, 403)  # no point going on with the next issue


def plan(ws: Workspace, path: str | Path) -> ApplyResult:
    """What apply would do: only GET requests."""
    result = run(ws, _load(ws, path), execute=False)
    result.command = "plan"
    return result


def apply(ws: Workspace, path: str | Path, *, dry_run: bool = False) -> ApplyResult:
    """Make GitLab match the file; with ``dry_run`` the plan only (GET requests only).
    In a dry-run workspace, the writes are planned (and listed) instead of sent."""
    return run(ws, _load(ws, path), execute=not dry_run)


def _load(ws: Workspace, path: str | Path) -> OkrFile:
    return load_okr_file(path, calendar=ws.calendar, label_names=ws.labels)


def run(ws: Workspace, okr_file: OkrFile, *, execute: bool) -> ApplyResult:
    """Compare ``okr_file`` with GitLab; with ``execute`` write the differences, holding
    the project's lease (:meth:`Workspace.lease`)."""
    check_against_config(okr_file, ws.config)  # before anything is read
    if not execute:
        return _Engine(ws, okr_file, execute).run()
    with ws.lease("apply"):
        return _Engine(ws, okr_file, execute).run()


@dataclasses.dataclass
class _Desired:
    what: What
    okr: Objective | KeyResult
    title: str
    labels: list[str]  # kept in step (type, quarter, team); a create adds draft
    old_team: str | None  # a team label to remove
    owner: str | None
    meta: Meta  # with iid and the link targets' iids
    text: str  # the description text okrflow renders (no metadata block)
    links: list[tuple[str, int | None]]  # (key, iid) of the issues to link to


class _Engine(Placement):
    def __init__(self, ws: Workspace, okr_file: OkrFile, execute: bool) -> None:
        self.ws = ws
        self.repo = ws.repo
        self.names = ws.labels
        self.file = okr_file
        self.execute = execute
        self.result = ApplyResult(
            str(okr_file.path),
            okr_file.quarter,
            applied=execute and not ws.dry_run,
            planned=ws.planned() if execute else None,
        )
        self.snapshot: Snapshot | None = None
        self.existing: dict[str, LoadedIssue] = {}
        Placement.__init__(self, ws.repo)
        self.planned: dict[str, PlannedIssue] = {}  # objective key -> the issue a dry run plans
        self.broken: set[str] = set()  # keys whose write failed: their children are skipped
        self.users: dict[str, bool] = {}
        self.duplicates: list[LoadedIssue] = []
        self.impostors: set[IssueId] = set()  # issues with the file's keys someone else filed

    # -- the run ------------------------------------------------------------------------

    def run(self) -> ApplyResult:
        self.result.warnings.extend(self.file.notes)
        self.projects = okr_projects(self.repo, self.file)  # exit 2 before any write
        check_sources(self.file, self.repo, self.ws.config.metrics.allowed_scopes)
        annual = any(o.annual for o in self.file.objectives)
        self.snapshot = self.repo.load(self.file.quarter, annual=annual)
        self._index()
        self.external(self.file, self.existing)
        if self.execute:
            self.repo.ensure_can_write()
        self.result.total = len(self.file.objectives) + len(self.file.key_results())
        self.result.total += len(self.file.kpis)
        kpis = KpiSync(self.ws, self.file, self.snapshot, self.result, self._user_exists)
        try:
            for okr, what, parents in sync_order(self.file):
                self._guarded(okr, what, parents)
            for kpi in self.file.kpis:
                self._guarded(
                    kpi, "kpi", [], functools.partial(kpis.sync, kpi, execute=self.execute)
                )
        except GitLabError as exc:
            if not self.execute:
                raise
            raise GitLabError(
                f"{exc.message}; apply stopped: {self.result.progress()}; "
                "run apply again to finish (it resumes safely)",
                status=exc.status,
            ) from None
        wanted = {o.key for o in self.file.objectives} | {k.key for k in self.file.key_results()}
        wanted |= set(self.file.external_parents)
        strays = [i for i in self.snapshot.issues.values() if i.key not in wanted]
        strays = [i for i in strays if i.issue_id not in self.impostors]
        strays += [i for i in self.duplicates if i not in strays]
        for item in sorted(strays, key=lambda i: (i.iid, i.shown)):
            reference = item.shown if item.across else ""
            self.result.not_in_file.append(Stray(item.iid, item.record.title, reference))
        return self.result

    def _index(self) -> None:
        assert self.snapshot is not None
        found = match(self.file, self.snapshot, self.repo.authors)
        self.existing, self.duplicates, self.impostors = (
            found.existing,
            found.duplicates,
            found.impostors,
        )
        self.result.warnings.extend(found.warnings)
        self.note_moved(self.existing, self.result.warnings)

    def _guarded(
        self,
        okr: Objective | KeyResult | Kpi,
        what: What,
        parents: Sequence[str],
        sync: Callable[[], None] | None = None,
    ) -> None:
        """One OKR or KPI (``sync``); a GitLab error on it is recorded and the others go on."""
        if any(p in self.broken for p in parents):
            self.broken.add(okr.key)
            self.result.failed.append(f"{okr.key}: skipped, its parent could not be written")
            return
        done = len(self.result.changes)
        try:
            if sync is not None:
                sync()
            else:
                assert not isinstance(okr, Kpi)
                self._sync(okr, what, parents)
        except GitLabError as exc:
            if self.execute:  # not done: no "create" or "update" line for it
                del self.result.changes[done:]
            if exc.status in _STOP_STATUSES or not self.execute:
                raise
            self.broken.add(okr.key)
            self.result.failed.append(f"{okr.key}: {exc}")
            self.result.statuses.append(exc.status)

    # -- one OKR --------------------------------------------------------------------------

    def _sync(self, okr: Objective | KeyResult, what: What, parents: Sequence[str]) -> None:
        item = self.existing.get(okr.key)
        links = [(key, self.iids.get(key)) for key in parents]
        wanted = self._desired(okr, what, item, links)
        if item is None:
            where = self.projects.get(okr.key) or ""
            self.result.changes.append(
                Change("create", what, okr.key, wanted.title, reference=where)
            )
            iid = self._create(wanted, parents) if self.execute else None
        else:
            self._update(item, wanted)
            iid = item.iid
        if isinstance(okr, Objective):
            self.iids[okr.key] = iid
            self.homes[okr.key] = self._here(okr.key)

    def _desired(
        self,
        okr: Objective | KeyResult,
        what: What,
        item: LoadedIssue | None,
        links: list[tuple[str, int | None]],
    ) -> _Desired:
        template = "objective" if what == "objective" else "kr"
        labels = issue_labels(
            template, quarter=self._period(okr), team=okr.team, label_names=self.names
        )
        base = item.meta if item is not None else Meta()
        extra = {k: v for k, v in base.extra.items() if k not in ("team", "purpose")}
        if okr.team:
            extra["team"] = okr.team
        fields: dict[str, Any] = {
            "schema": SCHEMA_VERSION,
            "type": what,
            "key": okr.key,
            "iid": item.iid if item is not None else None,
            "owner": okr.owner,
            "weight": okr.weight,
        }
        if isinstance(okr, Objective):
            if okr.purpose:
                extra["purpose"] = okr.purpose
            fields.update(
                parents=tuple(ParentRef(key, iid) for key, iid in links),
                kpis=tuple(ParentRef(key) for key in okr.kpis),
                kind=okr.kind,
                level=okr.level,
            )
        else:
            objective_key, objective_iid = links[0] if links else (okr.objective, None)
            here = self._here(okr.key)
            fields.update(
                objective=objective_key,
                objective_iid=objective_iid,
                also=tuple(ParentRef(k, iid, self._elsewhere(k, here)) for k, iid in links[1:]),
                metric=okr.metric,
                source=okr.source,
            )
        old_team = base.extra.get("team") if item is not None else None
        if item is not None and old_team is None and isinstance(item.okr, Objective):
            old_team = item.okr.team
        return _Desired(
            what=what,
            okr=okr,
            title=self.repo.title_for_gitlab(okr.title),  # compared as GitLab holds it
            labels=[label for label in labels if label != self.names.draft],
            old_team=old_team if isinstance(old_team, str) and old_team != okr.team else None,
            owner=okr.owner if okr.owner and self._user_exists(okr.owner) else None,
            meta=base.replace(extra=extra, **fields),
            text=self.repo.for_gitlab(
                okr_text(
                    okr,
                    self.names,
                    self._period(okr),
                    [
                        self._target(key, iid, self._here(okr.key))
                        for key, iid in links
                        if iid is not None
                    ],
                )
            ),
            links=links,
        )

    def _period(self, okr: Objective | KeyResult) -> str:
        """The label of an OKR's period: its fiscal year for an annual objective."""
        if isinstance(okr, Objective) and okr.year:
            return okr.year
        return self.file.quarter

    def _user_exists(self, username: str) -> bool:
        if username not in self.users:
            self.users[username] = self.repo.user_id(username) is not None
            if not self.users[username]:
                self.result.warnings.append(
                    f"owner @{username} is not a GitLab user: their OKRs are not assigned"
                )
        return self.users[username]

    def _create(self, wanted: _Desired, parents: Sequence[str]) -> int | None:
        """Create the OKR, link it, then record its own iid; None when a dry run plans it."""
        pending = unlinked(wanted.meta).replace(
            iid=None, extra={**wanted.meta.extra, TEXT_KEY: fingerprint(wanted.text)}
        )
        here = self.projects.get(wanted.okr.key)
        new = new_okr_issue(
            wanted.okr,
            pending,
            names=self.names,
            quarter=self._period(wanted.okr),
            text=wanted.text,
            project=here,
        )
        record = self.repo.create(new)
        source = record if isinstance(record, PlannedIssue) else record.iid
        for key, target in wanted.links:
            planned_parent = self.planned.get(key)
            if target is not None:
                self.repo.create_link(source, target, self.homes.get(key), project=here)
            elif planned_parent is not None:  # a dry run: under an objective it plans
                self.repo.create_link(source, planned_parent, project=here)
        if isinstance(record, PlannedIssue):
            if isinstance(wanted.okr, Objective):
                self.planned[wanted.okr.key] = record
            return None
        final = wanted.meta.replace(iid=record.iid, extra=pending.extra)
        description = desc.with_meta(record.description, stamped(final).to_dict())
        if description_changes(record.description, description):
            self.repo.update_issue(record.iid, before=record, description=description)
        return record.iid

    def _update(self, item: LoadedIssue, wanted: _Desired) -> None:
        record = item.record
        reference = item.shown if item.across else ""
        details: list[str] = []
        fields: dict[str, Any] = {}
        if wanted.title != record.title:
            fields["title"] = wanted.title
            details.append(f"title {quote(record.title)} -> {quote(wanted.title)}")
        remove = [wanted.old_team] if wanted.old_team else []
        add, drop = label_changes(record.labels, add=wanted.labels, remove=remove)
        if add:
            fields["add_labels"] = add
        if drop:
            fields["remove_labels"] = drop
        if add or drop:
            details.append(
                "labels " + " ".join([*(f"+{x}" for x in add), *(f"-{x}" for x in drop)])
            )
        if wanted.owner and wanted.owner not in record.assignees:
            user_id = self.repo.user_id(wanted.owner)
            fields["assignee_ids"] = [user_id]
            shown = ", ".join(f"@{a}" for a in record.assignees) or "nobody"
            details.append(f"assignee {shown} -> @{wanted.owner}")
        links = missing_links(item.meta, wanted.what, wanted.links)
        here = self.repo.project_of(record)
        to_link = [self._target(key, iid, here) for key, iid in links]
        details.extend(meta_details(item.meta, wanted.meta, to_link))
        parsed = desc.split(record.description)
        untouched = item.meta.extra.get(TEXT_KEY) == fingerprint(parsed.human)
        if not details:
            self.result.changes.append(
                Change(
                    "unchanged", wanted.what, wanted.okr.key, record.title, item.iid, (), reference
                )
            )
            if not untouched:
                self._conflicts(item, wanted, record)
            return
        meta = wanted.meta
        text = record.description
        if untouched:
            meta = meta.replace(extra={**meta.extra, TEXT_KEY: fingerprint(wanted.text)})
            text = wanted.text
            if parsed.section is not None:
                text = desc.with_managed_section(text, parsed.section)
        new_description = desc.with_meta(text, stamped(meta).to_dict())
        if description_changes(record.description, new_description):
            fields["description"] = new_description
        self.result.changes.append(
            Change(
                "update",
                wanted.what,
                wanted.okr.key,
                wanted.title,
                item.iid,
                tuple(details),
                reference,
            )
        )
        simulated = dataclasses.replace(
            record,
            title=wanted.title,
            description=new_description,
            labels=tuple(x for x in (*record.labels, *add) if x not in drop),
            assignees=(wanted.owner,) if wanted.owner else record.assignees,
        )
        if not untouched:
            self._conflicts(item, wanted, simulated)
        if not self.execute:
            return
        for key, target in links:
            self.repo.create_link(item.iid, target, self.homes.get(key), project=here)
        if fields:
            # a person's edit since the snapshot: their text stays, okrflow's block is updated
            stamp = stamped(meta if not untouched else wanted.meta.replace(extra=item.meta.extra))
            updated = self.repo.update_checked(
                record, fields, lambda now: desc.with_meta(now, stamp.to_dict())
            )
            if updated is not None:
                item.record = updated

    def _conflicts(self, item: LoadedIssue, wanted: _Desired, record: IssueRecord) -> None:
        """Where a person's description text says something else than the file."""
        read = self.repo.read(record).okr
        keys = {i: x.key for i, x in (self.snapshot.issues.items() if self.snapshot else ())}
        for conflict in text_conflicts(read, wanted.okr, wanted.owner, keys):
            self.result.warnings.append(f"{item.shown} {wanted.okr.key}: {conflict}")

"""The OKR repository: okrflow's one road to GitLab, in OKR terms.

:class:`OkrRepository` loads a quarter's OKRs into core objects
(:meth:`~OkrRepository.load`), finds an issue by reference, by okrflow key or by the
record block okrflow keeps in it, creates an issue from a :class:`NewIssue` (once,
even when an answer is lost: a retried create first looks for the issue by its key or
record block), saves what changed on an OKR in one PUT (:meth:`~OkrRepository.save`),
comments with markers, links issues, installs labels, the board and the issue
templates, and lists what a metric source measures. Underneath it speaks REST through
:mod:`okrflow.adapter.http`; above it, commands see only records, core objects and
planned writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from okrflow.adapter.comment_events import CommentEventApi
from okrflow.adapter.install import InstallApi
from okrflow.adapter.issues import IssueApi, check_description
from okrflow.adapter.label_events import LabelEventApi
from okrflow.adapter.metrics import query_records
from okrflow.adapter.people import PeopleApi
from okrflow.adapter.planned import PlannedIssue
from okrflow.adapter.reattach import reattach
from okrflow.adapter.records import IssueRecord
from okrflow.adapter.refs import referenced_issue
from okrflow.adapter.snapshot import (
    LoadedIssue,
    LoadedKpi,
    Snapshot,
    is_okr,
    load_snapshot,
    read_kpi_record,
    read_record,
)
from okrflow.adapter.year import YearPlan
from okrflow.core import description as desc
from okrflow.core.authority import by_okrflow
from okrflow.core.description import read_marker_comment
from okrflow.core.meta import Meta
from okrflow.core.model import IssueId, Problem
from okrflow.core.sources import QueryOptions

__all__ = [
    "NewIssue",
    "OkrRepository",
    "RecordKey",
    "description_changes",
    "label_changes",
    "new_description",
]


@dataclasses.dataclass(frozen=True)
class RecordKey:
    """The record block okrflow keeps in one of its own issues (``<!-- okrflow:report
    {...} -->``), by name and the fields that tell it apart (``quarter``, ``kind``)."""

    name: str
    fields: Mapping[str, Any]

    def matches(self, description: str) -> bool:
        block = read_marker_comment(self.name, description)
        return block is not None and all(block.get(k) == v for k, v in self.fields.items())


@dataclasses.dataclass(frozen=True)
class NewIssue:
    """An issue to create, and how to find it again: by its okrflow ``key`` (an OKR
    issue) or its ``record`` block (a report, planning or reminders issue)."""

    title: str
    description: str
    labels: tuple[str, ...]
    assignee: str | None = None
    key: str | None = None
    record: RecordKey | None = None
    assignees: tuple[str, ...] = ()  # more than one: GitLab Free keeps the first
    project: str | None = None  # in a group scope: the OKR project it goes to


def label_changes(
    current: Sequence[str], *, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> tuple[list[str], list[str]]:
    """The labels really to add and remove (no-ops dropped)."""
    have = set(current)
    to_add = sorted({label for label in add if label not in have})
    to_remove = sorted({label for label in remove if label in have} - set(to_add))
    return to_add, to_remove


def new_description(current: str, *, meta: Meta | None = None, section: str | None = None) -> str:
    """``current`` with okrflow's progress ``section`` and metadata ``meta`` (where given)."""
    text = current
    if section is not None:
        text = desc.with_managed_section(text, section)
    if meta is not None:
        text = desc.with_meta(text, meta.to_dict())
    return text


def description_changes(current: str, new: str) -> bool:
    """Whether writing ``new`` over ``current`` changes what GitLab stores: GitLab drops
    ``\\r`` and trailing whitespace from what it is sent (unless the writer may not use
    quick actions), so a text equal but for those is no change
    (:func:`okrflow.core.description.stored_form`)."""
    return desc.stored_form(new) != desc.stored_form(current)


class OkrRepository(IssueApi, InstallApi, PeopleApi, LabelEventApi, CommentEventApi):
    """The OKR project, read into the core model and written back."""

    def fork(self) -> OkrRepository:
        """The same repository over a connection of its own, for another thread."""
        twin = OkrRepository(
            self.settings, dry_run=self.dry_run, names=self.names, bot_users=self.bot_users
        )
        twin._user_ids = self._user_ids
        twin._user_names = self._user_names
        twin._project = self._project
        twin._home, twin._scope_projects = self._home, self._scope_projects
        twin.unreadable = self.unreadable
        twin.authors = self.authors
        twin.lease = self.lease
        twin._members, twin._members_lock = self._members, self._members_lock
        twin.changes, twin.loaded = self.changes, self.loaded
        twin.calendar = self.calendar
        return twin

    # -- reading OKRs --------------------------------------------------------------------

    def load(
        self, quarter: str | None, *, unscheduled: bool = False, annual: bool = False
    ) -> Snapshot:
        """The OKRs of ``quarter`` (all OKRs when None), one listing page per 100 issues,
        and the open KPIs; ``unscheduled`` also brings open OKR issues without a quarter
        label. A key result cut off from its objective costs one more request (its links:
        :func:`~okrflow.adapter.reattach.reattach`). ``annual``: the year's annual
        objectives are listed even when none of the quarter's names one."""
        snap = load_snapshot(
            self,
            self.names,
            quarter=quarter,
            unscheduled=unscheduled,
            year=self._year_plan(quarter),
            annual=annual,
        )
        reattach(snap, self._linked_objectives)
        teams = {path.casefold(): team for path, team in self.settings.project_teams}
        for item in snap.issues.values() if teams else ():
            if item.okr.team is None:  # the team of its project, as the config says
                item.okr.team = teams.get(item.record.project.casefold())
        snap.problems[:0] = [
            Problem(path, "the token cannot read this project: its OKRs are left out")
            for path in self.unreadable
        ]
        if quarter is not None:
            self.loaded[quarter] = len(snap.issues) + len(snap.kpi_issues)
        return snap

    def _year_plan(self, quarter: str | None) -> YearPlan | None:
        """Where the annual objectives of ``quarter``'s fiscal year are (with a
        calendar: :attr:`calendar`)."""
        if self.calendar is None or quarter is None:
            return None
        try:
            asked = self.calendar.parse(quarter)
        except ValueError:
            return None
        others = tuple(
            self.calendar.label(q)
            for q in self.calendar.year_quarters(asked.fiscal_year)
            if q != asked
        )
        return YearPlan(self.calendar.year_label(asked.fiscal_year), others)

    def quarters_in_use(self) -> dict[str, int]:
        """Each quarter label of the project that issues carry, with how many: one labels
        request (GitLab counts the issues), not a listing of the issues."""
        pattern = re.compile(self.names.quarter_pattern)
        return {
            label.name: label.issues
            for label in self.list_labels(with_counts=True)
            if pattern.fullmatch(label.name) and label.issues
        }

    @property
    def across(self) -> bool:
        """A group scope: OKRs in several projects, named by full reference."""
        return self.group_path is not None

    def _linked_objectives(self, issue: IssueId) -> list[IssueId]:
        """The objectives (objective label) ``issue`` is linked to."""
        return [
            IssueId(link.reference.rpartition("#")[0] if self.across else "", link.iid)
            for link in self.list_links(issue.iid, project=issue.project or None)
            if self.names.objective in link.labels
        ]

    def read(self, record: IssueRecord) -> LoadedIssue:
        """One issue read into the model (never raises on its content)."""
        return read_record(record, self.names, across=self.across)

    def read_any(self, record: IssueRecord) -> LoadedIssue | LoadedKpi:
        """One issue read as a KPI when it carries the KPI label, else as an OKR."""
        if self.names.kpi in record.labels:
            return read_kpi_record(record, self.names, across=self.across)
        return read_record(record, self.names, across=self.across)

    def referenced_any(self, ref: str, *, option: str = "") -> LoadedIssue | LoadedKpi:
        """Like :meth:`referenced`, reading a KPI issue as a KPI."""
        return self.read_any(referenced_issue(self, ref, option=option))

    def is_okr(self, record: IssueRecord) -> bool:
        return is_okr(record, self.names)

    def referenced(self, ref: str, *, option: str = "") -> LoadedIssue:
        """The issue ``ref`` names (``12``, ``#12``, ``group/project#12``, a URL), read;
        no such issue is bad input naming ``option``."""
        return self.read(referenced_issue(self, ref, option=option))

    def _with_key(self, key: str, labels: Sequence[str], search: bool) -> Iterator[LoadedIssue]:
        for record in self.list_issues(labels=labels, search=key if search else None):
            item = self.read(record)
            if item.key == key and self.is_okr(record) and self.authors.is_okrflow(record.author):
                yield item

    def find_okr(self, key: str, labels: Sequence[str]) -> LoadedIssue | None:
        """The first OKR issue okrflow's user created carrying ``labels`` whose okrflow key
        is ``key`` (an issue someone else filed with that key is not okrflow's)."""
        return next(self._with_key(key, labels, search=False), None)

    def okrs_with_key(self, key: str, labels: Sequence[str]) -> list[LoadedIssue]:
        """Every OKR issue okrflow's user created carrying ``labels`` whose okrflow key is
        ``key`` (GitLab's search narrows the listing to the issues that mention it)."""
        return list(self._with_key(key, labels, search=True))

    def records(self, labels: Sequence[str], record: RecordKey) -> list[IssueRecord]:
        """Every issue carrying ``labels`` that holds the record block ``record``,
        whoever wrote it (:func:`okrflow.core.authority.by_okrflow` tells them apart)."""
        return [r for r in self.list_issues(labels=labels) if record.matches(r.description)]

    def find_record(self, labels: Sequence[str], record: RecordKey) -> IssueRecord | None:
        """The first issue okrflow's user wrote carrying ``labels`` that holds the record
        block ``record``."""
        own, _ = by_okrflow(self.records(labels, record), self.authors)
        return own[0] if own else None

    # -- writing -------------------------------------------------------------------------

    def create(self, new: NewIssue) -> IssueRecord | PlannedIssue:
        """Create ``new`` once: a create whose answer was lost is found by its key or
        record block among the issues with its type and quarter labels, not sent again."""
        return self.create_issue(
            title=new.title,
            description=new.description,
            labels=new.labels,
            assignee=new.assignee,
            assignees=new.assignees,
            find_existing=lambda: self.find_created(new),
            project=new.project,
        )

    def find_created(self, new: NewIssue) -> IssueRecord | None:
        """The issue an earlier attempt to create ``new`` made, if any."""
        names = self.names
        scope = [
            label
            for label in new.labels
            if label in (names.objective, names.key_result, names.report) or names.quarter_of(label)
        ]
        if new.key is not None:
            found = self.find_okr(new.key, scope)
            if found is None or (
                new.project and found.record.project.casefold() != new.project.casefold()
            ):
                return None
            return found.record
        if new.record is not None:
            return self.find_record(scope, new.record)
        return None

    def save(
        self,
        item: LoadedIssue | LoadedKpi,
        *,
        title: str | None = None,
        meta: Meta | None = None,
        section: str | None = None,
        add_labels: Iterable[str] = (),
        remove_labels: Iterable[str] = (),
        state_event: str | None = None,
        assignee: str | None = None,
        edit: Callable[[str], str] | None = None,
    ) -> bool:
        """Write what changed on one OKR issue in a single PUT; nothing (False) when
        nothing changed (as GitLab would hold it: titles and descriptions are compared
        once neutralised). A description over GitLab's limit is refused unsent.
        ``edit`` changes the person's text (made again on their newer text when they
        edited it meanwhile)."""
        record = item.record

        def described(now: str) -> str:
            return new_description(edit(now) if edit else now, meta=meta, section=section)

        texts = {"description": described(record.description)}
        if title is not None:
            texts["title"] = title
        fields = self._texts_for_gitlab(texts, record)  # as GitLab would get them
        to_add, to_remove = label_changes(record.labels, add=add_labels, remove=remove_labels)
        if to_add:
            fields["add_labels"] = to_add
        if to_remove:
            fields["remove_labels"] = to_remove
        if state_event == "close" and record.state != "closed":
            fields["state_event"] = "close"
        if state_event == "reopen" and record.state == "closed":
            fields["state_event"] = "reopen"
        if assignee and assignee.lstrip("@") not in record.assignees:
            user_id = self.user_id(assignee)
            if user_id is not None:
                fields["assignee_ids"] = [user_id]
        if not fields:
            return False
        updated = self.update_checked(record, fields, described)
        if updated is not None:
            item.record = updated
        if meta is not None:
            item.meta = meta
        return True

    def update_checked(
        self, record: IssueRecord, fields: dict[str, Any], rebuild: Callable[[str], str]
    ) -> IssueRecord | None:
        """PUT ``fields`` on the issue okrflow read as ``record``; a description write
        first asks whether the issue changed since it was read
        (:mod:`okrflow.adapter.recheck`): when a person changed it, it is read again and
        the write rebuilt on their text (``rebuild``: okrflow's parts only), dropped when
        that changes nothing."""
        if isinstance(fields.get("description"), str):
            project = self.project_of(record)
            where = f"{project}#{record.iid}" if project else f"#{record.iid}"
            check_description(fields["description"], where)  # refused unsent
            if not self.dry_run and self.changes.changed_since_read(
                record, lambda after: self.list_issues(updated_after=after)
            ):
                fresh = self.get_issue(record.iid, project)
                if desc.stored_form(fresh.description) != desc.stored_form(record.description):
                    record = fresh
                    fields = {**fields, "description": rebuild(fresh.description)}
        return self.update_issue(record.iid, before=record, **fields)

    # -- metric sources ------------------------------------------------------------------

    def query(self, options: QueryOptions, now: dt.datetime) -> list[IssueRecord]:
        """The issues a ``query`` metric source measures, for the window ending ``now``."""
        return query_records(self, options, now)

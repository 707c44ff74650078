"""A quarter's OKRs as okrflow sees them in GitLab, read into the core model.

Loading costs one listing page per 100 issues (the quarter label selects them), and
one per 100 open KPIs (the KPI type label: a KPI has no quarter); the hierarchy comes
from okrflow's metadata and the issues' visible text, never from one links request
per issue. Writing back is :meth:`okrflow.adapter.OkrRepository.save`.

A quarter whose objectives name a parent outside it also reads the annual objectives
of its fiscal year (:mod:`okrflow.adapter.year`: 1, or 4, listings more).
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from okrflow.adapter.issues import IssueApi
from okrflow.adapter.kr_attach import also_under, with_entries
from okrflow.adapter.records import IssueRecord
from okrflow.adapter.year import YearContext, YearPlan, parents_outside, year_context
from okrflow.core import description as desc
from okrflow.core.authority import Authors
from okrflow.core.bookkeeping import own_meta
from okrflow.core.issue_text import issue_of_key, key_for_ref, read_issue
from okrflow.core.kpi_issue import read_kpi_issue
from okrflow.core.labels import LabelNames
from okrflow.core.meta import Meta
from okrflow.core.model import IssueId, KeyResult, Objective, Problem
from okrflow.core.standing import Kpi
from okrflow.core.statements import StatementError, parse_statement

T = TypeVar("T")
OkrT = TypeVar("OkrT", bound=Objective | KeyResult | Kpi)


@dataclasses.dataclass
class Loaded(Generic[OkrT]):
    """One OKR or KPI issue: what GitLab holds and what okrflow reads from it."""

    record: IssueRecord
    okr: OkrT
    meta: Meta
    problems: list[Problem]
    across: bool = False  # read in a group scope: named by full reference
    # a key result: what the last rollup kept of it in its objective's metadata
    # (:mod:`okrflow.core.kr_records`); ``meta`` is already merged with it
    rolled: Meta | None = None

    @property
    def iid(self) -> int:
        return self.record.iid

    @property
    def issue_id(self) -> IssueId:
        """Which issue it is: its project (in a group scope) and iid."""
        return issue_id_of(self.record, self.across)

    @property
    def key(self) -> str:
        return self.okr.key

    @property
    def shown(self) -> str:
        """The issue as output names it: ``#12``, or in a group scope its full
        reference ``acme/sales#12``."""
        return str(self.issue_id)

    @property
    def is_objective(self) -> bool:
        return isinstance(self.okr, Objective)

    @property
    def broken_block(self) -> bool:
        """Whether the metadata block is broken (unreadable, too deep or too large,
        duplicated): the next write rebuilds it from :meth:`own_meta`."""
        return desc.split(self.record.description).meta_problem is not None

    @property
    def notes_count(self) -> int:
        """The comments GitLab counts on the issue now (system notes left out)."""
        return self.record.user_notes_count

    def own_meta(self) -> Meta:
        """The metadata to build on when writing (:func:`okrflow.core.bookkeeping.own_meta`)."""
        return own_meta(self.meta, self.iid, self.okr)


LoadedIssue = Loaded[Objective | KeyResult]  # an objective or a key result
LoadedKpi = Loaded[Kpi]


@dataclasses.dataclass
class Snapshot:
    quarter: str | None
    objectives: list[Objective]
    orphans: list[KeyResult]  # key results whose objective is not in the snapshot
    issues: dict[IssueId, LoadedIssue]  # objectives and key results, by project and iid
    problems: list[Problem]
    kpis: list[Kpi] = dataclasses.field(default_factory=list)  # the open KPIs
    kpi_issues: dict[IssueId, LoadedKpi] = dataclasses.field(default_factory=dict)
    # the listing's other issues: okrflow's own records of the quarter (planning,
    # report, retrospective issues), read with the OKRs at no extra cost
    others: list[IssueRecord] = dataclasses.field(default_factory=list)
    # issues claiming a key another issue keeps (:func:`settle_keys`): not scored
    set_aside: dict[IssueId, LoadedIssue] = dataclasses.field(default_factory=dict)
    # the annual objectives the quarter's objectives align under (None: none found)
    year: YearContext | None = None

    def scored(self) -> list[Objective]:
        """The objectives an evaluation of the quarter takes: its own, and its year's
        annual objectives with the other quarters' objectives aligned under them."""
        if self.year is None:
            return self.objectives
        return [*self.objectives, *self.year.annual, *self.year.others]

    def annual_item(self, objective: Objective) -> LoadedIssue | None:
        """The issue of one of :attr:`year`'s objectives."""
        if self.year is None or objective.issue_id is None:
            return None
        return self.year.issues.get(objective.issue_id)

    def has(self, okr: Objective | KeyResult) -> bool:
        """Whether ``okr``'s issue is one of the snapshot's objectives and key results."""
        return okr.issue_id is not None and okr.issue_id in self.issues

    def get(self, okr: Objective | KeyResult) -> LoadedIssue | None:
        return self.issues.get(okr.issue_id) if okr.issue_id is not None else None

    def by_key(self, key: str) -> LoadedIssue | None:
        return next((item for item in self.issues.values() if item.key == key), None)

    def key_results(self) -> list[KeyResult]:
        """Every key result once (one that counts for several objectives is listed
        under each of them)."""
        found = {id(kr): kr for o in self.objectives for kr in o.key_results}
        return list(found.values()) + [kr for kr in self.orphans if id(kr) not in found]

    def item(self, okr: Objective | KeyResult) -> LoadedIssue:
        assert okr.issue_id is not None
        return self.issues[okr.issue_id]

    def kpi_item(self, kpi: Kpi) -> LoadedKpi:
        assert kpi.issue_id is not None
        return self.kpi_issues[kpi.issue_id]


def issue_id_of(record: IssueRecord, across: bool) -> IssueId:
    """Which issue ``record`` is: in a project scope its iid (the project goes without
    saying, and output says ``#12``), in a group scope its project and iid."""
    return IssueId(record.project if across else "", record.iid)


def _meta_of(record: IssueRecord) -> Meta:
    parsed = desc.split(record.description)
    return Meta.from_dict(parsed.meta)[0] if parsed.meta is not None else Meta()


def _fields(record: IssueRecord) -> dict[str, Any]:
    """What the core's issue readers take of every issue record."""
    return {
        "iid": record.iid,
        "title": record.title,
        "description": record.description,
        "labels": record.labels,
        "assignees": record.assignees,
        "state": record.state,
    }


def read_record(record: IssueRecord, names: LabelNames, *, across: bool = False) -> LoadedIssue:
    """Read one objective or key-result issue into the model. Never raises on content.
    ``across`` (a group scope): its references into other projects are followed, and
    a key made from its number names its project (``acme/sales#12``)."""
    okr, problems = read_issue(
        **_fields(record),
        author=record.author,
        web_url=record.web_url,
        label_names=names,
        across=across,
        where=str(issue_id_of(record, across)),
    )
    okr.project = record.project if across else ""
    if across and issue_of_key(okr.key, record.project) == (record.project, record.iid):
        okr.key = key_for_ref(record.project, record.iid)
    meta = _meta_of(record)
    if isinstance(okr, KeyResult) and okr.metric is None and okr.statement_problem is None:
        try:
            okr.metric = parse_statement(okr.title)
        except StatementError as exc:
            okr.statement_problem = str(exc)
    return LoadedIssue(record=record, okr=okr, meta=meta, problems=problems, across=across)


def read_kpi_record(record: IssueRecord, names: LabelNames, *, across: bool = False) -> LoadedKpi:
    """Read one KPI issue. Never raises on content."""
    where = str(issue_id_of(record, across))
    kpi, problems = read_kpi_issue(**_fields(record), label_names=names, where=where)
    kpi.project = record.project if across else ""
    return LoadedKpi(
        record=record, okr=kpi, meta=_meta_of(record), problems=problems, across=across
    )


def is_okr(record: IssueRecord, names: LabelNames) -> bool:
    """An objective or a key result (a KPI is not: it belongs to no quarter)."""
    labels = set(record.labels)
    if names.kpi in labels:
        return False
    if names.objective in labels or names.key_result in labels:
        return True
    return desc.META_OPEN in record.description and names.report not in labels


def _claim_rank(item: LoadedIssue, authors: Authors | None) -> tuple[bool, bool, bool, int]:
    """Which of several issues claiming one key keeps it (the least): the one okrflow's
    user created, then one whose key is its own number, then one whose metadata was
    written for it (not copied), then the oldest."""
    okrflows = authors is not None and authors.is_okrflow(item.record.author)
    own_number = issue_of_key(item.key, item.issue_id.project) == item.issue_id
    written_for_it = item.meta.iid in (None, item.iid)
    return (not okrflows, not own_number, not written_for_it, item.iid)


def settle_keys(
    items: dict[IssueId, LoadedIssue], authors: Authors | None
) -> tuple[dict[IssueId, LoadedIssue], dict[IssueId, LoadedIssue], list[Problem]]:
    """A key claimed by several issues of a kind is a collision: one keeps it
    (:func:`_claim_rank`; okrflow's user is asked who it is only when there is one), the
    others are set aside, unscored, each with a problem naming both issues."""
    claims: dict[tuple[bool, str], list[LoadedIssue]] = {}
    for item in items.values():
        claims.setdefault((item.is_objective, item.key), []).append(item)
    kept = dict(items)
    aside: dict[IssueId, LoadedIssue] = {}
    problems: list[Problem] = []
    for (_, key), claimants in claims.items():
        if len(claimants) < 2:
            continue
        ranked = sorted(claimants, key=lambda item: _claim_rank(item, authors))
        winner = ranked[0]
        created = authors is not None and authors.is_okrflow(winner.record.author)
        for loser in ranked[1:]:
            del kept[loser.issue_id]
            aside[loser.issue_id] = loser
            by = f"@{loser.record.author}" if loser.record.author else "an unknown author"
            lost, kept_by = loser.shown, winner.shown
            problems.append(
                Problem(
                    lost,
                    f"{lost} (by {by}) claims the key {key!r} of {kept_by}"
                    f"{', which okrflow created' if created else ''}: {kept_by} keeps it "
                    f"and {lost} is left out (give it a key of its own, or remove the "
                    "okrflow block copied into it)",
                )
            )
    return kept, aside, problems


def assemble(
    records: Iterable[IssueRecord],
    names: LabelNames,
    quarter: str | None = None,
    kpi_records: Iterable[IssueRecord] = (),
    authors: Authors | None = None,
    *,
    across: bool = False,
    in_scope: Callable[[str], bool] | None = None,
) -> Snapshot:
    """Build the objective tree, and the KPIs, from issue records (no requests but, when
    two issues claim one key, the one that asks ``authors`` who okrflow's user is).
    ``across``: the records come from the projects of a group scope; ``in_scope`` tells
    its OKR projects (a parent in another project is a problem, and not followed)."""
    read: dict[IssueId, LoadedIssue] = {}
    problems: list[Problem] = []
    others: dict[IssueId, IssueRecord] = {}
    for record in records:
        which = issue_id_of(record, across)
        if which in read:
            continue
        if not is_okr(record, names):
            others.setdefault(which, record)
            continue
        item = read_record(record, names, across=across)
        read[which] = item
        problems.extend(item.problems)
    kpi_items: dict[IssueId, LoadedKpi] = {}
    for record in kpi_records:
        which = issue_id_of(record, across)
        if which in kpi_items or names.kpi not in record.labels:
            continue
        kpi_items[which] = read_kpi_record(record, names, across=across)
        problems.extend(kpi_items[which].problems)
    items, aside, collisions = settle_keys(read, authors)
    problems.extend(collisions)
    key_of_issue = {which: item.key for which, item in items.items()}

    def resolve(key: str | None, project: str, item: LoadedIssue) -> str | None:
        """The key of the issue a key made from a number names (read in ``project``)."""
        if key is None:
            return None
        which = issue_of_key(key, project)
        if which is None:
            return key
        if across and in_scope is not None and not in_scope(which.project):
            problems.append(
                Problem(
                    item.shown,
                    f"{which} is in {which.project}, outside the group's OKR projects: "
                    "not followed (align it with an OKR of the group)",
                )
            )
            return None
        return key_of_issue.get(which, key_for_ref(*which) if across else key)

    objectives = [i.okr for i in items.values() if isinstance(i.okr, Objective)]
    kpis = [i.okr for i in kpi_items.values()]
    by_key = {o.key: o for o in objectives}
    orphans: list[KeyResult] = []
    for item in items.values():
        okr = item.okr
        if isinstance(okr, Objective):
            okr.parents = [
                p for p in (resolve(k, item.issue_id.project, item) for k in okr.parents) if p
            ]
            continue
        assert isinstance(okr, KeyResult)
        okr.objective = resolve(okr.objective, item.issue_id.project, item)
        okr.also = [
            k
            for k in dict.fromkeys(resolve(k, item.issue_id.project, item) for k in okr.also)
            if k and k != okr.objective
        ]
        parent = by_key.get(okr.objective) if okr.objective else None
        if parent is None:
            orphans.append(okr)
        else:
            parent.key_results.append(okr)
        also_under(item, okr, by_key, quarter, problems)
    with_entries(items, problems)
    return Snapshot(
        quarter,
        objectives,
        orphans,
        items,
        problems,
        kpis,
        kpi_items,
        list(others.values()),
        aside,
    )


def prefetched(items: Iterator[T]) -> Iterator[T]:
    """``items`` produced by a background thread, so that reading one page of issues
    overlaps waiting for the next (the listing stays one request per 100 issues)."""
    done = object()
    found: queue.SimpleQueue[Any] = queue.SimpleQueue()
    failed: list[BaseException] = []

    def produce() -> None:
        try:
            for item in items:
                found.put(item)
        except BaseException as exc:  # handed over to the consumer below
            failed.append(exc)
        finally:
            found.put(done)

    thread = threading.Thread(target=produce, name="okrflow-listing", daemon=True)
    thread.start()
    while (item := found.get()) is not done:
        yield item
    thread.join()
    if failed:
        raise failed[0]


LISTING_WORKERS = 3  # listing pages requested at a time (the same pages, in order)


def load_snapshot(
    gl: IssueApi,
    names: LabelNames,
    *,
    quarter: str | None,
    unscheduled: bool = False,
    year: YearPlan | None = None,
    annual: bool = False,
) -> Snapshot:
    """The OKRs of ``quarter`` (all OKRs when None).

    ``unscheduled`` also brings open OKR issues that carry no quarter label yet
    (filed from the UI and not triaged): lint and status want them, rollup does not.
    ``year``: where to look for the annual objectives the quarter's objectives may align
    under (see the module's notes); ``annual``: look for them whatever the quarter's
    objectives name (``apply`` of a file with annual objectives).
    """

    def records() -> Iterator[IssueRecord]:
        if quarter:
            # pages fetched a few at a time and parsed while the next ones arrive
            yield from prefetched(gl.list_issues(labels=[quarter], page_workers=LISTING_WORKERS))
        if not quarter or unscheduled:
            for type_label in (names.objective, names.key_result):
                state = None if not quarter else "opened"
                for record in gl.list_issues(labels=[type_label], state=state):
                    if not quarter or _unscheduled(record, names):
                        yield record

    kpi_records = gl.list_issues(labels=[names.kpi], state="opened")
    across = gl.group_path is not None
    snap = assemble(
        records(), names, quarter, kpi_records, gl.authors, across=across, in_scope=gl.in_scope
    )
    if year is not None and quarter and (annual or parents_outside(snap)):
        snap.year = year_context(gl, names, snap, year, across=across, assemble=assemble)
    return snap


def _unscheduled(record: IssueRecord, names: LabelNames) -> bool:
    """An OKR issue of no quarter and of no fiscal year (an annual objective is the
    year's, not one to triage)."""
    if names.quarter_in(" ".join(record.labels)) is not None:
        return False
    return not any(names.year_of(label) for label in record.labels)

"""A quarter's OKRs as okrflow sees them in GitLab, read into the core model.

Loading costs one listing page per 100 issues (the quarter label selects them);
the hierarchy comes from okrflow's metadata and the issues' visible text, never
from one links request per issue. Writing back is
:meth:`okrflow.adapter.OkrRepository.save`.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from okrflow.adapter.issues import IssueApi
from okrflow.adapter.records import IssueRecord
from okrflow.core import description as desc
from okrflow.core.bookkeeping import own_meta
from okrflow.core.issue_text import iid_of_key, read_issue
from okrflow.core.labels import LabelNames
from okrflow.core.meta import Meta
from okrflow.core.model import KeyResult, Objective, Problem
from okrflow.core.statements import StatementError, parse_statement

T = TypeVar("T")


@dataclasses.dataclass
class LoadedIssue:
    """One OKR issue: what GitLab holds and what okrflow reads from it."""

    record: IssueRecord
    okr: Objective | KeyResult
    meta: Meta
    problems: list[Problem]

    @property
    def iid(self) -> int:
        return self.record.iid

    @property
    def key(self) -> str:
        return self.okr.key

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


@dataclasses.dataclass
class Snapshot:
    quarter: str | None
    objectives: list[Objective]
    orphans: list[KeyResult]  # key results whose objective is not in the snapshot
    issues: dict[int, LoadedIssue]  # by iid
    problems: list[Problem]

    def by_key(self, key: str) -> LoadedIssue | None:
        return next((item for item in self.issues.values() if item.key == key), None)

    def key_results(self) -> list[KeyResult]:
        return [kr for o in self.objectives for kr in o.key_results] + list(self.orphans)

    def item(self, okr: Objective | KeyResult) -> LoadedIssue:
        assert okr.iid is not None
        return self.issues[okr.iid]


def read_record(record: IssueRecord, names: LabelNames) -> LoadedIssue:
    """Read one issue into the model. Never raises on content."""
    okr, problems = read_issue(
        iid=record.iid,
        title=record.title,
        description=record.description,
        labels=record.labels,
        assignees=record.assignees,
        author=record.author,
        web_url=record.web_url,
        state=record.state,
        label_names=names,
    )
    parsed = desc.split(record.description)
    meta, _ = Meta.from_dict(parsed.meta) if parsed.meta is not None else (Meta(), [])
    if isinstance(okr, KeyResult) and okr.metric is None and okr.statement_problem is None:
        try:
            okr.metric = parse_statement(okr.title)
        except StatementError as exc:
            okr.statement_problem = str(exc)
    return LoadedIssue(record=record, okr=okr, meta=meta, problems=problems)


def is_okr(record: IssueRecord, names: LabelNames) -> bool:
    labels = set(record.labels)
    if names.objective in labels or names.key_result in labels:
        return True
    return desc.META_OPEN in record.description and names.report not in labels


def assemble(
    records: Iterable[IssueRecord], names: LabelNames, quarter: str | None = None
) -> Snapshot:
    """Build the objective tree from issue records (pure: no requests)."""
    items: dict[int, LoadedIssue] = {}
    problems: list[Problem] = []
    for record in records:
        if record.iid in items or not is_okr(record, names):
            continue
        item = read_record(record, names)
        items[record.iid] = item
        problems.extend(item.problems)
    key_of_iid = {iid: item.key for iid, item in items.items()}

    def resolve(key: str | None) -> str | None:
        if key is None:
            return None
        iid = iid_of_key(key)
        return key_of_iid.get(iid, key) if iid is not None else key

    objectives = [i.okr for i in items.values() if isinstance(i.okr, Objective)]
    by_key = {o.key: o for o in objectives}
    orphans: list[KeyResult] = []
    for item in items.values():
        okr = item.okr
        if isinstance(okr, Objective):
            okr.parents = [p for p in (resolve(k) for k in okr.parents) if p]
            continue
        okr.objective = resolve(okr.objective)
        parent = by_key.get(okr.objective) if okr.objective else None
        if parent is None:
            orphans.append(okr)
        else:
            parent.key_results.append(okr)
    return Snapshot(quarter, objectives, orphans, items, problems)


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
    gl: IssueApi, names: LabelNames, *, quarter: str | None, unscheduled: bool = False
) -> Snapshot:
    """The OKRs of ``quarter`` (all OKRs when None).

    ``unscheduled`` also brings open OKR issues that carry no quarter label yet
    (filed from the UI and not triaged): lint and status want them, rollup does not.
    """

    def records() -> Iterator[IssueRecord]:
        if quarter:
            # pages fetched a few at a time and parsed while the next ones arrive
            yield from prefetched(gl.list_issues(labels=[quarter], page_workers=LISTING_WORKERS))
        if not quarter or unscheduled:
            for type_label in (names.objective, names.key_result):
                state = None if not quarter else "opened"
                for record in gl.list_issues(labels=[type_label], state=state):
                    if not quarter or names.quarter_in(" ".join(record.labels)) is None:
                        yield record

    return assemble(records(), names, quarter)

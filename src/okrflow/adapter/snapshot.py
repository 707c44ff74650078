"""A quarter's OKRs as okrflow sees them in GitLab: loaded into the core model, written back.

Loading costs one listing page per 100 issues (the quarter label selects them);
the hierarchy comes from okrflow's metadata and the issues' visible text, never
from one links request per issue. Writing sends a PUT only when something a
person would see, or okrflow's metadata, actually changes.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from okrflow.adapter.client import GitLab
from okrflow.adapter.records import IssueRecord
from okrflow.core import description as desc
from okrflow.core.issue_text import iid_of_key, read_issue
from okrflow.core.labels import LabelNames
from okrflow.core.meta import Meta
from okrflow.core.model import KeyResult, Objective, Problem
from okrflow.core.statements import StatementError, parse_statement
from okrflow.errors import OkrflowError

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

    def own_meta(self) -> Meta:
        """The metadata to build on when writing: a fresh block when the one found was
        copied from another issue; what could be read of a broken one (its key, type
        and objective) kept; always this issue's iid and type."""
        meta = self.meta if self.meta.iid in (None, self.iid) else Meta()
        okr = self.okr
        return meta.replace(
            type=meta.type or ("objective" if self.is_objective else "kr"),
            key=meta.key or (None if iid_of_key(okr.key) == self.iid else okr.key),
            iid=self.iid,
            objective=meta.objective or (okr.objective if isinstance(okr, KeyResult) else None),
        )


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
    gl: GitLab, names: LabelNames, *, quarter: str | None, unscheduled: bool = False
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


def label_changes(
    current: Sequence[str], *, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> tuple[list[str], list[str]]:
    """The labels really to add and remove (no-ops dropped)."""
    have = set(current)
    to_add = sorted({label for label in add if label not in have})
    to_remove = sorted({label for label in remove if label in have} - set(to_add))
    return to_add, to_remove


def new_description(current: str, *, meta: Meta | None = None, section: str | None = None) -> str:
    text = current
    if section is not None:
        text = desc.with_managed_section(text, section)
    if meta is not None:
        text = desc.with_meta(text, meta.to_dict())
    return text


#: GitLab's limit on an issue description, in characters
DESCRIPTION_MAX = 1_048_576


def save_issue(
    gl: GitLab,
    item: LoadedIssue,
    *,
    title: str | None = None,
    meta: Meta | None = None,
    section: str | None = None,
    add_labels: Iterable[str] = (),
    remove_labels: Iterable[str] = (),
    state_event: str | None = None,
    assignee: str | None = None,
) -> bool:
    """Write what changed on one issue in a single PUT; nothing when nothing changed.

    Raises :class:`OkrflowError` (nothing written) when okrflow's parts would take the
    description over GitLab's limit, instead of a write GitLab refuses.
    """
    record = item.record
    fields: dict[str, Any] = {}
    if title is not None and title != record.title:
        fields["title"] = title
    text = new_description(record.description, meta=meta, section=section)
    if text != record.description:
        if len(text) > DESCRIPTION_MAX:
            raise OkrflowError(
                f"the description of #{record.iid} would be {len(text):,} characters, over "
                f"GitLab's limit of {DESCRIPTION_MAX:,}: shorten the text in the issue"
            )
        fields["description"] = text
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
        user_id = gl.user_id(assignee)
        if user_id is not None:
            fields["assignee_ids"] = [user_id]
    if not fields:
        return False
    updated = gl.update_issue(record.iid, **fields)
    if updated is not None:
        item.record = updated
    if meta is not None:
        item.meta = meta
    return True

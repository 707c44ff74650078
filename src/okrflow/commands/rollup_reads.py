"""Which key results' comments a rollup reads, and how.

New comments come in one batch, the project's ``commented`` events after a
watermark (:mod:`okrflow.adapter.comment_events`: one request per 100 comments, each
event carrying its note); in a group scope, the events of each project where an issue
moved (GitLab lists events by project, and numbers them across the instance, so one
watermark serves them all). A key result (or KPI) has its own comments read, one
request, only where the batch cannot answer:

- the comment count GitLab lists (``user_notes_count``) is not the count okrflow
  recorded plus the new comments the batch holds for it: a comment was deleted,
  or one was made that the batch does not hold (events pruned, made before the
  watermark while the last rollup ran);
- its ``updated_at`` is later than both the time okrflow last read its comments and
  its newest new comment: something changed with no new comment (an edited comment,
  or a label or text edit), so its comments may have changed;
- it holds a check-in that could not be read (re-read until it is fixed, as before);
- a count that fell or an edit: all its comments are read again and its check-ins
  rebuilt from them (an edited value replaces the old one, a deleted one is gone);
- the batch itself could not be read: every key result whose count moved is read
  on its own, as before batches.

When no count moved and nothing was edited, nothing is read (a warm rollup reads
the listing only).

The watermark is the newest event the last rollup read, kept in the metadata of the
objectives it wrote (:mod:`okrflow.core.kr_records`), and taken only from objectives
okrflow's user filed: a person cannot make okrflow skip comments with it, and a
watermark moved forward would only send the key results the batch misses to the
count check above. With none, the batch starts the day before okrflow last read the
comments of the issues that moved (or they were filed: no comment can be older).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from okrflow.adapter import (
    LoadedIssue,
    LoadedKpi,
    NoteRecord,
    OkrRepository,
    Snapshot,
)
from okrflow.core import kr_records
from okrflow.core.bookkeeping import needs_comments
from okrflow.core.kr_records import Watermark
from okrflow.core.meta import Meta
from okrflow.core.model import IssueId, KeyResult, Objective
from okrflow.core.standing import Kpi
from okrflow.errors import OkrflowError

__all__ = ["CommentReads", "plan_comment_reads"]

#: GitLab touches an issue just after saving a comment: an ``updated_at`` this close to
#: the newest comment is that comment's
TOUCH_SLACK = dt.timedelta(seconds=2)
DAY = dt.timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class CommentReads:
    """By issue: the new comments the batch found; the issues whose comments after the
    last one read must be read, and those whose comments must all be read again (one
    was edited or deleted: their check-ins are rebuilt); the watermark to record; why
    the batch was not read (else None)."""

    batch: dict[IssueId, list[NoteRecord]]
    own: set[IssueId]
    mark: Watermark | None
    unread: str | None = None
    full: set[IssueId] = dataclasses.field(default_factory=set)


@dataclasses.dataclass(frozen=True)
class Rebuilt:
    """An issue as :func:`okrflow.core.bookkeeping.apply_comments` sees it when all its
    comments are read again: its comment bookkeeping starts afresh."""

    item: LoadedIssue | LoadedKpi

    @property
    def iid(self) -> int:
        return self.item.iid

    @property
    def issue_id(self) -> IssueId:
        return self.item.issue_id

    @property
    def shown(self) -> str:
        return self.item.shown

    @property
    def okr(self) -> Objective | KeyResult | Kpi:
        return self.item.okr

    @property
    def notes_count(self) -> int:
        return self.item.notes_count

    def own_meta(self) -> Meta:
        return self.item.own_meta().replace(
            checkin=None, checkins=(), notes_count=None, last_comment_id=None, bad_checkins=()
        )


def trusted_watermark(repo: OkrRepository, snap: Snapshot) -> Watermark | None:
    """The newest watermark of the objectives okrflow's user filed."""
    marks = [
        (mark, item)
        for item in snap.issues.values()
        if item.is_objective and (mark := kr_records.watermark(item.meta)) is not None
    ]
    own = [mark for mark, item in marks if repo.authors.is_okrflow(item.record.author)]
    return max(own, key=lambda m: m.event_id, default=None)


def _start(moved: Sequence[LoadedIssue | LoadedKpi], mark: Watermark | None) -> dt.date:
    """The day before which no comment the batch needs was made: the watermark's, else
    the earliest of when okrflow last read each moved issue (or it was filed)."""
    if mark is not None:
        return (mark.at - DAY).date()
    since = [kr_records.seen_at(i.own_meta()) or i.record.created_at for i in moved]
    known = [at for at in since if at is not None]
    oldest = min(known, default=dt.datetime.now(dt.timezone.utc))
    return (oldest - DAY).date()


def _edited(item: LoadedIssue | LoadedKpi, new: Sequence[NoteRecord]) -> bool:
    seen = kr_records.seen_at(item.own_meta())
    updated = item.record.updated_at
    if seen is None or updated is None:
        return False
    newest = max([seen, *(n.created_at for n in new if n.created_at is not None)])
    return updated > newest + TOUCH_SLACK


def _moved(item: LoadedIssue | LoadedKpi) -> bool:
    """Whether the listing says the issue's comments may have changed."""
    return needs_comments(item) or _edited(item, ())


def plan_comment_reads(
    repo: OkrRepository, snap: Snapshot, items: Sequence[LoadedIssue | LoadedKpi]
) -> CommentReads:
    """Decide, for each of ``items`` (open, checked in by comments), whether the batch
    answers it (see the module's rules). Nothing is read when the listing says no
    comment count moved and nothing was edited."""
    moved = [item for item in items if _moved(item)]
    # a check-in still to be fixed, and nothing else new: its own comments, no batch
    fixing = {i.issue_id for i in moved if i.notes_count == (i.own_meta().notes_count or 0)}
    fixing -= {i.issue_id for i in moved if _edited(i, ())}
    moved = [item for item in moved if item.issue_id not in fixing]
    if not moved:
        return CommentReads({}, fixing, None)
    mark = trusted_watermark(repo, snap)
    projects: dict[str | None, list[LoadedIssue | LoadedKpi]] = {}
    for item in moved:
        projects.setdefault(repo.project_of(item.record), []).append(item)
    by_issue: dict[IssueId, list[NoteRecord]] = {}
    newest = mark
    for project, there in projects.items():
        try:
            batch = repo.comment_events(
                after=_start(there, mark),
                since_event=mark.event_id if mark else None,
                project=project,
            )
        except OkrflowError as exc:
            return CommentReads({}, fixing | {i.issue_id for i in moved}, None, exc.message)
        named = {i.iid: i.issue_id for i in there}
        for event in batch.events:
            if event.iid in named:
                by_issue.setdefault(named[event.iid], []).append(event.note)
        if batch.newest is not None and (newest is None or batch.newest[0] > newest.event_id):
            newest = Watermark(*batch.newest)
    found: dict[IssueId, list[NoteRecord]] = {}
    own: set[IssueId] = set(fixing)
    full: set[IssueId] = set()
    for item in moved:
        meta = item.own_meta()
        last = meta.last_comment_id or 0
        new = [n for n in by_issue.get(item.issue_id, []) if n.id > last and not n.system]
        expected = (meta.notes_count or 0) + len(new)
        if item.notes_count < expected or _edited(item, new):
            full.add(item.issue_id)  # a comment deleted or edited
        elif meta.bad_checkins or item.notes_count > expected:
            own.add(item.issue_id)
        elif new:
            found[item.issue_id] = new
    return CommentReads(found, own, newest, full=full)

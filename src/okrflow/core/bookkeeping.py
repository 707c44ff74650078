"""Check-in bookkeeping: what okrflow records in a key result's metadata, and when.

A key result's metadata keeps its latest check-in and a short history (for the
trend), the id of the newest comment okrflow has read and the comment count then. The
functions here fold what was read (new comments, a measured value) into that record;
reading it from GitLab and writing it back is the adapter's job.

- :func:`own_meta`: the metadata a write builds on (a block copied from another issue
  starts afresh);
- :func:`needs_comments`: whether comments were added or removed since the last read,
  or a comment that could not be read as a check-in is still waiting to be fixed;
  :func:`comments_after`: the comment id to read after (the oldest unreadable one is
  read again on every run, so a comment a person corrects is picked up);
- :func:`apply_comments`, :func:`apply_measurement`: the new metadata after reading;
- :func:`record_checkin`, :func:`checkins_of`: the history itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Protocol

from okrflow.core.authority import CheckinPolicy, impostor
from okrflow.core.checkins import CheckinError, checkin_from_comment, is_checkin
from okrflow.core.issue_text import iid_of_key
from okrflow.core.meta import MAX_HISTORY, BadCheckin, Meta, RecordedCheckIn
from okrflow.core.model import CheckIn, KeyResult, Objective, Problem, SourceKind
from okrflow.core.sources import Measurement

if TYPE_CHECKING:
    from okrflow.core.standing import Kpi

__all__ = [
    "HISTORY_LENGTH",
    "MARKER_PREFIX",
    "Comment",
    "TrackedIssue",
    "apply_comments",
    "apply_measurement",
    "checkin_problem",
    "checkins_of",
    "comments_after",
    "needs_comments",
    "own_meta",
    "record_checkin",
]

MARKER_PREFIX = "<!-- okrflow:checkin "  # in the comments ``okrflow checkin`` writes
HISTORY_LENGTH = MAX_HISTORY  # check-ins kept in the metadata for the trend


class Comment(Protocol):
    """What bookkeeping reads of a comment."""

    @property
    def id(self) -> int: ...
    @property
    def body(self) -> str: ...
    @property
    def author(self) -> str | None: ...
    @property
    def created_at(self) -> dt.datetime | None: ...
    @property
    def system(self) -> bool: ...


class TrackedIssue(Protocol):
    """An OKR issue as bookkeeping sees it: its number, what was read of it, its comment count."""

    @property
    def iid(self) -> int: ...
    @property
    def shown(self) -> str:
        """How output names it: ``#12``, in a group scope ``acme/sales#12``."""
        ...

    @property
    def okr(self) -> Objective | KeyResult | Kpi: ...
    @property
    def notes_count(self) -> int: ...
    def own_meta(self) -> Meta: ...


def _type(okr: Objective | KeyResult | Kpi) -> str:
    if isinstance(okr, Objective):
        return "objective"
    return "kr" if isinstance(okr, KeyResult) else "kpi"


def own_meta(meta: Meta, iid: int, okr: Objective | KeyResult | Kpi) -> Meta:
    """The metadata to build on when writing issue ``iid``: a fresh block when the one
    found was copied from another issue; what could be read of a broken one (its key,
    type and objective) kept; always this issue's iid and type."""
    base = meta if meta.iid in (None, iid) else Meta()
    return base.replace(
        type=base.type or _type(okr),
        key=base.key or (None if iid_of_key(okr.key) == iid else okr.key),
        iid=iid,
        objective=base.objective or (okr.objective if isinstance(okr, KeyResult) else None),
    )


def _moment(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)


def record_checkin(meta: Meta, *found: RecordedCheckIn) -> Meta:
    """``meta`` with the check-ins ``found`` merged into its short history (by time,
    the newest :data:`HISTORY_LENGTH` kept); the newest of all is the latest check-in
    (of two at the same time, the one found last)."""
    if not found:
        return meta
    history = list(meta.checkins)
    for recorded in found:
        compact = dataclasses.replace(recorded, note_id=None)
        if compact not in history:
            history.append(compact)
    history.sort(key=lambda c: _moment(c.at))
    latest = meta.checkin
    for recorded in found:
        if latest is None or _moment(recorded.at) >= _moment(latest.at):
            latest = recorded
    return meta.replace(checkin=latest, checkins=tuple(history[-HISTORY_LENGTH:]))


def needs_comments(item: TrackedIssue) -> bool:
    """Whether comments were added or removed since okrflow last read them, or one that
    could not be read as a check-in waits to be fixed."""
    meta = item.own_meta()
    return item.notes_count != (meta.notes_count or 0) or bool(meta.bad_checkins)


def comments_after(meta: Meta) -> int | None:
    """The id of the newest comment not to read again: the last one read, or just before
    the oldest one that could not be read as a check-in."""
    if meta.bad_checkins:
        oldest = min(bad.note_id for bad in meta.bad_checkins) - 1
        return oldest if meta.last_comment_id is None else min(oldest, meta.last_comment_id)
    return meta.last_comment_id


def checkin_problem(issue: int | str, note_id: int, error: CheckinError) -> Problem:
    """The problem a comment that cannot be read as a check-in is listed as (``issue``:
    an iid, or how output names the issue)."""
    where = f"#{issue}" if isinstance(issue, int) else issue
    return Problem(f"{where} note {note_id}", f"check-in {error.reason}")


def checkins_of(meta: Meta) -> list[CheckIn]:
    """The check-ins recorded in ``meta``: the history, then the latest (once)."""
    out: list[CheckIn] = []
    for c in [*meta.checkins, *([meta.checkin] if meta.checkin else [])]:
        entry = CheckIn(c.at, c.value, c.confidence, c.author, source=c.source)
        if entry not in out:
            out.append(entry)
    return out


def _judged(
    note: Comment, shown: str, policy: CheckinPolicy | None, owners: Collection[str]
) -> tuple[bool, str, list[Problem]]:
    """(whether a check-in comment counts, its source, problems): okrflow's check-in
    marker means ``okrflow checkin`` wrote it only when okrflow's user did; the author
    must be allowed by the policy."""
    where = f"{shown} note {note.id}"
    marked = MARKER_PREFIX in note.body
    if policy is None:
        return True, "manual" if marked else "comment", []
    problems: list[Problem] = []
    okrflows = marked and policy.authors.is_okrflow(note.author)
    if marked and not okrflows:
        what = f"comment {note.id} carries okrflow's check-in marker"
        problems.append(impostor(where, note.author, what))
    refusal = policy.refusal(note.author, owners)
    if refusal is not None:
        problems.append(Problem(where, f"check-in not counted: {refusal}"))
        return False, "comment", problems
    return True, "manual" if okrflows else "comment", problems


def apply_comments(
    item: TrackedIssue,
    notes: Sequence[Comment],
    *,
    now: dt.datetime,
    policy: CheckinPolicy | None = None,
    owners: Collection[str] = (),
) -> tuple[Meta, bool, list[Problem]]:
    """(new metadata, whether its latest check-in is new, problems) after reading
    ``notes`` (the comments after :func:`comments_after`), read against the key result's
    (or KPI's) metric: every readable check-in joins the history, the newest becomes the
    latest when it is newer than the one recorded; malformed ones are problems naming
    issue and comment, recorded in the metadata (``bad_checkins``) until fixed. With
    ``policy``, a check-in from someone it does not allow (``owners``: the key result's
    and its objective's) is a problem and does not count (:mod:`okrflow.core.authority`)."""
    okr = item.okr
    assert not isinstance(okr, Objective)
    meta = item.own_meta()
    metric = okr.metric
    after = comments_after(meta)
    bad = [b for b in meta.bad_checkins if after is not None and b.note_id <= after]
    problems: list[Problem] = []
    found: list[RecordedCheckIn] = []
    for note in sorted(notes, key=lambda n: n.id):
        if note.system or not is_checkin(note.body):
            continue
        counts, source, judged = _judged(note, item.shown, policy, owners)
        problems.extend(judged)
        if not counts:
            continue
        try:
            read = checkin_from_comment(
                note.body, at=note.created_at or now, author=note.author, metric=metric
            )
        except CheckinError as exc:
            problem = checkin_problem(item.shown, note.id, exc)
            problems.append(problem)
            bad.append(BadCheckin(note.id, problem.message))
            continue
        if read is None or (meta.checkin is not None and meta.checkin.note_id == note.id):
            continue
        found.append(
            RecordedCheckIn(
                at=read.at,
                value=read.value,
                confidence=read.confidence,
                note_id=note.id,
                author=read.author,
                source=source,
            )
        )
    # system notes (label changes ...) do not move the mark: a comment re-read later
    # (a check-in still to be fixed) finds the same newest comment and writes nothing
    newest_id = max((n.id for n in notes if not n.system), default=0)
    meta = meta.replace(
        last_comment_id=max(newest_id, meta.last_comment_id or 0) or None,
        notes_count=item.notes_count,
        bad_checkins=tuple(bad),
    )
    updated = record_checkin(meta, *found)
    return updated, updated.checkin != meta.checkin, problems


def apply_measurement(
    item: TrackedIssue, measured: Measurement, *, source: SourceKind, now: dt.datetime
) -> tuple[Meta, bool, list[Problem]]:
    """(new metadata, whether it holds a new check-in, problems) for a measured value.
    A value equal to the one recorded from the same source is not new: it keeps its time."""
    meta = item.own_meta()
    problems = [Problem(item.shown, measured.problem)] if measured.problem else []
    if measured.value is None:
        return meta, False, problems
    current = meta.checkin
    if current is not None and current.source == source.value and current.value == measured.value:
        return meta, False, problems
    at = measured.measured_at or now
    recorded = RecordedCheckIn(at=at, value=measured.value, source=source.value)
    return record_checkin(meta, recorded), True, problems

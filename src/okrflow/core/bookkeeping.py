"""Check-in bookkeeping: what okrflow records in a key result's metadata, and when.

A key result's metadata keeps its latest check-in and a short history (for the
trend), the id of the newest comment okrflow has read and the comment count then. The
functions here fold what was read (new comments, a measured value) into that record;
reading it from GitLab and writing it back is the adapter's job.

- :func:`own_meta`: the metadata a write builds on (a block copied from another issue
  starts afresh);
- :func:`needs_comments`: whether comments were added or removed since the last read;
- :func:`apply_comments`, :func:`apply_measurement`: the new metadata after reading;
- :func:`record_checkin`, :func:`checkins_of`: the history itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from okrflow.core.checkins import CheckinError, checkin_from_comment
from okrflow.core.issue_text import iid_of_key
from okrflow.core.meta import MAX_HISTORY, Meta, RecordedCheckIn
from okrflow.core.model import CheckIn, KeyResult, Objective, Problem, SourceKind
from okrflow.core.sources import Measurement

__all__ = [
    "HISTORY_LENGTH",
    "MARKER_PREFIX",
    "Comment",
    "TrackedIssue",
    "apply_comments",
    "apply_measurement",
    "checkins_of",
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
    def okr(self) -> Objective | KeyResult: ...
    @property
    def notes_count(self) -> int: ...
    def own_meta(self) -> Meta: ...


def own_meta(meta: Meta, iid: int, okr: Objective | KeyResult) -> Meta:
    """The metadata to build on when writing issue ``iid``: a fresh block when the one
    found was copied from another issue; what could be read of a broken one (its key,
    type and objective) kept; always this issue's iid and type."""
    base = meta if meta.iid in (None, iid) else Meta()
    return base.replace(
        type=base.type or ("objective" if isinstance(okr, Objective) else "kr"),
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
    """Whether comments were added or removed since okrflow last read them."""
    return item.notes_count != (item.own_meta().notes_count or 0)


def checkins_of(meta: Meta) -> list[CheckIn]:
    """The check-ins recorded in ``meta``: the history, then the latest (once)."""
    out: list[CheckIn] = []
    for c in [*meta.checkins, *([meta.checkin] if meta.checkin else [])]:
        entry = CheckIn(c.at, c.value, c.confidence, c.author, source=c.source)
        if entry not in out:
            out.append(entry)
    return out


def apply_comments(
    item: TrackedIssue, notes: Sequence[Comment], *, now: dt.datetime
) -> tuple[Meta, bool, list[Problem]]:
    """(new metadata, whether its latest check-in is new, problems) after reading
    ``notes`` (the comments newer than the last one read): every readable check-in joins
    the history, the newest becomes the latest when it is newer than the one recorded;
    malformed ones are problems naming issue and comment."""
    kr = item.okr
    assert isinstance(kr, KeyResult)
    meta = item.own_meta()
    unit = kr.metric.unit if kr.metric else ""
    problems: list[Problem] = []
    found: list[RecordedCheckIn] = []
    for note in sorted(notes, key=lambda n: n.id):
        if note.system:
            continue
        try:
            read = checkin_from_comment(
                note.body, at=note.created_at or now, author=note.author, unit=unit
            )
        except CheckinError as exc:
            problems.append(Problem(f"#{item.iid} note {note.id}", f"check-in {exc.reason}"))
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
                source="manual" if MARKER_PREFIX in note.body else "comment",
            )
        )
    newest_id = max((n.id for n in notes), default=0)
    meta = meta.replace(
        last_comment_id=max(newest_id, meta.last_comment_id or 0) or None,
        notes_count=item.notes_count,
    )
    updated = record_checkin(meta, *found)
    return updated, updated.checkin != meta.checkin, problems


def apply_measurement(
    item: TrackedIssue, measured: Measurement, *, source: SourceKind, now: dt.datetime
) -> tuple[Meta, bool, list[Problem]]:
    """(new metadata, whether it holds a new check-in, problems) for a measured value.
    A value equal to the one recorded from the same source is not new: it keeps its time."""
    meta = item.own_meta()
    problems = [Problem(f"#{item.iid}", measured.problem)] if measured.problem else []
    if measured.value is None:
        return meta, False, problems
    current = meta.checkin
    if current is not None and current.source == source.value and current.value == measured.value:
        return meta, False, problems
    recorded = RecordedCheckIn(at=now, value=measured.value, source=source.value)
    return record_checkin(meta, recorded), True, problems

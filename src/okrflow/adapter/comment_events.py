"""New comments in one batch: GitLab's ``commented`` events, each carrying its note.

``GET /projects/:id/events?action=commented&target_type=note`` lists the comments of
the whole project, newest first, 100 a page, each event with the note it made
(body, author, ``noteable_iid``). ``after`` is a date and exclusive (events from the
next day on), so the read starts the day before the watermark's and stops at the
first event already read. GitLab lists events by project (a group has no events
listing of its comments), so a group scope reads those of each project it needs, and
numbers them across the instance. Deciding which key results the batch answers and
which need their own comments read is :mod:`okrflow.commands.rollup_reads`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from okrflow.adapter.http import PER_PAGE
from okrflow.adapter.records import NoteRecord, parse_time
from okrflow.adapter.session import Session

__all__ = ["CommentBatch", "CommentEvent", "CommentEventApi"]


@dataclasses.dataclass(frozen=True)
class CommentEvent:
    event_id: int
    project_id: int
    iid: int  # the issue commented on
    note: NoteRecord


@dataclasses.dataclass(frozen=True)
class CommentBatch:
    """The comment events after a watermark, newest first; ``newest`` the id and time
    of the newest event seen (None when there was none)."""

    events: tuple[CommentEvent, ...]
    newest: tuple[int, dt.datetime] | None


class CommentEventApi(Session):
    def comment_events(
        self, *, after: dt.date, since_event: int | None, project: str | None = None
    ) -> CommentBatch:
        """The comments on issues of the OKR project (or ``project``, another project of
        a group scope) made after the day ``after`` and, when ``since_event`` is given,
        with a greater event id (one request per 100)."""
        query = {
            "action": "commented",
            "target_type": "note",
            "after": after.isoformat(),
            "sort": "desc",
            "per_page": PER_PAGE,
        }
        found: list[CommentEvent] = []
        where = project or self.project_path
        newest: tuple[int, dt.datetime] | None = None
        for item in self.http.listing(
            self.api("events", project=project), f"read comment events of {where}", query
        ):
            event_id = int(item.get("id") or 0)
            if since_event is not None and event_id <= since_event:
                break
            note = item.get("note")
            if newest is None:
                at = parse_time(str(item.get("created_at") or ""))
                newest = (event_id, at) if at is not None else None
            if not isinstance(note, dict) or note.get("noteable_type") != "Issue":
                continue
            iid = note.get("noteable_iid")
            if not isinstance(iid, int) or "id" not in note:
                continue
            project_id = int(note.get("project_id") or item.get("project_id") or 0)
            found.append(CommentEvent(event_id, project_id, iid, NoteRecord.from_json(note)))
        return CommentBatch(tuple(found), newest)

"""What changed in GitLab since okrflow read it, asked economically before it writes.

GitLab's REST API has no optimistic locking for issues (an ``If-Match`` or a version to
send with a PUT), so a person's edit saved between okrflow's read and its write would be
overwritten. Before a description write okrflow asks once which issues changed since it
read: one listing, ``updated_after`` the latest ``updated_at`` it had seen when it read
(GitLab's own clock, so no skew; GitLab's ``updated_after`` includes that moment),
normally one page; only an issue in it whose description is not the one okrflow read
is read again (one GET) and the write rebuilt on the person's text (descriptions are
compared, not times: two changes within one second have the same ``updated_at``).
A run that writes nothing asks nothing (the warm rollup
stays at its listing pages and no writes); a run writing N issues adds one listing page
per 100 issues changed meanwhile, not N GETs. The listing is asked again when it is
older than :data:`FRESH_FOR` seconds (a long run).

What remains: an edit saved between the listing (or the GET) and the PUT is overwritten
(the window is the time the listing is reused, at most :data:`FRESH_FOR` seconds, and
the length of one request after a GET). A pipeline's ``resource_group`` serialises
okrflow's own jobs in one project; it does nothing for a person or a terminal run.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable

from okrflow.adapter.records import IssueRecord
from okrflow.core.description import stored_form

__all__ = ["FRESH_FOR", "Changes"]

FRESH_FOR = 10.0  # seconds a listing of what changed is reused


class Changes:
    """The latest ``updated_at`` okrflow has read, and what changed after it (shared by
    the threads of one run)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # the listing notes what it reads, in this thread
        self._latest: dt.datetime | None = None
        self._base: dt.datetime | None = None  # updated_after of every listing of a run
        self._changed: dict[int, str] = {}  # issue id -> description as GitLab stores it
        self._asked = float("-inf")

    def seen(self, records: Iterable[IssueRecord]) -> None:
        """Note the issues as read (their ``updated_at``)."""
        with self._lock:
            for record in records:
                moment = record.updated_at
                if moment is not None and (self._latest is None or moment > self._latest):
                    self._latest = moment

    def changed_since_read(
        self,
        record: IssueRecord,
        listing: Callable[[dt.datetime], Iterable[IssueRecord]],
    ) -> bool:
        """Whether the issue okrflow read as ``record`` changed since (``listing``: the
        project's issues updated after a moment). Every listing of a run starts from the
        latest change read before the first, so none forgets an issue another found."""
        with self._lock:
            if self._base is None:
                self._base = self._latest
            if self._base is None:
                return True  # nothing to compare with: read it again
            if time.monotonic() - self._asked > FRESH_FOR:
                for item in listing(self._base):
                    self._changed[item.id] = stored_form(item.description)
                self._asked = time.monotonic()
            now = self._changed.get(record.id)
        return now is not None and now != stored_form(record.description)

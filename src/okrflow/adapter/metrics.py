"""The GitLab side of metric sources: the issues a ``query`` source lists.

The maths is the core's (:mod:`okrflow.core.sources`); this module only turns a
:class:`~okrflow.core.sources.QueryOptions` into the listing GitLab can answer, one
listing page per 100 matching issues. An ``initiatives`` source reads the key
result's links (:meth:`okrflow.adapter.issues.IssueApi.list_links`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from okrflow.core.sources import QueryOptions

if TYPE_CHECKING:
    from okrflow.adapter.issues import IssueApi
    from okrflow.adapter.records import IssueRecord

__all__ = ["query_records"]


def query_records(gl: IssueApi, options: QueryOptions, now: dt.datetime) -> list[IssueRecord]:
    """The issues ``options`` measures, for the window ending ``now``.

    A window on ``closed_at`` lists the issues updated in it (an issue closed in the
    window was updated in it; GitLab has no ``closed_after``); else those created in it.
    """
    since = options.since(now)
    return list(
        gl.query_issues(
            project=options.project,
            group=options.group,
            labels=options.labels,
            state=options.listed_state,
            updated_after=since if options.by_close else None,
            created_after=None if options.by_close else since,
        )
    )

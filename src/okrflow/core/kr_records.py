"""What a rollup keeps of its key results in their objective's metadata.

A rollup writes an objective (its progress table shows every key result) and leaves
the key-result issues alone, so the check-in bookkeeping of each key result lives in
its objective's metadata block under ``key_results``, by iid (a key result in another
project of a group scope: by its full reference, ``acme/sales#12``)::

    {"key_results": {"12": {"checkin": {...}, "checkins": [...], "notes_count": 3,
                            "last_comment_id": 881, "seen_at": "2024-02-14T09:00:00+00:00"}},
     "events": {"id": 5120, "at": "2024-02-14T09:00:00+00:00"}}

- an entry holds the fields of :data:`BOOKKEEPING` (the check-ins, the comments
  read, the baseline, the initiatives last read) and ``seen_at``, the key result's
  ``updated_at`` when okrflow last read its comments (a later one with no new comment
  means something was edited: its comments are read again);
- ``events``: the newest comment event the rollup that wrote the block had read, the
  watermark the next rollup reads events after (:mod:`okrflow.commands.rollup_reads`
  trusts it only in an objective okrflow's user filed).

A key result's own block may hold check-ins newer than its entry (``okrflow checkin``
records there): :func:`merged` folds them in. Pure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from okrflow.core.bookkeeping import record_checkin
from okrflow.core.meta import Meta, RecordedCheckIn
from okrflow.core.model import IssueId

__all__ = [
    "BOOKKEEPING",
    "Watermark",
    "entries",
    "entry",
    "entry_name",
    "merged",
    "new_checkins",
    "seen_at",
    "watermark",
    "with_entries",
    "with_seen",
    "with_watermark",
]

#: the fields of a key result's metadata its objective keeps for it
BOOKKEEPING = (
    "checkin",
    "checkins",
    "notes_count",
    "last_comment_id",
    "bad_checkins",
    "baseline",
    "initiatives",
)
RECORDS = "key_results"
EVENTS = "events"
SEEN = "seen_at"


@dataclasses.dataclass(frozen=True)
class Watermark:
    """The newest comment event read, and when it happened."""

    event_id: int
    at: dt.datetime


def _time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def seen_at(meta: Meta) -> dt.datetime | None:
    """The key result's ``updated_at`` when its comments were last read (None: unknown)."""
    return _time(meta.extra.get(SEEN))


def with_seen(meta: Meta, at: dt.datetime | None) -> Meta:
    extra = {k: v for k, v in meta.extra.items() if k != SEEN}
    if at is not None:
        extra[SEEN] = at.isoformat()
    return meta.replace(extra=extra)


def entry(meta: Meta) -> Meta:
    """The part of a key result's metadata its objective keeps."""
    kept = Meta(**{name: getattr(meta, name) for name in BOOKKEEPING})
    return with_seen(kept, seen_at(meta))


def _plain(meta: Meta) -> dict[str, Any]:
    out = entry(meta).to_dict()
    out.pop("schema", None)
    return out


def entry_name(key_result: IssueId, objective: IssueId) -> str:
    """What an objective's metadata names a key result's entry by: its iid when both
    are in one project, else its full reference."""
    if key_result.project == objective.project:
        return str(key_result.iid)
    return str(key_result)


def _is_name(name: str) -> bool:
    project, hash_, iid = name.rpartition("#")
    return iid.isdigit() and (not hash_ or bool(project))


def entries(objective: Meta) -> dict[str, Meta]:
    """The entries an objective's metadata keeps, by :func:`entry_name` (a malformed
    one is left out: the key result's comments are then read again)."""
    raw = objective.extra.get(RECORDS)
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, Meta] = {}
    for name, data in raw.items():
        if isinstance(name, str) and _is_name(name) and isinstance(data, Mapping):
            read, problems = Meta.from_dict(data)
            if not problems:
                out[name] = entry(read)
    return out


def with_entries(objective: Meta, updates: Mapping[str, Meta]) -> Meta:
    """``objective`` keeping ``updates`` (key-result metadata, by :func:`entry_name`)
    as entries."""
    if not updates:
        return objective
    raw = objective.extra.get(RECORDS)
    kept = dict(raw) if isinstance(raw, Mapping) else {}
    for name, meta in sorted(updates.items()):
        kept[name] = _plain(meta)
    return objective.replace(extra={**objective.extra, RECORDS: kept})


def _moment(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)


def merged(own: Meta, kept: Meta | None) -> Meta:
    """A key result's metadata with its objective's entry (``kept``): the entry's
    bookkeeping, with the check-ins its own block recorded since (``okrflow checkin``
    writes there) folded in, and its own comment mark when that is further on."""
    if kept is None:
        return own
    fields = {name: getattr(kept, name) for name in BOOKKEEPING}
    out = with_seen(own.replace(**fields), seen_at(kept))
    # what the entry already judged (read up to ``seen_at``, a deleted check-in left
    # out) is not taken back from the key result's own, older block
    marks = [m for m in (seen_at(kept), kept.checkin.at if kept.checkin else None) if m]
    after = max((_moment(m) for m in marks), default=None)
    since = [
        c
        for c in (*own.checkins, *([own.checkin] if own.checkin else []))
        if after is None or _moment(c.at) > after
    ]
    if since:
        out = record_checkin(out, *since)
    if (own.last_comment_id or 0) > (kept.last_comment_id or 0):
        out = out.replace(last_comment_id=own.last_comment_id, notes_count=own.notes_count)
    return out


def _all(meta: Meta | None) -> set[RecordedCheckIn]:
    if meta is None:
        return set()
    found = [*meta.checkins, *([meta.checkin] if meta.checkin else [])]
    return {dataclasses.replace(c, note_id=None) for c in found}


def new_checkins(before: Meta | None, after: Meta) -> int:
    """The check-ins ``after`` holds that ``before`` (the last rollup's entry) did not."""
    return len(_all(after) - _all(before))


def watermark(objective: Meta) -> Watermark | None:
    raw = objective.extra.get(EVENTS)
    if not isinstance(raw, Mapping):
        return None
    event_id, at = raw.get("id"), _time(raw.get("at"))
    if not isinstance(event_id, int) or isinstance(event_id, bool) or event_id < 0 or at is None:
        return None
    return Watermark(event_id, at)


def with_watermark(objective: Meta, mark: Watermark | None) -> Meta:
    if mark is None:
        return objective
    value = {"id": mark.event_id, "at": mark.at.isoformat()}
    return objective.replace(extra={**objective.extra, EVENTS: value})

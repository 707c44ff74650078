"""``okrflow checkin REF --value V``: record a check-in on a key result.

Writes the comment a person would type (:func:`okrflow.core.checkins.format_checkin_comment`,
so the next reader cannot tell them apart) and records the check-in in the key result's
metadata, with the comment's id and the issue's comment count, so the next rollup knows
it without reading the comments. Two requests and two writes: read the issue, post
the comment (carrying an invisible marker, so a retried POST after a lost answer finds
the first comment instead of adding a second), update the metadata.

Also the bookkeeping rollup does with check-ins: reading new comments and measured
values into the metadata (:func:`apply_comments`, :func:`apply_measurement`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import uuid
from collections.abc import Sequence
from typing import Any

from okrflow.adapter.metrics import Measurement
from okrflow.adapter.records import NoteRecord
from okrflow.adapter.refs import local_iid, referenced_issue
from okrflow.adapter.snapshot import LoadedIssue, read_record, save_issue
from okrflow.commands.workspace import Workspace
from okrflow.core.checkins import CheckinError, checkin_from_comment, format_checkin_comment
from okrflow.core.description import escape_blocks
from okrflow.core.meta import Meta, RecordedCheckIn
from okrflow.core.model import CheckIn, KeyResult, Problem, SourceKind
from okrflow.core.values import format_value, parse_value
from okrflow.errors import UsageError

__all__ = [
    "HISTORY_LENGTH",
    "MARKER_PREFIX",
    "CheckinResult",
    "apply_comments",
    "apply_measurement",
    "checkin",
    "checkins_of",
    "needs_comments",
    "parse_confidence",
    "record_checkin",
]

MARKER_PREFIX = "<!-- okrflow:checkin "
HISTORY_LENGTH = 16  # check-ins kept in the metadata for the trend (a quarter of weeklies)


@dataclasses.dataclass(frozen=True)
class CheckinResult:
    iid: int
    title: str
    value: float
    unit: str
    confidence: float | None
    note_id: int | None  # None in a dry run
    comment: str
    dry_run: bool = False
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        shown = format_value(self.value, self.unit)
        if self.confidence is not None:
            shown += f" (confidence {round(self.confidence * 100):d}%)"
        verb = "would check in" if self.dry_run else "checked in"
        return f"{verb} #{self.iid}: {shown}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "iid": self.iid,
            "value": self.value,
            "unit": self.unit,
            "confidence": self.confidence,
            "note_id": self.note_id,
            "dry_run": self.dry_run,
        }


def parse_confidence(text: str) -> float:
    """``70%``, ``70`` or ``0.7`` -> 0.7; outside 0-100% is an error."""
    raw = text.strip()
    number = raw[:-1].strip() if raw.endswith("%") else raw
    try:
        value = float(number)
    except ValueError:
        raise UsageError(f"--confidence {text!r} is not a number: write 70% or 0.7") from None
    if not math.isfinite(value):
        raise UsageError(f"--confidence {text!r} is not a number: write 70% or 0.7")
    if raw.endswith("%") or value > 1:
        value /= 100
    if not 0 <= value <= 1:
        raise UsageError(f"--confidence {text!r} is out of range: use 0-100% or 0.0-1.0")
    return value


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


def checkin(
    ws: Workspace,
    ref: str,
    *,
    value: str,
    confidence: str | None = None,
    note: str = "",
) -> CheckinResult:
    """Check in ``value`` (in the key result's unit) on the key result ``ref``."""
    confidence_value = parse_confidence(confidence) if confidence is not None else None
    gl = ws.gl
    local_iid(ref, gl.project_path, base_url=gl.url)  # a bad reference before anything else
    gl.ensure_can_write()
    record = referenced_issue(gl, ref)
    iid = record.iid
    item = read_record(record, ws.labels)
    kr = item.okr
    if not isinstance(kr, KeyResult):
        raise UsageError(
            f"#{iid} is an objective, not a key result: check in on one of its key results"
        )
    unit = kr.metric.unit if kr.metric else ""
    try:
        amount = parse_value(value, unit)
    except ValueError as exc:
        raise UsageError(f"--value {value!r} for #{iid}: {exc}") from None
    warnings: list[str] = []
    if kr.source.kind is not SourceKind.MANUAL:
        warnings.append(
            f"#{iid} takes its value from its {kr.source.kind.value} source: "
            "the next rollup replaces this check-in when that value changes"
        )
    marker = f"{MARKER_PREFIX}{uuid.uuid4().hex} -->"
    text = format_checkin_comment(
        amount, unit=unit, confidence=confidence_value, note=escape_blocks(note)
    )
    body = f"{text.rstrip()}\n\n{marker}\n"
    created = gl.create_note(iid, body, marker=marker)
    at = (created.created_at if created else None) or ws.now()
    author = created.author if created else None
    recorded = RecordedCheckIn(
        at=at,
        value=amount,
        confidence=confidence_value,
        note_id=created.id if created else None,
        author=author,
        source="manual",
    )
    base = item.own_meta()
    meta = record_checkin(base, recorded)
    # When okrflow had read every comment before this one, it has read this one too;
    # otherwise the counts stay apart and the next rollup reads the comments it missed.
    if created is not None and (base.notes_count or 0) == record.user_notes_count:
        meta = meta.replace(
            last_comment_id=max(created.id, base.last_comment_id or 0),
            notes_count=record.user_notes_count + 1,
        )
    save_issue(gl, item, meta=meta)
    return CheckinResult(
        iid=iid,
        title=record.title,
        value=amount,
        unit=unit,
        confidence=confidence_value,
        note_id=created.id if created else None,
        comment=body,
        dry_run=ws.dry_run,
        warnings=tuple(warnings),
    )


# -- check-ins from comments and metric sources, for rollup (pure) -------------------------


def needs_comments(item: LoadedIssue) -> bool:
    """Whether comments were added or removed since okrflow last read them."""
    return item.record.user_notes_count != (item.own_meta().notes_count or 0)


def checkins_of(meta: Meta) -> list[CheckIn]:
    """The check-ins recorded in ``meta``: the history, then the latest (once)."""
    out: list[CheckIn] = []
    for c in [*meta.checkins, *([meta.checkin] if meta.checkin else [])]:
        entry = CheckIn(c.at, c.value, c.confidence, c.author, source=c.source)
        if entry not in out:
            out.append(entry)
    return out


def apply_comments(
    item: LoadedIssue, notes: Sequence[NoteRecord], *, now: dt.datetime
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
        notes_count=item.record.user_notes_count,
    )
    updated = record_checkin(meta, *found)
    return updated, updated.checkin != meta.checkin, problems


def apply_measurement(
    item: LoadedIssue, measured: Measurement, *, source: SourceKind, now: dt.datetime
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

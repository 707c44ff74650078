"""``okrflow checkin REF --value V``: record a check-in on a key result or a KPI.

The value is read against the key result's reading (:mod:`okrflow.core.checkin_values`):
in its unit or one that converts (``90 min`` on a key result in hours), with its unit
word (``7 customers``), ``done`` / ``not done`` on a milestone. The comment says it the
same way (``Check-in: 7 customers``).

Writes the comment a person would type (:func:`okrflow.core.checkins.format_checkin_comment`,
so the next reader cannot tell them apart) and records the check-in in the key result's
metadata (:func:`okrflow.core.bookkeeping.record_checkin`), with the comment's id and
the issue's comment count, so the next rollup knows it without reading the comments.
Two requests and two writes: read the issue, post the comment (carrying an invisible
marker, so a retried POST after a lost answer finds the first comment instead of adding
a second), update the metadata.

**Once.** The marker is a digest of the key result, value, confidence, note and day, so
the same ``okrflow checkin`` run again the same day (a retried pipeline step) finds the
comment the first run wrote, by okrflow's user, and writes nothing: one read more, made
only when the metadata's latest check-in has that value, confidence and day, or when
the issue has comments the metadata has not seen (a first run stopped after its comment).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
from typing import Any

from okrflow.adapter import LoadedIssue, LoadedKpi, NoteRecord, scope_ref
from okrflow.commands.result import Line, Result, Style, plain
from okrflow.commands.workspace import Workspace
from okrflow.core.bookkeeping import MARKER_PREFIX, record_checkin
from okrflow.core.checkin_values import format_checkin_value, parse_checkin_value
from okrflow.core.checkins import format_checkin_comment
from okrflow.core.description import escape_blocks
from okrflow.core.meta import Meta, RecordedCheckIn
from okrflow.core.model import Objective, SourceKind
from okrflow.errors import UsageError
from okrflow.render import display

__all__ = ["CheckinResult", "checkin", "parse_confidence"]


@dataclasses.dataclass
class CheckinResult(Result):
    iid: int
    title: str
    value: float
    unit: str
    confidence: float | None
    note_id: int | None  # None in a dry run
    comment: str
    warnings: tuple[str, ...] = ()
    shown: str = ""  # the value as the comment says it ("7 customers", "done")
    repeated: bool = False  # the same check-in was already made today: nothing written
    reference: str = ""  # in a group scope, the key result's full reference

    def lines(self, style: Style = plain) -> list[str | Line]:
        return [*(Line(w, "warning") for w in self.warnings), self.summary()]

    def summary(self) -> str:
        shown = self.shown or display.value(self.value, self.unit)
        if self.confidence is not None:
            shown += f" (confidence {display.confidence(self.confidence)})"
        named = self.reference or f"#{self.iid}"
        if self.repeated:
            return f"already checked in {named} today: {shown} (nothing written)"
        verb = "would check in" if self.dry_run else "checked in"
        return f"{verb} {named}: {shown}"

    def to_json(self) -> dict[str, Any]:
        return {
            "iid": self.iid,
            **({"reference": self.reference} if self.reference else {}),
            "value": self.value,
            "unit": self.unit,
            "confidence": self.confidence,
            "note_id": self.note_id,
            "dry_run": self.dry_run,
            "repeated": self.repeated,
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
    repo = ws.repo
    scope_ref(repo, ref)  # a bad reference before anything else
    repo.ensure_can_write()
    item = repo.referenced_any(ref)
    record, iid, where = item.record, item.iid, repo.project_of(item.record)
    kr = item.okr
    if isinstance(kr, Objective):
        raise UsageError(
            f"#{iid} is an objective, not a key result: check in on one of its key results"
        )
    metric = kr.metric
    unit = metric.unit if metric else ""
    try:
        amount = parse_checkin_value(value, metric)
    except ValueError as exc:
        raise UsageError(f"--value {value!r} for #{iid}: {exc}") from None
    if not math.isfinite(amount):
        raise UsageError(f"--value {value!r} for #{iid}: not a number")
    warnings: list[str] = []
    if kr.source.kind is not SourceKind.MANUAL:
        warnings.append(
            f"#{iid} takes its value from its {kr.source.kind.value} source: "
            "the next rollup replaces this check-in when that value changes"
        )
    marker = checkin_marker(iid, amount, confidence_value, note, ws.today())
    text = format_checkin_comment(
        amount, unit=unit, confidence=confidence_value, note=escape_blocks(note), metric=metric
    )
    body = f"{text.rstrip()}\n\n{marker}\n"
    base = item.own_meta()
    earlier = _earlier(ws, item, base, marker, amount, confidence_value)

    def outcome(note_id: int | None, comment: str, repeated: bool = False) -> CheckinResult:
        return CheckinResult(
            iid=iid,
            title=record.title,
            value=amount,
            unit=unit,
            confidence=confidence_value,
            note_id=note_id,
            comment=comment,
            warnings=tuple(warnings),
            shown=format_checkin_value(amount, metric, unit),
            repeated=repeated,
            planned=ws.planned(),
            reference=item.shown if item.across else "",
        )

    if earlier is not None and base.checkin is not None and base.checkin.note_id == earlier.id:
        return outcome(earlier.id, earlier.body, repeated=True)
    # An earlier run that stopped after its comment: record that one, post no other.
    posted = (
        earlier
        if earlier is not None
        else repo.create_note(iid, body, marker=marker, project=where)
    )
    created = posted if isinstance(posted, NoteRecord) else None
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
    meta = record_checkin(base, recorded)
    # When okrflow had read every comment before this one, it has read this one too;
    # otherwise the counts stay apart and the next rollup reads the comments it missed.
    if (
        earlier is None
        and created is not None
        and (base.notes_count or 0) == record.user_notes_count
    ):
        meta = meta.replace(
            last_comment_id=max(created.id, base.last_comment_id or 0),
            notes_count=record.user_notes_count + 1,
        )
    repo.save(item, meta=meta)
    return outcome(created.id if created else None, body)


def checkin_marker(
    iid: int, value: float, confidence: float | None, note: str, day: dt.date
) -> str:
    """The invisible marker of a check-in: the same for the same key result, value,
    confidence, note and day, so a repeated ``okrflow checkin`` is recognised."""
    key = "\0".join([str(iid), repr(value), repr(confidence), note.strip(), day.isoformat()])
    return f"{MARKER_PREFIX}{hashlib.sha256(key.encode()).hexdigest()[:32]} -->"


def _earlier(
    ws: Workspace,
    item: LoadedIssue | LoadedKpi,
    base: Meta,
    marker: str,
    value: float,
    confidence: float | None,
) -> NoteRecord | None:
    """The comment an identical check-in wrote today, by okrflow's user; None if none.

    Reads comments only when one can be there: the metadata's latest check-in has this
    value, confidence and day, or the issue has comments the metadata has not counted.
    """
    latest = base.checkin
    same = (
        latest is not None
        and latest.note_id is not None
        and latest.value == value
        and latest.confidence == confidence
        and latest.at.date() == ws.today()
    )
    unseen = item.record.user_notes_count != (base.notes_count or 0)
    if not same and not unseen:
        return None
    after = base.last_comment_id
    if same and latest is not None and latest.note_id is not None:
        after = min(latest.note_id - 1, after if after is not None else latest.note_id - 1)
    notes = ws.repo.list_notes_after(item.iid, after, ws.repo.project_of(item.record))
    found = [n for n in notes if marker in n.body]
    if not found:
        return None
    return next((n for n in found if ws.repo.authors.is_okrflow(n.author)), None)

"""Check-in comments: the format a person types on a key-result issue in GitLab.

The first non-empty line is ``Check-in: <value>``, optionally followed by the owner's
confidence; the rest of the comment is a free-text note::

    Check-in: 1,200
    check-in: 35% confidence 70%
    Check-in: 1.5k, confidence 0.7
    CHECK-IN: $2M (confidence 60%)
    We signed two deals.

Rules:

- The label is ``Check-in``, ``Checkin`` or ``Check in``, in any case, followed by a
  colon (``**Check-in:**`` in bold works too). Without the colon the line is a
  check-in only when a number follows (``Check-in 30``), so "Check in with Sam" is an
  ordinary comment.
- The value accepts thousands separators (``1,200``), decimals, a sign, ``%``,
  currency symbols (``$ € £``), the suffixes ``k``, ``M`` (or ``m``) and ``B`` for
  thousand, million and billion, the key result's own unit, and the time units
  ``min``, ``h``, ``d``, ``w`` (converted into the key result's unit when that is a
  time unit too: ``90min`` on a KR in ``h`` is 1.5). ``35%`` is 35. Given the key
  result's metric it also takes its unit word (``7 customers``), a rating (``4.4/5``)
  and, on a milestone, ``done`` / ``not done``: see :mod:`okrflow.core.checkin_values`.
- The confidence is ``confidence 70%`` or ``confidence 0.7`` (also
  ``confidence: 70%`` and ``70% confidence``); a bare number above 1 is read as a
  percentage. It is stored as 0..1; outside 0-100% it is an error.
- Between the value and the confidence any of space, comma, semicolon, `` - ``,
  ``|`` or parentheses may stand. Text after the confidence on the first line is
  taken as the start of the note.

A comment that starts like a check-in but cannot be read raises :class:`CheckinError`
with the reason, so the author can be told; any other comment is not a check-in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable

from okrflow.core.checkin_values import format_checkin_value, read_checkin_value
from okrflow.core.errors import CoreError
from okrflow.core.model import CheckIn, Metric

__all__ = [
    "CheckinError",
    "ParsedCheckin",
    "checkin_from_comment",
    "first_checkin",
    "format_checkin_comment",
    "is_checkin",
    "latest_checkin",
    "parse_checkin_comment",
]


class CheckinError(CoreError):
    """A comment that is meant as a check-in but cannot be read; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"malformed check-in: {reason}")
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class ParsedCheckin:
    value: float
    confidence: float | None  # 0..1
    note: str


_LABEL = re.compile(
    r"""^[\s*_#>]*            # markdown emphasis, heading or quote marks
    check[-\s]?in\b          # Check-in / Checkin / Check in
    [*_]*\s*(?P<colon>:?)[*_]*\s*""",
    re.IGNORECASE | re.VERBOSE,
)
_CONFIDENCE_WORD = re.compile(r"\bconfidence\b", re.IGNORECASE)
_CONFIDENCE_AFTER = re.compile(r"\s*[:=]?\s*(?P<number>[^\s,;|()%]+)\s*(?P<percent>%?)")
_CONFIDENCE_BEFORE = re.compile(r"(?P<number>[^\s,;|()%]+)\s*(?P<percent>%?)\s*$")
_SEPARATORS = " \t,;|()-"
_PLAIN_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _currency_first(text: str) -> str:
    """``2€`` as ``€2``: a currency written after the number, as many Europeans do."""
    stripped = text.strip()
    if stripped[-1:] in "$€£" and len(stripped) > 1:
        return stripped[-1] + stripped[:-1].rstrip()
    return stripped


def _parse_confidence(number: str, percent: bool) -> float:
    """``70`` with ``%`` (or any bare number above 1) is a percentage; else a fraction."""
    if not re.fullmatch(r"[+-]?" + _PLAIN_NUMBER.pattern, number):
        raise CheckinError(
            f"confidence {number!r} is not a number: write 'confidence 70%' or 'confidence 0.7'"
        )
    value = float(number)
    if percent or value > 1:
        value /= 100
    if not 0 <= value <= 1:
        shown = f"{number}{'%' if percent else ''}"
        raise CheckinError(f"confidence {shown} is out of range: use 0-100% or 0.0-1.0")
    return value


def _checkin_line(body: str) -> tuple[str, list[str]] | None:
    """(what follows the label on the first line, the lines after it), or None when the
    comment is not meant as a check-in."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None
    line = lines[first]
    label = _LABEL.match(line)
    if label is None:
        return None
    rest = line[label.end() :].strip()
    if not label["colon"] and not re.match(r"[+\-\u2212$€£.\d]", rest):
        return None  # "Check in with Sam": words, not a check-in
    return rest, lines[first + 1 :]


def is_checkin(body: str) -> bool:
    """Whether a comment is meant as a check-in (readable or not): its first line starts
    like one."""
    return _checkin_line(body) is not None


def parse_checkin_comment(
    body: str, *, unit: str = "", metric: Metric | None = None
) -> ParsedCheckin | None:
    """Read a check-in comment; None when the comment is not a check-in.

    ``metric`` (the key result's) reads the value against it; without it, in ``unit``.

    Raises :class:`CheckinError` when the first line is a check-in that cannot be
    read: a missing or non-numeric value, or a confidence that is not a number in
    0-100% (or 0.0-1.0).
    """
    found = _checkin_line(body)
    if found is None:
        return None
    rest, note_lines = found

    confidence: float | None = None
    word = _CONFIDENCE_WORD.search(rest)
    if word is None:
        value_text = rest.rstrip(_SEPARATORS)
    else:
        value_text = rest[: word.start()].rstrip(_SEPARATORS)
        after = _CONFIDENCE_AFTER.match(rest, word.end())
        if after is not None:
            confidence = _parse_confidence(after["number"], bool(after["percent"]))
            trailing = rest[after.end() :].strip(_SEPARATORS + ".:")
            if trailing:
                note_lines = [trailing, *note_lines]
        else:
            before = _CONFIDENCE_BEFORE.search(value_text)
            if before is None or not value_text[: before.start()].strip(_SEPARATORS):
                raise CheckinError("confidence has no number: write 'confidence 70%'")
            confidence = _parse_confidence(before["number"], bool(before["percent"]))
            value_text = value_text[: before.start()].rstrip(_SEPARATORS)
            trailing = rest[word.end() :].strip(_SEPARATORS + ".:")
            if trailing:
                note_lines = [trailing, *note_lines]
    value_text = value_text.strip().strip("`*_").strip()
    if not value_text:
        raise CheckinError("missing value: write 'Check-in: <value>', e.g. 'Check-in: 30'")
    try:
        value = float(read_checkin_value(_currency_first(value_text), metric, unit))
    except ValueError as exc:
        reason = str(exc)
        if reason.startswith("not a number"):
            reason = f"{value_text!r} is not a number: write it like 1,200 or 35% or $2M"
        raise CheckinError(f"value {reason}") from None
    return ParsedCheckin(value=value, confidence=confidence, note="\n".join(note_lines).strip())


def _format_confidence(confidence: float) -> str:
    """``70%`` when a percentage reads back exactly, else the fraction (``0.123456789``)."""
    if not (math.isfinite(confidence) and 0 <= confidence <= 1):
        raise ValueError(f"confidence {confidence} is not between 0 and 1")
    for digits in range(16):
        percent = f"{confidence * 100:.{digits}f}"
        if float(percent) / 100 == confidence:
            return f"{percent}%"
    return repr(confidence)


def format_checkin_comment(
    value: float,
    *,
    unit: str = "",
    confidence: float | None = None,
    note: str = "",
    metric: Metric | None = None,
) -> str:
    """The comment ``okrflow checkin`` writes; :func:`parse_checkin_comment` reads it back.

    ``Check-in: 1,200 (confidence 70%)``, then the note after a blank line. Currency
    units go before the number (``$2,000,000``), other units after (``35%``, ``4h``,
    ``30 logos``).
    """
    if not math.isfinite(float(value)):
        raise ValueError(f"cannot write {value} as a check-in value")
    shown = format_checkin_value(float(value), metric, unit.strip())
    line = f"Check-in: {shown}"
    if confidence is not None:
        line += f" (confidence {_format_confidence(confidence)})"
    note = note.strip()
    return f"{line}\n\n{note}\n" if note else f"{line}\n"


def _moment(at: dt.datetime) -> dt.datetime:
    """Comparable times: a naive time is taken as UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.timezone.utc)


def latest_checkin(checkins: Iterable[CheckIn]) -> CheckIn | None:
    """The newest check-in by time; of several at the same time, the later in the list.

    A time without a time zone is taken as UTC.
    """
    latest: CheckIn | None = None
    for checkin in checkins:
        if latest is None or _moment(checkin.at) >= _moment(latest.at):
            latest = checkin
    return latest


def first_checkin(checkins: Iterable[CheckIn]) -> CheckIn | None:
    """The oldest check-in by time (a relative target's baseline); of several at the same
    time, the first in the list. A time without a time zone is taken as UTC."""
    first: CheckIn | None = None
    for checkin in checkins:
        if first is None or _moment(checkin.at) < _moment(first.at):
            first = checkin
    return first


def checkin_from_comment(
    body: str,
    *,
    at: dt.datetime,
    author: str | None = None,
    unit: str = "",
    metric: Metric | None = None,
) -> CheckIn | None:
    """A :class:`CheckIn` (source ``comment``) from a comment, None if it is not one.

    Raises :class:`CheckinError` like :func:`parse_checkin_comment`.
    """
    parsed = parse_checkin_comment(body, unit=unit, metric=metric)
    if parsed is None:
        return None
    return CheckIn(
        at=at,
        value=parsed.value,
        confidence=parsed.confidence,
        author=author,
        note=parsed.note,
        source="comment",
    )

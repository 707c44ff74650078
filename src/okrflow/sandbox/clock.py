"""Time as the emulator sees it: GitLab's timestamp format and a settable clock."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone


def format_time(moment: datetime) -> str:
    """``2016-01-04T15:31:46.176Z``: GitLab's timestamp format."""
    utc = moment.astimezone(timezone.utc) if moment.tzinfo else moment
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_time(text: str) -> datetime | None:
    """ISO 8601 date or date-time (``Z`` or offset); naive values are UTC."""
    value = text.strip()
    if not value:
        return None
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
        parsed = datetime(day.year, day.month, day.day)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


class Clock:
    """The emulator's notion of now: real UTC time, or a time set by a test."""

    def __init__(self, now: datetime | None = None) -> None:
        self._fixed: datetime | None = None
        self._lock = threading.Lock()
        if now is not None:
            self.set(now)

    def now(self) -> datetime:
        with self._lock:
            if self._fixed is not None:
                return self._fixed
        return datetime.now(timezone.utc)

    def set(self, now: datetime | None) -> None:
        """Freeze the clock at ``now`` (naive = UTC); ``None`` returns to real time."""
        with self._lock:
            if now is None:
                self._fixed = None
            elif now.tzinfo is None:
                self._fixed = now.replace(tzinfo=timezone.utc)
            else:
                self._fixed = now.astimezone(timezone.utc)

    def advance(self, delta: timedelta) -> datetime:
        """Move a frozen clock forward (freezing it at real now first if needed)."""
        moved = self.now() + delta
        self.set(moved)
        return moved

    @property
    def frozen(self) -> bool:
        return self._fixed is not None

    def stamp(self) -> str:
        return format_time(self.now())

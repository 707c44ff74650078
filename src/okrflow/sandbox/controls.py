"""The emulator's controls besides seeding: clock, faults, rate limits, pauses, request log.

Mixed into :class:`~okrflow.sandbox.Emulator`; the state they act on is set up by
its constructor.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import threading
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from okrflow.sandbox.clock import Clock
from okrflow.sandbox.faults import FaultRule, Faults
from okrflow.sandbox.limits import RateLimits
from okrflow.sandbox.pauses import Pause, Pauses, When

SECRET_PARAMS = ("private_token", "job_token", "access_token")
#: what every request of okrflow's lease has in its query string (okrflow.adapter.lease)
LEASE_QUERY = "okrflow=lease"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclasses.dataclass(frozen=True)
class RequestRecord:
    """One request as the log keeps it (query secrets masked, no headers)."""

    method: str
    route: str | None  # template like /projects/:id/issues, None for unknown routes
    path: str  # the raw path, e.g. /api/v4/projects/acme%2Fokrs/issues
    query: str
    status: int  # 0 when the connection was dropped
    fault: str | None = None
    username: str | None = None


@dataclasses.dataclass(frozen=True)
class ApiAnswer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def masked_query(query: str) -> str:
    pairs = [(k, "[MASKED]" if k in SECRET_PARAMS else v) for k, v in parse_qsl(query, True)]
    return urlencode(pairs)


class ControlsMixin:
    """Methods of :class:`~okrflow.sandbox.Emulator` that steer it (time, faults, limits)."""

    clock: Clock
    faults: Faults
    limits: RateLimits
    pauses: Pauses
    _log: list[RequestRecord]
    _log_lock: threading.Lock

    # rate limits (the two names kept from before RateLimits) -------------------------
    @property
    def rate_limit(self) -> int:
        """Requests per minute and user before ``throttle_authenticated_api`` answers 429."""
        return self.limits.api

    @rate_limit.setter
    def rate_limit(self, value: int) -> None:
        self.limits.api = value

    @property
    def enforce_rate_limit(self) -> bool:
        return self.limits.enforce

    @enforce_rate_limit.setter
    def enforce_rate_limit(self, value: bool) -> None:
        self.limits.enforce = value

    def outage(self, seconds: float, *, status: int = 503) -> FaultRule:
        """Answer ``status`` to every request for the next ``seconds`` (real time)."""
        return self.faults.outage(seconds, status=status)

    def pause(
        self,
        method: str | None = None,
        route: str | None = None,
        *,
        path: str | None = None,
        nth: int | None = None,
        count: int = 1,
        when: When = "before",
        timeout: float = 30.0,
    ) -> Pause:
        """Hold matching requests until released: see :mod:`okrflow.sandbox.pauses`."""
        return self.pauses.add(
            Pause(method, route, path=path, nth=nth, count=count, when=when, timeout=timeout)
        )

    # clock -------------------------------------------------------------------
    def set_now(self, now: datetime | None) -> None:
        """Freeze the clock at ``now``; ``None`` returns to real UTC time."""
        self.clock.set(now)

    def advance(self, delta: timedelta) -> datetime:
        return self.clock.advance(delta)

    # faults (shortcuts) -------------------------------------------------------------
    def add_fault(self, rule: FaultRule) -> FaultRule:
        return self.faults.add(rule)

    def remove_fault(self, rule: FaultRule) -> None:
        self.faults.remove(rule)

    def clear_faults(self) -> None:
        self.faults.clear()

    # request log ------------------------------------------------------------------
    @property
    def log(self) -> list[RequestRecord]:
        with self._log_lock:
            return list(self._log)

    def counts(self, *, without: str | None = None) -> collections.Counter[str]:
        """Requests by HTTP method; ``without``: leaving out those whose query string
        holds it (``okrflow=lease``: the requests of okrflow's lease)."""
        return collections.Counter(
            record.method for record in self.log if not without or without not in record.query
        )

    def writes(self) -> collections.Counter[str]:
        """The requests that change something (POST, PUT, PATCH, DELETE), by method,
        leaving out those of okrflow's lease (every command that creates takes and lets
        go of it); ``.total()`` for how many, empty when nothing was written."""
        counts = self.counts(without=LEASE_QUERY)
        return collections.Counter({m: counts[m] for m in WRITE_METHODS if counts[m]})

    def counts_by_route(self) -> collections.Counter[str]:
        """Requests by ``"METHOD /route/template"``."""
        return collections.Counter(f"{r.method} {r.route or r.path}" for r in self.log)

    def reset_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def _record(self, record: RequestRecord) -> None:
        with self._log_lock:
            self._log.append(record)

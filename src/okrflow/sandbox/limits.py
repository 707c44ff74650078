"""Rate limits as GitLab.com applies them, and the answers of injected faults.

Two kinds, both in fixed windows of ``period`` seconds aligned on the epoch and
timed by the emulator's clock (a frozen clock never rolls a window: advance it):

- the request throttle (Rack::Attack ``throttle_authenticated_api``, per user;
  ``throttle_unauthenticated_api`` for anonymous callers): every answer carries
  ``RateLimit-Name``/``-Limit``/``-Observed``/``-Remaining``/``-Reset`` (epoch
  seconds)/``-ResetTime`` (HTTP date); over the limit the answer is 429 with
  ``Retry-After`` (seconds to the window's end) and the plain-text body
  ``Retry later``;
- application limits (``notes_create``, ``issues_create``, per user): over the
  limit the answer is 429 ``{"message":{"error":"This endpoint has been requested
  too many times. Try again later."}}`` with ``Retry-After`` the whole interval.

Nothing is enforced until asked (:attr:`RateLimits.enforce`, or a limit set to a
number); :meth:`RateLimits.gitlab_com` sets GitLab.com's published values.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable
from datetime import datetime
from email.utils import formatdate

from okrflow.sandbox.faults import FaultRule
from okrflow.sandbox.request import ApiError

THROTTLED = {
    "message": {"error": "This endpoint has been requested too many times. Try again later."}
}
RETRY_LATER = b"Retry later\n"
STATUS_TEXT = {
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Throttled(Exception):
    """The request throttle refused a request (the 429 carries headers and text)."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__("429")
        self.headers = headers


@dataclasses.dataclass
class RateLimits:
    """Per-user limits per ``period`` seconds; ``None`` switches one off."""

    api: int = 2000  # throttle_authenticated_api (gitlab.com: 2,000 a minute)
    unauthenticated: int = 500  # throttle_unauthenticated_api, per IP
    enforce: bool = False  # whether the two request throttles refuse (headers always)
    notes_create: int | None = None  # gitlab.com: 60 a minute
    issues_create: int | None = None  # gitlab.com: 200 a minute
    period: int = 60

    def gitlab_com(self) -> RateLimits:
        """GitLab.com's values, enforced."""
        self.api, self.unauthenticated, self.enforce = 2000, 500, True
        self.notes_create, self.issues_create, self.period = 60, 200, 60
        return self


class RateLimiter:
    """Counts per window; thread-safe."""

    def __init__(self, limits: RateLimits, now: Callable[[], datetime]) -> None:
        self.limits = limits
        self._now = now
        self._lock = threading.Lock()
        self._window = -1
        self._counts: dict[tuple[str, str], int] = {}

    def _count(self, name: str, caller: str, *, add: bool) -> tuple[int, float]:
        moment = self._now().timestamp()
        period = max(1, self.limits.period)
        window = int(moment // period)
        with self._lock:
            if window != self._window:
                self._window, self._counts = window, {}
            key = (name, caller)
            if add:
                self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts.get(key, 0), moment

    def _headers(self, name: str, limit: int, used: int, moment: float) -> dict[str, str]:
        period = max(1, self.limits.period)
        retry_after = period - int(moment) % period
        reset = int(moment) + retry_after
        return {
            "RateLimit-Name": name,
            "RateLimit-Limit": str(-(-limit * 60 // period)),
            "RateLimit-Observed": str(used),
            "RateLimit-Remaining": str(max(0, limit - used)),
            "RateLimit-Reset": str(reset),
            "RateLimit-ResetTime": formatdate(reset, usegmt=True),
            "Retry-After": str(retry_after),
        }

    def _throttle(self, caller: str) -> tuple[str, int]:
        if caller == "anonymous":
            return "throttle_unauthenticated_api", self.limits.unauthenticated
        return "throttle_authenticated_api", self.limits.api

    def hit(self, caller: str) -> dict[str, str]:
        """Count a request; its ``RateLimit-*`` headers, or :class:`Throttled`."""
        name, limit = self._throttle(caller)
        used, moment = self._count(name, caller, add=True)
        headers = self._headers(name, limit, used, moment)
        if self.limits.enforce and used > limit:
            raise Throttled(headers)
        del headers["Retry-After"]
        return headers

    def headers(self, caller: str) -> dict[str, str]:
        name, limit = self._throttle(caller)
        used, moment = self._count(name, caller, add=False)
        headers = self._headers(name, limit, used, moment)
        del headers["Retry-After"]
        return headers

    def check(self, key: str, caller: str) -> None:
        """An application limit (``notes_create``, ``issues_create``) for ``caller``."""
        limit = getattr(self.limits, key, None)
        if limit is None:
            return
        used, _ = self._count(key, caller, add=True)
        if used > limit:
            raise ApiError(429, THROTTLED, {"Retry-After": str(self.limits.period)})


def throttled_headers(retry_after: int, limit: int, observed: int, now: float) -> dict[str, str]:
    reset = int(now) + retry_after
    return {
        "Retry-After": str(retry_after),
        "RateLimit-Name": "throttle_authenticated_api",
        "RateLimit-Limit": str(limit),
        "RateLimit-Observed": str(observed),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": str(reset),
        "RateLimit-ResetTime": formatdate(reset, usegmt=True),
    }


def fault_answer(rule: FaultRule, limit: int, now: float) -> tuple[int, dict[str, str], bytes]:
    """The answer of a status or rate-limit fault rule."""
    if rule.kind == "rate_limit":
        headers = throttled_headers(rule.retry_after, limit, limit + 1, now)
        if rule.plain_text:
            return 429, {**headers, "Content-Type": "text/plain"}, RETRY_LATER
        headers["Content-Type"] = "application/json"
        return 429, headers, json.dumps(THROTTLED).encode()
    reason = STATUS_TEXT.get(rule.status, "Error")
    body = json.dumps({"message": f"{rule.status} {reason}"}).encode()
    return rule.status, {"Content-Type": "application/json"}, body

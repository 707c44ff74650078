"""Rate-limit bookkeeping and the answers of injected faults.

Every answer carries ``RateLimit-*`` headers (a fixed one-minute window per
caller, as GitLab's Rack::Attack reports them); a throttled answer is 429 with an
integer ``Retry-After`` and an epoch ``RateLimit-Reset``.
"""

from __future__ import annotations

import json
import threading
import time
from email.utils import formatdate

from okrflow.sandbox.faults import FaultRule
from okrflow.sandbox.request import ApiError

THROTTLED = {
    "message": {"error": "This endpoint has been requested too many times. Try again later."}
}
STATUS_TEXT = {
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class RateLimiter:
    """Requests per caller in the current minute."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._minute = 0
        self._counts: dict[str, int] = {}

    def _roll(self) -> int:
        minute = int(time.time()) // 60
        if minute != self._minute:
            self._minute, self._counts = minute, {}
        return minute

    def hit(self, caller: str, *, limit: int, enforce: bool) -> None:
        """Count one request; raise GitLab's 429 when enforcing and over ``limit``."""
        with self._lock:
            minute = self._roll()
            used = self._counts[caller] = self._counts.get(caller, 0) + 1
        if enforce and used > limit:
            retry_after = max(1, (minute + 1) * 60 - int(time.time()))
            raise ApiError(429, THROTTLED, throttled_headers(retry_after, limit, used))

    def headers(self, caller: str, *, limit: int) -> dict[str, str]:
        with self._lock:
            minute = self._roll()
            used = self._counts.get(caller, 0)
        return {
            "RateLimit-Name": "throttle_authenticated_api",
            "RateLimit-Limit": str(limit),
            "RateLimit-Observed": str(used),
            "RateLimit-Remaining": str(max(0, limit - used)),
            "RateLimit-Reset": str((minute + 1) * 60),
        }


def throttled_headers(retry_after: int, limit: int, observed: int) -> dict[str, str]:
    reset = int(time.time()) + retry_after
    return {
        "Retry-After": str(retry_after),
        "RateLimit-Name": "throttle_authenticated_api",
        "RateLimit-Limit": str(limit),
        "RateLimit-Observed": str(observed),
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": str(reset),
        "RateLimit-ResetTime": formatdate(reset, usegmt=True),
    }


def fault_answer(rule: FaultRule, limit: int) -> tuple[int, dict[str, str], bytes]:
    """The answer of a status or rate-limit fault rule."""
    if rule.kind == "rate_limit":
        headers = throttled_headers(rule.retry_after, limit, limit + 1)
        if rule.plain_text:
            return 429, {**headers, "Content-Type": "text/plain"}, b"Retry later\n"
        headers["Content-Type"] = "application/json"
        return 429, headers, json.dumps(THROTTLED).encode()
    reason = STATUS_TEXT.get(rule.status, "Error")
    body = json.dumps({"message": f"{rule.status} {reason}"}).encode()
    return rule.status, {"Content-Type": "application/json"}, body

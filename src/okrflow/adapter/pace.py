"""Pacing requests under GitLab's rate limits, and the waits of retries.

One :class:`Pacer` per connection (shared by every thread and fork of a repository)
decides, before each request, whether to wait:

- **GitLab's own count**: every answer of GitLab.com (and of a self-managed GitLab
  with throttles on) carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and
  ``RateLimit-Reset`` (epoch seconds of the window's end). The pacer counts down
  ``Remaining`` for every request it lets go (so concurrent requests are counted
  before GitLab answers them) and, when none is left, waits until ``Reset``.
- **okrflow's budgets** (:class:`Budget`), for what GitLab does not announce:
  requests, note creations and issue creations per minute, each over a sliding
  minute (so no fixed window of GitLab's can hold more than the budget).

A 429 that still comes is waited out by its ``Retry-After``; 5xx answers and lost
connections are retried with backoff (:meth:`Pacer.retry_wait`), each retry told to
the listener ("retrying in 2 s, 2 of 8"). Nothing here prints: a :class:`Listener`
(the command line's reporter) hears the retries and the pauses. ``clock`` and
``sleep`` are injectable, so a test can run many emulated minutes in no real time.
"""

from __future__ import annotations

import collections
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "PRESETS",
    "Budget",
    "Listener",
    "Pacer",
    "backoff",
    "budget_of",
    "creation_kind",
    "unreachable_backoff",
]

MINUTE = 60.0
RESET_MARGIN = 0.5  # seconds past GitLab's RateLimit-Reset before the next request
LONG_PAUSE = 5.0  # pauses at least this long are told as a step, shorter ones as details


@dataclass(frozen=True)
class Budget:
    """Requests per minute okrflow allows itself; ``None``: no budget of its own."""

    requests_per_minute: int | None = 2000
    notes_per_minute: int | None = 60
    issues_per_minute: int | None = 200


#: GitLab's documented limits (requests per user per minute)
PRESETS: Mapping[str, Budget] = {
    # GitLab.com today: authenticated API 2,000/min, notes 60/min, issues 200/min
    "gitlab-com": Budget(2000, 60, 200),
    # GitLab.com's proposed Free plan: 5,000 an hour sustained (83 a minute), bursts of 100
    "gitlab-com-free-proposed": Budget(83, 60, 200),
    # self-managed defaults: API throttles off, notes 300/min, issue creation off
    "self-managed": Budget(None, 300, None),
    "none": Budget(None, None, None),
}


def budget_of(
    preset: str,
    *,
    requests: int | None = None,
    notes: int | None = None,
    issues: int | None = None,
) -> Budget:
    """A preset's budget, with the numbers given instead of its own."""
    base = PRESETS[preset]
    return Budget(
        requests if requests is not None else base.requests_per_minute,
        notes if notes is not None else base.notes_per_minute,
        issues if issues is not None else base.issues_per_minute,
    )


class Listener(Protocol):
    """Who hears about retries and pauses (the command line's reporter)."""

    def warn(self, text: str) -> None: ...

    def detail(self, text: str) -> None: ...


_NOTES = re.compile(r"/notes/?$")
_ISSUES = re.compile(r"/projects/[^/]+/issues/?$")


def creation_kind(verb: str, path: str) -> str | None:
    """``notes`` or ``issues`` when a request creates one (GitLab's application limits)."""
    if verb.lower() != "post":
        return None
    bare = path.split("?", 1)[0]
    if _NOTES.search(bare):
        return "notes"
    if _ISSUES.search(bare):
        return "issues"
    return None


def backoff(attempt: int) -> float:
    """Seconds before retry ``attempt`` (0-based): 0.25, 0.5, 1, 2, 4, 8, then 10 each."""
    return float(min(0.25 * 2**attempt, 10.0))


def unreachable_backoff(attempt: int) -> float:
    """Seconds before retry ``attempt`` after a refused connection: 0.25 .. 2, then 2."""
    return min(backoff(attempt), 2.0)


def retries_within(seconds: float) -> int:
    """How many retries :func:`unreachable_backoff` fits in ``seconds`` of waiting."""
    count, total = 0, 0.0
    while total + unreachable_backoff(count) <= seconds:
        total += unreachable_backoff(count)
        count += 1
    return count


def _int(headers: Mapping[str, str], name: str) -> int | None:
    value = str(headers.get(name) or "").strip()
    return int(value) if value.isdigit() else None


class Pacer:
    """Waits before requests to stay under the limits; counts what it waited."""

    def __init__(
        self,
        budget: Budget | None = None,
        *,
        unreachable_after: float = 6.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.budget = budget or PRESETS["gitlab-com"]
        self.unreachable_after = unreachable_after
        self.clock = clock
        self.sleep = sleep
        self.listener: Listener | None = None
        self.paused = 0.0  # seconds waited before requests, for the limits
        self.retried = 0.0  # seconds waited before retries
        self.retries = 0
        self.throttled = 0  # 429 answers
        self.requests = 0
        self._lock = threading.Lock()
        self._sent: dict[str, collections.deque[float]] = {
            name: collections.deque() for name in ("requests", "notes", "issues")
        }
        self._remaining: int | None = None  # GitLab's count for the window ending _reset
        self._reset = 0.0  # our clock's time of GitLab's RateLimit-Reset
        self._server_reset = 0
        self._limit: int | None = None

    # -- before a request --------------------------------------------------------------

    def before(self, verb: str, path: str) -> int:
        """Wait, if a limit says so, then count the request as sent; its number (give
        it to :meth:`observe` with the answer)."""
        kind = creation_kind(verb, path)
        while True:
            with self._lock:
                now = self.clock()
                wait, why = self._wait(kind, now)
                if wait <= 0:
                    self._take(kind, now)
                    return self.requests
            self._pause(wait, why)

    def _budget_of(self, name: str) -> int | None:
        budget = self.budget
        return {
            "requests": budget.requests_per_minute,
            "notes": budget.notes_per_minute,
            "issues": budget.issues_per_minute,
        }[name]

    def _wait(self, kind: str | None, now: float) -> tuple[float, str]:
        wait, why = 0.0, ""
        for name in ("requests", kind) if kind else ("requests",):
            limit = self._budget_of(name)
            sent = self._sent[name]
            while sent and sent[0] <= now - MINUTE:
                sent.popleft()
            if limit is not None and len(sent) >= max(1, limit):
                until = sent[len(sent) - max(1, limit)] + MINUTE - now
                if until > wait:
                    wait, why = until, f"okrflow's budget of {limit} {name} a minute"
        if self._remaining is not None and now < self._reset and self._remaining <= 0:
            until = self._reset - now + RESET_MARGIN
            if until > wait:
                of = f" of {self._limit}" if self._limit else ""
                wait, why = until, f"GitLab's rate limit{of} requests a minute"
        return wait, why

    def _take(self, kind: str | None, now: float) -> None:
        self.requests += 1
        self._sent["requests"].append(now)
        if kind:
            self._sent[kind].append(now)
        if self._remaining is not None:
            if now >= self._reset:
                self._remaining = None  # a new window: GitLab tells its count next
            else:
                self._remaining -= 1

    def _pause(self, seconds: float, why: str) -> None:
        with self._lock:
            self.paused += seconds
        listener = self.listener
        if listener is not None:
            text = f"pausing {seconds:.0f} s for {why}"
            if seconds >= LONG_PAUSE:
                listener.warn(text)
            else:
                listener.detail(text)
        self.sleep(seconds)

    # -- after an answer ---------------------------------------------------------------

    def observe(self, status: int, headers: Mapping[str, str], sent: int | None = None) -> None:
        """Learn GitLab's count from an answer's ``RateLimit-*`` headers. ``sent``: the
        request's number (from :meth:`before`); the requests sent after it, still on
        their way on other threads, come off GitLab's count (they may have been counted
        already: then okrflow waits a little early, never late)."""
        remaining = _int(headers, "RateLimit-Remaining")
        reset = _int(headers, "RateLimit-Reset")
        with self._lock:
            if status == 429:
                self.throttled += 1
            if remaining is None or reset is None:
                return
            if sent is not None:
                remaining = max(0, remaining - max(0, self.requests - sent))
            self._limit = _int(headers, "RateLimit-Limit") or self._limit
            if self._remaining is None or reset > self._server_reset:
                self._remaining, self._server_reset = remaining, reset
                # GitLab's clock may differ from ours: never more than a window ahead
                now = self.clock()
                self._reset = now + max(0.0, min(float(reset) - now, MINUTE))
            elif reset == self._server_reset:
                self._remaining = min(self._remaining, remaining)

    # -- retries -----------------------------------------------------------------------

    def retry_wait(self, headers: Mapping[str, str], attempt: int) -> float:
        """Seconds before retry ``attempt`` of an answer: its ``Retry-After``, else until
        its ``RateLimit-Reset``, else the backoff."""
        after = _int(headers, "Retry-After")
        if after is not None:
            return float(after)
        reset = _int(headers, "RateLimit-Reset")
        if reset is not None:
            return max(0.0, min(reset - self.clock(), MINUTE)) + RESET_MARGIN
        return backoff(attempt)

    def network_retries(self) -> int:
        """Retries of a refused connection or an unknown host within ``unreachable_after``."""
        return retries_within(self.unreachable_after)

    def retry(self, seconds: float, why: str, attempt: int, of: int) -> None:
        """Say and wait out retry ``attempt`` (1-based) of ``of``."""
        with self._lock:
            self.retried += seconds
            self.retries += 1
            self._remaining = None  # the answer said how long to wait: GitLab counts anew
        listener = self.listener
        if listener is not None:
            listener.warn(f"{why}; retrying in {seconds:g} s, {attempt} of {of}")
        self.sleep(seconds)

    def summary(self) -> str | None:
        """How long the run waited for GitLab, when it did."""
        parts = []
        if self.retries:
            plural = "retry" if self.retries == 1 else "retries"
            parts.append(f"{self.retried:.0f} s for {self.retries} {plural}")
        if self.paused >= 1:
            parts.append(f"{self.paused:.0f} s paused for rate limits")
        if not parts:
            return None
        return f"waited {self.retried + self.paused:.0f} s for GitLab: " + ", ".join(parts)

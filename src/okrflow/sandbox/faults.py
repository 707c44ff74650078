"""Programmable faults: latency, 429 with Retry-After, 5xx answers, dropped connections.

A rule matches by HTTP method and a regular expression searched in the raw request
path (``/api/v4/projects/acme%2Fokrs/issues``). It fires on every match, on the
Nth match only (``nth``), at most ``times`` times, until a deadline (``until``,
:func:`time.monotonic`: :meth:`Faults.outage`), and/or with a probability drawn
from the fault set's seeded random generator (same seed, same sequence).
"""

from __future__ import annotations

import dataclasses
import random
import re
import threading
import time
from typing import Literal

Kind = Literal["latency", "status", "rate_limit", "drop"]


class ConnectionDropped(Exception):
    """The emulator hangs up without answering (transports turn this into a reset)."""


@dataclasses.dataclass
class FaultRule:
    kind: Kind
    method: str | None = None
    path: str | None = None
    status: int = 500
    retry_after: int = 1
    delay: float = 0.0
    probability: float = 1.0
    nth: int | None = None
    times: int | None = None
    plain_text: bool = False
    after: bool = False  # drop: hang up after the request was processed (the answer is lost)
    until: float | None = None  # time.monotonic() after which the rule no longer fires
    matched: int = 0
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or re.search(self.path, path) is not None


@dataclasses.dataclass
class Decision:
    """What the faults decided for one request."""

    delay: float = 0.0
    rule: FaultRule | None = None  # the terminal rule (status, rate_limit, drop), if any


class Faults:
    """The set of active fault rules of one emulator."""

    def __init__(self, seed: int | None = 0) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._rng = random.Random(seed)

    def seed(self, value: int | None) -> None:
        with self._lock:
            self._rng = random.Random(value)

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def add(self, rule: FaultRule) -> FaultRule:
        if rule.path is not None:
            re.compile(rule.path)  # fail early on a bad pattern
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove(self, rule: FaultRule) -> None:
        with self._lock:
            if rule in self._rules:
                self._rules.remove(rule)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    # convenience constructors ----------------------------------------------------
    def latency(
        self,
        seconds: float,
        *,
        method: str | None = None,
        path: str | None = None,
        probability: float = 1.0,
        nth: int | None = None,
        times: int | None = None,
    ) -> FaultRule:
        """Delay matching requests by ``seconds`` (they are then answered normally)."""
        return self.add(
            FaultRule(
                "latency",
                method,
                path,
                delay=seconds,
                probability=probability,
                nth=nth,
                times=times,
            )
        )

    def error(
        self,
        status: int = 500,
        *,
        method: str | None = None,
        path: str | None = None,
        probability: float = 1.0,
        nth: int | None = None,
        times: int | None = None,
    ) -> FaultRule:
        """Answer matching requests with ``status`` (500, 502, 503 ...)."""
        return self.add(
            FaultRule(
                "status", method, path, status=status, probability=probability, nth=nth, times=times
            )
        )

    def outage(
        self,
        seconds: float,
        *,
        status: int = 503,
        method: str | None = None,
        path: str | None = None,
    ) -> FaultRule:
        """Answer ``status`` (503) to every matching request for the next ``seconds``
        of real time, then recover (the rule stays listed but no longer fires)."""
        return self.add(
            FaultRule("status", method, path, status=status, until=time.monotonic() + seconds)
        )

    def rate_limit(
        self,
        retry_after: int = 1,
        *,
        method: str | None = None,
        path: str | None = None,
        probability: float = 1.0,
        nth: int | None = None,
        times: int | None = None,
        plain_text: bool = False,
    ) -> FaultRule:
        """Answer 429 with an integer ``Retry-After`` and the RateLimit-* headers."""
        return self.add(
            FaultRule(
                "rate_limit",
                method,
                path,
                status=429,
                retry_after=retry_after,
                probability=probability,
                nth=nth,
                times=times,
                plain_text=plain_text,
            )
        )

    def drop(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        probability: float = 1.0,
        nth: int | None = None,
        times: int | None = None,
        after: bool = False,
    ) -> FaultRule:
        """Hang up on matching requests without an answer.

        With ``after=True`` the request is carried out first and only the answer is
        lost, as when a connection breaks while GitLab responds: a client that
        simply sends a create again makes a duplicate.
        """
        return self.add(
            FaultRule(
                "drop", method, path, probability=probability, nth=nth, times=times, after=after
            )
        )

    # evaluation -----------------------------------------------------------------
    def decide(self, method: str, path: str) -> Decision:
        decision = Decision()
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                rule.matched += 1
                if rule.nth is not None and rule.matched != rule.nth:
                    continue
                if rule.times is not None and rule.fired >= rule.times:
                    continue
                if rule.until is not None and time.monotonic() >= rule.until:
                    continue
                if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                    continue
                if rule.kind == "latency":
                    rule.fired += 1
                    decision.delay += rule.delay
                elif decision.rule is None:
                    rule.fired += 1
                    decision.rule = rule
        return decision

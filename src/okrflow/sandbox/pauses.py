"""Pausing matching requests to force interleavings in concurrency tests.

``pause = emu.pause("PUT", "/projects/:id/issues/:issue_iid", when="before")``
holds the first matching request (or the ``nth``, or the first ``count``) in its
handler thread, before the emulator touches the state (``before``) or after it
did but before the answer leaves (``after``). ``pause.wait()`` returns once they
are held; meanwhile other requests are served normally (a held request holds no
lock); ``pause.release()`` lets them go on. A held request is let go by itself
after ``timeout`` seconds, so a test that forgets cannot hang the suite.

Requests are matched by method and route template (as in the request log,
``/projects/:id/issues``) or by a regular expression searched in the raw path.
Over HTTP each request runs in its own thread; through ``responses`` the held
request is the caller's thread, so run that client in a thread of its own.
"""

from __future__ import annotations

import re
import threading
from typing import Literal

When = Literal["before", "after"]


class Pause:
    """One pause rule: which requests it holds and the controls to release them."""

    def __init__(
        self,
        method: str | None,
        route: str | None,
        *,
        path: str | None = None,
        nth: int | None = None,
        count: int = 1,
        when: When = "before",
        timeout: float = 30.0,
    ) -> None:
        if when not in ("before", "after"):
            raise ValueError("when is 'before' or 'after'")
        if count < 1:
            raise ValueError("count is at least 1")
        self.method = method.upper() if method else None
        self.route = route
        self.path = re.compile(path) if path else None
        self.nth = nth
        self.count = 1 if nth is not None else count
        self.when = when
        self.timeout = timeout
        self.matched = 0  # matching requests seen
        self.reached = 0  # requests that got to the pause
        self.held = 0  # requests held right now
        self._released = False
        self._cond = threading.Condition()

    def matches(self, method: str, route: str | None, raw_path: str, when: When) -> bool:
        if when != self.when or (self.method and self.method != method):
            return False
        if self.route is not None and self.route != route:
            return False
        return self.path is None or self.path.search(raw_path) is not None

    def claim(self) -> bool:
        """Whether the request just matched is one this pause holds."""
        with self._cond:
            self.matched += 1
            if self._released:
                return False
            if self.nth is not None:
                return self.matched == self.nth
            return self.matched <= self.count

    def hold(self) -> None:
        with self._cond:
            self.reached += 1
            self.held += 1
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._released, timeout=self.timeout)
            self.held -= 1
            self._cond.notify_all()

    def wait(self, timeout: float = 10.0) -> bool:
        """Block until the requests this pause holds have reached it; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self.reached >= self.count, timeout=timeout)

    def release(self) -> None:
        """Let every held request (and any later match) go on."""
        with self._cond:
            self._released = True
            self._cond.notify_all()

    def wait_done(self, timeout: float = 10.0) -> bool:
        """Block until no request is held any more; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self.held == 0, timeout=timeout)

    def __enter__(self) -> Pause:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class Pauses:
    """The pause rules of one emulator."""

    def __init__(self) -> None:
        self._rules: list[Pause] = []
        self._lock = threading.Lock()

    def add(self, pause: Pause) -> Pause:
        with self._lock:
            self._rules.append(pause)
        return pause

    def remove(self, pause: Pause) -> None:
        pause.release()
        with self._lock:
            if pause in self._rules:
                self._rules.remove(pause)

    def clear(self) -> None:
        with self._lock:
            rules, self._rules = self._rules, []
        for pause in rules:
            pause.release()

    def check(self, method: str, route: str | None, raw_path: str, when: When) -> None:
        """Hold this request if a pause wants it (called outside every state lock)."""
        with self._lock:
            rules = list(self._rules)
        for pause in rules:
            if pause.matches(method, route, raw_path, when) and pause.claim():
                pause.hold()

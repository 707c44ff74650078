"""A rollup's small pool of threads, each with its own GitLab connection
(``requests.Session`` is not documented as thread-safe: psf/requests #2766)."""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from okrflow.adapter import OkrRepository
from okrflow.commands.workspace import Workspace
from okrflow.errors import GitLabError, OkrflowError

__all__ = ["MAX_WORKERS", "Workers", "failing"]

MAX_WORKERS = 4
T = TypeVar("T")
R = TypeVar("R")


def failing(exc: OkrflowError) -> str | None:
    """What GitLab answered when it kept failing (as opposed to refusing one issue)."""
    if not isinstance(exc, GitLabError):
        return None
    if exc.status is None:
        return "no answer"
    return str(exc.status) if exc.status >= 500 or exc.status == 429 else None


# -- a small pool with one GitLab connection per thread ----------------------------------------


class Workers:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        # A dry run sends no writes and plans them in one list: keep it on one thread.
        self.parallel = not ws.dry_run and ws.connection is not None
        self._local = threading.local()

    def repo(self) -> OkrRepository:
        if not self.parallel:
            return self.ws.repo
        repo: OkrRepository | None = getattr(self._local, "repo", None)
        if repo is None:
            repo = self._local.repo = self.ws.repo.fork()
        return repo

    def run(
        self, fn: Callable[[OkrRepository, T], R], items: Sequence[T], *, label: str
    ) -> Iterator[tuple[T, R | OkrflowError]]:
        """``fn(repo, item)`` for each item, in any order; an OkrflowError is yielded,
        not raised."""

        def call(item: T) -> tuple[T, R | OkrflowError]:
            try:
                return item, fn(self.repo(), item)
            except OkrflowError as exc:
                return item, exc

        if not items:
            return
        if not self.parallel or len(items) == 1:
            yield from self.ws.out.progress((call(i) for i in items), label=label, total=len(items))
            return
        with concurrent.futures.ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
            futures = [pool.submit(call, item) for item in items]
            done = concurrent.futures.as_completed(futures)
            for future in self.ws.out.progress(done, label=label, total=len(futures)):
                yield future.result()

"""How okrflow talks to people: plain lines in CI, a progress bar and colours on a terminal.

Library code reports through an :class:`Output`; only the CLI creates a real one.
Colours appear only on a terminal and never with ``NO_COLOR``; ``--quiet`` keeps
only warnings and errors; ``--verbose`` adds detail lines. Every line passes
through :func:`okrflow.redaction.redact`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import IO, TextIO, TypeVar, cast

from okrflow.redaction import redact

T = TypeVar("T")

_COLOURS = {"green": "32", "yellow": "33", "red": "31", "bold": "1", "dim": "2"}


class Output:
    """Where messages go. The default instance collects nothing and prints nothing."""

    def __init__(
        self,
        *,
        stream: IO[str] | None = None,
        err: IO[str] | None = None,
        verbosity: int = 0,
        enabled: bool = False,
    ) -> None:
        self.stream = stream or sys.stdout
        self.err = err or sys.stderr
        self.verbosity = verbosity
        self.enabled = enabled
        self.lines: list[str] = []

    @classmethod
    def terminal(cls, verbosity: int = 0) -> Output:
        return cls(verbosity=verbosity, enabled=True)

    @property
    def is_tty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    @property
    def colour(self) -> bool:
        return self.is_tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"

    def style(self, text: str, colour: str) -> str:
        if not self.colour or colour not in _COLOURS:
            return text
        return f"\x1b[{_COLOURS[colour]}m{text}\x1b[0m"

    def _emit(self, text: str, stream: IO[str]) -> None:
        text = redact(text)
        self.lines.append(text)
        if self.enabled:
            print(text, file=stream, flush=True)

    def info(self, text: str) -> None:
        """A normal result line (hidden by --quiet)."""
        if self.verbosity >= 0:
            self._emit(text, self.stream)

    def detail(self, text: str) -> None:
        """Only with --verbose."""
        if self.verbosity >= 1:
            self._emit(text, self.err)

    def warn(self, text: str) -> None:
        """Always shown, on stderr."""
        self._emit(f"warning: {text}", self.err)

    def progress(self, items: Iterable[T], *, label: str, total: int | None = None) -> Iterator[T]:
        """A progress bar on a terminal; in CI one line at the start and one at the end."""
        if not self.enabled or self.verbosity < 0:
            yield from items
            return
        if self.is_tty:
            import click

            with click.progressbar(
                items, length=total, label=label, file=cast(TextIO, self.err)
            ) as bar:
                yield from bar
            return
        start = time.monotonic()
        count = 0
        print(f"{label} ...", file=self.err, flush=True)
        for item in items:
            count += 1
            yield item
        print(
            f"{label}: {count} done in {time.monotonic() - start:.1f}s", file=self.err, flush=True
        )

"""How a command tells people how a run is going, while it runs.

A command's outcome is its result (:mod:`okrflow.commands.result`), printed by the
caller. During a run, a command only reports progress and warnings, through the
:class:`Reporter` its workspace carries: the command line gives a terminal one
(:class:`okrflow.cli.output.Terminal`); a library caller gets a :class:`Recorder`,
which keeps every line and prints nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

from okrflow.redaction import redact

__all__ = ["Recorder", "Reporter"]

T = TypeVar("T")


class Reporter(Protocol):
    def step(self, text: str) -> None:
        """One line on how a long run is going (hidden by --quiet)."""

    def detail(self, text: str) -> None:
        """A line shown only with --verbose."""

    def note(self, text: str) -> None:
        """A line on how the run was set up (which quarter, and why), beside the result:
        on stderr, hidden by --quiet."""

    def warn(self, text: str) -> None:
        """A warning, always shown."""

    def progress(self, items: Iterable[T], *, label: str, total: int | None = None) -> Iterator[T]:
        """``items``, while showing how many are done."""
        ...


class Recorder:
    """A reporter that keeps every line (``lines``, tokens masked) and shows nothing."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def step(self, text: str) -> None:
        self.lines.append(redact(text))

    def detail(self, text: str) -> None:
        self.lines.append(redact(text))

    def note(self, text: str) -> None:
        self.lines.append(redact(text))

    def warn(self, text: str) -> None:
        self.lines.append(redact(f"warning: {text}"))

    def progress(self, items: Iterable[T], *, label: str, total: int | None = None) -> Iterator[T]:
        yield from items

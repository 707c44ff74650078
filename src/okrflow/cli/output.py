"""How okrflow talks to people: plain lines in CI, a progress bar and colours on a terminal.

:class:`Terminal` is the command line's :class:`~okrflow.commands.reporter.Reporter`
(progress and warnings during a run) and prints a command's result when it is done
(:meth:`Terminal.show`): its lines, or its JSON form with ``--json`` (then stdout
carries the JSON document only), the writes a dry run would have made, and the error
it ends with. Colours appear only on a terminal and never with ``NO_COLOR``;
``--quiet`` keeps only warnings and errors; ``--verbose`` adds detail lines. Every line
passes through :func:`okrflow.redaction.redact` and is made
:func:`~okrflow.render.escape.terminal.visible` (no escape sequence or control
character from an issue reaches the terminal; okrflow's own colours are marked by a
:class:`~okrflow.render.escape.terminal.Painter`); JSON is escaped by ``json.dumps``
and :func:`~okrflow.render.escape.terminal.json_safe`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TextIO, TypeVar, cast

from okrflow.commands.result import Line, Result
from okrflow.redaction import redact
from okrflow.render.display import count
from okrflow.render.escape.terminal import Painter, json_safe, visible

__all__ = ["Terminal"]

T = TypeVar("T")

PROGRESS_EVERY = 60.0  # seconds between progress lines in CI

_COLOURS = {"green": "32", "yellow": "33", "red": "31", "bold": "1", "dim": "2"}


class Terminal:
    """Where messages go: stdout for results, stderr for warnings and details."""

    def __init__(
        self,
        *,
        verbosity: int = 0,
        stream: IO[str] | None = None,
        err: IO[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stdout
        self.err = err or sys.stderr
        self.verbosity = verbosity
        self.clock = clock
        self.painter = Painter()

    @property
    def is_tty(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    @property
    def colour(self) -> bool:
        return self.is_tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"

    def style(self, text: str, colour: str) -> str:
        if not self.colour or colour not in _COLOURS:
            return text
        return self.painter.mark(text, _COLOURS[colour])

    def printable(self, text: str) -> str:
        """One line as it may be printed: no token, no control character, own colours."""
        return self.painter.paint(redact(text), colour=self.colour)

    def _emit(self, text: str, stream: IO[str]) -> None:
        print(self.printable(text), file=stream, flush=True)

    # -- the reporter --------------------------------------------------------------------

    def step(self, text: str) -> None:
        if self.verbosity >= 0:
            self._emit(text, self.stream)

    def detail(self, text: str) -> None:
        if self.verbosity >= 1:
            self._emit(text, self.err)

    def note(self, text: str) -> None:
        if self.verbosity >= 0:
            self._emit(text, self.err)

    def warn(self, text: str) -> None:
        self._emit(f"warning: {text}", self.err)

    def progress(self, items: Iterable[T], *, label: str, total: int | None = None) -> Iterator[T]:
        """A progress bar with its ETA on a terminal; in CI a line at the start, one a
        minute with what is done and the time left, and one at the end."""
        if self.verbosity < 0:
            yield from items
            return
        if self.is_tty:
            import click

            with click.progressbar(
                items,
                length=total,
                label=visible(label),
                show_eta=True,
                file=cast(TextIO, self.err),
            ) as bar:
                yield from bar
            return
        start = self.clock()
        told = start
        done = 0
        self._emit(f"{label} ...", self.err)
        for item in items:
            done += 1
            yield item
            now = self.clock()
            if now - told >= PROGRESS_EVERY and done != total:
                told = now
                self._emit(f"{label}: {_so_far(done, total, now - start)}", self.err)
        self._emit(f"{label}: {done} done in {self.clock() - start:.1f}s", self.err)

    # -- results -------------------------------------------------------------------------

    def show(self, result: Result, *, as_json: bool = False) -> None:
        """Print ``result`` (its JSON form with ``as_json``), then raise the error it ends
        with, if any (the command line's error boundary prints that one line)."""
        for line in result.lines(self.style):
            entry = line if isinstance(line, Line) else Line(line)
            if entry.level == "warning":
                self.warn(entry.text)
            elif entry.level == "data":
                if not as_json:
                    print(redact(entry.text), file=self.stream, flush=True)
            elif entry.level == "detail":
                self.detail(entry.text)
            elif as_json:
                continue
            elif entry.level == "info" or self.verbosity >= 1:
                self.step(entry.text)
        if as_json:
            text = json.dumps(result.json(), indent=2, ensure_ascii=False, default=str)
            print(json_safe(redact(text)), file=self.stream, flush=True)
        elif result.planned is not None and result.shows_planned:
            self._planned(result)
        error = result.error()
        if error is not None:
            raise error

    def _planned(self, result: Result) -> None:
        planned = result.planned or []
        if not planned:
            self.step("dry run: nothing would change")
            return
        self.step(f"dry run: {count(len(planned), 'write')} would be made:")
        for write in planned:
            self.step(f"  would {write}")


def _so_far(done: int, total: int | None, elapsed: float) -> str:
    """``120 of 1,250 done, about 9 min left`` (the rate so far, projected)."""
    if not total or done >= total:
        return f"{done} done"
    left = elapsed / done * (total - done)
    eta = f"{left / 60:.0f} min" if left >= 90 else f"{left:.0f} s"
    return f"{done} of {total} done, about {eta} left"

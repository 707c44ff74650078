"""What every command returns: lines to print, a JSON form, and how the run ends.

A command never prints. It returns a :class:`Result`; the caller (the command line,
or a pipeline script) shows :meth:`Result.lines` or :meth:`Result.json`, then ends
with :meth:`Result.error` when there is one (its message is one line, its exit code
that of DESIGN.md). A dry run's result carries the writes it would have made
(:attr:`Result.planned`); that is how the caller knows it was a dry run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

from okrflow.adapter import PlannedWrite
from okrflow.core.model import Problem
from okrflow.errors import OkrflowError

__all__ = ["Level", "Line", "Result", "Style", "plain", "plain_json", "warnings"]

Level = Literal["info", "verbose", "detail", "warning", "data"]
Style = Callable[[str, str], str]  # (text, colour name) -> text, coloured or not


def plain(text: str, colour: str) -> str:
    """The style that colours nothing."""
    return text


@dataclasses.dataclass(frozen=True)
class Line:
    """A line of a result: ``info`` (hidden by --quiet), ``verbose`` (a result line
    shown only with --verbose), ``detail`` (only with --verbose, on stderr, how the
    run went), ``warning`` (always shown, on stderr) or ``data`` (what the command
    produces, such as an exported file: always on stdout, as it is)."""

    text: str
    level: Level = "info"

    def __str__(self) -> str:
        return self.text


def warnings(problems: Iterable[Problem]) -> list[str | Line]:
    """One warning line per problem: ``#12: what is wrong``."""
    return [Line(f"{p.where}: {p.message}", "warning") for p in problems]


@dataclasses.dataclass(kw_only=True)
class Result:
    """The base of every command's result."""

    #: the writes a dry run would have made; None when the run wrote for real
    planned: Sequence[PlannedWrite] | None = None
    #: whether the text output lists the planned writes (False where the result's own
    #: lines already say each write, as init's and apply's do)
    shows_planned: ClassVar[bool] = True

    @property
    def dry_run(self) -> bool:
        return self.planned is not None

    def lines(self, style: Style = plain) -> Sequence[str | Line]:
        """What to print (a plain string is an ``info`` line); ``style`` colours."""
        return []

    def to_json(self) -> Any:
        """The JSON form of the result itself (see :meth:`json`)."""
        return plain_json(self)

    def json(self) -> Any:
        """The JSON form; a dry run's says so and lists every write it would have made
        under ``planned``."""
        doc = self.to_json()
        if self.planned is not None and isinstance(doc, dict):
            doc = {**doc, "dry_run": True, "planned": [w.to_json() for w in self.planned]}
        return doc

    def error(self) -> OkrflowError | None:
        """The one line (and exit code) the run ends with, when it did not succeed."""
        return None


def plain_json(value: Any) -> Any:
    """A result dataclass as JSON values: fields by name (a result's ``planned`` as
    ``dry_run``, the writes left to :meth:`Result.json`), dates in ISO 8601, paths and
    enums as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        doc = {
            f.name: plain_json(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name != "planned"
        }
        if isinstance(value, Result):
            doc["dry_run"] = value.dry_run
        return doc
    if isinstance(value, dict):
        return {str(plain_json(k)): plain_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_json(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    return value

"""What ``okrflow init`` did (or, in a dry run, would do): one :class:`Change` per write,
what was left unchanged, and the notes of what is left to people."""

from __future__ import annotations

import dataclasses
from typing import Any

from okrflow.commands.result import Line, Result, Style, plain

__all__ = ["Change", "InitResult"]


@dataclasses.dataclass(frozen=True)
class Change:
    """One thing init created or updated (or, in a dry run, would)."""

    action: str  # "created" | "updated"
    kind: str  # "label" | "board" | "board list" | "template"
    name: str
    detail: str = ""

    def line(self, dry_run: bool = False) -> str:
        verb = f"would {self.action.removesuffix('d')}" if dry_run else self.action
        if self.kind == "board list" and self.action == "created":
            verb = "would add" if dry_run else "added"
        text = f"{verb} {self.kind} {self.name}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclasses.dataclass
class InitResult(Result):
    changes: list[Change] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)  # "label okr::objective"
    notes: list[str] = dataclasses.field(default_factory=list)  # things left to people

    shows_planned = False  # one line per change says it

    @property
    def created(self) -> int:
        return sum(1 for c in self.changes if c.action == "created")

    @property
    def updated(self) -> int:
        return sum(1 for c in self.changes if c.action == "updated")

    def summary(self) -> str:
        head = "init (dry run)" if self.dry_run else "init"
        return (
            f"{head}: {self.created} created, {self.updated} updated, "
            f"{len(self.unchanged)} unchanged"
        )

    def lines(self, style: Style = plain) -> list[str | Line]:
        out: list[str | Line] = [change.line(dry_run=self.dry_run) for change in self.changes]
        out += [Line(f"unchanged {what}", "detail") for what in self.unchanged]
        out += [Line(note, "warning") for note in self.notes]
        return [*out, self.summary()]

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": len(self.unchanged),
            "changes": [dataclasses.asdict(c) for c in self.changes],
            "notes": list(self.notes),
        }

"""What a dry run plans instead of writing: the writes, and the things they would make.

In a dry run the adapter sends only reads. Each write it would have sent is kept as a
:class:`PlannedWrite` naming its real target ("comment on #12", "link acme/okrs#5 to
acme/okrs#3"); a create answers with a planned thing of its own type
(:class:`PlannedIssue`, :class:`PlannedBoard`, :class:`PlannedNote`), never with a
record that pretends to exist, so no caller can mistake it for an issue in GitLab.
"""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["PlannedBoard", "PlannedIssue", "PlannedNote", "PlannedWrite"]


@dataclasses.dataclass(frozen=True)
class PlannedIssue:
    """An issue a dry run would create."""

    title: str
    labels: tuple[str, ...] = ()
    description: str = ""

    def __str__(self) -> str:
        return f"a new issue titled {self.title!r}"


@dataclasses.dataclass(frozen=True)
class PlannedBoard:
    """An issue board a dry run would create."""

    name: str

    def __str__(self) -> str:
        return f"a new board {self.name!r}"


@dataclasses.dataclass(frozen=True)
class PlannedNote:
    """A comment a dry run would post on ``issue``."""

    issue: str  # "#12", or a planned issue's name
    body: str


@dataclasses.dataclass(frozen=True)
class PlannedWrite:
    """One write a dry run would have sent."""

    action: str  # "create", "update issue", "comment on", "link", "create label" ...
    target: str  # "a new issue titled 'X'", "#12", "acme/okrs#5 to acme/okrs#3" ...
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.action} {self.target}" + (f": {self.detail}" if self.detail else "")

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "target": self.target, "detail": self.detail}

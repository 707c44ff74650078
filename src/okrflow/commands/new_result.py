"""What ``okrflow new`` did (or, in a dry run, would do): :class:`NewResult`.

Other OKRs are named as output names them: ``#12`` in a project scope, the full
reference (``acme/company#3``) in a group scope, where two projects both have a #12.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from okrflow.commands.result import Line, Result, Style, plain

__all__ = ["NewResult", "OkrType"]

OkrType = Literal["objective", "kr"]


@dataclasses.dataclass
class NewResult(Result):
    """What ``new`` did (or, in a dry run, would do)."""

    type: OkrType
    title: str
    key: str
    quarter: str | None
    labels: list[str]
    owner: str | None
    parents: list[int]  # iids of the parent objective(s) / the objective
    created: bool  # False: an OKR with this key already existed
    iid: int | None = None  # None: a dry run would create it
    reference: str = ""
    web_url: str = ""
    links_added: list[int] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    project: str | None = None  # in a group scope: the OKR project it opens in
    # the parents as output names them (#12, or acme/company#3 in a group scope)
    parent_references: list[str] = dataclasses.field(default_factory=list)
    linked_references: list[str] = dataclasses.field(default_factory=list)

    shows_planned = False  # the lines say what would be created and linked

    @property
    def what(self) -> str:
        return "objective" if self.type == "objective" else "key result"

    def lines(self, style: Style = plain) -> list[str | Line]:
        notes = [Line(note, "warning") for note in self.notes]
        if self.dry_run and self.created:
            links = ", ".join(self.parent_references)
            return [
                f"would create {self.what} {self.title!r} (key {self.key})"
                + (f" in {self.project}" if self.project else ""),
                f"  labels: {', '.join(self.labels)}",
                f"  assignee: @{self.owner}" if self.owner else "  assignee: none",
                f"  linked to: {links}" if links else "  linked to: nothing (top level)",
                *notes,
            ]
        head = f"#{self.iid} {self.reference} {self.web_url}".rstrip()
        out: list[str | Line] = [
            f"created {self.what} {head}" if self.created else f"exists: {head}"
        ]
        verb = "would link" if self.dry_run else "linked"
        if not self.created and self.linked_references:
            out.append(f"{verb} it to {', '.join(self.linked_references)}")
        return [*out, *notes]

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "dry_run": self.dry_run,
            "type": self.type,
            "iid": self.iid,
            "reference": self.reference,
            "web_url": self.web_url,
            "project": self.project,
            "key": self.key,
            "title": self.title,
            "quarter": self.quarter,
            "labels": self.labels,
            "owner": self.owner,
            "parents": self.parents,
            "parent_references": self.parent_references,
            "notes": self.notes,
        }

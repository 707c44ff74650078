"""What ``okrflow carry`` did (or, in a dry run, would do), as lines and JSON: every
issue by its number, or in a group scope by its full reference."""

from __future__ import annotations

import dataclasses

from okrflow.commands.result import Line, Result, Style, plain

__all__ = ["CarriedItem", "CarryResult"]


@dataclasses.dataclass(frozen=True)
class CarriedItem:
    old_iid: int
    new_iid: int | None  # None in a dry run that would create it
    title: str
    created: bool
    project: str | None = None  # in a group scope: the project of both issues

    def named(self, iid: int | None) -> str:
        """``#12``, or in a group scope ``acme/sales#12``; a dry run's new issue: "a new
        issue"."""
        return f"{self.project or ''}#{iid}" if iid is not None else "a new issue"


@dataclasses.dataclass
class CarryResult(Result):
    """What a carry did (or, in a dry run, would do)."""

    source_iid: int
    title: str
    from_quarter: str | None
    to_quarter: str
    key: str
    objective: CarriedItem | None = None
    key_results: list[CarriedItem] = dataclasses.field(default_factory=list)
    linked: bool = False  # the back-link was added by this run
    closed: list[int] = dataclasses.field(default_factory=list)  # old issues closed now
    notes: list[str] = dataclasses.field(default_factory=list)
    project: str | None = None  # in a group scope: the project of the carried objective

    @property
    def changed(self) -> bool:
        created = [i for i in (self.objective, *self.key_results) if i is not None and i.created]
        return bool(created or self.linked or self.closed)

    @property
    def closed_named(self) -> list[str]:
        """The old issues closed now, by full reference in a group scope."""
        projects = {i.old_iid: i.project for i in self.key_results}
        projects[self.source_iid] = self.project
        return [f"{projects.get(iid) or ''}#{iid}" for iid in self.closed]

    def lines(self, style: Style = plain) -> list[str | Line]:
        would = "would " if self.dry_run else ""
        obj = self.objective
        out: list[str | Line] = []
        source = f"{self.project or ''}#{self.source_iid}"
        if obj is not None:
            where = obj.named(obj.new_iid)
            if obj.created:
                out.append(
                    f"{would}carry {source} over to {self.to_quarter} as {where} "
                    f"(In Draft): {self.title}"
                )
            else:
                out.append(f"{source} is carried over to {self.to_quarter} as {where}")
        for kr in self.key_results:
            if kr.created:
                out.append(
                    f"  {would}carry key result {kr.named(kr.old_iid)} as "
                    f"{kr.named(kr.new_iid)}: {kr.title}"
                )
        if self.linked:
            out.append(f"  {would}link it back to {source}")
        if self.closed:
            closed = ", ".join(self.closed_named)
            out.append(f"  {would}close {closed} (outcome: carried over)")
        out.extend(f"  note: {note}" for note in self.notes)
        if not self.changed:
            out.append("  nothing to change")
        return out

"""What ``okrflow apply`` and ``okrflow plan`` found and did, OKR by OKR.

:attr:`ApplyResult.differences` counts the OKRs apply would create or update: what makes
``plan`` exit 3. OKRs not in the file and warnings do not count (apply changes nothing
about them). A GitLab error on one OKR is recorded (:attr:`ApplyResult.failed`); only
what was written counts as created or updated, and :meth:`ApplyResult.failure` says how
much of the file is done.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Literal

from okrflow.commands.result import Level, Line, Result, Style, plain
from okrflow.errors import FindingsError, OkrflowError

__all__ = ["ApplyResult", "Change", "Stray", "What"]

What = Literal["objective", "kr", "kpi"]


@dataclasses.dataclass(frozen=True)
class Change:
    """One OKR of the file: created, updated or unchanged (or, in a plan, to be)."""

    action: Literal["create", "update", "unchanged"]
    what: What
    key: str
    title: str
    iid: int | None = None
    details: tuple[str, ...] = ()
    reference: str = ""  # in a group scope: acme/sales#12 (or, to create, its project)

    def line(self) -> str:
        ref = f" ({self.reference or '#' + str(self.iid)})" if self.iid is not None else ""
        if self.action == "create":
            where = f" in {self.reference}" if self.reference else ""
            return f'+ create {self.what} {self.key} "{self.title}"{where}'
        if self.action == "update":
            return f"~ update {self.what} {self.key}{ref}: {', '.join(self.details)}"
        return f"= unchanged {self.what} {self.key}{ref}"


@dataclasses.dataclass(frozen=True)
class Stray:
    """An OKR issue of the quarter that the file does not mention (left alone)."""

    iid: int
    title: str
    reference: str = ""  # in a group scope: acme/sales#12

    def line(self) -> str:
        return f'! not in file: {self.reference or "#" + str(self.iid)} "{self.title}"'


@dataclasses.dataclass
class ApplyResult(Result):
    path: str
    quarter: str
    applied: bool  # False: a plan (or a dry run), nothing written
    changes: list[Change] = dataclasses.field(default_factory=list)
    not_in_file: list[Stray] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)  # "key: message"
    total: int = 0  # OKRs in the file
    statuses: list[int | None] = dataclasses.field(default_factory=list)  # of real failures
    command: Literal["apply", "plan"] = "apply"

    shows_planned = False  # one line per OKR says what would change

    def lines(self, style: Style = plain) -> list[str | Line]:
        out: list[str | Line] = [Line(w, "warning") for w in self.warnings]
        for change in self.changes:
            level: Level = "verbose" if change.action == "unchanged" else "info"
            out.append(Line(change.line(), level))
        out += [stray.line() for stray in self.not_in_file]
        out += [Line(f"failed: {failure}", "warning") for failure in self.failed]
        return [*out, self.summary()]

    def error(self) -> OkrflowError | None:
        if self.failed:
            return OkrflowError(self.failure())
        if self.command == "plan" and self.differences:
            # "OKR(s)": the wording the end-to-end suite pins for this line
            return FindingsError(
                f"plan: {self.differences} OKR(s) differ from {self.path}; "
                f"`okrflow apply {self.path}` makes GitLab match"
            )
        return None

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    @property
    def differences(self) -> int:
        """OKRs apply creates or updates (what makes ``plan`` exit 3)."""
        return self.count("create") + self.count("update")

    def summary(self) -> str:
        created, updated = self.count("create"), self.count("update")
        tail = f"{self.count('unchanged')} unchanged, {len(self.not_in_file)} not in file"
        if self.applied:
            failed = f", {len(self.failed)} failed" if self.failed else ""
            return f"apply: {created} created, {updated} updated, {tail}{failed}"
        return f"plan: {created} to create, {updated} to update, {tail}"

    def progress(self) -> str:
        """What was done of the file, for the line an unfinished apply ends with."""
        created, updated, unchanged = (self.count(a) for a in ("create", "update", "unchanged"))
        return (
            f"{created + updated + unchanged} of {self.total} OKRs done ({created} created, "
            f"{updated} updated, {unchanged} unchanged)"
        )

    def failure(self) -> str:
        """One line: why OKRs failed, what was and was not done, what to do."""
        skipped = len(self.failed) - len(self.statuses)
        under = f", {skipped} skipped under them" if skipped else ""
        return (
            f"apply: {_cause(self.statuses)} on {len(self.statuses)} OKR(s){under}; "
            f"{self.progress()}; run apply again to finish (it resumes safely)"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "quarter": self.quarter,
            "applied": self.applied,
            "changes": [dataclasses.asdict(c) | {"details": list(c.details)} for c in self.changes],
            "not_in_file": [dataclasses.asdict(s) for s in self.not_in_file],
            "warnings": list(self.warnings),
            "failed": list(self.failed),
            "summary": self.summary(),
        }


def _cause(statuses: Sequence[int | None]) -> str:
    """The cause for a failure line: GitLab kept failing (500, 503), GitLab refused (422) ..."""
    failing = sorted({s for s in statuses if s is not None and (s >= 500 or s == 429)})
    refused = sorted({s for s in statuses if s is not None and s < 500 and s != 429})
    parts = []
    if failing:
        parts.append(f"GitLab kept failing ({', '.join(map(str, failing))})")
    if refused:
        parts.append(f"GitLab refused ({', '.join(map(str, refused))})")
    if None in statuses:
        parts.append("GitLab could not be reached")
    return " and ".join(parts) or "GitLab failed"

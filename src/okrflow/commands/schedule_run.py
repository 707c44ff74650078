"""One run of ``okrflow schedule``: the issues it keeps, read once per quarter.

The schedule keeps its own issues, labelled with the report label and the quarter:
the planning issue and the check-in reminders issue. Each holds a record block
(``<!-- okrflow:schedule {...} -->``, ``<!-- okrflow:reminders {...} -->``) saying what
was done; :class:`ScheduleRun` finds them, and stores a new record in one, creating
the issue first when there is none (in a dry run, a planned issue stands in for it).

In a group scope each issue belongs to one project: the planning issue to the top
project, a reminders issue to the project of the key results it reminds of. The
quarter's issues are still listed once (one group listing); each project's are picked
from it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable

from okrflow.adapter import (
    IssueRecord,
    NewIssue,
    NoteRecord,
    PlannedIssue,
    RecordKey,
    description_changes,
)
from okrflow.commands.workspace import Workspace
from okrflow.core.authority import by_okrflow, impostor
from okrflow.core.calendar import Quarter
from okrflow.core.model import Problem

__all__ = ["Action", "Kept", "ScheduleRun", "named", "with_block"]


@dataclasses.dataclass
class Action:
    """One thing the schedule did (or, in a dry run, would do)."""

    what: str  # "drafting FY24-Q2", "check-in reminders FY24-Q1 2024-01-08"
    due: dt.date
    lines: list[str] = dataclasses.field(default_factory=list)


def with_block(name: str, text: str, block: str) -> str:
    """``text`` with its state block replaced (the first line gets one when it has none)."""
    pattern = re.compile(rf"<!-- okrflow:{name} \{{[^\n]*?\}} -->")
    if pattern.search(text):
        return pattern.sub(lambda _: block, text, count=1)
    return f"{block}\n{text}"


Kept = IssueRecord | PlannedIssue  # one of the schedule's issues, or one a dry run plans


def named(issue: Kept, *, full: bool = False) -> str:
    """How a line names one of the schedule's issues: ``#12`` (``full``: its full
    reference, ``acme/sales#12``), or the planned one."""
    if not isinstance(issue, IssueRecord):
        return f"({issue})"
    return issue.reference if full and issue.project else f"#{issue.iid}"


class ScheduleRun:
    """The state of one ``schedule`` run: issue listings read once per quarter."""

    def __init__(self, ws: Workspace, day: dt.date) -> None:
        self.ws = ws
        self.day = day
        self._read: dict[str, list[IssueRecord]] = {}  # the quarter's listing, once
        self._listings: dict[tuple[str, str | None], list[Kept]] = {}  # by project
        self._can_write = False
        self.problems: list[Problem] = []  # impostors met on the way

    def label(self, quarter: Quarter) -> str:
        return self.ws.calendar.label(quarter)

    def write(self) -> None:
        if not self._can_write:
            self.ws.repo.ensure_can_write()
            self._can_write = True

    def named(self, issue: Kept) -> str:
        """:func:`named`, by full reference in a group scope."""
        return named(issue, full=bool(self.ws.repo.group_path))

    def _where(self, project: str | None) -> str | None:
        """Which project's issues: None in a project scope, else ``project`` (default
        the top project), casefolded."""
        repo = self.ws.repo
        return (project or repo.project_path).casefold() if repo.group_path else None

    def listing(self, quarter: str, project: str | None = None) -> list[Kept]:
        """The quarter's issues with the report label (of ``project``, default the top
        one, in a group scope)."""
        where = self._where(project)
        if quarter not in self._read:
            found = self.ws.repo.list_issues(labels=[self.ws.labels.report, quarter])
            self._read[quarter] = list(found)
        if (quarter, where) not in self._listings:
            self._listings[quarter, where] = [
                r for r in self._read[quarter] if where is None or r.project.casefold() == where
            ]
        return self._listings[quarter, where]

    def report(self, problem: Problem) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def find(self, quarter: str, name: str, project: str | None = None) -> Kept | None:
        """The quarter's issue (of ``project`` in a group scope, default the top one)
        that holds the record ``name``, if okrflow's user wrote it; one someone else
        wrote is an impostor, reported and ignored."""
        record = RecordKey(name, {"quarter": quarter})
        found = [r for r in self.listing(quarter, project) if record.matches(r.description)]
        for issue in found:
            if isinstance(issue, IssueRecord) and not self.ws.repo.authors.is_okrflow(issue.author):
                shown = self.named(issue)
                what = f"{shown} holds okrflow's {name} record of {quarter}"
                self.report(impostor(shown, issue.author, what))
        return next(
            (
                r
                for r in found
                if isinstance(r, PlannedIssue) or self.ws.repo.authors.is_okrflow(r.author)
            ),
            None,
        )

    def own_notes(self, iid: int, markers: str, project: str | None = None) -> list[NoteRecord]:
        """The comments okrflow's user wrote on ``iid`` (of ``project``, another of a
        group scope); another's carrying okrflow's ``markers`` (the start of its marker
        comments) is reported as an impostor."""
        notes = self.ws.repo.list_notes(iid, project=project)
        own, others = by_okrflow(notes, self.ws.repo.authors)
        shown = f"{project or ''}#{iid}"
        for note in others:
            if markers in note.body:
                what = f"comment {note.id} on {shown} carries okrflow's marker"
                self.report(impostor(f"{shown} note {note.id}", note.author, what))
        return own

    def remember(self, quarter: str, issue: Kept, project: str | None = None) -> None:
        listing = self.listing(quarter, project)
        others = [r for r in listing if named(r) != named(issue)]
        self._listings[quarter, self._where(project)] = [*others, issue]

    def store(
        self,
        quarter: str,
        name: str,
        block: str,
        existing: Kept | None,
        make: Callable[[], tuple[str, str]],
        *,
        edit: Callable[[str], str] | None = None,
        project: str | None = None,
    ) -> Kept:
        """Write ``block`` into the quarter's issue for the record ``name``, creating the issue
        (title and text from ``make``; in ``project``, another of a group scope) when there
        is none; ``edit`` changes the rest of the description in the same write. Returns
        the issue."""
        self.write()
        repo = self.ws.repo
        issue: Kept
        change = edit or (lambda text: text)
        if existing is None:
            title, text = make()
            text = change(text)
            issue = repo.create(
                NewIssue(
                    title=title,
                    description=f"{block}\n{text}",
                    labels=(self.ws.labels.report, quarter),
                    record=RecordKey(name, {"quarter": quarter}),
                    project=project,
                )
            )
        else:
            text = change(with_block(name, existing.description, block))
            if not description_changes(existing.description, text):
                return existing
            updated = None
            if isinstance(existing, IssueRecord):  # a planned one only lives here
                updated = repo.update_issue(existing.iid, before=existing, description=text)
            issue = updated or dataclasses.replace(existing, description=text)
        self.remember(quarter, issue, project)
        return issue

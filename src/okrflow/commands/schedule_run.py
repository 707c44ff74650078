"""One run of ``okrflow schedule``: the issues it keeps, read once per quarter.

The schedule keeps its own issues, labelled with the report label and the quarter:
the planning issue and the check-in reminders issue. Each holds a record block
(``<!-- okrflow:schedule {...} -->``, ``<!-- okrflow:reminders {...} -->``) saying what
was done; :class:`ScheduleRun` finds them, and stores a new record in one, creating
the issue first when there is none (in a dry run, a planned issue stands in for it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable

from okrflow.adapter import IssueRecord, NewIssue, PlannedIssue, RecordKey
from okrflow.commands.workspace import Workspace
from okrflow.core.calendar import Quarter

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


def named(issue: Kept) -> str:
    """How a line names one of the schedule's issues: ``#12``, or the planned one."""
    return f"#{issue.iid}" if isinstance(issue, IssueRecord) else f"({issue})"


class ScheduleRun:
    """The state of one ``schedule`` run: issue listings read once per quarter."""

    def __init__(self, ws: Workspace, day: dt.date) -> None:
        self.ws = ws
        self.day = day
        self._listings: dict[str, list[Kept]] = {}
        self._can_write = False

    def label(self, quarter: Quarter) -> str:
        return self.ws.calendar.label(quarter)

    def write(self) -> None:
        if not self._can_write:
            self.ws.repo.ensure_can_write()
            self._can_write = True

    def listing(self, quarter: str) -> list[Kept]:
        if quarter not in self._listings:
            found = self.ws.repo.list_issues(labels=[self.ws.labels.report, quarter])
            self._listings[quarter] = list(found)
        return self._listings[quarter]

    def find(self, quarter: str, name: str) -> Kept | None:
        record = RecordKey(name, {"quarter": quarter})
        return next((r for r in self.listing(quarter) if record.matches(r.description)), None)

    def remember(self, quarter: str, issue: Kept) -> None:
        others = [r for r in self.listing(quarter) if named(r) != named(issue)]
        self._listings[quarter] = [*others, issue]

    def store(
        self,
        quarter: str,
        name: str,
        block: str,
        existing: Kept | None,
        make: Callable[[], tuple[str, str]],
    ) -> Kept:
        """Write ``block`` into the quarter's issue for the record ``name``, creating the issue
        (title and text from ``make``) when there is none. Returns the issue."""
        self.write()
        repo = self.ws.repo
        issue: Kept
        if existing is None:
            title, text = make()
            issue = repo.create(
                NewIssue(
                    title=title,
                    description=f"{block}\n{text}",
                    labels=(self.ws.labels.report, quarter),
                    record=RecordKey(name, {"quarter": quarter}),
                )
            )
        else:
            text = with_block(name, existing.description, block)
            if text == existing.description:
                return existing
            updated = None
            if isinstance(existing, IssueRecord):  # a planned one only lives here
                updated = repo.update_issue(existing.iid, before=existing, description=text)
            issue = updated or dataclasses.replace(existing, description=text)
        self.remember(quarter, issue)
        return issue

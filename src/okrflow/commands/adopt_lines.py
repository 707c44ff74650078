"""An objective's Key results lines kept in step with the key-result issues they made.

A line okrflow has not made a key result of yet is opened as one (type, draft, quarter
and team labels, the objective's owner, linked under the objective), once: the
objective's metadata records each line with its issue, and a key result okrflow made
for the objective with that statement (a run broken off before recording it) is taken,
not opened again. An edited line renames its key result (title and metric); a removed
line is reported once and its key result left alone; a line that is not a measurable
key result is named, never opened (:func:`okrflow.core.adoption.line_changes`).
In a group scope the key results of one project's pass: those opened go to it.
"""

from __future__ import annotations

from okrflow.adapter import IssueRecord, LoadedIssue, PlannedIssue
from okrflow.commands.compose import new_okr_issue
from okrflow.commands.workspace import Workspace
from okrflow.core.adoption import Adoption, line_changes, recorded_lines, with_lines
from okrflow.core.keys import slugify
from okrflow.core.meta import Meta
from okrflow.core.model import KeyResult, Objective, Problem, State
from okrflow.core.sections import KEY_RESULT, replace_section_line, same_words
from okrflow.core.statements import parse_statement

__all__ = ["Lines", "quarter_label_of", "team_label_of"]


def quarter_label_of(ws: Workspace, record: IssueRecord) -> str | None:
    return next((lab for lab in record.labels if ws.labels.quarter_of(lab)), None)


def team_label_of(ws: Workspace, record: IssueRecord) -> str | None:
    return next((lab for lab in record.labels if ws.labels.team_of(lab)), None)


class Lines:
    """The key results of one pass: those listed, and those it opens."""

    def __init__(
        self, ws: Workspace, key_results: dict[int, LoadedIssue], *, project: str | None = None
    ) -> None:
        self.ws = ws
        self.project = project  # a group scope's: the project of the pass
        self.key_results = key_results
        self.created: list[int] = []  # key results opened
        self.updated: list[int] = []  # key results renamed after their line
        self.planned = 0  # a dry run: the key results it would open
        self.problems: list[Problem] = []
        self.keys = {item.key for item in key_results.values()}

    def _key(self, line: str) -> str:
        base = slugify(line)
        key, n = base, 2
        while key in self.keys:
            key, n = f"{base}-{n}", n + 1
        self.keys.add(key)
        return key

    def _made(self, objective: LoadedIssue, line: str) -> LoadedIssue | None:
        """A key result okrflow opened for ``objective`` with the statement ``line``."""
        authors = self.ws.repo.authors
        for item in self.key_results.values():
            ours = authors.is_okrflow(item.record.author)
            if (
                ours
                and item.meta.objective_iid == objective.iid
                and same_words(item.okr.title, line)
            ):
                return item
        return None

    def _open(self, objective: LoadedIssue, plan: Adoption | None, line: str) -> int | None:
        ws, repo = self.ws, self.ws.repo
        okr = objective.okr
        assert isinstance(okr, Objective)
        record = objective.record
        quarter = plan.quarter if plan else quarter_label_of(ws, record)
        team = plan.team if plan else team_label_of(ws, record) or okr.team
        owner = plan.owner if plan else objective.meta.owner
        key, metric = self._key(line), parse_statement(line)
        kr = KeyResult(key=key, title=line, metric=metric, owner=owner, team=team)
        meta = Meta(
            type="kr",
            key=key,
            objective=objective.key,
            objective_iid=objective.iid,
            metric=metric,
            owner=owner,
            lifecycle=State.DRAFT,
        )
        new = new_okr_issue(
            kr,
            meta,
            names=ws.labels,
            quarter=quarter,
            targets=[objective.iid],
            project=self.project,
        )
        issue = repo.create(new)
        made = issue if isinstance(issue, PlannedIssue) else issue.iid
        repo.create_link(made, objective.iid, project=self.project)
        if isinstance(issue, PlannedIssue):
            self.planned += 1
            return None
        self.created.append(issue.iid)
        return issue.iid

    def _rename(self, iid: int, was: str, line: str) -> bool:
        """Key result ``iid`` restated as ``line``: its title, metric and the line of
        its Key result section that read ``was`` (left alone when none reads so)."""
        item = self.key_results.get(iid)
        if item is None:
            return False
        meta = item.own_meta().replace(metric=parse_statement(line))

        def restated(text: str) -> str:
            return replace_section_line(text, KEY_RESULT, was, line) or text

        self.ws.repo.save(item, title=line, meta=meta, edit=restated)
        self.updated.append(iid)
        return True

    def sync(self, objective: LoadedIssue, plan: Adoption | None) -> list[int]:
        """Bring the key results in step with ``objective``'s lines; the iids opened.
        ``plan``: the objective's adoption in this pass (its problems gain the lines'
        problems, for its lint comment)."""
        okr = objective.okr
        assert isinstance(okr, Objective)
        where = objective.shown
        recorded = recorded_lines(objective.meta)
        changes = line_changes(recorded, okr.proposed_key_results)
        problems = [
            Problem(
                where,
                f"the Key results line {line[:80]!r} is not a measurable key result ({why}); "
                "no key result is opened for it",
            )
            for line, why in changes.unmeasurable
        ]
        lines = {iid: line for line, iid in recorded}
        for iid, line in changes.removed:
            problems.append(
                Problem(
                    where,
                    f"the Key results line {line[:80]!r} is gone; its key result #{iid} is "
                    "left as it is (close it if it is no longer wanted)",
                )
            )
            del lines[iid]
        for iid, line in changes.edited:
            if not self._rename(iid, lines[iid], line):
                message = f"the key result #{iid} of an edited line is not open"
                problems.append(Problem(where, message))
            lines[iid] = line
        created: list[int] = []
        for line in changes.new:
            found = self._made(objective, line)
            opened = found.iid if found is not None else self._open(objective, plan, line)
            if opened is not None:
                lines[opened] = line
                if found is None:
                    created.append(opened)
        self.problems.extend(problems)
        if plan is not None:
            plan.problems.extend(problems)
        now = [(line, iid) for iid, line in lines.items()]
        if now != recorded:
            meta = with_lines(objective.own_meta(), now)
            self.ws.repo.save(objective, meta=meta)
        return created

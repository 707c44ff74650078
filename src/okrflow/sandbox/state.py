"""The emulator's in-memory tables: rows keyed by id (:mod:`okrflow.sandbox.rows`).

Every row is a plain dataclass of JSON-friendly fields so the whole state can be
saved to and loaded from one JSON document.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from okrflow.sandbox.indexes import RowIndex
from okrflow.sandbox.rows import (
    ACCESS_LEVELS,
    DEVELOPER,
    GUEST,
    MAINTAINER,
    OWNER,
    PLANNER,
    REPORTER,
    Board,
    BoardList,
    Branch,
    Commit,
    Event,
    Group,
    Issue,
    IssueLink,
    Label,
    LabelEvent,
    Mention,
    Note,
    Project,
    RepoFile,
    Token,
    User,
)

TABLES: dict[str, type[Any]] = {
    "users": User,
    "groups": Group,
    "projects": Project,
    "labels": Label,
    "issues": Issue,
    "notes": Note,
    "links": IssueLink,
    "boards": Board,
    "lists": BoardList,
    "branches": Branch,
    "files": RepoFile,
    "tokens": Token,
    "commits": Commit,
    "label_events": LabelEvent,
    "events": Event,
    "mentions": Mention,
}

# First id of each table: distinct ranges make an id/iid mix-up visible in tests.
FIRST_IDS: dict[str, int] = {
    "users": 1,
    "groups": 10,
    "projects": 20,
    "labels": 100,
    "issues": 1000,
    "notes": 5000,
    "links": 300,
    "boards": 400,
    "lists": 500,
    "branches": 1,
    "files": 1,
    "tokens": 1,
    "commits": 1,
    "label_events": 7000,
    "events": 9000,
    "mentions": 1,
}


class State:
    """All rows of the emulated instance."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.groups: dict[int, Group] = {}
        self.projects: dict[int, Project] = {}
        self.labels: dict[int, Label] = {}
        self.issues: dict[int, Issue] = {}
        self.notes: dict[int, Note] = {}
        self.links: dict[int, IssueLink] = {}
        self.boards: dict[int, Board] = {}
        self.lists: dict[int, BoardList] = {}
        self.branches: dict[int, Branch] = {}
        self.files: dict[int, RepoFile] = {}
        self.tokens: dict[int, Token] = {}
        self.commits: dict[int, Commit] = {}
        self.label_events: dict[int, LabelEvent] = {}
        self.events: dict[int, Event] = {}
        self.mentions: dict[int, Mention] = {}
        self.counters: dict[str, int] = dict(FIRST_IDS)
        self._issue_iids: RowIndex[Issue] = RowIndex(lambda i: (i.project_id, i.iid))
        self._project_issues: RowIndex[Issue] = RowIndex(lambda i: i.project_id)
        self._issue_notes: RowIndex[Note] = RowIndex(lambda n: n.issue_id)
        self._issue_label_events: RowIndex[LabelEvent] = RowIndex(lambda e: e.issue_id)

    def next_id(self, table: str) -> int:
        value = self.counters.get(table, 1)
        self.counters[table] = value + 1
        return value

    def table(self, name: str) -> dict[int, Any]:
        rows: dict[int, Any] = getattr(self, name)
        return rows

    # lookups -------------------------------------------------------------
    def user_by_name(self, username: str) -> User | None:
        wanted = username.lower()
        return next((u for u in self.users.values() if u.username.lower() == wanted), None)

    def group_by_path(self, full_path: str) -> Group | None:
        wanted = full_path.lower()
        return next((g for g in self.groups.values() if g.full_path.lower() == wanted), None)

    def project_by_path(self, full_path: str) -> Project | None:
        wanted = full_path.lower()
        return next(
            (p for p in self.projects.values() if p.path_with_namespace.lower() == wanted),
            None,
        )

    def issue_by_iid(self, project_id: int, iid: int) -> Issue | None:
        found = self._issue_iids.get(self.issues, (project_id, iid))
        return found[0] if found else None

    def issues_of(self, project_id: int) -> list[Issue]:
        return self._project_issues.get(self.issues, project_id)

    def notes_of(self, issue_id: int) -> list[Note]:
        """The issue's notes (system ones included), oldest first."""
        return self._issue_notes.get(self.notes, issue_id)

    def label_events_of(self, issue_id: int) -> list[LabelEvent]:
        return self._issue_label_events.get(self.label_events, issue_id)

    def branch(self, project_id: int, name: str) -> Branch | None:
        return next(
            (b for b in self.branches.values() if b.project_id == project_id and b.name == name),
            None,
        )

    def file(self, project_id: int, branch: str, path: str) -> RepoFile | None:
        return next(
            (
                f
                for f in self.files.values()
                if f.project_id == project_id and f.branch == branch and f.path == path
            ),
            None,
        )

    def group_ancestors(self, group_id: int | None) -> list[Group]:
        """The group and its parents, nearest first."""
        chain: list[Group] = []
        seen: set[int] = set()
        while group_id is not None and group_id in self.groups and group_id not in seen:
            seen.add(group_id)
            group = self.groups[group_id]
            chain.append(group)
            group_id = group.parent_id
        return chain

    def group_descendants(self, group_id: int) -> list[Group]:
        """The group and all its subgroups, at any depth (parents before children)."""
        children: dict[int | None, list[Group]] = {}
        for group in self.groups.values():
            children.setdefault(group.parent_id, []).append(group)
        found = [self.groups[group_id]]
        seen = {group_id}
        for group in found:  # grows while walking: breadth first
            for child in children.get(group.id, []):
                if child.id not in seen:
                    seen.add(child.id)
                    found.append(child)
        return found

    # persistence ---------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"format": 1, "counters": dict(self.counters)}
        for name in TABLES:
            data[name] = [dataclasses.asdict(row) for row in self.table(name).values()]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> State:
        state = cls()
        for name, row_type in TABLES.items():
            known = {f.name for f in dataclasses.fields(row_type)}
            rows = state.table(name)
            for raw in data.get(name, []):
                row = row_type(**{k: v for k, v in raw.items() if k in known})
                rows[row.id] = row
        counters = data.get("counters", {})
        for name, value in counters.items():
            state.counters[name] = max(int(value), state.counters.get(name, 1))
        for name in TABLES:
            rows = state.table(name)
            if rows:
                state.counters[name] = max(state.counters.get(name, 1), max(rows) + 1)
        return state


__all__ = [
    "ACCESS_LEVELS",
    "DEVELOPER",
    "FIRST_IDS",
    "GUEST",
    "MAINTAINER",
    "OWNER",
    "PLANNER",
    "REPORTER",
    "TABLES",
    "Board",
    "BoardList",
    "Branch",
    "Commit",
    "Event",
    "Group",
    "Issue",
    "IssueLink",
    "Label",
    "LabelEvent",
    "Mention",
    "Note",
    "Project",
    "RepoFile",
    "State",
    "Token",
    "User",
]

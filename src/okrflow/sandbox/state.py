"""The emulator's in-memory tables: flat typed rows keyed by id, and the role levels.

Every row is a plain dataclass of JSON-friendly fields so the whole state can be
saved to and loaded from one JSON document. Timestamps are stored already in
GitLab's wire format (ISO 8601 UTC with milliseconds and ``Z``); strings in that
one format sort in time order.
"""

from __future__ import annotations

import dataclasses
from typing import Any

GUEST = 10
PLANNER = 15
REPORTER = 20
DEVELOPER = 30
MAINTAINER = 40
OWNER = 50

ACCESS_LEVELS: dict[str, int] = {
    "guest": GUEST,
    "planner": PLANNER,
    "reporter": REPORTER,
    "developer": DEVELOPER,
    "maintainer": MAINTAINER,
    "owner": OWNER,
}


@dataclasses.dataclass
class User:
    id: int
    username: str
    name: str
    email: str
    created_at: str
    state: str = "active"
    is_admin: bool = False
    bio: str = ""


@dataclasses.dataclass
class Group:
    id: int
    path: str
    full_path: str
    name: str
    created_at: str
    parent_id: int | None = None
    visibility: str = "private"
    description: str = ""
    members: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Project:
    id: int
    path: str
    name: str
    namespace_path: str
    created_at: str
    last_activity_at: str
    group_id: int | None = None
    visibility: str = "private"
    description: str = ""
    default_branch: str = "main"
    members: dict[str, int] = dataclasses.field(default_factory=dict)
    next_iid: int = 1

    @property
    def path_with_namespace(self) -> str:
        return f"{self.namespace_path}/{self.path}"


@dataclasses.dataclass
class Label:
    id: int
    name: str
    color: str
    created_at: str
    description: str | None = None
    priority: int | None = None
    project_id: int | None = None
    group_id: int | None = None


@dataclasses.dataclass
class Issue:
    id: int
    iid: int
    project_id: int
    title: str
    description: str | None
    author_id: int
    created_at: str
    updated_at: str
    state: str = "opened"
    label_ids: list[int] = dataclasses.field(default_factory=list)
    assignee_ids: list[int] = dataclasses.field(default_factory=list)
    closed_at: str | None = None
    closed_by_id: int | None = None
    due_date: str | None = None
    confidential: bool = False
    discussion_locked: bool | None = None
    issue_type: str = "issue"


@dataclasses.dataclass
class Note:
    id: int
    issue_id: int
    project_id: int
    body: str
    author_id: int
    created_at: str
    updated_at: str
    system: bool = False
    internal: bool = False


@dataclasses.dataclass
class IssueLink:
    id: int
    source_id: int
    target_id: int
    created_at: str
    updated_at: str
    link_type: str = "relates_to"


@dataclasses.dataclass
class Board:
    id: int
    project_id: int
    name: str
    created_at: str
    hide_backlog_list: bool = False
    hide_closed_list: bool = False


@dataclasses.dataclass
class BoardList:
    id: int
    board_id: int
    label_id: int
    position: int


@dataclasses.dataclass
class Branch:
    id: int
    project_id: int
    name: str
    commit_id: str
    commit_message: str
    committed_at: str
    author_name: str


@dataclasses.dataclass
class RepoFile:
    id: int
    project_id: int
    branch: str
    path: str
    content_b64: str
    blob_id: str
    last_commit_id: str
    execute_filemode: bool = False


@dataclasses.dataclass
class Token:
    id: int
    token: str
    user_id: int
    scopes: list[str]
    kind: str = "personal"  # personal | job
    expires_at: str | None = None  # YYYY-MM-DD
    revoked: bool = False

    def __repr__(self) -> str:  # never show the secret
        return f"Token(id={self.id}, user_id={self.user_id}, kind={self.kind!r})"


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
        self.counters: dict[str, int] = dict(FIRST_IDS)

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
        return next(
            (i for i in self.issues.values() if i.project_id == project_id and i.iid == iid),
            None,
        )

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
        """The group and all its subgroups."""
        found = [self.groups[group_id]]
        frontier = [group_id]
        while frontier:
            parent = frontier.pop()
            for group in self.groups.values():
                if group.parent_id == parent and group not in found:
                    found.append(group)
                    frontier.append(group.id)
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

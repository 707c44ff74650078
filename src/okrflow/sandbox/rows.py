"""The emulator's table rows and role levels: flat dataclasses of JSON-friendly fields.

Timestamps are stored already in GitLab's wire format (ISO 8601 UTC with
milliseconds and ``Z``); strings in that one format sort in time order.
"""

from __future__ import annotations

import dataclasses

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
    project_id: int | None  # None for a group board
    name: str
    created_at: str
    hide_backlog_list: bool = False
    hide_closed_list: bool = False
    group_id: int | None = None


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
class Commit:
    id: int
    sha: str
    project_id: int
    branch: str
    message: str
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    created_at: str
    parent_sha: str | None = None
    paths: list[str] = dataclasses.field(default_factory=list)  # files the commit touched


@dataclasses.dataclass
class LabelEvent:
    """One label added to or removed from an issue (``resource_label_events``)."""

    id: int
    issue_id: int
    project_id: int
    user_id: int | None  # None: GitLab answers ``"user": null`` (a deleted user)
    label_id: int | None  # None: the label was deleted since
    action: str  # add | remove
    created_at: str


@dataclasses.dataclass
class Event:
    """A contribution event (``/projects/:id/events``): issue opened/closed, comment ..."""

    id: int
    project_id: int
    author_id: int
    action: str  # created | closed | reopened | commented
    target_type: str | None  # Issue | Note
    target_id: int | None
    created_at: str


@dataclasses.dataclass
class Mention:
    """An ``@user``, ``@group`` or ``@all`` mention that GitLab turns into to-dos."""

    id: int
    project_id: int
    issue_id: int
    note_id: int | None  # None: in the issue's description
    author_id: int
    kind: str  # user | group | all
    name: str  # as written, without the @
    user_ids: list[int]  # who gets a to-do (readers of the issue, not the author)
    created_at: str


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

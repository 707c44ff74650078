"""Seeding and inspection helpers: put users, groups, projects, tokens and content in place.

These write the state directly (no HTTP, no permission checks), for tests and for
the ``okrflow sandbox`` seed. Projects and groups are named by full path.
"""

from __future__ import annotations

import base64
import functools
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar, cast

from okrflow.sandbox.clock import Clock, format_time
from okrflow.sandbox.colors import DEFAULT_COLOR, normalize_color
from okrflow.sandbox.labelling import resolve_labels
from okrflow.sandbox.routes_repo import blob_id, ensure_branch, new_commit
from okrflow.sandbox.state import (
    ACCESS_LEVELS,
    Group,
    Issue,
    Label,
    Note,
    Project,
    RepoFile,
    State,
    Token,
    User,
)

Members = Mapping[str, int | str] | Iterable[str] | None
Method = TypeVar("Method", bound=Callable[..., Any])


def _locked(method: Method) -> Method:
    """Run an inspection helper under the emulator's state lock."""

    @functools.wraps(method)
    def wrapper(self: SeedingMixin, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return cast(Method, wrapper)


def _level(value: int | str) -> int:
    if isinstance(value, int):
        return value
    return ACCESS_LEVELS[value.lower()]


def _members(members: Members, default: int) -> dict[str, int]:
    if members is None:
        return {}
    if isinstance(members, Mapping):
        return {name: _level(level) for name, level in members.items()}
    return dict.fromkeys(members, default)


class SeedingMixin:
    """Methods of :class:`~okrflow.sandbox.Emulator` that build state directly."""

    state: State
    clock: Clock
    default_token: str | None
    default_project: str | None
    _lock: threading.RLock

    # look-ups -------------------------------------------------------------------
    @_locked
    def user(self, username: str) -> User:
        found = self.state.user_by_name(username)
        if found is None:
            raise KeyError(f"no user {username!r}")
        return found

    @_locked
    def project(self, ref: str | int) -> Project:
        found = (
            self.state.projects.get(ref)
            if isinstance(ref, int)
            else self.state.project_by_path(ref)
        )
        if found is None:
            raise KeyError(f"no project {ref!r}")
        return found

    @_locked
    def group(self, ref: str | int) -> Group:
        found = (
            self.state.groups.get(ref) if isinstance(ref, int) else self.state.group_by_path(ref)
        )
        if found is None:
            raise KeyError(f"no group {ref!r}")
        return found

    @_locked
    def issues(self, project: str | int) -> list[Issue]:
        """The project's issues, by iid."""
        pid = self.project(project).id
        return sorted(
            (i for i in self.state.issues.values() if i.project_id == pid), key=lambda i: i.iid
        )

    @_locked
    def issue(self, project: str | int, iid: int) -> Issue:
        found = self.state.issue_by_iid(self.project(project).id, iid)
        if found is None:
            raise KeyError(f"no issue #{iid} in {project!r}")
        return found

    @_locked
    def issue_labels(self, project: str | int, iid: int) -> list[str]:
        labels = self.state.labels
        return sorted(labels[i].name for i in self.issue(project, iid).label_ids if i in labels)

    @_locked
    def labels(self, project: str | int) -> list[Label]:
        pid = self.project(project).id
        return sorted(
            (lab for lab in self.state.labels.values() if lab.project_id == pid),
            key=lambda lab: lab.name,
        )

    @_locked
    def notes(self, project: str | int, iid: int, *, system: bool = False) -> list[Note]:
        """The issue's notes, oldest first; system notes only if asked for."""
        issue_id = self.issue(project, iid).id
        found = [
            n
            for n in self.state.notes.values()
            if n.issue_id == issue_id and (system or not n.system)
        ]
        return sorted(found, key=lambda n: (n.created_at, n.id))

    @_locked
    def file_text(self, project: str | int, path: str, branch: str | None = None) -> str | None:
        proj = self.project(project)
        found = self.state.file(proj.id, branch or proj.default_branch, path)
        return base64.b64decode(found.content_b64).decode("utf-8") if found else None

    # seeding --------------------------------------------------------------------
    def add_user(
        self,
        username: str,
        *,
        name: str | None = None,
        email: str | None = None,
        admin: bool = False,
    ) -> User:
        with self._lock:
            if self.state.user_by_name(username):
                raise ValueError(f"user {username!r} exists")
            user = User(
                id=self.state.next_id("users"),
                username=username,
                name=name or username.replace("-", " ").title(),
                email=email or f"{username}@example.com",
                created_at=self.clock.stamp(),
                is_admin=admin,
            )
            self.state.users[user.id] = user
            return user

    def add_group(
        self,
        path: str,
        *,
        name: str | None = None,
        visibility: str = "private",
        members: Members = None,
        description: str = "",
    ) -> Group:
        """A group; ``a/b`` makes ``b`` a subgroup of the existing group ``a``."""
        with self._lock:
            parent_path, _, leaf = path.rpartition("/")
            parent = self.group(parent_path) if parent_path else None
            group = Group(
                id=self.state.next_id("groups"),
                path=leaf,
                full_path=path,
                name=name or leaf,
                created_at=self.clock.stamp(),
                parent_id=parent.id if parent else None,
                visibility=visibility,
                description=description,
                members=_members(members, 30),
            )
            self.state.groups[group.id] = group
            return group

    def add_project(
        self,
        path: str,
        *,
        name: str | None = None,
        visibility: str = "private",
        members: Members = None,
        default_branch: str = "main",
        description: str = "",
    ) -> Project:
        """A project under a group (created if missing) or a user's namespace."""
        with self._lock:
            namespace, _, leaf = path.rpartition("/")
            if not namespace:
                raise ValueError("a project path needs a namespace: group/project")
            group = self.state.group_by_path(namespace)
            if group is None and self.state.user_by_name(namespace) is None:
                group = self.add_group(namespace)
            now = self.clock.stamp()
            project = Project(
                id=self.state.next_id("projects"),
                path=leaf,
                name=name or leaf,
                namespace_path=group.full_path if group else namespace,
                created_at=now,
                last_activity_at=now,
                group_id=group.id if group else None,
                visibility=visibility,
                description=description,
                default_branch=default_branch,
                members=_members(members, 30),
            )
            self.state.projects[project.id] = project
            ensure_branch(self.state, project, default_branch, now, "Administrator")
            return project

    def add_member(self, target: str, username: str, level: int | str) -> None:
        """Give ``username`` a role (``"planner"``, 30 ...) in a project or group path."""
        with self._lock:
            self.user(username)
            holder = self.state.project_by_path(target) or self.state.group_by_path(target)
            if holder is None:
                raise KeyError(f"no project or group {target!r}")
            holder.members[username] = _level(level)

    def add_token(
        self,
        token: str,
        username: str,
        *,
        scopes: Iterable[str] = ("api",),
        kind: str = "personal",
        expires_at: str | None = None,
    ) -> Token:
        """Accept ``token`` for ``username``; ``kind`` is ``personal`` or ``job``."""
        if kind not in ("personal", "job"):
            raise ValueError("kind is personal or job")
        with self._lock:
            row = Token(
                id=self.state.next_id("tokens"),
                token=token,
                user_id=self.user(username).id,
                scopes=list(scopes),
                kind=kind,
                expires_at=expires_at,
            )
            self.state.tokens[row.id] = row
            return row

    def add_label(
        self, target: str, name: str, color: str = DEFAULT_COLOR, *, description: str | None = None
    ) -> Label:
        with self._lock:
            project = self.state.project_by_path(target)
            group = None if project else self.group(target)
            label = Label(
                id=self.state.next_id("labels"),
                name=name,
                color=normalize_color(color) or DEFAULT_COLOR,
                created_at=self.clock.stamp(),
                description=description,
                project_id=project.id if project else None,
                group_id=group.id if group else None,
            )
            self.state.labels[label.id] = label
            return label

    def add_issue(
        self,
        project: str | int,
        title: str,
        *,
        description: str | None = "",
        labels: Iterable[str] = (),
        author: str | None = None,
        assignee: str | None = None,
        state: str = "opened",
        created_at: datetime | None = None,
    ) -> Issue:
        """An issue written straight into the state (labels are created if missing)."""
        with self._lock:
            proj = self.project(project)
            stamp = format_time(created_at) if created_at else self.clock.stamp()
            author_user = self.user(author) if author else next(iter(self.state.users.values()))
            issue = Issue(
                id=self.state.next_id("issues"),
                iid=proj.next_iid,
                project_id=proj.id,
                title=title,
                description=description,
                author_id=author_user.id,
                created_at=stamp,
                updated_at=stamp,
                state=state,
                label_ids=resolve_labels(self.state, proj, list(labels), create=True, now=stamp),
                assignee_ids=[self.user(assignee).id] if assignee else [],
            )
            if state == "closed":
                issue.closed_at, issue.closed_by_id = stamp, author_user.id
            proj.next_iid += 1
            self.state.issues[issue.id] = issue
            return issue

    def add_note(
        self,
        project: str | int,
        iid: int,
        body: str,
        *,
        author: str | None = None,
        created_at: datetime | None = None,
    ) -> Note:
        with self._lock:
            issue = self.issue(project, iid)
            stamp = format_time(created_at) if created_at else self.clock.stamp()
            user = self.user(author) if author else self.state.users[issue.author_id]
            note = Note(
                id=self.state.next_id("notes"),
                issue_id=issue.id,
                project_id=issue.project_id,
                body=body,
                author_id=user.id,
                created_at=stamp,
                updated_at=stamp,
            )
            self.state.notes[note.id] = note
            return note

    def add_file(
        self, project: str | int, path: str, content: str | bytes, *, branch: str | None = None
    ) -> RepoFile:
        with self._lock:
            proj = self.project(project)
            data = content.encode() if isinstance(content, str) else content
            name = branch or proj.default_branch
            target = ensure_branch(self.state, proj, name, self.clock.stamp(), "Administrator")
            target.commit_id = new_commit(self.state, proj)
            existing = self.state.file(proj.id, name, path)
            if existing is not None:
                del self.state.files[existing.id]
            row = RepoFile(
                id=self.state.next_id("files"),
                project_id=proj.id,
                branch=name,
                path=path,
                content_b64=base64.b64encode(data).decode(),
                blob_id=blob_id(data),
                last_commit_id=target.commit_id,
            )
            self.state.files[row.id] = row
            return row

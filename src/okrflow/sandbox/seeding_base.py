"""Seeding the instance: users, groups, projects, memberships and tokens; look-ups.

These write the state directly (no HTTP, no permission checks), for tests and for
the ``okrflow sandbox`` seed. Projects and groups are named by full path. A token
per user (:meth:`SeedingBase.token_for`) lets a test act as another member
through the API.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, cast

from okrflow.sandbox.clock import Clock
from okrflow.sandbox.repository import ADMIN_NAME, ensure_branch
from okrflow.sandbox.rows import ACCESS_LEVELS, Group, Project, Token, User
from okrflow.sandbox.state import State

Members = Mapping[str, int | str] | Iterable[str] | None
Method = TypeVar("Method", bound=Callable[..., Any])


def locked(method: Method) -> Method:
    """Run an inspection helper under the emulator's state lock."""

    @functools.wraps(method)
    def wrapper(self: SeedingBase, *args: Any, **kwargs: Any) -> Any:
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


class SeedingBase:
    """Methods of :class:`~okrflow.sandbox.Emulator` that build the instance."""

    state: State
    clock: Clock
    default_token: str | None
    default_project: str | None
    acting_token: str | None
    _lock: threading.RLock

    # look-ups -------------------------------------------------------------------
    @locked
    def user(self, username: str) -> User:
        found = self.state.user_by_name(username)
        if found is None:
            raise KeyError(f"no user {username!r}")
        return found

    @locked
    def project(self, ref: str | int) -> Project:
        found = (
            self.state.projects.get(ref)
            if isinstance(ref, int)
            else self.state.project_by_path(ref)
        )
        if found is None:
            raise KeyError(f"no project {ref!r}")
        return found

    @locked
    def group(self, ref: str | int) -> Group:
        found = (
            self.state.groups.get(ref) if isinstance(ref, int) else self.state.group_by_path(ref)
        )
        if found is None:
            raise KeyError(f"no group {ref!r}")
        return found

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
            ensure_branch(self.state, project, default_branch, now, ADMIN_NAME)
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

    def token_for(self, username: str, *, scopes: Iterable[str] = ("api",)) -> str:
        """A personal access token of ``username`` (made on first use, then the same)
        to call the API as that user::

            gitlab.Gitlab(url, private_token=emu.token_for("alice"))
        """
        wanted = sorted(scopes)
        digest = hashlib.sha256(f"{username}:{','.join(wanted)}".encode()).hexdigest()[:20]
        secret = f"glpat-emu-{digest}"
        with self._lock:
            user = self.user(username)
            if not any(t.token == secret for t in self.state.tokens.values()):
                self.add_token(secret, user.username, scopes=wanted)
        return secret

    @contextlib.contextmanager
    def as_user(self, username: str) -> Iterator[str]:
        """Within the block, :meth:`~okrflow.sandbox.Emulator.request` without a token
        acts as ``username``; yields that user's token."""
        token = self.token_for(username)
        previous, self.acting_token = self.acting_token, token
        try:
            yield token
        finally:
            self.acting_token = previous

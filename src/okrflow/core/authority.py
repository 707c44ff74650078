"""Who may say what: the rules okrflow applies to what it reads from GitLab.

Many people write in an OKR project; okrflow runs with a token that can do more than
most of them. So what can run code, read other projects or weigh heavily comes only
from files a merge request reviews (the config, the OKR file), and what people write in
issues is judged by these rules:

- **Scopes** (:func:`in_scopes`): a query or initiatives source reads only the OKR
  project and the projects and groups of ``metrics.allowed_scopes`` (a group with its
  subgroups and projects).
- **okrflow's own records** (:class:`Authors`): planning, report and reminders issues,
  record blocks and the markers in okrflow's comments count only when GitLab says the
  token's user wrote them, or one of ``gitlab.bot_users``; anyone else's are impostors,
  reported (:func:`impostor`) and ignored.
- **Check-ins** (:class:`CheckinPolicy`): a ``Check-in:`` comment counts when its
  author may check in by ``checkins.from``: ``members`` (project members with the
  Reporter role or more, inherited included), ``owners`` (the key result's owner and
  assignees, and its objective's owner) or ``anyone``; okrflow's own always count.

Pure: who the token's user is and who the members are come from the caller, as
functions asked at most once and only when needed.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Generic, Literal, Protocol, TypeVar

from okrflow.core.model import Problem

__all__ = [
    "CHECKIN_SOURCES",
    "REPORTER",
    "Authored",
    "Authors",
    "CheckinPolicy",
    "CheckinSource",
    "by_okrflow",
    "impostor",
    "in_scopes",
    "scope_of_reference",
]

CheckinSource = Literal["members", "owners", "anyone"]
CHECKIN_SOURCES: tuple[CheckinSource, ...] = ("members", "owners", "anyone")
REPORTER = 20  # GitLab's access level of the Reporter role

T = TypeVar("T")


# -- scopes ----------------------------------------------------------------------------------


def _path(text: str) -> str:
    return text.strip().strip("/").lower()


def in_scopes(path: str, *, home: str, allowed: Sequence[str] = (), group: bool = False) -> bool:
    """Whether a source may read the project (or, with ``group``, the group) ``path``:
    it is the OKR project ``home``, or an allowed scope, or inside an allowed group.
    Paths compare as GitLab's do, without case."""
    target = _path(path)
    if not target:
        return False
    scopes = [_path(scope) for scope in allowed] + ([] if group else [_path(home)])
    return any(target == scope or target.startswith(scope + "/") for scope in scopes if scope)


def scope_of_reference(reference: str, home: str) -> str:
    """The project of an issue reference: ``acme/web#12`` -> ``acme/web``; ``#12`` is
    the OKR project ``home``."""
    project = reference.rpartition("#")[0]
    return project or home


# -- okrflow's own records -------------------------------------------------------------------


class _Once(Generic[T]):
    """A value asked for at most once, the first time it is needed (thread-safe)."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._value: list[T] = []

    def get(self) -> T:
        with self._lock:
            if not self._value:
                self._value.append(self._load())
            return self._value[0]


@dataclasses.dataclass
class Authors:
    """The users whose records okrflow takes as its own: the token's user (asked of
    GitLab once, when first needed) and the configured bot users."""

    token_user: Callable[[], str | None]
    bot_users: Collection[str] = ()

    def __post_init__(self) -> None:
        self._token_user = _Once(self.token_user)

    def token_username(self) -> str | None:
        """The token's user, as GitLab names it (asked once)."""
        return self._token_user.get()

    def own(self) -> frozenset[str]:
        """okrflow's users, lower case (GitLab usernames are unique without case)."""
        token_user = self._token_user.get()
        names = {str(name).lower() for name in self.bot_users}
        if token_user:
            names.add(token_user.lower())
        return frozenset(names)

    def is_okrflow(self, author: str | None) -> bool:
        """Whether GitLab says okrflow's user wrote it (an unknown author never is)."""
        return bool(author) and str(author).lower() in self.own()


class Authored(Protocol):
    """A record GitLab says someone wrote: an issue or a comment."""

    @property
    def author(self) -> str | None: ...


A = TypeVar("A", bound=Authored)


def by_okrflow(items: Iterable[A], authors: Authors) -> tuple[list[A], list[A]]:
    """``items`` split into okrflow's (its user or a bot user wrote them) and the others."""
    own: list[A] = []
    others: list[A] = []
    for item in items:
        (own if authors.is_okrflow(item.author) else others).append(item)
    return own, others


def impostor(where: str, author: str | None, what: str) -> Problem:
    """The one problem line about a record okrflow did not write: ``what`` it holds,
    who wrote it, and that it is ignored."""
    who = f"@{author}" if author else "an unknown author"
    return Problem(
        where,
        f"{what}, but {who} wrote it, not okrflow's user: ignored (if okrflow wrote it with "
        "another token, list that user under gitlab.bot_users)",
    )


# -- check-ins -------------------------------------------------------------------------------


@dataclasses.dataclass
class CheckinPolicy:
    """Whose check-ins count (``checkins.from``); see the module's docstring."""

    authors: Authors
    source: CheckinSource = "members"
    member_levels: Callable[[], Mapping[str, int]] = dict  # username -> access level
    project: str = "the project"  # whose members those are, as a message names it

    def __post_init__(self) -> None:
        self._levels = _Once(
            lambda: {str(name).lower(): int(level) for name, level in self.member_levels().items()}
        )

    def refusal(self, author: str | None, owners: Iterable[str | None] = ()) -> str | None:
        """Why a check-in by ``author`` does not count, or None when it does. ``owners``
        are the key result's owner and assignees and its objective's owner."""
        if self.source == "anyone" or self.authors.is_okrflow(author):
            return None
        who = f"@{author}" if author else "an unknown author"
        name = (author or "").lower()
        if self.source == "owners":
            if name and name in {str(o).lower().lstrip("@") for o in owners if o}:
                return None
            return (
                f"{who} is not an owner of the key result or its objective (checkins.from: owners)"
            )
        if name and self._levels.get().get(name, 0) >= REPORTER:
            return None
        return (
            f"{who} is not a member of {self.project} with the Reporter role or more "
            "(checkins.from: members)"
        )

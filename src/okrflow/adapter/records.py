"""Plain records of what okrflow reads from GitLab (no python-gitlab objects leak out)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any


def parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    text = value.replace("Z", "+00:00")
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return parsed


def _username(user: Any) -> str | None:
    if isinstance(user, dict):
        name = user.get("username")
        return str(name) if name else None
    return None


def _people(*users: Any) -> tuple[tuple[str, str], ...]:
    """(username, display name) of the users GitLab embedded in an answer."""
    found: dict[str, str] = {}
    for user in users:
        username = _username(user)
        name = user.get("name") if isinstance(user, dict) else None
        if username and isinstance(name, str) and name.strip():
            found.setdefault(username, name.strip())
    return tuple(found.items())


@dataclasses.dataclass(frozen=True)
class IssueRecord:
    iid: int
    id: int
    project_id: int
    title: str
    description: str
    labels: tuple[str, ...]
    state: str  # "opened" | "closed"
    web_url: str
    reference: str  # "group/project#12"
    author: str | None
    assignees: tuple[str, ...]
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    closed_at: dt.datetime | None
    user_notes_count: int
    people: tuple[tuple[str, str], ...] = ()  # (username, display name) of author, assignees

    @property
    def project(self) -> str:
        """The path of the issue's project (``group/project``); empty when GitLab sent
        no full reference."""
        return self.reference.rpartition("#")[0]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IssueRecord:
        refs = data.get("references") or {}
        assignees = data.get("assignees") or ([data["assignee"]] if data.get("assignee") else [])
        return cls(
            iid=int(data["iid"]),
            id=int(data["id"]),
            project_id=int(data.get("project_id") or 0),
            title=str(data.get("title") or ""),
            description=str(data.get("description") or ""),
            labels=tuple(
                label["name"] if isinstance(label, dict) else str(label)
                for label in data.get("labels") or ()
            ),
            state=str(data.get("state") or "opened"),
            web_url=str(data.get("web_url") or ""),
            reference=str(refs.get("full") or f"#{data['iid']}"),
            author=_username(data.get("author")),
            assignees=tuple(n for n in (_username(a) for a in assignees) if n),
            created_at=parse_time(data.get("created_at")),
            updated_at=parse_time(data.get("updated_at")),
            closed_at=parse_time(data.get("closed_at")),
            user_notes_count=int(data.get("user_notes_count") or 0),
            people=_people(data.get("author"), *assignees),
        )


@dataclasses.dataclass(frozen=True)
class NoteRecord:
    id: int
    body: str
    author: str | None
    created_at: dt.datetime | None
    system: bool

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NoteRecord:
        return cls(
            id=int(data["id"]),
            body=str(data.get("body") or ""),
            author=_username(data.get("author")),
            created_at=parse_time(data.get("created_at")),
            system=bool(data.get("system")),
        )


@dataclasses.dataclass(frozen=True)
class LinkRecord:
    link_id: int
    iid: int
    project_id: int
    title: str
    state: str
    reference: str
    link_type: str
    labels: tuple[str, ...] = ()  # the linked issue's labels
    assignees: tuple[str, ...] = ()  # the linked issue's assignees' usernames

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinkRecord:
        refs = data.get("references") or {}
        assignees = data.get("assignees") or ([data["assignee"]] if data.get("assignee") else [])
        return cls(
            link_id=int(data.get("issue_link_id") or 0),
            iid=int(data["iid"]),
            project_id=int(data.get("project_id") or 0),
            title=str(data.get("title") or ""),
            state=str(data.get("state") or "opened"),
            reference=str(refs.get("full") or f"#{data['iid']}"),
            link_type=str(data.get("link_type") or "relates_to"),
            labels=tuple(
                label["name"] if isinstance(label, dict) else str(label)
                for label in data.get("labels") or ()
            ),
            assignees=tuple(n for n in (_username(a) for a in assignees) if n),
        )


@dataclasses.dataclass(frozen=True)
class LabelRecord:
    id: int
    name: str
    color: str
    description: str
    is_project_label: bool = True  # False: inherited from a group, not changeable here
    issues: int | None = None  # open and closed issues carrying it, when asked with counts

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LabelRecord:
        counts = [data.get(k) for k in ("open_issues_count", "closed_issues_count")]
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            color=str(data.get("color") or ""),
            description=str(data.get("description") or ""),
            is_project_label=data.get("is_project_label") is not False,
            issues=sum(int(c) for c in counts if c is not None) if any(counts) else None,
        )

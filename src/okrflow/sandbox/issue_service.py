"""Changing an issue as GitLab's ``Issues::UpdateService`` does, for every road in.

The API's create and update, quick actions (in descriptions and notes) and the
board (a card moved between lists) all end in :func:`apply_changes`: it drops what
the actor may not set (silently, as GitLab does), records a label event per
label added or removed, the system notes GitLab writes (title, description,
assignee, due date, confidentiality, lock), the contribution events (closed,
reopened) and moves ``updated_at``.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from okrflow.sandbox import auth
from okrflow.sandbox.rows import (
    GUEST,
    PLANNER,
    Event,
    Issue,
    IssueLink,
    LabelEvent,
    Note,
    Project,
    User,
)
from okrflow.sandbox.state import State

METADATA_KEYS = (
    "label_ids",
    "add_label_ids",
    "remove_label_ids",
    "assignee_ids",
    "due_date",
    "discussion_locked",
)


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who changes an issue and what GitLab's IssuePolicy lets them do to it."""

    user: User
    access: int  # the role in the issue's project
    persisted: bool  # False while the issue is being created
    author_or_assignee: bool = False

    @property
    def can_update(self) -> bool:
        """``update_issue``: title, description, close and reopen."""
        return self.user.is_admin or self.access >= PLANNER or self.author_or_assignee

    @property
    def can_set_metadata(self) -> bool:
        """``set_issue_metadata``: labels, assignee, due date, lock (members may set
        them on a new issue, GitLab issue 300100; on an existing one Planner+)."""
        if self.user.is_admin:
            return True
        return self.access >= (PLANNER if self.persisted else GUEST)

    @property
    def can_set_confidentiality(self) -> bool:
        return self.can_set_metadata or not self.persisted

    @property
    def can_link(self) -> bool:
        """``admin_issue_link``."""
        return self.user.is_admin or self.access >= PLANNER


def actor_for(state: State, user: User, project: Project, issue: Issue | None) -> Actor:
    access = auth.project_access(state, user, project)
    mine = issue is not None and (user.id == issue.author_id or user.id in issue.assignee_ids)
    return Actor(user, access, persisted=issue is not None, author_or_assignee=mine)


def record_event(
    state: State, project_id: int, author_id: int, action: str, target: Issue | Note, now: str
) -> Event:
    event = Event(
        id=state.next_id("events"),
        project_id=project_id,
        author_id=author_id,
        action=action,
        target_type="Issue" if isinstance(target, Issue) else "Note",
        target_id=target.id,
        created_at=now,
    )
    state.events[event.id] = event
    return event


def new_note(
    state: State,
    issue: Issue,
    author_id: int,
    body: str,
    now: str,
    *,
    system: bool = False,
    internal: bool = False,
) -> Note:
    """A note stored on the issue; saving it touches the issue (``updated_at``)."""
    note = Note(
        id=state.next_id("notes"),
        issue_id=issue.id,
        project_id=issue.project_id,
        body=body,
        author_id=author_id,
        created_at=now,
        updated_at=now,
        system=system,
        internal=internal,
    )
    state.notes[note.id] = note
    issue.updated_at = max(issue.updated_at, now)
    return note


def add_system_note(state: State, issue: Issue, author_id: int, body: str, now: str) -> Note:
    return new_note(state, issue, author_id, body, now, system=True)


def record_label_event(
    state: State, issue: Issue, user_id: int | None, label_id: int, action: str, now: str
) -> LabelEvent:
    event = LabelEvent(
        id=state.next_id("label_events"),
        issue_id=issue.id,
        project_id=issue.project_id,
        user_id=user_id,
        label_id=label_id,
        action=action,
        created_at=now,
    )
    state.label_events[event.id] = event
    return event


def set_labels(
    state: State, issue: Issue, label_ids: list[int], user_id: int | None, now: str
) -> bool:
    """Give the issue exactly ``label_ids``, one label event per change."""
    before = set(issue.label_ids)
    after = list(dict.fromkeys(label_ids))
    removed = [i for i in issue.label_ids if i not in set(after)]
    added = [i for i in after if i not in before]
    if not added and not removed:
        return False
    for action, ids in (("add", added), ("remove", removed)):
        for label_id in ids:
            record_label_event(state, issue, user_id, label_id, action, now)
    issue.label_ids = after
    return True


def change_state(state: State, issue: Issue, event: str, user: User, now: str) -> bool:
    if event == "close" and issue.state != "closed":
        issue.state, issue.closed_at, issue.closed_by_id = "closed", now, user.id
        record_event(state, issue.project_id, user.id, "closed", issue, now)
        return True
    if event == "reopen" and issue.state != "opened":
        issue.state, issue.closed_at, issue.closed_by_id = "opened", None, None
        record_event(state, issue.project_id, user.id, "reopened", issue, now)
        return True
    return False


def _day(text: str) -> str:
    day = date.fromisoformat(text)
    return f"{day:%B} {day.day}, {day.year}"


def _notes_for(state: State, issue: Issue, user: User, before: dict[str, Any], now: str) -> None:
    users = state.users
    if issue.title != before["title"]:
        text = f"changed title from **{before['title']}** to **{issue.title}**"
        add_system_note(state, issue, user.id, text, now)
    if issue.description != before["description"]:
        add_system_note(state, issue, user.id, "changed the description", now)
    if issue.confidential != before["confidential"]:
        text = (
            "made the issue confidential"
            if issue.confidential
            else ("made the issue visible to everyone")
        )
        add_system_note(state, issue, user.id, text, now)
    if bool(issue.discussion_locked) != bool(before["discussion_locked"]):
        verb = "locked" if issue.discussion_locked else "unlocked"
        add_system_note(state, issue, user.id, f"{verb} the discussion in this issue", now)
    if issue.due_date != before["due_date"]:
        text = (
            f"changed due date to {_day(issue.due_date)}"
            if issue.due_date
            else ("removed due date")
        )
        add_system_note(state, issue, user.id, text, now)
    _assignee_note(state, issue, user, before["assignee_ids"], now, users)


def _assignee_note(
    state: State, issue: Issue, user: User, old: list[int], now: str, users: dict[int, User]
) -> None:
    if issue.assignee_ids == old:
        return
    if issue.assignee_ids:
        name = users[issue.assignee_ids[0]].username
        add_system_note(state, issue, user.id, f"assigned to @{name}", now)
    else:
        names = ", ".join(f"@{users[i].username}" for i in old if i in users)
        add_system_note(state, issue, user.id, f"unassigned {names}", now)


def apply_changes(
    state: State, issue: Issue, actor: Actor, changes: dict[str, Any], now: str
) -> bool:
    """Apply ``changes`` (GitLab's update keys: ``title``, ``description``,
    ``label_ids``/``add_label_ids``/``remove_label_ids``, ``assignee_ids``,
    ``due_date``, ``confidential``, ``discussion_locked``, ``state_event``,
    ``issue_type``) as ``actor`` may; True when anything changed."""
    wanted = dict(changes)
    if not actor.can_set_metadata:
        for key in METADATA_KEYS:
            wanted.pop(key, None)
    if not actor.can_set_confidentiality:
        wanted.pop("confidential", None)
    if actor.persisted and not actor.can_update:
        for key in ("title", "description", "state_event"):
            wanted.pop(key, None)
    before = {
        "title": issue.title,
        "description": issue.description,
        "assignee_ids": list(issue.assignee_ids),
        "due_date": issue.due_date,
        "confidential": issue.confidential,
        "discussion_locked": issue.discussion_locked,
    }
    snapshot = repr(issue)
    labels_changed = False
    if any(key in wanted for key in ("label_ids", "add_label_ids", "remove_label_ids")):
        ids = list(wanted.get("label_ids", issue.label_ids))
        ids += [i for i in wanted.get("add_label_ids", []) if i not in ids]
        unwanted = set(wanted.get("remove_label_ids", []))
        user_id = actor.user.id
        labels_changed = set_labels(
            state, issue, [i for i in ids if i not in unwanted], user_id, now
        )
    for key in ("title", "description", "assignee_ids", "due_date", "confidential", "issue_type"):
        if key in wanted:
            setattr(issue, key, wanted[key])
    if "discussion_locked" in wanted:
        issue.discussion_locked = wanted["discussion_locked"]
    if wanted.get("state_event") and actor.persisted:
        change_state(state, issue, wanted["state_event"], actor.user, now)
    if repr(issue) == snapshot and not labels_changed:
        return False
    issue.updated_at = now
    if actor.persisted:  # a new issue gets label events but no system notes
        _notes_for(state, issue, actor.user, before, now)
    return True


# links ------------------------------------------------------------------------------
def _link_notes(
    state: State, one: Issue, other: Issue, author_id: int, verb: str, now: str
) -> None:
    """The system note on both issues (which also moves both ``updated_at``)."""
    for here, there in ((one, other), (other, one)):
        there_project = state.projects[there.project_id]
        ref = (
            f"#{there.iid}"
            if here.project_id == there.project_id
            else f"{there_project.path_with_namespace}#{there.iid}"
        )
        add_system_note(state, here, author_id, f"{verb} {ref}", now)


def find_link(state: State, one: Issue, other: Issue) -> IssueLink | None:
    pair = {one.id, other.id}
    return next((k for k in state.links.values() if {k.source_id, k.target_id} == pair), None)


def link_issues(state: State, source: Issue, target: Issue, user: User, now: str) -> IssueLink:
    """A ``relates_to`` link (the caller checked rights and duplicates)."""
    link = IssueLink(
        id=state.next_id("links"),
        source_id=source.id,
        target_id=target.id,
        created_at=now,
        updated_at=now,
    )
    state.links[link.id] = link
    _link_notes(state, source, target, user.id, "marked this issue as related to", now)
    return link


def unlink_issues(state: State, link: IssueLink, user: User, now: str) -> None:
    del state.links[link.id]
    source, target = state.issues.get(link.source_id), state.issues.get(link.target_id)
    if source is not None and target is not None:
        _link_notes(state, source, target, user.id, "removed the relation with", now)

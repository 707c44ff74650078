"""What each quick action does, with its author's permissions (``QuickActions::InterpretService``).

:func:`interpret` turns extracted commands into GitLab's update parameters
(``add_label_ids``, ``state_event``, ``assignee_ids`` ...), the execution messages
and the links to create or remove; the caller applies them through
:func:`okrflow.sandbox.issue_service.apply_changes` as GitLab does. A command whose
condition fails (``/close`` on a new or closed issue, metadata without the role,
``/title`` by someone who may not edit) does nothing. Modelled: ``/label``
``/labels`` ``/unlabel`` ``/remove_label`` ``/relabel`` ``/assign`` ``/unassign``
``/close`` ``/reopen`` ``/title`` ``/confidential`` ``/lock`` ``/unlock`` ``/due``
``/remove_due_date`` ``/relate`` ``/unlink`` ``/duplicate`` ``/board_move``
``/copy_metadata`` and the no-op bookkeeping of ``/todo`` ``/done`` ``/subscribe``
``/unsubscribe`` ``/react``. Every other known command is stripped and ignored.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from okrflow.sandbox import auth
from okrflow.sandbox.issue_service import Actor
from okrflow.sandbox.labelling import available_labels
from okrflow.sandbox.quick_actions import (
    Command,
    label_arguments,
    label_reference,
    parse_due,
    plural,
)
from okrflow.sandbox.rows import Issue, Label, Project, User
from okrflow.sandbox.state import State

_ISSUE_URL = re.compile(r"https?://[^/\s]+/(?P<path>.+?)/-/(?:issues|work_items)/(?P<iid>\d+)")
_ISSUE_REF = re.compile(r"(?P<path>[A-Za-z0-9_.\-/]+)?#(?P<iid>\d+)")


@dataclasses.dataclass
class Target:
    state: State
    project: Project
    issue: Issue  # not yet stored while an issue is being created
    actor: Actor
    today: date


@dataclasses.dataclass
class Interpretation:
    updates: dict[str, Any] = dataclasses.field(default_factory=dict)
    messages: list[str] = dataclasses.field(default_factory=list)
    relate: list[Issue] = dataclasses.field(default_factory=list)
    unlink: list[Issue] = dataclasses.field(default_factory=list)

    @property
    def message(self) -> str:
        return " ".join(self.messages)


def find_labels(target: Target, arg: str) -> list[Label]:
    labels = available_labels(target.state, target.project)
    by_id = {lab.id: lab for lab in labels}
    found: list[Label] = []
    for ref in label_arguments(arg):
        if isinstance(ref, int):
            label = by_id.get(ref)
        else:
            own = [lab for lab in labels if lab.name == ref]
            label = next((lab for lab in own if lab.project_id is not None), None) or (
                own[0] if own else None
            )
        if label is not None and label not in found:
            found.append(label)
    return found


def find_users(target: Target, arg: str) -> list[User] | None:
    """``@user``, ``me`` and ``@group`` (its members); None when one is unknown."""
    state = target.state
    found: list[User] = []
    for word in re.split(r"[\s,]+", arg.strip()):
        if not word or word == "and":
            continue
        if word == "me":
            found.append(target.actor.user)
            continue
        name = word.removeprefix("@")
        user = state.user_by_name(name)
        group = state.group_by_path(name)
        if user is not None:
            found.append(user)
        elif group is not None:
            found.extend(u for u in state.users.values() if u.username in group.members)
        else:
            return None
    return list({user.id: user for user in found}.values())


def find_issues(target: Target, arg: str) -> list[Issue]:
    state, project = target.state, target.project
    caller = auth.Caller(target.actor.user, None)
    found: list[Issue] = []
    for word in arg.split():
        match = _ISSUE_URL.fullmatch(word) or _ISSUE_REF.fullmatch(word)
        if match is None:
            continue
        path = match.group("path")
        if path and "/" not in path:
            path = f"{project.namespace_path}/{path}"
        other = state.project_by_path(path) if path else project
        issue = state.issue_by_iid(other.id, int(match.group("iid"))) if other else None
        if issue is not None and auth.can_read_issue(state, caller, issue):
            found.append(issue)
    return found


def reference(issue: Issue, target: Target) -> str:
    if issue.project_id == target.project.id:
        return f"#{issue.iid}"
    other = target.state.projects[issue.project_id]
    return f"{other.path_with_namespace}#{issue.iid}"


# the commands ---------------------------------------------------------------------
Run = Callable[[Target, str, Interpretation], None]


def _labels_changed(out: Interpretation, key: str, labels: list[Label], verb: str) -> None:
    ids = out.updates.setdefault(key, [])
    ids.extend(lab.id for lab in labels if lab.id not in ids)
    refs = " ".join(label_reference(lab.name) for lab in labels)
    out.messages.append(f"{verb} {refs} {plural('label', len(labels))}.")


def _label(target: Target, arg: str, out: Interpretation) -> None:
    if not target.actor.can_set_metadata:
        return
    labels = find_labels(target, arg)
    if labels:
        _labels_changed(out, "add_label_ids", labels, "Added")


def _unlabel(target: Target, arg: str, out: Interpretation) -> None:
    actor, issue = target.actor, target.issue
    if not (actor.persisted and issue.label_ids and actor.can_set_metadata):
        return
    if not arg:
        out.updates["label_ids"] = []
        out.messages.append("Removed all labels.")
        return
    labels = find_labels(target, arg)
    if labels:
        _labels_changed(out, "remove_label_ids", labels, "Removed")


def _relabel(target: Target, arg: str, out: Interpretation) -> None:
    actor = target.actor
    if not (actor.persisted and target.issue.label_ids and actor.can_set_metadata):
        return
    labels = find_labels(target, arg)
    if labels:
        out.updates["label_ids"] = [lab.id for lab in labels]
        refs = " ".join(label_reference(lab.name) for lab in labels)
        out.messages.append(f"Replaced all labels with {refs} {plural('label', len(labels))}.")


def _assign(target: Target, arg: str, out: Interpretation) -> None:
    if not target.actor.can_set_metadata:
        return
    users = find_users(target, arg)
    if not users:
        out.messages.append("Failed to assign a user because no user was found.")
        return
    out.updates["assignee_ids"] = [users[0].id]  # Free: one assignee
    out.messages.append(f"Assigned @{users[0].username}.")


def _unassign(target: Target, arg: str, out: Interpretation) -> None:
    actor, issue = target.actor, target.issue
    if actor.persisted and issue.assignee_ids and actor.can_set_metadata:
        names = [target.state.users[i].username for i in issue.assignee_ids]
        out.updates["assignee_ids"] = []
        listed = ", ".join(f"@{name}" for name in names)
        out.messages.append(f"Removed {plural('assignee', len(names))} {listed}.")


def _state(event: str) -> Run:
    def run(target: Target, arg: str, out: Interpretation) -> None:
        actor, issue = target.actor, target.issue
        wanted = "opened" if event == "close" else "closed"
        if actor.persisted and issue.state == wanted and actor.can_update:
            out.updates["state_event"] = event
            out.messages.append(
                "Closed this issue." if event == "close" else "Reopened this issue."
            )

    return run


def _title(target: Target, arg: str, out: Interpretation) -> None:
    if target.actor.persisted and target.actor.can_update and arg:
        out.updates["title"] = arg
        out.messages.append(f'Changed the title to "{arg}".')


def _confidential(target: Target, arg: str, out: Interpretation) -> None:
    if not target.issue.confidential and target.actor.can_set_confidentiality:
        out.updates["confidential"] = True
        out.messages.append("Made this issue confidential.")


def _lock(locked: bool) -> Run:
    def run(target: Target, arg: str, out: Interpretation) -> None:
        actor = target.actor
        changes = bool(target.issue.discussion_locked) != locked
        if actor.persisted and changes and actor.can_set_metadata:
            out.updates["discussion_locked"] = locked
            out.messages.append("Locked the discussion." if locked else "Unlocked the discussion.")

    return run


def _due(target: Target, arg: str, out: Interpretation) -> None:
    if not target.actor.can_set_metadata:
        return
    day = parse_due(arg, target.today)
    if day is None:
        out.messages.append("Failed to set due date because the date format is invalid.")
        return
    out.updates["due_date"] = day.isoformat()
    out.messages.append(f"Set the due date to {day:%b} {day.day}, {day.year}.")


def _remove_due(target: Target, arg: str, out: Interpretation) -> None:
    actor = target.actor
    if actor.persisted and target.issue.due_date and actor.can_set_metadata:
        out.updates["due_date"] = None
        out.messages.append("Removed the due date.")


def _relate(target: Target, arg: str, out: Interpretation) -> None:
    if not target.actor.can_link:
        return
    issues = [i for i in find_issues(target, arg) if i.id != target.issue.id]
    if issues:
        out.relate.extend(issues)
        refs = ", ".join(reference(i, target) for i in issues)
        out.messages.append(f"Added {refs} as a linked item related to this issue.")


def _unlink(target: Target, arg: str, out: Interpretation) -> None:
    if not (target.actor.persisted and target.actor.can_link):
        return
    issues = find_issues(target, arg)[:1]
    if issues:
        out.unlink.extend(issues)
        out.messages.append(f"Removed linked item {reference(issues[0], target)}.")
    else:
        out.messages.append("No linked issue matches the provided parameter.")


def _duplicate(target: Target, arg: str, out: Interpretation) -> None:
    actor = target.actor
    if not (actor.persisted and actor.can_set_metadata):
        return
    found = [i for i in find_issues(target, arg) if i.id != target.issue.id][:1]
    if not found:
        out.messages.append(
            "Failed to mark this issue as a duplicate because referenced issue was not found."
        )
        return
    out.updates["canonical_issue_id"] = found[0].id
    out.updates["state_event"] = "close"
    out.relate.extend(found)
    ref = reference(found[0], target)
    out.messages.append(f"Closed this issue. Marked as related to, and a duplicate of, {ref}.")


def _board_move(target: Target, arg: str, out: Interpretation) -> None:
    state, project = target.state, target.project
    boards = [b for b in state.boards.values() if b.project_id == project.id]
    if not (target.actor.can_set_metadata and len(boards) == 1):
        return
    labels = find_labels(target, arg)
    on_board = {lst.label_id for lst in state.lists.values() if lst.board_id == boards[0].id}
    if len(labels) != 1:
        out.messages.append(
            "Failed to move this issue because only a single label can be provided."
        )
    elif labels[0].id not in on_board:
        out.messages.append("Failed to move this issue because label was not found.")
    else:
        moved = labels[0].id
        out.updates["remove_label_ids"] = [
            i for i in target.issue.label_ids if i in on_board and i != moved
        ]
        out.updates["add_label_ids"] = [moved]
        out.messages.append(
            f"Moved issue to {label_reference(labels[0].name)} column in the board."
        )


def _copy_metadata(target: Target, arg: str, out: Interpretation) -> None:
    if not target.actor.can_set_metadata:
        return
    sources = [i for i in find_issues(target, arg) if i.project_id == target.project.id][:1]
    if sources:
        ids = out.updates.setdefault("add_label_ids", [])
        ids.extend(i for i in sources[0].label_ids if i not in ids)
        out.messages.append(f"Copied labels and milestone from #{sources[0].iid}.")


def _bookkeeping(key: str, value: str, message: str) -> Run:
    def run(target: Target, arg: str, out: Interpretation) -> None:
        if target.actor.persisted:
            out.updates[key] = arg.strip(":") if value == "arg" else value
            out.messages.append(message)

    return run


COMMANDS: dict[str, Run] = {
    "label": _label,
    "labels": _label,
    "unlabel": _unlabel,
    "remove_label": _unlabel,
    "relabel": _relabel,
    "assign": _assign,
    "unassign": _unassign,
    "close": _state("close"),
    "reopen": _state("reopen"),
    "title": _title,
    "confidential": _confidential,
    "lock": _lock(True),
    "unlock": _lock(False),
    "due": _due,
    "remove_due_date": _remove_due,
    "relate": _relate,
    "unlink": _unlink,
    "duplicate": _duplicate,
    "board_move": _board_move,
    "copy_metadata": _copy_metadata,
    "todo": _bookkeeping("todo_event", "add", "Added a to-do item."),
    "done": _bookkeeping("todo_event", "done", "Marked to-do item as done."),
    "subscribe": _bookkeeping("subscription_event", "subscribe", "Subscribed to notifications."),
    "unsubscribe": _bookkeeping(
        "subscription_event", "unsubscribe", "Unsubscribed from notifications."
    ),
    "react": _bookkeeping("emoji_award", "arg", "Toggled emoji reaction."),
    "award": _bookkeeping("emoji_award", "arg", "Toggled emoji reaction."),
}


def interpret(target: Target, commands: list[Command]) -> Interpretation:
    out = Interpretation()
    for command in commands:
        run = COMMANDS.get(command.name)
        if run is not None:
            run(target, command.arg, out)
    return out

"""Quick actions in issue descriptions and notes (``/label ~x``, ``/close`` ...).

Command lines start at the beginning of a line outside fenced code blocks; the
recognised ones are executed and removed from the stored text, unknown ``/words``
stay. ``/label`` applies existing labels only (project or ancestor group).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from typing import Any

from okrflow.sandbox.labelling import label_by_title
from okrflow.sandbox.state import PLANNER, Issue, Project, State

_COMMAND = re.compile(r"^/(?P<cmd>[a-z_]+)(?:[ \t]+(?P<arg>.*))?$")
_LABEL_TOKEN = re.compile(r'~"(?P<quoted>[^"]+)"|~(?P<bare>[^\s~"]+)|(?P<word>[^\s~"]+)')
_FENCE = re.compile(r"^\s*(```|~~~)")

KNOWN = {
    "label",
    "labels",
    "unlabel",
    "remove_label",
    "relabel",
    "assign",
    "unassign",
    "close",
    "reopen",
    "due",
    "remove_due_date",
    "title",
    "confidential",
}


@dataclasses.dataclass
class Command:
    name: str
    arg: str


def extract(text: str) -> tuple[str, list[Command]]:
    """The text without command lines, and the commands in order."""
    kept: list[str] = []
    commands: list[Command] = []
    fenced = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            kept.append(line)
            continue
        found = None if fenced else _COMMAND.match(line.rstrip("\r"))
        if found and found.group("cmd") in KNOWN:
            commands.append(Command(found.group("cmd"), (found.group("arg") or "").strip()))
            continue
        kept.append(line)
    return "\n".join(kept).strip("\n") if commands else text, commands


def label_titles(arg: str) -> list[str]:
    titles = []
    for match in _LABEL_TOKEN.finditer(arg):
        title = match.group("quoted") or match.group("bare") or match.group("word") or ""
        if title.strip():
            titles.append(title.strip())
    return titles


def _due(arg: str, today: date) -> str | None:
    text = arg.strip().lower()
    if text == "today":
        return today.isoformat()
    if text == "tomorrow":
        return (today + timedelta(days=1)).isoformat()
    found = re.fullmatch(r"in (\d{1,4}) (day|days|week|weeks)", text)
    if found:
        amount = int(found.group(1)) * (7 if found.group(2).startswith("week") else 1)
        return (today + timedelta(days=amount)).isoformat()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


@dataclasses.dataclass
class Outcome:
    changes: dict[str, Any] = dataclasses.field(default_factory=dict)
    messages: list[str] = dataclasses.field(default_factory=list)
    state_event: str | None = None


def execute(
    state: State,
    project: Project,
    issue: Issue,
    commands: list[Command],
    *,
    access: int,
    today: date,
) -> Outcome:
    """Apply ``commands`` to ``issue`` (metadata commands need the Planner role)."""
    outcome = Outcome()
    may_edit = access >= PLANNER
    for command in commands:
        name = command.name
        if name in ("label", "labels", "relabel") and may_edit:
            ids = []
            for title in label_titles(command.arg):
                label = label_by_title(state, project, title)
                if label is not None:
                    ids.append(label.id)
            if name == "relabel":
                issue.label_ids = []
            for label_id in ids:
                if label_id not in issue.label_ids:
                    issue.label_ids.append(label_id)
            outcome.changes.setdefault("add_label_ids", []).extend(ids)
            outcome.messages.append(f"Added {len(ids)} label(s).")
        elif name in ("unlabel", "remove_label") and may_edit:
            titles = label_titles(command.arg)
            if not titles:
                outcome.changes["remove_label_ids"] = list(issue.label_ids)
                issue.label_ids = []
            else:
                names = set(titles)
                removed = [i for i in issue.label_ids if state.labels[i].name in names]
                issue.label_ids = [i for i in issue.label_ids if i not in removed]
                outcome.changes.setdefault("remove_label_ids", []).extend(removed)
            outcome.messages.append("Removed label(s).")
        elif name == "assign" and may_edit:
            for token in command.arg.split():
                username = token.lstrip("@")
                user = state.user_by_name(username)
                if user is not None:
                    issue.assignee_ids = [user.id]  # Free: one assignee
                    outcome.changes["assignee_ids"] = [user.id]
                    outcome.messages.append(f"Assigned @{user.username}.")
                    break
        elif name == "unassign" and may_edit:
            issue.assignee_ids = []
            outcome.changes["assignee_ids"] = []
            outcome.messages.append("Removed assignee.")
        elif name in ("close", "reopen") and may_edit:
            outcome.state_event = name
            outcome.changes["state_event"] = name
            outcome.messages.append("Closed this issue." if name == "close" else "Reopened.")
        elif name == "due" and may_edit:
            due = _due(command.arg, today)
            if due is not None:
                issue.due_date = due
                outcome.changes["due_date"] = due
                outcome.messages.append(f"Set the due date to {due}.")
        elif name == "remove_due_date" and may_edit:
            issue.due_date = None
            outcome.changes["due_date"] = None
            outcome.messages.append("Removed the due date.")
        elif name == "title" and command.arg and len(command.arg) <= 255:
            issue.title = command.arg
            outcome.changes["title"] = command.arg
            outcome.messages.append(f"Changed the title to {command.arg!r}.")
        elif name == "confidential" and may_edit:
            issue.confidential = True
            outcome.changes["confidential"] = True
            outcome.messages.append("Made this issue confidential.")
    return outcome

"""Mentions GitLab turns into to-dos and notifications, recorded as :class:`Mention` rows.

An issue's title and description (on create and when edited; GitLab's
``attr_mentionable :title`` and ``:description``, read together as
:func:`issue_text`) or a note (on create and edit) mentions
``@username`` (a user), ``@group/path`` (every member of a group the author can
see) or ``@all`` (the project's members), as :func:`okrflow.sandbox.markup.mention_names`
finds them: not in code, links, HTML comments or after a backslash. An edit
records only what the old text did not already mention. ``user_ids`` are those who
get a to-do: readers of the issue, never the author. Names that are neither a user
nor a group mention nobody, as on GitLab.
"""

from __future__ import annotations

from okrflow.sandbox import auth
from okrflow.sandbox.markup import mention_candidates, mention_names
from okrflow.sandbox.rows import Issue, Mention, Note, User
from okrflow.sandbox.state import State


def issue_text(title: str | None, description: str | None) -> str:
    """What GitLab reads an issue's mentions from: its title (stripped, one line) and
    its description."""
    return f"{(title or '').strip()}\n\n{description or ''}"


def _resolvable(state: State, names: set[str]) -> bool:
    return any(
        name == "all" or state.user_by_name(name) or state.group_by_path(name) for name in names
    )


def _mentioned(state: State, text: str | None) -> dict[str, str]:
    """``{lower-case name: name as written}`` of what ``text`` mentions."""
    if not text or not _resolvable(state, mention_candidates(text)):
        return {}
    return {name.lower(): name for name in mention_names(text)}


def _reach(state: State, issue: Issue, author: User, kind: str, name: str) -> list[int]:
    project = state.projects[issue.project_id]
    if kind == "user":
        user = state.user_by_name(name)
        candidates = [user] if user else []
    elif kind == "group":
        group = state.group_by_path(name)
        members = set(group.members) if group else set()
        candidates = [u for u in state.users.values() if u.username in members]
    else:
        levels = {g.id for g in state.group_ancestors(project.group_id)}
        members = set(project.members)
        for group in state.groups.values():
            if group.id in levels:
                members |= set(group.members)
        candidates = [u for u in state.users.values() if u.username in members]
    return [
        u.id
        for u in candidates
        if u.id != author.id and auth.can_read_issue(state, auth.Caller(u, None), issue)
    ]


def record_mentions(
    state: State,
    issue: Issue,
    author: User,
    new_text: str | None,
    *,
    old_text: str | None = None,
    note: Note | None = None,
    now: str,
) -> list[Mention]:
    """Record what ``new_text`` mentions that ``old_text`` did not."""
    wanted = _mentioned(state, new_text)
    if not wanted:
        return []
    already = _mentioned(state, old_text)
    caller = auth.Caller(author, None)
    recorded = []
    for lowered, name in wanted.items():
        if lowered in already:
            continue
        if lowered == "all":
            kind = "all"
        elif state.user_by_name(lowered) is not None:
            kind = "user"
        else:
            group = state.group_by_path(lowered)
            if group is None or not auth.can_read_group(state, caller, group):
                continue
            kind = "group"
        mention = Mention(
            id=state.next_id("mentions"),
            project_id=issue.project_id,
            issue_id=issue.id,
            note_id=note.id if note else None,
            author_id=author.id,
            kind=kind,
            name=name,
            user_ids=_reach(state, issue, author, kind, name),
            created_at=now,
        )
        state.mentions[mention.id] = mention
        recorded.append(mention)
    return recorded

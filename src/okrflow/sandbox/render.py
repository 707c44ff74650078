"""JSON shapes of GitLab's API entities (UserBasic, Project, Group, Issue, Label, Note).

Shapes follow GitLab's entities as described in FACTS.md and stay inside the
JSON schemas where those forbid extra keys (user objects, notes, board lists).
URLs are built from the base URL the client used.
"""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

from okrflow.sandbox.colors import text_color
from okrflow.sandbox.context import Ctx
from okrflow.sandbox.state import (
    Group,
    Issue,
    Label,
    Note,
    Project,
    User,
)

_TASK = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+\[([ xX~])\]\s", re.MULTILINE)


def avatar_url(user: User) -> str:
    digest = hashlib.md5(user.email.lower().encode(), usedforsecurity=False).hexdigest()
    return f"https://www.gravatar.com/avatar/{digest}?s=80&d=identicon"


def user_basic(ctx: Ctx, user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "state": user.state,
        "avatar_url": avatar_url(user),
        "web_url": f"{ctx.web_base()}/{user.username}",
    }


def user_by_id(ctx: Ctx, user_id: int | None) -> dict[str, Any] | None:
    if user_id is None:
        return None
    return user_basic(ctx, ctx.state.users.get(user_id))


def user_detail(ctx: Ctx, user: User) -> dict[str, Any]:
    data = user_basic(ctx, user) or {}
    data.update(
        {
            "locked": False,
            "created_at": user.created_at,
            "bio": user.bio,
            "location": "",
            "public_email": None,
            "organization": "",
            "job_title": "",
            "bot": False,
            "last_sign_in_at": user.created_at,
            "confirmed_at": user.created_at,
            "last_activity_on": ctx.clock.now().date().isoformat(),
            "email": user.email,
            "theme_id": 1,
            "color_scheme_id": 1,
            "projects_limit": 100000,
            "identities": [],
            "can_create_group": True,
            "can_create_project": True,
            "two_factor_enabled": False,
            "external": False,
            "private_profile": False,
            "commit_email": user.email,
            "is_admin": user.is_admin,
        }
    )
    return data


def namespace(ctx: Ctx, project: Project) -> dict[str, Any]:
    group = ctx.state.groups.get(project.group_id) if project.group_id else None
    if group is not None:
        return {
            "id": group.id,
            "name": group.name,
            "path": group.path,
            "kind": "group",
            "full_path": group.full_path,
            "parent_id": group.parent_id,
            "avatar_url": None,
            "web_url": f"{ctx.web_base()}/groups/{group.full_path}",
        }
    owner = ctx.state.user_by_name(project.namespace_path)
    return {
        "id": owner.id if owner else 0,
        "name": owner.name if owner else project.namespace_path,
        "path": project.namespace_path,
        "kind": "user",
        "full_path": project.namespace_path,
        "parent_id": None,
        "avatar_url": avatar_url(owner) if owner else None,
        "web_url": f"{ctx.web_base()}/{project.namespace_path}",
    }


def project_basic(ctx: Ctx, project: Project) -> dict[str, Any]:
    """ProjectBasic as embedded in boards (only the keys board.json allows)."""
    base = ctx.web_base()
    full = project.path_with_namespace
    host = base.split("://", 1)[-1].split(":")[0]
    group = ctx.state.groups.get(project.group_id) if project.group_id else None
    ns_name = group.name if group else project.namespace_path
    return {
        "id": project.id,
        "description": project.description or None,
        "name": project.name,
        "name_with_namespace": f"{ns_name} / {project.name}",
        "path": project.path,
        "path_with_namespace": full,
        "created_at": project.created_at,
        "default_branch": project.default_branch,
        "tag_list": [],
        "topics": [],
        "ssh_url_to_repo": f"git@{host}:{full}.git",
        "http_url_to_repo": f"{base}/{full}.git",
        "web_url": f"{base}/{full}",
        "readme_url": None,
        "avatar_url": None,
        "forks_count": 0,
        "star_count": 0,
        "last_activity_at": project.last_activity_at,
        "namespace": namespace(ctx, project),
    }


def project_full(ctx: Ctx, project: Project) -> dict[str, Any]:
    data = project_basic(ctx, project)
    api = f"{ctx.req.api_base}/projects/{project.id}"
    access = project.members.get(ctx.user.username) if ctx.user else None
    group_level = ctx.access(project) if ctx.user and project.group_id else None
    data.update(
        {
            "description_html": f"<p>{html.escape(project.description)}</p>"
            if project.description
            else "",
            "visibility": project.visibility,
            "_links": {
                "self": api,
                "issues": f"{api}/issues",
                "labels": f"{api}/labels",
                "repo_branches": f"{api}/repository/branches",
                "members": f"{api}/members",
            },
            "empty_repo": not any(f.project_id == project.id for f in ctx.state.files.values()),
            "archived": False,
            "issues_enabled": True,
            "merge_requests_enabled": True,
            "wiki_enabled": True,
            "jobs_enabled": True,
            "open_issues_count": sum(
                1
                for i in ctx.state.issues.values()
                if i.project_id == project.id and i.state == "opened"
            ),
            "creator_id": next(iter(ctx.state.users), 0),
            "issues_access_level": "enabled",
            "issue_branch_template": None,
            "permissions": {
                "project_access": {"access_level": access, "notification_level": 3}
                if access
                else None,
                "group_access": {"access_level": group_level, "notification_level": 3}
                if group_level
                else None,
            },
        }
    )
    return data


def group_json(ctx: Ctx, group: Group) -> dict[str, Any]:
    return {
        "id": group.id,
        "web_url": f"{ctx.web_base()}/groups/{group.full_path}",
        "name": group.name,
        "path": group.path,
        "description": group.description,
        "visibility": group.visibility,
        "full_name": " / ".join(g.name for g in reversed(ctx.state.group_ancestors(group.id))),
        "full_path": group.full_path,
        "created_at": group.created_at,
        "parent_id": group.parent_id,
        "avatar_url": None,
        "organization_id": 1,
    }


def _description_html(text: str | None) -> str:
    return f'<p dir="auto">{html.escape(text)}</p>' if text else ""


def label_basic(label: Label) -> dict[str, Any]:
    return {
        "id": label.id,
        "name": label.name,
        "description": label.description,
        "description_html": _description_html(label.description),
        "text_color": text_color(label.color),
        "color": label.color,
        "remove_on_close": False,
    }


def label_json(ctx: Ctx, label: Label, *, with_counts: bool = False) -> dict[str, Any]:
    data = label_basic(label)
    data["subscribed"] = False
    if label.project_id is not None:
        data["priority"] = label.priority
        data["is_project_label"] = True
    elif ctx.req.path.startswith("/projects/"):
        data["priority"] = None
        data["is_project_label"] = False
    if with_counts:
        carrying = [
            i
            for i in ctx.state.issues.values()
            if label.id in i.label_ids and ctx.can_read_issue(i)
        ]
        data["open_issues_count"] = sum(1 for i in carrying if i.state == "opened")
        data["closed_issues_count"] = sum(1 for i in carrying if i.state == "closed")
        data["open_merge_requests_count"] = 0
    return data


def label_names(ctx: Ctx, issue: Issue) -> list[Label]:
    labels = [ctx.state.labels[i] for i in issue.label_ids if i in ctx.state.labels]
    return sorted(labels, key=lambda lab: lab.name)


def reference_from(issue: Issue, project: Project, relative_to: Project | Group | None) -> str:
    if isinstance(relative_to, Project) and relative_to.id == project.id:
        return f"#{issue.iid}"
    if isinstance(relative_to, Group) and project.namespace_path == relative_to.full_path:
        return f"{project.path}#{issue.iid}"
    return f"{project.path_with_namespace}#{issue.iid}"


def issue_json(
    ctx: Ctx,
    issue: Issue,
    *,
    single: bool = False,
    relative_to: Project | Group | None = None,
    labels_details: bool = False,
    notes: list[Note] | None = None,
) -> dict[str, Any]:
    """``notes``: the issue's notes, when the caller already has them."""
    state = ctx.state
    project = state.projects[issue.project_id]
    base = ctx.web_base()
    api = f"{ctx.req.api_base}/projects/{project.id}"
    assignees = [user_by_id(ctx, uid) for uid in issue.assignee_ids if uid in state.users]
    if notes is None:
        notes = state.notes_of(issue.id)
    labels = label_names(ctx, issue)
    tasks = _TASK.findall(issue.description or "")
    done = sum(1 for mark in tasks if mark in "xX")
    data: dict[str, Any] = {
        "id": issue.id,
        "iid": issue.iid,
        "project_id": project.id,
        "title": issue.title,
        "description": issue.description,
        "state": issue.state,
        "created_at": issue.created_at,
        "updated_at": issue.updated_at,
        "closed_at": issue.closed_at,
        "closed_by": user_by_id(ctx, issue.closed_by_id),
        "labels": [label_basic(lab) for lab in labels]
        if labels_details
        else [lab.name for lab in labels],
        "milestone": None,
        "assignees": assignees,
        "author": user_by_id(ctx, issue.author_id),
        "type": issue.issue_type.upper(),
        "assignee": assignees[0] if assignees else None,
        "user_notes_count": sum(1 for n in notes if not n.system),
        "merge_requests_count": 0,
        "upvotes": 0,
        "downvotes": 0,
        "due_date": issue.due_date,
        "confidential": issue.confidential,
        "discussion_locked": issue.discussion_locked,
        "issue_type": issue.issue_type,
        "web_url": f"{base}/{project.path_with_namespace}/-/issues/{issue.iid}",
        "time_stats": {
            "time_estimate": 0,
            "total_time_spent": 0,
            "human_time_estimate": None,
            "human_total_time_spent": None,
        },
        "task_completion_status": {"count": len(tasks), "completed_count": done},
        "has_tasks": bool(tasks),
        "_links": {
            "self": f"{api}/issues/{issue.iid}",
            "notes": f"{api}/issues/{issue.iid}/notes",
            "award_emoji": f"{api}/issues/{issue.iid}/award_emoji",
            "project": api,
            "closed_as_duplicate_of": None,
        },
        "references": {
            "short": f"#{issue.iid}",
            "relative": reference_from(issue, project, relative_to),
            "full": f"{project.path_with_namespace}#{issue.iid}",
        },
        "severity": "UNKNOWN",
        "moved_to_id": None,
        "imported": False,
        "imported_from": "none",
        "service_desk_reply_to": None,
    }
    if tasks:
        data["task_status"] = f"{done} of {len(tasks)} checklist items completed"
    if single:
        user = ctx.user
        data["subscribed"] = bool(
            user
            and (
                user.id == issue.author_id
                or user.id in issue.assignee_ids
                or any(n.author_id == user.id and not n.system for n in notes)
            )
        )
    return data


def note_json(
    ctx: Ctx, note: Note, *, commands_changes: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Entities::Note (the keys notes.json allows); ``commands_changes`` is what
    the note's quick actions changed, only on the answer that created it."""
    issue = ctx.state.issues.get(note.issue_id)
    return {
        "id": note.id,
        "type": None,
        "body": note.body,
        "attachment": None,
        "author": user_by_id(ctx, note.author_id),
        "created_at": note.created_at,
        "updated_at": note.updated_at,
        "system": note.system,
        "noteable_id": note.issue_id,
        "noteable_type": "Issue",
        "noteable_iid": issue.iid if issue else None,
        "resolvable": False,
        "confidential": note.internal,
        "internal": note.internal,
        "commands_changes": commands_changes or {},
    }

"""Issues: lists (project, group, global), one by iid, create, update, delete.

Writes go through :mod:`okrflow.sandbox.issue_service` (what the caller may set,
label events, system notes, events); quick actions in a description run with the
author's rights (:mod:`okrflow.sandbox.quick_commands`), mentions are recorded.
"""

from __future__ import annotations

from typing import Any

from okrflow.sandbox import auth, quick_actions
from okrflow.sandbox.clock import format_time
from okrflow.sandbox.context import Ctx
from okrflow.sandbox.issue_query import select
from okrflow.sandbox.issue_service import (
    Actor,
    actor_for,
    add_system_note,
    apply_changes,
    find_link,
    link_issues,
    record_event,
    unlink_issues,
)
from okrflow.sandbox.labelling import label_by_title, resolve_labels
from okrflow.sandbox.mentions import issue_text, record_mentions
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.quick_commands import Interpretation, Target, interpret
from okrflow.sandbox.render import issue_json
from okrflow.sandbox.request import Response, at_least_one, forbidden, validation
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.rows import OWNER, PLANNER, Group, Issue, Project

routes = RouteTable()

TITLE_MAX = 255
DESCRIPTION_MAX = 1_048_576
ISSUE_TYPES = ("issue", "incident", "test_case", "task")
UPDATE_KEYS = (
    "title",
    "description",
    "assignee_ids",
    "assignee_id",
    "milestone_id",
    "discussion_locked",
    "labels",
    "add_labels",
    "remove_labels",
    "created_at",
    "due_date",
    "confidential",
    "state_event",
    "issue_type",
    "updated_at",
    "weight",
    "epic_id",
    "epic_iid",
)


# lists -----------------------------------------------------------------------
def _list(ctx: Ctx, issues: list[Issue], scope: str, relative: Project | Group | None) -> Response:
    chosen = select(ctx, issues, scope)
    keyset = chosen.key if chosen.keyset_ok else None
    page, headers = paginate(
        ctx.req, chosen.issues, keyset_key=keyset, descending=chosen.descending
    )
    details = bool(ctx.params.flag("with_labels_details"))
    body = [issue_json(ctx, i, relative_to=relative, labels_details=details) for i in page]
    return Response(200, body, headers)


@routes.get("/issues", auth=True)
def list_all_issues(ctx: Ctx) -> Response:
    return _list(ctx, list(ctx.state.issues.values()), "created_by_me", None)


@routes.get("/projects/:id/issues", job_token=True)
def list_project_issues(ctx: Ctx) -> Response:
    project = ctx.project()
    return _list(ctx, ctx.state.issues_of(project.id), "all", project)


@routes.get("/groups/:id/issues")
def list_group_issues(ctx: Ctx) -> Response:
    """Every issue of the group's projects and its subgroups' (readable ones only)."""
    group = ctx.group()
    state = ctx.state
    groups = {g.id for g in state.group_descendants(group.id)}
    issues: list[Issue] = []
    for project in state.projects.values():
        if project.group_id in groups and auth.can_read_project(state, ctx.caller, project):
            issues.extend(state.issues_of(project.id))
    return _list(ctx, issues, "all", group)


@routes.get("/projects/:id/issues/:issue_iid", job_token=True)
def get_issue(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    return Response(200, issue_json(ctx, issue, single=True, relative_to=project))


# parameters --------------------------------------------------------------------
def _check_text(title: str | None, description: str | None) -> None:
    errors: dict[str, list[str]] = {}
    if title is not None:
        if not title.strip():
            errors["title"] = ["can't be blank"]
        elif len(title) > TITLE_MAX:
            errors["title"] = [f"is too long (maximum is {TITLE_MAX} characters)"]
    if description is not None and len(description) > DESCRIPTION_MAX:
        errors["description"] = [f"is too long (maximum is {DESCRIPTION_MAX} characters)"]
    if errors:
        raise validation(errors)


def _assignees(ctx: Ctx, project: Project) -> list[int] | None:
    """The requested assignee (Free keeps only the first), ``[]`` to clear."""
    params = ctx.params
    ids = params.list_int("assignee_ids")
    if ids is None:
        single = params.integer("assignee_id") if params.has("assignee_id") else None
        if single is None and not params.has("assignee_id"):
            return None
        ids = [single] if single else []
    for user_id in ids:
        user = ctx.state.users.get(user_id)
        if user is None:
            continue
        if auth.can_read_project(ctx.state, auth.Caller(user, None), project):
            return [user.id]
    return []


def _requested(ctx: Ctx, project: Project, access: int) -> dict[str, Any]:
    """The issue fields the request sets, as GitLab's update parameters."""
    params = ctx.params
    state = ctx.state
    may_create_labels = access >= PLANNER
    now = ctx.now()
    wanted: dict[str, Any] = {}
    if params.has("labels"):
        names = params.list_str("labels") or []
        wanted["label_ids"] = resolve_labels(
            state, project, names, create=may_create_labels, now=now
        )
    added = params.list_str("add_labels")
    if added:
        ids = resolve_labels(state, project, added, create=may_create_labels, now=now)
        wanted["add_label_ids"] = ids
    removed = params.list_str("remove_labels")
    if removed:
        found = (label_by_title(state, project, name) for name in removed)
        wanted["remove_label_ids"] = [label.id for label in found if label is not None]
    assignees = _assignees(ctx, project)
    if assignees is not None:
        wanted["assignee_ids"] = assignees
    if params.has("due_date"):
        day = params.day("due_date")
        wanted["due_date"] = day.isoformat() if day else None
    for key in ("confidential", "discussion_locked"):
        value = params.flag(key)
        if value is not None:
            wanted[key] = value
    if params.has("issue_type"):
        wanted["issue_type"] = params.choice("issue_type", ISSUE_TYPES, "issue")
    event = params.choice("state_event", ("close", "reopen"), "")
    if event:
        wanted["state_event"] = event
    return wanted


def after_commands(ctx: Ctx, issue: Issue, actor: Actor, result: Interpretation, now: str) -> None:
    """Links ``/relate`` (and ``/duplicate``) asked for, ``/unlink`` removals."""
    state, user = ctx.state, actor.user
    for other in result.relate:
        other_project = state.projects[other.project_id]
        if auth.project_access(state, user, other_project) < PLANNER and not user.is_admin:
            continue
        if find_link(state, issue, other) is None:
            link_issues(state, issue, other, user, now)
    for other in result.unlink:
        link = find_link(state, issue, other)
        if link is not None:
            unlink_issues(state, link, user, now)
    canonical = state.issues.get(result.updates.get("canonical_issue_id", -1))
    if canonical is not None:
        ref = (
            f"#{canonical.iid}"
            if canonical.project_id == issue.project_id
            else (f"{state.projects[canonical.project_id].path_with_namespace}#{canonical.iid}")
        )
        add_system_note(state, issue, user.id, f"marked this issue as a duplicate of {ref}", now)


# writes ------------------------------------------------------------------------
@routes.post("/projects/:id/issues")
def create_issue(ctx: Ctx) -> Response:
    project = ctx.project()
    user = ctx.require_user()
    ctx.throttle("issues_create")
    params = ctx.params
    title = params.string("title", required=True)
    description = params.string("description")
    params.choice("issue_type", ISSUE_TYPES, "issue")
    params.day("due_date")
    _check_text(title, description)
    assert title is not None
    state = ctx.state
    actor = actor_for(state, user, project, None)
    now = ctx.now()
    created = params.time("created_at") if actor.access >= OWNER else None
    if created is not None:
        now = format_time(created)
    normalize = ctx.normalize_text
    text, commands = (
        quick_actions.extract(description, normalize=normalize)
        if description is not None
        else (None, [])
    )
    issue = Issue(
        id=state.next_id("issues"),
        iid=project.next_iid,
        project_id=project.id,
        title=title,
        description=text,
        author_id=user.id,
        created_at=now,
        updated_at=now,
    )
    result = interpret(Target(state, project, issue, actor, ctx.clock.now().date()), commands)
    wanted = {**_requested(ctx, project, actor.access), **result.updates}
    wanted.pop("state_event", None)  # GitLab drops state_event on create
    project.next_iid += 1
    state.issues[issue.id] = issue
    record_event(state, project.id, user.id, "created", issue, now)
    apply_changes(state, issue, actor, wanted, now)
    after_commands(ctx, issue, actor, result, now)
    record_mentions(state, issue, user, issue_text(title, text), now=now)
    project.last_activity_at = ctx.now()
    return Response(201, issue_json(ctx, issue, single=True, relative_to=project))


def _description_commands(
    ctx: Ctx, project: Project, issue: Issue, actor: Actor, description: str
) -> tuple[str, Interpretation]:
    """The new description's commands, less those its current text already held
    (``execute_with_original_text``)."""
    text, commands = quick_actions.extract(description, normalize=ctx.normalize_text)
    today = ctx.clock.now().date()
    result = interpret(Target(ctx.state, project, issue, actor, today), commands)
    _, before = quick_actions.extract(issue.description or "")
    if before:
        old = interpret(Target(ctx.state, project, issue, actor, today), before)
        for key, value in old.updates.items():
            if result.updates.get(key) == value:
                del result.updates[key]
    return text, result


@routes.put("/projects/:id/issues/:issue_iid")
def update_issue(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    user = ctx.require_user()
    state = ctx.state
    actor = actor_for(state, user, project, issue)
    if not actor.can_update:
        raise forbidden()
    params = ctx.params
    if not any(params.has(key) for key in UPDATE_KEYS):
        raise at_least_one(UPDATE_KEYS)
    title = params.string("title")
    description = params.string("description")
    _check_text(title, description)
    wanted = _requested(ctx, project, actor.access)
    if title is not None:
        wanted["title"] = title
    result = Interpretation()
    old_title, old_description = issue.title, issue.description
    if description is not None:
        wanted["description"], result = _description_commands(
            ctx, project, issue, actor, description
        )
        wanted.update(result.updates)
    now = ctx.now()
    if apply_changes(state, issue, actor, wanted, now):
        stamp = params.time("updated_at") if actor.access >= OWNER else None
        if stamp is not None:
            issue.updated_at = format_time(stamp)
        project.last_activity_at = now
    after_commands(ctx, issue, actor, result, now)
    if (issue.title, issue.description) != (old_title, old_description):
        new, old = (
            issue_text(issue.title, issue.description),
            issue_text(old_title, old_description),
        )
        record_mentions(state, issue, user, new, old_text=old, now=now)
    return Response(200, issue_json(ctx, issue, single=True, relative_to=project))


def delete_issue_rows(ctx: Ctx, issue: Issue) -> None:
    state = ctx.state
    del state.issues[issue.id]
    for note in state.notes_of(issue.id):
        del state.notes[note.id]
    for table in (state.label_events, state.mentions):
        for row_id in [r.id for r in table.values() if r.issue_id == issue.id]:
            del table[row_id]
    for event_id in [e.id for e in state.events.values() if e.target_id == issue.id]:
        if state.events[event_id].target_type == "Issue":
            del state.events[event_id]
    for link_id in [k.id for k in state.links.values() if issue.id in (k.source_id, k.target_id)]:
        del state.links[link_id]


@routes.delete("/projects/:id/issues/:issue_iid")
def delete_issue(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    ctx.require_access(project, OWNER)
    delete_issue_rows(ctx, issue)
    return Response(204)


__all__ = ["after_commands", "routes"]

"""Issues: lists (project, group, global), one by iid, create, update, delete."""

from __future__ import annotations

from datetime import date

from okrflow.sandbox import auth, quick_actions
from okrflow.sandbox.clock import format_time
from okrflow.sandbox.context import Ctx
from okrflow.sandbox.issue_query import select
from okrflow.sandbox.labelling import resolve_labels
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.render import issue_json
from okrflow.sandbox.request import Response, at_least_one, forbidden, validation
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.state import (
    OWNER,
    PLANNER,
    Group,
    Issue,
    Note,
    Project,
    State,
    User,
)

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


def add_system_note(state: State, issue: Issue, author_id: int, body: str, now: str) -> None:
    note = Note(
        id=state.next_id("notes"),
        issue_id=issue.id,
        project_id=issue.project_id,
        body=body,
        author_id=author_id,
        created_at=now,
        updated_at=now,
        system=True,
    )
    state.notes[note.id] = note


# lists -----------------------------------------------------------------------
def _list(ctx: Ctx, issues: list[Issue], scope: str, relative: Project | Group | None) -> Response:
    chosen = select(ctx, issues, scope)
    keyset = chosen.key if chosen.keyset_ok else None
    page, headers = paginate(
        ctx.req, chosen.issues, keyset_key=keyset, descending=chosen.descending
    )
    details = bool(ctx.params.flag("with_labels_details"))
    notes: dict[int, list[Note]] = {i.id: [] for i in page}
    for note in ctx.state.notes.values():  # once per page, not once per issue
        if note.issue_id in notes:
            notes[note.issue_id].append(note)
    body = [
        issue_json(ctx, i, relative_to=relative, labels_details=details, notes=notes[i.id])
        for i in page
    ]
    return Response(200, body, headers)


@routes.get("/issues", auth=True)
def list_all_issues(ctx: Ctx) -> Response:
    return _list(ctx, list(ctx.state.issues.values()), "created_by_me", None)


@routes.get("/projects/:id/issues", job_token=True)
def list_project_issues(ctx: Ctx) -> Response:
    project = ctx.project()
    issues = [i for i in ctx.state.issues.values() if i.project_id == project.id]
    return _list(ctx, issues, "all", project)


@routes.get("/groups/:id/issues")
def list_group_issues(ctx: Ctx) -> Response:
    group = ctx.group()
    groups = {g.id for g in ctx.state.group_descendants(group.id)}
    projects = {p.id for p in ctx.state.projects.values() if p.group_id in groups}
    issues = [i for i in ctx.state.issues.values() if i.project_id in projects]
    return _list(ctx, issues, "all", group)


@routes.get("/projects/:id/issues/:issue_iid", job_token=True)
def get_issue(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    return Response(200, issue_json(ctx, issue, single=True, relative_to=project))


# writes ------------------------------------------------------------------------
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


def _due_date(ctx: Ctx) -> str | None:
    value = ctx.params.day("due_date")
    return value.isoformat() if value else None


def set_state(issue: Issue, event: str, user: User, now: str) -> bool:
    if event == "close" and issue.state != "closed":
        issue.state, issue.closed_at, issue.closed_by_id = "closed", now, user.id
        return True
    if event == "reopen" and issue.state != "opened":
        issue.state, issue.closed_at, issue.closed_by_id = "opened", None, None
        return True
    return False


def _run_quick_actions(
    ctx: Ctx, project: Project, issue: Issue, commands: list[quick_actions.Command], user: User
) -> None:
    if not commands:
        return
    outcome = quick_actions.execute(
        ctx.state,
        project,
        issue,
        commands,
        access=ctx.access(project),
        today=ctx.clock.now().date(),
    )
    if outcome.state_event:
        set_state(issue, outcome.state_event, user, ctx.now())


@routes.post("/projects/:id/issues")
def create_issue(ctx: Ctx) -> Response:
    project = ctx.project()
    user = ctx.require_user()
    params = ctx.params
    title = params.string("title", required=True)
    description = params.string("description")
    issue_type = params.choice("issue_type", ISSUE_TYPES, "issue")
    due_date = _due_date(ctx)
    confidential = bool(params.flag("confidential"))
    locked = params.flag("discussion_locked")
    _check_text(title, description)
    assert title is not None
    now = ctx.now()
    access = ctx.access(project)
    created = params.time("created_at") if access >= OWNER else None
    if created is not None:
        now = format_time(created)
    text, commands = quick_actions.extract(description or "")
    may_edit = access >= PLANNER
    issue = Issue(
        id=ctx.state.next_id("issues"),
        iid=project.next_iid,
        project_id=project.id,
        title=title,
        description=text if description is not None else None,
        author_id=user.id,
        created_at=now,
        updated_at=now,
        confidential=confidential,
        discussion_locked=locked if may_edit else None,
        issue_type=issue_type,
        due_date=due_date if may_edit else None,
    )
    if may_edit:
        names = params.list_str("labels") or []
        issue.label_ids = resolve_labels(ctx.state, project, names, create=True, now=ctx.now())
        issue.assignee_ids = _assignees(ctx, project) or []
    project.next_iid += 1
    ctx.state.issues[issue.id] = issue
    _run_quick_actions(ctx, project, issue, commands, user)
    project.last_activity_at = ctx.now()
    return Response(201, issue_json(ctx, issue, single=True, relative_to=project))


def _update_labels(ctx: Ctx, project: Project, issue: Issue) -> None:
    params = ctx.params
    now = ctx.now()
    if params.has("labels"):
        names = params.list_str("labels") or []
        issue.label_ids = resolve_labels(ctx.state, project, names, create=True, now=now)
    added = params.list_str("add_labels")
    if added:
        for label_id in resolve_labels(ctx.state, project, added, create=True, now=now):
            if label_id not in issue.label_ids:
                issue.label_ids.append(label_id)
    removed = params.list_str("remove_labels")
    if removed:
        unwanted = set(removed)
        labels = ctx.state.labels
        issue.label_ids = [i for i in issue.label_ids if labels[i].name not in unwanted]


@routes.put("/projects/:id/issues/:issue_iid")
def update_issue(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    user = ctx.require_user()
    access = ctx.access(project)
    may_edit = access >= PLANNER
    if not may_edit and user.id != issue.author_id:
        raise forbidden()
    params = ctx.params
    if not any(params.has(key) for key in UPDATE_KEYS):
        raise at_least_one(UPDATE_KEYS)
    title = params.string("title")
    description = params.string("description")
    state_event = params.choice("state_event", ("close", "reopen"), "")
    issue_type = params.choice("issue_type", ISSUE_TYPES, "") if params.has("issue_type") else ""
    due_given = params.has("due_date")
    due_date = _due_date(ctx) if due_given else None
    confidential = params.flag("confidential")
    locked = params.flag("discussion_locked")
    _check_text(title, description)
    before = (issue.title, issue.description, list(issue.assignee_ids), issue.due_date)
    snapshot = repr(issue)
    now = ctx.now()
    commands: list[quick_actions.Command] = []
    if title is not None:
        issue.title = title
    if description is not None:
        issue.description, commands = quick_actions.extract(description)
    if may_edit:
        _update_labels(ctx, project, issue)
        assignees = _assignees(ctx, project)
        if assignees is not None:
            issue.assignee_ids = assignees
        if due_given:
            issue.due_date = due_date
        if locked is not None:
            issue.discussion_locked = locked
    if confidential is not None:
        issue.confidential = confidential
    if issue_type:
        issue.issue_type = issue_type
    if state_event:
        set_state(issue, state_event, user, now)
    _run_quick_actions(ctx, project, issue, commands, user)
    if repr(issue) != snapshot:
        issue.updated_at = now
        stamp = params.time("updated_at") if access >= OWNER else None
        if stamp is not None:
            issue.updated_at = format_time(stamp)
        project.last_activity_at = now
        _system_notes(ctx, issue, user, before, now)
    return Response(200, issue_json(ctx, issue, single=True, relative_to=project))


def _system_notes(
    ctx: Ctx,
    issue: Issue,
    user: User,
    before: tuple[str, str | None, list[int], str | None],
    now: str,
) -> None:
    old_title, old_description, old_assignees, old_due = before
    state = ctx.state
    if issue.title != old_title:
        add_system_note(
            state, issue, user.id, f"changed title from **{old_title}** to **{issue.title}**", now
        )
    if issue.description != old_description:
        add_system_note(state, issue, user.id, "changed the description", now)
    if issue.assignee_ids != old_assignees:
        if issue.assignee_ids:
            name = state.users[issue.assignee_ids[0]].username
            add_system_note(state, issue, user.id, f"assigned to @{name}", now)
        else:
            names = ", ".join(f"@{state.users[i].username}" for i in old_assignees)
            add_system_note(state, issue, user.id, f"unassigned {names}", now)
    if issue.due_date != old_due:
        if issue.due_date:
            day = date.fromisoformat(issue.due_date)
            text = f"{day:%B} {day.day}, {day.year}"
            add_system_note(state, issue, user.id, f"changed due date to {text}", now)
        else:
            add_system_note(state, issue, user.id, "removed due date", now)


@routes.delete("/projects/:id/issues/:issue_iid")
def delete_issue(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    ctx.require_access(project, OWNER)
    state = ctx.state
    del state.issues[issue.id]
    for note_id in [n.id for n in state.notes.values() if n.issue_id == issue.id]:
        del state.notes[note_id]
    for link_id in [k.id for k in state.links.values() if issue.id in (k.source_id, k.target_id)]:
        del state.links[link_id]
    return Response(204)

"""Issue notes (comments), with quick actions and GitLab's 202 for command-only notes."""

from __future__ import annotations

from okrflow.sandbox import quick_actions
from okrflow.sandbox.context import Ctx
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.render import note_json
from okrflow.sandbox.request import Response, forbidden, not_found, validation
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.routes_issues import set_state
from okrflow.sandbox.state import GUEST, MAINTAINER, PLANNER, Issue, Note

routes = RouteTable()

NOTES = "/projects/:id/issues/:issue_iid/notes"
BODY_MAX = 1_000_000


def _visible_notes(ctx: Ctx, issue: Issue) -> list[Note]:
    project = ctx.state.projects[issue.project_id]
    sees_internal = ctx.access(project) >= PLANNER
    me = ctx.user.id if ctx.user else None
    return [
        n
        for n in ctx.state.notes.values()
        if n.issue_id == issue.id and (not n.internal or sees_internal or n.author_id == me)
    ]


def _note(ctx: Ctx, issue: Issue) -> Note:
    note_id = ctx.int_path_param("note_id", "Note")
    note = next((n for n in _visible_notes(ctx, issue) if n.id == note_id), None)
    if note is None:
        raise not_found("Note")
    return note


def _check_body(body: str) -> None:
    if not body.strip():
        raise validation({"note": ["can't be blank"]})
    if len(body) > BODY_MAX:
        raise validation({"note": [f"is too long (maximum is {BODY_MAX} characters)"]})


@routes.get(NOTES)
def list_notes(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    params = ctx.params
    order_by = params.choice("order_by", ("created_at", "updated_at"), "created_at")
    descending = params.choice("sort", ("asc", "desc"), "desc") == "desc"
    notes = _visible_notes(ctx, issue)
    notes.sort(key=lambda n: (getattr(n, order_by), n.id), reverse=descending)
    page, headers = paginate(ctx.req, notes)
    return Response(200, [note_json(ctx, n) for n in page], headers)


@routes.get(f"{NOTES}/:note_id")
def get_note(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    return Response(200, note_json(ctx, _note(ctx, issue)))


@routes.post(NOTES)
def create_note(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    user = ctx.require_user()
    params = ctx.params
    body = params.string("body", required=True)
    assert body is not None
    internal = params.flag("internal")
    if internal is None:
        internal = params.flag("confidential")
    access = ctx.access(project)
    if issue.discussion_locked and access < GUEST:
        raise forbidden()
    text, commands = quick_actions.extract(body)
    now = ctx.now()
    if commands:
        outcome = quick_actions.execute(
            ctx.state, project, issue, commands, access=access, today=ctx.clock.now().date()
        )
        if outcome.state_event:
            set_state(issue, outcome.state_event, user, now)
        issue.updated_at = now
        if not text.strip():
            return Response(202, {"commands_changes": outcome.changes, "summary": outcome.messages})
    _check_body(text)
    note = Note(
        id=ctx.state.next_id("notes"),
        issue_id=issue.id,
        project_id=project.id,
        body=text,
        author_id=user.id,
        created_at=now,
        updated_at=now,
        internal=bool(internal) and access >= PLANNER,
    )
    ctx.state.notes[note.id] = note
    issue.updated_at = now
    project.last_activity_at = now
    return Response(201, note_json(ctx, note))


@routes.put(f"{NOTES}/:note_id")
def update_note(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    note = _note(ctx, issue)
    user = ctx.require_user()
    body = ctx.params.string("body", required=True)
    assert body is not None
    if note.system or (note.author_id != user.id and not user.is_admin):
        raise forbidden()
    _check_body(body)
    if body != note.body:
        note.body = body
        note.updated_at = ctx.now()
    return Response(200, note_json(ctx, note))


@routes.delete(f"{NOTES}/:note_id")
def delete_note(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    note = _note(ctx, issue)
    user = ctx.require_user()
    if note.author_id != user.id and ctx.access(project) < MAINTAINER:
        raise forbidden()
    del ctx.state.notes[note.id]
    return Response(204)

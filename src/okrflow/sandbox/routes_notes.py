"""Issue notes (comments): list, get, create, edit, delete, with quick actions.

As GitLab's Notes API: quick actions in a body run with the author's rights
before the note is saved; a body of commands only saves no note and answers
**202** ``{"commands_changes": ..., "summary": [...]}`` (400 "Failed to apply
commands." when none applied); editing a note runs the commands it now holds
(one left with commands only is deleted). Creating, editing and deleting moves
the issue's ``user_notes_count``; creating and editing touch its ``updated_at``;
a new comment is a ``commented`` event.
"""

from __future__ import annotations

from typing import Any

from okrflow.sandbox import quick_actions
from okrflow.sandbox.context import Ctx
from okrflow.sandbox.issue_service import actor_for, apply_changes, new_note, record_event
from okrflow.sandbox.mentions import record_mentions
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.quick_commands import Interpretation, Target, interpret
from okrflow.sandbox.render import note_json
from okrflow.sandbox.request import ApiError, Response, forbidden, not_found, validation
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.routes_issues import after_commands
from okrflow.sandbox.rows import GUEST, MAINTAINER, PLANNER, Issue, Note, Project, User

routes = RouteTable()

NOTES = "/projects/:id/issues/:issue_iid/notes"
BODY_MAX = 1_000_000
ACTIVITY = {"all_notes": None, "only_comments": False, "only_activity": True}
FAILED = ApiError(400, {"message": "400 Bad request - Failed to apply commands."})


def _visible_notes(ctx: Ctx, issue: Issue) -> list[Note]:
    project = ctx.state.projects[issue.project_id]
    sees_internal = ctx.access(project) >= PLANNER
    me = ctx.user.id if ctx.user else None
    return [
        n
        for n in ctx.state.notes_of(issue.id)
        if not n.internal or sees_internal or n.author_id == me
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


def _run_commands(
    ctx: Ctx, project: Project, issue: Issue, user: User, body: str
) -> tuple[str, list[quick_actions.Command], Interpretation]:
    """Extract and apply the body's quick actions; the text left and what ran."""
    text, commands = quick_actions.extract(body, normalize=ctx.normalize_text)
    if not commands:
        return text, commands, Interpretation()
    state = ctx.state
    actor = actor_for(state, user, project, issue)
    result = interpret(Target(state, project, issue, actor, ctx.clock.now().date()), commands)
    now = ctx.now()
    if apply_changes(state, issue, actor, result.updates, now):
        project.last_activity_at = now
    after_commands(ctx, issue, actor, result, now)
    return text, commands, result


def _commands_only(result: Interpretation) -> Response:
    if not result.messages:
        raise FAILED
    return Response(202, {"commands_changes": result.updates, "summary": [result.message]})


@routes.get(NOTES)
def list_notes(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    params = ctx.params
    order_by = params.choice("order_by", ("created_at", "updated_at"), "created_at")
    descending = params.choice("sort", ("asc", "desc"), "desc") == "desc"
    system = ACTIVITY[params.choice("activity_filter", tuple(ACTIVITY), "all_notes")]
    notes = [n for n in _visible_notes(ctx, issue) if system is None or n.system == system]
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
    user = ctx.require_user()
    ctx.throttle("notes_create")
    project = ctx.project()
    issue = ctx.issue(project)
    params = ctx.params
    body = params.string("body", required=True)
    assert body is not None
    internal = params.flag("internal")
    if internal is None:
        internal = params.flag("confidential")
    access = ctx.access(project)
    if issue.discussion_locked and access < GUEST and not user.is_admin:
        raise forbidden()
    text, commands, result = _run_commands(ctx, project, issue, user, body)
    if commands and not text:
        return _commands_only(result)
    _check_body(text)
    now = ctx.now()
    private = bool(internal) and access >= PLANNER
    note = new_note(ctx.state, issue, user.id, text, now, internal=private)
    project.last_activity_at = now
    record_event(ctx.state, project.id, user.id, "commented", note, now)
    record_mentions(ctx.state, issue, user, text, note=note, now=now)
    return Response(201, note_json(ctx, note, commands_changes=result.updates))


def _may_admin(ctx: Ctx, project: Project, note: Note, user: User) -> bool:
    """``admin_note``: the author, Maintainer+ or an admin; never a system note."""
    if note.system:
        return False
    return note.author_id == user.id or user.is_admin or ctx.access(project) >= MAINTAINER


def delete_note_rows(ctx: Ctx, note: Note) -> None:
    state = ctx.state
    del state.notes[note.id]
    for event_id in [e.id for e in state.events.values() if e.target_id == note.id]:
        if state.events[event_id].target_type == "Note":
            del state.events[event_id]
    for mention_id in [m.id for m in state.mentions.values() if m.note_id == note.id]:
        del state.mentions[mention_id]


@routes.put(f"{NOTES}/:note_id")
def update_note(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    note = _note(ctx, issue)
    user = ctx.require_user()
    body = ctx.params.string("body", required=True)
    assert body is not None
    if not body.strip():
        raise ApiError(400, {"error": "body is empty"})
    if not _may_admin(ctx, project, note, user):
        raise forbidden()
    text, commands, result = _run_commands(ctx, project, issue, user, body)
    if commands and not text:
        delete_note_rows(ctx, note)
        return _commands_only(result)
    _check_body(text)
    changes: dict[str, Any] = result.updates
    if text != note.body:
        old, now = note.body, ctx.now()
        note.body, note.updated_at = text, now
        issue.updated_at = now
        record_mentions(ctx.state, issue, user, text, old_text=old, note=note, now=now)
    return Response(200, note_json(ctx, note, commands_changes=changes))


@routes.delete(f"{NOTES}/:note_id")
def delete_note(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    note = _note(ctx, issue)
    user = ctx.require_user()
    if not _may_admin(ctx, project, note, user):
        raise forbidden()
    delete_note_rows(ctx, note)
    return Response(204)

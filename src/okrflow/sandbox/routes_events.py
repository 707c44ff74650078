"""Contribution events and issue label events.

Events (``GET /projects/:id/events``, ``/events``, ``/users/:id/events``) as
GitLab's ``EventsFinder``: ``action`` (``created``, ``closed``, ``reopened``,
``commented`` ... lower case) and ``target_type`` (``issue``, ``note`` ...) filters;
``after`` and ``before`` are dates and both exclusive (``created_at`` after the end
of the ``after`` day, before the start of the ``before`` day, UTC); ``sort``
asc|desc by id (default desc); ``per_page`` at most 100; events the caller cannot
see (a confidential issue, an internal note) are left out. Events older than the
emulator's ``events_retention`` (three years, as GitLab prunes them) are gone.
A note event carries the note (``note``: body, noteable_iid ...); ``target_title``
is the issue's title. Issue edits make no event (GitLab records none).

Label events (``GET /projects/:id/issues/:iid/resource_label_events[/:id]``):
``user`` (null when deleted), ``created_at``, ``resource_type``, ``resource_id``,
``label`` (null when deleted), ``action`` add|remove; oldest first, paginated.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from okrflow.sandbox import auth
from okrflow.sandbox.clock import format_time
from okrflow.sandbox.context import Ctx
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.render import label_basic, note_json, user_by_id
from okrflow.sandbox.request import Response, not_found
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.rows import PLANNER, Event, Issue, LabelEvent, Note

routes = RouteTable()

ACTIONS = ("created", "updated", "closed", "reopened", "pushed", "commented", "merged",
           "joined", "left", "destroyed", "expired", "approved")  # fmt: skip
TARGET_TYPES = {
    "issue": "Issue",
    "milestone": "Milestone",
    "merge_request": "MergeRequest",
    "note": "Note",
    "project": "Project",
    "snippet": "Snippet",
    "user": "User",
    "wiki": "WikiPage::Meta",
    "design": "DesignManagement::Design",
}
ACTION_NAMES = {"closed": "closed", "commented": "commented on", "merged": "accepted"}


def _target(ctx: Ctx, event: Event) -> tuple[Issue | None, Note | None]:
    state = ctx.state
    if event.target_type == "Note":
        note = state.notes.get(event.target_id or -1)
        return (state.issues.get(note.issue_id) if note else None), note
    return state.issues.get(event.target_id or -1), None


def _visible(ctx: Ctx, event: Event) -> bool:
    issue, note = _target(ctx, event)
    if issue is None or not ctx.can_read_issue(issue):
        return False
    if note is not None and note.internal:
        project = ctx.state.projects[issue.project_id]
        mine = ctx.user is not None and note.author_id == ctx.user.id
        return mine or ctx.access(project) >= PLANNER
    return True


def event_json(ctx: Ctx, event: Event) -> dict[str, Any]:
    issue, note = _target(ctx, event)
    author = user_by_id(ctx, event.author_id)
    data: dict[str, Any] = {
        "id": event.id,
        "project_id": event.project_id,
        "action_name": ACTION_NAMES.get(event.action, "opened"),
        "target_id": event.target_id,
        "target_iid": note.id if note else (issue.iid if issue else None),
        "target_type": event.target_type,
        "author_id": event.author_id,
        "target_title": issue.title if issue else None,
        "created_at": event.created_at,
    }
    if note is not None:
        data["note"] = note_json(ctx, note)
    if author is not None:
        data["author"] = author
    data["author_username"] = author["username"] if author else None
    return data


def _day_bound(value: date, *, end: bool) -> str:
    moment = datetime.combine(value, time.max if end else time.min, tzinfo=timezone.utc)
    return format_time(moment)


def _events_response(ctx: Ctx, events: list[Event]) -> Response:
    params = ctx.params
    action = params.choice("action", ACTIONS, "")
    target = params.choice("target_type", tuple(TARGET_TYPES), "")
    after, before = params.day("after"), params.day("before")
    oldest = format_time(ctx.clock.now() - ctx.events_retention)
    chosen = [e for e in events if e.created_at >= oldest]
    if action:
        chosen = [e for e in chosen if e.action == action]
    if target:
        chosen = [e for e in chosen if e.target_type == TARGET_TYPES[target]]
    if after is not None:
        bound = _day_bound(after, end=True)
        chosen = [e for e in chosen if e.created_at > bound]
    if before is not None:
        bound = _day_bound(before, end=False)
        chosen = [e for e in chosen if e.created_at < bound]
    descending = params.choice("sort", ("asc", "desc"), "desc") == "desc"
    chosen.sort(key=lambda e: e.id, reverse=descending)
    chosen = [e for e in chosen if _visible(ctx, e)]
    page, headers = paginate(ctx.req, chosen)
    return Response(200, [event_json(ctx, e) for e in page], headers)


@routes.get("/projects/:id/events")
def list_project_events(ctx: Ctx) -> Response:
    project = ctx.project()
    return _events_response(
        ctx, [e for e in ctx.state.events.values() if e.project_id == project.id]
    )


@routes.get("/events", auth=True, scopes=("read_user",))
def list_my_events(ctx: Ctx) -> Response:
    """The caller's own events; ``scope=all``: every event of projects they belong to."""
    user = ctx.user
    if user is None:
        raise auth.UNAUTHORIZED
    state = ctx.state
    if ctx.params.string("scope") == "all":
        mine = {p.id for p in state.projects.values() if ctx.access(p) > 0}
        return _events_response(ctx, [e for e in state.events.values() if e.project_id in mine])
    return _events_response(ctx, [e for e in state.events.values() if e.author_id == user.id])


@routes.get("/users/:user_id/events", scopes=("read_user",))
def list_user_events(ctx: Ctx) -> Response:
    ref = ctx.path_param("user_id")
    state = ctx.state
    user = state.users.get(int(ref)) if ref.isdigit() and len(ref) < 19 else state.user_by_name(ref)
    if user is None:
        raise not_found("User")
    return _events_response(ctx, [e for e in state.events.values() if e.author_id == user.id])


# label events -------------------------------------------------------------------------
LABEL_EVENTS = "/projects/:id/issues/:issue_iid/resource_label_events"


def label_event_json(ctx: Ctx, event: LabelEvent) -> dict[str, Any]:
    label = ctx.state.labels.get(event.label_id or -1)
    return {
        "id": event.id,
        "user": user_by_id(ctx, event.user_id),
        "created_at": event.created_at,
        "resource_type": "Issue",
        "resource_id": event.issue_id,
        "label": label_basic(label) if label else None,
        "action": event.action,
    }


@routes.get(LABEL_EVENTS, auth=True)
def list_label_events(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    page, headers = paginate(ctx.req, ctx.state.label_events_of(issue.id))
    return Response(200, [label_event_json(ctx, e) for e in page], headers)


@routes.get(f"{LABEL_EVENTS}/:event_id", auth=True)
def get_label_event(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    event_id = ctx.int_path_param("event_id", "ResourceLabelEvent")
    found = next((e for e in ctx.state.label_events_of(issue.id) if e.id == event_id), None)
    if found is None:
        raise not_found("ResourceLabelEvent")
    return Response(200, label_event_json(ctx, found))


__all__ = ["event_json", "label_event_json", "routes"]

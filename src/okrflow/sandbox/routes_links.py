"""Issue links (``relates_to``; ``blocks``/``is_blocked_by`` are paid, so 403 on Free)."""

from __future__ import annotations

from typing import Any

from okrflow.sandbox.context import Ctx
from okrflow.sandbox.issue_service import find_link, link_issues, unlink_issues
from okrflow.sandbox.render import issue_json
from okrflow.sandbox.request import ApiError, Response, missing, not_found
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.state import PLANNER, Issue, IssueLink, Project

routes = RouteTable()

LINKS = "/projects/:id/issues/:issue_iid/links"
LINK_TYPES = ("relates_to", "blocks", "is_blocked_by")
NO_MATCH = ApiError(
    404, {"message": "No matching issue found. Make sure that you are adding a valid issue URL."}
)
NO_ROLE = ApiError(
    403,
    {"message": "Couldn't link issue. You must have at least the Reporter role in both projects."},
)


def _other(link: IssueLink, issue: Issue) -> int:
    return link.target_id if link.source_id == issue.id else link.source_id


def _links_of(ctx: Ctx, issue: Issue) -> list[IssueLink]:
    found = [k for k in ctx.state.links.values() if issue.id in (k.source_id, k.target_id)]
    return sorted(found, key=lambda k: (k.created_at, k.id))


def _pair(ctx: Ctx, link: IssueLink, project: Project) -> dict[str, Any]:
    state = ctx.state
    return {
        "source_issue": issue_json(ctx, state.issues[link.source_id], relative_to=project),
        "target_issue": issue_json(ctx, state.issues[link.target_id], relative_to=project),
        "link_type": link.link_type,
    }


def _link(ctx: Ctx, issue: Issue) -> IssueLink:
    link_id = ctx.int_path_param("issue_link_id", "")
    link = ctx.state.links.get(link_id)
    if link is None or issue.id not in (link.source_id, link.target_id):
        raise not_found()
    other = ctx.state.issues.get(_other(link, issue))
    if other is None or not ctx.can_read_issue(other):
        raise not_found()
    return link


@routes.get(LINKS)
def list_links(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    body = []
    for link in _links_of(ctx, issue):
        other = ctx.state.issues.get(_other(link, issue))
        if other is None or not ctx.can_read_issue(other):
            continue
        data = issue_json(ctx, other, relative_to=project)
        data.update(
            {
                "issue_link_id": link.id,
                "link_type": link.link_type,
                "link_created_at": link.created_at,
                "link_updated_at": link.updated_at,
            }
        )
        body.append(data)
    return Response(200, body)


@routes.get(f"{LINKS}/:issue_link_id")
def get_link(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    return Response(200, _pair(ctx, _link(ctx, issue), project))


@routes.post(LINKS)
def create_link(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    user = ctx.require_user()
    params = ctx.params
    target_ref = params.string("target_project_id")
    target_iid = params.integer("target_issue_iid")
    absent = [
        name
        for name, value in (("target_project_id", target_ref), ("target_issue_iid", target_iid))
        if value is None or value == ""
    ]
    if absent:
        raise missing(*absent)
    link_type = params.choice("link_type", LINK_TYPES, "relates_to")
    if link_type != "relates_to":
        raise ApiError(403, {"message": "Blocked issues not available for current license"})
    assert target_ref is not None and target_iid is not None
    target_project = ctx.find_project(target_ref)
    target = ctx.state.issue_by_iid(target_project.id, target_iid) if target_project else None
    if target is None or target_project is None or not ctx.can_read_issue(target):
        raise NO_MATCH
    if ctx.access(project) < PLANNER or ctx.access(target_project) < PLANNER:
        raise NO_ROLE
    if target.id == issue.id:
        raise ApiError(422, {"message": "Cannot link an issue to itself"})
    if find_link(ctx.state, issue, target) is not None:
        raise ApiError(409, {"message": "Issue(s) already assigned"})
    link = link_issues(ctx.state, issue, target, user, ctx.now())
    return Response(201, _pair(ctx, link, project))


@routes.delete(f"{LINKS}/:issue_link_id")
def delete_link(ctx: Ctx) -> Response:
    project = ctx.project()
    issue = ctx.issue(project)
    link = _link(ctx, issue)
    user = ctx.require_user()
    if ctx.access(project) < PLANNER:
        raise ApiError(403, {"message": "403 Forbidden"})
    body = _pair(ctx, link, project)
    unlink_issues(ctx.state, link, user, ctx.now())
    return Response(200, body)

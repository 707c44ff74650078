"""Instance-level routes: version, metadata, users and projects."""

from __future__ import annotations

from typing import Any

from okrflow.sandbox import auth
from okrflow.sandbox.context import Ctx
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.render import project_full, user_basic, user_detail
from okrflow.sandbox.request import Response, not_found
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.state import Project, User

routes = RouteTable()

GITLAB_VERSION = "18.6.0"
GITLAB_REVISION = "5b4a0c1e2f3"


@routes.get("/version", auth=True)
def get_version(ctx: Ctx) -> Response:
    return Response(
        200,
        {
            "version": GITLAB_VERSION,
            "revision": GITLAB_REVISION,
            "kas": {"enabled": False, "externalUrl": None, "externalK8sProxyUrl": None},
            "enterprise": False,
        },
    )


@routes.get("/metadata", auth=True)
def get_metadata(ctx: Ctx) -> Response:
    return Response(
        200,
        {
            "version": GITLAB_VERSION,
            "revision": GITLAB_REVISION,
            "kas": {"enabled": False, "externalUrl": None, "externalK8sProxyUrl": None},
            "enterprise": False,
        },
    )


@routes.get("/user", auth=True, scopes=("read_user",))
def get_current_user(ctx: Ctx) -> Response:
    if ctx.user is None:
        raise auth.UNAUTHORIZED
    return Response(200, user_detail(ctx, ctx.user))


@routes.get("/users")
def list_users(ctx: Ctx) -> Response:
    params = ctx.params
    users: list[User] = list(ctx.state.users.values())
    username = params.string("username")
    if username is not None:
        users = [u for u in users if u.username.lower() == username.lower()]
    search = params.string("search")
    if search:
        needle = search.lower()
        users = [
            u
            for u in users
            if needle in u.username.lower() or needle in u.name.lower() or needle == u.email
        ]
    active = params.flag("active")
    if active:
        users = [u for u in users if u.state == "active"]
    users.sort(key=lambda u: u.id, reverse=(params.string("sort") or "desc") == "desc")
    chunk, headers = paginate(ctx.req, users, keyset_key=lambda u: (u.id,))
    return Response(200, [user_basic(ctx, u) for u in chunk], headers)


@routes.get("/users/:user_id")
def get_user(ctx: Ctx) -> Response:
    user_id = ctx.int_path_param("user_id", "User")
    user = ctx.state.users.get(user_id)
    if user is None:
        raise not_found("User")
    return Response(200, user_basic(ctx, user))


_PROJECT_ORDER = ("id", "name", "path", "created_at", "updated_at", "last_activity_at")


def _project_sort_key(order_by: str) -> Any:
    def key(project: Project) -> tuple[Any, ...]:
        if order_by == "id":
            return (project.id,)
        if order_by == "name":
            return (project.name.lower(), project.id)
        if order_by == "path":
            return (project.path_with_namespace.lower(), project.id)
        if order_by in ("updated_at", "last_activity_at"):
            return (project.last_activity_at, project.id)
        return (project.created_at, project.id)

    return key


def project_list(ctx: Ctx, projects: list[Project]) -> Response:
    params = ctx.params
    visible = [p for p in projects if auth.can_read_project(ctx.state, ctx.caller, p)]
    if params.flag("membership") or params.flag("owned"):
        level = 50 if params.flag("owned") else 10
        visible = [p for p in visible if ctx.access(p) >= level]
    min_level = params.integer("min_access_level")
    if min_level:
        visible = [p for p in visible if ctx.access(p) >= min_level]
    visibility = params.choice("visibility", ("public", "internal", "private"), "")
    if visibility:
        visible = [p for p in visible if p.visibility == visibility]
    search = params.string("search")
    if search:
        needle = search.lower()
        visible = [
            p
            for p in visible
            if needle in p.name.lower() or needle in p.path_with_namespace.lower()
        ]
    order_by = params.choice("order_by", _PROJECT_ORDER, "created_at")
    descending = params.choice("sort", ("asc", "desc"), "desc") == "desc"
    key = _project_sort_key(order_by)
    visible.sort(key=key, reverse=descending)
    chunk, headers = paginate(
        ctx.req,
        visible,
        keyset_key=key if order_by == "id" else None,
        descending=descending,
    )
    return Response(200, [project_full(ctx, p) for p in chunk], headers)


@routes.get("/projects")
def list_projects(ctx: Ctx) -> Response:
    return project_list(ctx, list(ctx.state.projects.values()))


@routes.get("/projects/:id")
def get_project(ctx: Ctx) -> Response:
    return Response(200, project_full(ctx, ctx.project()))

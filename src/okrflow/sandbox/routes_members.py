"""Project and group members: direct ones, and ``/members/all`` with inherited ones.

``/members`` lists direct members only. ``/members/all`` adds the members of every
ancestor group, each user once with the highest of their access levels, as
GitLab's ``members/all`` does. Anyone who can see the project or group can list
them; ``query`` filters by username or name, ``user_ids[]`` by id.
"""

from __future__ import annotations

from typing import Any

from okrflow.sandbox.context import Ctx
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.render import user_basic
from okrflow.sandbox.request import Response, not_found
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.rows import Group, Project

routes = RouteTable()


def member_json(ctx: Ctx, username: str, level: int) -> dict[str, Any] | None:
    user = ctx.state.user_by_name(username)
    data = user_basic(ctx, user)
    if data is None or user is None:
        return None
    data.update(
        {
            "access_level": level,
            "created_at": user.created_at,
            "expires_at": None,
            "membership_state": "active",
            "locked": False,
        }
    )
    return data


def _levels(ctx: Ctx, holder: Project | Group, *, inherited: bool) -> dict[str, int]:
    state = ctx.state
    levels: dict[str, int] = {}
    groups: list[Group] = []
    if inherited:
        parent = holder.group_id if isinstance(holder, Project) else holder.parent_id
        groups = state.group_ancestors(parent)
    for source in [*groups, holder]:
        for name, level in source.members.items():
            levels[name] = max(levels.get(name, 0), level)
    return levels


def _members(ctx: Ctx, holder: Project | Group, *, inherited: bool) -> list[dict[str, Any]]:
    params = ctx.params
    query = (params.string("query") or "").lower()
    ids = set(params.list_int("user_ids") or [])
    found = []
    for name, level in sorted(_levels(ctx, holder, inherited=inherited).items()):
        row = member_json(ctx, name, level)
        if row is None or (ids and row["id"] not in ids):
            continue
        if query and query not in row["username"].lower() and query not in row["name"].lower():
            continue
        found.append(row)
    return found


def _one(ctx: Ctx, holder: Project | Group, *, inherited: bool) -> Response:
    user_id = ctx.int_path_param("user_id", "Member")
    for name, level in _levels(ctx, holder, inherited=inherited).items():
        row = member_json(ctx, name, level)
        if row is not None and row["id"] == user_id:
            return Response(200, row)
    raise not_found("Member")


def _register(prefix: str, holder: Any) -> None:
    def listing(inherited: bool) -> Any:
        def handler(ctx: Ctx) -> Response:
            page, headers = paginate(ctx.req, _members(ctx, holder(ctx), inherited=inherited))
            return Response(200, page, headers)

        return handler

    def single(inherited: bool) -> Any:
        return lambda ctx: _one(ctx, holder(ctx), inherited=inherited)

    routes.get(f"{prefix}/members")(listing(False))
    routes.get(f"{prefix}/members/all")(listing(True))
    routes.get(f"{prefix}/members/all/:user_id")(single(True))
    routes.get(f"{prefix}/members/:user_id")(single(False))


_register("/projects/:id", lambda ctx: ctx.project())
_register("/groups/:id", lambda ctx: ctx.group())

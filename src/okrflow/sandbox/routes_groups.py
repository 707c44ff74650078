"""Groups: listing, one group, its subgroups, descendants and projects.

Nesting is unlimited (``a/b/c/...``). A group is visible when it is public, internal
to a signed-in caller, or when the caller is a member of it, of an ancestor, or of a
project below it; everything else is 404. ``GET /groups`` lists, for a signed-in
non-admin, the groups they belong to (``all_available=true``: all they can see).
"""

from __future__ import annotations

from okrflow.sandbox import auth
from okrflow.sandbox.context import Ctx
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.render import group_json
from okrflow.sandbox.request import Response
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.routes_core import project_list
from okrflow.sandbox.rows import GUEST, OWNER, Group

routes = RouteTable()

ORDER = ("name", "path", "id")


def _groups_response(ctx: Ctx, groups: list[Group], *, member_default: bool) -> Response:
    """Filter (visibility, membership, search, levels), order and page ``groups``."""
    params = ctx.params
    state, caller, user = ctx.state, ctx.caller, ctx.user
    found = [g for g in groups if auth.can_read_group(state, caller, g)]
    all_available = params.flag("all_available")
    if all_available is None:
        all_available = not member_default or user is None or user.is_admin
    if not all_available:
        found = [g for g in found if auth.group_access(state, user, g) >= GUEST]
    level = OWNER if params.flag("owned") else params.integer("min_access_level")
    if level:
        found = [g for g in found if auth.group_access(state, user, g) >= level]
    if params.flag("top_level_only"):
        found = [g for g in found if g.parent_id is None]
    search = params.string("search")
    if search:
        needle = search.lower()
        found = [g for g in found if needle in g.full_path.lower() or needle in g.name.lower()]
    order_by = params.choice("order_by", ORDER, "name")
    descending = params.choice("sort", ("asc", "desc"), "asc") == "desc"
    keys = {
        "name": lambda g: (g.name.lower(), g.id),
        "path": lambda g: (g.full_path.lower(), g.id),
        "id": lambda g: (g.id,),
    }
    found.sort(key=keys[order_by], reverse=descending)
    chunk, headers = paginate(ctx.req, found)
    return Response(200, [group_json(ctx, g) for g in chunk], headers)


@routes.get("/groups")
def list_groups(ctx: Ctx) -> Response:
    return _groups_response(ctx, list(ctx.state.groups.values()), member_default=True)


@routes.get("/groups/:id")
def get_group(ctx: Ctx) -> Response:
    return Response(200, group_json(ctx, ctx.group()))


@routes.get("/groups/:id/subgroups")
def list_subgroups(ctx: Ctx) -> Response:
    """The group's direct children."""
    group = ctx.group()
    children = [g for g in ctx.state.groups.values() if g.parent_id == group.id]
    return _groups_response(ctx, children, member_default=False)


@routes.get("/groups/:id/descendant_groups")
def list_descendant_groups(ctx: Ctx) -> Response:
    """Every group below this one, at any depth."""
    group = ctx.group()
    below = [g for g in ctx.state.group_descendants(group.id) if g.id != group.id]
    return _groups_response(ctx, below, member_default=False)


@routes.get("/groups/:id/projects")
def list_group_projects(ctx: Ctx) -> Response:
    group = ctx.group()
    if ctx.params.flag("include_subgroups"):
        ids = {g.id for g in ctx.state.group_descendants(group.id)}
    else:
        ids = {group.id}
    return project_list(ctx, [p for p in ctx.state.projects.values() if p.group_id in ids])

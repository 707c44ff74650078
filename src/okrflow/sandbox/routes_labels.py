"""Project and group labels, including the deprecated name-addressed PUT/DELETE."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from okrflow.sandbox.colors import normalize_color
from okrflow.sandbox.context import Ctx
from okrflow.sandbox.labelling import available_labels, group_labels
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.render import label_json
from okrflow.sandbox.request import ApiError, Response, at_least_one, not_found, validation
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.state import PLANNER, Group, Label, Project

routes = RouteTable()

EXISTS = ApiError(409, {"message": "Label already exists"})
UPDATE_KEYS = ("new_name", "color", "description", "priority", "archived")
GROUP_UPDATE_KEYS = ("new_name", "color", "description", "archived")


class Scope:
    """Where labels live: a project (sees ancestor-group labels too) or a group."""

    def __init__(self, ctx: Ctx, *, group: bool) -> None:
        self.ctx = ctx
        self.project: Project | None = None if group else ctx.project()
        self.group: Group | None = ctx.group() if group else None

    def visible(self, *, ancestors: bool = True) -> list[Label]:
        state = self.ctx.state
        if self.project is not None:
            labels = available_labels(state, self.project)
            if not ancestors:
                labels = [lab for lab in labels if lab.project_id == self.project.id]
            return labels
        assert self.group is not None
        return group_labels(state, self.group.id, ancestors=ancestors)

    def listed(self) -> list[Label]:
        """What a listing shows: ``include_ancestor_groups`` (default true) and, for a
        group, ``include_descendant_groups`` and ``only_group_labels`` (default true)."""
        params = self.ctx.params
        ancestors = params.flag("include_ancestor_groups") is not False
        labels = self.visible(ancestors=ancestors)
        if self.group is None or not params.flag("include_descendant_groups"):
            return labels
        state = self.ctx.state
        below = {g.id for g in state.group_descendants(self.group.id)}
        found = {lab.id: lab for lab in labels}
        projects = {p.id for p in state.projects.values() if p.group_id in below}
        with_projects = params.flag("only_group_labels") is False
        for label in state.labels.values():
            if label.group_id in below or (with_projects and label.project_id in projects):
                found.setdefault(label.id, label)
        return list(found.values())

    def own(self) -> list[Label]:
        return self.visible(ancestors=False)

    def require_admin(self) -> None:
        self.ctx.require_level(self.project or self.group, PLANNER)

    def find(self, ref: str, *, own_only: bool) -> Label:
        labels = self.own() if own_only else self.visible()
        if ref.isdigit():
            by_id = next((lab for lab in labels if lab.id == int(ref)), None)
            if by_id is not None:
                return by_id
        by_title = [lab for lab in labels if lab.name == ref]
        if not by_title:
            raise not_found("Label")
        own = [lab for lab in by_title if lab.project_id is not None]
        return (own or by_title)[0]


def _clean_title(raw: str) -> str:
    title = raw.strip()
    errors: list[str] = []
    if not title:
        errors.append("can't be blank")
    elif len(title) > 255:
        errors.append("is too long (maximum is 255 characters)")
    if "," in title:
        errors.append("is invalid")
    if errors:
        raise validation({"title": errors})
    return title


def _color(raw: str) -> str:
    color = normalize_color(raw)
    if color is None:
        raise validation({"color": ["must be a valid color code"]})
    return color


def _priority(ctx: Ctx) -> int | None:
    if ctx.params.raw("priority") in (None, ""):
        return None
    value = ctx.params.integer("priority")
    if value is not None and value < 0:
        raise validation({"priority": ["must be greater than or equal to 0"]})
    return value


def _list(ctx: Ctx, scope: Scope) -> Response:
    params = ctx.params
    labels = scope.listed()
    search = params.string("search")
    if search:
        labels = [lab for lab in labels if search.lower() in lab.name.lower()]
    labels.sort(key=lambda lab: (lab.name, lab.id))
    counts = bool(params.flag("with_counts"))
    page, headers = paginate(ctx.req, labels)
    return Response(200, [label_json(ctx, lab, with_counts=counts) for lab in page], headers)


def _create(ctx: Ctx, scope: Scope) -> Response:
    params = ctx.params
    missing = [key for key in ("name", "color") if params.string(key) is None]
    if missing:
        raise ApiError(400, {"error": ", ".join(f"{key} is missing" for key in missing)})
    scope.require_admin()
    name = _clean_title(params.string("name") or "")
    color = _color(params.string("color") or "")
    priority = _priority(ctx) if scope.project is not None else None
    if any(lab.name == name for lab in scope.visible()):
        raise EXISTS
    state = ctx.state
    label = Label(
        id=state.next_id("labels"),
        name=name,
        color=color,
        created_at=ctx.now(),
        description=params.string("description"),
        priority=priority,
        project_id=scope.project.id if scope.project else None,
        group_id=scope.group.id if scope.group else None,
    )
    state.labels[label.id] = label
    return Response(201, label_json(ctx, label))


def _update(ctx: Ctx, scope: Scope, ref: str) -> Response:
    params = ctx.params
    label = scope.find(ref, own_only=True)
    keys = UPDATE_KEYS if scope.project is not None else GROUP_UPDATE_KEYS
    if not any(params.has(key) for key in keys):
        raise at_least_one(keys)
    scope.require_admin()
    new_name = params.string("new_name")
    name = _clean_title(new_name) if new_name is not None else label.name
    color = _color(params.string("color") or "") if params.has("color") else label.color
    priority = _priority(ctx) if params.has("priority") else label.priority
    if name != label.name and any(lab.name == name for lab in scope.visible()):
        raise validation({"title": ["has already been taken"]})
    label.name, label.color, label.priority = name, color, priority
    if params.has("description"):
        label.description = params.string("description")
    return Response(200, label_json(ctx, label))


def _delete(ctx: Ctx, scope: Scope, ref: str) -> Response:
    label = scope.find(ref, own_only=True)
    scope.require_admin()
    state = ctx.state
    del state.labels[label.id]
    for issue in state.issues.values():
        if label.id in issue.label_ids:
            issue.label_ids.remove(label.id)
    for list_id in [lst.id for lst in state.lists.values() if lst.label_id == label.id]:
        del state.lists[list_id]
    return Response(204)


def _show(ctx: Ctx, scope: Scope) -> Response:
    return Response(200, label_json(ctx, scope.find(_label_ref(ctx), own_only=False)))


def _named(ctx: Ctx) -> str:
    params = ctx.params
    ref = params.string("label_id") or params.string("name")
    if not ref:
        raise ApiError(
            400, {"error": "label_id, name are missing, exactly one parameter must be provided"}
        )
    return ref


def _label_ref(ctx: Ctx) -> str:
    return unquote(ctx.req.path_params.get("label_id", ""))


def _register(prefix: str, group: bool) -> None:
    def scoped(action: Callable[[Ctx, Scope], Response]) -> Callable[[Ctx], Response]:
        return lambda ctx: action(ctx, Scope(ctx, group=group))

    routes.get(prefix)(scoped(_list))
    routes.post(prefix)(scoped(_create))
    routes.put(prefix)(scoped(lambda ctx, scope: _update(ctx, scope, _named(ctx))))
    routes.delete(prefix)(scoped(lambda ctx, scope: _delete(ctx, scope, _named(ctx))))
    routes.get(f"{prefix}/:label_id")(scoped(_show))
    routes.put(f"{prefix}/:label_id")(scoped(lambda ctx, s: _update(ctx, s, _label_ref(ctx))))
    routes.delete(f"{prefix}/:label_id")(scoped(lambda ctx, s: _delete(ctx, s, _label_ref(ctx))))


_register("/projects/:id/labels", group=False)
_register("/groups/:id/labels", group=True)

"""Issue boards of projects and groups, and their label lists (Free: label lists only).

Project boards: any number (Free since 12.3), created and deleted through the API
by Planner+. Group boards on Free: GitLab's API refuses to create or delete one
(403, ``multiple_issue_boards_available?`` is false); the one board a group gets
is the one GitLab's UI makes when someone opens the group's board page (seed it
with ``emu.add_board("group")``); its lists can be added, moved and deleted, with
labels of the group or its ancestors. Listings are paginated (20 a page).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okrflow.sandbox.context import Ctx
from okrflow.sandbox.labelling import available_labels, group_labels
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.render import label_basic, project_basic
from okrflow.sandbox.request import (
    ApiError,
    Response,
    exactly_one,
    forbidden,
    missing,
    not_found,
    validation,
)
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.rows import PLANNER, Board, BoardList, Group, Label, Project

routes = RouteTable()

LIST_KINDS = ("label_id", "milestone_id", "assignee_id", "iteration_id")


class Parent:
    """A board's owner: a project or a group."""

    def __init__(self, ctx: Ctx, *, group: bool) -> None:
        self.ctx = ctx
        self.project: Project | None = None if group else ctx.project()
        self.group: Group | None = ctx.group() if group else None

    def owns(self, board: Board) -> bool:
        if self.project is not None:
            return board.project_id == self.project.id
        return self.group is not None and board.group_id == self.group.id

    def boards(self) -> list[Board]:
        found = [b for b in self.ctx.state.boards.values() if self.owns(b)]
        return sorted(found, key=lambda b: (b.name.lower(), b.id))

    def board(self) -> Board:
        board_id = self.ctx.int_path_param("board_id", "Board")
        board = self.ctx.state.boards.get(board_id)
        if board is None or not self.owns(board):
            raise not_found("Board")
        return board

    def require_admin(self) -> None:
        self.ctx.require_level(self.project or self.group, PLANNER)

    def labels(self) -> list[Label]:
        if self.project is not None:
            return available_labels(self.ctx.state, self.project)
        assert self.group is not None
        return group_labels(self.ctx.state, self.group.id, ancestors=True)

    @property
    def multiple_boards(self) -> bool:
        """``multiple_issue_boards_available?``: projects yes, groups only on Premium."""
        return self.project is not None


def _lists(ctx: Ctx, board: Board) -> list[BoardList]:
    found = [lst for lst in ctx.state.lists.values() if lst.board_id == board.id]
    return sorted(found, key=lambda lst: lst.position)


def _list(ctx: Ctx, board: Board) -> BoardList:
    list_id = ctx.int_path_param("list_id", "List")
    found = ctx.state.lists.get(list_id)
    if found is None or found.board_id != board.id:
        raise not_found("List")
    return found


def list_json(ctx: Ctx, board_list: BoardList) -> dict[str, Any]:
    label = ctx.state.labels.get(board_list.label_id)
    return {
        "id": board_list.id,
        "label": label_basic(label) if label else None,
        "position": board_list.position,
        "max_issue_count": 0,
        "max_issue_weight": 0,
        "limit_metric": None,
    }


def board_json(ctx: Ctx, board: Board) -> dict[str, Any]:
    state = ctx.state
    project = state.projects.get(board.project_id) if board.project_id else None
    group = state.groups.get(board.group_id) if board.group_id else None
    return {
        "id": board.id,
        "name": board.name,
        "hide_backlog_list": board.hide_backlog_list,
        "hide_closed_list": board.hide_closed_list,
        "project": project_basic(ctx, project) if project else None,
        "lists": [list_json(ctx, lst) for lst in _lists(ctx, board)],
        "group": {
            "id": group.id,
            "web_url": f"{ctx.web_base()}/groups/{group.full_path}",
            "name": group.name,
        }
        if group
        else None,
        "milestone": None,
        "assignee": None,
        "labels": [],
        "weight": None,
    }


# boards --------------------------------------------------------------------------------
def list_boards(ctx: Ctx, parent: Parent) -> Response:
    page, headers = paginate(ctx.req, parent.boards())
    return Response(200, [board_json(ctx, b) for b in page], headers)


def get_board(ctx: Ctx, parent: Parent) -> Response:
    return Response(200, board_json(ctx, parent.board()))


def create_board(ctx: Ctx, parent: Parent) -> Response:
    name = ctx.params.string("name", required=True)
    parent.require_admin()
    if not parent.multiple_boards:
        raise forbidden()
    board = Board(
        id=ctx.state.next_id("boards"),
        project_id=parent.project.id if parent.project else None,
        name=name or "Development",
        created_at=ctx.now(),
    )
    ctx.state.boards[board.id] = board
    return Response(201, board_json(ctx, board))


def update_board(ctx: Ctx, parent: Parent) -> Response:
    board = parent.board()
    parent.require_admin()
    params = ctx.params
    name = params.string("name")
    if name:
        board.name = name
    for key in ("hide_backlog_list", "hide_closed_list"):
        value = params.flag(key)
        if value is not None:
            setattr(board, key, value)
    return Response(200, board_json(ctx, board))


def delete_board(ctx: Ctx, parent: Parent) -> Response:
    board = parent.board()
    parent.require_admin()
    if not parent.multiple_boards:
        raise forbidden()
    for lst in _lists(ctx, board):
        del ctx.state.lists[lst.id]
    del ctx.state.boards[board.id]
    return Response(204)


# lists ---------------------------------------------------------------------------------
def list_lists(ctx: Ctx, parent: Parent) -> Response:
    page, headers = paginate(ctx.req, _lists(ctx, parent.board()))
    return Response(200, [list_json(ctx, lst) for lst in page], headers)


def get_list(ctx: Ctx, parent: Parent) -> Response:
    return Response(200, list_json(ctx, _list(ctx, parent.board())))


def create_list(ctx: Ctx, parent: Parent) -> Response:
    board = parent.board()
    params = ctx.params
    given = [key for key in LIST_KINDS if params.raw(key) not in (None, "")]
    if not given:
        raise exactly_one(LIST_KINDS)
    if len(given) > 1:
        raise ApiError(400, {"error": f"{', '.join(LIST_KINDS)} are mutually exclusive"})
    if given[0] != "label_id":
        raise ApiError(400, {"message": {"error": "List type not available for current license"}})
    label_id = params.integer("label_id")
    parent.require_admin()
    label = next((lab for lab in parent.labels() if lab.id == label_id), None)
    if label is None:
        raise ApiError(400, {"message": {"error": "Label not found!"}})
    existing = _lists(ctx, board)
    if any(lst.label_id == label.id for lst in existing):
        raise validation({"label_id": ["has already been taken"]})  # render_validation_error!
    position = max((lst.position for lst in existing), default=-1) + 1
    created = BoardList(
        id=ctx.state.next_id("lists"), board_id=board.id, label_id=label.id, position=position
    )
    ctx.state.lists[created.id] = created
    return Response(201, list_json(ctx, created))


def move_list(ctx: Ctx, parent: Parent) -> Response:
    board = parent.board()
    moved = _list(ctx, board)
    position = ctx.params.integer("position")
    if position is None:
        raise missing("position")
    parent.require_admin()
    lists = _lists(ctx, board)
    if not 0 <= position < len(lists) or position == moved.position:
        raise ApiError(400, {"message": {"error": "List could not be moved!"}})
    others = [lst for lst in lists if lst.id != moved.id]
    others.insert(position, moved)
    for index, lst in enumerate(others):
        lst.position = index
    return Response(200, list_json(ctx, moved))


def delete_list(ctx: Ctx, parent: Parent) -> Response:
    board = parent.board()
    removed = _list(ctx, board)
    parent.require_admin()
    del ctx.state.lists[removed.id]
    for lst in _lists(ctx, board):
        if lst.position > removed.position:
            lst.position -= 1
    return Response(204)


def _register(prefix: str, group: bool) -> None:
    def bound(action: Callable[[Ctx, Parent], Response]) -> Callable[[Ctx], Response]:
        return lambda ctx: action(ctx, Parent(ctx, group=group))

    boards, lists = f"{prefix}/boards", f"{prefix}/boards/:board_id/lists"
    routes.get(boards)(bound(list_boards))
    routes.post(boards)(bound(create_board))
    routes.get(f"{boards}/:board_id")(bound(get_board))
    routes.put(f"{boards}/:board_id")(bound(update_board))
    routes.delete(f"{boards}/:board_id")(bound(delete_board))
    routes.get(lists)(bound(list_lists))
    routes.post(lists)(bound(create_list))
    routes.get(f"{lists}/:list_id")(bound(get_list))
    routes.put(f"{lists}/:list_id")(bound(move_list))
    routes.delete(f"{lists}/:list_id")(bound(delete_list))


_register("/projects/:id", group=False)
_register("/groups/:id", group=True)

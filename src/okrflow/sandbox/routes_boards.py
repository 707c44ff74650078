"""Project issue boards and their label lists (Free: label lists only)."""

from __future__ import annotations

from okrflow.sandbox.context import Ctx
from okrflow.sandbox.labelling import available_labels
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.render import board_json, list_json
from okrflow.sandbox.request import ApiError, Response, exactly_one, missing, not_found, validation
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.state import PLANNER, Board, BoardList, Project

routes = RouteTable()

BOARDS = "/projects/:id/boards"
LISTS = "/projects/:id/boards/:board_id/lists"
LIST_KINDS = ("label_id", "milestone_id", "assignee_id", "iteration_id")


def _board(ctx: Ctx, project: Project) -> Board:
    board_id = ctx.int_path_param("board_id", "Board")
    board = ctx.state.boards.get(board_id)
    if board is None or board.project_id != project.id:
        raise not_found("Board")
    return board


def _lists(ctx: Ctx, board: Board) -> list[BoardList]:
    found = [lst for lst in ctx.state.lists.values() if lst.board_id == board.id]
    return sorted(found, key=lambda lst: lst.position)


def _list(ctx: Ctx, board: Board) -> BoardList:
    list_id = ctx.int_path_param("list_id", "List")
    found = ctx.state.lists.get(list_id)
    if found is None or found.board_id != board.id:
        raise not_found("List")
    return found


@routes.get(BOARDS)
def list_boards(ctx: Ctx) -> Response:
    project = ctx.project()
    boards = sorted(
        (b for b in ctx.state.boards.values() if b.project_id == project.id),
        key=lambda b: (b.name.lower(), b.id),
    )
    page, headers = paginate(ctx.req, boards)
    return Response(200, [board_json(ctx, b) for b in page], headers)


@routes.get(f"{BOARDS}/:board_id")
def get_board(ctx: Ctx) -> Response:
    project = ctx.project()
    return Response(200, board_json(ctx, _board(ctx, project)))


@routes.post(BOARDS)
def create_board(ctx: Ctx) -> Response:
    project = ctx.project()
    name = ctx.params.string("name", required=True)
    ctx.require_access(project, PLANNER)
    board = Board(
        id=ctx.state.next_id("boards"),
        project_id=project.id,
        name=name or "Development",
        created_at=ctx.now(),
    )
    ctx.state.boards[board.id] = board
    return Response(201, board_json(ctx, board))


@routes.put(f"{BOARDS}/:board_id")
def update_board(ctx: Ctx) -> Response:
    project = ctx.project()
    board = _board(ctx, project)
    ctx.require_access(project, PLANNER)
    params = ctx.params
    name = params.string("name")
    if name:
        board.name = name
    for key in ("hide_backlog_list", "hide_closed_list"):
        value = params.flag(key)
        if value is not None:
            setattr(board, key, value)
    return Response(200, board_json(ctx, board))


@routes.delete(f"{BOARDS}/:board_id")
def delete_board(ctx: Ctx) -> Response:
    project = ctx.project()
    board = _board(ctx, project)
    ctx.require_access(project, PLANNER)
    for lst in _lists(ctx, board):
        del ctx.state.lists[lst.id]
    del ctx.state.boards[board.id]
    return Response(204)


@routes.get(LISTS)
def list_lists(ctx: Ctx) -> Response:
    project = ctx.project()
    board = _board(ctx, project)
    page, headers = paginate(ctx.req, _lists(ctx, board))
    return Response(200, [list_json(ctx, lst) for lst in page], headers)


@routes.get(f"{LISTS}/:list_id")
def get_list(ctx: Ctx) -> Response:
    project = ctx.project()
    board = _board(ctx, project)
    return Response(200, list_json(ctx, _list(ctx, board)))


@routes.post(LISTS)
def create_list(ctx: Ctx) -> Response:
    project = ctx.project()
    board = _board(ctx, project)
    params = ctx.params
    given = [key for key in LIST_KINDS if params.raw(key) not in (None, "")]
    if not given:
        raise exactly_one(LIST_KINDS)
    if len(given) > 1:
        raise ApiError(400, {"error": f"{', '.join(LIST_KINDS)} are mutually exclusive"})
    if given[0] != "label_id":
        raise ApiError(400, {"message": {"error": "List type not available for current license"}})
    label_id = params.integer("label_id")
    ctx.require_access(project, PLANNER)
    label = next((lab for lab in available_labels(ctx.state, project) if lab.id == label_id), None)
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


@routes.put(f"{LISTS}/:list_id")
def move_list(ctx: Ctx) -> Response:
    project = ctx.project()
    board = _board(ctx, project)
    moved = _list(ctx, board)
    position = ctx.params.integer("position")
    if position is None:
        raise missing("position")
    ctx.require_access(project, PLANNER)
    lists = _lists(ctx, board)
    if not 0 <= position < len(lists) or position == moved.position:
        raise ApiError(400, {"message": {"error": "List could not be moved!"}})
    others = [lst for lst in lists if lst.id != moved.id]
    others.insert(position, moved)
    for index, lst in enumerate(others):
        lst.position = index
    return Response(200, list_json(ctx, moved))


@routes.delete(f"{LISTS}/:list_id")
def delete_list(ctx: Ctx) -> Response:
    project = ctx.project()
    board = _board(ctx, project)
    removed = _list(ctx, board)
    ctx.require_access(project, PLANNER)
    del ctx.state.lists[removed.id]
    for lst in _lists(ctx, board):
        if lst.position > removed.position:
            lst.position -= 1
    return Response(204)

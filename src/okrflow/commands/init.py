"""``okrflow init``: the labels, the lifecycle board and the issue templates of an OKR scope.

Converges: what already matches is left alone, so a second run writes nothing.
Reads one label listing, one board listing and each template file once. When GitLab
fails past its retries the run stops, and the error says what was done before.

In a group scope the labels are the group's, when the token may create them (else they
are made in each OKR project, and init says so and where); the board is the group's
(GitLab Free gives a group one board, which its API may not create: init adds the
lifecycle lists to the one there is, or says what to do); the templates go to each OKR
project.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import Any

from okrflow.adapter import LabelRecord, Place, PlannedBoard
from okrflow.commands.init_result import Change, InitResult
from okrflow.commands.init_templates import TEMPLATE_DIR, install_templates
from okrflow.commands.workspace import Workspace, leased
from okrflow.errors import GitLabError

__all__ = [
    "TEMPLATE_DIR",
    "Change",
    "InitResult",
    "LabelSpec",
    "desired_labels",
    "init",
]


@dataclasses.dataclass(frozen=True)
class LabelSpec:
    name: str
    color: str
    description: str


YEAR_DESCRIPTION = "OKR fiscal year: the annual objectives quarterly objectives align under"


def desired_labels(ws: Workspace, in_use: Iterable[str] = ()) -> list[LabelSpec]:
    """Every label okrflow manages: type, lifecycle, health, the current and next
    quarter, the current fiscal year (its annual objectives), the quarters ``in_use``
    (labels GitLab made in its default colour when an issue got them), and the
    configured teams; in that order, each name once."""
    config = ws.config
    specs = [LabelSpec(lab.name, lab.color, lab.description) for lab in config.labels.managed()]
    current = ws.calendar.quarter_of(ws.today())
    style = config.labels.quarter
    pattern = re.compile(ws.labels.quarter_pattern)
    quarters = [ws.calendar.label(q) for q in (current, current.next())]
    quarters += sorted(name for name in in_use if pattern.fullmatch(name))
    for name in quarters:
        specs.append(LabelSpec(name, style.color, style.description))
    # the current fiscal year's label, for its annual objectives, in the quarters' colour
    year = ws.calendar.year_label(current.fiscal_year)
    specs.append(LabelSpec(year, style.color, YEAR_DESCRIPTION))
    for team in config.teams:
        description = team.description or config.labels.team.description
        specs.append(LabelSpec(team.name, config.team_color(team), description))
    seen: set[str] = set()
    unique = []
    for spec in specs:
        if spec.name not in seen:
            seen.add(spec.name)
            unique.append(spec)
    return unique


def same_colour(a: str, b: str) -> bool:
    return _hex(a) == _hex(b)


def _hex(colour: str) -> str:
    text = colour.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{3}", text):
        text = "#" + "".join(c * 2 for c in text[1:])
    return text


@leased("init")
def init(ws: Workspace, *, force: bool = False) -> InitResult:
    """Create or update labels, the lifecycle board and its lists, and the issue templates
    (``force``: also those a person edited after okrflow installed them)."""
    ws.repo.ensure_can_write()
    result = InitResult(planned=ws.planned())
    try:
        if ws.repo.across:
            _group(ws, result, force)
        else:
            labels = _labels(ws, result)
            _board(ws, result, labels)
            install_templates(ws, result, force)
    except GitLabError as exc:
        if ws.dry_run:
            raise
        done = result.summary().removeprefix("init: ")
        raise GitLabError(
            f"{exc.message}; init stopped ({done} before that): run init again to finish "
            "(it resumes safely)",
            status=exc.status,
        ) from None
    return result


def _group(ws: Workspace, result: InitResult, force: bool) -> None:
    """A group scope: the group's labels and board, else each OKR project's; the
    templates in each OKR project."""
    gl = ws.repo
    group = Place(group=gl.group_path)
    projects = gl.okr_projects()
    try:
        labels = _labels(ws, result, group)
    except GitLabError as exc:
        if exc.status != 403:
            raise
        result.notes.append(
            f"the token may not create labels in the group {gl.group_path}: the labels and "
            f"the board are made in each OKR project instead ({', '.join(projects)}); give "
            "the token's user the Planner role or more in the group to have them once, "
            "in the group"
        )
        for path in projects:
            here = Place(project=path)
            _board(ws, result, _labels(ws, result, here), here)
    else:
        _board(ws, result, labels, group)
    emails: list[str] | None = None
    for path in projects:
        emails = install_templates(ws, result, force, path, emails)


def _where(at: Place | None) -> str:
    """`` in acme/sales``, `` in the group acme``: said of a change outside a project scope."""
    return f"in {at}" if at is not None else ""


def _labels(ws: Workspace, result: InitResult, at: Place | None = None) -> dict[str, LabelRecord]:
    """Make the labels of the OKR project (or ``at``) match the config; returns the
    labels known there by name afterwards."""
    gl = ws.repo
    where = _where(at)
    shown = f" {where}" if where else ""
    existing = {label.name: label for label in gl.list_labels(at=at)}
    own = None
    if at is not None and at.group:  # the group's own labels, not its parents'
        own = {label.name for label in gl.list_labels(at=at, inherited=False)}
    for spec in desired_labels(ws, in_use=existing):
        have = existing.get(spec.name)
        if have is None:
            created = gl.create_label(spec.name, spec.color, spec.description, at=at)
            if created is not None:
                existing[spec.name] = created
            result.changes.append(Change("created", "label", spec.name, where))
            continue
        differs = []
        if not same_colour(have.color, spec.color):
            differs.append(f"colour {have.color} -> {spec.color}")
        if have.description.strip() != spec.description.strip():
            differs.append("description")
        changeable = have.is_project_label if own is None else have.name in own
        if not differs:
            result.unchanged.append(f"label {spec.name}{shown}")
        elif not changeable:
            result.unchanged.append(f"label {spec.name}{shown}")
            result.notes.append(
                f"label {spec.name} is a label of a parent group whose "
                f"{' and '.join(differs)} differ from the config; change it in that group, "
                "okrflow leaves it alone"
                if own is not None
                else f"label {spec.name} is a group label whose {' and '.join(differs)} "
                "differ from the config; change it in the group, okrflow leaves group "
                "labels alone"
            )
        else:
            ref = str(have.id) if spec.name.isdigit() else spec.name
            gl.update_label(ref, color=spec.color, description=spec.description, at=at)
            detail = ", ".join([*differs, *([where] if where else [])])
            result.changes.append(Change("updated", "label", spec.name, detail))
    return existing


def _board(
    ws: Workspace, result: InitResult, labels: dict[str, LabelRecord], at: Place | None = None
) -> None:
    gl = ws.repo
    name = ws.config.lifecycle.board
    where = _where(at)
    shown = f" {where}" if where else ""
    board: dict[str, Any] | PlannedBoard | None
    boards = gl.list_boards(at)
    board = next((b for b in boards if b.get("name") == name), None)
    if board is None and at is not None and at.group and len(boards) == 1:
        board = boards[0]  # Free: a group's one board, whatever its name
        name = str(board.get("name") or name)
    if board is None:
        try:
            board = gl.create_board(name, at)
        except GitLabError as exc:
            if exc.status != 403 or at is None or not at.group:
                raise
            result.notes.append(
                f"GitLab does not let okrflow create a board in the group {at.group} (on "
                "GitLab Free a group has one board, made when someone first opens it): open "
                f"the group's Issues > Boards page once, then run okrflow init again to add "
                "the lifecycle lists"
            )
            return
        result.changes.append(Change("created", "board", name, where))
    else:
        result.unchanged.append(f"board {name}{shown}")
    board_id: int | PlannedBoard = board if isinstance(board, PlannedBoard) else int(board["id"])
    items = [] if isinstance(board, PlannedBoard) else board.get("lists") or []
    lists = sorted(
        (item for item in items if isinstance(item.get("label"), dict)),
        key=lambda item: int(item.get("position") or 0),
    )
    order = [(int(item["id"]), str(item["label"].get("name"))) for item in lists]
    wanted = [ws.labels.draft, ws.labels.review, ws.labels.active, ws.labels.closed]
    for label_name in wanted:
        if any(n == label_name for _, n in order):
            result.unchanged.append(f"board list {label_name}{shown}")
            continue
        label = labels.get(label_name)
        if label is None and not gl.dry_run:  # created by a concurrent run: look again
            label = next((lab for lab in gl.list_labels(at=at) if lab.name == label_name), None)
        created = gl.create_board_list(board_id, label.id if label else None, label_name, at)
        result.changes.append(Change("created", "board list", label_name, where))
        if created is not None:
            order.append((int(created["id"]), label_name))
    if (
        isinstance(board_id, int)
        and not gl.dry_run
        and _order_lists(ws, board_id, order, wanted, at)
    ):
        result.changes.append(
            Change("updated", "board", name, ", ".join(["list order", *([where] if where else [])]))
        )


def _order_lists(
    ws: Workspace,
    board_id: int,
    order: list[tuple[int, str]],
    wanted: Sequence[str],
    at: Place | None = None,
) -> bool:
    """Put the lifecycle lists in lifecycle order, in the slots they hold; other lists
    stay where they are. ``order``: (list id, label name) by position. True if moved."""
    slots = [i for i, (_, n) in enumerate(order) if n in wanted]
    present = [n for n in wanted if any(n == name for _, name in order)]
    moved = False
    for slot, label_name in zip(slots, present, strict=True):
        at_index = next(i for i, (_, n) in enumerate(order) if n == label_name)
        if at_index == slot:
            continue
        entry = order.pop(at_index)
        order.insert(slot, entry)
        ws.repo.move_board_list(board_id, entry[0], slot, label_name, at)
        moved = True
    return moved

"""``okrflow init``: the labels, the lifecycle board and the issue templates of an OKR project.

Converges: what already matches is left alone, so a second run writes nothing.
Reads one label listing, one board listing and each template file once. When GitLab
fails past its retries the run stops, and the error says what was done before.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import Any

from okrflow.adapter import LabelRecord, PlannedBoard
from okrflow.commands.result import Line, Result, Style, plain
from okrflow.commands.workspace import Workspace, leased
from okrflow.core.installed import Written, content_sha256, verdict, with_trailer
from okrflow.errors import GitLabError
from okrflow.render.templating import ISSUE_TEMPLATES, ui_template_text

__all__ = [
    "TEMPLATE_DIR",
    "Change",
    "InitResult",
    "LabelSpec",
    "desired_labels",
    "init",
]

TEMPLATE_DIR = ".gitlab/issue_templates"
TEMPLATE_NAMES = ("objective", "kr", "retrospective")


@dataclasses.dataclass(frozen=True)
class LabelSpec:
    name: str
    color: str
    description: str


@dataclasses.dataclass(frozen=True)
class Change:
    """One thing init created or updated (or, in a dry run, would)."""

    action: str  # "created" | "updated"
    kind: str  # "label" | "board" | "board list" | "template"
    name: str
    detail: str = ""

    def line(self, dry_run: bool = False) -> str:
        verb = f"would {self.action.removesuffix('d')}" if dry_run else self.action
        if self.kind == "board list" and self.action == "created":
            verb = "would add" if dry_run else "added"
        text = f"{verb} {self.kind} {self.name}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclasses.dataclass
class InitResult(Result):
    changes: list[Change] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)  # "label okr::objective"
    notes: list[str] = dataclasses.field(default_factory=list)  # things left to people

    shows_planned = False  # one line per change says it

    @property
    def created(self) -> int:
        return sum(1 for c in self.changes if c.action == "created")

    @property
    def updated(self) -> int:
        return sum(1 for c in self.changes if c.action == "updated")

    def summary(self) -> str:
        head = "init (dry run)" if self.dry_run else "init"
        return (
            f"{head}: {self.created} created, {self.updated} updated, "
            f"{len(self.unchanged)} unchanged"
        )

    def lines(self, style: Style = plain) -> list[str | Line]:
        out: list[str | Line] = [change.line(dry_run=self.dry_run) for change in self.changes]
        out += [Line(f"unchanged {what}", "detail") for what in self.unchanged]
        out += [Line(note, "warning") for note in self.notes]
        return [*out, self.summary()]

    def to_json(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": len(self.unchanged),
            "changes": [dataclasses.asdict(c) for c in self.changes],
            "notes": list(self.notes),
        }


def desired_labels(ws: Workspace, in_use: Iterable[str] = ()) -> list[LabelSpec]:
    """Every label okrflow manages: type, lifecycle, health, the current and next
    quarter and the quarters ``in_use`` (labels GitLab made in its default colour when
    an issue got them), and the configured teams; in that order, each name once."""
    config = ws.config
    specs = [LabelSpec(lab.name, lab.color, lab.description) for lab in config.labels.managed()]
    current = ws.calendar.quarter_of(ws.today())
    style = config.labels.quarter
    pattern = re.compile(ws.labels.quarter_pattern)
    quarters = [ws.calendar.label(q) for q in (current, current.next())]
    quarters += sorted(name for name in in_use if pattern.fullmatch(name))
    for name in quarters:
        specs.append(LabelSpec(name, style.color, style.description))
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
        labels = _labels(ws, result)
        _board(ws, result, labels)
        _templates(ws, result, force)
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


def _labels(ws: Workspace, result: InitResult) -> dict[str, LabelRecord]:
    """Make the labels match the config; returns the labels known by name afterwards."""
    gl = ws.repo
    existing = {label.name: label for label in gl.list_labels()}
    for spec in desired_labels(ws, in_use=existing):
        have = existing.get(spec.name)
        if have is None:
            created = gl.create_label(spec.name, spec.color, spec.description)
            if created is not None:
                existing[spec.name] = created
            result.changes.append(Change("created", "label", spec.name))
            continue
        differs = []
        if not same_colour(have.color, spec.color):
            differs.append(f"colour {have.color} -> {spec.color}")
        if have.description.strip() != spec.description.strip():
            differs.append("description")
        if not differs:
            result.unchanged.append(f"label {spec.name}")
        elif not have.is_project_label:
            result.unchanged.append(f"label {spec.name}")
            result.notes.append(
                f"label {spec.name} is a group label whose {' and '.join(differs)} differ from "
                "the config; change it in the group, okrflow leaves group labels alone"
            )
        else:
            ref = str(have.id) if spec.name.isdigit() else spec.name
            gl.update_label(ref, color=spec.color, description=spec.description)
            result.changes.append(Change("updated", "label", spec.name, ", ".join(differs)))
    return existing


def _board(ws: Workspace, result: InitResult, labels: dict[str, LabelRecord]) -> None:
    gl = ws.repo
    name = ws.config.lifecycle.board
    board: dict[str, Any] | PlannedBoard | None
    board = next((b for b in gl.list_boards() if b.get("name") == name), None)
    if board is None:
        board = gl.create_board(name)
        result.changes.append(Change("created", "board", name))
    else:
        result.unchanged.append(f"board {name}")
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
            result.unchanged.append(f"board list {label_name}")
            continue
        label = labels.get(label_name)
        if label is None and not gl.dry_run:  # created by a concurrent run: look again
            label = next((lab for lab in gl.list_labels() if lab.name == label_name), None)
        created = gl.create_board_list(board_id, label.id if label else None, label_name)
        result.changes.append(Change("created", "board list", label_name))
        if created is not None:
            order.append((int(created["id"]), label_name))
    if isinstance(board_id, int) and not gl.dry_run and _order_lists(ws, board_id, order, wanted):
        result.changes.append(Change("updated", "board", name, "list order"))


def _order_lists(
    ws: Workspace, board_id: int, order: list[tuple[int, str]], wanted: Sequence[str]
) -> bool:
    """Put the lifecycle lists in lifecycle order, in the slots they hold; other lists
    stay where they are. ``order``: (list id, label name) by position. True if moved."""
    slots = [i for i, (_, n) in enumerate(order) if n in wanted]
    present = [n for n in wanted if any(n == name for _, name in order)]
    moved = False
    for slot, label_name in zip(slots, present, strict=True):
        at = next(i for i, (_, n) in enumerate(order) if n == label_name)
        if at == slot:
            continue
        entry = order.pop(at)
        order.insert(slot, entry)
        ws.repo.move_board_list(board_id, entry[0], slot, label_name)
        moved = True
    return moved


def _templates(ws: Workspace, result: InitResult, force: bool) -> None:
    """Install each issue template; one a person edited after okrflow installed it is
    left as it is and named (``force`` overwrites it); one okrflow never installed is
    never touched."""
    gl = ws.repo
    branch = gl.default_branch
    emails: list[str] | None = None
    for short in TEMPLATE_NAMES:
        file_name = ISSUE_TEMPLATES[short]
        path = f"{TEMPLATE_DIR}/{file_name}"
        content = ui_template_text(short, label_names=ws.labels)
        current = gl.repo_file(path, ref=branch)
        sha = current.sha256 if current is not None else None
        history: list[Written] = []
        if current is not None and sha != content_sha256(content):
            history = gl.path_commits(path, ref=branch)
            emails = gl.own_emails() if emails is None else emails
        found = verdict(sha, content, history, emails or [])
        if found == "unchanged":
            result.unchanged.append(f"template {file_name}")
            continue
        if found == "foreign":
            result.unchanged.append(f"template {file_name}")
            result.notes.append(
                f"template {file_name} was not installed by okrflow; okrflow leaves it "
                "(delete or rename it to let init install okrflow's)"
            )
            continue
        if found == "edited" and not force:
            who = _last_change(history)
            result.unchanged.append(f"template {file_name}")
            result.notes.append(
                f"template {file_name} was edited{who} since okrflow installed it; okrflow "
                "leaves it (init --force replaces it with okrflow's)"
            )
            continue
        exists = current is not None
        verb = "update" if exists else "add"
        gl.write_file(
            path,
            content,
            branch=branch,
            message=with_trailer(f"okrflow init: {verb} issue template {file_name}", content),
            exists=exists,
            last_commit_id=current.last_commit_id if current is not None else None,
        )
        detail = "replaced an edit (--force)" if found == "edited" else ""
        result.changes.append(
            Change("updated" if exists else "created", "template", file_name, detail)
        )


def _last_change(history: Sequence[Written]) -> str:
    if not history:
        return ""
    last = history[0]
    by = f" by {last.author_name}" if last.author_name else ""
    on = f" on {last.created_at[:10]}" if last.created_at else ""
    return by + on

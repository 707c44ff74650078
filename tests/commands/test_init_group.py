"""okrflow init over a group scope: the group's labels (or, when the token may not
create them, each OKR project's, said so), the lifecycle lists on the group's one board
(GitLab Free: the API may not create it), the templates in each OKR project; a second
run writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from group_world import COMPANY, GROUP, PLATFORM, SALES
from okrflow.adapter import ConnectionSettings
from okrflow.commands.init import init
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.sandbox import Emulator

TODAY = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)  # in FY24-Q1
OKR_PROJECTS = (COMPANY, SALES, PLATFORM)
LIFECYCLE = ["okr-status::draft", "okr-status::review", "okr-status::active", "okr-status::closed"]
TEMPLATES = ["OKR Objective.md", "OKR Key Result.md", "OKR Retrospective.md"]


def group_workspace(emu: Emulator, *, token: str | None = None, dry_run: bool = False) -> Workspace:
    settings = ConnectionSettings(
        url=emu.base_url,
        token=token or emu.default_token,
        group=GROUP,
        okr_projects=OKR_PROJECTS,
        retries=0,
    )
    config = Config.model_validate({"group": GROUP, "projects": list(OKR_PROJECTS)})
    return Workspace(config=config, connection=settings, dry_run=dry_run, now=lambda: TODAY)


def build(emu: Emulator) -> Emulator:
    emu.add_group("acme/eng")
    for path in (COMPANY, SALES, PLATFORM, "acme/eng/web"):
        emu.add_project(path)
    return emu


def writes(emu: Emulator) -> int:
    counts = emu.counts(without="okrflow=lease")
    return sum(counts[m] for m in ("POST", "PUT", "DELETE"))


def board_lists(emu: Emulator, board_id: int) -> list[str]:
    lists = sorted(
        (lst for lst in emu.state.lists.values() if lst.board_id == board_id),
        key=lambda lst: lst.position,
    )
    return [emu.state.labels[lst.label_id].name for lst in lists]


def test_init_over_a_group_makes_group_labels_the_boards_lists_and_each_projects_templates(
    emulator: Emulator, invoke: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    emu = build(emulator)
    emu.add_label(GROUP, "okr::objective", "#000000", description="Ours")  # the group's own
    monkeypatch.chdir(tmp_path)
    for name in ("OKRFLOW_CONFIG", "OKRFLOW_PROJECT", "CI_PROJECT_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITLAB_URL", emu.base_url)
    monkeypatch.setenv("GITLAB_TOKEN", str(emu.default_token))
    code, out, err = invoke("init", "--group", GROUP, "--dry-run")
    assert (code, writes(emu)) == (0, 0), err
    assert "would create label okr-status::draft (in the group acme)" in out.splitlines()
    emu.reset_log()
    first = init(group_workspace(emu))
    names = {label.name for label in emu.labels(GROUP)}
    assert set(LIFECYCLE) | {"okr::objective", "okr::key result", "FY24-Q1"} <= names
    assert all(emu.labels(path) == [] for path in OKR_PROJECTS)  # no copy in a project
    assert "created label okr-status::draft (in the group acme)" in first.lines()
    updated = next(c for c in first.changes if c.name == "okr::objective")
    assert updated.line() == (
        "updated label okr::objective (colour #000000 -> #1f75cb, description, in the group acme)"
    )
    # on Free the API may not create the group's board: nothing made, what to do said
    assert emu.counts_by_route()["POST /groups/:id/boards"] == 1
    assert not emu.state.boards
    (note,) = [n for n in first.notes if "board" in n]
    assert note.startswith("GitLab does not let okrflow create a board in the group acme ")
    assert "open the group's Issues > Boards page once, then run okrflow init again" in note
    for path in OKR_PROJECTS:
        for name in TEMPLATES:
            assert emu.file_text(path, f".gitlab/issue_templates/{name}"), (path, name)
    assert emu.file_text("acme/eng/web", ".gitlab/issue_templates/OKR Objective.md") is None
    assert f"created template OKR Objective.md (in {SALES})" in first.lines()

    board = emu.add_board(GROUP)  # someone opened the group's board page: "Development"
    emu.reset_log()
    second = init(group_workspace(emu))
    assert board_lists(emu, board.id) == LIFECYCLE
    assert [str(c.line()) for c in second.changes] == [
        f"added board list {name} (in the group acme)" for name in LIFECYCLE
    ]
    assert writes(emu) == 4  # the lists, nothing else

    emu.reset_log()
    third = init(group_workspace(emu))
    assert (writes(emu), third.created, third.updated) == (0, 0, 0)
    assert not third.notes


def test_a_token_that_may_not_create_group_labels_makes_them_in_each_okr_project(
    emulator: Emulator,
) -> None:
    emu = build(emulator)
    emu.add_user("dana")
    for path in OKR_PROJECTS:
        emu.add_member(path, "dana", "maintainer")  # of the projects, not of the group
    ws = group_workspace(emu, token=emu.token_for("dana"))
    result = init(ws)
    assert emu.labels(GROUP) == []
    for path in OKR_PROJECTS:
        assert set(LIFECYCLE) <= {label.name for label in emu.labels(path)}, path
        (board,) = [b for b in emu.state.boards.values() if b.project_id == emu.project(path).id]
        assert board_lists(emu, board.id) == LIFECYCLE
    (note,) = [n for n in result.notes if "may not create labels" in n]
    assert note.startswith(
        "the token may not create labels in the group acme: the labels and the board are made "
        f"in each OKR project instead ({COMPANY}, {SALES}, {PLATFORM})"
    )
    assert f"created label okr::objective (in {SALES})" in result.lines()
    assert f"created board OKRs (in {PLATFORM})" in result.lines()
    emu.reset_log()
    again = init(group_workspace(emu, token=emu.token_for("dana")))
    # a second run asks the group once more (GitLab's answer decides, so a role given
    # since is used) and, refused, changes nothing
    refused = [
        (r.method, r.path, r.status)
        for r in emu.log
        if r.method != "GET" and "okrflow=lease" not in r.query
    ]
    assert refused == [("POST", "/api/v4/groups/acme/labels", 403)], refused
    assert (again.created, again.updated) == (0, 0)

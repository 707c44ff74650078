"""okrflow.commands.workspace: the quarter a command works on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from okrflow.commands.init import init
from okrflow.commands.reporter import Recorder
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.errors import UsageError
from okrflow.sandbox import Emulator


def workspace() -> Workspace:
    now = dt.datetime(2024, 2, 15, tzinfo=dt.timezone.utc)
    return Workspace(config=Config.default(), connection=None, out=Recorder(), now=lambda: now)


def test_quarter_label_is_the_calendars_or_today_s() -> None:
    ws = workspace()
    assert ws.quarter_label("fy24 q2") == "FY24-Q2"
    assert ws.quarter_label(None) == "FY24-Q1"


def test_a_label_that_is_no_quarter_names_the_option_it_came_from() -> None:
    with pytest.raises(UsageError, match=r"^--quarter 'FY24-Q9': "):
        workspace().quarter_label("FY24-Q9")
    with pytest.raises(UsageError, match=r"^--to 'banana': not a quarter"):
        workspace().quarter_label("banana", option="--to")


def test_a_pipeline_script_opens_a_workspace_and_runs_a_command(
    emulator: Emulator, tmp_path: Path
) -> None:
    """The library call behind every command: a config file, the connection, a dry run."""
    config = tmp_path / "okrflow.yml"
    config.write_text("teams: [CSM]\n", encoding="utf-8")
    ws = Workspace.open(
        config_path=config,
        gitlab_url=emulator.base_url,
        project=emulator.default_project,
        dry_run=True,
        environ={"GITLAB_TOKEN": str(emulator.default_token)},
        now=lambda: dt.datetime(2024, 2, 15, tzinfo=dt.timezone.utc),
    )
    assert ws.config.teams[0].name == "CSM" and ws.dry_run
    assert ws.connection is not None and ws.connection.project == emulator.default_project
    result = init(ws)
    assert result.planned is ws.planned() and result.planned
    assert result.lines()[-1] == "init (dry run): 28 created, 0 updated, 0 unchanged"
    assert set(emulator.counts()) == {"GET"}


def test_the_config_comes_from_okrflow_config_when_no_path_is_given(tmp_path: Path) -> None:
    config = tmp_path / "team.yml"
    config.write_text("project: team/okrs\n", encoding="utf-8")
    ws = Workspace.open(environ={"OKRFLOW_CONFIG": str(config)}, connect=False)
    assert ws.config.project == "team/okrs" and ws.connection is None
    with pytest.raises(UsageError, match=r"^config file not found: "):
        Workspace.open(environ={"OKRFLOW_CONFIG": str(tmp_path / "gone.yml")}, connect=False)

"""okrflow.commands.workspace: the quarter a command works on."""

from __future__ import annotations

import datetime as dt

import pytest

from okrflow.commands.reporter import Recorder
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.errors import UsageError


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

"""Fixtures shared by the command tests.

``emu``: the ``emulator`` fixture with okrflow's labels in the project (a test file may
define its own). ``run``: okrflow's ``main()`` against it, returning (exit code, stdout,
stderr), with ``OKRFLOW_NOW`` at 2024-02-15 and no config file. ``cli``: the same against
the test file's ``group`` fixture (a group scope), with no config and no project.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from okr_world import PROJECT, add_labels

from okrflow.sandbox import SANDBOX_URL, Emulator


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    add_labels(emulator)
    return emulator


@pytest.fixture
def run(
    emu: Emulator,
    monkeypatch: pytest.MonkeyPatch,
    invoke: Callable[..., tuple[int, str, str]],
    tmp_path: Path,
) -> Callable[..., tuple[int, str, str]]:
    """okrflow's main() against the emulator: (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "GITLAB_URL": SANDBOX_URL,
        "GITLAB_TOKEN": str(emu.default_token),
        "OKRFLOW_PROJECT": PROJECT,
        "OKRFLOW_NOW": "2024-02-15T12:00:00Z",
        "NO_COLOR": "1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("OKRFLOW_CONFIG", raising=False)

    return invoke


@pytest.fixture
def cli(
    group: Emulator,
    invoke: Callable[..., tuple[int, str, str]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Callable[..., tuple[int, str, str]]:
    """``okrflow`` in this process, against the group (no config, no project in the
    environment): ``cli(*args)`` -> (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    for name in ("OKRFLOW_CONFIG", "OKRFLOW_PROJECT", "OKRFLOW_GROUP", "CI_PROJECT_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITLAB_URL", group.base_url)
    monkeypatch.setenv("GITLAB_TOKEN", str(group.default_token))
    return invoke

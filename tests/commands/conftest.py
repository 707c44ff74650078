"""Fixtures shared by the command tests.

``emu``: the ``emulator`` fixture with okrflow's labels in the project (a test file may
define its own). ``run``: okrflow's ``main()`` against it, returning (exit code, stdout,
stderr), with ``OKRFLOW_NOW`` at 2024-02-15 and no config file.
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

"""End-to-end fixtures: the installed ``okrflow`` run as a subprocess, as a user would,
against the GitLab emulator served on 127.0.0.1.

``okrflow_cli`` is a callable: ``okrflow_cli("init")`` runs ``okrflow init`` with
``GITLAB_URL``, ``GITLAB_TOKEN`` and ``OKRFLOW_PROJECT`` pointing at the served
emulator (``okrflow_cli.emu`` is the emulator, for arranging and inspecting state)
and returns the ``subprocess.CompletedProcess`` (text mode). Every run is bounded by
a timeout. ``extra_env`` adds or overrides variables (``None`` removes one).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from okrflow.sandbox import Emulator, ServedEmulator

OKRFLOW = Path(sys.executable).with_name("okrflow")


def clean_environ() -> dict[str, str]:
    """This process's environment without any GitLab, okrflow or CI setting."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("GITLAB_", "OKRFLOW_", "CI_"))}


def run_okrflow(
    args: tuple[str, ...],
    *,
    env: dict[str, str],
    cwd: Path,
    timeout: float,
    extra_env: Mapping[str, str | None] | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the installed okrflow; ``extra_env`` adds or overrides (``None`` removes)."""
    env = dict(env)
    for key, value in (extra_env or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [str(OKRFLOW), *args],
        cwd=cwd,
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclasses.dataclass
class OkrflowCli:
    served: ServedEmulator
    cwd: Path
    timeout: float = 120.0

    @property
    def emu(self) -> Emulator:
        return self.served.emu

    @property
    def env(self) -> dict[str, str]:
        env = clean_environ()
        env.update(
            GITLAB_URL=self.served.url,
            GITLAB_TOKEN=self.served.token,
            OKRFLOW_PROJECT=self.served.project,
            NO_COLOR="1",
        )
        return env

    def __call__(
        self,
        *args: str,
        extra_env: Mapping[str, str | None] | None = None,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        return run_okrflow(
            args, env=self.env, cwd=self.cwd, timeout=self.timeout, extra_env=extra_env, input=input
        )


@pytest.fixture
def okrflow_cli(served_emulator: ServedEmulator, tmp_path: Path) -> OkrflowCli:
    if not OKRFLOW.exists():
        pytest.fail(f"the okrflow console script is not installed next to {sys.executable}")
    return OkrflowCli(served=served_emulator, cwd=tmp_path)

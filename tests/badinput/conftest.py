"""Fixtures of the bad-input corpus.

``okrflow_cli`` is the e2e fixture (the installed okrflow against the served emulator);
``offline_cli`` runs it with no emulator at all: ``GITLAB_URL`` is a closed port and
``GITLAB_TOKEN`` a fake token and ``OKRFLOW_CONFIG`` a config without retries, so a case
that should fail before GitLab fails fast, and one that wrongly connects fails at once.
``transcript`` keeps every output of every case for the final token scan.
"""

from __future__ import annotations

import dataclasses
import socket
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from e2e.conftest import OKRFLOW, OkrflowCli, clean_environ, okrflow_cli, run_okrflow

from .case import FAKE_TOKEN

__all__ = ["okrflow_cli"]


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@dataclasses.dataclass
class OfflineCli:
    cwd: Path
    url: str
    config: Path
    timeout: float = 60.0

    @property
    def env(self) -> dict[str, str]:
        env = clean_environ()
        env.update(
            GITLAB_URL=self.url,
            GITLAB_TOKEN=FAKE_TOKEN,
            OKRFLOW_PROJECT="acme/okrs",
            OKRFLOW_CONFIG=str(self.config),
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


#: offline, a command that should not connect and does fails at once instead of retrying
OFFLINE_CONFIG = "gitlab:\n  retries: 0\n  timeout: 5\n"


@pytest.fixture
def offline_cli(tmp_path: Path) -> OfflineCli:
    if not OKRFLOW.exists():
        pytest.fail(f"the okrflow console script is not installed next to {OKRFLOW.parent}")
    config = tmp_path.parent / f"{tmp_path.name}-offline.yml"
    config.write_text(OFFLINE_CONFIG, encoding="utf-8")
    return OfflineCli(cwd=tmp_path, url=f"http://127.0.0.1:{closed_port()}", config=config)


@pytest.fixture(scope="session")
def transcript() -> list[str]:
    """Every stdout, stderr and file a case produced, in run order."""
    return []


__all__ += ["OkrflowCli", "offline_cli", "transcript"]

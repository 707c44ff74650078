"""``okrflow sandbox`` as a subprocess: prints the exports, serves, stops cleanly on signals."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import gitlab
import pytest
from click.testing import CliRunner

from okrflow.cli.main import cli

STARTUP_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


class Sandbox:
    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "okrflow", "sandbox", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.exports = self._read_exports()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def _read_exports(self) -> dict[str, str]:
        exports: dict[str, str] = {}
        while len(exports) < 3:
            try:
                line = self.lines.get(timeout=STARTUP_TIMEOUT)
            except queue.Empty:
                self.proc.kill()
                pytest.fail(f"okrflow sandbox printed no exports; stderr: {self._stderr()}")
            if line.startswith("export "):
                name, _, value = line[len("export ") :].partition("=")
                exports[name] = value
        return exports

    def _stderr(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return ""
        return self.proc.stderr.read()

    def stop(self, sig: int) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)
            pytest.fail(f"okrflow sandbox did not stop on signal {sig}")

    def rest_of_stdout(self) -> list[str]:
        found = []
        while True:
            try:
                found.append(self.lines.get(timeout=1))
            except queue.Empty:
                return found


@pytest.fixture
def sandbox_factory() -> Iterator[list[Sandbox]]:
    started: list[Sandbox] = []
    yield started
    for box in started:
        if box.proc.poll() is None:
            box.proc.kill()
            box.proc.wait(timeout=STOP_TIMEOUT)


def start(started: list[Sandbox], *args: str) -> Sandbox:
    box = Sandbox(*args)
    started.append(box)
    return box


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_sandbox_serves_python_gitlab_and_stops_cleanly(
    sandbox_factory: list[Sandbox], sig: int
) -> None:
    box = start(sandbox_factory, "--port", "0")
    url = box.exports["GITLAB_URL"]

    assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
    assert box.exports["OKRFLOW_PROJECT"] == "acme/okrs"
    with gitlab.Gitlab(url, private_token=box.exports["GITLAB_TOKEN"], timeout=10) as gl:
        project = gl.projects.get(box.exports["OKRFLOW_PROJECT"])
        project.issues.create({"title": "Try okrflow", "labels": ["okr::objective"]})
        listed = project.issues.list(get_all=True, labels=["okr::objective"])

    assert [issue.title for issue in listed] == ["Try okrflow"]
    assert box.stop(sig) == 0
    assert "okrflow sandbox: stopped" in box.rest_of_stdout()


def test_sandbox_state_file_survives_a_restart(
    sandbox_factory: list[Sandbox], tmp_path: Path
) -> None:
    state = tmp_path / "sandbox.json"
    first = start(sandbox_factory, "--port", "0", "--state", str(state))
    with gitlab.Gitlab(
        first.exports["GITLAB_URL"], private_token=first.exports["GITLAB_TOKEN"], timeout=10
    ) as gl:
        gl.projects.get("acme/okrs").issues.create({"title": "Kept"})
    assert first.stop(signal.SIGTERM) == 0
    assert state.is_file()

    second = start(sandbox_factory, "--port", "0", "--state", str(state))
    with gitlab.Gitlab(
        second.exports["GITLAB_URL"], private_token=second.exports["GITLAB_TOKEN"], timeout=10
    ) as gl:
        titles = [i.title for i in gl.projects.get("acme/okrs").issues.list(get_all=True)]
    assert second.stop(signal.SIGTERM) == 0
    assert titles == ["Kept"]


def test_sandbox_refuses_a_busy_port_with_one_line(sandbox_factory: list[Sandbox]) -> None:
    box = start(sandbox_factory, "--port", "0")
    port = box.exports["GITLAB_URL"].rsplit(":", 1)[1]

    result = subprocess.run(
        [sys.executable, "-m", "okrflow", "sandbox", "--port", port],
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT,
    )

    assert result.returncode == 1
    assert result.stderr.startswith("okrflow: cannot listen on 127.0.0.1:")
    assert "Traceback" not in result.stderr
    assert box.stop(signal.SIGTERM) == 0


def test_help_lists_sandbox_without_importing_it() -> None:
    code = (
        "import sys; from okrflow.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'okrflow.sandbox' not in sys.modules, 'sandbox imported by --help'\n"
        "assert 'okrflow.cli.sandbox' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=STARTUP_TIMEOUT
    )

    assert result.returncode == 0, result.stderr
    assert "sandbox" in result.stdout
    assert "--port" in CliRunner().invoke(cli, ["sandbox", "--help"]).output


def test_sandbox_refuses_an_address_others_can_reach_without_public() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "okrflow", "sandbox", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT,
    )

    assert result.returncode == 2
    assert result.stderr == (
        "okrflow: --host '0.0.0.0' is not a loopback address, and the sandbox's tokens are "
        "published: add --public to serve there with a random token\n"
    )
    assert result.stdout == ""  # nothing served, no token printed


@pytest.mark.parametrize("host", ["localhost", "127.0.0.2"])
def test_sandbox_prints_the_address_it_bound(sandbox_factory: list[Sandbox], host: str) -> None:
    box = start(sandbox_factory, "--host", host, "--port", "0")
    url = box.exports["GITLAB_URL"]

    bound = "127.0.0.1" if host == "localhost" else host
    assert url.startswith(f"http://{bound}:")
    with gitlab.Gitlab(url, private_token=box.exports["GITLAB_TOKEN"], timeout=10) as gl:
        assert gl.projects.get("acme/okrs").path_with_namespace == "acme/okrs"
    assert box.stop(signal.SIGTERM) == 0


def test_a_public_sandbox_has_a_random_token_and_refuses_the_published_ones(
    sandbox_factory: list[Sandbox],
) -> None:
    from okrflow.sandbox.seed import PUBLISHED_TOKENS

    first = start(sandbox_factory, "--public", "--port", "0")
    second = start(sandbox_factory, "--public", "--port", "0")
    token = first.exports["GITLAB_TOKEN"]

    assert token not in PUBLISHED_TOKENS and token != second.exports["GITLAB_TOKEN"]
    with gitlab.Gitlab(first.exports["GITLAB_URL"], private_token=token, timeout=10) as gl:
        gl.auth()
        assert gl.user is not None and gl.user.username == "okr-lead"
    for published in PUBLISHED_TOKENS:
        with (
            gitlab.Gitlab(first.exports["GITLAB_URL"], private_token=published, timeout=10) as gl,
            pytest.raises(gitlab.exceptions.GitlabAuthenticationError),
        ):
            gl.auth()
    assert first.stop(signal.SIGTERM) == 0 and second.stop(signal.SIGTERM) == 0

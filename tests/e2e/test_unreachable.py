"""An unreachable or failing GitLab, as a user sees it from the installed okrflow.

A refused connection stops after a few retries (about 6 s of waiting by default),
each retry a line on stderr with its wait; a GitLab answering 503 for 20 s, then
recovering, is waited out, and the run says how long it waited. Only the subprocess
timeout bounds the time: no timed assertion.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

from e2e.conftest import OkrflowCli, clean_environ, run_okrflow

RETRY = re.compile(r"^warning: (.+); retrying in ([\d.]+) s, (\d+) of (\d+)$")


def _refused_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_port_ends_after_a_few_told_retries(tmp_path: Path) -> None:
    port = _refused_port()
    env = clean_environ()
    env.update(GITLAB_URL=f"http://127.0.0.1:{port}", GITLAB_TOKEN="t", OKRFLOW_PROJECT="a/b")
    done = run_okrflow(("status", "--quarter", "FY24-Q1"), env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    retries = [RETRY.match(line) for line in lines[:-1]]
    assert retries and all(retries), lines
    # numbered 1 of N .. N of N, the waits growing, at most 6 s of waiting in all
    assert [int(m.group(3)) for m in retries if m] == list(range(1, len(retries) + 1))
    assert {int(m.group(4)) for m in retries if m} == {len(retries)}
    waits = [float(m.group(2)) for m in retries if m]
    assert waits == sorted(waits) and sum(waits) <= 6
    assert all("connection refused" in m.group(1) for m in retries if m)
    assert lines[-1] == (
        f"okrflow: could not reach GitLab at http://127.0.0.1:{port} while trying to list "
        "issues, after retries (connection refused): check the URL and that GitLab is up"
    )


def test_an_unknown_host_ends_saying_so(tmp_path: Path) -> None:
    env = clean_environ()
    env.update(GITLAB_URL="http://gitlab.invalid", GITLAB_TOKEN="t", OKRFLOW_PROJECT="a/b")
    done = run_okrflow(("status", "--quarter", "FY24-Q1"), env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert all(RETRY.match(line) for line in lines[:-1]) and len(lines) > 1, lines
    assert lines[-1].endswith("after retries (unknown host): check the URL and that GitLab is up")


def test_a_20_s_outage_is_waited_out_and_the_wait_is_told(okrflow_cli: OkrflowCli) -> None:
    okrflow_cli.emu.outage(20, status=503)
    done = okrflow_cli("status")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    retries = [m for m in map(RETRY.match, lines) if m]
    assert retries and all("GitLab answered 503 to GET /projects/" in m.group(1) for m in retries)
    waited = [line for line in lines if line.startswith("warning: waited ")]
    assert len(waited) == 1, lines
    told = re.fullmatch(r"warning: waited (\d+) s for GitLab: (\d+) s for (\d+) retries", waited[0])
    assert told, waited
    assert int(told.group(3)) == len(retries)
    # the waits told add up to what the run says it waited, and cover the outage
    assert abs(sum(float(m.group(2)) for m in retries) - int(told.group(2))) <= 1
    statuses = [r.status for r in okrflow_cli.emu.log]
    assert statuses.count(503) == len(retries) and statuses[-1] == 200

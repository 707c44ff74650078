"""Two okrflow runs at once, and a person editing while okrflow runs: the installed okrflow
as two processes against the served emulator, its pause hook holding one run mid-way so
that the runs overlap for sure.

- Two ``apply``, two ``schedule``, two ``report --post`` started together end as one run
  would: the second waits for the first's lease, then finds everything made.
- A second run that cannot wait long enough stops with exit 1 and one clear line.
- A person's edit saved between okrflow's read and its write survives the write.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import OKRFLOW
from e2e.trust_world import PROJECT, QUARTER, P, World, world
from okrflow.core.description import split

pytestmark = pytest.mark.e2e

OKR_FILE = (
    "quarter: FY24-Q1\nobjectives:\n  - key: onboarding\n"
    "    title: Onboard customers in a day\n    team: CSM\n    owner: bob\n"
    "    purpose: A fast start keeps them.\n    key_results:\n      - key: activation\n"
    "        title: Raise day-1 activation from 40% to 60%\n"
    "      - key: time\n        title: Cut time to first value from 5 days to 1 day\n"
)


def state(w: World) -> list[Any]:
    """Everything a run leaves in the project: issues, their labels and comments, labels."""
    issues = [
        (
            i.iid,
            i.title,
            i.description,
            i.state,
            tuple(w.emu.issue_labels(PROJECT, i.iid)),
            tuple(n.body for n in w.notes(i.iid)),
        )
        for i in sorted(w.emu.issues(PROJECT), key=lambda i: i.iid)
    ]
    return [issues, sorted(label.name for label in w.emu.labels(PROJECT))]


def start(w: World, args: Sequence[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(OKRFLOW), *args],
        cwd=w.cwd,
        env=w.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(w: World, run: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = run.communicate(timeout=120)
    w.printed += [out, err]
    return run.returncode, out, err


def refused_lease(w: World, timeout: float = 60.0) -> None:
    """Wait until a second run has asked for the lease, been told it is held (409) and
    read who holds it: let go any sooner, the first run may finish and free the lease
    before that read, and the second would take it without ever waiting."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = list(w.emu.log)
        refused = next(
            (n for n, r in enumerate(log) if r.route == "/projects/:id/labels" and r.status == 409),
            None,
        )
        if refused is not None and any(
            r.route == "/projects/:id/labels/:label_id" and r.method == "GET" and r.status == 200
            for r in log[refused:]
        ):
            return
        time.sleep(0.05)
    raise AssertionError("the second run never asked for the lease and read who holds it")


def two_at_once(w: World, args: Sequence[str]) -> list[tuple[int, str, str]]:
    """Start ``args`` twice: the first is held at its first issue create, the second
    starts then and is let go once GitLab has told it the lease is held."""
    held = w.emu.pause("POST", "/projects/:id/issues", when="before", timeout=60)
    first = start(w, args)
    try:
        assert held.wait(60), "the first run never created an issue"
        second = start(w, args)
        refused_lease(w)
    finally:
        held.release()
    return [finish(w, first), finish(w, second)]


def one_run(tmp_path: Path, args: Sequence[str], prepare: Any = None) -> list[Any]:
    with world(tmp_path / "once") as calm:
        if prepare is not None:
            prepare(calm)
        done = calm.okrflow(*args)
        assert done.returncode == 0, done.stderr
        return state(calm)


def okr_file(w: World) -> str:
    path = w.cwd / "okrs.yml"
    path.write_text(OKR_FILE, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("apply", "okrs.yml"), id="apply"),
        pytest.param(("schedule", "--date", "2024-03-04"), id="schedule"),
        pytest.param(
            ("report", "--quarter", QUARTER, "--kind", "progress", "--post", "--output", "out"),
            id="report-post",
        ),
    ],
)
def test_two_runs_started_at_once_end_as_one_run(args: tuple[str, ...], tmp_path: Path) -> None:
    expected = one_run(tmp_path, args, prepare=okr_file)
    with world(tmp_path / "twice") as w:
        okr_file(w)
        (code_1, _, err_1), (code_2, _, err_2) = two_at_once(w, args)
        assert (code_1, code_2) == (0, 0), (err_1, err_2)
        assert "waiting up to 300s for another okrflow run to finish (okrflow " in err_2
        assert state(w) == expected  # nothing twice, and the lease is gone
        assert "okrflow::lease" not in state(w)[1]
        assert w.tokens_found() == []


def test_a_second_run_that_cannot_wait_stops_with_one_line(tmp_path: Path) -> None:
    expected = one_run(tmp_path, ("apply", "okrs.yml"), prepare=okr_file)
    with world(tmp_path / "twice", "gitlab:\n  lease_wait: 1\n") as w:
        args = ("apply", okr_file(w))
        held = w.emu.pause("POST", "/projects/:id/issues", when="before", timeout=60)
        first = start(w, args)
        try:
            assert held.wait(60)
            code, _, err = finish(w, start(w, args))
        finally:
            held.release()
        assert code == 1
        assert (
            err.strip()
            .splitlines()[-1]
            .startswith(
                "okrflow: another okrflow run holds the lease of acme/okrs (okrflow apply, since "
            )
        )
        assert "Traceback" not in err
        assert finish(w, first)[0] == 0
        assert state(w) == expected
        assert w.tokens_found() == []


def test_a_persons_edit_between_okrflows_read_and_write_survives(tmp_path: Path) -> None:
    with world(tmp_path / "edit") as w:
        # held after rollup read the quarter, before it reads the new comments
        held = w.emu.pause("GET", "/projects/:id/events", when="before")
        run = start(w, ("rollup", "--quarter", QUARTER))
        try:
            assert held.wait(60), "rollup never read check-ins"
            before = w.emu.issue(PROJECT, 1).description or ""
            edited = before.replace("## Owner", "Bob: CSAT survey moved to March.\n\n## Owner")
            assert edited != before
            w.as_user("bob", "PUT", f"{P}/issues/1", {"description": edited})
        finally:
            held.release()
        code, _, err = finish(w, run)
        assert code == 0, err
        after = w.emu.issue(PROJECT, 1).description or ""
        assert "Bob: CSAT survey moved to March." in after  # the person's edit survived
        parts = split(after)
        # and okrflow wrote its part: #2's row in the table, #2's check-in in the record
        assert parts.section is not None and "| 85% |" in parts.section
        entry = (parts.meta or {}).get("key_results", {}).get("2", {})
        assert entry.get("checkin", {}).get("value") == 85
        assert w.tokens_found() == []

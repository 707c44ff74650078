"""When GitLab keeps failing past the retries: exit 1 and one line saying what was done,
what was not, and to run again; no traceback, no token; and the run again finishes the job.

The retries are cut to 2 in the config (``gitlab.retries``) so giving up is quick.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from okrflow.sandbox import Emulator

from .harness import QUARTER, Site, new_emulator, okr_file, post_checkins, site, snapshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "okrs.example.yml"
CONFIG = "gitlab:\n  retries: 2\nfiscal_year:\n  first_month: 2\n"  # the example is FY22-Q2
FILE = "okrs.yml"


def _prepare(cwd: Path) -> None:
    (cwd / "config").mkdir(parents=True, exist_ok=True)
    (cwd / "config" / "okrflow.yml").write_text(CONFIG, encoding="utf-8")
    shutil.copyfile(EXAMPLE, cwd / FILE)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[Site]:
    """The example OKR file and a served emulator where init has run."""
    _prepare(tmp_path)
    with site(tmp_path) as where:
        assert where.run("init").returncode == 0
        where.emu.reset_log()
        yield where


@pytest.fixture(scope="module")
def clean_emulator(tmp_path_factory: pytest.TempPathFactory) -> Emulator:
    """The example file applied without faults."""
    cwd = tmp_path_factory.mktemp("clean")
    _prepare(cwd)
    with site(cwd) as where:
        assert where.run("init").returncode == 0
        assert where.run("apply", FILE).returncode == 0
        return where.emu


@pytest.fixture(scope="module")
def clean(clean_emulator: Emulator) -> dict[str, Any]:
    return snapshot(clean_emulator)


@pytest.fixture(scope="module")
def clean_by_key(clean_emulator: Emulator) -> dict[str, Any]:
    return snapshot(clean_emulator, by_key=True)


def _one_clean_line(result: subprocess.CompletedProcess[str], emu: Emulator) -> str:
    """The last line of stderr, after checking there is no traceback and no token."""
    assert result.returncode == 1, result.stdout + result.stderr
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown and "unexpected error" not in shown, shown
    assert (emu.default_token or "<none>") not in shown
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("okrflow: ")
    return lines[-1]


def test_apply_when_every_write_fails_exits_1_saying_nothing_was_done_and_to_run_again(
    world: Site, clean: dict[str, Any]
) -> None:
    emu = world.emu
    # every write to an issue (the lease, a label, is taken: this is about the OKRs)
    emu.faults.error(500, method="POST", path=r"/issues")
    emu.faults.error(500, method="PUT", path=r"/issues")
    failed = world.run("apply", FILE)
    assert _one_clean_line(failed, emu) == (
        "okrflow: apply: GitLab kept failing (500) on 4 OKR(s), 22 skipped under them; "
        "0 of 26 OKRs done (0 created, 0 updated, 0 unchanged); "
        "run apply again to finish (it resumes safely)"
    )
    # nothing is reported as created that was not
    assert (
        failed.stdout.strip()
        == "apply: 0 created, 0 updated, 0 unchanged, 0 not in file, 26 failed"
    )
    assert emu.issues("acme/okrs") == []

    emu.clear_faults()
    again = world.run("apply", FILE)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().endswith("apply: 26 created, 0 updated, 0 unchanged, 0 not in file")
    assert snapshot(emu) == clean


def test_apply_whose_links_keep_failing_counts_only_the_okrs_it_finished(
    world: Site, clean_by_key: dict[str, Any]
) -> None:
    emu = world.emu
    emu.faults.error(503, method="POST", path=r"/links$")
    failed = world.run("apply", FILE)
    line = _one_clean_line(failed, emu)
    # the two company objectives and the two KPIs need no link; all else hangs on one
    assert line == (
        "okrflow: apply: GitLab kept failing (503) on 10 OKR(s), 12 skipped under them; "
        "4 of 26 OKRs done (4 created, 0 updated, 0 unchanged); "
        "run apply again to finish (it resumes safely)"
    )
    created = [x for x in failed.stdout.splitlines() if x.startswith("+ create")]
    assert len(created) == 4

    emu.clear_faults()
    again = world.run("apply", FILE)
    assert again.returncode == 0, again.stderr
    # the skipped key results were created later than in one go: compare by key
    assert snapshot(emu, by_key=True) == clean_by_key
    emu.reset_log()
    third = world.run("apply", FILE)
    assert third.stdout.strip() == "apply: 0 created, 0 updated, 26 unchanged, 0 not in file"
    assert emu.writes() == {} and emu.counts()["GET"]  # and the lease taken, let go


def test_apply_that_loses_the_connection_stops_with_one_line_of_what_was_done(
    world: Site, clean: dict[str, Any]
) -> None:
    emu = world.emu
    emu.faults.drop(method="PUT")
    failed = world.run("apply", FILE)
    line = _one_clean_line(failed, emu)
    assert re.fullmatch(
        r"okrflow: could not reach GitLab at http://127\.0\.0\.1:\d+ while trying to update "
        r"issue #1, after retries \(connection lost\): check the URL and that GitLab is up; "
        r"apply stopped: 0 of 26 OKRs done "
        r"\(0 created, 0 updated, 0 unchanged\); run apply again to finish \(it resumes safely\)",
        line,
    ), line
    # before it, only the retries, each with its wait
    retries = failed.stderr.strip().splitlines()[:-1]
    assert retries and all(re.search(r"; retrying in [\d.]+ s, \d+ of \d+$", x) for x in retries)

    emu.clear_faults()
    assert world.run("apply", FILE).returncode == 0
    assert snapshot(emu) == clean


@pytest.mark.parametrize(
    ("method", "path", "stopped"),
    [
        # the lease is the first label init writes: nothing else is tried without it
        ("drop", r"/labels$", "lease"),
        ("500", r"/labels$", "lease"),
        ("drop", r"/lists$", "20 created, 0 updated, 0 unchanged"),
        ("drop", r"/repository/files/", "24 created, 0 updated, 0 unchanged"),
    ],
    ids=["labels-unreachable", "labels-500", "board-lists-unreachable", "templates-unreachable"],
)
def test_init_that_gives_up_says_what_it_did_and_a_second_run_finishes(
    tmp_path: Path, method: str, path: str, stopped: str
) -> None:
    _prepare(tmp_path / "faulty")
    _prepare(tmp_path / "plain")
    with site(tmp_path / "faulty") as where, site(tmp_path / "plain", new_emulator()) as plain:
        emu = where.emu
        if method == "drop":
            emu.faults.drop(path=path)
        else:
            emu.faults.error(int(method), method="POST", path=path)
        failed = where.run("init")
        line = _one_clean_line(failed, emu)
        if stopped == "lease":
            assert "the okrflow lease" in line, line
            assert len(emu.labels("acme/okrs")) == 0
        else:
            assert f"; init stopped ({stopped} before that): run init again to finish" in line
        emu.clear_faults()
        assert where.run("init").returncode == 0
        assert plain.run("init").returncode == 0
        assert snapshot(emu) == snapshot(plain.emu)


def test_rollup_when_every_write_keeps_failing_exits_1_saying_what_was_not_done(
    tmp_path: Path,
) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "okrflow.yml").write_text("gitlab:\n  retries: 2\n", "utf-8")
    (tmp_path / FILE).write_text(okr_file(2), encoding="utf-8")
    with site(tmp_path) as where, site(tmp_path) as plain:
        for world in (where, plain):
            assert world.run("init").returncode == 0
            assert world.run("apply", FILE).returncode == 0
            post_checkins(world.emu, 2)
        where.emu.faults.error(500, method="PUT")
        failed = where.run("rollup", "--quarter", QUARTER)  # the 2 objectives' writes
        assert _one_clean_line(failed, where.emu) == (
            f"okrflow: rollup {QUARTER}: GitLab kept failing (500) on 2 issues; "
            "0 of 2 updates done; run rollup again to finish (it resumes safely)"
        )
        where.emu.clear_faults()
        assert where.run("rollup", "--quarter", QUARTER).returncode == 0
        assert plain.run("rollup", "--quarter", QUARTER).returncode == 0
        assert snapshot(where.emu) == snapshot(plain.emu)

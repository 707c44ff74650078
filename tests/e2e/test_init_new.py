"""``okrflow init`` and ``okrflow new`` as a user runs them: the installed console script,
real HTTP to the emulator on 127.0.0.1, exit codes and the request log."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest

from okrflow.sandbox import SANDBOX_JOB_TOKEN

pytestmark = pytest.mark.e2e

PROJECT = "acme/okrs"
NOW = {"OKRFLOW_NOW": "2024-02-01"}  # FY24-Q1
HOSTILE = "Win {{ 7*7 }} {% raw %} @all <script>alert(1)</script>"


def run(
    cli: Any, *args: str, extra_env: dict[str, str | None] | None = None
) -> subprocess.CompletedProcess[str]:
    """``okrflow ARGS`` on 2024-02-01 (FY24-Q1)."""
    env: dict[str, str | None] = {**NOW, **(extra_env or {})}
    result: subprocess.CompletedProcess[str] = cli(*args, extra_env=env)
    return result


def new_objective(
    cli: Any, *extra: str, title: str = "Delight our developers"
) -> subprocess.CompletedProcess[str]:
    return run(
        cli,
        "new",
        "objective",
        "--title",
        title,
        "--quarter",
        "FY24-Q1",
        "--team",
        "CSM",
        "--owner",
        "alice",
        "--purpose",
        "Developers who love the product stay.",
        *extra,
    )


def test_init_twice_the_second_run_writes_nothing(okrflow_cli: Any) -> None:
    first = run(okrflow_cli, "init")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert "created label okr::objective" in lines
    assert "created board OKRs" in lines
    assert "added board list okr-status::closed" in lines
    assert "created template OKR Objective.md" in lines
    assert lines[-1] == "init: 27 created, 0 updated, 0 unchanged"
    okrflow_cli.emu.reset_log()

    second = run(okrflow_cli, "init")

    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == ["init: 0 created, 0 updated, 27 unchanged"]
    assert okrflow_cli.emu.writes().total() == 0
    assert sum(okrflow_cli.emu.counts().values()) > 0  # it did look


def test_an_edited_template_survives_init_and_init_force_restores_it(okrflow_cli: Any) -> None:
    emu = okrflow_cli.emu
    path = ".gitlab/issue_templates/OKR Objective.md"
    assert run(okrflow_cli, "init").returncode == 0
    installed = emu.file_text(PROJECT, path, "main")
    emu.add_file(PROJECT, path, "Our objective template\n", author="alice")
    emu.reset_log()

    kept = run(okrflow_cli, "init")

    assert kept.returncode == 0, kept.stderr
    assert "template OKR Objective.md was edited by Alice" in kept.stderr
    assert okrflow_cli.emu.writes().total() == 0
    assert emu.file_text(PROJECT, path, "main") == "Our objective template\n"

    forced = run(okrflow_cli, "init", "--force")

    assert forced.returncode == 0, forced.stderr
    assert "updated template OKR Objective.md" in forced.stdout
    assert emu.file_text(PROJECT, path, "main") == installed


def test_init_dry_run_makes_only_get_requests(okrflow_cli: Any) -> None:
    result = run(okrflow_cli, "init", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would create label okr-status::draft" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "init (dry run): 27 created, 0 updated, 0 unchanged"
    assert set(okrflow_cli.emu.counts()) == {"GET"}
    assert okrflow_cli.emu.labels(PROJECT) == []


def test_init_with_only_a_job_token_fails_plainly(okrflow_cli: Any) -> None:
    result = run(
        okrflow_cli,
        "init",
        extra_env={"GITLAB_TOKEN": None, "CI_JOB_TOKEN": SANDBOX_JOB_TOKEN},
    )
    assert result.returncode == 1
    assert result.stderr.startswith("okrflow: only CI_JOB_TOKEN is available")
    assert SANDBOX_JOB_TOKEN not in result.stderr + result.stdout
    assert okrflow_cli.emu.writes().total() == 0


def test_new_objective_then_three_key_results_print_references_and_urls(
    okrflow_cli: Any,
) -> None:
    assert run(okrflow_cli, "init").returncode == 0
    url = okrflow_cli.served.url.rstrip("/")

    made = new_objective(okrflow_cli)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines() == [
        f"created objective #1 {PROJECT}#1 {url}/{PROJECT}/-/issues/1"
    ]

    statements = [
        "Grow weekly active users from 10,000 to 15,000",
        "Land 5 large enterprise logos",
        "Achieve SOC2 Type 1",
    ]
    for n, statement in enumerate(statements, start=2):
        result = run(okrflow_cli, "new", "kr", "--objective", "1", "--title", statement)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == [
            f"created key result #{n} {PROJECT}#{n} {url}/{PROJECT}/-/issues/{n}"
        ]
        assert sorted(okrflow_cli.emu.issue_labels(PROJECT, n)) == sorted(
            ["okr::key result", "okr-status::draft", "FY24-Q1", "CSM"]
        )

    okrflow_cli.emu.reset_log()
    again = run(okrflow_cli, "new", "kr", "--objective", "#1", "--title", statements[0])
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [f"exists: #2 {PROJECT}#2 {url}/{PROJECT}/-/issues/2"]
    assert okrflow_cli.emu.writes().total() == 0
    assert len(okrflow_cli.emu.issues(PROJECT)) == 4


def test_new_dry_run_makes_only_get_requests(okrflow_cli: Any) -> None:
    assert new_objective(okrflow_cli).returncode == 0
    okrflow_cli.emu.reset_log()

    planned = new_objective(okrflow_cli, "--parent", "1", "--dry-run", title="Another one")
    kr_plan = run(
        okrflow_cli, "new", "kr", "--objective", "1", "--title", "Achieve SOC2", "--dry-run"
    )

    assert planned.returncode == 0, planned.stderr
    assert kr_plan.returncode == 0, kr_plan.stderr
    assert (
        planned.stdout.splitlines()[0] == "would create objective 'Another one' (key another-one)"
    )
    assert "  linked to: #1" in planned.stdout.splitlines()
    assert kr_plan.stdout.startswith("would create key result 'Achieve SOC2'")
    assert set(okrflow_cli.emu.counts()) == {"GET"}
    assert len(okrflow_cli.emu.issues(PROJECT)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--owner", "ghost"), "okrflow: no GitLab user @ghost"),
        (("--parent", "other/project#1"), "not in the OKR project"),
        (("--parent", "#42"), "there is no issue #42"),
        (("--quarter", "someday"), "not a quarter"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    okrflow_cli: Any,
    args: tuple[str, ...],
    message: str,
) -> None:
    result = new_objective(okrflow_cli, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert okrflow_cli.emu.writes().total() == 0


def test_new_kr_exit_codes(okrflow_cli: Any) -> None:
    assert new_objective(okrflow_cli).returncode == 0

    unreadable = run(okrflow_cli, "new", "kr", "--objective", "1", "--title", "Improve things")
    assert unreadable.returncode == 2
    assert unreadable.stderr.startswith("okrflow: cannot read the key result 'Improve things': ")

    missing = run(okrflow_cli, "new", "kr", "--title", "Land 5 logos")
    assert missing.returncode == 2
    assert "--objective" in missing.stderr

    not_objective = run(okrflow_cli, "new", "kr", "--objective", "1x", "--title", "Land 5 logos")
    assert not_objective.returncode == 2
    assert "not an issue reference" in not_objective.stderr

    explicit = run(
        okrflow_cli,
        "new",
        "kr",
        "--objective",
        f"{okrflow_cli.served.url.rstrip('/')}/{PROJECT}/-/issues/1",
        "--title",
        "Improve things",
        "--start",
        "3",
        "--target",
        "9",
    )
    assert explicit.returncode == 0, explicit.stderr
    assert re.fullmatch(r"created key result #2 \S+ \S+/issues/2\n", explicit.stdout)


def test_a_hostile_title_is_stored_literally(okrflow_cli: Any) -> None:
    result = new_objective(okrflow_cli, title=HOSTILE)
    assert result.returncode == 0, result.stderr
    issue = okrflow_cli.emu.issue(PROJECT, 1)
    inert = "@\u2060all"  # a title's mentions notify too: written so they ping no one
    assert issue.title == HOSTILE.replace("@all", inert)
    assert "49" not in (issue.description or "")

    kr_title = "Cut {{ 7*7 }} @all <script> incidents from 10 to 2"
    made = run(okrflow_cli, "new", "kr", "--objective", "1", "--title", kr_title)
    assert made.returncode == 0, made.stderr
    assert okrflow_cli.emu.issue(PROJECT, 2).title == kr_title.replace("@all", inert)
    assert {m.name for m in okrflow_cli.emu.mentions} == {"alice"}  # the owner, no @all

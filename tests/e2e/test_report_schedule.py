"""The installed okrflow: report (files, status's numbers, one posted issue), schedule, carry."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "commands"))
from okr_seed import KR, PROJECT, Obj, sample_objectives, seed, writes

from okrflow.core.model import State

pytestmark = pytest.mark.e2e

CLOSING = {"OKRFLOW_NOW": "2024-03-26T10:00:00Z"}
MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_][\w.\-]*")


def report_issues(emu: Any) -> list[Any]:
    return [i for i in emu.issues(PROJECT) if "okr::report" in emu.issue_labels(PROJECT, i.iid)]


def test_report_files_carry_the_numbers_of_status_json(okrflow_cli: Any) -> None:
    seed(okrflow_cli.emu, sample_objectives())
    shown = okrflow_cli("status", "--quarter", "FY24-Q1", "--json", extra_env=CLOSING)
    assert shown.returncode == 0, shown.stderr
    expected = json.loads(shown.stdout)
    done = okrflow_cli("report", "--quarter", "FY24-Q1", "--output", "out", extra_env=CLOSING)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"wrote out/okrflow-report-FY24-Q1.{fmt}" for fmt in ("md", "html", "json")
    ]
    written = json.loads((okrflow_cli.cwd / "out" / "okrflow-report-FY24-Q1.json").read_text())
    assert written["kind"] == "closing"
    for got, want in zip(written["objectives"], expected["objectives"], strict=True):
        assert (got["iid"], got["progress"], got["health"]) == (
            want["iid"],
            want["progress"],
            want["health"],
        )
        for kr, want_kr in zip(got["key_results"], want["key_results"], strict=True):
            assert (kr["current"], kr["progress"], kr["health"]) == (
                want_kr["current"],
                want_kr["progress"],
                want_kr["health"],
            )
    md = (okrflow_cli.cwd / "out" / "okrflow-report-FY24-Q1.md").read_text()
    for o in expected["objectives"]:
        assert f"progress **{round(o['progress'] * 100)}%**" in md


def test_report_post_twice_leaves_one_issue_and_writes_nothing_the_second_time(
    okrflow_cli: Any,
) -> None:
    emu = okrflow_cli.emu
    seed(emu, sample_objectives())
    first = okrflow_cli("report", "--post", "--format", "md", extra_env=CLOSING)
    assert first.returncode == 0, first.stderr
    assert "created report issue #9" in first.stdout
    emu.reset_log()
    second = okrflow_cli("report", "--post", "--format", "md", extra_env=CLOSING)
    assert second.returncode == 0, second.stderr
    assert "report issue #9" in second.stdout and "is up to date" in second.stdout
    assert writes(emu) == 0
    assert len(report_issues(emu)) == 1


def test_hostile_titles_reach_no_one_through_the_command(okrflow_cli: Any) -> None:
    emu = okrflow_cli.emu
    seed(
        emu,
        [
            Obj(
                "x",
                "Own @all the <script>alert(1)</script> {{ x }}",
                "Company",
                "alice",
                [
                    KR(f"k{n}", f"Grow @here signups from {n} to 9 {{{{ y }}}}", "bob")
                    for n in range(3)
                ],
            )
        ],
    )
    done = okrflow_cli("report", "--post", "--output", "out", extra_env=CLOSING)
    assert done.returncode == 0, done.stderr
    md = (okrflow_cli.cwd / "out" / "okrflow-report-FY24-Q1.md").read_text()
    (issue,) = report_issues(emu)
    for text in (md, issue.description):
        assert MENTION.findall(text.replace("\\", "")) == []
        assert "<script>" not in text
        assert "{{ x }}" in text.replace("\\", "")


def test_schedule_steps_through_the_dates_and_runs_once_per_day(okrflow_cli: Any) -> None:
    emu = okrflow_cli.emu
    q1 = seed(emu, sample_objectives())
    (review,) = seed(emu, sample_objectives(State.REVIEW, prefix="q2-")[:1], "FY24-Q2")
    for date, expected in [
        ("2024-03-04", "drafting FY24-Q2 (due 2024-03-04):"),
        ("2024-03-25", "closing ceremony of FY24-Q1 (due 2024-03-25):"),
        ("2024-04-01", "activate FY24-Q2 (due 2024-04-01):"),
    ]:
        done = okrflow_cli("schedule", "--date", date)
        assert done.returncode == 0, done.stderr
        assert expected in done.stdout.splitlines()
        emu.reset_log()
        again = okrflow_cli("schedule", "--date", date)
        assert again.returncode == 0 and again.stdout.splitlines()[1:] == ["nothing due"]
        assert writes(emu) == 0
    assert "okr-status::active" in emu.issue_labels(PROJECT, review.iid)
    assert all(emu.issue(PROJECT, o.iid).state == "closed" for o in q1)


def test_only_a_job_token_is_a_clear_error(okrflow_cli: Any) -> None:
    from okrflow.sandbox import SANDBOX_JOB_TOKEN

    seed(okrflow_cli.emu, sample_objectives())
    env = {"GITLAB_TOKEN": None, "CI_JOB_TOKEN": SANDBOX_JOB_TOKEN}
    for args in (("schedule", "--date", "2024-03-04"), ("report", "--post", "--format", "md")):
        done = okrflow_cli(*args, extra_env={**env, **CLOSING})
        assert done.returncode == 1, done.stdout
        assert "CI_JOB_TOKEN" in done.stderr and "GITLAB_TOKEN" in done.stderr
        assert SANDBOX_JOB_TOKEN not in done.stderr + done.stdout
        assert "Traceback" not in done.stderr
    assert writes(okrflow_cli.emu) == 0


def test_carry_through_the_command_is_idempotent(okrflow_cli: Any) -> None:
    emu = okrflow_cli.emu
    pipeline = seed(emu, sample_objectives())[1]
    done = okrflow_cli("carry", f"#{pipeline.iid}", "--to", "FY24-Q2", extra_env=CLOSING)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"carry #{pipeline.iid} over to FY24-Q2 as #9")
    emu.reset_log()
    again = okrflow_cli("carry", f"#{pipeline.iid}", "--to", "FY24-Q2", extra_env=CLOSING)
    assert again.returncode == 0 and "nothing to change" in again.stdout
    assert writes(emu) == 0

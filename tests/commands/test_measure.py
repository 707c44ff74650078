"""okrflow.commands.measure: a key result measured by its source, against the emulator;
commands run without a shell and without the token."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from okrflow.adapter import ConnectionSettings, OkrRepository
from okrflow.commands.measure import COMMANDS_DISABLED, command_value, measure
from okrflow.core.model import KeyResult, Metric, MetricKind, MetricSource, SourceKind
from okrflow.core.sources import MetricError
from okrflow.sandbox import SANDBOX_PROJECT, SANDBOX_TOKEN, SANDBOX_URL, Emulator

UTC = dt.timezone.utc
NOW = dt.datetime(2024, 2, 15, 12, 0, tzinfo=UTC)


def days_ago(n: float) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def key_result(source: MetricSource, unit: str = "", iid: int = 12) -> KeyResult:
    return KeyResult(
        "kr", "Measured", metric=Metric(MetricKind.LINEAR, 0, 100, unit), iid=iid, source=source
    )


@pytest.fixture
def support(emulator: Emulator) -> Emulator:
    """acme/support with tickets labelled ``support``, created and closed on known dates."""
    emulator.add_project("acme/support")
    tickets = [  # (created, closed) in days before NOW
        (45, 35),
        (40, 29),
        (20, 12),
        (9, 3),
        (4, None),
    ]
    for n, (created, closed) in enumerate(tickets, start=1):
        emulator.set_now(days_ago(created))
        emulator.add_issue("acme/support", f"Ticket {n}", labels=["support"])
        if closed is not None:
            emulator.set_now(days_ago(closed))
            answer = emulator.request(
                "PUT",
                f"/projects/acme%2Fsupport/issues/{n}",
                token=SANDBOX_TOKEN,
                json_body={"state_event": "close"},
            )
            assert answer.status == 200
    emulator.set_now(NOW)
    return emulator


def gitlab() -> OkrRepository:
    settings = ConnectionSettings(url=SANDBOX_URL, token=SANDBOX_TOKEN, project=SANDBOX_PROJECT)
    return OkrRepository(settings)


def test_a_query_source_counts_support_issues_closed_in_the_last_30_days(support: Emulator) -> None:
    source = MetricSource(
        SourceKind.QUERY,
        {"labels": ["support"], "state": "closed", "window_days": 30, "project": "acme/support"},
    )
    support.reset_log()
    measured = measure(source, key_result(source), repo=gitlab(), now=NOW)
    assert measured.value == 3  # closed 29, 12 and 3 days ago
    assert measured.problem is None
    assert support.counts() == {"GET": 1}
    options = {k: v for k, v in source.options.items() if k != "project"}
    group = MetricSource(SourceKind.QUERY, {**options, "group": "acme"})  # with subgroups
    assert measure(group, key_result(group), repo=gitlab(), now=NOW).value == 3


def test_a_failed_query_is_a_problem_not_an_exception(support: Emulator) -> None:
    source = MetricSource(SourceKind.QUERY, {"project": "acme/nowhere"})
    measured = measure(source, key_result(source), repo=gitlab(), now=NOW)
    assert measured.value is None
    assert measured.problem is not None and measured.problem.startswith("query metric source:")


# -- commands ----------------------------------------------------------------------------------


def test_command_sources_are_refused_unless_the_config_allows_them() -> None:
    source = MetricSource(SourceKind.COMMAND, {"command": "echo 5"})
    measured = measure(source, key_result(source), repo=None, now=NOW)  # type: ignore[arg-type]
    assert measured.value is None
    assert measured.problem == COMMANDS_DISABLED


def test_a_command_prints_a_number_in_the_key_results_unit() -> None:
    py = sys.executable
    source = MetricSource(
        SourceKind.COMMAND, {"command": f"{py} -c \"print('working'); print('1,234')\""}
    )
    measured = measure(source, key_result(source), repo=None, now=NOW, allow_commands=True)  # type: ignore[arg-type]
    assert measured.value == 1234
    assert command_value([py, "-c", "print('35%')"], unit="%").value == 35


def test_a_command_runs_without_a_shell_and_without_the_gitlab_token() -> None:
    py = sys.executable
    script = "import os, sys; print(len(sys.argv[1]) + len(os.environ.get('GITLAB_TOKEN', '')))"
    measured = command_value(
        f"{py} -c \"{script}\" '$(rm -rf /);'", environ={"GITLAB_TOKEN": "secret", "PATH": ""}
    )
    assert measured.value == len("$(rm -rf /);")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["-c", "import sys; sys.exit(3)"], "failed with exit code 3"),
        (["-c", "print('lots')"], "printed 'lots'"),
        (["-c", "pass"], "printed nothing"),
        (["-c", "import time; time.sleep(5)"], "took longer than 0.5s"),
    ],
)
def test_a_failing_command_is_a_clear_problem(argv: list[str], words: str) -> None:
    with pytest.raises(MetricError, match=words):
        command_value([sys.executable, *argv], timeout=0.5)

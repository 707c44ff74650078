"""okrflow.commands.measure: a key result measured by its source, against the emulator; a
source reads only what the config allows, and a command's value comes from okrflow measure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from okrflow.adapter import ConnectionSettings, OkrRepository
from okrflow.commands.command_values import CommandValue
from okrflow.commands.measure import SourceRules, measure
from okrflow.core.model import KeyResult, Metric, MetricKind, MetricSource, SourceKind
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


SUPPORT = SourceRules(scopes=["acme/support"])


def gitlab() -> OkrRepository:
    settings = ConnectionSettings(url=SANDBOX_URL, token=SANDBOX_TOKEN, project=SANDBOX_PROJECT)
    return OkrRepository(settings)


def test_a_query_source_counts_support_issues_closed_in_the_last_30_days(support: Emulator) -> None:
    source = MetricSource(
        SourceKind.QUERY,
        {"labels": ["support"], "state": "closed", "window_days": 30, "project": "acme/support"},
    )
    support.reset_log()
    measured = measure(source, key_result(source), repo=gitlab(), now=NOW, rules=SUPPORT)
    assert measured.value == 3  # closed 29, 12 and 3 days ago
    assert measured.problem is None
    assert support.counts() == {"GET": 1}
    options = {k: v for k, v in source.options.items() if k != "project"}
    group = MetricSource(SourceKind.QUERY, {**options, "group": "acme"})  # with subgroups
    allowed = SourceRules(scopes=["ACME"])  # paths compare without case, as GitLab's
    assert measure(group, key_result(group), repo=gitlab(), now=NOW, rules=allowed).value == 3


def test_a_failed_query_is_a_problem_not_an_exception(support: Emulator) -> None:
    source = MetricSource(SourceKind.QUERY, {"project": "acme/nowhere"})
    rules = SourceRules(scopes=["acme"])
    measured = measure(source, key_result(source), repo=gitlab(), now=NOW, rules=rules)
    assert measured.value is None
    assert measured.problem is not None and measured.problem.startswith("query metric source:")


# -- what a source may read: the OKR project and metrics.allowed_scopes ------------------------


@pytest.mark.parametrize(
    ("where", "scopes"),
    [
        ({"project": "acme/support"}, []),  # not allowed by default
        ({"project": "other/private"}, ["acme"]),
        ({"group": "acme"}, ["acme/support"]),  # a project allows no group around it
        ({"project": "acme/supporting"}, ["acme/support"]),  # a prefix is not a scope
    ],
)
def test_a_query_outside_the_scopes_is_a_problem_and_never_requested(
    support: Emulator, where: dict[str, str], scopes: list[str]
) -> None:
    source = MetricSource(SourceKind.QUERY, {"labels": ["support"], **where})
    support.reset_log()
    measured = measure(
        source, key_result(source), repo=gitlab(), now=NOW, rules=SourceRules(scopes=scopes)
    )
    assert measured.value is None
    assert measured.problem is not None
    assert "outside the OKR project and metrics.allowed_scopes: not read" in measured.problem
    assert support.log == []  # nothing asked of GitLab


def test_a_query_of_the_okr_project_itself_needs_no_scope(support: Emulator) -> None:
    support.add_issue(SANDBOX_PROJECT, "Ticket", labels=["support"])
    for where in ({}, {"project": "Acme/OKRs"}):
        source = MetricSource(SourceKind.QUERY, {"labels": ["support"], **where})
        assert measure(source, key_result(source), repo=gitlab(), now=NOW).value == 1


def test_initiatives_from_projects_outside_the_scopes_are_left_out_unread(
    support: Emulator,
) -> None:
    support.add_project("acme/finance")  # the token can read it; the config does not allow it
    support.add_issue("acme/finance", "Confidential deal", confidential=True)
    support.add_issue(SANDBOX_PROJECT, "Measured")  # 1, the key result
    support.add_issue(SANDBOX_PROJECT, "Write the guide")  # 2, an initiative here
    for target, iid in (("acme/okrs", 2), ("acme/support", 1), ("acme/finance", 1)):
        answer = support.request(
            "POST",
            "/projects/acme%2Fokrs/issues/1/links",
            token=SANDBOX_TOKEN,
            json_body={"target_project_id": target, "target_issue_iid": iid},
        )
        assert answer.status == 201, answer.body
    source = MetricSource(SourceKind.INITIATIVES, {"measure": "count"})
    support.reset_log()

    measured = measure(source, key_result(source, iid=1), repo=gitlab(), now=NOW, rules=SUPPORT)

    assert [i.ref for i in measured.initiatives or ()] == ["acme/okrs#2", "acme/support#1"]
    assert measured.problem is not None and "acme/finance#1" in measured.problem
    assert "Confidential deal" not in measured.problem
    assert all("acme%2Ffinance" not in r.path for r in support.log)


# -- commands: the value okrflow measure wrote ----------------------------------------------

DECLARED = {"nps": ("python3", "scripts/nps.py")}


def command(name: object = "nps") -> MetricSource:
    return MetricSource(SourceKind.COMMAND, {"command": name})


def measured_by(
    values: dict[str, CommandValue] | None, name: object = "nps", unit: str = ""
) -> Any:
    source = command(name)
    rules = SourceRules(commands=DECLARED, values=values)
    return measure(source, key_result(source, unit), repo=None, now=NOW, rules=rules)  # type: ignore[arg-type]


def test_a_command_source_takes_the_value_okrflow_measure_wrote_in_the_krs_unit() -> None:
    at = days_ago(0.5)
    measured = measured_by({"nps": CommandValue("nps", at, printed="90min")}, unit="h")
    assert (measured.value, measured.measured_at, measured.problem) == (1.5, at, None)


@pytest.mark.parametrize(
    ("name", "values", "words"),
    [
        ("scripts/nps.sh", {}, "names 'scripts/nps.sh', which is not one of metrics.commands"),
        ("nps", None, "run okrflow measure in a job without the token, and give its file"),
        ("nps", {}, "the values file has no value of 'nps'"),
        ("nps", {"nps": CommandValue("nps", NOW, problem="took too long")}, "took too long"),
        ("nps", {"nps": CommandValue("nps", NOW, printed="lots")}, "printed 'lots'"),
    ],
)
def test_a_command_source_without_a_value_is_a_clear_problem(
    name: str, values: dict[str, CommandValue] | None, words: str
) -> None:
    measured = measured_by(values, name)
    assert measured.value is None
    assert words in (measured.problem or "")

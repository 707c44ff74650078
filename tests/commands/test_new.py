"""okrflow.commands.new against the emulator: one request per OKR, found again by key."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from okrflow.adapter import ConnectionSettings, Snapshot
from okrflow.commands.init import init
from okrflow.commands.new import NewResult, new_kr, new_objective, slugify
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.core.description import split
from okrflow.core.model import Direction, Kind, MetricKind
from okrflow.errors import UsageError
from okrflow.sandbox import Emulator

PROJECT = "acme/okrs"
TODAY = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)  # in FY24-Q1
HOSTILE = "Win {{ 7*7 }} {% raw %} @all <script>alert(1)</script>"


def workspace(emu: Emulator, config: Config | None = None, *, dry_run: bool = False) -> Workspace:
    settings = ConnectionSettings(
        url=emu.base_url, token=emu.default_token, project=emu.default_project, retries=0
    )
    return Workspace(
        config=config or Config.default(), connection=settings, dry_run=dry_run, now=lambda: TODAY
    )


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    init(workspace(emulator))
    emulator.reset_log()
    return emulator


def objective(emu: Emulator, title: str = "Delight our developers", **kw: Any) -> NewResult:
    args: dict[str, Any] = {
        "title": title,
        "quarter": "FY24-Q1",
        "team": "CSM",
        "owner": "alice",
        "purpose": "Developers who love the product stay.",
    }
    args.update(kw)
    dry_run = bool(args.pop("dry_run", False))
    return new_objective(workspace(emu, dry_run=dry_run), **args)


def kr(emu: Emulator, parent: int | str, title: str, **kw: Any) -> NewResult:
    dry_run = bool(kw.pop("dry_run", False))
    return new_kr(workspace(emu, dry_run=dry_run), objective=str(parent), title=title, **kw)


def snapshot(emu: Emulator) -> Snapshot:
    ws = workspace(emu)
    return ws.repo.load("FY24-Q1")


def linked(emu: Emulator, iid: int) -> set[int]:
    issue = emu.issue(PROJECT, iid)
    by_id = {i.id: i.iid for i in emu.issues(PROJECT)}
    return {
        by_id[other]
        for link in emu.state.links.values()
        for ends in [(link.source_id, link.target_id)]
        if issue.id in ends
        for other in ends
        if other != issue.id
    }


# -- objectives --------------------------------------------------------------------------------


def test_new_objective_creates_a_labelled_assigned_issue_in_one_request(emu: Emulator) -> None:
    result = objective(emu)

    assert emu.counts_by_route()["POST /projects/:id/issues"] == 1
    assert emu.writes().total() == 1  # no parent: nothing to link
    assert result.created and result.iid == 1
    assert result.lines() == [
        f"created objective #1 acme/okrs#1 {emu.base_url}/acme/okrs/-/issues/1"
    ]
    assert sorted(emu.issue_labels(PROJECT, 1)) == sorted(
        ["okr::objective", "okr-status::draft", "FY24-Q1", "CSM"]
    )
    issue = emu.issue(PROJECT, 1)
    assert [emu.state.users[u].username for u in issue.assignee_ids] == ["alice"]


def test_the_objective_reads_back_through_the_store_as_written(emu: Emulator) -> None:
    objective(emu, kind="aspirational", weight=2.0, key="devex")
    (okr,) = snapshot(emu).objectives
    assert (okr.key, okr.title, okr.owner, okr.team, okr.quarter) == (
        "devex",
        "Delight our developers",
        "alice",
        "CSM",
        "FY24-Q1",
    )
    assert okr.purpose == "Developers who love the product stay."
    assert (okr.kind, okr.weight, okr.missing_sections) == (Kind.ASPIRATIONAL, 2.0, ())
    assert snapshot(emu).problems == []
    meta = split(emu.issue(PROJECT, 1).description).meta
    assert meta is not None and meta["type"] == "objective" and "iid" not in meta


def test_an_objective_is_linked_to_each_parent_and_names_them(emu: Emulator) -> None:
    company = objective(emu, "Be the best place to build software", key="company")
    sales = objective(emu, "Sell to every team", key="sales")
    emu.reset_log()

    child = objective(emu, "Win the enterprise", parents=["1", f"{PROJECT}#{sales.iid}"])

    assert child.iid is not None and linked(emu, child.iid) == {company.iid, sales.iid}
    assert emu.counts_by_route()["POST /projects/:id/issues/:issue_iid/links"] == 2
    okr = snapshot(emu).by_key(child.key)
    assert okr is not None and okr.okr.parents == ["company", "sales"]  # type: ignore[union-attr]


def test_running_new_objective_again_finds_it_and_creates_nothing(emu: Emulator) -> None:
    first = objective(emu, parents=[])
    emu.reset_log()

    again = objective(emu)

    assert emu.writes().total() == 0
    assert (again.created, again.iid) == (False, first.iid)
    assert again.lines()[0].startswith("exists: #1 acme/okrs#1 ")
    assert len(emu.issues(PROJECT)) == 1


def test_a_rerun_adds_the_link_an_interrupted_run_left_out(emu: Emulator) -> None:
    parent = objective(emu, "Parent", key="parent")
    child = objective(emu, "Child", parents=["#1"])
    emu.state.links.clear()  # the run stopped after the create
    emu.reset_log()

    again = objective(emu, "Child", parents=["#1"])

    assert (again.created, again.links_added) == (False, [parent.iid])
    assert child.iid is not None and linked(emu, child.iid) == {parent.iid}
    assert emu.writes().total() == 1


def test_the_same_title_in_another_quarter_is_another_objective(emu: Emulator) -> None:
    objective(emu)
    other = objective(emu, quarter="FY24-Q2")
    assert other.created and other.key == "delight-our-developers"
    assert len(emu.issues(PROJECT)) == 2


def test_an_explicit_key_used_by_another_okr_is_refused(emu: Emulator) -> None:
    objective(emu, "First", key="shared")
    with pytest.raises(UsageError, match="'shared' is already used by #1"):
        new_kr(workspace(emu), objective="1", title="Land 5 logos", key="shared")


def test_a_title_is_stored_literally_and_never_run_as_a_template(emu: Emulator) -> None:
    objective(emu, HOSTILE, purpose="{{ 6*7 }} @all\n/close")
    issue = emu.issue(PROJECT, 1)
    titled = HOSTILE.replace("@all", "@\u2060all")  # GitLab reads mentions in titles too
    assert issue.title == titled
    description = issue.description or ""
    assert "49" not in description and "42" not in description
    assert "@all" not in description  # written as @\u2060all: pings no one
    assert issue.state == "opened"  # "/close" in the purpose is no quick action
    okr = snapshot(emu).objectives[0]
    assert okr.title == titled and okr.purpose == "{{ 6*7 }} @all\n/close"


# -- key results -------------------------------------------------------------------------------


def test_new_kr_is_labelled_from_its_objective_assigned_linked_and_attached(
    emu: Emulator,
) -> None:
    parent = objective(emu)
    emu.reset_log()

    result = kr(emu, "#1", "Grow weekly active users from 10,000 to 15,000", owner="bob")

    assert result.created and result.iid == 2
    assert sorted(emu.issue_labels(PROJECT, 2)) == sorted(
        ["okr::key result", "okr-status::draft", "FY24-Q1", "CSM"]
    )
    issue = emu.issue(PROJECT, 2)
    assert [emu.state.users[u].username for u in issue.assignee_ids] == ["bob"]
    assert linked(emu, 2) == {parent.iid}
    assert emu.counts_by_route()["POST /projects/:id/issues"] == 1
    (okr,) = snapshot(emu).objectives
    (key_result,) = okr.key_results
    assert key_result.iid == 2 and key_result.owner == "bob"
    assert key_result.metric is not None
    assert (key_result.metric.start, key_result.metric.target) == (10000, 15000)


def test_three_key_results_attach_to_one_objective(emu: Emulator) -> None:
    objective(emu)
    for title in (
        "Land 5 large enterprise logos",
        "Achieve SOC2 Type 1",
        "Raise NPS from 25 to 35",
    ):
        kr(emu, 1, title)
    snap = snapshot(emu)
    assert [k.title for k in snap.objectives[0].key_results] == [
        "Land 5 large enterprise logos",
        "Achieve SOC2 Type 1",
        "Raise NPS from 25 to 35",
    ]
    assert snap.orphans == [] and snap.problems == []


def test_a_kr_owner_defaults_to_the_objective_owner(emu: Emulator) -> None:
    objective(emu)
    result = kr(emu, 1, "Achieve SOC2 Type 1")
    assert result.owner == "alice"
    assert any("objective's owner" in note for note in result.notes)


def test_explicit_start_and_target_override_the_statement(emu: Emulator) -> None:
    objective(emu)
    kr(emu, 1, "Make onboarding much faster", start="10 days", target="2 days", unit="days")
    metric = snapshot(emu).objectives[0].key_results[0].metric
    assert metric is not None
    assert (metric.kind, metric.start, metric.target, metric.unit, metric.direction) == (
        MetricKind.LINEAR,
        10,
        2,
        "days",
        Direction.DECREASE,
    )


def test_an_unreadable_statement_is_a_usage_error_with_the_reason(emu: Emulator) -> None:
    objective(emu)
    emu.reset_log()
    with pytest.raises(UsageError, match="cannot read the key result 'Improve onboarding'") as e:
        kr(emu, 1, "Improve onboarding")
    assert "--start and --target" in str(e.value)
    assert emu.writes().total() == 0


def test_only_start_without_target_is_a_usage_error(emu: Emulator) -> None:
    objective(emu)
    with pytest.raises(UsageError, match="both --start and --target"):
        kr(emu, 1, "Make onboarding faster", start="10")


def test_the_same_statement_under_two_objectives_gets_two_keys_and_reruns_find_each(
    emu: Emulator,
) -> None:
    objective(emu, "One")
    objective(emu, "Two")
    first = kr(emu, 1, "Achieve SOC2 Type 1")
    second = kr(emu, 2, "Achieve SOC2 Type 1")
    assert (first.key, second.key) == ("achieve-soc2-type-1", "achieve-soc2-type-1-2")
    emu.reset_log()

    again = kr(emu, 2, "Achieve SOC2 Type 1")

    assert (again.created, again.iid) == (False, second.iid)
    assert emu.writes().total() == 0


def test_a_sixth_key_result_is_created_with_a_note(emu: Emulator) -> None:
    objective(emu)
    for n in range(1, 6):
        kr(emu, 1, f"Land {n} logos")
    result = kr(emu, 1, "Land 6 logos")
    assert result.created
    assert any("6 key results" in note for note in result.notes)


# -- refusals ---------------------------------------------------------------------------------


def test_an_unknown_owner_is_a_usage_error_and_nothing_is_written(emu: Emulator) -> None:
    with pytest.raises(UsageError, match="no GitLab user @nobody"):
        objective(emu, owner="@nobody")
    objective(emu)
    with pytest.raises(UsageError, match="no GitLab user @ghost"):
        kr(emu, 1, "Achieve SOC2 Type 1", owner="ghost")
    assert len(emu.issues(PROJECT)) == 1


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("twelve", "not an issue reference"),
        ("#0", "not an issue reference"),
        ("other/project#1", "in other/project, not in the OKR project"),
        ("https://gitlab.example/other/project/-/issues/1", "not in the OKR project"),
        ("#99", "there is no issue #99"),
        ("#2", "#2 is not an OKR objective"),  # a key result
        ("#3", "#3 is not an OKR objective"),  # a plain issue
    ],
)
def test_a_bad_objective_reference_is_a_usage_error(emu: Emulator, ref: str, message: str) -> None:
    objective(emu)
    kr(emu, 1, "Achieve SOC2 Type 1")
    emu.add_issue(PROJECT, "Fix the login page", labels=["bug"])
    with pytest.raises(UsageError, match=message):
        kr(emu, ref, "Land 5 logos")
    with pytest.raises(UsageError, match=message):
        objective(emu, "Another", parents=[ref])
    assert len(emu.issues(PROJECT)) == 3


def test_a_team_that_is_not_configured_is_a_usage_error(emulator: Emulator) -> None:
    config = Config.model_validate({"teams": ["CSM", "Sales"]})
    with pytest.raises(UsageError, match="'Marketing' is not a configured team"):
        new_objective(
            workspace(emulator, config),
            title="T",
            quarter="FY24-Q1",
            team="Marketing",
            owner="alice",
            purpose="p",
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quarter": "next year"}, "not a quarter"),
        ({"key": "iid-3"}, "reserved"),
        ({"key": "has space"}, "a key is letters"),
        ({"weight": 0.0}, "more than 0"),
        ({"weight": float("inf")}, "at most 1000, not inf"),
        ({"weight": float("nan")}, "more than 0 and at most 1000, not nan"),
        ({"team": "CSM,Sales"}, "a GitLab label has no comma"),
        ({"title": "   "}, "--title is empty"),
        ({"purpose": ""}, "--purpose is empty"),
    ],
)
def test_bad_objective_options_are_usage_errors(
    emu: Emulator, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        objective(emu, **changes)
    assert emu.writes().total() == 0


# -- dry run -------------------------------------------------------------------------------------


def test_dry_run_makes_only_get_requests_and_says_what_it_would_create(emu: Emulator) -> None:
    objective(emu, "Parent", key="parent")
    emu.reset_log()

    result = objective(emu, parents=["1"], dry_run=True)
    kr_result = kr(emu, 1, "Achieve SOC2 Type 1", dry_run=True)

    assert set(emu.counts()) == {"GET"}
    assert len(emu.issues(PROJECT)) == 1
    assert result.lines() == [
        "would create objective 'Delight our developers' (key delight-our-developers)",
        "  labels: okr::objective, okr-status::draft, FY24-Q1, CSM",
        "  assignee: @alice",
        "  linked to: #1",
    ]
    assert kr_result.lines()[0] == (
        "would create key result 'Achieve SOC2 Type 1' (key achieve-soc2-type-1)"
    )


# -- references and keys -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "key"),
    [
        (
            "Grow weekly active users from 10,000 to 15,000",
            "grow-weekly-active-users-from-10-000-to-15-000",
        ),
        ("Améliorer la qualité", "ameliorer-la-qualite"),
        ("iid 12", "okr-iid-12"),
        (HOSTILE, "win-7-7-raw-all-script-alert-1-script"),
    ],
)
def test_slugify_makes_short_stable_keys(title: str, key: str) -> None:
    assert slugify(title) == key


def test_slugify_keeps_keys_short_and_never_empty() -> None:
    assert len(slugify("word " * 40)) <= 48
    assert slugify("目標").startswith("okr-") and slugify("目標") == slugify("目標")


@pytest.mark.parametrize("route", [r"/issues$", r"/links$"])
def test_a_create_whose_answer_is_lost_is_not_made_twice(emu: Emulator, route: str) -> None:
    objective(emu, "Parent", key="parent")
    emu.faults.drop(method="POST", path=route, times=1, after=True)
    settings = ConnectionSettings(
        url=emu.base_url, token=emu.default_token, project=PROJECT, retries=2
    )
    ws = Workspace(config=Config.default(), connection=settings, now=lambda: TODAY)

    result = new_kr(ws, objective="1", title="Achieve SOC2 Type 1")

    assert result.iid == 2 and len(emu.issues(PROJECT)) == 2
    assert linked(emu, 2) == {1} and len(emu.state.links) == 1

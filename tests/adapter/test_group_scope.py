"""A group scope: OKRs in any project of a group and its subgroups, read with one group
issues listing, each issue known by project and iid (several projects have a #1), and
references across projects followed."""

from __future__ import annotations

import math

import pytest

from group_world import (
    COMPANY,
    GROUP,
    PLATFORM,
    PROJECTS,
    QUARTER,
    SALES,
    SUPPORT,
    WEB,
    build_group,
    key_result,
    objective,
    seed_okrs,
)
from okrflow.adapter import ConnectionSettings, OkrRepository
from okrflow.adapter.connection import resolve_connection
from okrflow.core.model import IssueId
from okrflow.errors import UsageError
from okrflow.sandbox import Emulator

ENV = {"GITLAB_URL": "http://gitlab.example", "GITLAB_TOKEN": "t"}


def group_repo(
    emu: Emulator, *, token: str | None = None, projects: tuple[str, ...] = ()
) -> OkrRepository:
    settings = ConnectionSettings(
        url=emu.base_url,
        token=token or emu.default_token,
        group=GROUP,
        okr_projects=projects,
        retries=1,
    )
    return OkrRepository(settings)


@pytest.fixture
def group(emulator: Emulator) -> Emulator:
    build_group(emulator)
    seed_okrs(emulator)
    return emulator


def test_the_scope_is_a_group_or_a_project_never_both() -> None:
    settings = resolve_connection(group="acme/", environ=ENV)
    assert (settings.group, settings.project, settings.scope) == ("acme", None, "acme")
    from_env = resolve_connection(environ={**ENV, "OKRFLOW_GROUP": "acme"}, config_project=None)
    assert from_env.group == "acme"
    from_config = resolve_connection(config_group="acme", environ={**ENV, "CI_PROJECT_PATH": "a/b"})
    assert (from_config.group, from_config.project) == ("acme", None)  # CI's project: no clash
    assert resolve_connection(project="acme/okrs", environ=ENV).group is None
    for given in (
        {"group": "acme", "project": "acme/okrs"},
        {"group": "acme", "config_project": "acme/okrs"},
        {"config_group": "acme", "project": "acme/okrs"},
    ):
        with pytest.raises(UsageError, match=r"^both a group \(.+\) and a project \(.+\) name"):
            resolve_connection(environ=ENV, **given)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"OKRFLOW_GROUP.*OKRFLOW_PROJECT"):
        resolve_connection(environ={**ENV, "OKRFLOW_GROUP": "acme", "OKRFLOW_PROJECT": "acme/x"})


def test_both_scopes_on_the_command_line_is_bad_usage(
    invoke: object, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.delenv("OKRFLOW_CONFIG", raising=False)
    monkeypatch.setenv("GITLAB_URL", "http://127.0.0.1:9")
    code, out, err = invoke("status", "--group", "acme", "--project", "acme/okrs")  # type: ignore[operator]
    assert (code, out) == (2, "")
    assert err.strip().splitlines() == [
        "okrflow: both a group (--group) and a project (--project) name the OKR scope: "
        "give one of them"
    ]


def test_a_group_is_read_with_one_listing_and_two_projects_both_have_a_number_one(
    group: Emulator,
) -> None:
    repo = group_repo(group)
    group.reset_log()
    snap = repo.load(QUARTER)
    routes = group.counts_by_route()
    # one group issues listing for the quarter (one page: fewer than 100 issues), one
    # for the open KPIs, and the group's projects once
    assert routes == {
        "GET /groups/:id/issues": 2,
        "GET /groups/:id/projects": 1,
    }, routes
    assert sorted(map(str, snap.issues)) == sorted(
        f"{p}#{n}"
        for p in PROJECTS
        for n in (1, 2)
        if (p, n) not in ((SUPPORT, 2), (WEB, 2), (COMPANY, 2))
    )
    by_key = {o.key: o for o in snap.objectives}
    assert set(by_key) == {"company-growth", "sales-pipeline", "platform-trust"}
    # parents in another project, by key (metadata) and by full reference (text)
    assert by_key["sales-pipeline"].parents == ["company-growth"]
    assert by_key["platform-trust"].parents == ["company-growth"]
    # key results of other projects under their objectives; a person's issue without an
    # okrflow key is known by its full reference, so acme/support#1 and acme/eng/web#1
    # do not collide
    assert [kr.key for kr in by_key["sales-pipeline"].key_results] == [
        "sales-leads",
        f"{SUPPORT}#1",
    ]
    assert [kr.key for kr in by_key["platform-trust"].key_results] == [
        "platform-uptime",
        f"{WEB}#1",
    ]
    assert snap.orphans == [] and snap.set_aside == {}
    assert not [p for p in snap.problems if "another project" in p.message or "claims" in p.message]
    kr = snap.by_key(f"{WEB}#1")
    assert kr is not None and kr.issue_id == IssueId(WEB, 1) and kr.okr.project == WEB
    assert snap.item(kr.okr) is kr


def test_only_the_configured_projects_hold_okrs(group: Emulator) -> None:
    key_result(group, "acme/okrs", "Raise nothing from 1 to 2", "#1", key="stray", value=1)
    repo = group_repo(group, projects=(COMPANY, SALES, SUPPORT))
    snap = repo.load(QUARTER)
    assert {i.project for i in snap.issues} == {COMPANY, SALES, SUPPORT}
    assert repo.project_path == COMPANY  # the first project is the group's home
    assert repo.unreadable == ()


def test_a_project_the_token_cannot_read_is_named_once_and_the_rest_is_read(
    group: Emulator,
) -> None:
    repo = group_repo(
        group, token=group.token_for("carol"), projects=(COMPANY, SALES, WEB, PLATFORM)
    )
    snap = repo.load(QUARTER)
    assert {i.project for i in snap.issues} == {COMPANY, SALES, PLATFORM}
    named = [p for p in snap.problems if WEB in p.where or WEB in p.message]
    assert [(p.where, p.message) for p in named] == [
        (WEB, "the token cannot read this project: its OKRs are left out")
    ]
    assert [
        kr.key for o in snap.objectives for kr in o.key_results if o.key == "platform-trust"
    ] == ["platform-uptime"]


def test_a_warm_group_read_costs_one_listing_page_per_hundred_issues(group: Emulator) -> None:
    for n in range(230):
        key_result(
            group, SALES if n % 2 else PLATFORM, f"Raise score {n} from 1 to 2", "#1", key=f"k{n}"
        )
    repo = group_repo(group)
    group.reset_log()
    snap = repo.load(QUARTER)
    issues = len(snap.issues)
    routes = group.counts_by_route()
    assert routes["GET /groups/:id/issues"] == math.ceil(issues / 100) + 1  # + the KPI listing
    assert routes["GET /groups/:id/projects"] == 1
    assert sum(routes.values()) == math.ceil(issues / 100) + 2


def test_a_parent_outside_the_group_is_a_problem_and_not_followed(group: Emulator) -> None:
    objective(
        group, SUPPORT, "Delight partners", key="support-partners", parents=[("x", "other/corp#4")]
    )
    snap = group_repo(group).load(QUARTER)
    item = snap.by_key("support-partners")
    assert item is not None and item.okr.parents == []  # type: ignore[union-attr]
    assert [(p.where, p.message) for p in snap.problems if p.where == f"{SUPPORT}#2"] == [
        (
            f"{SUPPORT}#2",
            "other/corp#4 is in other/corp, outside the group's OKR projects: not followed "
            "(align it with an OKR of the group)",
        )
    ]

"""Metric sources across a group scope (issue 14 item 7): a query source on another
project or a group of the scope, declared in the OKR file; rollup reads there, and a
source naming a project or group outside the scope (or metrics.allowed_scopes) is
refused without a request."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from test_group_commands import config_workspace, plan_then_apply_find_nothing, writes

from group_world import (
    COMPANY,
    GROUP,
    NOW,
    PLATFORM,
    QUARTER,
    SUPPORT,
    WEB,
    build_group,
    objective,
)
from okrflow.commands.apply import apply
from okrflow.commands.new import new_kr
from okrflow.commands.rollup import rollup
from okrflow.config.okrfile import load_okr_file
from okrflow.core.description import split, with_meta
from okrflow.core.meta import Meta
from okrflow.errors import ConfigError, UsageError
from okrflow.sandbox import SANDBOX_USER, Emulator

CONFIG: dict[str, Any] = {"group": GROUP, "projects": [COMPANY, SUPPORT, PLATFORM]}

FILE = f"""\
quarter: {QUARTER}
objectives:
  - key: company-service
    project: {COMPANY}
    title: Serve customers well
    owner: alice
    key_results:
      - key: tickets
        title: Close 10 support tickets
        source:
          query:
            labels: [support]
            state: closed
            window_days: 30
            project: {SUPPORT}
      - key: bugs
        title: Close 8 engineering bugs
        source: {{query: {{labels: [bug], state: closed, group: acme/eng}}}}
      - key: guides
        title: Publish 4 guides
        source: {{initiatives: {{measure: count}}}}
"""


@pytest.fixture
def group(emulator: Emulator) -> Emulator:
    """The group, with support tickets in acme/support and bugs in acme/eng's projects,
    closed three days ago (one more bug twice too old to count)."""
    build_group(emulator)
    recent = NOW - dt.timedelta(days=3)
    for n in range(3):
        emulator.add_issue(
            SUPPORT, f"Ticket {n}", labels=["support"], state="closed", created_at=recent
        )
    emulator.add_issue(PLATFORM, "Bug", labels=["bug"], state="closed", created_at=recent)
    emulator.add_issue(WEB, "Bug", labels=["bug"], state="closed", created_at=recent)
    emulator.add_issue(
        WEB, "Old bug", labels=["bug"], state="closed", created_at=NOW - dt.timedelta(days=90)
    )
    emulator.set_now(NOW)
    return emulator


def meta_of(emu: Emulator, project: str, title: str) -> dict[str, Any]:
    issue = next(i for i in emu.issues(project) if i.title == title)
    return split(issue.description or "").meta or {}


def test_apply_writes_sources_across_the_scope_and_rollup_reads_there(
    group: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "okrs.yml"
    path.write_text(FILE, encoding="utf-8")
    result = apply(config_workspace(group, CONFIG), path)
    assert result.error() is None and result.failed == []
    assert meta_of(group, COMPANY, "Close 10 support tickets")["source"] == {
        "kind": "query",
        "options": {
            "labels": ["support"],
            "state": "closed",
            "window_days": 30,
            "measure": "count",
            "project": SUPPORT,
        },
    }
    bugs = meta_of(group, COMPANY, "Close 8 engineering bugs")["source"]["options"]
    assert bugs["group"] == "acme/eng" and "project" not in bugs
    guides = meta_of(group, COMPANY, "Publish 4 guides")["source"]
    assert guides == {"kind": "initiatives", "options": {"measure": "count"}}
    plan_then_apply_find_nothing(group, CONFIG, path)

    group.reset_log()
    rolled = rollup(config_workspace(group, CONFIG), quarter=QUARTER)
    current = {
        k["title"]: k["current"] for o in rolled.document["objectives"] for k in o["key_results"]
    }
    assert current["Close 10 support tickets"] == 3
    assert current["Close 8 engineering bugs"] == 2  # the subgroup's projects, in the window
    paths = {r.path.split("?")[0] for r in group.log if r.method == "GET"}
    assert "/api/v4/projects/acme%2Fsupport/issues" in paths
    assert "/api/v4/groups/acme%2Feng/issues" in paths


@pytest.mark.parametrize(
    ("where", "allowed", "refused"),
    [
        ("project: other/private", [], True),
        ("group: other", [], True),
        ("project: other/private", ["other"], False),  # metrics.allowed_scopes allows it
    ],
)
def test_a_file_query_outside_the_scope_stops_apply_before_any_write(
    group: Emulator, tmp_path: Path, where: str, allowed: list[str], refused: bool
) -> None:
    path = tmp_path / "okrs.yml"
    path.write_text(FILE.replace(f"project: {SUPPORT}", where), encoding="utf-8")
    ws = config_workspace(group, {**CONFIG, "metrics": {"allowed_scopes": allowed}})
    group.reset_log()
    if not refused:
        assert apply(ws, path).error() is None
        return
    with pytest.raises(
        ConfigError,
        match=r"okrs.yml:8: .*\[0\]: its query reads the \w+ .other.*, outside the group acme",
    ):
        apply(ws, path)
    assert writes(group) == 0


def test_a_file_query_naming_a_project_and_a_group_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "okrs.yml"
    path.write_text(
        FILE.replace(f"project: {SUPPORT}", f"project: {SUPPORT}\n            group: acme")
    )
    with pytest.raises(ConfigError, match=r"write project: or group:, not both"):
        load_okr_file(path)


def test_a_hand_edited_query_outside_the_scope_is_one_problem_and_never_requested(
    group: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "okrs.yml"
    path.write_text(FILE, encoding="utf-8")
    apply(config_workspace(group, CONFIG), path)
    issue = next(i for i in group.issues(COMPANY) if i.title == "Close 10 support tickets")
    meta, _ = Meta.from_dict(split(issue.description or "").meta or {})
    options = {**meta.source.options, "project": "other/private"} if meta.source else {}
    edited = meta.replace(source=dataclasses.replace(meta.source, options=options))
    issue.description = with_meta(issue.description or "", edited.to_dict())
    group.reset_log()
    rolled = rollup(config_workspace(group, CONFIG), quarter=QUARTER)
    named = [p for p in rolled.problems if "other/private" in p.message]
    assert len(named) == 1 and named[0].where == f"{COMPANY}#{issue.iid}"
    assert not [r for r in group.log if "other" in r.path]


def test_new_kr_takes_a_source_as_the_file_writes_it_and_refuses_one_outside(
    group: Emulator,
) -> None:
    objective(group, COMPANY, "Serve customers well", key="company-service")
    ws = config_workspace(group, CONFIG)
    made = new_kr(
        ws,
        objective=f"{COMPANY}#1",
        title="Close 10 support tickets",
        source="{query: {labels: [support], state: closed, project: acme/support}}",
    )
    meta = meta_of(group, COMPANY, "Close 10 support tickets")
    assert made.created and meta["source"]["kind"] == "query"
    assert meta["source"]["options"]["project"] == SUPPORT
    counted = new_kr(ws, objective=f"{COMPANY}#1", title="Publish 4 guides", source="initiatives")
    assert counted.created
    assert meta_of(group, COMPANY, "Publish 4 guides")["source"] == {
        "kind": "initiatives",
        "options": {},
    }
    group.reset_log()
    with pytest.raises(UsageError, match=r"--source: its query reads the group 'other'"):
        new_kr(ws, objective=f"{COMPANY}#1", title="Close 3 bugs", source="{query: {group: other}}")
    with pytest.raises(ConfigError, match=r"project: or group:, not both"):
        new_kr(
            ws,
            objective=f"{COMPANY}#1",
            title="Close 3 bugs",
            source="{query: {project: acme/support, group: acme}}",
        )
    with pytest.raises(ConfigError, match=r"--source:1: query.labls"):
        new_kr(ws, objective=f"{COMPANY}#1", title="Close 3 bugs", source="{query: {labls: [x]}}")
    assert writes(group) == 0


def test_initiatives_count_the_linked_issues_of_the_groups_projects_only(
    group: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "okrs.yml"
    path.write_text(FILE, encoding="utf-8")
    apply(config_workspace(group, CONFIG), path)
    kr = next(i for i in group.issues(COMPANY) if i.title == "Publish 4 guides").iid
    group.add_project("other/docs", visibility="public")
    group.add_member("other/docs", SANDBOX_USER, "reporter")  # so that it can link there
    targets = [
        group.add_issue(WEB, "Guide 1", state="closed"),
        group.add_issue(WEB, "Guide 2"),
        group.add_issue(SUPPORT, "Guide 3", state="closed"),
        group.add_issue("other/docs", "Guide 4", state="closed"),  # outside the group
    ]
    for target in targets:
        project = next(
            p for p in (WEB, SUPPORT, "other/docs") if group.project(p).id == target.project_id
        )
        answer = group.request(
            "POST",
            f"/projects/acme%2Fcompany/issues/{kr}/links",
            token=group.default_token,
            json_body={"target_project_id": project, "target_issue_iid": target.iid},
        )
        assert answer.status == 201, project
    rolled = rollup(config_workspace(group, CONFIG), quarter=QUARTER)
    guides = next(
        k for o in rolled.document["objectives"] for k in o["key_results"] if k["iid"] == kr
    )
    assert guides["current"] == 2  # closed in acme/eng/web and acme/support
    assert [i["ref"] for i in guides["initiatives"]] == [f"{WEB}#3", f"{WEB}#4", f"{SUPPORT}#4"]
    assert any("other/docs#1" in p.message for p in rolled.problems)

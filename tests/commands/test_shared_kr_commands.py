"""A key result counting for several objectives across a group's projects (issue 14
item 3): one issue, listed under each objective, counted once in each; its record is
kept by its home objective, the others show its row."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_group_commands import (
    config_workspace,
    group_workspace,
    linked_refs,
    plan_then_apply_find_nothing,
    texts,
    writes,
)

from group_world import (
    COMPANY,
    GROUP,
    PLATFORM,
    PROJECTS,
    QUARTER,
    SALES,
    SUPPORT,
    build_group,
    seed_okrs,
    shared_key_result,
)
from okrflow.commands.apply import apply
from okrflow.commands.lint import lint
from okrflow.commands.move import move, move_bulk
from okrflow.commands.new import new_kr
from okrflow.commands.rollup import rollup
from okrflow.commands.status import format_status, status
from okrflow.core.description import split, with_meta
from okrflow.core.meta import Meta
from okrflow.errors import ConfigError, UsageError
from okrflow.render import report_schema
from okrflow.sandbox import Emulator

HOME = ("company-growth", f"{COMPANY}#1")
FURTHER = [("sales-pipeline", f"{SALES}#1"), ("platform-trust", f"{PLATFORM}#1")]
REVENUE = f"{COMPANY}#2"


@pytest.fixture
def group(emulator: Emulator) -> Emulator:
    build_group(emulator)
    seed_okrs(emulator)
    return emulator


@pytest.fixture
def shared(emulator: Emulator) -> Emulator:
    build_group(emulator)
    seed_okrs(emulator)
    iid = shared_key_result(
        emulator,
        COMPANY,
        "Raise revenue from 100 to 200",
        [HOME, *FURTHER],
        key="company-revenue",
        value=150,
    )
    assert f"{COMPANY}#{iid}" == REVENUE
    return emulator


def test_status_lists_a_shared_key_result_under_each_objective_counted_once_in_each(
    shared: Emulator,
) -> None:
    result = status(group_workspace(shared), quarter=QUARTER)
    doc = result.document
    jsonschema.validate(doc, report_schema())
    got = {
        o["reference"]: (round(o["progress"], 6), [k["reference"] for k in o["key_results"]])
        for o in doc["objectives"]
    }
    # by hand: revenue 100 -> 200 at 150 is 50%. Sales: leads 50%, partner deals 0%,
    # revenue 50%: 1/3. Platform: uptime 90%, landing pages 0%, revenue 50%: 1.4/3.
    # The company: revenue 50% and its two aligned objectives: (0.5 + 1/3 + 1.4/3) / 3
    assert got == {
        COMPANY + "#1": (round(1.3 / 3, 6), [REVENUE]),
        SALES + "#1": (round(1 / 3, 6), [f"{SALES}#2", "acme/support#1", REVENUE]),
        PLATFORM + "#1": (round(1.4 / 3, 6), [f"{PLATFORM}#2", "acme/eng/web#1", REVENUE]),
    }
    entries = [k for o in doc["objectives"] for k in o["key_results"] if k["reference"] == REVENUE]
    assert len(entries) == 3
    assert [o["reference"] for o in entries[0]["objectives"]] == [
        f"{COMPANY}#1",
        f"{SALES}#1",
        f"{PLATFORM}#1",
    ]
    assert doc["problems"] == []
    lines = [line for line in format_status(result) if f"KR {REVENUE}" in line]
    assert len(lines) == 3
    assert f"(also counts for {SALES}#1, {PLATFORM}#1)" in lines[0]
    assert f"(also counts for {COMPANY}#1, {PLATFORM}#1)" in lines[1]


def test_rollup_keeps_the_record_in_the_home_objective_and_shows_the_row_in_each(
    shared: Emulator,
) -> None:
    first = rollup(group_workspace(shared), quarter=QUARTER)
    assert f"{COMPANY}#1" in first.changed and f"{SALES}#1" in first.changed
    assert first.key_results == 5  # the shared one once
    home = split(shared.issue(COMPANY, 1).description)
    assert home.meta is not None and home.meta["key_results"]["2"]["checkin"]["value"] == 150
    sales = split(shared.issue(SALES, 1).description)
    assert sales.meta is not None and REVENUE not in sales.meta.get("key_results", {})
    assert f"| {REVENUE} Raise revenue from 100 to 200 |" in (sales.section or "")
    assert "33%" in (sales.section or "")
    shared.reset_log()
    second = rollup(group_workspace(shared), quarter=QUARTER)
    assert second.changed == []
    assert not [r for r in shared.log if r.method in ("PUT", "POST")]


def test_a_further_objective_that_does_not_exist_is_one_problem(emulator: Emulator) -> None:
    build_group(emulator)
    seed_okrs(emulator)
    shared_key_result(
        emulator,
        COMPANY,
        "Raise revenue from 100 to 200",
        [HOME, ("gone", f"{SALES}#40")],
        key="company-revenue",
        value=150,
    )
    doc = status(group_workspace(emulator), quarter=QUARTER).document
    named = [p for p in doc["problems"] if p["where"] == REVENUE]
    assert len(named) == 1 and "acme/sales#40" in named[0]["message"]
    assert "an objective of another quarter, or none" in named[0]["message"]
    company = next(o for o in doc["objectives"] if o["reference"] == f"{COMPANY}#1")
    assert math.isclose(company["progress"], (0.5 + 0.25 + 0.45) / 3)


def test_lint_checks_a_shared_key_result_once(shared: Emulator) -> None:
    result = lint(group_workspace(shared), quarter=QUARTER)
    mine = [f for f in result.findings if f.where == REVENUE]
    assert not [f for f in mine if f.rule == "duplicate-key"]
    assert len({(f.rule, f.message) for f in mine}) == len(mine)  # each once


SHARED_FILE = f"""\
quarter: {QUARTER}
objectives:
  - key: company-growth
    project: {COMPANY}
    title: Grow the business
    owner: alice
    key_results:
      - key: revenue
        title: Raise revenue from 100 to 200
        also: [sales-pipeline, platform-trust]
  - key: sales-pipeline
    project: {SALES}
    parent: company-growth
    title: Build the pipeline
    owner: alice
    key_results:
      - key: leads
        title: Raise qualified leads from 10 to 20
  - key: platform-trust
    project: {PLATFORM}
    parent: company-growth
    title: Run a platform people trust
    owner: alice
"""


def test_apply_links_a_shared_key_result_to_each_objective_and_plan_then_finds_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    build_group(emulator)
    config = {"group": GROUP, "projects": [COMPANY, SALES, SUPPORT, PLATFORM]}
    path = tmp_path / "okrs.yml"
    path.write_text(SHARED_FILE, encoding="utf-8")
    result = apply(config_workspace(emulator, config), path)
    assert result.error() is None and result.failed == []
    revenue = next(i for i in emulator.issues(COMPANY) if i.title.startswith("Raise revenue"))
    ref = f"{COMPANY}#{revenue.iid}"
    assert linked_refs(emulator, COMPANY, revenue.iid) == {
        f"{COMPANY}#1",
        f"{SALES}#1",
        f"{PLATFORM}#1",
    }
    meta = split(revenue.description or "").meta or {}
    assert (meta["objective"], meta["objective_iid"]) == ("company-growth", 1)
    assert meta["also"] == [
        {"key": "sales-pipeline", "iid": 1, "project": SALES},
        {"key": "platform-trust", "iid": 1, "project": PLATFORM},
    ]
    doc = status(config_workspace(emulator, config), quarter=QUARTER).document
    listed = {o["reference"]: [k["reference"] for k in o["key_results"]] for o in doc["objectives"]}
    assert listed[f"{SALES}#1"] == [f"{SALES}#2", ref]
    assert listed[f"{PLATFORM}#1"] == [ref]
    assert doc["problems"] == []

    plan_then_apply_find_nothing(emulator, config, path)


def test_a_file_naming_a_further_objective_nowhere_to_be_found_writes_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    build_group(emulator)
    path = tmp_path / "okrs.yml"
    path.write_text(SHARED_FILE.replace("platform-trust]", "nowhere]"), encoding="utf-8")
    emulator.reset_log()
    with pytest.raises(
        ConfigError, match=r"okrs.yml:10: .*also\[1\]: objective 'nowhere' is neither an objective"
    ):
        apply(config_workspace(emulator, {"group": GROUP, "projects": list(PROJECTS)}), path)
    assert writes(emulator) == 0


def test_new_kr_with_several_objectives_links_each_and_counts_in_each(group: Emulator) -> None:
    ws = group_workspace(group)
    made = new_kr(
        ws,
        objective=[f"{COMPANY}#1", f"{SALES}#1"],
        title="Raise revenue from 100 to 200",
    )
    assert (made.created, made.reference) == (True, REVENUE)
    assert made.linked_references == [f"{COMPANY}#1", f"{SALES}#1"]
    assert linked_refs(group, COMPANY, 2) == {f"{COMPANY}#1", f"{SALES}#1"}
    issue = group.issue(COMPANY, 2)
    meta = split(issue.description or "").meta or {}
    assert meta["also"] == [{"key": "sales-pipeline", "iid": 1, "project": SALES}]
    assert f"- #1\n- {SALES}#1" in (issue.description or "")
    doc = status(group_workspace(group), quarter=QUARTER).document
    listed = {o["reference"]: [k["reference"] for k in o["key_results"]] for o in doc["objectives"]}
    assert REVENUE in listed[f"{COMPANY}#1"] and REVENUE in listed[f"{SALES}#1"]
    assert REVENUE not in listed[f"{PLATFORM}#1"]
    # the same command again finds it and creates nothing
    group.reset_log()
    again = new_kr(
        group_workspace(group),
        objective=[f"{COMPANY}#1", f"{SALES}#1"],
        title="Raise revenue from 100 to 200",
    )
    assert again.created is False
    assert not [n for n in again.notes if "other parents" in n]
    assert writes(group) == 0


def test_new_kr_refuses_objectives_of_different_quarters_and_writes_nothing(
    group: Emulator,
) -> None:
    group.add_label(GROUP, "FY24-Q2")
    group.add_issue(SALES, "Next quarter's pipeline", labels=["okr::objective", "FY24-Q2"])
    group.reset_log()
    with pytest.raises(
        UsageError,
        match=r"objectives of one quarter; acme/company#1 is in "
        r"FY24-Q1 but acme/sales#3 \(FY24-Q2\)",
    ):
        new_kr(
            group_workspace(group),
            objective=[f"{COMPANY}#1", f"{SALES}#3"],
            title="Raise revenue from 100 to 200",
        )
    assert writes(group) == 0


def test_closing_one_objective_leaves_open_a_key_result_another_still_counts_on(
    shared: Emulator,
) -> None:
    first = move(group_workspace(shared), f"{COMPANY}#1", to="closed")
    assert shared.issue(COMPANY, 1).state == "closed"
    assert shared.issue(COMPANY, 2).state == "opened"  # the shared one, its home closed
    why = f"it still counts for {SALES}#1, {PLATFORM}#1, open: left open"
    assert (2, why, REVENUE) in first.skipped
    assert f"skipped {REVENUE}: {why}" in texts(first.lines())
    move(group_workspace(shared), f"{SALES}#1", to="closed")
    assert shared.issue(COMPANY, 2).state == "opened"
    assert shared.issue(SALES, 2).state == "closed"  # its own key result closes with it
    last = move(group_workspace(shared), f"{PLATFORM}#1", to="closed")
    assert shared.issue(COMPANY, 2).state == "closed"  # none of its objectives is open now
    assert REVENUE in [m.reference for m in last.moved]


def test_a_bulk_close_of_every_objective_closes_a_shared_key_result_once(
    shared: Emulator,
) -> None:
    result = move_bulk(group_workspace(shared), quarter=QUARTER, from_state="active", to="closed")
    assert [m.reference for m in result.moved].count(REVENUE) == 1
    assert shared.issue(COMPANY, 2).state == "closed"
    notes = [n for n in shared.notes(COMPANY, 2) if "okrflow: moved" in n.body]
    assert len(notes) == 1


def test_a_file_counting_a_key_result_for_another_quarters_objective_writes_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    build_group(emulator)
    emulator.add_label(GROUP, "FY24-Q2")
    meta = Meta(type="objective", key="next-pipeline", iid=1)
    emulator.add_issue(
        SALES,
        "Next quarter's pipeline",
        description=with_meta("Later.", meta.to_dict()),
        labels=["okr::objective", "FY24-Q2"],
    )
    path = tmp_path / "okrs.yml"
    path.write_text(SHARED_FILE.replace("platform-trust]", "next-pipeline]"), encoding="utf-8")
    emulator.reset_log()
    with pytest.raises(
        ConfigError,
        match=r"okrs.yml:10: .*also\[1\]: objective 'next-pipeline' \(acme/sales#1\) is in "
        r"FY24-Q2, not FY24-Q1",
    ):
        apply(config_workspace(emulator, {"group": GROUP, "projects": list(PROJECTS)}), path)
    assert writes(emulator) == 0


def test_an_objective_closed_in_the_ui_leaves_open_a_shared_key_result(shared: Emulator) -> None:
    answer = shared.request(
        "PUT",
        f"/projects/{shared.project(COMPANY).id}/issues/1",
        token=shared.default_token,
        json_body={"state_event": "close"},
    )
    assert answer.status == 200
    result = rollup(group_workspace(shared), quarter=QUARTER)
    assert shared.issue(COMPANY, 2).state == "opened"  # sales and platform still count on it
    said = [p.message for p in result.problems if p.where == f"{COMPANY}#1"]
    assert any(m.startswith("closed in GitLab: moved to Closed, its outcome") for m in said)


def test_new_kr_on_the_command_line_takes_several_objectives_and_a_source(
    group: Emulator, cli: Any
) -> None:
    Path("config").mkdir()
    Path("config/okrflow.yml").write_text(f"group: {GROUP}\n", encoding="utf-8")
    args = ["--objective", f"{COMPANY}#1", "--objective", f"{SALES}#1"]
    args += ["--title", "Close 5 enterprise deals", "--owner", "bob"]
    source = "{query: {labels: [deal], state: closed, project: acme/sales}}"
    code, out, err = cli("new", "kr", *args, "--source", source)
    assert (code, err) == (0, ""), err
    assert out.split()[:5] == ["created", "key", "result", "#2", REVENUE]
    assert linked_refs(group, COMPANY, 2) == {f"{COMPANY}#1", f"{SALES}#1"}
    meta = split(group.issue(COMPANY, 2).description or "").meta or {}
    assert meta["source"]["options"]["project"] == SALES
    assert [a["key"] for a in meta["also"]] == ["sales-pipeline"]
    code, out, err = cli(
        "new", "kr", *args[:2], "--title", "Close 3 bugs", "--source", "{query: {group: other}}"
    )
    assert (code, out) == (2, "") and "--source: its query reads the group 'other'" in err

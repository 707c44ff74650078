"""Commands over a group scope: rollup writes into each OKR's own project and a second
one writes nothing; status is one tree across projects, named by full reference; lint
names findings by full reference; the project scope's output is unchanged."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from group_world import (
    COMPANY,
    GROUP,
    NOW,
    PLATFORM,
    PROJECTS,
    QUARTER,
    SALES,
    SUPPORT,
    WEB,
    build_group,
    config_workspace,
    key_result,
    linked_refs,
    objective,
    seed_okrs,
    writes,
)
from okrflow.adapter import ConnectionSettings
from okrflow.commands.apply import apply, plan
from okrflow.commands.checkin import checkin
from okrflow.commands.export import export
from okrflow.commands.lint import lint
from okrflow.commands.move import move, move_bulk
from okrflow.commands.new import new_kr, new_objective
from okrflow.commands.reporter import Recorder
from okrflow.commands.rollup import rollup
from okrflow.commands.status import format_status, status
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.core.description import split
from okrflow.errors import ConfigError, UsageError
from okrflow.render import report_schema
from okrflow.sandbox import Emulator


def group_workspace(emu: Emulator, *, token: str | None = None) -> Workspace:
    settings = ConnectionSettings(
        url=emu.base_url, token=token or emu.default_token, group=GROUP, retries=1
    )
    return Workspace(config=Config.default(), connection=settings, out=Recorder(), now=lambda: NOW)


@pytest.fixture
def group(emulator: Emulator) -> Emulator:
    build_group(emulator)
    seed_okrs(emulator)
    return emulator


def test_a_group_rollup_writes_each_okr_in_its_project_and_a_second_writes_nothing(
    group: Emulator,
) -> None:
    first = rollup(group_workspace(group), quarter=QUARTER)
    # the objectives (each one's table shows its key results), and the key results
    # people filed in other projects, whose okrflow record is written once
    assert first.changed == [
        "acme/company#1",
        "acme/eng/platform#1",
        "acme/eng/web#1",
        "acme/sales#1",
        "acme/support#1",
    ]
    # the objective keeps its key results' records: one of its own project by iid, one
    # in another project by full reference
    kept = split(group.issue(PLATFORM, 1).description).meta["key_results"]
    assert sorted(kept) == ["2", f"{WEB}#1"]
    assert kept["2"]["checkin"]["value"] == 99
    section = split(group.issue(PLATFORM, 1).description).section or ""
    assert "45%" in section  # the platform objective's progress, in its own project
    # a bare #1 would link to the issue's own project: the sections name others in full
    assert f"| {WEB}#1 Ship 4 landing pages |" in section
    company = split(group.issue("acme/company", 1).description).section or ""
    assert f"aligned: {SALES}#1 Build the pipeline" in company
    assert "acme/okrs" not in {r.path.split("/issues")[0] for r in group.log if r.method == "PUT"}
    group.reset_log()
    second = rollup(group_workspace(group), quarter=QUARTER)
    assert second.changed == []
    routes = group.counts_by_route()
    # warm: the quarter's group listing (one page per 100 issues), the KPI listing,
    # adoption's listing of the open issues of no quarter (the group's, one) and the
    # group's projects; nothing written
    assert routes == {"GET /groups/:id/issues": 3, "GET /groups/:id/projects": 1}, routes


def test_a_check_in_counts_when_its_author_is_a_member_of_the_key_results_project(
    group: Emulator,
) -> None:
    # carol is a Developer of acme/company (the home project) and acme/sales, not of
    # acme/eng/web; dave only of acme/sales
    group.add_user("dave")
    group.add_member(SALES, "dave", "reporter")
    group.set_now(NOW)
    group.add_note(SALES, 2, "Check-in: 18", author="dave")
    group.add_note(WEB, 1, "Check-in: 2", author="carol")
    group.reset_log()

    result = rollup(group_workspace(group), quarter=QUARTER)

    current = {
        kr["reference"]: kr["current"]
        for o in result.document["objectives"]
        for kr in o["key_results"]
    }
    assert (current[f"{SALES}#2"], current[f"{WEB}#1"]) == (18, None)  # dave's counts
    assert [p.message for p in result.problems if p.where.startswith(f"{WEB}#1 note")] == [
        "check-in not counted: @carol is not a member of acme/eng/web with the Reporter role "
        "or more (checkins.from: members)"
    ]
    members = sorted(
        r.path for r in group.log if r.route == "/projects/:id/members/all"
    )  # once for each project whose check-ins were read
    assert members == [
        "/api/v4/projects/acme%2Feng%2Fweb/members/all",
        "/api/v4/projects/acme%2Fsales/members/all",
    ]


def test_group_status_is_one_tree_across_projects_by_full_reference(group: Emulator) -> None:
    result = status(group_workspace(group), quarter=QUARTER)
    doc = result.document
    import jsonschema

    jsonschema.validate(doc, report_schema())
    assert doc["project"] == GROUP
    got = {
        o["reference"]: (
            o["iid"],
            round(o["progress"], 6),
            o["parent_references"],
            [(k["reference"], k["iid"], round(k["progress"], 6)) for k in o["key_results"]],
        )
        for o in doc["objectives"]
    }
    # by hand: sales leads 10 -> 20 at 15 is 50%, the partner deals (no check-in) 0%:
    # sales (0.5 + 0) / 2 = 0.25; uptime 90 -> 100 at 99 is 90%, landing pages 0%:
    # platform (0.9 + 0) / 2 = 0.45; the company objective, from its two aligned
    # objectives: (0.25 + 0.45) / 2 = 0.35
    assert got == {
        "acme/company#1": (1, 0.35, [], []),
        "acme/sales#1": (
            1,
            0.25,
            ["acme/company#1"],
            [("acme/sales#2", 2, 0.5), ("acme/support#1", 1, 0.0)],
        ),
        "acme/eng/platform#1": (
            1,
            0.45,
            ["acme/company#1"],
            [("acme/eng/platform#2", 2, 0.9), ("acme/eng/web#1", 1, 0.0)],
        ),
    }
    lines = format_status(result)

    def head(line: str) -> str:  # the line up to its first gap after the indent
        indent = len(line) - len(line.lstrip())
        return line[: line.find("  ", indent)]

    heads = [head(line) for line in lines if "#" in line and "KR" not in line]
    # grouped by team (the company objective has none): one tree, the aligned ones
    # naming their parent in another team's project
    assert heads == [
        "acme/company#1 Grow the business",
        "acme/sales#1 Build the pipeline",
        "acme/eng/platform#1 Run a platform people trust",
    ]
    assert sum("(under acme/company#1)" in line for line in lines) == 2
    assert "    KR acme/eng/web#1 Ship 4 landing pages" in [head(line) for line in lines]


def test_group_lint_names_findings_by_full_reference(group: Emulator) -> None:
    key_result(group, WEB, "Make the site better", f"{PLATFORM}#1")  # acme/eng/web#2
    result = lint(group_workspace(group), quarter=QUARTER)
    wheres = {f.where for f in result.findings}
    assert "acme/eng/web#2" in wheres and "#2" not in wheres
    finding = next(f for f in result.findings if f.where == "acme/eng/web#2")
    assert finding.to_json()["reference"] == "acme/eng/web#2"
    assert finding.to_json()["iid"] == 2
    assert any(line.startswith("acme/eng/web#2 Make the site better") for line in result.lines())
    group.reset_log()
    lint(group_workspace(group), quarter=QUARTER, comment=True)
    commented = {
        r.path.split("/issues/")[0] for r in group.log if r.method == "POST" and "/notes" in r.path
    }
    assert commented
    assert commented <= {f"/api/v4/projects/{p.replace('/', '%2F')}" for p in PROJECTS}
    assert any("lint" in n.body for n in group.notes(WEB, 2))  # on the issue, in its project


def test_a_token_that_cannot_see_a_project_reads_the_rest_and_names_it_once(
    group: Emulator,
) -> None:
    ws = group_workspace(group, token=group.token_for("carol"))
    ws = Workspace(
        config=Config.model_validate(
            {"group": GROUP, "projects": ["acme/company", SALES, "acme/support", PLATFORM, WEB]}
        ),
        connection=ConnectionSettings(
            url=group.base_url,
            token=group.token_for("carol"),
            group=GROUP,
            okr_projects=("acme/company", SALES, "acme/support", PLATFORM, WEB),
            retries=1,
        ),
        out=Recorder(),
        now=lambda: NOW,
    )
    result = status(ws, quarter=QUARTER)
    named = [p for p in result.document["problems"] if WEB in p["where"] + p["message"]]
    assert named == [
        {"where": WEB, "message": "the token cannot read this project: its OKRs are left out"}
    ]
    platform = next(o for o in result.document["objectives"] if o["reference"] == f"{PLATFORM}#1")
    # 90% uptime alone: the landing pages of acme/eng/web are not read
    assert [k["reference"] for k in platform["key_results"]] == [f"{PLATFORM}#2"]
    assert math.isclose(platform["progress"], 0.9)


def test_a_checkin_in_a_group_names_the_key_result_by_full_reference(group: Emulator) -> None:
    group.set_now(NOW)
    ws = group_workspace(group)
    with pytest.raises(UsageError, match=r"give group/project#2$"):
        checkin(ws, "#2", value="18")
    with pytest.raises(UsageError, match=r"outside the OKR projects of the group acme$"):
        checkin(ws, "other/place#2", value="18")
    assert [r.method for r in group.log if r.method != "GET"] == []
    done = checkin(ws, f"{SALES}#2", value="18")
    assert done.summary() == f"checked in {SALES}#2: 18"
    assert done.to_json()["reference"] == f"{SALES}#2" and done.to_json()["iid"] == 2
    (note,) = group.notes(SALES, 2)
    assert "18" in note.body and group.notes(PLATFORM, 2) == []
    after = status(group_workspace(group), quarter=QUARTER).document
    sales = next(o for o in after["objectives"] if o["reference"] == f"{SALES}#1")
    # leads 10 -> 20 at 18: 0.8; with the partner deals at 0: (0.8 + 0) / 2 = 0.4
    assert [round(k["progress"], 6) for k in sales["key_results"]] == [0.8, 0.0]
    assert math.isclose(sales["progress"], 0.4)


def test_an_objective_without_a_team_label_takes_its_projects_team(group: Emulator) -> None:
    objective(group, SUPPORT, "Delight partners", key="support-partners")  # no team label
    ws = config_workspace(
        group, {"group": GROUP, "projects": [{"path": SUPPORT, "team": "Support"}, SALES]}
    )
    result = status(ws, quarter=QUARTER)
    teams = {o["reference"]: o["team"] for o in result.document["objectives"]}
    assert teams == {f"{SUPPORT}#2": "Support", f"{SALES}#1": "Sales"}
    lines = format_status(result)
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{SUPPORT}#2 "))
    assert lines[at - 1] == f"Team Support ({SUPPORT}):"


# -- new: OKRs opened across the projects of a group ------------------------------------------


def test_new_opens_objectives_and_key_results_in_the_named_projects_aligned_across(
    group: Emulator,
) -> None:
    ws = group_workspace(group)
    made = new_objective(
        ws,
        title="Win the enterprise",
        quarter=QUARTER,
        team="Sales",
        owner="alice",
        purpose="Large customers fund the roadmap.",
        parents=[f"{COMPANY}#1"],
        project=SALES,
    )
    assert (made.created, made.reference, made.project) == (True, f"{SALES}#3", SALES)
    assert made.to_json()["parent_references"] == [f"{COMPANY}#1"]
    assert linked_refs(group, SALES, 3) == {f"{COMPANY}#1"}
    text = group.issue(SALES, 3).description or ""
    assert f"{COMPANY}#1" in split(text).human  # GitLab links a bare #1 to acme/sales#1
    # the key result in another project, linked across; one more in the objective's own
    deals = new_kr(ws, objective=f"{SALES}#3", title="Sign 5 enterprise deals", project=SUPPORT)
    assert (deals.reference, linked_refs(group, SUPPORT, 2)) == (f"{SUPPORT}#2", {f"{SALES}#3"})
    logos = new_kr(ws, objective=f"{SALES}#3", title="Land 3 enterprise logos")
    assert (logos.reference, linked_refs(group, SALES, 4)) == (f"{SALES}#4", {f"{SALES}#3"})
    assert len(group.issues(COMPANY)) == 1  # nothing opened in the group's home project

    doc = status(group_workspace(group), quarter=QUARTER).document
    tree = {
        o["reference"]: (o["parent_references"], [k["reference"] for k in o["key_results"]])
        for o in doc["objectives"]
    }
    assert tree[f"{SALES}#3"] == ([f"{COMPANY}#1"], [f"{SUPPORT}#2", f"{SALES}#4"])
    assert not [p for p in doc["problems"] if p["where"].startswith(f"{SALES}#3")]

    group.reset_log()  # the same command again finds them and writes nothing
    again = new_kr(group_workspace(group), objective=f"{SALES}#3", title="Sign 5 enterprise deals")
    assert (again.created, again.reference, writes(group)) == (False, f"{SUPPORT}#2", 0)


def test_new_in_a_group_refuses_a_project_or_parent_outside_it_and_writes_nothing(
    group: Emulator,
) -> None:
    args = {
        "title": "Delight partners",
        "quarter": QUARTER,
        "team": "Support",
        "owner": "alice",
        "purpose": "Partners sell for us.",
    }
    ws = group_workspace(group)
    group.reset_log()
    with pytest.raises(UsageError, match=r"^--project 'other/place' is not one of the OKR "):
        new_objective(ws, **args, project="other/place")
    with pytest.raises(UsageError, match=r"outside the OKR projects of the group acme$"):
        new_objective(ws, **args, parents=["other/corp#4"], project=SUPPORT)
    with pytest.raises(UsageError, match=r"give group/project#1$"):
        new_objective(ws, **args, parents=["#1"], project=SUPPORT)
    with pytest.raises(UsageError, match=r"say which project the objective opens in"):
        new_objective(ws, **args)  # no --project, and the config gives Support no project
    with pytest.raises(UsageError, match=r"outside the OKR projects of the group acme$"):
        new_kr(ws, objective="other/corp#4", title="Sign 8 deals", project=SUPPORT)
    assert writes(group) == 0 and len(group.issues(SUPPORT)) == 1

    # the config's projects: say which project holds a team's OKRs
    mapped = config_workspace(
        group, {"group": GROUP, "projects": [SALES, {"path": SUPPORT, "team": "Support"}]}
    )
    made = new_objective(mapped, **args)
    assert (made.reference, made.project) == (f"{SUPPORT}#2", SUPPORT)
    with pytest.raises(
        UsageError,
        match=rf"^--project '{COMPANY}' is not one of .+: give one of {SALES}, {SUPPORT}$",
    ):
        new_objective(mapped, **args, project=COMPANY)  # in the group, not an OKR project


def test_new_on_the_command_line_takes_project_as_the_groups_project_to_open_in(
    group: Emulator, cli: Any
) -> None:
    invoke = cli
    (Path("config")).mkdir()  # the group from the config: --project is its project to open in
    Path("config/okrflow.yml").write_text(f"group: {GROUP}\n", encoding="utf-8")
    args = ["--objective", f"{SALES}#1", "--title", "Sign 3 partner deals"]
    args += ["--owner", "bob"]
    code, out, err = invoke("new", "kr", *args, "--project", SUPPORT, "--dry-run")
    assert (code, err) == (0, ""), err
    assert out.splitlines()[0] == "would create key result 'Sign 3 partner deals' (key " + (
        f"sign-3-partner-deals) in {SUPPORT}"
    )
    assert f"  linked to: {SALES}#1" in out.splitlines()
    assert len(group.issues(SUPPORT)) == 1
    code, out, err = invoke("new", "kr", *args, "--project", SUPPORT)
    assert (code, out.split()[:4]) == (0, ["created", "key", "result", "#2"]), err
    assert out.split()[4] == f"{SUPPORT}#2" and linked_refs(group, SUPPORT, 2) == {f"{SALES}#1"}
    code, out, err = invoke("new", "kr", *args, "--project", "acme/elsewhere")
    assert (code, out) == (2, "") and "is not one of the OKR projects of the group" in err


def test_a_bulk_move_closes_a_quarter_across_projects_each_issue_in_its_own(
    group: Emulator, cli: Any
) -> None:
    bulk = ["move", "--group", GROUP, "--quarter", QUARTER, "--from", "active", "--to", "closed"]
    code, out, err = cli(*bulk, "--dry-run")
    assert (code, writes(group)) == (0, 0), err
    assert f"would move objective {COMPANY}#1 from Active to Closed: Grow the business" in out
    ws = group_workspace(group)
    with pytest.raises(UsageError, match=r"give group/project#1$"):
        move(ws, "#1", to="closed")
    result = move_bulk(ws, quarter=QUARTER, from_state="active", to="closed")
    moved = {m.shown: m.cascaded for m in result.moved}
    assert moved == {
        f"{COMPANY}#1": False,
        f"{SALES}#1": False,
        f"{SALES}#2": True,
        f"{SUPPORT}#1": True,
        f"{PLATFORM}#1": False,
        f"{PLATFORM}#2": True,
        f"{WEB}#1": True,
    }
    for project, iid in ((SUPPORT, 1), (WEB, 1), (COMPANY, 1)):
        assert group.issue(project, iid).state == "closed", (project, iid)
    # the comment on each issue, in its project; a key result names its objective in full
    (note,) = group.notes(SUPPORT, 1)
    assert "(with its objective acme/sales#1)" in note.body
    assert f"moved key result {WEB}#1 from Active to Closed: Ship 4 landing pages" in [
        line.split(" (outcome")[0] for line in map(str, result.lines())
    ]
    assert result.to_json()["moved"][0]["reference"] == f"{COMPANY}#1"  # type: ignore[index]
    again = move_bulk(group_workspace(group), quarter=QUARTER, from_state="active", to="closed")
    assert again.moved == []


# -- apply / plan: a group OKR file ------------------------------------------------------------


def texts(lines: list[Any]) -> list[str]:
    return [getattr(line, "text", line) for line in lines]


GROUP_FILE = f"""\
quarter: {QUARTER}
objectives:
  - key: company-growth
    project: {COMPANY}
    title: Grow the business
    owner: alice
    purpose: It matters to the whole company.
  - key: sales-pipeline
    project: {SALES}
    parent: company-growth
    title: Build the pipeline
    team: Sales
    owner: alice
    purpose: Leads become revenue.
    key_results:
      - key: leads
        title: Raise qualified leads from 10 to 20
      - key: deals
        project: {SUPPORT}
        title: Sign 8 partner deals
  - key: platform-trust
    parent: company-growth
    title: Run a platform people trust
    team: Platform
    owner: alice
    purpose: Customers stay with a platform they trust.
    key_results:
      - key: uptime
        title: Raise uptime from 90 to 100
"""


def test_apply_of_a_group_file_opens_each_okr_in_its_project_and_plan_then_finds_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    build_group(emulator)
    config = {
        "group": GROUP,
        "projects": [COMPANY, SALES, SUPPORT, {"path": PLATFORM, "team": "Platform"}],
    }
    path = tmp_path / "okrs.yml"
    path.write_text(GROUP_FILE, encoding="utf-8")
    result = apply(config_workspace(emulator, config), path)
    assert result.error() is None and result.failed == []
    assert f'+ create objective platform-trust "Run a platform people trust" in {PLATFORM}' in (
        texts(result.lines())
    )
    where = {i.title: p for p in PROJECTS for i in emulator.issues(p)}
    assert where == {
        "Grow the business": COMPANY,
        "Build the pipeline": SALES,
        "Raise qualified leads from 10 to 20": SALES,
        "Sign 8 partner deals": SUPPORT,
        "Run a platform people trust": PLATFORM,  # the config's project for its team
        "Raise uptime from 90 to 100": PLATFORM,
    }
    assert linked_refs(emulator, SUPPORT, 1) == {f"{SALES}#1"}
    assert linked_refs(emulator, COMPANY, 1) == {f"{SALES}#1", f"{PLATFORM}#1"}
    doc = status(config_workspace(emulator, config), quarter=QUARTER).document
    tree = {
        o["reference"]: (o["parent_references"], [k["reference"] for k in o["key_results"]])
        for o in doc["objectives"]
    }
    assert tree == {
        f"{COMPANY}#1": ([], []),
        f"{SALES}#1": ([f"{COMPANY}#1"], [f"{SALES}#2", f"{SUPPORT}#1"]),
        f"{PLATFORM}#1": ([f"{COMPANY}#1"], [f"{PLATFORM}#2"]),
    }
    assert doc["problems"] == []

    again = plan_then_apply_find_nothing(emulator, config, path)

    # exported from the group, a group OKR file again: each entry names its project,
    # and plan of the export finds nothing to do
    exported = export(config_workspace(emulator, config), quarter=QUARTER)
    assert f"        project: {SUPPORT}\n        title: Sign 8 partner deals" in exported.text
    assert f"  - key: platform-trust\n    project: {PLATFORM}\n" in exported.text
    (tmp_path / "exported.yml").write_text(exported.text, encoding="utf-8")
    planned = plan(config_workspace(emulator, config), tmp_path / "exported.yml")
    assert (planned.differences, planned.error(), planned.not_in_file) == (0, None, [])
    with pytest.raises(UsageError, match="csv holds no project"):
        export(config_workspace(emulator, config), quarter=QUARTER, fmt="csv")
    assert f"= unchanged kr sales-pipeline/deals ({SUPPORT}#1)" in texts(again.lines())


def plan_then_apply_find_nothing(emu: Emulator, config: dict[str, Any], path: Path) -> Any:
    """After an apply: plan finds no difference and a second apply writes nothing."""
    emu.reset_log()
    planned = plan(config_workspace(emu, config), path)
    assert (planned.differences, planned.error(), planned.not_in_file) == (0, None, [])
    again = apply(config_workspace(emu, config), path)
    assert (again.differences, writes(emu)) == (0, 0)
    return again


def test_a_group_file_naming_a_project_outside_the_group_writes_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    build_group(emulator)
    path = tmp_path / "okrs.yml"
    ws = config_workspace(emulator, {"group": GROUP})
    path.write_text(GROUP_FILE.replace(f"project: {SUPPORT}", "project: other/place"), "utf-8")
    emulator.reset_log()
    with pytest.raises(ConfigError, match=r"project other/place is not one of the OKR projects"):
        apply(ws, path)
    path.write_text(GROUP_FILE, "utf-8")  # platform-trust: no project, none for its team
    with pytest.raises(ConfigError, match=r"say which OKR project holds 'platform-trust'"):
        apply(ws, path)
    assert writes(emulator) == 0 and all(emulator.issues(p) == [] for p in PROJECTS)

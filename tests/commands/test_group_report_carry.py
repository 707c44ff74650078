"""report, carry, schedule and adopt over a group scope, and status grouped by team
(issue 14, item 5), over ``group_world``'s group ``acme``: each OKR's own project, full
references, one report (and planning) issue in the top project, the project a token
cannot see named once and nothing written for it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from group_world import (
    COMPANY,
    GROUP,
    PLATFORM,
    QUARTER,
    SALES,
    SUPPORT,
    WEB,
    build_group,
    config_workspace,
    key_result,
    linked_refs,
    seed_okrs,
    writes,
)
from okrflow.commands.adopt import adopt
from okrflow.commands.carry import carry
from okrflow.commands.report import report
from okrflow.commands.schedule import schedule
from okrflow.commands.status import format_status, status
from okrflow.commands.workspace import Workspace
from okrflow.core.description import split
from okrflow.render import markdown_mermaid_blocks, report_schema
from okrflow.sandbox import Emulator

FORMATS = ("md", "html", "json")
TEAMS_CONFIG: dict[str, Any] = {
    "group": GROUP,
    "projects": [
        COMPANY,
        {"path": SALES, "team": "Sales"},
        {"path": SUPPORT, "team": "Support"},
        {"path": PLATFORM, "team": "Platform"},
        {"path": WEB, "team": "Web"},
    ],
}


def workspace(emu: Emulator, *, token: str | None = None) -> Workspace:
    """A workspace over the group as the command line opens it from the config above."""
    return config_workspace(emu, TEAMS_CONFIG, token=token)


@pytest.fixture
def group(emulator: Emulator) -> Emulator:
    build_group(emulator)
    seed_okrs(emulator)
    return emulator


def head(line: str) -> str:
    """A line up to its first gap after the indent (a heading: all of it)."""
    gap = line.find("  ", len(line) - len(line.lstrip()))
    return line if gap < 0 else line[:gap]


def test_group_status_groups_the_tree_by_team(group: Emulator) -> None:
    result = status(workspace(group), quarter=QUARTER)
    doc = result.document
    jsonschema.validate(doc, report_schema())
    assert [(t["name"], t.get("projects")) for t in doc["teams"]] == [
        (None, [COMPANY]),
        ("Sales", [SALES]),
        ("Platform", [PLATFORM]),
    ]
    projects = {o["reference"]: o["project"] for o in doc["objectives"]}
    assert projects == {f"{COMPANY}#1": COMPANY, f"{SALES}#1": SALES, f"{PLATFORM}#1": PLATFORM}
    krs = {k["reference"]: k["project"] for o in doc["objectives"] for k in o["key_results"]}
    assert krs[f"{WEB}#1"] == WEB and krs[f"{SUPPORT}#1"] == SUPPORT
    lines = format_status(result)
    heads = [head(line) for line in lines]
    # company objectives (no team) first; each team's under a heading naming its
    # projects; an objective aligned under another team's says so
    assert [h for h in heads if h and "KR " not in h][1:] == [
        f"No team ({COMPANY}):",
        f"{COMPANY}#1 Grow the business",
        f"Team Sales ({SALES}):",
        f"{SALES}#1 Build the pipeline",
        f"Team Platform ({PLATFORM}):",
        f"{PLATFORM}#1 Run a platform people trust",
    ]
    sales = next(line for line in lines if line.startswith(f"{SALES}#1 "))
    assert sales.endswith(f"(under {COMPANY}#1)")
    # a team's key results stay under its objective, whichever project holds them
    at = lines.index(sales)
    assert [heads[at + 1], heads[at + 2]] == [
        f"    KR {SALES}#2 Raise qualified leads from 10 to 20",
        f"    KR {SUPPORT}#1 Sign 8 partner deals",
    ]


def test_group_report_names_teams_and_projects_and_posts_one_issue_in_the_top_project(
    group: Emulator, tmp_path: Path
) -> None:
    done = report(workspace(group), quarter=QUARTER, formats=FORMATS, output=tmp_path, post=True)
    md, html, data = (
        (tmp_path / f"okrflow-report-{QUARTER}.{fmt}").read_text(encoding="utf-8")
        for fmt in FORMATS
    )
    doc = json.loads(data)
    jsonschema.validate(doc, report_schema())
    # sections by team, each heading naming the team's projects; OKRs by full reference
    assert [line for line in md.splitlines() if line.startswith("## ") and "·" in line] == [
        f"## (no team) · {COMPANY}",
        f"## Sales · {SALES}",
        f"## Platform · {PLATFORM}",
    ]
    assert f"### {SALES}#1 Build the pipeline" in md
    assert f"aligned to {COMPANY}#1" in md
    assert f"| {SUPPORT}#1 Sign 8 partner deals | {SALES}#1 |" in md  # stale, by objective
    assert "| #1 " not in md and "### #1" not in md
    assert f'Sales <span class="projects">· {SALES}</span>' in html
    assert f"{WEB}#1</span> Ship 4 landing pages" in html
    at_risk = {r["reference"]: r["objective_reference"] for r in doc["summary"]["at_risk"]}
    assert at_risk == {f"{SUPPORT}#1": f"{SALES}#1", f"{WEB}#1": f"{PLATFORM}#1"}
    # the alignment chart: a subgraph per project, its edges between them
    (alignment,) = [b for b in markdown_mermaid_blocks(md) if b.startswith("flowchart")]
    assert f'subgraph p1["{SALES}"]' in alignment and "  o0 --> o1" in alignment
    # one report issue, in the top project (the config's first OKR project)
    created = [r.path for r in group.log if r.method == "POST" and r.path.endswith("/issues")]
    assert created == ["/api/v4/projects/acme%2Fcompany/issues"]
    assert done.post is not None and done.post.action == "created"
    assert done.post.line().startswith(f"created report issue {COMPANY}#2 ")
    assert done.post.iid is not None
    issue = group.issue(COMPANY, done.post.iid)
    assert issue.title == f"OKR progress report: {QUARTER}"
    assert 'query: group = "acme"' in (issue.description or "")
    group.reset_log()
    again = report(workspace(group), quarter=QUARTER, formats=("json",), output=tmp_path, post=True)
    assert again.post is not None and again.post.action == "unchanged"
    assert writes(group) == 0


def test_group_carry_opens_each_issue_in_the_project_of_the_one_it_carries(
    group: Emulator,
) -> None:
    to = "FY24-Q2"
    company = carry(workspace(group), f"{COMPANY}#1", to=to)
    assert (
        company.lines()[0]
        == f"carry {COMPANY}#1 over to {to} as {COMPANY}#2 (In Draft): Grow the business"
    )
    sales = carry(workspace(group), f"{SALES}#1", to=to)
    # the objective in acme/sales (#3: after #1 and #2), its key results each in its own
    # project: acme/sales#4, acme/support#2
    assert [line.strip() for line in sales.lines()][:3] == [
        f"carry {SALES}#1 over to {to} as {SALES}#3 (In Draft): Build the pipeline",
        f"carry key result {SALES}#2 as {SALES}#4: Raise qualified leads from 10 to 20",
        f"carry key result {SUPPORT}#1 as {SUPPORT}#2: Sign 8 partner deals",
    ]
    new = group.issue(SALES, 3)
    assert {"Sales", to} <= set(group.issue_labels(SALES, 3))  # the team label kept
    text = new.description or ""
    assert f"Carried over from {SALES}#1 ({QUARTER})" in text
    assert f"{COMPANY}#2" in text  # the carried parent, in another project: in full
    assert linked_refs(group, SALES, 3) == {
        f"{SALES}#1",
        f"{COMPANY}#2",
        f"{SUPPORT}#2",
        f"{SALES}#4",
    }
    deals = group.issue(SUPPORT, 2).description or ""
    assert f"Carried over from {SUPPORT}#1" in deals and f"{SALES}#3" in deals
    assert linked_refs(group, SUPPORT, 2) == {f"{SALES}#3"}  # its objective, across
    # the old ones closed, each in its project
    assert [group.issue(p, i).state for p, i in ((SALES, 1), (SALES, 2), (SUPPORT, 1))] == [
        "closed"
    ] * 3
    # what it wrote, read back: the new quarter's tree aligned across projects
    tree = status(workspace(group), quarter=to).document
    assert {o["reference"]: o.get("parent_references") for o in tree["objectives"]} == {
        f"{COMPANY}#2": [],
        f"{SALES}#3": [f"{COMPANY}#2"],
    }
    (carried,) = [o for o in tree["objectives"] if o["reference"] == f"{SALES}#3"]
    assert [k["reference"] for k in carried["key_results"]] == [f"{SALES}#4", f"{SUPPORT}#2"]
    group.reset_log()
    again = carry(workspace(group), f"{SALES}#1", to=to)
    assert not again.changed and writes(group) == 0


MONDAY = dt.datetime(2024, 3, 25, 9, 0, tzinfo=dt.timezone.utc)  # FY24-Q1's closing week


def scheduled_on(emu: Emulator, *, token: str | None = None, dry_run: bool = False) -> list[str]:
    """``okrflow schedule`` on :data:`MONDAY`: its lines."""
    ws = workspace(emu, token=token)
    ws.now = lambda: MONDAY
    ws.dry_run = dry_run
    return [str(line) for line in schedule(ws).lines()]


def test_group_schedule_plans_per_team_and_reminds_in_each_key_results_project(
    group: Emulator,
) -> None:
    planned = scheduled_on(group, dry_run=True)
    assert writes(group) == 0
    # a reminders issue planned in each of the four projects
    assert sum(line.strip().startswith("would remind bob on (a new issue") for line in planned) == 4
    lines = scheduled_on(group)
    # one planning issue, in the top project, with a checklist per team of the config
    (planning,) = [line for line in lines if "the planning issue" in line]
    assert planning.endswith(f"opened the planning issue {COMPANY}#3 with a checklist per team")
    text = group.issue(COMPANY, 3).description or ""
    for team in ("Sales", "Support", "Platform", "Web"):
        assert team in text
    # the closing ceremony: one report issue in the top project, a retrospective per
    # team in the team's project
    assert [line.strip() for line in lines if "retrospective of" in line] == [
        f"opened the retrospective of (no team) {COMPANY}#5, for @alice",
        f"opened the retrospective of Sales {SALES}#3, for @alice",
        f"opened the retrospective of Platform {PLATFORM}#3, for @alice",
    ]
    assert f"{COMPANY}#4" in (group.issue(SALES, 3).description or "")  # the report, in full
    # each key result's owner reminded in the key result's own project
    reminded = sorted(line.strip() for line in lines if line.strip().startswith("reminded"))
    assert reminded == [
        f"reminded bob on {PLATFORM}#4: {PLATFORM}#2",
        f"reminded bob on {WEB}#2: {WEB}#1",
        f"reminded bob on {SALES}#4: {SALES}#2",
        f"reminded bob on {SUPPORT}#2: {SUPPORT}#1",
    ]
    (note,) = group.notes(SALES, 4)
    assert "#2 Raise qualified leads" in note.body
    group.reset_log()
    again = scheduled_on(group)
    assert writes(group) == 0, again


def test_group_schedule_names_a_project_the_token_cannot_see_once_and_writes_nothing_there(
    group: Emulator,
) -> None:
    lines = scheduled_on(group, token=group.token_for("carol"))
    assert sum(WEB in line for line in lines) == 1, lines
    assert f"{WEB}: the token cannot read this project: its OKRs are left out" in lines
    written = {r.path.split("/issues")[0] for r in group.log if r.method in ("POST", "PUT")}
    assert "/api/v4/projects/acme%2Feng%2Fweb" not in written
    assert "/api/v4/projects/acme%2Fsupport" in written  # the rest goes on


def test_group_adoption_writes_each_filed_okr_in_its_project_linked_across(
    group: Emulator,
) -> None:
    # acme/support#1 and acme/eng/web#1 were filed from the template, their objectives
    # named in full in other projects
    result = adopt(workspace(group), quarter=QUARTER)
    assert result.to_json()["adopted"] == [f"{WEB}#1", f"{SUPPORT}#1"]
    meta = split(group.issue(SUPPORT, 1).description).meta
    # its objective by key, no number (a #1 of acme/support would be another issue)
    assert (meta["objective"], meta.get("objective_iid")) == ("sales-pipeline", None)
    assert linked_refs(group, SUPPORT, 1) == {f"{SALES}#1"}
    (note,) = group.notes(SUPPORT, 1)
    assert f"the link to its objective {SALES}#1" in note.body
    written = {r.path.split("/issues")[0] for r in group.log if r.method in ("POST", "PUT")}
    assert written == {
        "/api/v4/projects/acme%2Fcompany/labels",  # the lease, in the top project
        "/api/v4/projects/acme%2Fsupport",
        "/api/v4/projects/acme%2Feng%2Fweb",
    }
    # adoption's one listing of the issues of no quarter is the group's
    group.reset_log()
    again = adopt(workspace(group), quarter=QUARTER)
    assert again.to_json()["adopted"] == [] and writes(group) == 0
    assert group.counts_by_route() == {"GET /groups/:id/issues": 3, "GET /groups/:id/projects": 1}


def test_a_filed_key_result_naming_an_objective_outside_the_group_reaches_nothing_there(
    group: Emulator,
) -> None:
    group.add_project("other/place")
    key_result(group, SALES, "Win 3 awards", "other/place#1")  # acme/sales#3, filed
    result = adopt(workspace(group), quarter=QUARTER)
    assert "other" not in {r.path.split("/")[4][:5] for r in group.log if "/projects/" in r.path}
    assert [p.message for p in result.problems if p.where == f"{SALES}#3"] == [
        "the Objective section names other/place#1, which is not an open objective"
    ]
    assert linked_refs(group, SALES, 3) == set()


def test_a_group_report_names_a_project_the_token_cannot_see_once(
    group: Emulator, tmp_path: Path
) -> None:
    done = report(
        workspace(group, token=group.token_for("carol")),
        quarter=QUARTER,
        formats=("md",),
        output=tmp_path,
    )
    md = (tmp_path / f"okrflow-report-{QUARTER}.md").read_text(encoding="utf-8")
    assert md.count(WEB) == 1
    assert f"| {WEB} | the token cannot read this project: its OKRs are left out |" in md
    assert f"{PLATFORM}#2 Raise uptime" in md
    assert done.post is None and writes(group) == 0

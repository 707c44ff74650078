"""Commands over a group scope: rollup writes into each OKR's own project and a second
one writes nothing; status is one tree across projects, named by full reference; lint
names findings by full reference; the project scope's output is unchanged."""

from __future__ import annotations

import math

import pytest

from group_world import (
    GROUP,
    NOW,
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
from okrflow.adapter import ConnectionSettings
from okrflow.commands.checkin import checkin
from okrflow.commands.lint import lint
from okrflow.commands.reporter import Recorder
from okrflow.commands.rollup import rollup
from okrflow.commands.status import format_status, status
from okrflow.commands.workspace import Workspace, connect_settings
from okrflow.config import Config
from okrflow.core.description import split
from okrflow.errors import UsageError
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
    # warm: the quarter's group listing (one page per 100 issues), the KPI listing and
    # the group's projects; nothing written
    assert routes == {"GET /groups/:id/issues": 2, "GET /groups/:id/projects": 1}, routes


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
    assert heads == [
        "acme/company#1 Grow the business",
        "    acme/sales#1 Build the pipeline",
        "    acme/eng/platform#1 Run a platform people trust",
    ]
    assert "        KR acme/eng/web#1 Ship 4 landing pages" in [head(line) for line in lines]


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
    config = Config.model_validate(
        {"group": GROUP, "projects": [{"path": SUPPORT, "team": "Support"}, SALES]}
    )
    ws = Workspace(
        config=config,
        connection=connect_settings(
            config,
            gitlab_url=group.base_url,
            project=None,
            environ={"GITLAB_TOKEN": str(group.default_token)},
        ),
        out=Recorder(),
        now=lambda: NOW,
    )
    result = status(ws, quarter=QUARTER)
    teams = {o["reference"]: o["team"] for o in result.document["objectives"]}
    assert teams == {f"{SUPPORT}#2": "Support", f"{SALES}#1": "Sales"}
    line = next(line for line in format_status(result) if line.startswith(f"{SUPPORT}#2 "))
    assert line.endswith("team Support")

"""report, carry, schedule and adopt over a group scope, and status grouped by team
(issue 14, item 5), over ``group_world``'s group ``acme``: each OKR's own project, full
references, one report (and planning) issue in the top project, the project a token
cannot see named once and nothing written for it."""

from __future__ import annotations

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
    seed_okrs,
)
from okrflow.commands.status import format_status, status
from okrflow.commands.workspace import Workspace
from okrflow.render import report_schema
from okrflow.sandbox import Emulator

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

"""Initiatives shown and measured: the issues linked to a key result are listed under it in
status and in every report format (reference, title, state, assignee), and a key result
measured by them counts or shares the closed ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import rollup_world
from rollup_world import (
    NOW,
    PROJECT,
    QUARTER,
    add_kr,
    add_objective,
    comment,
    record_of,
    writes,
)

from okrflow.commands.report import report
from okrflow.commands.rollup import rollup
from okrflow.commands.status import format_status, status
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.core.model import MetricSource, SourceKind
from okrflow.render import display
from okrflow.sandbox import SANDBOX_TOKEN, Emulator


def workspace(emu: Emulator, **options: Any) -> Workspace:
    """A workspace whose config lets initiative sources read acme/docs, where the guides
    are (other projects are left out: metrics.allowed_scopes)."""
    config = Config.default()
    metrics = config.metrics.model_copy(update={"allowed_scopes": ("acme/docs",)})
    return rollup_world.workspace(
        emu, config=config.model_copy(update={"metrics": metrics}), **options
    )


def link(emu: Emulator, kr: int, target: int, project: str = "acme/docs") -> None:
    emu.request(
        "POST",
        f"/projects/acme%2Fokrs/issues/{kr}/links",
        token=SANDBOX_TOKEN,
        json_body={"target_project_id": project, "target_issue_iid": target},
    )


def guides(emu: Emulator, measure: str | None = None) -> tuple[int, int]:
    """ "Publish 4 guides", measured by 4 linked issues in acme/docs, 2 of them closed."""
    obj = add_objective(emu, "Help users help themselves", key="docs")
    options = {"measure": measure} if measure else {}
    kr = add_kr(
        emu,
        "Publish 4 guides",
        ("docs", obj),
        source=MetricSource(SourceKind.INITIATIVES, options),
    )
    emu.add_project("acme/docs")
    for n, (state, who) in enumerate(
        [("closed", "alice"), ("opened", "bob"), ("closed", None), ("opened", None)], start=1
    ):
        emu.add_issue("acme/docs", f"Guide {n}", state=state, assignee=who)
        link(emu, kr, n)
    link(emu, kr, obj, PROJECT)  # the hierarchy: not an initiative
    return obj, kr


EXPECTED = [
    {
        "ref": "acme/docs#1",
        "title": "Guide 1",
        "state": "closed",
        "closed": True,
        "assignee": "alice",
    },
    {"ref": "acme/docs#2", "title": "Guide 2", "state": "open", "closed": False, "assignee": "bob"},
    {"ref": "acme/docs#3", "title": "Guide 3", "state": "closed", "closed": True, "assignee": None},
    {"ref": "acme/docs#4", "title": "Guide 4", "state": "open", "closed": False, "assignee": None},
]


def test_publish_4_guides_with_2_of_4_closed_is_50_percent_and_lists_them_everywhere(
    emulator: Emulator, tmp_path: Path
) -> None:
    _, kr = guides(emulator)
    rollup(workspace(emulator), quarter=QUARTER)
    # a key result that counts things is measured by count: 2 guides of 4, not 2/4 of 4
    shown = status(workspace(emulator), quarter=QUARTER)
    (kr_doc,) = shown.document["objectives"][0]["key_results"]
    assert (kr_doc["current"], kr_doc["progress"]) == (2, 0.5)
    assert kr_doc["initiatives"] == EXPECTED
    lines = format_status(shown)
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith(f"KR #{kr} "))
    assert "2 guides · 0 → 4 guides" in lines[at] and " 50%" in lines[at]
    assert [line.strip() for line in lines[at + 1 : at + 5]] == [
        "initiative acme/docs#1 Guide 1  closed  @alice",
        "initiative acme/docs#2 Guide 2  open  @bob",
        "initiative acme/docs#3 Guide 3  closed",
        "initiative acme/docs#4 Guide 4  open",
    ]
    done = report(workspace(emulator), quarter=QUARTER, output=tmp_path, kind="progress")
    written = json.loads((tmp_path / "okrflow-report-FY24-Q1.json").read_text())
    (in_json,) = written["objectives"][0]["key_results"]
    assert in_json["initiatives"] == EXPECTED and in_json["progress"] == 0.5
    assert done.document["objectives"][0]["key_results"][0]["initiatives"] == EXPECTED
    md = (tmp_path / "okrflow-report-FY24-Q1.md").read_text()
    page = (tmp_path / "okrflow-report-FY24-Q1.html").read_text()
    assert f"**Initiatives of #{kr}** (2 of 4 closed):" in md
    assert "- acme/docs#1 Guide 1 · closed · alice" in md
    assert "- acme/docs#4 Guide 4 · open" in md
    assert '<li class="initiative closed"><span class="ref">acme/docs#1</span> Guide 1' in page
    assert '<li class="initiative open"><span class="ref">acme/docs#2</span> Guide 2' in page
    for shown_text in (md, page):
        assert display.percent(0.5) in shown_text and "2 guides" in shown_text


def test_share_is_still_there_for_whoever_asks_for_it(emulator: Emulator) -> None:
    guides(emulator, measure="share")
    result = rollup(workspace(emulator), quarter=QUARTER)
    (kr_doc,) = result.document["objectives"][0]["key_results"]
    assert kr_doc["current"] == 0.5  # a share against a target of 4: 12.5%
    assert kr_doc["progress"] == 0.125


def test_initiatives_are_recorded_so_a_second_rollup_reads_and_writes_nothing_new(
    emulator: Emulator,
) -> None:
    _, kr = guides(emulator)
    rollup(workspace(emulator), quarter=QUARTER)
    recorded = record_of(emulator, kr).initiatives
    assert recorded is not None and [i.ref for i in recorded] == [e["ref"] for e in EXPECTED]
    emulator.reset_log()
    assert rollup(workspace(emulator), quarter=QUARTER).changed == []
    assert writes(emulator) == 0


def test_the_links_of_a_key_result_measured_by_checkins_are_never_read_by_rollup(
    emulator: Emulator,
) -> None:
    """Its links measure nothing: rollup does not ask for them, not even with a new
    check-in (one request per key result that changed, for nothing)."""
    obj = add_objective(emulator, "Grow", key="grow")
    kr = add_kr(emulator, "Grow weekly active users from 10,000 to 15,000", ("grow", obj))
    emulator.add_project("acme/docs")
    emulator.add_issue("acme/docs", "Launch the referral program", assignee="alice")
    link(emulator, kr, 1)
    emulator.reset_log()
    rollup(workspace(emulator), quarter=QUARTER)
    comment(emulator, kr, "Check-in: 11,000", at=NOW)
    rollup(workspace(emulator), quarter=QUARTER)
    assert emulator.counts_by_route().get("GET /projects/:id/issues/:issue_iid/links") is None
    shown = status(workspace(emulator), quarter=QUARTER).document
    (kr_doc,) = shown["objectives"][0]["key_results"]
    assert kr_doc["initiatives"] == [] and kr_doc["current"] == 11_000

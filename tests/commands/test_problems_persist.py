"""Problems persist: an unreadable check-in, a broken metadata block and a key result cut off
from its objective are listed in status, lint and every report on every run until they
are fixed, not warned about once and forgotten."""

from __future__ import annotations

import html
import json
from pathlib import Path

from rollup_world import (
    NOW,
    PROJECT,
    QUARTER,
    add_kr,
    add_objective,
    comment,
    meta_of,
    record_of,
    workspace,
)

from okrflow.commands.lint import lint
from okrflow.commands.report import report
from okrflow.commands.rollup import rollup
from okrflow.commands.status import format_status, status
from okrflow.core import description as desc
from okrflow.sandbox import SANDBOX_TOKEN, Emulator


def everywhere(emu: Emulator, tmp_path: Path) -> dict[str, list[str]]:
    """The problem lines of status (text and JSON), lint and the three report formats."""
    ws = workspace(emu)
    shown = status(ws, quarter=QUARTER)
    text = [line.strip() for line in format_status(shown)]
    linted = lint(workspace(emu), quarter=QUARTER)
    report(workspace(emu), quarter=QUARTER, output=tmp_path, kind="progress")
    stem = tmp_path / "okrflow-report-FY24-Q1"
    return {
        "status": [f"{p['where']}: {p['message']}" for p in shown.document["problems"]],
        "status text": [line for line in text if line.startswith("#")],
        "lint": [f"{p.where}: {p.message}" for p in linted.problems],
        "json": [
            f"{p['where']}: {p['message']}"
            for p in json.loads(stem.with_suffix(".json").read_text())["problems"]
        ],
        "md": [stem.with_suffix(".md").read_text()],
        "html": [html.unescape(stem.with_suffix(".html").read_text())],
    }


def listed(found: dict[str, list[str]], where: str, words: str) -> list[str]:
    """The outputs that do not list the problem at ``where`` with ``words``."""
    missing = []
    for name, lines in found.items():
        if name in ("md", "html"):
            if where not in lines[0] or words not in lines[0]:
                missing.append(name)
        elif not any(line.startswith(f"{where}: ") and words in line for line in lines):
            missing.append(name)
    return missing


def test_an_unreadable_checkin_is_listed_on_every_run_until_its_author_fixes_it(
    emulator: Emulator, tmp_path: Path
) -> None:
    obj = add_objective(emulator, "Delight developers", key="dx")
    kr = add_kr(emulator, "Improve developer NPS from 25 to 35", ("dx", obj))
    bad = comment(emulator, kr, "Check-in: soon, the survey is late", at=NOW)
    words = "check-in value 'soon, the survey is late' is not a number"
    first = rollup(workspace(emulator), quarter=QUARTER)
    assert any(p.where == f"#{kr} note {bad}" and words in p.message for p in first.problems)
    for _ in range(2):  # a second and a third run still say so, and so does every output
        again = rollup(workspace(emulator), quarter=QUARTER)
        assert any(p.where == f"#{kr} note {bad}" for p in again.problems)
        assert listed(everywhere(emulator, tmp_path), f"#{kr} note {bad}", words) == []
    assert record_of(emulator, kr).bad_checkins[0].note_id == bad
    # the author corrects the comment: the next rollup reads it, the problem is gone
    emulator.request(
        "PUT",
        f"/projects/acme%2Fokrs/issues/{kr}/notes/{bad}",
        token=emulator.token_for("alice"),
        json_body={"body": "Check-in: 31"},
    )
    fixed = rollup(workspace(emulator), quarter=QUARTER)
    assert not any(p.where.startswith(f"#{kr} note") for p in fixed.problems)
    assert meta_of(emulator, kr).bad_checkins == ()
    assert fixed.document["objectives"][0]["key_results"][0]["current"] == 31
    after = everywhere(emulator, tmp_path)
    assert after["status"] == [] and after["lint"] == [] and after["json"] == []
    assert "No problems were found" in after["md"][0]


def test_a_broken_metadata_block_is_listed_until_it_is_rebuilt(
    emulator: Emulator, tmp_path: Path
) -> None:
    obj = add_objective(emulator, "Delight developers", key="dx")
    kr = add_kr(emulator, "Improve developer NPS from 25 to 35", ("dx", obj))
    issue = emulator.issue(PROJECT, kr)
    assert issue.description is not None
    issue.description = issue.description.replace('"type": "kr"', '"type": "kr",,')
    for _ in range(2):
        assert listed(everywhere(emulator, tmp_path), f"#{kr}", "metadata") == []
    rollup(workspace(emulator), quarter=QUARTER)  # rebuilds the block from the visible text
    assert desc.split(emulator.issue(PROJECT, kr).description or "").meta_problem is None
    assert everywhere(emulator, tmp_path)["status"] == []


def test_a_key_result_whose_description_was_wiped_is_reattached_through_its_links(
    emulator: Emulator, tmp_path: Path
) -> None:
    obj = add_objective(emulator, "Delight developers", key="dx")
    kr = add_kr(emulator, "Improve developer NPS from 25 to 35", ("dx", obj))
    emulator.request(
        "POST",
        f"/projects/acme%2Fokrs/issues/{kr}/links",
        token=SANDBOX_TOKEN,
        json_body={"target_project_id": PROJECT, "target_issue_iid": obj},
    )
    emulator.issue(PROJECT, kr).description = ""  # a person wiped it
    shown = status(workspace(emulator), quarter=QUARTER)
    (objective,) = shown.document["objectives"]
    assert [k["iid"] for k in objective["key_results"]] == [kr]  # not lost from its objective
    assert shown.orphans == []
    words = f"#{obj} found through its issue links"
    assert listed(everywhere(emulator, tmp_path), f"#{kr}", words) == []
    rollup(workspace(emulator), quarter=QUARTER)  # writes the objective back
    assert meta_of(emulator, kr).objective == "dx"
    assert everywhere(emulator, tmp_path)["status"] == []


def test_a_key_result_that_cannot_be_reattached_stays_a_problem_everywhere(
    emulator: Emulator, tmp_path: Path
) -> None:
    obj = add_objective(emulator, "Delight developers", key="dx")
    kr = add_kr(emulator, "Improve developer NPS from 25 to 35", ("dx", obj))
    emulator.issue(PROJECT, kr).description = ""
    for _ in range(2):
        rollup(workspace(emulator), quarter=QUARTER)
        found = everywhere(emulator, tmp_path)
        assert listed(found, f"#{kr}", "key result without an objective") == []
    assert any(f.rule == "kr-attached" for f in lint(workspace(emulator), quarter=QUARTER).findings)

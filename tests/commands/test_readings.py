"""The statement reading wired through the commands: the unit word shown wherever a key
result's numbers are, check-ins accepted in it, "baseline pending" until the first value
and then the derived target (recorded, so it stays put), the due date in pace, and lint
showing each reading in one line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rollup_world import (
    NOW,
    PROJECT,
    QUARTER,
    add_kr,
    add_objective,
    comment,
    record_of,
    section_of,
    workspace,
)

from okrflow.commands.checkin import checkin
from okrflow.commands.lint import lint
from okrflow.commands.report import report
from okrflow.commands.rollup import rollup
from okrflow.commands.status import format_status, status
from okrflow.errors import UsageError
from okrflow.sandbox import Emulator

DAY = dt.timedelta(days=1)


@pytest.fixture
def okrs(emulator: Emulator) -> Emulator:
    emulator.set_now(NOW - 3 * DAY)
    obj = add_objective(emulator, "Win customers", key="win")  # 1
    add_kr(emulator, "Grow paying customers from 4 to 10 customers", ("win", obj))  # 2
    add_kr(emulator, "Increase weekly active users by 20%", ("win", obj))  # 3
    add_kr(emulator, "Cut churn from 5% to 3% by mid-February", ("win", obj))  # 4
    add_kr(emulator, "Reduce average resolution time from 9 days to 7 days", ("win", obj))  # 5
    return emulator


def _row(okrs: Emulator, iid: int) -> str:
    """Key result ``iid``'s row in the progress table of its objective, #1."""
    return next(r for r in section_of(okrs, 1).splitlines() if r.startswith(f"| #{iid} "))


def _kr(doc: dict[str, object], iid: int) -> dict[str, object]:
    objectives = doc["objectives"]
    assert isinstance(objectives, list)
    return next(k for o in objectives for k in o["key_results"] if k["iid"] == iid)


def test_a_checkin_in_the_unit_word_is_accepted_and_written_the_same_way(okrs: Emulator) -> None:
    done = checkin(workspace(okrs), "2", value="7 customers")
    assert done.value == 7 and done.summary() == "checked in #2: 7 customers"
    assert okrs.notes(PROJECT, 2)[0].body.startswith("Check-in: 7 customers\n")
    with pytest.raises(UsageError, match="counts logos, but the key result counts customers"):
        checkin(workspace(okrs), "2", value="7 logos")
    hours = checkin(workspace(okrs), "5", value="36h")  # converted into the KR's days
    assert hours.value == 1.5 and "Check-in: 1.5d" in hours.comment


def test_the_unit_word_is_shown_in_status_the_progress_section_and_the_reports(
    okrs: Emulator, tmp_path: Path
) -> None:
    comment(okrs, 2, "Check-in: 7 customers", at=NOW - DAY)
    rollup(workspace(okrs), quarter=QUARTER)
    assert "| 7 customers |" in _row(okrs, 2)
    lines = format_status(status(workspace(okrs), quarter=QUARTER))
    line = next(x for x in lines if x.lstrip().startswith("KR #2 "))
    assert "7 customers · 4 → 10 customers" in line and " 50%" in line
    report(workspace(okrs), quarter=QUARTER, output=tmp_path, kind="progress")
    md = (tmp_path / "okrflow-report-FY24-Q1.md").read_text()
    page = (tmp_path / "okrflow-report-FY24-Q1.html").read_text()
    assert "| 4 | 10 customers | 7 customers |" in md
    assert "<strong>7 customers</strong>" in page


def test_a_relative_target_shows_baseline_pending_then_its_derived_target_which_stays(
    okrs: Emulator,
) -> None:
    first = rollup(workspace(okrs), quarter=QUARTER)
    pending = _kr(first.document, 3)
    assert (pending["baseline_pending"], pending["start"], pending["target"]) == (True, None, None)
    assert "`░░░░░░░░░░` 0% | — |" in _row(okrs, 3)
    line = next(
        x for x in format_status(status(workspace(okrs))) if x.lstrip().startswith("KR #3 ")
    )
    assert "— · baseline pending: +20% from the first check-in" in line
    assert first.problems == []  # pending is not an error
    comment(okrs, 3, "Check-in: 1,000", at=NOW - 2 * DAY)
    comment(okrs, 3, "Check-in: 1,100", at=NOW - DAY)
    rollup(workspace(okrs), quarter=QUARTER)
    derived = _kr(status(workspace(okrs)).document, 3)
    assert (derived["start"], derived["target"], derived["progress"]) == (1_000, 1_200, 0.5)
    assert "| 1,100 |" in _row(okrs, 3)
    assert record_of(okrs, 3).baseline == 1_000  # recorded when first seen
    # the first check-in's comment is deleted: the baseline stays put
    first_note = okrs.notes(PROJECT, 3)[0]
    okrs.request(
        "DELETE",
        f"/projects/acme%2Fokrs/issues/3/notes/{first_note.id}",
        token=okrs.token_for("alice"),
    )
    rollup(workspace(okrs), quarter=QUARTER)
    again = _kr(status(workspace(okrs)).document, 3)
    assert (again["start"], again["target"], again["progress"]) == (1_000, 1_200, 0.5)


def test_a_key_result_due_mid_quarter_is_judged_against_its_due_date(okrs: Emulator) -> None:
    comment(okrs, 4, "Check-in: 4.5%", at=NOW - DAY)  # progress 0.25
    comment(okrs, 5, "Check-in: 8.5 days", at=NOW - DAY)  # progress 0.25, no due date
    doc = rollup(workspace(okrs), quarter=QUARTER).document
    churn, resolution = _kr(doc, 4), _kr(doc, 5)
    assert churn["progress"] == resolution["progress"] == 0.25
    assert churn["due"] == "mid-February" and resolution["due"] is None
    assert churn["health"] == "at risk"  # due on 2024-02-15: its time is up
    assert resolution["health"] == "needs attention"  # 45/91 of the quarter gone


def test_lint_shows_each_key_results_reading_in_one_line(okrs: Emulator) -> None:
    lines = [str(x) for x in lint(workspace(okrs), quarter=QUARTER).lines()]
    assert "#2 reads: from 4 to 10 customers, higher is better, from the statement" in lines
    assert "#3 reads: baseline pending: +20% from the first check-in, from the statement" in lines
    assert "#4 reads: from 5% to 3%, lower is better, due mid-February, from the statement" in lines
    assert "#5 reads: from 9 days to 7 days, lower is better, from the statement" in lines

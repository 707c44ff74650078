"""move, lint and status as a user runs them: the installed okrflow against the served emulator."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

import jsonschema
import pytest

from filled_template import stored
from okrflow.core.description import with_meta
from okrflow.core.meta import Meta, RecordedCheckIn
from okrflow.render.templating import render_issue_template
from okrflow.sandbox import Emulator

pytestmark = pytest.mark.e2e

PROJECT = "acme/okrs"
QUARTER = "FY24-Q1"
NOW = {"OKRFLOW_NOW": "2024-02-15T12:00:00Z"}
LIFECYCLE = {"okr-status::draft", "okr-status::review", "okr-status::active", "okr-status::closed"}


def objective(emu: Emulator, title: str, *, krs: int, purpose: str = "Why it matters.") -> int:
    """An objective in draft with ``krs`` key results, as okrflow new writes them."""
    iid = emu.project(PROJECT).next_iid
    key = f"obj-{iid}"
    body = render_issue_template(
        "objective", title=title, purpose=purpose, owner="alice", team="CSM", quarter=QUARTER
    )
    meta = Meta(type="objective", key=key, iid=iid)
    emu.add_issue(
        PROJECT,
        title,
        description=with_meta(stored(body), meta.to_dict()),
        labels=["okr::objective", "okr-status::draft", QUARTER],
        assignee="alice",
    )
    for n in range(krs):
        kr_iid = emu.project(PROJECT).next_iid
        statement = f"Raise adoption score {n + 1} from 20 to 40"
        body = render_issue_template("kr", statement=statement, objective=f"#{iid}", owner="bob")
        checkin = RecordedCheckIn(at=dt.datetime(2024, 2, 10, tzinfo=dt.timezone.utc), value=30)
        kr_meta = Meta(
            type="kr",
            key=f"kr-{kr_iid}",
            iid=kr_iid,
            objective=key,
            objective_iid=iid,
            checkin=checkin,
        )
        emu.add_issue(
            PROJECT,
            statement,
            description=with_meta(stored(body), kr_meta.to_dict()),
            labels=["okr::key result", "okr-status::draft", QUARTER],
            assignee="bob",
        )
    return iid


def lifecycle(emu: Emulator, iid: int) -> list[str]:
    return [label for label in emu.issue_labels(PROJECT, iid) if label in LIFECYCLE]


def test_move_to_review_is_refused_with_two_key_results_and_allowed_with_three(
    okrflow_cli: Any,
) -> None:
    emu = okrflow_cli.emu
    thin = objective(emu, "Grow the community", krs=2)
    full = objective(emu, "Delight customers", krs=3)

    refused = okrflow_cli("move", str(thin), "--to", "review", extra_env=NOW)
    assert refused.returncode == 3, refused.stderr
    assert "kr-count" in refused.stderr and refused.stderr.startswith("okrflow: ")
    assert lifecycle(emu, thin) == ["okr-status::draft"]

    wrong = okrflow_cli("move", str(full), "--to", "active", extra_env=NOW)
    assert wrong.returncode == 2 and "In Draft -> Under Review" in wrong.stderr

    moved = okrflow_cli("move", f"#{full}", "--to", "review", extra_env=NOW)
    assert moved.returncode == 0, moved.stderr
    assert f"moved objective #{full} from In Draft to Under Review" in moved.stdout
    for iid in range(full, full + 4):  # the objective and its three key results
        assert lifecycle(emu, iid) == ["okr-status::review"]
        assert len(emu.notes(PROJECT, iid)) == 1

    again = okrflow_cli("move", str(full), "--to", "review", extra_env=NOW)
    assert again.returncode == 0 and "0 moved" in again.stdout
    assert all(len(emu.notes(PROJECT, i)) == 1 for i in range(full, full + 4))


def test_move_cascades_to_active_leaving_one_lifecycle_label_each(
    okrflow_cli: Any,
) -> None:
    emu = okrflow_cli.emu
    obj = objective(emu, "Delight customers", krs=3)
    review = emu.add_label(PROJECT, "okr-status::review")
    for iid in range(obj, obj + 4):  # a second lifecycle label, as a board drag can leave
        emu.issue(PROJECT, iid).label_ids.append(review.id)
        assert len(lifecycle(emu, iid)) == 2

    result = okrflow_cli("move", str(obj), "--to", "active", extra_env=NOW)
    assert result.returncode == 0, result.stderr
    for iid in range(obj, obj + 4):
        assert lifecycle(emu, iid) == ["okr-status::active"]


def test_move_dry_run_only_reads(okrflow_cli: Any) -> None:
    emu = okrflow_cli.emu
    obj = objective(emu, "Delight customers", krs=3)
    emu.reset_log()
    result = okrflow_cli("move", str(obj), "--to", "review", "--dry-run", extra_env=NOW)
    assert result.returncode == 0, result.stderr
    assert f"would move objective #{obj}" in result.stdout
    assert set(emu.counts()) == {"GET"}
    assert lifecycle(emu, obj) == ["okr-status::draft"]


def test_lint_comment_twice_leaves_one_comment_per_issue(
    okrflow_cli: Any,
) -> None:
    emu = okrflow_cli.emu
    thin = objective(emu, "Grow the community", krs=2, purpose="")
    first = okrflow_cli("lint", "--comment", extra_env=NOW)
    assert first.returncode == 3
    assert f"#{thin} error purpose: " in first.stdout
    assert f"#{thin} warning kr-count: " in first.stdout
    second = okrflow_cli("lint", "--comment", extra_env=NOW)
    assert second.returncode == 3
    notes = [n.body for n in emu.notes(PROJECT, thin)]
    assert len(notes) == 1 and notes[0].startswith("@alice, okrflow lint found")
    for kr in (thin + 1, thin + 2):
        assert emu.notes(PROJECT, kr) == []  # clean key results are left alone

    as_json = okrflow_cli("lint", "--json", extra_env=NOW)
    assert as_json.returncode == 3
    assert {f["rule"] for f in json.loads(as_json.stdout)["findings"]} >= {"purpose", "kr-count"}


def test_status_json_validates_against_the_report_schema(
    okrflow_cli: Any,
) -> None:
    emu = okrflow_cli.emu
    obj = objective(emu, "Delight customers", krs=3)
    result = okrflow_cli("status", "--json", extra_env=NOW)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    schema_text = resources.files("okrflow").joinpath("schemas/report.schema.json").read_text()
    jsonschema.validate(doc, json.loads(schema_text))
    (o,) = doc["objectives"]
    assert o["iid"] == obj and doc["quarter"] == QUARTER
    assert [kr["progress"] for kr in o["key_results"]] == [0.5, 0.5, 0.5]

    text = okrflow_cli("status", extra_env=NOW)
    assert text.returncode == 0
    assert f"#{obj} Delight customers" in text.stdout and "█████░░░░░  50%" in text.stdout
    assert "\x1b[" not in text.stdout

"""The rules of adoption, pure: where the quarter comes from, what a filed issue lacks,
and how an objective's Key results lines compare with the key results they made."""

from __future__ import annotations

from typing import Any

from okrflow.core.adoption import (
    Context,
    Parent,
    line_changes,
    needs_adoption,
    plan_adoption,
    recorded_lines,
    with_lines,
)
from okrflow.core.issue_text import read_issue
from okrflow.core.labels import DEFAULT_LABEL_NAMES, LabelNames
from okrflow.core.meta import Meta
from okrflow.core.model import KeyResult

NAMES = LabelNames(teams=("CSM",))


def ctx(drafting: str | None = None, users: tuple[str, ...] = ("alice",)) -> Context:
    return Context(
        names=NAMES,
        current="FY24-Q1",
        drafting=drafting,
        is_user=lambda name: name in users,
        quarter_label=lambda text: text if text.startswith("FY") else None,
    )


def objective(sections: dict[str, str], labels: tuple[str, ...] = ("okr::objective",)) -> Any:
    text = "\n\n".join(f"## {name}\n\n{value}" for name, value in sections.items())
    okr, _ = read_issue(iid=7, title="Delight", description=text, labels=labels, label_names=NAMES)
    return okr, text, labels


def test_the_quarter_comes_from_the_label_the_section_the_objective_or_the_calendar() -> None:
    okr, text, labels = objective({"Quarter": "FY24-Q2", "Team": "CSM", "Owner": "@alice"})
    plan = plan_adoption(okr, description=text, labels=labels, assignees=(), ctx=ctx())
    assert plan.quarter == "FY24-Q2" and "from its Quarter section" in plan.done[0]
    assert plan.problems == [] and plan.assignee == "alice" and "CSM" in plan.add_labels

    okr, text, labels = objective({"Team": "CSM", "Owner": "@alice"})
    drafted = plan_adoption(okr, description=text, labels=labels, assignees=(), ctx=ctx("FY24-Q2"))
    assert drafted.quarter == "FY24-Q2" and "being drafted" in drafted.done[0]
    now = plan_adoption(okr, description=text, labels=labels, assignees=(), ctx=ctx())
    assert now.quarter == "FY24-Q1" and "the current quarter" in now.done[0]

    kr = KeyResult(key="iid-8", title="Raise NPS from 20 to 40", iid=8, objective="iid-7")
    parent = Parent(7, "iid-7", "FY24-Q3", "CSM", "alice")
    under = plan_adoption(
        kr, description="", labels=("okr::key result",), assignees=(), ctx=ctx(), parent=parent
    )
    assert (under.quarter, under.team, under.owner) == ("FY24-Q3", "CSM", "alice")
    assert under.meta.objective_iid == 7 and under.meta.metric is not None


def test_what_cannot_be_worked_out_is_a_problem_never_a_guess() -> None:
    okr, text, labels = objective({"Team": "Marketing", "Owner": "@csm-team", "Quarter": "soon"})
    plan = plan_adoption(okr, description=text, labels=labels, assignees=(), ctx=ctx())
    messages = " | ".join(p.message for p in plan.problems)
    assert "not a configured team (CSM)" in messages
    assert "@csm-team, whom GitLab does not know as a user" in messages
    assert "names no quarter ('soon')" in messages
    assert plan.assignee is None and plan.team is None and plan.quarter == "FY24-Q1"


def test_only_an_okr_without_okrflows_block_is_adopted() -> None:
    assert needs_adoption("## Objective\n\nX", ["okr::objective"], DEFAULT_LABEL_NAMES)
    assert not needs_adoption("X", ["okr::kpi", "okr::objective"], DEFAULT_LABEL_NAMES)
    assert not needs_adoption("X", ["bug"], DEFAULT_LABEL_NAMES)
    block = 'X\n\n<!-- okrflow:meta\n{"schema": 1}\n-->'
    assert not needs_adoption(block, ["okr::objective"], DEFAULT_LABEL_NAMES)


def test_lines_kept_edited_new_removed_and_unmeasurable() -> None:
    recorded = [("Raise NPS from 20 to 40", 2), ("Achieve SOC2 Type 1", 3), ("Land 5 logos", 4)]
    now = ["raise NPS from 20 to 40", "Land 6 logos", "Cut churn from 10% to 5%", "Be nicer"]
    changes = line_changes(recorded, now)
    assert changes.edited == [(4, "Land 6 logos")]
    assert changes.removed == [(3, "Achieve SOC2 Type 1")]
    assert changes.new == ["Cut churn from 10% to 5%"]
    assert [line for line, _ in changes.unmeasurable] == ["Be nicer"]
    assert not line_changes(recorded, [line for line, _ in recorded]).any
    meta = with_lines(Meta(), recorded)
    assert recorded_lines(Meta.from_dict(meta.to_dict())[0]) == recorded

"""Adoption of the OKR issues people file from the UI templates: what okrflow would have
given them (quarter, team, assignee, link, metadata), one comment once; the objective's Key
results lines become key-result issues once; a warm run asks nothing more."""

from __future__ import annotations

import datetime as dt
from typing import Any

from filed_world import OBJECTIVE_LINES, file_as, file_objective
from okr_world import NAMES, NOW, PROJECT, QUARTER, description, objective_with_krs, workspace
from rollup_world import meta_of

from okrflow.commands.adopt import adopt
from okrflow.commands.rollup import rollup
from okrflow.core.adoption import ADOPTED_MARKER
from okrflow.core.description import split
from okrflow.core.issue_text import parse_sections, section_items
from okrflow.core.model import State
from okrflow.sandbox import SANDBOX_USER, Emulator

ISSUES = "GET /projects/:id/issues"


def writes(emu: Emulator) -> int:
    counts = emu.counts()
    return sum(counts[m] for m in ("POST", "PUT", "PATCH", "DELETE"))


def own_comments(emu: Emulator, iid: int) -> list[str]:
    return [
        n.body
        for n in emu.notes(PROJECT, iid)
        if not n.system and emu.state.users[n.author_id].username == SANDBOX_USER
    ]


def get(emu: Emulator, path: str) -> Any:
    return emu.request("GET", f"/projects/acme%2Fokrs/{path}", token=emu.default_token).json()


def assignees(emu: Emulator, iid: int) -> list[str]:
    return [a["username"] for a in get(emu, f"issues/{iid}")["assignees"]]


def linked(emu: Emulator, iid: int) -> set[int]:
    return {link["iid"] for link in get(emu, f"issues/{iid}/links")}


def children(emu: Emulator, objective: int) -> list[int]:
    return sorted(
        i.iid
        for i in emu.issues(PROJECT)
        if NAMES.key_result in emu.issue_labels(PROJECT, i.iid)
        and meta_of(emu, i.iid).objective_iid == objective
    )


def test_an_objective_filed_by_a_member_is_adopted_with_its_four_key_results(
    emu: Emulator,
) -> None:
    emu.set_now(NOW)
    obj = file_objective(emu)
    before = split(description(emu, obj)).human

    result = adopt(workspace(emu))

    labels = set(emu.issue_labels(PROJECT, obj))
    assert {NAMES.objective, NAMES.draft, QUARTER, "CSM"} <= labels
    assert assignees(emu, obj) == ["alice"]
    meta = meta_of(emu, obj)
    assert (meta.type, meta.iid, meta.owner) == ("objective", obj, "alice")
    assert meta.lifecycle is State.DRAFT
    assert split(description(emu, obj)).human.rstrip() == before.rstrip()  # word for word
    krs = children(emu, obj)
    assert len(krs) == 4 and sorted(result.created) == krs and result.adopted == [obj]
    assert sorted(emu.issue(PROJECT, k).title for k in krs) == sorted(OBJECTIVE_LINES)
    for kr in krs:
        assert {NAMES.key_result, NAMES.draft, QUARTER, "CSM"} <= set(emu.issue_labels(PROJECT, kr))
        assert assignees(emu, kr) == ["alice"]
        assert meta_of(emu, kr).metric is not None
        assert obj in linked(emu, kr)
    [comment] = own_comments(emu, obj)
    assert ADOPTED_MARKER in comment
    assert f"the quarter label {QUARTER}, from its Quarter section" in comment
    assert "the assignee @alice, from the Owner section" in comment

    emu.reset_log()
    again = adopt(workspace(emu))
    assert writes(emu) == 0 and again.adopted == [] and again.created == []
    assert len(own_comments(emu, obj)) == 1


def test_a_key_result_filed_alone_from_its_template_is_adopted_under_its_objective(
    emu: Emulator,
) -> None:
    emu.set_now(NOW)
    obj, _ = objective_with_krs(emu, krs=1)
    kr = file_as(
        emu,
        "bob",
        "kr",
        "Increase advisory board attendance from 4 to 10 customers",
        {
            "Key result": "Increase advisory board attendance from 4 to 10 customers",
            "Objective": f"#{obj}",
            "Owner": "@bob",
        },
    )

    result = adopt(workspace(emu))

    assert result.adopted == [kr] and result.problems == []
    assert {NAMES.key_result, QUARTER, "CSM"} <= set(emu.issue_labels(PROJECT, kr))
    assert assignees(emu, kr) == ["bob"]
    meta = meta_of(emu, kr)
    assert (meta.type, meta.objective_iid) == ("kr", obj)
    assert obj in linked(emu, kr)
    [comment] = own_comments(emu, kr)
    assert "from its objective's quarter" in comment
    emu.reset_log()
    assert adopt(workspace(emu)).adopted == [] and writes(emu) == 0


def test_edited_removed_and_unmeasurable_lines(emu: Emulator) -> None:
    emu.set_now(NOW)
    obj = file_objective(emu)
    adopt(workspace(emu))
    made = {emu.issue(PROJECT, k).title: k for k in children(emu, obj)}
    issue = emu.issue(PROJECT, obj)
    assert issue.description is not None
    issue.description = (
        issue.description.replace("- Raise NPS from 20 to 40", "- Raise NPS from 20 to 45")
        .replace("- Achieve SOC2 Type 1\n", "")
        .replace("- Cut churn", "- Make customers happier\n- Cut churn")
    )

    result = adopt(workspace(emu))

    assert result.created == [] and result.updated == [made["Raise NPS from 20 to 40"]]
    renamed = emu.issue(PROJECT, made["Raise NPS from 20 to 40"])
    assert renamed.title == "Raise NPS from 20 to 45"
    # its Key result section says so too (the person's other text as it was)
    text = split(renamed.description).human
    assert section_items(parse_sections(text)["Key result"]) == ["Raise NPS from 20 to 45"]
    assert "20 to 40" not in text and "## How it is measured" in text
    assert emu.issue(PROJECT, made["Achieve SOC2 Type 1"]).state == "opened"  # never deleted
    messages = [p.message for p in result.problems]
    assert any("'Achieve SOC2 Type 1' is gone" in m for m in messages)
    assert any("'Make customers happier' is not a measurable key result" in m for m in messages)
    assert len(children(emu, obj)) == 4
    emu.reset_log()
    third = adopt(workspace(emu))
    assert writes(emu) == 0 and not any("is gone" in p.message for p in third.problems)


def test_the_quarter_when_none_is_written(emu: Emulator) -> None:
    emu.set_now(NOW)
    current = file_objective(emu, quarter="", title="Now")
    drafting_day = dt.datetime(2024, 3, 11, 12, tzinfo=dt.timezone.utc)  # 3 weeks to FY24-Q2
    adopt(workspace(emu))
    drafted = file_objective(emu, quarter="", title="Next")
    adopt(workspace(emu, now=drafting_day))

    assert QUARTER in emu.issue_labels(PROJECT, current)
    assert "from the current quarter" in own_comments(emu, current)[0]
    assert "FY24-Q2" in emu.issue_labels(PROJECT, drafted)
    assert "from the quarter being drafted" in own_comments(emu, drafted)[0]


def test_a_warm_rollup_asks_nothing_per_issue_for_adoption(emu: Emulator) -> None:
    emu.set_now(NOW)
    file_objective(emu)
    rollup(workspace(emu), quarter=QUARTER)
    rollup(workspace(emu), quarter=QUARTER)
    emu.reset_log()

    rollup(workspace(emu), quarter=QUARTER)

    assert writes(emu) == 0
    # listings only, one page each: the quarter, the KPIs, the issues of no quarter
    assert emu.counts_by_route() == {ISSUES: 3}

"""Annual objectives (a fiscal year's "Big Rocks") over the emulator: the quarter's load
reads them and the other quarters' objectives aligned under them, and the commands
show, roll up, create and carry them.

The world (the default calendar, today 2024-02-15 in FY24-Q1):

- #1 the annual objective "Win the mid-market" (label FY24);
- #2 "Land mid-market logos" (FY24-Q1) under #1, its key result #3 at 5 of 0 -> 10: 50%;
- #4 "Grow mid-market revenue" (FY24-Q2) under #1, its key result #5 at 25 of 20 -> 40:
  25%;
- #6 "Keep support fast" (FY24-Q1), under nothing, its key result #7 at 30 of 20 -> 40.

#1's progress is the mean of #2 and #4: (0.5 + 0.25) / 2 = 0.375.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from okr_world import NAMES, NOW, PROJECT, QUARTER, add_kr, add_objective, description, workspace

from group_world import COMPANY, GROUP, SALES, SUPPORT, build_group, seed_okrs
from group_world import key_result as group_kr
from group_world import objective as group_objective
from okrflow.adapter import ConnectionSettings, OkrRepository
from okrflow.commands.analysis import evaluate_snapshot
from okrflow.commands.apply import apply, plan
from okrflow.commands.carry import carry, carry_marked
from okrflow.commands.new import NewResult, new_kr, new_objective
from okrflow.commands.reminders import stale_key_results
from okrflow.commands.report import build_quarter_report
from okrflow.commands.rollup import rollup
from okrflow.commands.status import format_status, status
from okrflow.core.calendar import FiscalCalendar, Quarter
from okrflow.errors import ConfigError, UsageError
from okrflow.render import report_schema
from okrflow.render.report import render
from okrflow.sandbox import Emulator

YEAR = "FY24"
Q2 = "FY24-Q2"
ROCK = "rock-mid-market"


def add_annual(emu: Emulator, title: str, *, key: str, year: str = YEAR) -> int:
    """An annual objective as ``okrflow new objective --annual`` writes it: the year's
    label where a quarter's would be."""
    return add_objective(emu, title, key=key, quarter=year, state="active")


def build(emu: Emulator) -> None:
    assert add_annual(emu, "Win the mid-market", key=ROCK) == 1
    rock = (ROCK, 1)
    q1 = add_objective(emu, "Land mid-market logos", key="q1-logos", parents=[rock], state="active")
    add_kr(emu, "Land 10 mid-market logos", ("q1-logos", q1), value=5, state="active")
    q2 = add_objective(emu, "Grow mid-market revenue", key="q2-revenue", parents=[rock], quarter=Q2)
    add_kr(emu, "Raise revenue from 20 to 40", ("q2-revenue", q2), value=25, quarter=Q2)
    other = add_objective(emu, "Keep support fast", key="support", state="active")
    add_kr(emu, "Raise CSAT from 20 to 40", ("support", other), value=30, state="active")


@pytest.fixture
def world(emu: Emulator) -> Emulator:
    build(emu)
    return emu


def world_labels(emu: Emulator, iid: int | None) -> list[str]:
    assert iid is not None
    return emu.issue_labels(PROJECT, iid)


def listed_labels(emu: Emulator) -> list[str]:
    """The label filters of the issue listings requested, in order."""
    found = []
    for record in emu.log:
        if record.route and record.route.endswith("/issues") and record.method == "GET":
            query = urllib.parse.parse_qs(record.query)
            found.append(",".join(query.get("labels", [""])))
    return found


def test_the_quarters_load_reads_the_year_in_four_more_listings(world: Emulator) -> None:
    ws = workspace(world)
    world.reset_log()
    snap = ws.repo.load(QUARTER)
    # the quarter, the KPIs, then: the year's objectives, and the year's other quarters
    assert listed_labels(world) == [
        QUARTER,
        NAMES.kpi,
        f"{NAMES.objective},{YEAR}",
        Q2,
        "FY24-Q3",
        "FY24-Q4",
    ]
    assert snap.year is not None and snap.year.label == YEAR
    assert [o.iid for o in snap.year.annual] == [1]
    assert [o.iid for o in snap.year.others] == [4]
    assert [o.iid for o in snap.objectives] == [2, 6]  # the quarter's own, as before
    assert [kr.iid for kr in snap.year.others[0].key_results] == [5]


def test_a_quarter_aligned_under_nothing_outside_it_lists_nothing_more(emu: Emulator) -> None:
    other = add_objective(emu, "Keep support fast", key="support")
    add_objective(emu, "Answer in a day", key="answer", parents=[("support", other)])
    ws = workspace(emu)
    emu.reset_log()
    snap = ws.repo.load(QUARTER)
    assert listed_labels(emu) == [QUARTER, NAMES.kpi] and snap.year is None


def test_a_parent_outside_the_quarter_costs_one_listing_when_the_year_has_none(
    emu: Emulator,
) -> None:
    add_objective(emu, "Orphaned", key="lost", parents=[("gone", 40)])
    ws = workspace(emu)
    emu.reset_log()
    snap = ws.repo.load(QUARTER)
    assert listed_labels(emu) == [QUARTER, NAMES.kpi, f"{NAMES.objective},{YEAR}"]
    assert snap.year is None


def test_the_annual_objective_rolls_up_both_quarters(world: Emulator) -> None:
    ws = workspace(world)
    evaluation = evaluate_snapshot(ws, ws.repo.load(QUARTER))
    progress = {key: r.progress for key, r in evaluation.objectives.items()}
    assert progress == {
        "q1-logos": 0.5,
        "support": 0.5,
        ROCK: 0.375,  # (0.5 + 0.25) / 2
        "q2-revenue": 0.25,
    }
    assert not [p for p in evaluation.problems if "not among the objectives read" in p.message]


# -- status -----------------------------------------------------------------------------------


def test_status_shows_the_annual_objective_above_the_quarters_tree(world: Emulator) -> None:
    lines = [str(line) for line in format_status(status(workspace(world)))]
    # 2024-02-15 is day 45 of the 366 of FY24: 12% of the year gone
    assert lines[0] == "FY24: 1 annual objective, 12% of the year gone"
    rock = lines[2]
    assert rock.startswith("#1 Win the mid-market  ███░░░░░░░  38%  ✓ on track  Active  @alice")
    assert lines[3].startswith("    FY24-Q1 #2 Land mid-market logos  █████░░░░░  50%")
    assert lines[4].startswith("    FY24-Q2 #4 Grow mid-market revenue  ██░░░░░░░░  25%")
    assert lines[6].startswith("FY24-Q1: 2 objectives")
    logos = next(line for line in lines if line.startswith("#2 "))
    assert logos.endswith("(under FY24 #1)")
    assert not any(line.startswith("#4 ") for line in lines)  # Q2's is not the quarter's


def test_status_json_adds_the_year_and_validates(world: Emulator) -> None:
    doc = status(workspace(world)).document
    jsonschema.validate(doc, report_schema())
    assert [o["iid"] for o in doc["objectives"]] == [2, 6]  # the quarter's, as before
    annual = doc["annual"]
    assert (annual["year"], annual["elapsed"]) == ("FY24", 45 / 366)
    (rock,) = annual["objectives"]
    assert (rock["iid"], rock["year"], rock["progress"], rock["health"]) == (
        1,
        "FY24",
        0.375,
        "on track",
    )
    assert [(q["quarter"], q["iid"], q["progress"]) for q in rock["quarters"]] == [
        ("FY24-Q1", 2, 0.5),
        ("FY24-Q2", 4, 0.25),
    ]
    assert doc["problems"] == []


def test_status_of_a_quarter_without_annual_objectives_has_no_annual_key(emu: Emulator) -> None:
    add_objective(emu, "Keep support fast", key="support")
    doc = status(workspace(emu)).document
    assert "annual" not in doc
    assert format_status(status(workspace(emu)))[0].startswith("FY24-Q1: 1 objective")


# -- rollup -----------------------------------------------------------------------------------


def test_rollup_writes_the_annual_objectives_section_and_a_second_writes_nothing(
    world: Emulator,
) -> None:
    first_q2 = description(world, 4)
    first = rollup(workspace(world), quarter=QUARTER)
    assert 1 in first.changed  # the annual objective, with the quarter's #2 and #6
    text = description(world, 1)
    assert "38%" in text and "#2" in text and "#4" in text  # both quarters' objectives
    # paced by the year (12% gone): on track; by the quarter (49%) 0.375 < 0.8 * 0.49
    assert NAMES.on_track in world.issue_labels(PROJECT, 1)
    assert description(world, 4) == first_q2  # Q2's own objective is Q2's rollup's
    world.reset_log()
    second = rollup(workspace(world), quarter=QUARTER)
    assert second.changed == [] and not world.writes()
    assert second.document["annual"] == first.document["annual"]


# -- new --------------------------------------------------------------------------------------


def new_annual(emu: Emulator, title: str = "Win the mid-market", **kw: Any) -> NewResult:
    """``okrflow new objective --annual`` (``annual=False``: a quarterly one)."""
    args: dict[str, Any] = {
        "title": title,
        "quarter": None,
        "team": "CSM",
        "owner": "alice",
        "purpose": "The year's big rock.",
        "annual": True,
    }
    args.update(kw)
    return new_objective(workspace(emu), **args)


def test_new_annual_objective_of_the_current_year_then_a_quarterly_one_under_it(
    emu: Emulator,
) -> None:
    rock = new_annual(emu)
    assert rock.quarter == YEAR and YEAR in world_labels(emu, rock.iid)
    assert not any(NAMES.quarter_of(label) for label in world_labels(emu, rock.iid))
    assert "\nFY24\n" in description(emu, rock.iid)  # its Quarter section names the year
    q2 = new_annual(
        emu, "Grow mid-market revenue", quarter=Q2, annual=False, parents=[f"#{rock.iid}"]
    )
    assert q2.parents == [rock.iid]
    snap = workspace(emu).repo.load(Q2)
    assert snap.year is not None and [o.iid for o in snap.year.annual] == [rock.iid]
    assert evaluate_snapshot(workspace(emu), snap).problems == []
    again = new_annual(emu)  # found by its key in the year: nothing created
    assert (again.created, again.iid) == (False, rock.iid)


def test_new_annual_objective_for_the_year_named(emu: Emulator) -> None:
    assert new_annual(emu, quarter="FY2025").quarter == "FY25"
    assert new_annual(emu, "Another rock", quarter="FY26-Q3").quarter == "FY26"


@pytest.mark.parametrize(
    ("make", "words"),
    [
        pytest.param(
            lambda emu, quarterly, rock27: new_annual(emu, "Rock", parents=[f"#{quarterly}"]),
            "the annual objective 'Rock' (FY24) cannot align under the quarterly objective #1",
            id="annual-under-quarterly",
        ),
        pytest.param(
            lambda emu, quarterly, rock27: new_annual(
                emu, "Later", quarter=QUARTER, annual=False, parents=[f"#{rock27}"]
            ),
            "is aligned under the annual objective",
            id="quarterly-under-another-years-annual",
        ),
        pytest.param(
            lambda emu, quarterly, rock27: new_kr(
                workspace(emu), objective=f"#{rock27}", title="Land 5 logos"
            ),
            "key results belong to quarters",
            id="kr-under-annual",
        ),
    ],
)
def test_bad_annual_input_is_one_clear_problem_and_writes_nothing(
    emu: Emulator, make: Any, words: str
) -> None:
    quarterly = add_objective(emu, "Land logos", key="logos")
    rock27 = add_annual(emu, "Win FY27", key="rock-27", year="FY27")
    emu.reset_log()
    with pytest.raises(UsageError) as info:
        make(emu, quarterly, rock27)
    assert words in str(info.value) and "\n" not in str(info.value)
    assert not emu.writes()


def test_new_objective_without_quarter_or_annual_is_a_usage_error(emu: Emulator) -> None:
    with pytest.raises(UsageError, match="--quarter is needed"):
        new_annual(emu, annual=False)


# -- report -----------------------------------------------------------------------------------


def test_the_report_shows_the_annual_objective_above_the_teams(world: Emulator) -> None:
    doc, _ = build_quarter_report(workspace(world), quarter=QUARTER, kind="progress")
    assert doc["annual"]["objectives"][0]["progress"] == 0.375
    markdown = render(doc, "md")
    rock = markdown.index("## Annual objectives: FY24")
    assert rock < markdown.index("## CSM")  # above the quarter's teams
    assert "| FY24-Q2 | #4 Grow mid-market revenue | 25% |" in markdown
    assert "progress **38%**" in markdown[rock:]
    html = render(doc, "html")
    assert html.index("Annual objectives: FY24") < html.index('<section class="team">')


# -- carry and the schedule ---------------------------------------------------------------


@pytest.mark.parametrize("to", [Q2, "FY25-Q1"])  # within the year, and out of its last quarter
def test_carry_never_carries_an_annual_objective(world: Emulator, to: str) -> None:
    world.reset_log()
    with pytest.raises(UsageError) as info:
        carry(workspace(world), "#1", to=to)
    assert str(info.value) == (
        "#1: an annual objective of FY24 spans the year's four quarters and is not carried "
        "into a quarter: carry the quarterly objectives under it, or open next year's with "
        "okrflow new objective --annual"
    )
    assert not world.writes()


def test_a_marked_annual_objective_is_left_alone_on_day_0(world: Emulator) -> None:
    path = f"/projects/{urllib.parse.quote(PROJECT, safe='')}/issues/1"
    answer = world.request(
        "PUT", path, token=world.default_token, json_body={"add_labels": NAMES.carry}
    )
    assert answer.status == 200 and NAMES.carry in world_labels(world, 1)
    world.reset_log()
    assert carry_marked(workspace(world), quarter=QUARTER, to=Q2) == []
    assert not world.writes()


def test_no_check_in_reminder_for_an_annual_objective(world: Emulator) -> None:
    # a key result filed straight under #1 with a quarter label: #1's child (a problem),
    # never a quarterly check-in to nag about
    stray = add_kr(world, "Land 3 logos", (ROCK, 1), state="active")
    ws = workspace(world, now=NOW + dt.timedelta(days=30))  # every check-in is stale by then
    snap = ws.repo.load(QUARTER)
    stale = stale_key_results(ws, Quarter(2024, 1), ws.today(), snap)
    assert [item.iid for item, _, _ in stale] == [3, 7]  # the quarter's, not #1's stray
    assert snap.year is not None and [kr.iid for kr in snap.year.annual[0].key_results] == [stray]
    problems = [p.message for p in evaluate_snapshot(ws, snap).problems]
    assert any(
        f"key result #{stray} is directly under the annual objective #1" in m for m in problems
    )


# -- apply and plan ---------------------------------------------------------------------------

ANNUAL_FILE = """\
quarter: FY24-Q1
objectives:
  - key: rock
    period: year
    title: Win the mid-market
    team: CSM
    owner: alice
    purpose: The year's big rock.
  - key: logos
    parent: rock
    title: Land mid-market logos
    team: CSM
    owner: alice
    purpose: Logos first.
    key_results:
      - key: ten
        title: Land 10 mid-market logos
"""


def okr_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "okrs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_apply_opens_an_annual_objective_then_plan_finds_nothing_to_do(
    emu: Emulator, tmp_path: Path
) -> None:
    path = okr_file(tmp_path, ANNUAL_FILE)
    result = apply(workspace(emu), path)
    assert result.summary() == "apply: 3 created, 0 updated, 0 unchanged, 0 not in file"
    rock = next(i for i in emu.issues(PROJECT) if i.title == "Win the mid-market")
    assert YEAR in world_labels(emu, rock.iid)
    assert not any(NAMES.quarter_of(label) for label in world_labels(emu, rock.iid))
    snap = workspace(emu).repo.load(QUARTER)
    assert snap.year is not None and [o.key for o in snap.year.annual] == ["rock"]
    assert snap.objectives[0].parents == ["rock"]
    emu.reset_log()
    assert plan(workspace(emu), path).differences == 0
    again = apply(workspace(emu), path)
    assert again.summary() == "apply: 0 created, 0 updated, 3 unchanged, 0 not in file"
    assert not emu.writes()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param(
            ANNUAL_FILE + "  - key: rock2\n    period: year\n    parent: logos\n"
            "    title: Another rock\n",
            "objectives[2].parent: the annual objective rock2 (FY24) cannot align under the "
            "quarterly objective logos (FY24-Q1)",
            id="annual-under-quarterly",
        ),
        pytest.param(
            ANNUAL_FILE.replace(
                "    purpose: The year's big rock.\n",
                "    purpose: The year's big rock.\n    key_results:\n"
                "      - key: stray\n        title: Land 5 logos\n",
            ),
            "objectives[0].key_results: 'rock' is an annual objective (period: year) and key "
            "results belong to quarters",
            id="kr-under-annual",
        ),
    ],
)
def test_a_bad_annual_okr_file_is_one_clear_problem_and_writes_nothing(
    emu: Emulator, tmp_path: Path, text: str, words: str
) -> None:
    emu.reset_log()
    with pytest.raises(ConfigError) as info:
        apply(workspace(emu), okr_file(tmp_path, text))
    assert words in str(info.value) and "\n" not in str(info.value)
    assert not emu.writes()


def test_apply_refuses_a_parent_annual_objective_of_another_year(
    emu: Emulator, tmp_path: Path
) -> None:
    add_annual(emu, "Win FY27", key="rock-27", year="FY27")
    text = ANNUAL_FILE.replace("    parent: rock\n", "    parent: rock-27\n")
    emu.reset_log()
    with pytest.raises(ConfigError) as info:
        apply(workspace(emu), okr_file(tmp_path, text))
    assert "logos (FY24-Q1) is aligned under the annual objective #1 of another fiscal year" in (
        str(info.value)
    )
    assert not emu.writes()


# -- a group scope ----------------------------------------------------------------------------


def moved(emu: Emulator, project: str, iid: int, to: str) -> None:
    """Issue ``iid`` of ``project`` relabelled (and its Quarter section rewritten) from
    the group world's quarter to ``to``: a year's label or another quarter's."""
    text = (emu.issue(project, iid).description or "").replace(f"\n{QUARTER}\n", f"\n{to}\n")
    body = {"description": text, "add_labels": to, "remove_labels": QUARTER}
    path = f"/projects/{urllib.parse.quote(project, safe='')}/issues/{iid}"
    assert emu.request("PUT", path, token=emu.default_token, json_body=body).status == 200


def test_a_group_scope_reads_the_year_with_group_listings(emulator: Emulator) -> None:
    build_group(emulator)
    seed_okrs(emulator)
    rock = group_objective(emulator, COMPANY, "Win the mid-market", key="rock")
    moved(emulator, COMPANY, rock, YEAR)
    under = [("rock", f"{COMPANY}#{rock}")]
    mid = group_objective(emulator, SALES, "Win mid-market deals", key="mid", parents=under)
    group_kr(
        emulator,
        SALES,
        "Close 10 mid-market deals",
        f"#{mid}",
        key="deals",
        objective_key="mid",
        value=5,
    )
    later = group_objective(emulator, SUPPORT, "Onboard mid-market", key="onboard", parents=under)
    moved(emulator, SUPPORT, later, Q2)
    repo = OkrRepository(
        ConnectionSettings(url=emulator.base_url, token=emulator.default_token, group=GROUP)
    )
    repo.calendar = FiscalCalendar()
    emulator.reset_log()
    snap = repo.load(QUARTER)
    listings = [r for r in emulator.log if r.route and r.route.endswith("/issues")]
    assert {r.route for r in listings} == {"/groups/:id/issues"}  # the group's, like the rest
    assert listed_labels(emulator)[2:] == [f"{NAMES.objective},{YEAR}", Q2, "FY24-Q3", "FY24-Q4"]
    assert snap.year is not None
    assert [str(o.issue_id) for o in snap.year.annual] == [f"{COMPANY}#{rock}"]
    assert [str(o.issue_id) for o in snap.year.others] == [f"{SUPPORT}#{later}"]
    mine = next(o for o in snap.objectives if o.key == "mid")
    assert mine.parents == ["rock"]


def test_the_cli_opens_an_annual_objective(
    emu: Emulator, run: Callable[..., tuple[int, str, str]]
) -> None:
    args = ["new", "objective", "--title", "Win the mid-market", "--team", "CSM"]
    args += ["--owner", "alice", "--purpose", "The year's big rock."]
    code, out, err = run(*args, "--annual", "--quarter", "FY25")
    assert (code, err) == (0, "") and "#1" in out
    assert "FY25" in world_labels(emu, 1)
    code, _, err = run(*args)  # neither a quarter nor --annual
    assert code == 2 and "--quarter is needed" in err

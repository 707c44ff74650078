"""Which quarter a command acts on, and what it does when that quarter is empty.

A command says which quarter it chose for the user, and why; a reading command on an
empty quarter names the quarters in use (one labels request); writing commands refuse
an empty quarter (exit 2) unless told; the schedule's first run in a quarter under way
skips its past steps and records them; init colours every quarter label in use.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from okr_seed import PROJECT, sample_objectives, seed, workspace, writes

from okrflow.commands.export import export
from okrflow.commands.init import init
from okrflow.commands.report import report
from okrflow.commands.reporter import Recorder
from okrflow.commands.schedule import schedule
from okrflow.commands.status import status
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.errors import UsageError
from okrflow.sandbox import Emulator

UTC = dt.timezone.utc
MID_Q1 = dt.datetime(2024, 2, 15, 12, tzinfo=UTC)  # FY24-Q1, 49% gone


def _ws(emu: Emulator, now: dt.datetime = MID_Q1, **kw: object):  # type: ignore[no-untyped-def]
    emu.set_now(now)
    ws = workspace(emu.base_url, emu.default_token or "", now=now, **kw)  # type: ignore[arg-type]
    ws.out = Recorder()
    return ws


def test_a_quarter_chosen_for_the_user_is_said_once_with_why(emulator: Emulator) -> None:
    ws = _ws(emulator)
    assert ws.quarter_label(None) == "FY24-Q1"
    assert ws.quarter_label(None) == "FY24-Q1"
    assert ws.quarter_label("next") == "FY24-Q2"
    assert ws.quarter_label("Previous") == "FY23-Q4"
    assert ws.quarter_label("FY25-Q3") == "FY25-Q3"  # named: nothing to explain
    assert ws.out.lines == [
        "FY24-Q1: the current quarter (today is 2024-02-15; --quarter names another)",
        "FY24-Q2: the next quarter, from --quarter next (today is 2024-02-15)",
        "FY23-Q4: the previous quarter, from --quarter previous (today is 2024-02-15)",
    ]


def test_the_quarter_asked_for_comes_from_the_option_then_the_environment_then_the_config(
    tmp_path: Path,
) -> None:
    config = tmp_path / "okrflow.yml"
    config.write_text("quarter: FY23-Q3\n", encoding="utf-8")

    def opened(environ: dict[str, str]) -> Workspace:
        return Workspace.open(
            config_path=config, environ=environ, connect=False, now=lambda: MID_Q1
        )

    from_file = opened({})
    assert from_file.quarter_label(None) == "FY23-Q3"
    assert from_file.quarter_label("FY25-Q3") == "FY25-Q3"  # --quarter wins, unexplained
    from_env = opened({"OKRFLOW_QUARTER": "next"})
    assert from_env.quarter_label(None) == "FY24-Q2"
    named_env = opened({"OKRFLOW_QUARTER": "fy24 q3"})
    assert named_env.quarter_label(None) == "FY24-Q3"
    assert [from_file.out.lines, from_env.out.lines, named_env.out.lines] == [
        ["FY23-Q3: from the config (--quarter names another)"],
        ["FY24-Q2: the next quarter, from OKRFLOW_QUARTER=next (today is 2024-02-15)"],
        ["FY24-Q3: from OKRFLOW_QUARTER (--quarter names another)"],
    ]
    config.write_text("quarter: previous\n", encoding="utf-8")
    word = opened({})
    assert word.quarter_label(None) == "FY23-Q4"
    assert word.out.lines == [
        "FY23-Q4: the previous quarter, from quarter: previous in the config (today is 2024-02-15)"
    ]
    with pytest.raises(UsageError) as bad:
        opened({"OKRFLOW_QUARTER": "FY24-Q9"}).quarter_label(None)
    assert (bad.value.exit_code, bad.value.message) == (
        2,
        "OKRFLOW_QUARTER='FY24-Q9': not a quarter: 'FY24-Q9' (quarters are Q1 to Q4); "
        "or one of current, next, previous",
    )


def test_commands_act_on_the_configured_quarter_but_schedule_works_from_the_date(
    emulator: Emulator,
) -> None:
    seed(emulator, sample_objectives(), "FY23-Q3")
    seed(emulator, sample_objectives(prefix="now "), "FY24-Q1")
    configured = Config.model_validate({"quarter": "FY23-Q3"})
    shown = status(_ws(emulator, config=configured))
    assert shown.document["quarter"] == "FY23-Q3"
    assert len(shown.document["objectives"]) == 2

    # a week before FY24-Q2: drafting, review, FY24-Q1's closing ceremony, reminders
    ws = _ws(emulator, dt.datetime(2024, 3, 26, 12, tzinfo=UTC), config=configured)
    ran = schedule(ws)
    assert (ran.current, ran.upcoming) == ("FY24-Q1", "FY24-Q2")
    assert [a.what for a in ran.actions] == [
        "first run in FY24-Q1",
        "drafting FY24-Q2",
        "review FY24-Q2",
        "closing ceremony of FY24-Q1",
        "check-in reminders FY24-Q1, week of 2024-03-25",
    ]
    said = [*ws.out.lines, *map(str, ran.lines())]
    assert not [line for line in said if "FY23-Q3" in line]


def test_a_reading_command_on_an_empty_quarter_names_the_quarters_in_use(
    emulator: Emulator,
) -> None:
    seed(emulator, sample_objectives(), "FY23-Q3")  # 2 objectives, 6 key results
    seed(emulator, sample_objectives()[:1], "FY24-Q2")
    ws = _ws(emulator)
    result = status(ws)
    assert result.document["objectives"] == []
    emulator.reset_log()
    assert ws.empty_quarters() == [
        "FY24-Q1 holds no OKRs; quarters in use: FY24-Q2 (4 issues), FY23-Q3 (8 issues): "
        "name one with --quarter"
    ]
    assert emulator.counts_by_route() == {"GET /projects/:id/labels": 1}

    full = _ws(emulator)
    status(full, quarter="FY23-Q3")
    emulator.reset_log()
    assert full.empty_quarters() == []  # a quarter with OKRs: no hint, no request
    assert emulator.log == []


def test_posting_or_exporting_an_empty_quarter_is_refused_unless_told(
    emulator: Emulator, tmp_path: object
) -> None:
    seed(emulator, sample_objectives(), "FY23-Q3")
    emulator.reset_log()
    ws = _ws(emulator)
    with pytest.raises(UsageError) as refused:
        report(ws, kind="closing", post=True, formats=("md",), output=f"{tmp_path}/r")
    assert refused.value.exit_code == 2
    assert str(refused.value.message) == (
        "FY24-Q1 holds no OKRs: no closing report posted (quarters in use: FY23-Q3 (8 issues)); "
        "name the quarter with --quarter, or give --allow-empty to do it anyway"
    )
    assert writes(emulator) == 0
    with pytest.raises(UsageError, match=r"^FY24-Q1 holds no OKRs: nothing to export"):
        export(_ws(emulator))

    posted = report(
        _ws(emulator),
        kind="closing",
        post=True,
        formats=("md",),
        output=f"{tmp_path}/r",
        allow_empty=True,
    )
    assert posted.post is not None and writes(emulator) > 0


def test_the_first_schedule_in_a_quarter_under_way_skips_its_past_steps_once(
    emulator: Emulator,
) -> None:
    seed(emulator, sample_objectives(), "FY24-Q1")
    first = schedule(_ws(emulator))
    assert [a.what for a in first.actions if not a.what.startswith("check-in")] == [
        "first run in FY24-Q1"
    ]
    (line,) = first.actions[0].lines
    assert line.startswith(
        "FY24-Q1 is under way (49% gone): skipped the closing ceremony (2023-12-25), "
        "day 0 (2024-01-01), recorded in #"
    )
    (planning,) = [i for i in emulator.issues(PROJECT) if i.title == "OKR planning: FY24-Q1"]
    assert "okrflow's schedule first ran on 2024-02-15" in planning.description
    assert "| Closing ceremony | 2023-12-25 | skipped |" in planning.description
    assert "- [ ]" not in planning.description  # no checklist with dates gone by

    emulator.reset_log()
    again = schedule(_ws(emulator))
    assert not [a for a in again.actions if not a.what.startswith("check-in")]

    caught = schedule(_ws(emulator), catch_up=True)
    assert [a.what for a in caught.actions if not a.what.startswith("check-in")] == [
        "closing ceremony of FY23-Q4",
        "activate FY24-Q1",
    ]
    after = schedule(_ws(emulator), catch_up=True)
    assert not [a for a in after.actions if not a.what.startswith("check-in")]


def test_a_schedule_with_no_okrs_now_or_next_is_refused_until_drafting(
    emulator: Emulator,
) -> None:
    seed(emulator, sample_objectives(), "FY23-Q3")
    emulator.reset_log()
    with pytest.raises(UsageError) as refused:
        schedule(_ws(emulator))
    # the labels, with GitLab's counts, read once: for the refusal and for its message
    assert emulator.counts_by_route()["GET /projects/:id/labels"] == 1
    assert refused.value.message == (
        "FY24-Q1 and FY24-Q2 hold no OKRs: nothing to schedule; FY24-Q2's drafting opens on "
        "2024-03-04 (quarters in use: FY23-Q3 (8 issues)); give --allow-empty to run it anyway"
    )
    assert writes(emulator) == 0
    told = schedule(_ws(emulator), allow_empty=True)
    assert [a.what for a in told.actions] == ["first run in FY24-Q1"]
    drafting = dt.datetime(2024, 3, 4, 12, tzinfo=UTC)  # drafting opens an empty quarter
    opened = schedule(_ws(emulator, drafting))
    assert [a.what for a in opened.actions] == ["drafting FY24-Q2"]


def test_init_colours_every_quarter_label_in_use(emulator: Emulator) -> None:
    seed(emulator, sample_objectives()[:1], "FY25-Q3")  # GitLab made the label, grey
    ws = _ws(emulator)
    result = init(ws)
    assert ("updated", "label", "FY25-Q3") in [(c.action, c.kind, c.name) for c in result.changes]
    (label,) = [lab for lab in emulator.labels(PROJECT) if lab.name == "FY25-Q3"]
    assert label.color.lower() == ws.config.labels.quarter.color.lower()

"""okrflow schedule over every day of a quarter: each step once, on its date; grouped reminders."""

from __future__ import annotations

import collections
import datetime as dt
import re
import urllib.parse
from typing import Any

import pytest
from click.testing import CliRunner
from okr_seed import (
    KR,
    PROJECT,
    Obj,
    record_checkin,
    sample_objectives,
    seed,
    workspace,
    writes,
)

from okrflow.cli.main import cli
from okrflow.commands.schedule import ScheduleResult, due_steps, schedule
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.core.labels import DEFAULT_LABEL_NAMES
from okrflow.core.model import State
from okrflow.errors import UsageError
from okrflow.sandbox import Emulator

UTC = dt.timezone.utc
Q2_START = dt.date(2024, 4, 1)  # FY24-Q2 with the default calendar
FIRST = Q2_START - dt.timedelta(weeks=5)
LAST = dt.date(2024, 6, 30)
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][\w.\-]*)")


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=UTC)


def days(first: dt.date = FIRST, last: dt.date = LAST) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def q2_objectives() -> list[Obj]:
    ready = sample_objectives(State.REVIEW, prefix="q2-")[0]  # 3 KRs, lint-clean
    ready.krs = [dataclass_copy(kr, checkins=()) for kr in ready.krs]
    draft = Obj(
        "q2-draft",
        "Delight enterprise admins",
        "Sales",
        "carol",
        [KR(f"q2-d{n}", f"Ship {n + 3} admin features", "carol") for n in range(3)],
        state=State.DRAFT,
    )
    short = Obj(  # under review but with 2 key results: the move checks refuse it
        "q2-short",
        "Speak out on topics developers care about",
        "Company",
        "alice",
        [KR("q2-s1", "Publish 4 deep dives", "alice"), KR("q2-s2", "Land 2 talks", "bob")],
        state=State.REVIEW,
    )
    return [ready, draft, short]


def dataclass_copy(kr: KR, **changes: Any) -> KR:
    return KR(**{**kr.__dict__, **changes})


@pytest.fixture
def world(emulator: Emulator) -> dict[str, Any]:
    emulator.add_user("carol")
    q1 = seed(emulator, sample_objectives(), "FY24-Q1")
    adoption = emulator.issue(PROJECT, q1[0].iid)
    adoption.label_ids.append(emulator.add_label(PROJECT, DEFAULT_LABEL_NAMES.carry).id)
    q2 = seed(emulator, q2_objectives(), "FY24-Q2")
    return {"emu": emulator, "q1": q1, "q2": q2}


def run(emu: Emulator, day: dt.date, **kw: Any) -> ScheduleResult:
    emu.set_now(noon(day))
    ws = workspace(emu.base_url, emu.default_token or "", now=noon(day), **kw)
    return schedule(ws)


def reports(emu: Emulator) -> dict[str, Any]:
    """okrflow's own issues (planning, reminders, reports) by title."""
    return {
        i.title: i for i in emu.issues(PROJECT) if "okr::report" in emu.issue_labels(PROJECT, i.iid)
    }


def labels(emu: Emulator, iid: int) -> list[str]:
    return emu.issue_labels(PROJECT, iid)


def test_every_step_happens_once_on_its_date_and_a_second_pass_writes_nothing(
    world: dict[str, Any],
) -> None:
    emu: Emulator = world["emu"]
    ready, draft, short = world["q2"]
    carried_q1, closed_q1 = world["q1"]
    done: dict[str, list[dt.date]] = collections.defaultdict(list)
    for day in days():
        if day == dt.date(2024, 4, 14):  # bob checks in on his key results of FY24-Q2
            for kr in ready.krs:
                if kr.owner == "bob":
                    record_checkin(emu, kr.iid, 11_000, noon(day))
        for action in run(emu, day).actions:
            assert action.due <= day
            done[action.what].append(day)

    steps = {what: when for what, when in done.items() if not what.startswith("check-in")}
    assert steps == {
        # the first run, with FY24-Q1 under way, skips its past steps (and records them)
        "first run in FY24-Q1": [FIRST],
        "drafting FY24-Q2": [dt.date(2024, 3, 4)],
        "review FY24-Q2": [dt.date(2024, 3, 18)],
        "closing ceremony of FY24-Q1": [dt.date(2024, 3, 25)],
        "activate FY24-Q2": [Q2_START],
        "drafting FY24-Q3": [dt.date(2024, 6, 3)],
        "review FY24-Q3": [dt.date(2024, 6, 17)],
        "closing ceremony of FY24-Q2": [dt.date(2024, 6, 24)],
    }
    issues = reports(emu)
    assert sorted(issues) == [
        "OKR check-in reminders: FY24-Q1",
        "OKR check-in reminders: FY24-Q2",
        "OKR closing ceremony: FY24-Q1",
        "OKR closing ceremony: FY24-Q2",
        "OKR planning: FY24-Q1",
        "OKR planning: FY24-Q2",
        "OKR planning: FY24-Q3",
    ]
    assert issues["OKR closing ceremony: FY24-Q1"].created_at.startswith("2024-03-25")
    assert issues["OKR closing ceremony: FY24-Q2"].created_at.startswith("2024-06-24")
    planning = issues["OKR planning: FY24-Q2"].description
    assert planning.count("### Company") == 1 and planning.count("### Sales") == 1
    assert "- [ ] Draft the objectives for FY24-Q2" in planning

    # review: the one draft objective was reminded once, its owner mentioned once
    (reminder,) = [n for n in emu.notes(PROJECT, draft.iid) if "okrflow schedule" in n.body]
    assert MENTION.findall(reminder.body) == ["carol"]
    assert reminder.created_at.startswith("2024-03-18")
    assert not any("okrflow schedule" in n.body for n in emu.notes(PROJECT, ready.iid))

    # day 0: approved and rule-clean became active, the rest stayed; FY24-Q1 closed
    assert "okr-status::active" in labels(emu, ready.iid)
    assert all("okr-status::active" in labels(emu, kr.iid) for kr in ready.krs)
    assert "okr-status::draft" in labels(emu, draft.iid)
    assert "okr-status::review" in labels(emu, short.iid)
    for obj in (carried_q1, closed_q1):
        assert emu.issue(PROJECT, obj.iid).state == "closed"
    carried = [i for i in emu.issues(PROJECT) if i.title == carried_q1.title and i.iid > short.iid]
    assert len(carried) == 1 and "FY24-Q2" in labels(emu, carried[0].iid)
    assert "okr-status::draft" in labels(emu, carried[0].iid)

    # weekly reminders: one comment per owner and week, each owner mentioned once
    notes = emu.notes(PROJECT, issues["OKR check-in reminders: FY24-Q2"].iid)
    per_week = collections.Counter()
    for note in notes:
        (week,) = re.findall(r"okrflow:reminder (\S+) ", note.body)
        who = MENTION.findall(note.body)
        assert len(who) == 1
        per_week[(week, who[0])] += 1
        assert note.created_at[:10] >= week
    assert set(per_week.values()) == {1}
    assert ("2024-04-08", "bob") in per_week and ("2024-04-08", "alice") in per_week
    assert ("2024-04-15", "alice") in per_week and ("2024-04-15", "bob") not in per_week
    assert ("2024-04-22", "bob") in per_week  # his check-in grew old again
    assert not any(week < "2024-04-08" for week, _ in per_week)  # nothing stale in week 1

    emu.reset_log()
    for day in days():
        assert run(emu, day).actions == [], day
    assert writes(emu) == 0


def test_a_missed_day_is_caught_up_oldest_first(world: dict[str, Any]) -> None:
    emu: Emulator = world["emu"]
    run(emu, dt.date(2024, 3, 1))  # the first run: FY24-Q1's past steps skipped
    late = run(emu, dt.date(2024, 4, 2))  # the pipeline did not run for a month
    # oldest first; drafting and review for FY24-Q2 are moot once it has started
    assert [a.what for a in late.actions if not a.what.startswith("check-in")] == [
        "closing ceremony of FY24-Q1",
        "activate FY24-Q2",
    ]
    assert [a.due for a in late.actions[:2]] == [dt.date(2024, 3, 25), Q2_START]
    assert "okr-status::active" in labels(emu, world["q2"][0].iid)
    assert "OKR closing ceremony: FY24-Q1" in reports(emu)


def test_reminders_group_per_team_when_configured(emulator: Emulator) -> None:
    config = Config.model_validate({"schedule": {"checkin_reminders": {"group_by": "team"}}})
    seed(emulator, sample_objectives(), "FY24-Q1")
    result = run(emulator, dt.date(2024, 3, 26), config=config)
    (action,) = [a for a in result.actions if a.what.startswith("check-in")]
    assert len(action.lines) == 2
    issue = reports(emulator)["OKR check-in reminders: FY24-Q1"]
    bodies = [n.body for n in emulator.notes(PROJECT, issue.iid)]
    assert len(bodies) == 2  # Company and Sales
    for body in bodies:
        mentioned = MENTION.findall(body)
        assert len(mentioned) == len(set(mentioned))  # each owner once
        assert body.startswith("Team ")
    assert sorted(b.split(":")[0] for b in bodies) == ["Team Company", "Team Sales"]


def test_a_rate_limited_comment_is_waited_out(emulator: Emulator) -> None:
    seed(emulator, sample_objectives(), "FY24-Q1")
    emulator.faults.rate_limit(1, method="POST", path=r"/notes$", times=1)
    result = run(emulator, dt.date(2024, 3, 26))
    assert any(a.what.startswith("check-in") for a in result.actions)
    issue = reports(emulator)["OKR check-in reminders: FY24-Q1"]
    assert len(emulator.notes(PROJECT, issue.iid)) == 2  # bob and alice, once each
    assert any(r.status == 429 for r in emulator.log)


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(world: dict[str, Any]) -> None:
    emu: Emulator = world["emu"]
    result = run(emu, dt.date(2024, 3, 25), dry_run=True)
    assert writes(emu) == 0
    text = "\n".join(result.lines())
    assert (
        "would open the planning issue (a new issue titled 'OKR planning: FY24-Q2') "
        "with a checklist per team" in text
    )
    assert "would remind 1 draft objective: #" in text
    assert "would create the report issue: a new issue titled " in text
    assert "a new issue a new issue" not in text and "#-" not in text


def test_cli_runs_the_schedule_for_a_date(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(emulator, sample_objectives(), "FY24-Q1")
    monkeypatch.setenv("GITLAB_URL", emulator.base_url)
    monkeypatch.setenv("GITLAB_TOKEN", emulator.default_token or "")
    monkeypatch.setenv("OKRFLOW_PROJECT", PROJECT)
    out = CliRunner().invoke(cli, ["schedule", "--date", "2024-03-04"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "schedule for 2024-03-04 (FY24-Q1; next: FY24-Q2)"
    assert "drafting FY24-Q2 (due 2024-03-04):" in lines
    again = CliRunner().invoke(cli, ["schedule", "--date", "2024-03-04"])
    assert again.output.splitlines()[1:] == ["nothing due"]


def test_due_steps_follow_the_configured_schedule(emulator: Emulator) -> None:
    config = Config.model_validate({"schedule": {"review": {"enabled": False}}})
    ws: Workspace = workspace(emulator.base_url, "t", now=noon(Q2_START), config=config)
    due = due_steps(ws, dt.date(2024, 3, 20))
    assert [(s.name, ws.calendar.label(s.quarter), s.date.isoformat()) for s in due] == [
        ("closing", "FY24-Q1", "2023-12-25"),
        ("activate", "FY24-Q1", "2024-01-01"),
        ("drafting", "FY24-Q2", "2024-03-04"),
    ]


def test_a_refused_schedule_takes_no_lease(emulator: Emulator) -> None:
    seed(emulator, sample_objectives(), "FY23-Q3")  # not the quarters the schedule acts on
    emulator.reset_log()
    with pytest.raises(UsageError, match=r"^FY24-Q1 and FY24-Q2 hold no OKRs"):
        run(emulator, dt.date(2024, 2, 15))
    assert [r for r in emulator.log if "okrflow=lease" in r.query] == []
    assert set(emulator.counts_by_route()) == {"GET /projects/:id/labels"}  # quarters in use


def test_the_reminders_reuse_the_schedules_load_of_the_quarter(emulator: Emulator) -> None:
    seed(emulator, sample_objectives(), "FY24-Q1")
    emulator.reset_log()
    result = run(emulator, dt.date(2024, 3, 26))  # a check-in week, key results stale
    assert result.actions[-1].what == "check-in reminders FY24-Q1, week of 2024-03-25"
    assert "reminded bob on #" in result.actions[-1].lines[0]
    listings = collections.Counter(
        urllib.parse.unquote("&" + r.query).partition("&labels=")[2] or "no quarter"
        for r in emulator.log
        if r.method == "GET" and r.route == "/projects/:id/issues"
    )
    # FY24-Q1 loaded by the schedule's head (adoption, board moves, then the reminders),
    # by FY24-Q2's drafting (its teams) and by the closing ceremony's report: not again
    assert listings["FY24-Q1&page=1"] == 3
    assert listings["okr::kpi&state=opened"] == 4  # each load brings the open KPIs
    assert listings["no quarter"] == 1  # adoption: the open issues with no quarter label

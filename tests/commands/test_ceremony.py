"""A quarter's closing ceremony played through ``okrflow schedule``, day by day.

FY24-Q1 is active; the schedule plans FY24-Q2 (starting 2024-04-01): drafting 4 weeks
out, review 2 weeks out, the closing ceremony 1 week out (2024-03-25), day 0. People
answer the retrospectives in between, in the issue's sections and in comments, and
someone who is not a member of the project comments too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from urllib.parse import unquote

import pytest
from okr_seed import PROJECT, sample_objectives, seed, workspace, writes

from okrflow.commands.report import report
from okrflow.commands.schedule import schedule
from okrflow.core.archive import read_document, read_history
from okrflow.sandbox import Emulator

UTC = dt.timezone.utc
CEREMONY, DAY0 = dt.date(2024, 3, 25), dt.date(2024, 4, 1)
FIRST, LAST = dt.date(2024, 2, 26), dt.date(2024, 4, 8)
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][\w.\-]*)")


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=UTC)


def days() -> list[dt.date]:
    return [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]


def run(emu: Emulator, day: dt.date) -> Any:
    emu.set_now(noon(day))
    return schedule(workspace(emu.base_url, emu.default_token or "", now=noon(day)))


def titled(emu: Emulator, prefix: str) -> list[Any]:
    return [i for i in emu.issues(PROJECT) if i.title.startswith(prefix)]


def answer_the_retrospectives(emu: Emulator) -> None:
    """On 2024-03-27: alice types in the Company retrospective's sections, bob and an
    outsider comment on the Sales one."""
    company, sales = sorted(titled(emu, "OKR retrospective: FY24-Q1"), key=lambda i: i.title)
    assert (company.title, sales.title) == (
        "OKR retrospective: FY24-Q1 Company",
        "OKR retrospective: FY24-Q1 Sales",
    )
    text = company.description or ""
    for heading, typed in (
        ("## Good", "- The weekly check-ins kept us honest\n"),
        ("## Try", "- Three key results per objective, not five\n"),
    ):
        end = text.index("-->", text.index(heading)) + 3
        text = text[:end] + "\n" + typed + text[end:]
    company.description = text
    when = noon(dt.date(2024, 3, 27))
    emu.add_note(
        PROJECT,
        sales.iid,
        "Bad: the pipeline reviews came too late\nTry:\n- review the pipeline every Monday",
        author="bob",
        created_at=when,
    )
    emu.add_note(PROJECT, sales.iid, "Good: buy my course", author="outsider", created_at=when)


@pytest.fixture
def played(emulator: Emulator) -> dict[str, Any]:
    seed(emulator, sample_objectives(), "FY24-Q1")
    results: dict[dt.date, Any] = {}
    for day in days():
        results[day] = run(emulator, day)
        if day == CEREMONY:
            drafts = titled(emulator, "OKR closing ceremony: FY24-Q1")
            assert len(drafts) == 1
            results["draft"] = drafts[0].description
            results["draft_iid"] = drafts[0].iid
        if day == dt.date(2024, 3, 27):
            answer_the_retrospectives(emulator)
    return {"emu": emulator, "results": results}


def test_the_closing_report_is_a_draft_one_week_out_and_updated_in_place_on_day_0(
    played: dict[str, Any],
) -> None:
    emu: Emulator = played["emu"]
    results = played["results"]
    draft = results["draft"]
    assert "Draft for the closing ceremony." in draft
    assert "outcomes are recorded on day 0, 2024-04-01" in draft
    assert "**FY24-Q1 runs 2024-01-01 – 2024-03-31**" in draft
    assert "Outcomes:** recorded on day 0" in draft
    (final,) = titled(emu, "OKR closing ceremony: FY24-Q1")  # one report issue, the same one
    assert final.iid == results["draft_iid"]
    text = final.description or ""
    assert "Draft for the closing ceremony" not in text
    assert "outcome: **Achieved**" in text or "outcome: **Missed**" in text
    assert "- **Outcomes:** Achieved" in text
    # the retrospectives' answers, from members only
    assert "The weekly check-ins kept us honest" in text
    bob = emu.user("bob").name  # people are named by their GitLab display name
    assert f"the pipeline reviews came too late — {bob}" in text
    assert "buy my course" not in text
    assert "@\u2060outsider is not a member of the project" in text  # named, pinging no one
    # one comment says it was updated, on day 0
    notes = [n for n in emu.notes(PROJECT, final.iid) if "updated in place" in n.body]
    assert len(notes) == 1 and notes[0].created_at.startswith("2024-04-01")
    # the report keeps its document: the final one, with its history
    kept = read_document(text)
    assert kept is not None and kept["stage"] == "final"
    assert [q["quarter"] for q in kept["history"]["quarters"]] == ["FY24-Q1"]


def test_retrospectives_open_once_per_team_for_the_teams_owners(played: dict[str, Any]) -> None:
    emu: Emulator = played["emu"]
    retros = titled(emu, "OKR retrospective: FY24-Q1")
    assert sorted(r.title for r in retros) == [
        "OKR retrospective: FY24-Q1 Company",
        "OKR retrospective: FY24-Q1 Sales",
    ]
    for retro in retros:
        labels = emu.issue_labels(PROJECT, retro.iid)
        assert "okr::retrospective" in labels and "FY24-Q1" in labels
        assert retro.created_at.startswith("2024-03-25")
        owner = "alice" if retro.title.endswith("Company") else "bob"
        assignees = [emu.state.users[i].username for i in retro.assignee_ids]
        assert assignees == [owner]
        assert MENTION.findall(retro.description or "") == [owner]
        assert "## Good: what went well" in (retro.description or "")
        assert "/label" not in (retro.description or "")
    lines = "\n".join(
        line for action in played["results"][CEREMONY].actions for line in action.lines
    )
    assert "opened the retrospective of Company #" in lines


def test_try_items_and_the_history_land_in_the_next_quarters_planning_issue(
    played: dict[str, Any],
) -> None:
    emu: Emulator = played["emu"]
    (planning,) = titled(emu, "OKR planning: FY24-Q2")
    text = planning.description or ""
    assert "## Try this quarter (from the FY24-Q1 retrospectives)" in text
    assert "- [ ] **Company**: Three key results per objective, not five" in text
    assert "- [ ] **Sales**: review the pipeline every Monday" in text
    history = read_history(text, "FY24-Q2")
    assert history is not None and [e["quarter"] for e in history] == ["FY24-Q1"]
    assert history[0]["stage"] == "final" and history[0]["average_score"] is not None


def test_a_second_pass_over_the_same_days_writes_nothing(played: dict[str, Any]) -> None:
    emu: Emulator = played["emu"]
    emu.reset_log()
    for day in days():
        assert run(emu, day).actions == [], day
    assert writes(emu) == 0


def mid_q2(emu: Emulator) -> Any:
    """A workspace in mid FY24-Q2, the request log emptied."""
    moment = noon(dt.date(2024, 5, 15))
    emu.set_now(moment)
    emu.reset_log()
    return workspace(emu.base_url, emu.default_token or "", now=moment)


def test_the_next_quarters_reports_find_the_history_with_no_extra_request(
    played: dict[str, Any], tmp_path: Any
) -> None:
    emu: Emulator = played["emu"]
    result = report(mid_q2(emu), quarter="FY24-Q2", output=tmp_path, formats=("json",))
    quarters = [q["quarter"] for q in result.document["history"]["quarters"]]
    assert quarters == ["FY24-Q1", "FY24-Q2"]
    listings = [r for r in emu.log if r.route == "/projects/:id/issues"]
    assert [unquote(r.query) for r in listings if "FY24-Q1" in unquote(r.query)] == []
    kpis = [r for r in listings if "labels=okr%3A%3Akpi" in r.query]  # KPIs have no quarter
    assert len(kpis) == 1
    assert len(listings) == 2  # FY24-Q2's own listing and the open KPIs', nothing else


def test_the_dashboard_lists_every_quarter_and_keeps_the_closed_one_as_it_closed(
    played: dict[str, Any], tmp_path: Any
) -> None:
    from okrflow.commands.pages import pages

    emu: Emulator = played["emu"]
    result = pages(mid_q2(emu), output=tmp_path)
    assert result.quarters == ["FY24-Q2", "FY24-Q1"]
    index = (tmp_path / "index.html").read_text()
    assert index.index('href="FY24-Q2/"') < index.index('href="FY24-Q1/"')
    assert "Closed · " in index and "In progress · " in index
    closed = (tmp_path / "FY24-Q1" / "report.json").read_text()
    (report_issue,) = titled(emu, "OKR closing ceremony: FY24-Q1")
    assert closed == json.dumps(
        read_document(report_issue.description), indent=2, ensure_ascii=False
    )
    assert (tmp_path / "FY24-Q1" / "index.html").read_text().count("Draft for the closing") == 0
    assert (
        json.loads((tmp_path / "history.json").read_text())["quarters"][0]["quarter"] == "FY24-Q1"
    )
    assert writes(emu) == 0
    listings = [unquote(r.query) for r in emu.log if r.route == "/projects/:id/issues"]
    # okrflow's own issues, the latest quarter's, and the open KPIs (they have no quarter)
    assert len(listings) == 3 and sum("labels=okr::kpi" in q for q in listings) == 1

"""KPIs end to end in the library: declared in an OKR file, applied, checked in weekly,
rolled up, shown in status, reported with their weekly trend and time out of range, and
reminded like key results. Seed 000's quarter (six standing measures) is the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from okr_world import PROJECT, add_objective, workspace

from okrflow.commands.apply import apply, plan
from okrflow.commands.checkin import checkin
from okrflow.commands.lint import lint
from okrflow.commands.reminders import stale_key_results
from okrflow.commands.report import report
from okrflow.commands.rollup import rollup
from okrflow.commands.status import format_status, status
from okrflow.config.okrfile import load_okr_file
from okrflow.core import description as desc
from okrflow.core.calendar import FiscalCalendar
from okrflow.core.labels import DEFAULT_LABEL_NAMES as NAMES
from okrflow.errors import ConfigError
from okrflow.sandbox import Emulator

SEED_000 = Path(__file__).resolve().parents[2] / "config" / "kpis-FY23-Q1.yml"
UTC = dt.timezone.utc
# With the default calendar (fiscal year = calendar year) FY23-Q1 is January to March 2023.
START = dt.date(2023, 1, 1)
END = dt.date(2023, 3, 31)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def kpi_iids(emu: Emulator) -> dict[str, int]:
    """KPI key -> iid, read from okrflow's metadata in each KPI issue."""
    found = {}
    for issue in emu.issues(PROJECT):
        if NAMES.kpi in emu.issue_labels(PROJECT, issue.iid):
            meta = desc.split(issue.description or "").meta or {}
            found[str(meta["key"])] = issue.iid
    return found


# Weekly values a lead checks in, as typed, one a week from 2023-01-04 (13 weeks).
WEEKLY = {
    "guiding-principles": ["96%", "97%", "95%", "94%"] + ["96%"] * 9,  # week 3 out
    "presales-sla": ["100%", "100%", "97%"] + ["100%"] * 10,  # week 2 out
    "average-response": ["1.5 hours", "95 min", "1.8h", "2h", "2.5 hours", "150 min"]
    + ["1.8 hours"] * 7,  # weeks 4-5 out (2h is at most 2 hours: healthy)
    "average-resolution": ["6.5 days"] * 10 + ["7.5 days", "8 days", "6 days"],  # 10-11 out
    "engineering-help": ["12%"] + ["8%"] * 12,  # week 0 out
    "focus-days": ["85%"] * 13,
}
OUT_WEEKS = {
    "guiding-principles": 1,
    "presales-sla": 1,
    "average-response": 2,
    "average-resolution": 2,
    "engineering-help": 1,
    "focus-days": 0,
}


def test_seed_000_reads_as_six_kpis_with_their_healthy_ranges() -> None:
    loaded = load_okr_file(SEED_000, calendar=FiscalCalendar(first_month=2))
    assert loaded.objectives == () and loaded.quarter == "FY23-Q1"
    ranges = {
        k.key: (k.healthy.low, k.healthy.high, k.healthy.unit) for k in loaded.kpis if k.healthy
    }
    assert ranges == {
        "guiding-principles": (95, None, "%"),
        "presales-sla": (100, None, "%"),  # the share of the time, not the hour
        "average-response": (None, 2, "h"),
        "average-resolution": (None, 7, "d"),  # a time to resolve: at most
        "engineering-help": (None, 10, "%"),
        "focus-days": (80, None, "%"),
    }
    assert {k.owner for k in loaded.kpis} == {"cs-lead"}


def test_a_kpi_title_without_a_range_needs_low_or_high(tmp_path: Path) -> None:
    bad = tmp_path / "k.yml"
    bad.write_text("quarter: FY23-Q1\nkpis:\n  - key: nps\n    title: Launch the NPS survey\n")
    with pytest.raises(
        ConfigError, match=r"k\.yml:4: kpis\[0\]\.title: cannot read a healthy range"
    ):
        load_okr_file(bad)
    bad.write_text("quarter: FY23-Q1\nkpis:\n  - key: nps\n    title: Developer NPS\n    low: 30\n")
    (kpi,) = load_okr_file(bad).kpis
    assert (kpi.healthy.low, kpi.healthy.high) == (30, None) if kpi.healthy else False


def test_apply_creates_the_kpis_once_and_plan_then_finds_nothing(emulator: Emulator) -> None:
    ws = workspace(emulator, now=at(START))
    first = apply(ws, SEED_000)
    assert [c.action for c in first.changes] == ["create"] * 6
    iids = kpi_iids(emulator)
    assert set(iids) == set(WEEKLY)
    labels = emulator.issue_labels(PROJECT, iids["average-response"])
    assert NAMES.kpi in labels and "Support" in labels
    assert not any(label.startswith("okr-status::") for label in labels)  # no lifecycle
    assert not any(label.startswith("FY") for label in labels)  # no quarter
    emulator.reset_log()
    again = plan(workspace(emulator, now=at(START)), SEED_000)
    assert again.differences == 0
    assert set(emulator.counts()) == {"GET"}


def test_an_objective_names_the_kpis_it_protects(emulator: Emulator, tmp_path: Path) -> None:
    okrs = tmp_path / "okrs.yml"
    okrs.write_text(
        SEED_000.read_text()
        + "\nobjectives:\n  - key: calm\n    title: Keep support calm and fast\n"
        "    purpose: Customers trust a team that answers.\n    owner: cs-lead\n"
        "    kpis: [average-response, presales-sla]\n    key_results:\n"
        "      - key: retro\n        title: Run 10 long-running case retros\n"
    )
    ws = workspace(emulator, now=at(START))
    apply(ws, okrs)
    doc = status(workspace(emulator, now=at(START + dt.timedelta(days=3))), quarter="FY23-Q1")
    (objective,) = doc.document["objectives"]
    iids = kpi_iids(emulator)
    assert objective["kpis"] == ["average-response", "presales-sla"]
    assert objective["kpi_iids"] == [iids["average-response"], iids["presales-sla"]]
    line = next(x for x in format_status(doc) if "Keep support calm" in x)
    assert f"protects KPI #{iids['average-response']}, #{iids['presales-sla']}" in line
    response = next(k for k in doc.document["kpis"] if k["key"] == "average-response")
    assert response["protected_by"] == [
        {"iid": objective["iid"], "key": "calm", "title": "Keep support calm and fast"}
    ]


def test_an_objective_naming_an_unknown_kpi_is_refused(emulator: Emulator, tmp_path: Path) -> None:
    okrs = tmp_path / "okrs.yml"
    okrs.write_text(
        "quarter: FY23-Q1\nobjectives:\n  - key: calm\n    title: Keep support calm\n"
        "    kpis: nowhere\n"
    )
    with pytest.raises(ConfigError, match=r"okrs\.yml:5: .*KPI 'nowhere' is neither"):
        plan(workspace(emulator, now=at(START)), okrs)


def _quarter_of_checkins(emu: Emulator) -> dict[str, int]:
    apply(workspace(emu, now=at(START)), SEED_000)
    iids = kpi_iids(emu)
    for week in range(13):
        day = START + dt.timedelta(days=3 + 7 * week)  # Wednesdays, 2023-01-04 on
        emu.set_now(at(day))
        for key, values in WEEKLY.items():
            checkin(workspace(emu, now=at(day)), str(iids[key]), value=values[week])
    return iids


def test_a_quarter_of_weekly_checkins_reports_a_trend_and_time_out_of_range(
    emulator: Emulator, tmp_path: Path
) -> None:
    iids = _quarter_of_checkins(emulator)
    after = at(END + dt.timedelta(days=2))
    rolled = rollup(workspace(emulator, now=after), quarter="FY23-Q1")
    assert rolled.failed == {}
    done = report(workspace(emulator, now=after), quarter="FY23-Q1", output=tmp_path)
    kpis = {k["key"]: k for k in done.document["kpis"]}
    assert set(kpis) == set(WEEKLY)
    # every day from the first check-in (2023-01-04) to the quarter's last day is measured
    measured = (END - dt.date(2023, 1, 4)).days + 1
    for key, out_weeks in OUT_WEEKS.items():
        k = kpis[key]
        assert len(k["weeks"]) == 13 and all(w["value"] is not None for w in k["weeks"])
        assert [w["healthy"] for w in k["weeks"]].count(False) == out_weeks, key
        assert (k["days_out_of_range"], k["days_measured"]) == (7 * out_weeks, measured), key
        assert k["window"] == {"first": "2023-01-01", "last": "2023-03-31"}
    response = kpis["average-response"]
    assert [w["value"] for w in response["weeks"][:6]] == [1.5, 95 / 60, 1.8, 2, 2.5, 2.5]
    assert response["current"] == 1.8 and response["healthy"] is True
    assert done.document["summary"]["kpis"] == {
        "kpis": 6,
        "in_range": 6,
        "out_of_range": 0,
        "no_value": 0,
    }
    md = (tmp_path / "okrflow-report-FY23-Q1.md").read_text()
    page = (tmp_path / "okrflow-report-FY23-Q1.html").read_text()
    for shown in (md, page):
        assert "KPIs" in shown and "healthy at most 2 hours (lower is better)" in shown
        assert f"14 of {measured} days (16%)" in shown  # average response: 14 days out
        assert "1.5 hours → 1.58 hours → 1.8 hours → 2 hours → 2.5 hours" in shown
    assert "Weekly trend, #" in md and "```mermaid" in md
    # GitLab: each KPI issue has its section and health label (in range: on track)
    section = desc.split(emulator.issue(PROJECT, iids["average-response"]).description).section
    assert section is not None and section.startswith(
        "**KPI** healthy at most 2 hours (lower is better) · 🟢 In range"
    )
    assert "| 1.8 hours | 2023-03-29 |" in section
    assert NAMES.on_track in emulator.issue_labels(PROJECT, iids["average-response"])


def test_status_shows_each_kpi_with_its_range_trend_and_time_out_of_range(
    emulator: Emulator,
) -> None:
    iids = _quarter_of_checkins(emulator)
    mid = at(dt.date(2023, 2, 9))  # after week 5's check-in: average response is out
    result = status(workspace(emulator, now=mid), quarter="FY23-Q1")
    lines = format_status(result)
    assert "KPIs (6):" in lines
    response = next(x for x in lines if f"KPI #{iids['average-response']} " in x)
    assert "2.5 hours  healthy at most 2 hours (lower is better)  ✕ out of range" in response
    # 2023-02-01 (2.5 hours) to 2023-02-09: 9 of the 37 days since 2023-01-04
    assert "out of range 9 of 37 days (24%)" in response
    assert "@cs-lead" in response
    doc = {k["key"]: k for k in result.document["kpis"]}
    assert doc["average-response"]["health"] == "at risk"
    assert doc["focus-days"]["health"] == "on track"


def test_checkins_on_a_kpi_read_its_unit_and_refuse_one_that_does_not_fit(
    emulator: Emulator,
) -> None:
    apply(workspace(emulator, now=at(START)), SEED_000)
    iids = kpi_iids(emulator)
    done = checkin(workspace(emulator, now=at(START)), str(iids["average-resolution"]), value="36h")
    assert done.value == 1.5 and done.summary() == f"checked in #{done.iid}: 1.5d"
    assert "Check-in: 1.5d" in done.comment
    from okrflow.errors import UsageError

    with pytest.raises(UsageError, match="is in %, but the key result is measured in d"):
        checkin(workspace(emulator, now=at(START)), str(iids["average-resolution"]), value="12%")


def test_a_kpi_without_a_recent_checkin_is_reminded_like_a_key_result(
    emulator: Emulator,
) -> None:
    apply(workspace(emulator, now=at(START)), SEED_000)
    iids = kpi_iids(emulator)
    emulator.set_now(at(START))
    checkin(workspace(emulator, now=at(START)), str(iids["focus-days"]), value="85%")
    ws = workspace(emulator, now=at(START + dt.timedelta(days=9)))
    quarter = ws.calendar.parse("FY23-Q1")
    stale = stale_key_results(ws, quarter, START + dt.timedelta(days=9))
    reminded = {item.iid for item, _, _ in stale}
    assert reminded == set(iids.values())  # the one checked in on day 0 is 9 days old too
    emulator.set_now(at(START + dt.timedelta(days=8)))
    checkin(ws, str(iids["focus-days"]), value="86%")
    fresh = stale_key_results(ws, quarter, START + dt.timedelta(days=9))
    assert {item.iid for item, _, _ in fresh} == set(iids.values()) - {iids["focus-days"]}
    assert {(owner, team) for _, owner, team in fresh} == {("cs-lead", "Support")}


def test_lint_shows_each_kpi_range_and_applies_no_okr_rule_to_it(emulator: Emulator) -> None:
    apply(workspace(emulator, now=at(START)), SEED_000)
    add_objective(emulator, "Unrelated objective", quarter="FY23-Q1")
    result = lint(workspace(emulator, now=at(START)), quarter="FY23-Q1")
    iids = kpi_iids(emulator)
    lines = [str(x) for x in result.lines()]
    assert (
        f"#{iids['average-resolution']} reads: KPI healthy at most 7 days (lower is better)"
        in lines
    )
    kpi_numbers = set(iids.values())
    assert not any(f.iid in kpi_numbers for f in result.findings)  # no kr-count, no lifecycle

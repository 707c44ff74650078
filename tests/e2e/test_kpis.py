"""Seed 000's quarter through the installed okrflow: six standing measures declared in an OKR
file, checked in every week of FY23-Q1, rolled up and reported with their weekly trend and
the time each spent out of range.

The installed okrflow (a subprocess) does what the claim is about: the quarter's last
check-in, the rollup, the report and status. Setting the quarter up (init, plan, apply,
lint), the check-ins before and status --json are the same commands run in this process
(okrflow's main(), against the same served emulator): what they print is checked all the
same, at a fraction of the cost.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from okrflow.core import description as desc

pytestmark = pytest.mark.e2e

SEED_000 = Path(__file__).resolve().parents[2] / "config" / "kpis-FY23-Q1.yml"
PROJECT = "acme/okrs"
UTC = dt.timezone.utc
# The seed's fiscal year starts on 1 February: FY23-Q1 is 2022-02-01 .. 2022-04-30.
CONFIG = "fiscal_year:\n  first_month: 2\n"
FIRST, LAST = dt.date(2022, 2, 1), dt.date(2022, 4, 30)
CHECKIN_DAYS = [dt.date(2022, 2, 2) + dt.timedelta(weeks=w) for w in range(13)]  # Wednesdays

# What the lead records each week, as typed.
WEEKLY: dict[str, list[str]] = {
    "guiding-principles": ["96%", "97%", "95%", "94%"] + ["96%"] * 9,
    "presales-sla": ["100%", "100%", "97%"] + ["100%"] * 10,
    "average-response": ["1.5 hours", "95 min", "1.8h", "2h", "2.5 hours", "150 min"]
    + ["1.8 hours"] * 7,
    "average-resolution": ["6.5 days"] * 10 + ["7.5 days", "8 days", "6 days"],
    "engineering-help": ["12%"] + ["8%"] * 12,
    "focus-days": ["85%"] * 13,
}
OUT_WEEKS = {
    "guiding-principles": [3],
    "presales-sla": [2],
    "average-response": [4, 5],
    "average-resolution": [10, 11],
    "engineering-help": [0],
    "focus-days": [],
}


def kpis(emu: Any) -> dict[str, int]:
    found = {}
    for issue in emu.issues(PROJECT):
        if "okr::kpi" in emu.issue_labels(PROJECT, issue.iid):
            found[str((desc.split(issue.description or "").meta or {})["key"])] = issue.iid
    return found


def test_seed_000_as_kpis_over_a_quarter_reports_a_trend_and_time_out_of_range(
    okrflow_cli: Any, invoke: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli, emu = okrflow_cli, okrflow_cli.emu
    (cli.cwd / "config").mkdir()
    (cli.cwd / "config" / "okrflow.yml").write_text(CONFIG)
    monkeypatch.chdir(cli.cwd)
    for name in ("GITLAB_URL", "GITLAB_TOKEN", "OKRFLOW_PROJECT"):
        monkeypatch.setenv(name, cli.env[name])

    def in_process(*args: str, now: str) -> tuple[int, str, str]:
        """``okrflow ARGS`` in this process (exit code, stdout, stderr), as of ``now``."""
        monkeypatch.setenv("OKRFLOW_NOW", now)
        return invoke(*args)

    before = "2022-01-31T09:00:00Z"
    emu.set_now(dt.datetime(2022, 1, 31, 9, tzinfo=UTC))
    assert in_process("init", now=before)[0] == 0
    code, planned, err = in_process("plan", str(SEED_000), now=before)
    assert code == 3, err
    assert len(re.findall(r"^\+ create kpi ", planned, re.M)) == 6
    code, _, err = in_process("apply", str(SEED_000), now=before)
    assert code == 0, err
    iids = kpis(emu)
    assert set(iids) == set(WEEKLY)
    _, linted, _ = in_process("lint", "--quarter", "FY23-Q1", now=before)
    assert f"#{iids['average-resolution']} reads: KPI healthy at most 7 days" in linted

    # Every week the lead checks in each measure: the two times with okrflow checkin, the
    # four shares by typing a comment in GitLab, as people do. The last check-in of the
    # quarter goes through the installed okrflow.
    last = (len(CHECKIN_DAYS) - 1, "average-resolution")
    for week, day in enumerate(CHECKIN_DAYS):
        moment = dt.datetime.combine(day, dt.time(10), UTC)
        emu.set_now(moment)
        now = moment.isoformat().replace("+00:00", "Z")
        for key, values in WEEKLY.items():
            if key not in ("average-response", "average-resolution"):
                emu.add_note(PROJECT, iids[key], f"Check-in: {values[week]}", author="okr-lead")
            elif (week, key) != last:
                code, _, err = in_process(
                    "checkin", str(iids[key]), "--value", values[week], now=now
                )
                assert code == 0, (key, week, err)
    value = WEEKLY[last[1]][last[0]]  # "6 days"
    ran = cli("checkin", str(iids[last[1]]), "--value", value, extra_env={"OKRFLOW_NOW": now})
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == f"checked in #{iids[last[1]]}: 6d\n"

    after = {"OKRFLOW_NOW": "2022-05-02T08:00:00Z"}
    emu.set_now(dt.datetime(2022, 5, 2, 8, tzinfo=UTC))
    rolled = cli("rollup", "--quarter", "FY23-Q1", extra_env=after)
    assert rolled.returncode == 0, rolled.stderr
    done = cli("report", "--quarter", "FY23-Q1", "--output", "out", extra_env=after)
    assert done.returncode == 0, done.stderr
    document = json.loads((cli.cwd / "out" / "okrflow-report-FY23-Q1.json").read_text())
    reported = {k["key"]: k for k in document["kpis"]}
    measured = (LAST - CHECKIN_DAYS[0]).days + 1  # from the first check-in to the end: 88
    for key, out in OUT_WEEKS.items():
        k = reported[key]
        assert [w["start"] for w in k["weeks"]][:2] == ["2022-02-01", "2022-02-08"]
        assert len(k["weeks"]) == 13 and all(w["value"] is not None for w in k["weeks"]), key
        assert [n for n, w in enumerate(k["weeks"]) if w["healthy"] is False] == out, key
        assert (k["days_out_of_range"], k["days_measured"]) == (7 * len(out), measured), key
        assert k["healthy"] is True and k["health"] == "on track"
    assert [w["value"] for w in reported["average-resolution"]["weeks"][-3:]] == [7.5, 8, 6]

    md = (cli.cwd / "out" / "okrflow-report-FY23-Q1.md").read_text()
    assert "## KPIs" in md
    assert "healthy at most 7 days (lower is better)" in md
    assert f"| 14 of {measured} days (16%) |" in md  # average response and resolution
    assert "6.5 days → 6.5 days" in md and "→ 7.5 days → 8 days → 6 days" in md
    page = (cli.cwd / "out" / "okrflow-report-FY23-Q1.html").read_text()
    assert f"14 of {measured} days (16%)" in page and '<section class="kpis">' in page

    # status, later: the same figures (the quarter is over: evaluated as of its end)
    later = "2027-01-01T08:00:00Z"
    code, shown, err = in_process("status", "--quarter", "FY23-Q1", "--json", now=later)
    assert code == 0, err
    assert json.loads(shown)["kpis"] == document["kpis"]
    text = cli("status", "--quarter", "FY23-Q1", extra_env={"OKRFLOW_NOW": later}).stdout
    line = next(x for x in text.splitlines() if f"KPI #{iids['average-response']} " in x)
    assert f"out of range 14 of {measured} days (16%)" in line and "✓ in range" in line

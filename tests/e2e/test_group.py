"""OKRs across a whole GitLab group, as a user runs them: the installed ``okrflow`` over
real HTTP against the emulator, with group ``acme`` (``acme/company``, ``acme/sales``,
``acme/support``, subgroup ``acme/eng`` with ``acme/eng/platform`` and
``acme/eng/web``), OKRs aligned across projects. One scenario, growing with the
group scope."""

from __future__ import annotations

import datetime as dt
import json
import math
import urllib.parse
from typing import Any

import pytest

from group_world import (
    COMPANY,
    GROUP,
    NOW,
    PLATFORM,
    SALES,
    SUPPORT,
    WEB,
    build_group,
    seed_okrs,
)

pytestmark = pytest.mark.e2e

# the group scope comes from the config (or --group); OKRFLOW_PROJECT would clash
ENV: dict[str, str | None] = {"OKRFLOW_NOW": NOW.isoformat(), "OKRFLOW_PROJECT": None}
CONFIG = f"""\
group: acme
projects:
  - {COMPANY}
  - {{path: {SALES}, team: Sales}}
  - {{path: {SUPPORT}, team: Support}}
  - {{path: {PLATFORM}, team: Platform}}
  - {{path: {WEB}, team: Web}}
"""


def test_okrs_across_a_group_roll_up_into_one_tree(okrflow_cli: Any) -> None:
    emu = okrflow_cli.emu
    emu.set_now(NOW - dt.timedelta(hours=3))  # GitLab's clock, a little before the run's
    build_group(emu)
    seed_okrs(emu)
    (okrflow_cli.cwd / "config").mkdir()
    (okrflow_cli.cwd / "config" / "okrflow.yml").write_text(CONFIG, encoding="utf-8")

    # a group and a project at once is bad usage, nothing read
    emu.reset_log()
    both = okrflow_cli("status", "--group", "acme", "--project", SALES, extra_env=ENV)
    assert (both.returncode, both.stdout) == (2, "")
    assert "both a group (--group) and a project (--project)" in both.stderr
    assert emu.log == []

    # a command that does not work over a group yet says so, nothing read
    pages = okrflow_cli("pages", "--group", "acme", extra_env=ENV)
    assert (pages.returncode, pages.stdout) == (2, "")
    assert "okrflow pages does not work over a group yet" in pages.stderr
    assert emu.log == []

    # rollup writes each OKR in its own project
    emu.reset_log()
    first = okrflow_cli("rollup", "--json", extra_env=ENV)
    assert first.returncode == 0, first.stderr
    # the objectives, and the key results people filed (their okrflow record, once)
    assert json.loads(first.stdout)["changed"] == [
        f"{COMPANY}#1",
        f"{PLATFORM}#1",
        f"{WEB}#1",
        f"{SALES}#1",
        f"{SUPPORT}#1",
    ]
    put = sorted(r.path.split("/issues/")[0] for r in emu.log if r.method == "PUT")
    # adoption of the two key results people filed (in their projects), then the five
    assert len(put) == 2 + 5 and not [p for p in put if "okrs" in p]

    # status --group acme --json: one tree across projects, as computed by hand
    shown = okrflow_cli("status", "--group", "acme", "--json", extra_env=ENV)
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    progress = {o["reference"]: o["progress"] for o in doc["objectives"]}
    progress |= {k["reference"]: k["progress"] for o in doc["objectives"] for k in o["key_results"]}
    # leads 10 -> 20 at 15: 0.5; partner deals, no check-in: 0; sales (0.5 + 0) / 2 = 0.25
    # uptime 90 -> 100 at 99: 0.9; landing pages: 0; platform (0.9 + 0) / 2 = 0.45
    # the company objective from the two aligned under it: (0.25 + 0.45) / 2 = 0.35
    expected = {
        f"{SALES}#2": 0.5,
        f"{SUPPORT}#1": 0.0,
        f"{SALES}#1": 0.25,
        f"{PLATFORM}#2": 0.9,
        f"{WEB}#1": 0.0,
        f"{PLATFORM}#1": 0.45,
        f"{COMPANY}#1": 0.35,
    }
    assert progress.keys() == expected.keys()
    assert all(math.isclose(progress[k], v) for k, v in expected.items()), progress
    parents = {o["reference"]: o["parent_references"] for o in doc["objectives"]}
    assert parents == {
        f"{COMPANY}#1": [],
        f"{SALES}#1": [f"{COMPANY}#1"],
        f"{PLATFORM}#1": [f"{COMPANY}#1"],
    }

    # a second rollup writes nothing and reads the quarter's listing page, the KPI
    # listing, adoption's listing of the issues of no quarter and the group's projects
    emu.reset_log()
    second = okrflow_cli("rollup", "--json", extra_env=ENV)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["changed"] == []
    assert emu.writes().total() == 0
    routes = emu.counts_by_route()
    assert routes["GET /groups/:id/issues"] == 3 and routes["GET /groups/:id/projects"] == 1
    assert sum(routes.values()) <= 3 + 1 + 1, routes  # and at most GET /user

    # check-ins typed in two projects between rollups: one batch of comment events from
    # each of those projects, and no issue's own comments read
    emu.set_now(NOW - dt.timedelta(hours=1))
    emu.add_note(SALES, 2, "Check-in: 18", author="carol")
    emu.add_note(WEB, 1, "Check-in: 2", author="alice")  # a member of the group: of web too
    emu.reset_log()
    third = okrflow_cli("rollup", "--json", extra_env=ENV)
    assert third.returncode == 0, third.stderr
    rolled = json.loads(third.stdout)
    assert (rolled["new_checkins"], rolled["changed"]) == (
        2,
        [f"{COMPANY}#1", f"{PLATFORM}#1", f"{SALES}#1"],
    )
    read = sorted(r.path for r in emu.log if r.path.endswith("/events"))
    assert read == [
        "/api/v4/projects/acme%2Feng%2Fweb/events",
        "/api/v4/projects/acme%2Fsales/events",
    ]
    assert "GET /projects/:id/issues/:issue_iid/notes" not in emu.counts_by_route()
    # leads at 18: 0.8, sales 0.4; landing pages 2 of 4: 0.5, platform 0.7; company 0.55
    now = json.loads(okrflow_cli("status", "--json", extra_env=ENV).stdout)
    progress = {o["reference"]: o["progress"] for o in now["objectives"]}
    assert [round(progress[r], 6) for r in (f"{SALES}#1", f"{PLATFORM}#1", f"{COMPANY}#1")] == [
        0.4,
        0.7,
        0.55,
    ]

    # a token that cannot see acme/eng/web: the rest is read, the project named once
    carol = okrflow_cli("status", extra_env={**ENV, "GITLAB_TOKEN": emu.token_for("carol")})
    assert carol.returncode == 0, carol.stderr
    assert (carol.stdout + carol.stderr).count(WEB) == 1, carol.stdout
    assert f"{WEB}: the token cannot read this project" in carol.stdout
    assert f"KR {PLATFORM}#2 Raise uptime" in carol.stdout

    # apply of a group OKR file: each OKR in the project its entry names, under a parent
    # already in GitLab in another project; then plan finds nothing to do (exit 0)
    (okrflow_cli.cwd / "okrs.yml").write_text(
        f"""\
quarter: FY24-Q1
objectives:
  - key: support-partners
    project: {SUPPORT}
    parent: company-growth
    title: Delight partners
    owner: alice
    purpose: Partners sell for us.
    key_results:
      - key: portal
        project: {WEB}
        title: Ship 2 partner portals
""",
        encoding="utf-8",
    )
    applied = okrflow_cli("apply", "okrs.yml", extra_env=ENV)
    assert applied.returncode == 0, applied.stderr
    assert f'+ create kr support-partners/portal "Ship 2 partner portals" in {WEB}' in (
        applied.stdout
    )
    company, partners, portal = emu.issue(COMPANY, 1), emu.issue(SUPPORT, 2), emu.issue(WEB, 2)
    assert (partners.title, portal.title) == ("Delight partners", "Ship 2 partner portals")
    pairs = {(link.source_id, link.target_id) for link in emu.state.links.values()}
    assert {(partners.id, company.id), (portal.id, partners.id)} <= pairs
    planned = okrflow_cli("plan", "okrs.yml", extra_env=ENV)
    assert planned.returncode == 0, planned.stdout + planned.stderr


GROUP_FILE = f"""\
quarter: FY24-Q1
objectives:
  - key: rock
    project: {COMPANY}
    period: year
    title: Double the business
    owner: alice
    purpose: The year's big rock.
  - key: company-growth
    project: {COMPANY}
    parent: rock
    title: Grow the business
    owner: alice
    purpose: It matters to the whole company.
  - key: sales-pipeline
    team: Sales
    parent: company-growth
    title: Build the pipeline
    owner: alice
    purpose: Deals need leads.
    key_results:
      - key: leads
        title: Raise qualified leads from 10 to 20
      - key: revenue
        title: Raise revenue from 100 to 200
        also: [company-growth, platform-trust]
  - key: platform-trust
    team: Platform
    parent: company-growth
    title: Run a platform people trust
    owner: alice
    purpose: Customers stay when it works.
    key_results:
      - key: uptime
        title: Raise uptime from 90 to 100
"""


def test_a_group_year_with_a_shared_key_result_and_an_annual_objective(okrflow_cli: Any) -> None:
    """The whole group scope at once: a group OKR file applied (an annual objective, company
    and department objectives aligned across projects, a key result counted for three
    objectives), a second quarter's objective under the annual one, check-ins in two
    projects, rollup, status equal to a hand computation, a second rollup that writes
    nothing, and a report naming teams and projects."""
    emu = okrflow_cli.emu
    emu.set_now(NOW - dt.timedelta(hours=3))
    build_group(emu)
    emu.add_label(GROUP, "FY24")
    emu.add_label(GROUP, "FY24-Q2")
    (okrflow_cli.cwd / "config").mkdir()
    (okrflow_cli.cwd / "config" / "okrflow.yml").write_text(CONFIG, encoding="utf-8")
    (okrflow_cli.cwd / "okrs.yml").write_text(GROUP_FILE, encoding="utf-8")

    applied = okrflow_cli("apply", "okrs.yml", extra_env=ENV)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    planned = okrflow_cli("plan", "okrs.yml", extra_env=ENV)
    assert planned.returncode == 0, planned.stdout + planned.stderr

    def ref(project: str, title: str) -> str:
        (found,) = [i for i in emu.issues(project) if i.title == title]
        return f"{project}#{found.iid}"

    rock, growth = ref(COMPANY, "Double the business"), ref(COMPANY, "Grow the business")
    sales, platform = ref(SALES, "Build the pipeline"), ref(PLATFORM, "Run a platform people trust")
    leads, revenue = (
        ref(SALES, "Raise qualified leads from 10 to 20"),
        ref(SALES, "Raise revenue from 100 to 200"),
    )
    uptime = ref(PLATFORM, "Raise uptime from 90 to 100")
    # the shared key result is one issue linked to its three objectives, across projects
    shared = emu.issue(SALES, int(revenue.rpartition("#")[2]))
    linked = {
        link.target_id if link.source_id == shared.id else link.source_id
        for link in emu.state.links.values()
        if shared.id in (link.source_id, link.target_id)
    }
    objective_ids = {
        emu.issue(p, int(r.rpartition("#")[2])).id
        for p, r in ((COMPANY, growth), (SALES, sales), (PLATFORM, platform))
    }
    assert objective_ids <= linked

    # a second quarter's objective under the annual one
    q2 = okrflow_cli(
        "new", "objective", "--quarter", "FY24-Q2", "--project", SALES, "--team", "Sales",
        "--parent", rock, "--title", "Keep the pipeline full", "--owner", "alice",
        "--purpose", "Q2 builds on Q1.", extra_env=ENV,
    )  # fmt: skip
    assert q2.returncode == 0, q2.stdout + q2.stderr

    # check-ins typed in two projects
    for key_result, value in ((leads, "15"), (revenue, "150"), (uptime, "99")):
        done = okrflow_cli("checkin", key_result, "--value", value, extra_env=ENV)
        assert done.returncode == 0, done.stdout + done.stderr

    first = okrflow_cli("rollup", "--json", extra_env=ENV)
    assert first.returncode == 0, first.stderr

    shown = okrflow_cli("status", "--group", "acme", "--json", extra_env=ENV)
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    progress = {o["reference"]: o["progress"] for o in doc["objectives"]}
    for o in doc["objectives"]:
        for k in o["key_results"]:
            progress[k["reference"]] = k["progress"]
    (annual,) = doc["annual"]["objectives"]
    progress[annual["reference"]] = annual["progress"]
    # leads 10 -> 20 at 15: 0.5; revenue 100 -> 200 at 150: 0.5; uptime 90 -> 100 at 99: 0.9
    # sales (leads 0.5 + revenue 0.5) / 2 = 0.5; platform (uptime 0.9 + revenue 0.5) / 2 = 0.7
    # company growth (revenue 0.5 + sales 0.5 + platform 0.7) / 3 = 1.7 / 3
    # the annual objective: (company growth 1.7 / 3 + Q2's objective 0) / 2 = 1.7 / 6
    expected = {
        leads: 0.5,
        revenue: 0.5,
        uptime: 0.9,
        sales: 0.5,
        platform: 0.7,
        growth: 1.7 / 3,
        rock: 1.7 / 6,
    }
    assert progress.keys() == expected.keys(), progress
    assert all(math.isclose(progress[k], v, abs_tol=1e-9) for k, v in expected.items()), progress
    counted = {
        o["reference"]
        for o in doc["objectives"]
        for k in o["key_results"]
        if k["reference"] == revenue
    }
    assert counted == {growth, sales, platform}  # listed under each objective it counts for
    assert [q["quarter"] for q in annual["quarters"]] == ["FY24-Q1", "FY24-Q2"]

    # a second rollup writes nothing
    emu.reset_log()
    second = okrflow_cli("rollup", "--json", extra_env=ENV)
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout)["changed"] == []
    assert emu.writes().total() == 0
    # it reads the quarter's one page, the group's projects, the KPI and adoption listings,
    # and with an annual objective the year's: its annual objectives and the other three
    # quarters (ceil(N/100) + 3, + 4 for the year)
    assert emu.counts_by_route() == {"GET /groups/:id/issues": 7, "GET /groups/:id/projects": 1}
    listed = sorted(
        urllib.parse.parse_qs(r.query).get("labels", ["(no quarter: adoption)"])[0]
        for r in emu.log
        if r.path == "/api/v4/groups/acme/issues"
    )
    assert listed == [
        "(no quarter: adoption)",
        "FY24-Q1",
        "FY24-Q2",
        "FY24-Q3",
        "FY24-Q4",
        "okr::kpi",
        "okr::objective,FY24",
    ]

    # the report names teams and projects; its alignment chart crosses projects
    done = okrflow_cli(
        "report", "--kind", "progress", "--format", "md", "--format", "html", "--output", "out",
        extra_env=ENV,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    md = (okrflow_cli.cwd / "out" / "okrflow-report-FY24-Q1.md").read_text(encoding="utf-8")
    html = (okrflow_cli.cwd / "out" / "okrflow-report-FY24-Q1.html").read_text(encoding="utf-8")
    for text in (md, html):
        assert "Sales" in text and "Platform" in text
        assert SALES in text and PLATFORM in text and revenue in text
        assert "FY24" in text
    assert f'["{SALES}"]' in md and f'["{PLATFORM}"]' in md  # a subgraph per project

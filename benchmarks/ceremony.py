"""Benchmark: the requests of the closing ceremony, the next quarter's reports and the dashboard.

Usage::

    .venv/bin/python benchmarks/ceremony.py --teams 5 --objectives 4

The GitLab emulator (in process, through ``responses``: no sockets) gets a quarter,
FY24-Q1, of ``--teams`` teams with ``--objectives`` objectives of 4 key results each,
applied with ``okrflow apply`` and made active. Then, with the request log emptied
before each:

- ``schedule`` on the ceremony day (2024-03-25): the draft closing report and one
  retrospective per team; each team then answers in a comment;
- ``schedule`` on day 0 (2024-04-01): the quarter closed, the report rewritten with the
  answers, the Try items and the history in the next planning issue;
- ``report`` of FY24-Q2 mid-quarter (2024-05-15): the history read at no extra cost;
- ``pages`` then: the dashboard.

Printed per step: GET / POST / PUT counts and the issue listings (``/issues``) among the
GETs, as a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

import yaml

from okrflow.adapter import resolve_connection
from okrflow.commands.apply import apply
from okrflow.commands.move import move_bulk
from okrflow.commands.pages import pages
from okrflow.commands.report import report
from okrflow.commands.schedule import schedule
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.core.model import State
from okrflow.sandbox import SANDBOX_URL, Emulator

UTC = dt.timezone.utc
PROJECT = "acme/okrs"


def okr_file(teams: int, objectives: int) -> dict[str, object]:
    owners = ("alice", "bob", "okr-lead")
    return {
        "quarter": "FY24-Q1",
        "objectives": [
            {
                "key": f"t{t}-o{o}",
                "title": f"Team {t} objective {o}",
                "team": f"Team{t}",
                "owner": owners[(t + o) % 3],
                "purpose": "Because it matters.",
                "key_results": [
                    {"key": f"k{k}", "title": f"Grow metric {k} from {10 * k} to {10 * k + 40}"}
                    for k in range(4)
                ],
            }
            for t in range(teams)
            for o in range(objectives)
        ],
    }


def ws_at(emu: Emulator, day: dt.date) -> Workspace:
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=UTC)
    emu.set_now(moment)
    emu.reset_log()
    connection = resolve_connection(
        url=SANDBOX_URL, project=PROJECT, environ={"GITLAB_TOKEN": emu.default_token or ""}
    )
    return Workspace(config=Config.default(), connection=connection, now=lambda: moment)


def counted(emu: Emulator, step: str) -> str:
    counts = emu.counts()
    listings = sum(1 for r in emu.log if r.method == "GET" and (r.route or "").endswith("/issues"))
    return f"| {step} | {counts['GET']} | {listings} | {counts['POST']} | {counts['PUT']} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--teams", type=int, default=5)
    parser.add_argument("--objectives", type=int, default=4, help="objectives per team")
    args = parser.parse_args()
    emu = Emulator.sandbox(base_url=SANDBOX_URL)
    rows = []
    with emu.mock(SANDBOX_URL), tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "okrs.yml"
        path.write_text(yaml.safe_dump(okr_file(args.teams, args.objectives)))
        ws = ws_at(emu, dt.date(2024, 1, 2))
        apply(ws, path)
        move_bulk(ws, quarter="FY24-Q1", from_state=State.DRAFT, to=State.REVIEW)
        move_bulk(ws, quarter="FY24-Q1", from_state=State.REVIEW, to=State.ACTIVE)
        schedule(ws_at(emu, dt.date(2024, 3, 24)))  # the planning steps before the ceremony
        schedule(ws_at(emu, dt.date(2024, 3, 25)))
        rows.append(counted(emu, "schedule, ceremony day (draft report, retrospectives)"))
        for issue in emu.issues(PROJECT):
            if issue.title.startswith("OKR retrospective"):
                emu.add_note(PROJECT, issue.iid, "Good: focus\nTry: fewer KRs", author="alice")
        schedule(ws_at(emu, dt.date(2024, 4, 1)))
        rows.append(counted(emu, "schedule, day 0 (closed, report updated, Try items)"))
        report(ws_at(emu, dt.date(2024, 5, 15)), quarter="FY24-Q2", output=tmp, formats=("json",))
        rows.append(counted(emu, "report FY24-Q2, mid-quarter (history included)"))
        pages(ws_at(emu, dt.date(2024, 5, 15)), output=Path(tmp) / "public")
        rows.append(counted(emu, "pages (dashboard)"))
    okrs = args.teams * args.objectives * 5
    print(f"{args.teams} teams, {args.objectives} objectives each: {okrs} OKR issues\n")
    print("| step | GET | of which listings | POST | PUT |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()

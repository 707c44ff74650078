"""``okrflow demo``: a whole OKR quarter on the built-in GitLab emulator, ending in a report.

No GitLab and no token: the emulator is served on 127.0.0.1 and every step goes
through the same code, python-gitlab and HTTP as against a real instance.

1. Four weeks before FY22-Q2, ``init`` sets up the project and ``apply`` opens the
   quarter of ``okrflow/demo/quarter.yml``: company objectives, department
   objectives aligned under them, 3 to 5 key results each.
2. Two weeks out the drafts go to review; on day 0 they become active.
3. Every week of the quarter the owners check in, some with ``okrflow checkin``,
   some by typing a ``Check-in:`` comment in GitLab as people do, and the weekly
   ``rollup`` writes progress and health into the issues.
4. At the end the quarter is closed (scores recorded) and the closing-ceremony
   report is written as Markdown, HTML and JSON.

The simulated numbers are deterministic: the same demo gives the same report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from okrflow.adapter import PRESETS, Pacer, resolve_connection
from okrflow.commands.apply import apply
from okrflow.commands.checkin import checkin
from okrflow.commands.init import init
from okrflow.commands.local_files import OwnDirectory
from okrflow.commands.move import move_bulk
from okrflow.commands.report import ReportResult, output_paths, report
from okrflow.commands.reporter import Recorder, Reporter
from okrflow.commands.result import Result, Style, plain
from okrflow.commands.rollup import rollup
from okrflow.commands.workspace import Workspace
from okrflow.config import load_config
from okrflow.core.model import KeyResult, MetricKind, State
from okrflow.core.values import format_value
from okrflow.render import Format
from okrflow.render.display import count, score
from okrflow.sandbox import SANDBOX_ALICE_TOKEN, Emulator, EmulatorServer

QUARTER = "FY22-Q2"
CONFIG_FILE = "okrflow.yml"
DEMO_FORMATS: tuple[Format, ...] = ("md", "html", "json")
OKR_FILE = "okrs-FY22-Q2.yml"
WEEKS = 13
# How far each key result gets by the end of the quarter (share of the way to target);
# the rest get a value drawn from the seeded generator.
FINAL_SHARE = {
    "wau": 0.92,
    "iarr": 0.75,
    "logos": 0.6,
    "champions": 1.0,
    "case-studies": 0.33,
    "signup-conversion": 0.3,
    "sdrs": 1.0,
    "response": 1.0,
    "resolution": 0.8,
    "rfh": 0.75,
}
MILESTONE_WEEK = {"poc": 9, "learn": 99}  # the week a milestone is reached (99: never)
BROKEN_THRESHOLD_WEEK = {"p1": 7}  # the week a threshold is broken (and stays broken)


@dataclasses.dataclass
class DemoResult(Result):
    output: Path
    files: dict[str, Path]
    report: ReportResult
    checkins: int
    comments: int
    seconds_simulated: int
    rolled_up: int = 0  # the new check-ins the weekly rollups counted, summed

    def lines(self, style: Style = plain) -> list[str]:
        return summary_lines(self)


def demo_files() -> tuple[str, ...]:
    """The names of the files the demo writes into its directory."""
    reports = output_paths(Path("."), DEMO_FORMATS, QUARTER).values()
    return (CONFIG_FILE, OKR_FILE, *(path.name for path in reports))


def _data(name: str) -> str:
    return resources.files("okrflow.demo").joinpath(name).read_text(encoding="utf-8")


def _share(key: str, week: int, rng: random.Random) -> float:
    final = FINAL_SHARE.get(key, 0.8)
    wobble = rng.uniform(-0.04, 0.04) if week < WEEKS else 0.0
    share: float = final * (week / WEEKS) ** 0.85 + wobble
    return max(0.0, min(1.0, share))


def _value(kr: KeyResult, week: int, rng: random.Random) -> float | None:
    """The value an owner reports in ``week`` (None: no check-in this week)."""
    metric = kr.metric
    if metric is None:
        return None
    key = kr.key.rsplit("/", 1)[-1]
    if metric.kind is MetricKind.MILESTONE:
        return 1.0 if week >= MILESTONE_WEEK.get(key, WEEKS) else 0.0
    if metric.kind is MetricKind.THRESHOLD:
        broken = week >= BROKEN_THRESHOLD_WEEK.get(key, WEEKS + 1)
        step = 1 if metric.target > 1 else 0.01
        worse = (
            metric.target + step if metric.direction.value == "decrease" else metric.target - step
        )
        return worse if broken else metric.target
    value = metric.start + (metric.target - metric.start) * _share(key, week, rng)
    if metric.kind is MetricKind.COUNT or abs(metric.target - metric.start) >= 50:
        return float(round(value))
    return float(round(value, 1))


def _confidence(kr: KeyResult, week: int) -> str:
    key = kr.key.rsplit("/", 1)[-1]
    share = FINAL_SHARE.get(key, 0.8)
    base = 0.9 if share >= 0.8 else 0.6 if share >= 0.5 else 0.35
    return f"{round(min(1.0, base + 0.01 * (week % 3)) * 100)}%"


class _Clock:
    """One clock for the emulator and okrflow, so both see the same day of the quarter."""

    def __init__(self, emu: Emulator, start: dt.datetime) -> None:
        self.emu = emu
        self.set(start)

    def set(self, moment: dt.datetime) -> None:
        self.moment = moment
        self.emu.set_now(moment)

    def now(self) -> dt.datetime:
        return self.moment


def run_demo(
    output: Path,
    *,
    out: Reporter,
    on_ready: Callable[[DemoResult, Emulator, EmulatorServer, Path], None] | None = None,
) -> DemoResult:
    """Play the demo quarter against a freshly served emulator; write the report to ``output``.

    ``output`` is made (or was made by an earlier demo: only the demo's own files in it
    are replaced); a directory that holds anything else is refused, nothing written
    (:class:`~okrflow.commands.local_files.OwnDirectory`).

    ``on_ready`` (used by ``--serve``) is called with the finished result, the emulator
    and its server after the report is written, before the server stops.
    """
    OwnDirectory(output, demo_files()).claim()
    config_path = output / CONFIG_FILE
    config_path.write_text(_data("okrflow.yml"), encoding="utf-8")
    okrs_path = output / OKR_FILE
    okrs_path.write_text(_data("quarter.yml"), encoding="utf-8")
    config = load_config(config_path, explicit=True)

    emu = Emulator.sandbox()
    server = emu.server("127.0.0.1", 0)
    server.start()
    try:
        settings = resolve_connection(
            url=server.url,
            project=emu.default_project,
            environ={"GITLAB_TOKEN": emu.default_token or ""},
            pacer=Pacer(PRESETS["none"]),  # its own emulator, which limits nothing
        )
        ws = Workspace(config=config, connection=settings, out=Recorder())
        quarter = ws.calendar.parse(QUARTER)
        start = dt.datetime.combine(ws.calendar.start(quarter), dt.time(9), dt.timezone.utc)
        clock = _Clock(emu, start - dt.timedelta(weeks=4))
        ws.now = clock.now

        out.step(f"okrflow demo: GitLab emulator on {server.url}, project {emu.default_project}")
        created = init(ws)
        out.step(f"  {clock.now():%Y-%m-%d}  {created.summary()}")
        applied = apply(ws, okrs_path)
        out.step(f"  {clock.now():%Y-%m-%d}  {applied.summary()} ({okrs_path.name})")

        clock.set(start - dt.timedelta(weeks=2))
        moved = move_bulk(ws, quarter=QUARTER, from_state=State.DRAFT, to=State.REVIEW)
        out.step(f"  {clock.now():%Y-%m-%d}  {moved.summary()}")
        clock.set(start)
        moved = move_bulk(ws, quarter=QUARTER, from_state=State.REVIEW, to=State.ACTIVE)
        out.step(f"  {clock.now():%Y-%m-%d}  day 0, {moved.summary()}")

        checkins, comments, rolled_up = _play_quarter(ws, emu, clock, start, out)

        end = dt.datetime.combine(ws.calendar.end(quarter), dt.time(17), dt.timezone.utc)
        clock.set(end)
        moved = move_bulk(ws, quarter=QUARTER, from_state=State.ACTIVE, to=State.CLOSED)
        out.step(f"  {clock.now():%Y-%m-%d}  quarter ends, {moved.summary()}")
        closing = report(ws, quarter=QUARTER, kind="closing", formats=DEMO_FORMATS, output=output)
        result = DemoResult(
            output=output,
            files={str(fmt): path for fmt, path in closing.files.items()},
            report=closing,
            checkins=checkins,
            comments=comments,
            seconds_simulated=int((end - start).total_seconds()),
            rolled_up=rolled_up,
        )
        if on_ready is not None:
            on_ready(result, emu, server, config_path)
    finally:
        server.stop()
    return result


def _play_quarter(
    ws: Workspace, emu: Emulator, clock: _Clock, start: dt.datetime, out: Reporter
) -> tuple[int, int, int]:
    """Thirteen weeks of check-ins and weekly rollups. Returns (check-ins, typed
    comments, the new check-ins the rollups counted)."""
    rng = random.Random(2021)
    snap = ws.repo.load(QUARTER)
    key_results = [kr for kr in snap.key_results() if kr.iid is not None]
    project = quote(emu.default_project or "", safe="")
    checkins = comments = rolled_up = 0
    for week in range(1, WEEKS + 1):
        clock.set(start + dt.timedelta(weeks=week, hours=-48))  # Friday check-ins
        for index, kr in enumerate(key_results):
            if rng.random() < 0.15 and week not in (WEEKS - 1, WEEKS):
                continue  # a busy week: no check-in
            value = _value(kr, week, rng)
            if value is None or kr.metric is None:
                continue
            shown = format_value(value, kr.metric.unit)
            if index % 3 == 0:
                # typed by a person in GitLab's comment box
                body = f"Check-in: {shown}, confidence {_confidence(kr, week)}\n\nWeek {week}."
                emu.request(
                    "POST",
                    f"/projects/{project}/issues/{kr.iid}/notes",
                    token=SANDBOX_ALICE_TOKEN,
                    json_body={"body": body},
                )
                comments += 1
            else:
                checkin(
                    ws,
                    str(kr.iid),
                    value=shown,
                    confidence=_confidence(kr, week),
                    note=f"Week {week}.",
                )
            checkins += 1
        clock.set(start + dt.timedelta(weeks=week, hours=-24))  # the weekly pipeline
        rolled = rollup(ws, quarter=QUARTER)
        rolled_up += rolled.new_checkins
        if week % 4 == 0 or week == WEEKS:
            out.step(f"  {clock.now():%Y-%m-%d}  week {week:2d}: {rolled.summary()}")
    return checkins, comments, rolled_up


def summary_lines(result: DemoResult) -> list[str]:
    doc = result.report.document
    objectives = doc["objectives"]
    lines = [
        f"okrflow demo: {count(len(objectives), 'objective')}, "
        f"{count(sum(len(o['key_results']) for o in objectives), 'key result')}, "
        f"{count(result.checkins, 'check-in')} ({result.comments} typed as comments)",
        "closing scores:",
    ]
    for objective in objectives:
        scored = objective.get("score")
        shown = score(scored) if isinstance(scored, (int, float)) else "-"
        lines.append(
            f"  {shown:>4} {objective.get('grade') or '':6} {objective.get('team') or '':9} "
            f"{objective['title']}"
        )
    lines.append("report:")
    lines.extend(f"  {path}" for path in result.files.values())
    return lines

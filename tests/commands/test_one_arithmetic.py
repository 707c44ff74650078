"""One arithmetic: the same inputs give the same numbers everywhere, at any later time.

Random quarters (objectives aligned under each other, key results of every reading, check-ins
typed before, during and after the quarter) are rolled up, shown by ``status --json`` and
reported as Markdown, HTML and JSON, each at its own random moment after the quarter's end.
Progress and health agree exactly between status, the JSON report, GitLab's health
labels and the progress sections rollup writes into the issues; the Markdown and HTML show
the same rounded numbers, and the quarter is evaluated as of its end: check-ins after it do
not count and staleness is counted to its last day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rollup_world import (
    HEALTH_LABELS,
    PROJECT,
    QUARTER,
    add_kr,
    add_objective,
    section_of,
    workspace,
)

from okrflow.commands.report import build_quarter_report, report
from okrflow.commands.rollup import rollup
from okrflow.commands.status import status
from okrflow.core.checkin_values import format_checkin_value
from okrflow.core.labels import DEFAULT_LABEL_NAMES as NAMES
from okrflow.core.model import Health
from okrflow.core.statements import parse_statement
from okrflow.render import display
from okrflow.sandbox import SANDBOX_URL, Emulator

UTC = dt.timezone.utc
START, END = dt.date(2024, 1, 1), dt.date(2024, 3, 31)  # FY24-Q1, default calendar

# Statements of every reading, each with the range its check-ins are drawn from.
STATEMENTS = [
    ("Grow weekly active users from 10,000 to 15,000", 8_000, 17_000),
    ("Reduce average resolution time from 9 days to 7 days", 5, 11),
    ("Land 10 large enterprise logos", 0, 12),
    ("Keep P1 incidents from exceeding 3", 0, 6),
    ("Achieve SOC2 Type 1 compliance", 0, 1),
    ("Increase test coverage from 60% to 80%", 50, 90),
    ("Increase weekly active users by 20%", 900, 1_400),  # baseline from the first
    ("Cut churn from 5% to 3% by mid-February", 2, 6),  # due mid-quarter
    ("Improve developer NPS from 25 to 35", 20, 40),
]


@dataclasses.dataclass(frozen=True)
class Kr:
    statement: int
    checkins: tuple[tuple[int, float, float | None], ...]  # (day from start, value, confidence)


@dataclasses.dataclass(frozen=True)
class Quarter:
    objectives: tuple[tuple[int | None, tuple[Kr, ...]], ...]  # (parent index, key results)
    moments: tuple[int, int, int]  # days after the end: rollup, status, report


def _checkin(statement: int) -> st.SearchStrategy[tuple[int, float, float | None]]:
    _, low, high = STATEMENTS[statement]
    value = (
        st.sampled_from([0.0, 1.0])
        if low == 0 and high == 1
        else st.integers(low * 4, high * 4).map(lambda n: n / 4)
    )
    confidence = st.none() | st.sampled_from([0.2, 0.4, 0.5, 0.7, 0.9])
    return st.tuples(st.integers(-5, 110), value, confidence)


key_results = st.integers(0, len(STATEMENTS) - 1).flatmap(
    lambda n: st.builds(Kr, st.just(n), st.lists(_checkin(n), max_size=5).map(tuple))
)


@st.composite
def quarters(draw: st.DrawFn) -> Quarter:
    count = draw(st.integers(1, 3))
    objectives = []
    for position in range(count):
        parent = draw(st.none() | st.integers(0, position - 1)) if position else None
        krs = draw(st.lists(key_results, min_size=1, max_size=3).map(tuple))
        objectives.append((parent, krs))
    moments = draw(st.tuples(*[st.integers(1, 2_500)] * 3))
    return Quarter(tuple(objectives), moments)


def _arrange(emu: Emulator, quarter: Quarter) -> None:
    emu.set_now(dt.datetime(2023, 12, 1, tzinfo=UTC))
    iids: list[int] = []
    for n, (parent, krs) in enumerate(quarter.objectives):
        parents = [] if parent is None else [(f"o{parent}", iids[parent])]
        iid = add_objective(emu, f"Objective {n}", key=f"o{n}", parents=parents)
        iids.append(iid)
        for kr in krs:
            statement = STATEMENTS[kr.statement][0]
            kr_iid = add_kr(emu, statement, (f"o{n}", iid))
            metric = parse_statement(statement)
            for minute, (day, value, confidence) in enumerate(kr.checkins):
                typed = format_checkin_value(value, metric)
                if confidence is not None:
                    typed += f" confidence {round(confidence * 100)}%"
                moment = dt.datetime.combine(START, dt.time(9, minute), UTC)
                emu.add_note(
                    PROJECT,
                    kr_iid,
                    f"Check-in: {typed}",
                    author="bob",
                    created_at=moment + dt.timedelta(days=day),
                )


def _after_end(days: int) -> dt.datetime:
    return dt.datetime.combine(END, dt.time(12), UTC) + dt.timedelta(days=days)


def _items(doc: dict[str, Any]) -> dict[int, tuple[float, str]]:
    out = {}
    for o in doc["objectives"]:
        out[o["iid"]] = (o["progress"], o["health"])
        for kr in o["key_results"]:
            out[kr["iid"]] = (kr["progress"], kr["health"])
    return out


def _kr_iids(objective: dict[str, Any]) -> list[int]:
    return [kr["iid"] for kr in objective["key_results"]]


def _section(md: str, ref: str) -> str:
    start = md.index(f"### {ref} ")
    end = md.find("\n### ", start + 1)
    return md[start : end if end != -1 else len(md)]


def _article(page: str, ref: str) -> str:
    start = page.index(f'<h3><span class="ref">{ref}</span>')
    end = page.find("<article", start)
    return page[start : end if end != -1 else len(page)]


def _shown_alike(written: dict[str, Any], md: str, page: str, *, health: bool) -> None:
    """The Markdown and HTML show the JSON report's numbers, rounded (and each health, in
    a progress report: a closing report shows grades and outcomes instead)."""
    for o in written["objectives"]:
        ref = f"#{o['iid']}"
        for shown_text in (_section(md, ref), _article(page, ref)):
            assert display.percent(o["progress"]) in shown_text
            if health:
                assert display.health_label(o["health"]) in shown_text
            for kr in o["key_results"]:
                assert display.percent(kr["progress"]) in shown_text
                current = display.value(kr["current"], kr["unit"], kr["unit_word"])
                assert current in shown_text, (kr["title"], current)
    shown_days = re.findall(r"\| (\d+) \|\n", md)  # days since a check-in: to the end
    assert all(int(days) < 200 for days in shown_days)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(quarters())
def test_status_reports_and_labels_agree_for_quarters_evaluated_after_their_end(
    quarter: Quarter,
) -> None:
    emu = Emulator.sandbox(base_url=SANDBOX_URL)
    with emu.mock(SANDBOX_URL), tempfile.TemporaryDirectory() as out:
        _arrange(emu, quarter)
        rolled, shown, reported = (_after_end(days) for days in quarter.moments)
        rollup(workspace(emu, now=rolled), quarter=QUARTER)
        doc = status(workspace(emu, now=shown), quarter=QUARTER).document
        written: dict[str, dict[str, Any]] = {}
        for kind in ("progress", "closing"):
            where = Path(out) / kind
            report(workspace(emu, now=reported), quarter=QUARTER, output=where, kind=kind)
            stem = where / "okrflow-report-FY24-Q1"
            written[kind] = json.loads(stem.with_suffix(".json").read_text())
            md = stem.with_suffix(".md").read_text()
            page = html.unescape(stem.with_suffix(".html").read_text())
            _shown_alike(written[kind], md, page, health=kind == "progress")

        numbers = _items(doc)
        for kind in written:  # status --json and the JSON reports, exactly
            assert _items(written[kind]) == numbers, kind
            assert written[kind]["summary"]["health"] == doc["summary"]["health"], kind
        objectives = {o["iid"]: o for o in doc["objectives"]}
        for iid, (progress, health) in numbers.items():
            named = f"{display.health_emoji(health)} {display.health_label(health)}"
            labels = [x for x in emu.issue_labels(PROJECT, iid) if x in HEALTH_LABELS]
            if iid in objectives:  # GitLab's label and progress section
                assert labels == [NAMES.health_label(Health(health))], (iid, labels, health)
                head = section_of(emu, iid).splitlines()[0]
                assert head.startswith("**Progress** "), head
                assert head.endswith(f" {display.percent(progress)} · {named}"), (iid, head)
                continue
            # a key result: its row in its objective's table (the issue itself carries
            # no health label: a rollup writes only the objectives)
            assert labels == [], (iid, labels)
            parent = next(o for o in objectives.values() if iid in _kr_iids(o))
            row = next(
                line
                for line in section_of(emu, parent["iid"]).splitlines()
                if line.startswith(f"| #{iid} ")
            )
            assert display.percent(progress) in row and row.endswith(f"| {named} |"), row
        closing = written["closing"]
        # as of the quarter's end: no check-in after it counts, staleness stops there
        for o in closing["objectives"]:
            for kr in o["key_results"]:
                assert all(c["at"][:10] <= END.isoformat() for c in kr["checkins"])
        for stale in closing["summary"]["stale_checkins"]:
            days = stale["days_since"]
            assert days is None or days <= (END - dt.date(2023, 12, 27)).days


def test_a_closed_quarters_report_is_the_same_five_years_later(emulator: Emulator) -> None:
    quarter = Quarter(
        ((None, (Kr(0, ((10, 11_000.0, 0.7), (50, 12_500.0, None), (100, 16_000.0, 0.9))),)),),
        (1, 1, 1),
    )
    _arrange(emulator, quarter)
    rollup(workspace(emulator, now=_after_end(1)), quarter=QUARTER)
    docs = []
    for days in (1, 1_950):
        ws = workspace(emulator, now=_after_end(days))
        docs.append(build_quarter_report(ws, quarter=QUARTER, kind="closing")[0])
    first, later = docs
    for doc in docs:
        del doc["generated_at"]
    assert first == later
    (kr,) = first["objectives"][0]["key_results"]
    assert kr["current"] == 12_500  # the check-in after the quarter's end does not count
    (stale,) = first["summary"]["stale_checkins"]  # 2024-02-20 to 2024-03-31: 40 days
    assert stale["days_since"] == 40

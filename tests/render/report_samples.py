"""A seeded quarter for the report tests: real-looking OKRs, their evaluation, hostile titles.

The OKRs follow the CSM field guide (shared/seeds): a company objective, department
objectives aligned under it, key results of every metric kind, weekly check-ins. The
evaluation is built by hand with deliberately unrounded numbers, so a test can tell
a displayed value from the stored one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from okrflow.core.evaluation import Evaluation, Grade, KeyResultResult, ObjectiveResult
from okrflow.core.model import (
    CheckIn,
    Direction,
    Health,
    Initiative,
    KeyResult,
    Kind,
    Metric,
    MetricKind,
    Objective,
    Outcome,
    Problem,
    State,
)
from okrflow.core.report import build_report

QUARTER = "FY24-Q1"
GENERATED_AT = dt.datetime(2023, 4, 24, 9, 30, tzinfo=dt.timezone.utc)
START = dt.datetime(2023, 3, 6, 9, 0, tzinfo=dt.timezone.utc)

# Everything a title should never do to a report.
HOSTILE = (
    '@all <script>alert(1)</script> {{ x }} {% raw %} | "q" [b] {c} #1; `t` '
    "%%{init: {}}%% \\ end\n/close"
)
HOSTILE_KR = 'Grow @here `code` --> x["y"] <b>bold</b> | ; # from 1 to 9 &#64;all'


def _weekly(values: list[float], confidences: list[float | None] | None = None) -> list[CheckIn]:
    confidences = confidences or [None] * len(values)
    return [
        CheckIn(at=START + dt.timedelta(weeks=2 * n), value=v, confidence=c, author="bob")
        for n, (v, c) in enumerate(zip(values, confidences, strict=True))
    ]


def _kr(key: str, title: str, metric: Metric | None, iid: int, **kw: Any) -> KeyResult:
    return KeyResult(key=key, title=title, metric=metric, iid=iid, quarter=QUARTER, **kw)


def sample_objectives() -> list[Objective]:
    linear = MetricKind.LINEAR
    return [
        Objective(
            key="csm-adoption",
            title="Drive adoption in our top accounts",
            purpose="Accounts that use more stages renew.",
            owner="carol",
            team="CSM",
            level="department",
            parents=["company-valuable"],
            kind=Kind.ASPIRATIONAL,
            state=State.CLOSED,
            iid=2,
            outcome=Outcome.CARRIED_OVER,
            key_results=[
                _kr(
                    "stage-adoption",
                    "Increase stage adoption from 40% to 60%",
                    Metric(linear, 40, 60, "%"),
                    20,
                    owner="dave",
                    checkins=_weekly([41, 44.5, 47, 52.25], [0.8, 0.7, 0.6, 0.55]),
                ),
                _kr(
                    "logos",
                    "Land 5 large enterprise logos",
                    Metric(MetricKind.COUNT, 0, 5),
                    21,
                    owner="erin",
                    checkins=_weekly([1, 2, 2]),
                    initiatives=[Initiative("acme/sales#4", "ACME pilot", closed=True)],
                ),
                _kr(
                    "p1",
                    "Keep P1 incidents from exceeding 3",
                    Metric(MetricKind.THRESHOLD, 3, 3, "", Direction.DECREASE),
                    22,
                    owner="frank",
                    checkins=_weekly([1, 2, 4]),
                ),
            ],
        ),
        Objective(
            key="company-valuable",
            title="Make the product valuable and accessible to every developer",
            purpose="Growth comes from developers who get value on day one.",
            owner="alice",
            team="Company",
            level="company",
            kind=Kind.COMMITTED,
            state=State.CLOSED,
            iid=1,
            outcome=Outcome.ACHIEVED,
            key_results=[
                _kr(
                    "wau",
                    "Grow weekly active users from 10,000 to 15,000",
                    Metric(linear, 10_000, 15_000),
                    10,
                    owner="bob",
                    weight=2,
                    checkins=_weekly([10_500, 12_000, 13_250, 14_200], [0.9, 0.9, 0.85, 0.95]),
                ),
                _kr(
                    "soc2",
                    "Achieve SOC2 Type 1 compliance",
                    Metric(MetricKind.MILESTONE, 0, 1),
                    11,
                    owner="alice",
                    checkins=_weekly([0, 1]),
                ),
            ],
        ),
        Objective(
            key="csm-nps",
            title="Delight the customers we already have",
            owner="carol",
            team="CSM",
            level="department",
            parents=["company-valuable"],
            state=State.CLOSED,
            iid=3,
            outcome=Outcome.MISSED,
            key_results=[
                _kr(
                    "nps",
                    "Improve developer NPS from 25 to 35",
                    Metric(linear, 25, 35),
                    30,
                    owner="gina",
                    checkins=_weekly([25, 27, 28.5]),
                ),
                _kr(
                    "resolution",
                    "Maintain 100% resolution within 8 days",
                    Metric(MetricKind.THRESHOLD, 100, 100, "%"),
                    31,
                    owner="gina",
                    checkins=_weekly([100, 96]),
                ),
            ],
        ),
        Objective(
            key="sales-pipeline",
            title="Build the pipeline for next year",
            owner="henry",
            team="Sales",
            parents=["company-valuable", "csm-adoption"],
            state=State.ACTIVE,
            iid=4,
            key_results=[
                _kr(
                    "pipeline",
                    "Grow qualified pipeline from $1.2M to $2M",
                    Metric(linear, 1_200_000, 2_000_000, "$"),
                    40,
                    owner="henry",
                ),
                _kr("vague", "Be better at sales", None, 41, statement_problem="no from/to"),
            ],
        ),
        Objective(
            key="hostile",
            title=HOSTILE,
            purpose="Ping @all and @here, <img src=x onerror=alert(1)>\n## Owner\n<!-- x",
            owner="@all",
            team="Platform | <b>Ops</b>",
            parents=["company-valuable"],
            kind=Kind.ASPIRATIONAL,
            state=State.CLOSED,
            iid=5,
            outcome=Outcome.NOT_A_PRIORITY,
            key_results=[
                _kr(
                    "hostile-kr",
                    HOSTILE_KR,
                    Metric(linear, 1, 9, 'h|"<'),
                    50,
                    owner="@all",
                    checkins=_weekly([2, 3, 3.5]),
                )
            ],
        ),
    ]


def sample_evaluation() -> Evaluation:
    on, attention, risk = Health.ON_TRACK, Health.NEEDS_ATTENTION, Health.AT_RISK
    krs = {
        "stage-adoption": KeyResultResult(0.6125, attention, 52.25, 0.55),
        "logos": KeyResultResult(0.4, risk, 2, None),
        "p1": KeyResultResult(0.0, risk, 4, None),
        "wau": KeyResultResult(0.84, on, 14_200, 0.95),
        "soc2": KeyResultResult(1.0, on, 1, None),
        "nps": KeyResultResult(0.35, risk, 28.5, None),
        "resolution": KeyResultResult(0.0, risk, 96, None),
        "pipeline": KeyResultResult(0.0, risk, None, None),
        "vague": KeyResultResult(0.0, risk, None, None),
        "hostile-kr": KeyResultResult(0.3125, attention, 3.5, None),
    }
    objectives = {
        "company-valuable": ObjectiveResult(0.8933333333333334, on, 0.75, Grade.GREEN, True),
        "csm-adoption": ObjectiveResult(0.33749999999999997, attention, 0.35, Grade.RED, False),
        "csm-nps": ObjectiveResult(0.175, risk, 0.175, Grade.RED, False),
        "sales-pipeline": ObjectiveResult(0.004, risk, None, None, None),
        "hostile": ObjectiveResult(0.3125, attention, 0.3125, Grade.RED, False),
    }
    problems = [Problem("#9 note 77", "could not read `Check-in: lots` from @all | <i>x</i>")]
    return Evaluation(objectives=objectives, key_results=krs, problems=problems)


def sample_doc(**kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "quarter": QUARTER,
        "objectives": sample_objectives(),
        "evaluation": sample_evaluation(),
        "generated_at": GENERATED_AT,
        "project": "acme/okrs",
        "findings": [{"where": "#4", "rule": "kr-count", "message": "2 key results; want 3 to 5"}],
    }
    args.update(kw)
    return build_report(**args)


def sample_history() -> list[dict[str, Any]]:
    """Three earlier quarters as their closings kept them."""

    def entry(quarter: str, scores: dict[str | None, float]) -> dict[str, Any]:
        teams = [
            {"team": t, "objectives": 2, "average_score": s, "average_progress": s}
            for t, s in scores.items()
        ]
        overall = sum(scores.values()) / len(scores)
        return {
            "quarter": quarter,
            "start": None,
            "end": None,
            "stage": "final",
            "objectives": 2 * len(scores),
            "scored": 2 * len(scores),
            "average_score": overall,
            "average_progress": overall,
            "teams": teams,
        }

    return [
        entry("FY23-Q2", {"Company": 0.5, "CSM": 0.4}),
        entry("FY23-Q3", {"Company": 0.6, "CSM": 0.55, "Sales": 0.3}),
        entry("FY23-Q4", {"Company": 0.7, "CSM": 0.45, "Sales": 0.5}),
    ]


def story_doc(**kw: Any) -> dict[str, Any]:
    """The sample document with its whole story: dates, names, retrospectives, history."""
    from okrflow.core.ceremony import tell

    retro = {
        "quarter": QUARTER,
        "team": "CSM",
        "iid": 60,
        "web_url": "",
        "good": [{"text": "Weekly check-ins kept us honest", "author": "carol", "where": "#60"}],
        "bad": [{"text": HOSTILE, "author": "dave", "where": "#60 note 3"}],
        "try": [{"text": "Three key results per objective", "author": None, "where": "#60"}],
    }
    return tell(
        sample_doc(**kw),
        dates={
            "start": "2024-01-01",
            "end": "2024-03-31",
            "ceremony": "2024-03-25",
            "day0": "2024-04-01",
            "next_quarter": "FY24-Q2",
        },
        people={"alice": "Alice Liddell", "carol": "Carol Danvers", "dave": "Dave Bowman"},
        marked=["csm-adoption"],
        next_quarter="FY24-Q2",
        retrospectives=[retro],
        history=sample_history(),
        history_order=["FY23-Q2", "FY23-Q3", "FY23-Q4", QUARTER],
    )

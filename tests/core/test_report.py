"""core.report.build_report: the JSON report document, exactly as DESIGN.md describes it."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrflow.core.evaluation import Evaluation, Grade, KeyResultResult, ObjectiveResult
from okrflow.core.model import (
    CheckIn,
    Health,
    KeyResult,
    Kind,
    Metric,
    MetricKind,
    Objective,
    Outcome,
    Problem,
    State,
)
from okrflow.core.report import build_report, iso_utc, progress_percent, score_tenths
from okrflow.render import report_schema

UTC = dt.timezone.utc
NOW = dt.datetime(2024, 4, 24, 9, 30, 15, 123456, tzinfo=UTC)
VALIDATOR = jsonschema.Draft202012Validator(report_schema())


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2024, 4, day, hour, tzinfo=UTC)


def kr(
    key: str, iid: int | None = None, checkins: list[CheckIn] | None = None, **kw: Any
) -> KeyResult:
    metric = kw.pop("metric", Metric(MetricKind.LINEAR, 10, 20, "%"))
    return KeyResult(
        key=key,
        title=f"Grow {key} from 10% to 20%",
        metric=metric,
        iid=iid,
        checkins=checkins or [],
        **kw,
    )


def krr(
    progress: float,
    health: Health = Health.ON_TRACK,
    current: float | None = None,
    confidence: float | None = None,
) -> KeyResultResult:
    return KeyResultResult(progress, health, current, confidence)


def objr(
    progress: float,
    health: Health = Health.ON_TRACK,
    score: float | None = None,
    success: bool | None = None,
) -> ObjectiveResult:
    grade = None if score is None else Grade.GREEN if score >= 0.7 else Grade.RED
    return ObjectiveResult(progress, health, score, grade, success)


def quarter() -> tuple[list[Objective], Evaluation]:
    """A company objective, two team objectives under it, one under both."""
    objectives = [
        Objective(
            key="team-b",
            title="B",
            team="Beta",
            iid=3,
            parents=["top"],
            kind=Kind.ASPIRATIONAL,
            state=State.CLOSED,
            outcome=Outcome.CARRIED_OVER,
            key_results=[kr("b1", 31, [CheckIn(at(20), 14.5, 0.4)])],
        ),
        Objective(
            key="top",
            title="Top",
            team="Company",
            iid=1,
            owner="alice",
            state=State.CLOSED,
            outcome=Outcome.ACHIEVED,
            key_results=[kr("t1", 11, [CheckIn(at(10), 18, 0.9), CheckIn(at(3), 12)], owner="bob")],
        ),
        Objective(
            key="team-a",
            title="A",
            team="Alpha",
            iid=2,
            parents=["top"],
            state=State.CLOSED,
            key_results=[kr("a1", 21), kr("a2", 22)],
        ),
        Objective(
            key="shared",
            title="S",
            team="Alpha",
            iid=4,
            parents=["team-a", "team-b"],
            state=State.ACTIVE,
            key_results=[],
        ),
    ]
    evaluation = Evaluation(
        objectives={
            "top": objr(0.7333333333333334, score=0.75, success=False),
            "team-a": objr(0.1, Health.AT_RISK, score=0.1, success=False),
            "team-b": objr(0.45, Health.NEEDS_ATTENTION, score=0.65, success=False),
            "shared": objr(0.0, Health.AT_RISK),
        },
        key_results={
            "t1": krr(0.8, current=18, confidence=0.9),
            "b1": krr(0.45, Health.NEEDS_ATTENTION, 14.5, 0.4),
            "a1": krr(0.0, Health.AT_RISK),
            "a2": krr(0.2000000000000001, Health.AT_RISK),
        },
        problems=[Problem("#9", "bad check-in")],
    )
    return objectives, evaluation


def report(**kw: Any) -> dict[str, Any]:
    objectives, evaluation = quarter()
    args: dict[str, Any] = {
        "quarter": "FY24-Q1",
        "objectives": objectives,
        "evaluation": evaluation,
        "generated_at": NOW,
    }
    args.update(kw)
    return build_report(**args)


def objective(doc: dict[str, Any], key: str) -> dict[str, Any]:
    return next(o for o in doc["objectives"] if o["key"] == key)


def test_the_document_validates_against_the_published_schema() -> None:
    VALIDATOR.validate(report())
    VALIDATOR.validate(report(kind="progress", findings=[], project="g/okrs"))


def test_the_document_is_plain_json() -> None:
    doc = report()
    assert json.loads(json.dumps(doc, allow_nan=False)) == doc


def test_top_level_fields() -> None:
    doc = report(project="acme/okrs")
    assert doc["quarter"] == "FY24-Q1"
    assert doc["generated_at"] == "2024-04-24T09:30:15Z"
    assert doc["kind"] == "closing"
    assert doc["project"] == "acme/okrs"
    assert set(doc) >= {"objectives", "problems", "summary", "teams", "findings"}


def test_numbers_are_the_evaluations_own_unrounded() -> None:
    _objectives, evaluation = quarter()
    doc = report()
    for o in doc["objectives"]:
        result = evaluation.objectives[o["key"]]
        assert o["progress"] == result.progress
        assert o["score"] == result.score
        assert o["health"] == result.health.value
        for k in o["key_results"]:
            kr_result = evaluation.key_results[k["key"]]
            assert (k["progress"], k["current"], k["confidence"]) == (
                kr_result.progress,
                kr_result.current,
                kr_result.confidence,
            )
    assert objective(doc, "top")["progress"] == 0.7333333333333334
    assert objective(doc, "team-a")["key_results"][1]["progress"] == 0.2000000000000001


def test_objective_and_key_result_fields() -> None:
    doc = report()
    top = objective(doc, "top")
    assert top | {"key_results": None} == top | {
        "iid": 1,
        "key": "top",
        "title": "Top",
        "team": "Company",
        "state": "closed",
        "kind": "committed",
        "owner": "alice",
        "parent_iids": [],
        "score": 0.75,
        "grade": "green",
        "outcome": "achieved",
        "key_results": None,
    }
    (t1,) = top["key_results"]
    assert t1 | {"checkins": None} == t1 | {
        "iid": 11,
        "key": "t1",
        "owner": "bob",
        "start": 10.0,
        "target": 20.0,
        "unit": "%",
        "current": 18,
        "progress": 0.8,
        "health": "on track",
        "confidence": 0.9,
        "checkins": None,
    }


def test_checkins_are_oldest_first_in_utc() -> None:
    (t1,) = objective(report(), "top")["key_results"]
    assert t1["checkins"] == [
        {"at": "2024-04-03T09:00:00Z", "value": 12, "confidence": None, "author": None},
        {"at": "2024-04-10T09:00:00Z", "value": 18, "confidence": 0.9, "author": None},
    ]


def test_times_are_iso_utc_and_naive_times_are_taken_as_utc() -> None:
    plus2 = dt.timezone(dt.timedelta(hours=2))
    assert iso_utc(dt.datetime(2024, 1, 1, 12, 0, tzinfo=plus2)) == "2024-01-01T10:00:00Z"
    assert iso_utc(dt.datetime(2024, 1, 1, 12, 0, 5)) == "2024-01-01T12:00:05Z"


def test_parents_come_first_and_a_child_of_two_parents_appears_once_under_the_first() -> None:
    doc = report()
    assert [o["key"] for o in doc["objectives"]] == ["top", "team-b", "team-a", "shared"]
    assert objective(doc, "shared")["parent_iids"] == [2, 3]
    assert objective(doc, "shared")["parent_keys"] == ["team-a", "team-b"]


def test_a_parent_outside_the_report_has_a_key_but_no_iid() -> None:
    objectives, _evaluation = quarter()
    objectives[1].parents = ["annual-goal"]
    doc = report(objectives=objectives)
    assert objective(doc, "top")["parent_iids"] == []
    assert objective(doc, "top")["parent_keys"] == ["annual-goal"]


def test_score_and_grade_are_null_until_closed() -> None:
    shared = objective(report(), "shared")
    assert (shared["score"], shared["grade"], shared["success"]) == (None, None, None)


def test_summary_averages_scores_by_team_over_scored_objectives() -> None:
    summary = report()["summary"]
    by_team = {row["team"]: row for row in summary["by_team"]}
    assert by_team["Alpha"]["average_score"] == 0.1  # "shared" is not scored
    assert by_team["Alpha"]["scored"] == 1
    assert by_team["Alpha"]["average_progress"] == 0.05
    assert by_team["Company"]["average_score"] == 0.75
    assert summary["average_score"] == pytest.approx((0.75 + 0.1 + 0.65) / 3)
    assert summary["scored"] == 3


def test_score_distribution_counts_scores_as_displayed_in_tenths() -> None:
    buckets = report()["summary"]["score_distribution"]
    assert [b["label"] for b in buckets] == [f"{t / 10:.1f}" for t in range(11)]
    counts = {b["label"]: b["count"] for b in buckets if b["count"]}
    assert counts == {"0.1": 1, "0.7": 1, "0.8": 1}  # 0.65 shows as 0.7, 0.75 as 0.8


def test_committed_and_aspirational_are_summarised_apart() -> None:
    kinds = report()["summary"]["by_kind"]
    assert kinds["committed"] | {"average_score": None} == {
        "objectives": 3,
        "scored": 2,
        "average_score": None,
        "average_progress": pytest.approx((0.7333333333333334 + 0.1 + 0.0) / 3),
        "succeeded": 0,
    }
    assert kinds["committed"]["average_score"] == pytest.approx(0.425)
    assert kinds["aspirational"]["objectives"] == 1
    assert kinds["aspirational"]["average_score"] == 0.65


def test_at_risk_lists_objectives_and_key_results_at_risk() -> None:
    at_risk = report()["summary"]["at_risk"]
    assert [(r["type"], r["key"]) for r in at_risk] == [
        ("objective", "team-a"),
        ("key_result", "a1"),
        ("key_result", "a2"),
        ("objective", "shared"),
    ]
    assert at_risk[1]["objective_iid"] == 2


def test_stale_checkins_are_older_than_stale_days_or_missing() -> None:
    doc = report(today=dt.date(2024, 4, 24), stale_days=14)
    stale = {r["key"]: r for r in doc["summary"]["stale_checkins"]}
    assert set(stale) == {"a1", "a2"}  # t1 last on the 10th: exactly 14 days is not stale
    assert stale["a1"]["last_checkin_at"] is None
    assert stale["a1"]["days_since"] is None
    doc = report(today=dt.date(2024, 4, 25), stale_days=14)
    stale = {r["key"]: r for r in doc["summary"]["stale_checkins"]}
    assert stale["t1"]["days_since"] == 15
    assert stale["t1"]["last_checkin_at"] == "2024-04-10T09:00:00Z"


def test_today_defaults_to_the_utc_day_of_generated_at() -> None:
    late = dt.datetime(2024, 4, 25, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    doc = report(generated_at=late)  # 2024-04-24 20:00 UTC
    assert "t1" not in {r["key"] for r in doc["summary"]["stale_checkins"]}


def test_teams_group_objectives_in_document_order() -> None:
    assert report()["teams"] == [
        {"name": "Company", "objective_keys": ["top"]},
        {"name": "Beta", "objective_keys": ["team-b"]},
        {"name": "Alpha", "objective_keys": ["team-a", "shared"]},
    ]


def test_problems_join_the_evaluations_without_repeats() -> None:
    doc = report(problems=[Problem("#9", "bad check-in"), Problem("okrs.yml:3", "no title")])
    assert doc["problems"] == [
        {"where": "#9", "message": "bad check-in"},
        {"where": "okrs.yml:3", "message": "no title"},
    ]


def test_findings_are_copied_and_null_when_lint_did_not_run() -> None:
    assert report()["findings"] is None
    finding = {"where": "#4", "rule": "kr-count", "message": "2 key results"}
    assert report(findings=[finding])["findings"] == [finding]


def test_non_finite_numbers_become_null() -> None:
    _objectives, evaluation = quarter()
    evaluation.key_results["t1"] = krr(0.8, current=math.inf, confidence=math.nan)
    doc = report(evaluation=evaluation)
    (t1,) = objective(doc, "top")["key_results"]
    assert (t1["current"], t1["confidence"]) == (None, None)
    VALIDATOR.validate(doc)


def test_a_repeated_key_is_reported_once_as_scoring_does() -> None:
    objectives, _ = quarter()
    objectives.append(Objective(key="top", title="Again", key_results=[kr("t1")]))
    doc = report(objectives=objectives)
    assert [o["title"] for o in doc["objectives"]].count("Top") == 1
    assert "Again" not in [o["title"] for o in doc["objectives"]]


def test_an_unknown_kind_or_a_missing_result_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="kind"):
        report(kind="weekly")
    _objectives, evaluation = quarter()
    del evaluation.key_results["b1"]
    with pytest.raises(ValueError, match="'b1'"):
        report(evaluation=evaluation)


def test_an_unreadable_key_result_has_null_metric_fields() -> None:
    objectives, _evaluation = quarter()
    objectives[2].key_results[0] = kr("a1", 21, metric=None, statement_problem="no from/to")
    a1 = objective(report(objectives=objectives), "team-a")["key_results"][0]
    assert (a1["start"], a1["target"], a1["unit"], a1["metric"]) == (None, None, "", None)
    assert a1["problem"] == "no from/to"


@pytest.mark.parametrize(
    ("progress", "shown"),
    [(0.0, 0), (0.004, 1), (0.005, 1), (0.125, 13), (0.724, 72), (0.995, 99), (1.0, 100)],
)
def test_progress_shows_as_a_whole_percent_never_100_before_done(
    progress: float, shown: int
) -> None:
    assert progress_percent(progress) == shown


@pytest.mark.parametrize(
    ("score", "tenths"),
    [(0.0, 0), (0.05, 1), (0.25, 3), (0.35, 4), (0.65, 7), (0.75, 8), (1.0, 10)],
)
def test_scores_show_to_one_decimal_rounded_half_up(score: float, tenths: int) -> None:
    assert score_tenths(score) == tenths


def test_score_tenths_agrees_with_scoring() -> None:
    from okrflow.core.scoring import score_for

    for n in range(1001):
        progress = n / 1000
        assert score_tenths(progress) == round(score_for(progress) * 10)


def test_a_report_through_scoring_evaluate() -> None:
    from okrflow.core.scoring import evaluate

    objectives, _ = quarter()
    evaluation = evaluate(objectives, elapsed=1.0)
    doc = build_report(
        quarter="FY24-Q1", objectives=objectives, evaluation=evaluation, generated_at=NOW
    )
    VALIDATOR.validate(doc)
    for o in doc["objectives"]:
        assert o["progress"] == evaluation.objectives[o["key"]].progress
        assert o["score"] == evaluation.objectives[o["key"]].score
        for k in o["key_results"]:
            assert k["progress"] == evaluation.key_results[k["key"]].progress
    assert objective(doc, "top")["score"] is not None  # closed
    assert objective(doc, "shared")["score"] is None  # active


unit = st.floats(0, 1, allow_nan=False)
health = st.sampled_from(list(Health))


@settings(max_examples=60, deadline=None)
@given(
    kr_values=st.lists(
        st.tuples(unit, health, st.none() | st.floats(-1e9, 1e9), st.none() | unit),
        min_size=4,
        max_size=4,
    ),
    obj_values=st.lists(st.tuples(unit, health, st.none() | unit), min_size=4, max_size=4),
)
def test_any_evaluation_gives_a_valid_document_with_its_exact_numbers(
    kr_values: list[tuple[float, Health, float | None, float | None]],
    obj_values: list[tuple[float, Health, float | None]],
) -> None:
    _objectives, evaluation = quarter()
    for key, (p, h, current, confidence) in zip(["t1", "b1", "a1", "a2"], kr_values, strict=True):
        evaluation.key_results[key] = krr(p, h, current, confidence)
    for key, (p, h, score) in zip(["top", "team-a", "team-b", "shared"], obj_values, strict=True):
        evaluation.objectives[key] = objr(p, h, score)
    doc = report(evaluation=evaluation)
    VALIDATOR.validate(doc)
    for o in doc["objectives"]:
        assert o["progress"] == evaluation.objectives[o["key"]].progress
        assert o["score"] == evaluation.objectives[o["key"]].score
        for k in o["key_results"]:
            assert k["current"] == evaluation.key_results[k["key"]].current
    assert sum(b["count"] for b in doc["summary"]["score_distribution"]) == doc["summary"]["scored"]

"""Relative targets: the baseline from the first check-in, the target derived from it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from okrflow.core.meta import Meta
from okrflow.core.model import (
    Change,
    ChangeKind,
    CheckIn,
    Direction,
    KeyResult,
    Metric,
    MetricKind,
    Objective,
)
from okrflow.core.relative import with_baseline
from okrflow.core.scoring import evaluate
from okrflow.core.statements import parse_statement

T0 = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    ("sentence", "baseline", "target"),
    [
        ("Increase weekly active users by 20%", 10_000, 12_000),
        ("Reduce tech debt by 30%", 200, 140),
        ("Double trial-to-paid conversion", 4, 8),
        ("Halve onboarding time", 10, 5),
        ("Cut onboarding time in half", 10, 5),
        ("Reduce onboarding time by half", 10, 5),
        ("Grow revenue 3x", 1_000_000, 3_000_000),
        ("Reduce AWS spend by $10k per month", 120_000, 110_000),
        ("NPS up 50 over previous quarter", -10, 40),
        ("Increase test coverage to 80%", 60, 80),
        ("Reduce P1 incidents to 3", 9, 3),
        ("Increase conversion by 5 percentage points", 12, 17),
        ("Improve MTTR by 30%", 100, 70),  # MTTR is better lower: improving it goes down
    ],
)
def test_the_target_follows_from_the_baseline(
    sentence: str, baseline: float, target: float
) -> None:
    metric = parse_statement(sentence)
    assert metric.kind is MetricKind.LINEAR and metric.baseline_pending
    known = with_baseline(metric, baseline)
    assert (known.start, known.target, known.baseline_pending) == (baseline, target, False)
    assert known.change == metric.change and known.direction is metric.direction


@pytest.mark.parametrize(
    ("metric", "baseline", "words"),
    [
        (parse_statement("Increase weekly active users by 20%"), 0, "baseline of 0 or below"),
        (parse_statement("Double trial-to-paid conversion"), -3, "baseline of 0 or below"),
    ],
)
def test_a_baseline_that_sets_no_target_is_refused(
    metric: Metric, baseline: float, words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        with_baseline(metric, baseline)


def _result(metric: Metric, *values: float) -> tuple[float, bool, list[str]]:
    checkins = [CheckIn(T0 + dt.timedelta(days=i), v) for i, v in enumerate(values)]
    kr = KeyResult("kr", "kr", metric=metric, checkins=checkins, iid=7)
    evaluation = evaluate([Objective("o", "o", key_results=[kr])], elapsed=0.5)
    result = evaluation.key_results["kr"]
    return result.progress, result.baseline_pending, [p.message for p in evaluation.problems]


def test_before_a_baseline_progress_is_0_and_the_state_says_pending() -> None:
    metric = parse_statement("Increase weekly active users by 20%")
    assert _result(metric) == (0.0, True, [])
    assert _result(metric, 10_000) == (0.0, False, [])
    assert _result(metric, 10_000, 11_000) == (0.5, False, [])
    assert _result(metric, 10_000, 13_000) == (1.0, False, [])


def test_the_baseline_is_the_oldest_checkin_whatever_the_order() -> None:
    metric = parse_statement("Increase weekly active users by 20%")
    late, early = CheckIn(T0 + dt.timedelta(days=7), 11_000), CheckIn(T0, 10_000)
    kr = KeyResult("kr", "kr", metric=metric, checkins=[late, early])
    result = evaluate([Objective("o", "o", key_results=[kr])], elapsed=0.5).key_results["kr"]
    assert result.progress == 0.5
    assert result.metric is not None and (result.metric.start, result.metric.target) == (
        10_000,
        12_000,
    )


def test_a_baseline_that_sets_no_target_is_a_problem_and_progress_stays_0() -> None:
    metric = parse_statement("Increase weekly active users by 20%")
    progress, waiting, problems = _result(metric, 0, 50)
    assert (progress, waiting) == (0.0, True)
    assert problems == [
        "baseline 0 from the first check-in: a percentage of a baseline of 0 "
        "or below sets no target: write 'from <x> to <y>'"
    ]


def test_a_target_already_reached_at_the_baseline_is_held_or_not() -> None:
    metric = parse_statement("Increase test coverage to 80%")
    assert _result(metric, 85)[0] == 1.0
    assert _result(metric, 85, 79)[0] == 0.0


def test_the_new_metric_fields_round_trip_through_the_metadata() -> None:
    metric = Metric(
        MetricKind.LINEAR,
        0,
        0,
        "$",
        Direction.DECREASE,
        "per month",
        "end of Q2",
        Change(ChangeKind.AMOUNT, 10_000),
        baseline_pending=True,
    )
    strict = parse_statement("Keep churn under 5%")
    for one in (metric, strict):
        data = json.loads(json.dumps(Meta(metric=one).to_dict()))
        again, problems = Meta.from_dict(data)
        assert problems == [] and again.metric == one
    assert "basis" not in Meta(metric=metric).to_dict()["metric"]
    broken, problems = Meta.from_dict(
        {"metric": {"kind": "linear", "start": 1, "target": 2, "baseline_pending": "yes"}}
    )
    assert broken.metric is None and problems

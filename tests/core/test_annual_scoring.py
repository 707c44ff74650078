"""Annual objectives: scoring over the year's quarters and the alignment rules
(okrflow.core.annual, okrflow.core.scoring)."""

from __future__ import annotations

import datetime as dt

import pytest

from okrflow.core.annual import checked_alignment, fiscal_year_of, under_annual
from okrflow.core.calendar import FiscalCalendar
from okrflow.core.dates import QuarterDates
from okrflow.core.model import CheckIn, Health, KeyResult, Metric, MetricKind, Objective
from okrflow.core.scoring import evaluate

CAL = FiscalCalendar()
T0 = dt.datetime(2026, 2, 1, tzinfo=dt.timezone.utc)


def kr(key: str, target: float, value: float) -> KeyResult:
    """A key result from 0 to ``target`` checked in at ``value``."""
    metric = Metric(MetricKind.LINEAR, 0, target)
    return KeyResult(key, key, metric=metric, checkins=[CheckIn(T0, value)])


def done(key: str) -> KeyResult:
    return kr(key, 1, 1)


def half(key: str) -> KeyResult:
    return kr(key, 2, 1)


def rock(key: str = "rock", year: str = "FY27", **kwargs: object) -> Objective:
    return Objective(key, "Win the mid-market", year=year, iid=1, **kwargs)  # type: ignore[arg-type]


def quarterly(key: str, quarter: str, *krs: KeyResult, parents: tuple[str, ...] = ()) -> Objective:
    return Objective(key, key, quarter=quarter, parents=list(parents), key_results=list(krs))


def test_an_annual_objective_rolls_up_two_quarters_objectives() -> None:
    q1 = quarterly("q1", "FY27-Q1", done("a"), half("b"), parents=("rock",))
    q2 = quarterly("q2", "FY27-Q2", kr("c", 4, 1), parents=("rock",))
    q2_team = quarterly("q2-team", "FY27-Q2", done("d"), parents=("q2",))
    # q1 = mean(1, 0.5) = 0.75; q2 = mean(kr c 1/4 = 0.25, q2-team 1.0) = 0.625;
    # rock = mean(q1 0.75, q2 0.625) = 0.6875
    result = evaluate([rock(), q1, q2, q2_team], elapsed=0.5)
    assert result.objectives["q1"].progress == 0.75
    assert result.objectives["q2"].progress == 0.625
    assert result.objectives["rock"].progress == 0.6875
    assert result.problems == []


def test_an_annual_objective_is_paced_by_the_year() -> None:
    q1 = quarterly("q1", "FY27-Q1", half("b"), parents=("rock",))
    # progress 0.5: at 0.9 of the quarter (0.5 < 0.9 * 0.8 = 0.72, >= 0.45) it needs
    # attention; at 0.3 of the year (0.5 >= 0.24) it is on track
    result = evaluate([rock(), q1], elapsed=0.9, year_elapsed=0.3)
    assert result.objectives["q1"].health is Health.NEEDS_ATTENTION
    assert result.objectives["rock"].health is Health.ON_TRACK
    paced_as_quarter = evaluate([rock(), q1], elapsed=0.9)
    assert paced_as_quarter.objectives["rock"].health is Health.NEEDS_ATTENTION


def test_fiscal_year_of_an_objective() -> None:
    assert fiscal_year_of(rock(), CAL) == 2027
    assert fiscal_year_of(quarterly("q", "FY26-Q4"), CAL) == 2026
    assert fiscal_year_of(Objective("x", "x"), CAL) is None


def test_an_annual_objective_under_a_quarterly_one_is_dropped_with_a_problem() -> None:
    q1 = Objective("q1", "q1", quarter="FY27-Q1", iid=7)
    objectives, problems = checked_alignment([rock(parents=["q1"]), q1], CAL)
    assert objectives[0].parents == []
    assert [p.message for p in problems] == [
        "the annual objective #1 (FY27) cannot align under the quarterly objective #7 "
        "(FY27-Q1): align the quarterly objective under the annual one instead"
    ]


def test_a_quarterly_objective_under_another_years_annual_one_is_dropped() -> None:
    q1 = Objective("q1", "q1", quarter="FY28-Q1", iid=7, parents=["rock", "other"])
    objectives, problems = checked_alignment([rock(), q1], CAL)
    assert objectives[1].parents == ["other"]  # a parent not read is scoring's to report
    assert [p.message for p in problems] == [
        "#7 (FY28-Q1) is aligned under the annual objective #1 of another fiscal year "
        "(FY27): align it under an annual objective of FY28"
    ]


def test_a_key_result_directly_under_an_annual_objective_is_a_problem() -> None:
    stray = KeyResult("k", "Land 5 logos", iid=9)
    objectives, problems = checked_alignment([rock(key_results=[stray])], CAL)
    assert objectives[0].key_results == [stray]  # still its direct child in the rollup
    assert [(p.where, p.message) for p in problems] == [
        (
            "#1",
            "key result #9 is directly under the annual objective #1 (FY27): key results "
            "belong to quarters; put it under a quarterly objective aligned under it",
        )
    ]


@pytest.mark.parametrize("depth", [1, 3])
def test_under_annual_follows_alignment_at_any_depth(depth: int) -> None:
    chain = [quarterly("o0", "FY27-Q2", parents=("rock",))]
    chain += [quarterly(f"o{i}", "FY27-Q2", parents=(f"o{i - 1}",)) for i in range(1, depth)]
    loose = quarterly("loose", "FY27-Q2")
    assert under_annual([loose, *reversed(chain), rock()]) == {"rock"} | {o.key for o in chain}


def test_another_quarters_objective_is_evaluated_by_its_own_quarter() -> None:
    # FY26-Q1 is over (2026-01-01..03-31): its key result counts the check-ins up to its
    # end (4 of 8 on March 1st = 0.5, not the 8 of April 10th) and is paced by all of it
    late = dt.datetime(2026, 4, 10, tzinfo=dt.timezone.utc)
    stepped = KeyResult(
        "s",
        "s",
        metric=Metric(MetricKind.LINEAR, 0, 8),
        checkins=[CheckIn(dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc), 4), CheckIn(late, 8)],
    )
    q1 = quarterly("q1", "FY26-Q1", stepped, parents=("rock",))
    q1_dates = QuarterDates(dt.date(2026, 1, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 15))
    now = QuarterDates(dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 4, 15))
    result = evaluate(
        [rock(year="FY26"), q1], elapsed=now.elapsed, dates=now, periods={"q1": q1_dates}
    )
    assert result.key_results["s"].progress == 0.5
    # 0.5 against all of Q1 gone: below 0.8, at least 0.5 -> needs attention
    assert result.objectives["q1"].health is Health.NEEDS_ATTENTION
    assert result.objectives["rock"].progress == 0.5
    mine = evaluate([rock(year="FY26"), q1], elapsed=now.elapsed, dates=now)
    assert mine.key_results["s"].progress == 1.0  # by the current quarter's day

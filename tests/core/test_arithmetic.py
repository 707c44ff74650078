"""One arithmetic: exact progress, exact health lines, one rounding rule for scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrflow.core.arithmetic import as_float, clamp, exact, round_half_up
from okrflow.core.evaluation import Grade
from okrflow.core.model import (
    CheckIn,
    Health,
    KeyResult,
    Kind,
    Metric,
    MetricKind,
    Objective,
    State,
)
from okrflow.core.scoring import evaluate, grade_for, kr_health, kr_progress, score_for
from okrflow.core.statements import parse_statement

T0 = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)


def test_a_float_is_read_as_the_decimal_it_prints_as() -> None:
    assert exact(0.1) == Fraction(1, 10)
    assert exact(0.8) == Fraction(4, 5)
    assert exact(Decimal("2.50")) == Fraction(5, 2)
    assert exact(-0.0) == 0
    with pytest.raises(ValueError, match="finite"):
        exact(float("nan"))


def test_round_half_up_is_the_one_score_rule() -> None:
    assert round_half_up(Fraction(13, 20)) == Fraction(7, 10)  # 0.65 -> 0.7
    assert round_half_up(Fraction(1, 4)) == Fraction(3, 10)  # 0.25 -> 0.3
    assert round_half_up(Fraction(649, 1000)) == Fraction(6, 10)
    assert round_half_up(Fraction(-1, 4)) == Fraction(-3, 10)
    assert clamp(Fraction(3, 2)) == 1 and clamp(Fraction(-1)) == 0


def test_the_0_8_edge_has_one_answer_everywhere() -> None:
    # "Raise conversion from 0.1% to 0.2%", checked in at 0.18%: in floats the progress is
    # 0.7999999999999998, under the 0.8 on-track line at the quarter's end.
    assert (0.18 - 0.1) / (0.2 - 0.1) == 0.7999999999999998
    metric = parse_statement("Raise conversion from 0.1% to 0.2%")
    assert kr_progress(metric, 0.18) == 0.8
    kr = KeyResult("kr", "kr", metric=metric, checkins=[CheckIn(T0, 0.18)])
    objective = Objective("o", "o", key_results=[kr], state=State.CLOSED, kind=Kind.COMMITTED)
    result = evaluate([objective], elapsed=1.0)
    assert result.key_results["kr"].progress == 0.8
    # the terminal, GitLab and every report read this one result, or recompute from its float
    assert result.key_results["kr"].health is Health.ON_TRACK
    assert kr_health(result.key_results["kr"].progress, 1.0) is Health.ON_TRACK
    assert result.objectives["o"].score == score_for(result.key_results["kr"].progress) == 0.8


def test_health_lines_are_compared_exactly() -> None:
    # 0.72 >= 0.9 * 0.8, though 0.9 * 0.8 is 0.7200000000000001 in floats
    assert 0.72 < 0.9 * 0.8
    assert kr_health(0.72, 0.9) is Health.ON_TRACK
    assert kr_health(0.45, 0.9) is Health.NEEDS_ATTENTION  # 0.45 == 0.9 * 0.5 exactly
    assert kr_health(0.9, 0.5, 0.3) is Health.NEEDS_ATTENTION  # 0.3 is not below the 0.3 line
    assert kr_health(Fraction(31, 91) * Fraction(4, 5), Fraction(31, 91)) is Health.ON_TRACK


def test_objective_means_are_exact_and_do_not_depend_on_order() -> None:
    def objective(order: list[float]) -> float:
        krs = [
            KeyResult(
                f"k{i}", "k", metric=Metric(MetricKind.LINEAR, 0, 1), checkins=[CheckIn(T0, v)]
            )
            for i, v in enumerate(order)
        ]
        return (
            evaluate([Objective("o", "o", key_results=krs)], elapsed=0.5).objectives["o"].progress
        )

    values = [0.1, 0.2, 0.3, 0.4, 0.7]
    assert objective(values) == objective(list(reversed(values))) == 0.34
    assert sum(values) / 5 != 0.34  # floats say 0.33999999999999997


@given(st.decimals(min_value=0, max_value=1, places=3))
def test_score_and_grade_come_from_the_published_progress(value: Decimal) -> None:
    progress = float(value)
    score = score_for(progress)
    assert Fraction(score).limit_denominator(10) == round_half_up(Fraction(value))
    assert grade_for(score) is (
        Grade.GREEN if score >= 0.7 else Grade.YELLOW if score >= 0.4 else Grade.RED
    )
    assert as_float(exact(score)) == score

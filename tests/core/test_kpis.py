"""KPIs: a standing measure's healthy range, from a sentence or from fields."""

from __future__ import annotations

import pytest

from okrflow.core.kpis import KpiRange, explain_kpi, kpi_range, read_kpi, read_kpi_or_error
from okrflow.core.model import Direction
from okrflow.core.statements import StatementError


def test_the_healthy_range_includes_its_bounds_unless_strict() -> None:
    between = read_kpi("Focus days per engineer between 3 and 5 a month")
    assert between.direction is None
    assert [between.healthy(v) for v in (2.9, 3, 4, 5, 5.1)] == [False, True, True, True, False]
    under = read_kpi("Average first response under 4 hours")
    assert under.direction is Direction.DECREASE and under.strict
    assert [under.healthy(v) for v in (3.9, 4, 4.1)] == [True, False, False]
    at_most = read_kpi("We maintain an overall average 7 day resolution")
    assert [at_most.healthy(v) for v in (6.5, 7, 7.5)] == [True, True, False]


def test_explain_kpi() -> None:
    assert explain_kpi(read_kpi("Average first response under 4 hours")) == (
        "healthy below 4 hours (lower is better)"
    )
    assert explain_kpi(read_kpi("Response SLA met 95% of the time or more")) == (
        "healthy at least 95% (higher is better)"
    )
    assert explain_kpi(read_kpi("Focus days per engineer between 3 and 5 a month")) == (
        "healthy between 3 and 5 per month"
    )


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("Reduce MTTR from 2h to 1h", "not-a-range", "a range to stay in"),
        ("Increase weekly active users by 20%", "not-a-range", "not a target to reach"),
        ("Launch the new pricing page", "not-a-range", "range to stay in"),
        ("Keep engineering allocation at 40%", "unknown-direction", "a floor or a ceiling"),
    ],
)
def test_a_sentence_that_states_no_range_is_refused(text: str, code: str, words: str) -> None:
    error = read_kpi_or_error(text)
    assert isinstance(error, StatementError)
    assert error.code == code and words in error.reason


def test_kpi_range_from_fields() -> None:
    assert kpi_range(low=3, high=5) == KpiRange(3, 5)
    assert kpi_range(high=4, unit="hours") == KpiRange(None, 4, "h")
    with pytest.raises(StatementError, match="swap them"):
        kpi_range(low=5, high=3)
    with pytest.raises(StatementError, match="needs a healthy range"):
        kpi_range()

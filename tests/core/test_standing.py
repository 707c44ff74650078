"""okrflow.core.standing: where a KPI stands, its weekly trend and its time out of range."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from okrflow.core.kpis import read_kpi
from okrflow.core.model import CheckIn, Health
from okrflow.core.standing import Kpi, evaluate_kpi, evaluate_kpis

UTC = dt.timezone.utc
FIRST, LAST = dt.date(2024, 1, 1), dt.date(2024, 1, 21)  # three weeks


def kpi(*checkins: tuple[str, float], text: str = "Average first response under 4 hours") -> Kpi:
    return Kpi(
        "response",
        text,
        read_kpi(text),
        checkins=[
            CheckIn(dt.datetime.fromisoformat(at).replace(tzinfo=UTC), value)
            for at, value in checkins
        ],
    )


def test_before_any_value_it_needs_attention_and_nothing_is_measured() -> None:
    result = evaluate_kpi(kpi(), first=FIRST, last=LAST)
    assert (result.current, result.healthy, result.health) == (None, None, Health.NEEDS_ATTENTION)
    assert [w.value for w in result.weeks] == [None, None, None]
    assert (result.days_measured, result.days_out_of_range) == (0, 0)
    assert result.out_of_range_share is None


def test_time_out_of_range_counts_the_days_each_value_was_in_force() -> None:
    result = evaluate_kpi(
        kpi(("2024-01-03T09:00", 3), ("2024-01-08T09:00", 4.5), ("2024-01-15T09:00", 3.5)),
        first=FIRST,
        last=LAST,
    )
    # measured from Jan 3 to Jan 21 (19 days); 4.5 hours from Jan 8 to 14: 7 days out
    assert (result.days_measured, result.days_out_of_range) == (19, 7)
    assert result.out_of_range_share == Fraction(7, 19)
    assert (result.current, result.healthy, result.health) == (3.5, True, Health.ON_TRACK)


def test_the_weekly_trend_is_the_latest_value_of_each_seven_days_from_the_first() -> None:
    result = evaluate_kpi(
        kpi(("2024-01-02T09:00", 3), ("2024-01-05T09:00", 5), ("2024-01-16T09:00", 2)),
        first=FIRST,
        last=LAST,
    )
    assert [(w.start, w.value, w.healthy) for w in result.weeks] == [
        (dt.date(2024, 1, 1), 5, False),
        (dt.date(2024, 1, 8), None, None),  # nobody checked in that week
        (dt.date(2024, 1, 15), 2, True),
    ]
    assert result.health is Health.ON_TRACK


def test_a_value_from_before_the_window_is_in_force_from_its_first_day() -> None:
    result = evaluate_kpi(kpi(("2023-12-20T09:00", 6)), first=FIRST, last=LAST)
    assert (result.days_measured, result.days_out_of_range) == (21, 21)
    assert result.health is Health.AT_RISK and result.weeks[0].value is None


def test_checkins_after_the_day_evaluated_do_not_count() -> None:
    later = kpi(("2024-01-03T09:00", 3), ("2024-01-25T09:00", 9))
    result = evaluate_kpi(later, first=FIRST, last=LAST)
    assert result.current == 3 and result.days_out_of_range == 0
    assert evaluate_kpi(later, first=FIRST, last=LAST) == result  # and again, the same


def test_a_two_sided_range_judges_both_ends_and_strict_excludes_its_bound() -> None:
    between = kpi(("2024-01-01T09:00", 2), text="Focus days per engineer between 3 and 5 a month")
    assert evaluate_kpi(between, first=FIRST, last=LAST).healthy is False
    at_bound = kpi(("2024-01-01T09:00", 4))  # under 4 hours: 4 is not under
    assert evaluate_kpi(at_bound, first=FIRST, last=LAST).healthy is False


def test_evaluate_kpis_keys_the_results_and_keeps_the_first_of_a_repeated_key() -> None:
    one, two = kpi(("2024-01-02T09:00", 1)), kpi(("2024-01-02T09:00", 9))
    results = evaluate_kpis([one, two], first=FIRST, last=LAST)
    assert list(results) == ["response"] and results["response"].current == 1


def test_a_kpi_reads_checkins_in_its_range_unit_and_word() -> None:
    response = kpi()
    assert response.metric is not None
    assert (response.metric.unit, response.metric.target, response.metric.strict) == ("h", 4, True)
    assert Kpi("x", "x", None).metric is None

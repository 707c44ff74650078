"""A reading in one line, for its owner to confirm."""

from __future__ import annotations

import pytest

from okrflow.core.explain import explain, show
from okrflow.core.relative import with_baseline
from okrflow.core.statements import parse_statement


@pytest.mark.parametrize(
    ("sentence", "line"),
    [
        ("Maintain an overall average 7 day resolution", "at most 7 days (lower is better)"),
        (
            "Increase advisory board attendance from 4 to 10 customers",
            "from 4 to 10 customers, higher is better",
        ),
        (
            "Increase weekly active users by 20%",
            "baseline pending: +20% from the first check-in",
        ),
        (
            "Increase test coverage to 80%",
            "baseline pending: to 80% from the first check-in, higher is better",
        ),
        ("Double trial-to-paid conversion", "baseline pending: x2 from the first check-in"),
        (
            "Reduce AWS spend by $10k per month",
            "baseline pending: -$10,000 per month from the first check-in",
        ),
        ("Reduce MTTR from 2h 30m to 45m", "from 150 minutes to 45 minutes, lower is better"),
        ("Improve CSAT from 4.2/5 to 4.6/5", "from 4.2/5 to 4.6/5, higher is better"),
        (
            "Sourcegraph Champions Program V1 deployed with at least 15 champions in mid-June",
            "from 0 to 15 champions, higher is better, due mid-June",
        ),
        ("Public Learn Platform MVP deployed in June", "done or not done, due June"),
        ("Average first response under 4 hours", "below 4 hours (lower is better)"),
        ("We maintain 1 hour response SLA 100% of the time", "at least 100% (higher is better)"),
    ],
)
def test_explain_says_the_reading_in_one_line(sentence: str, line: str) -> None:
    assert explain(parse_statement(sentence)) == line


def test_explain_names_where_the_reading_comes_from() -> None:
    metric = parse_statement("Maintain an overall average 7 day resolution")
    assert explain(metric, origin="the statement") == (
        "at most 7 days (lower is better), from the statement"
    )


def test_a_relative_target_once_its_baseline_is_known() -> None:
    metric = with_baseline(parse_statement("Increase weekly active users by 20%"), 10_000)
    assert explain(metric) == ("from 10,000 to 12,000, higher is better (+20% of the first value)")


def test_show_writes_a_value_with_its_unit_and_word() -> None:
    assert show(1, "d") == "1 day"
    assert show(90, "min") == "90 minutes"
    assert show(10, "", "customers") == "10 customers"
    assert show(90_000, "$", "per month") == "$90,000 per month"
    assert show(4.6, "/5") == "4.6/5"

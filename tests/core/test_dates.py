"""Due dates in statements, their calendar date in a quarter, and pace to them."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from okrflow.core.dates import QuarterDates, find_due, pace_elapsed, resolve_due
from okrflow.core.model import CheckIn, Health, KeyResult, Objective
from okrflow.core.scoring import evaluate
from okrflow.core.statements import StatementError, parse_statement

# FY22-Q2 of seed 001: 2021-05-01 .. 2021-07-31
START, END = dt.date(2021, 5, 1), dt.date(2021, 7, 31)


@pytest.mark.parametrize(
    ("sentence", "due", "rest"),
    [
        ("Publish 4 guides by June 30", "June 30", "Publish 4 guides"),
        ("Program deployed with at least 15 champions in mid-June", "mid-June", None),
        ("Commit to new packaging model by end of Q2", "end of Q2", None),
        ("Achieve an NPS of 75 by the end of the quarter", "end of the quarter", None),
        ("Ship the checkout by 2025-06-30", "2025-06-30", "Ship the checkout"),
        ("Public Learn Platform MVP deployed in June", "June", None),
        ("Hire 2 engineers by 30 June", "30 June", None),
        ("Done at the end of Q2", "end of Q2", "Done"),
        ("Launch on June 1st", "June 1st", "Launch"),
        ("Land 5 logos by 2024", "", "Land 5 logos by 2024"),  # a year is a name here
        ("100% Logo Retention on Q2 Renewals", "", None),  # "on Q2" is not a date
        ("Monthly IARR is predicted at the start of the month", "", None),
    ],
)
def test_find_due_takes_the_date_out_as_said(sentence: str, due: str, rest: str | None) -> None:
    found, left = find_due(sentence)
    assert found == due
    if rest is not None:
        assert left == rest


def test_two_dates_are_refused() -> None:
    with pytest.raises(ValueError, match="two dates"):
        find_due("Ship by June 30 and by end of Q2")
    with pytest.raises(StatementError, match="two dates") as error:
        parse_statement("Ship it by June 30 and by end of Q2")
    assert error.value.code == "ambiguous"


@pytest.mark.parametrize(
    ("due", "quarter", "date"),
    [
        ("June 30", "FY22-Q2", dt.date(2021, 6, 30)),
        ("30 June", None, dt.date(2021, 6, 30)),
        ("June 30th, 2021", None, dt.date(2021, 6, 30)),
        ("mid-June", None, dt.date(2021, 6, 15)),
        ("early July", None, dt.date(2021, 7, 10)),
        ("late May", None, dt.date(2021, 5, 31)),
        ("end of June", None, dt.date(2021, 6, 30)),
        ("June", None, dt.date(2021, 6, 30)),
        ("end of the quarter", None, END),
        ("EOQ", None, END),
        ("end of Q2", "FY22-Q2", END),
        ("Q2", "FY22-Q2", END),
        ("2021-07-15", None, dt.date(2021, 7, 15)),
        # None: not this quarter, or not knowable from the quarter alone
        ("end of Q3", "FY22-Q2", None),
        ("end of Q2", None, None),
        ("March 31", None, None),
        ("2025-06-30", None, None),
        ("end of year", None, None),
        ("end of the month", None, None),
        ("June 31", None, None),
    ],
)
def test_resolve_due_in_the_quarter(due: str, quarter: str | None, date: dt.date | None) -> None:
    assert resolve_due(due, START, END, quarter) == date


def test_a_quarter_across_the_year_end_finds_january() -> None:
    # FY22-Q4 of seed 003: 2021-11-01 .. 2022-01-31
    assert resolve_due("January 15", dt.date(2021, 11, 1), dt.date(2022, 1, 31)) == dt.date(
        2022, 1, 15
    )


def test_pace_elapsed_is_the_share_of_time_to_the_due_date() -> None:
    due = dt.date(2021, 6, 15)
    assert pace_elapsed(START, due, START) == 0
    assert pace_elapsed(START, due, dt.date(2021, 5, 23)) == Fraction(22, 45)
    assert pace_elapsed(START, due, due) == 1
    assert pace_elapsed(START, due, END) == 1
    assert pace_elapsed(START, START, START) == 1


def test_pace_uses_the_due_date_when_the_quarter_is_known() -> None:
    metric = parse_statement(
        "Sourcegraph Champions Program V1 deployed with at least 15 champions in mid-June"
    )
    kr = KeyResult(
        "champions",
        "champions",
        metric=metric,
        checkins=[CheckIn(dt.datetime(2021, 6, 10, tzinfo=dt.timezone.utc), 6)],
    )
    objectives = [Objective("o", "o", key_results=[kr])]
    today = dt.date(2021, 6, 15)  # 45 of 91 days: elapsed about 0.5, but the due date is here
    elapsed = Fraction((today - START).days, (END - START).days)
    by_quarter = evaluate(objectives, elapsed=elapsed).key_results["champions"]
    by_due = evaluate(
        objectives, elapsed=elapsed, dates=QuarterDates(START, END, today, "FY22-Q2")
    ).key_results["champions"]
    assert by_quarter.progress == by_due.progress == 0.4
    assert by_quarter.health is Health.ON_TRACK  # 0.4 >= 0.5 * 0.8
    assert by_due.health is Health.AT_RISK  # due today: 0.4 < 1.0 * 0.5

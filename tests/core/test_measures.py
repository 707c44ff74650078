"""Which way a measure is better, shares, and the word a number counts."""

from __future__ import annotations

import pytest

from okrflow.core.measures import polarity, share_direction, unit_word_after, words_match
from okrflow.core.model import Direction
from okrflow.core.statements import StatementError, read_statement

LOWER, HIGHER = Direction.DECREASE, Direction.INCREASE


@pytest.mark.parametrize(
    ("text", "timed", "direction"),
    [
        ("an overall average 7 day resolution", True, LOWER),
        ("100% resolution within 8 days", False, None),  # resolution alone: a time only
        ("customer churn", False, LOWER),
        ("cost per lead", False, LOWER),
        ("NPS detractors", False, LOWER),
        ("p95 latency", False, LOWER),
        ("time to first value", True, LOWER),
        ("weekly active users", False, HIGHER),
        ("CSAT", False, HIGHER),
        ("test coverage", False, HIGHER),
        ("focus time", True, HIGHER),
        ("4h of meetings per day", True, LOWER),  # any other time: better shorter
        ("CSAT response time", False, LOWER),  # the response time of ...
        ("churned revenue", False, None),  # both, and not one qualifying the other
        ("engineering allocation", False, None),
    ],
)
def test_polarity(text: str, timed: bool, direction: Direction | None) -> None:
    assert polarity(text, timed=timed).direction is direction


def test_a_share_of_a_failure_is_better_lower() -> None:
    assert share_direction("of deploys failed") is LOWER
    assert share_direction("of tickets escalated to engineering") is LOWER
    assert share_direction("of incidents resolved without escalation") is HIGHER
    assert share_direction("of forms contacted within 5 mins") is HIGHER


@pytest.mark.parametrize(
    ("text", "number", "word"),
    [
        ("Land 5 large enterprise logos by 2024", "5", "large enterprise logos"),
        ("6 recruiters hired and onboarded", "6", "recruiters"),
        (
            "50 new marketing qualified leads that are handed on",
            "50",
            "new marketing qualified leads",
        ),
        ("Generate 50 PQLs/week", "50", "PQLs per week"),
        ("Reach 10 active customers/prospects", "10", "active customers/prospects"),
        ("Keep spend at $90k/month", "$90k", "per month"),
        ("Improve NPS from 25 to 35", "35", ""),
    ],
)
def test_unit_word_after_the_number(text: str, number: str, word: str) -> None:
    assert unit_word_after(text, text.index(number) + len(number)) == word


def test_words_match_singular_plural_and_rates() -> None:
    assert words_match("customer", "customers")
    assert words_match("logos", "large enterprise logos")
    assert words_match("/month", "per month") and words_match("a month", "per month")
    assert not words_match("logos", "customers")


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("Maintain 40% engineering allocation", "unknown-direction", "at least"),
        ("Keep churned revenue at $2k", "unknown-direction", "better lower but"),
        ("Improve MTTR from 30m to 2h", "direction", "'MTTR' is better lower"),
        ("Improve engineering allocation by 20%", "unknown-direction", "up or down?"),
        ("Grow revenue 20%", "ambiguous", "a change or a target?"),
    ],
)
def test_a_direction_the_words_do_not_give_is_asked_for(text: str, code: str, words: str) -> None:
    result = read_statement(text)
    assert isinstance(result, StatementError), result
    assert result.code == code and words in result.reason


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("5 logos signed without escalations", HIGHER),  # counts logos, not escalations
        ("4 guides published with no errors", HIGHER),
        ("We will fix 10 bugs", HIGHER),  # a count of bugs fixed
        ("3 P1 incidents", LOWER),  # a count of incidents: at most 3
        ("5 escalations per month", LOWER),
        ("Number of escalations 5", LOWER),
        ("AWS spend $90k/month", LOWER),
    ],
)
def test_a_number_of_things_is_judged_by_what_it_counts(text: str, direction: Direction) -> None:
    result = read_statement(text)
    assert not isinstance(result, StatementError), result.reason
    assert result.direction is direction

"""Check-in values as people type them (issue 13, item 6), read against their key result."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from okrflow.core.checkin_values import format_checkin_value, read_checkin_value
from okrflow.core.checkins import (
    CheckinError,
    checkin_from_comment,
    format_checkin_comment,
    parse_checkin_comment,
)
from okrflow.core.model import Metric
from okrflow.core.statements import parse_statement

ATTENDANCE = parse_statement("Increase advisory board attendance from 4 to 10 customers")
GUIDES = parse_statement("Publish 4 guides")
LOGOS = parse_statement("Land 5 large enterprise logos")
RESPONSE = parse_statement("Reduce median first response from 4h to 2h")
CSAT = parse_statement("Improve CSAT from 4.2/5 to 4.6/5")
SPEND = parse_statement("Reduce AWS spend from $120k/month to $90k/month")
SOC2 = parse_statement("Achieve SOC2 Type 1 compliance")


@pytest.mark.parametrize(
    ("text", "metric", "value"),
    [
        ("7 customers", ATTENDANCE, 7),
        ("1 customer", ATTENDANCE, 1),
        ("7", ATTENDANCE, 7),
        ("3 guides", GUIDES, 3),
        ("3 logos", LOGOS, 3),
        ("3 large enterprise logos", LOGOS, 3),
        ("90 min", RESPONSE, 1.5),
        ("1.5 days", RESPONSE, 36),
        ("1h 30m", RESPONSE, 1.5),
        ("2 hours 15 minutes", RESPONSE, 2.25),
        ("4.4/5", CSAT, 4.4),
        ("4.4", CSAT, 4.4),
        ("4.4 out of 5", CSAT, 4.4),
        ("$95k/month", SPEND, 95_000),
        ("$95,000 per month", SPEND, 95_000),
        ("$0.1M", SPEND, 100_000),
        ("done", SOC2, 1),
        ("Yes", SOC2, 1),
        ("shipped", SOC2, 1),
        ("launched", SOC2, 1),
        ("complete", SOC2, 1),
        ("not done", SOC2, 0),
        ("not yet", SOC2, 0),
        ("no", SOC2, 0),
        ("1", SOC2, 1),
    ],
)
def test_a_value_as_typed_reads_as_the_key_result_counts_it(
    text: str, metric: Metric, value: float
) -> None:
    assert float(read_checkin_value(text, metric)) == value


@pytest.mark.parametrize(
    ("text", "metric", "words"),
    [
        ("7 logos", ATTENDANCE, "counts logos, but the key result counts customers"),
        ("7%", ATTENDANCE, "is in %, but the key result counts customers"),
        ("35%", RESPONSE, "is in %, but the key result is measured in h"),
        ("88/100", CSAT, "out of 100, but the key result is a rating out of 5"),
        ("0.5", SOC2, "a milestone is done or not"),
        ("half done", SOC2, "a milestone is done or not"),
        ("lots", GUIDES, "not a number"),
    ],
)
def test_a_value_that_does_not_fit_is_refused_with_the_reason(
    text: str, metric: Metric, words: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(words)):
        read_checkin_value(text, metric)


def test_a_checkin_comment_reads_against_the_metric() -> None:
    parsed = parse_checkin_comment("Check-in: 7 customers (confidence 70%)", metric=ATTENDANCE)
    assert parsed is not None and parsed.value == 7 and parsed.confidence == 0.7
    done = checkin_from_comment(
        "Check-in: done", at=dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc), metric=SOC2
    )
    assert done is not None and done.value == 1
    with pytest.raises(CheckinError, match="counts logos"):
        parse_checkin_comment("Check-in: 7 logos", metric=ATTENDANCE)
    # without the metric, the unit alone decides, as before
    with pytest.raises(CheckinError, match="is not a number"):
        parse_checkin_comment("Check-in: 7 customers")


@pytest.mark.parametrize(
    ("value", "metric", "line"),
    [
        (7, ATTENDANCE, "Check-in: 7 customers"),
        (1, SOC2, "Check-in: done"),
        (0, SOC2, "Check-in: not done"),
        (4.4, CSAT, "Check-in: 4.4/5"),
        (95_000, SPEND, "Check-in: $95,000 per month"),
    ],
)
def test_okrflow_writes_what_a_person_would_type_and_reads_it_back(
    value: float, metric: Metric, line: str
) -> None:
    text = format_checkin_comment(value, metric=metric)
    assert text.splitlines()[0] == line
    parsed = parse_checkin_comment(text, metric=metric)
    assert parsed is not None and parsed.value == value
    assert format_checkin_value(value, metric) in line

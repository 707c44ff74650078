from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrflow.core.checkins import (
    CheckinError,
    ParsedCheckin,
    checkin_from_comment,
    format_checkin_comment,
    latest_checkin,
    parse_checkin_comment,
)
from okrflow.core.errors import CoreError
from okrflow.core.model import CheckIn


@pytest.mark.parametrize(
    ("body", "unit", "expected"),
    [
        ("Check-in: 1,200", "", ParsedCheckin(1200.0, None, "")),
        ("check-in: 35% confidence 70%", "%", ParsedCheckin(35.0, 0.7, "")),
        ("Check-in: 1.5k, confidence 0.7", "", ParsedCheckin(1500.0, 0.7, "")),
        (
            "CHECK-IN: $2M (confidence 60%)\nWe signed two deals",
            "$",
            ParsedCheckin(2_000_000.0, 0.6, "We signed two deals"),
        ),
        ("Checkin: 30", "", ParsedCheckin(30.0, None, "")),
        ("check in: 30", "", ParsedCheckin(30.0, None, "")),
        ("Check-in 30", "", ParsedCheckin(30.0, None, "")),
        ("**Check-in:** 30", "", ParsedCheckin(30.0, None, "")),
        ("\n\n  Check-in: 30\n\n  note line\n", "", ParsedCheckin(30.0, None, "note line")),
        ("Check-in: 30; confidence 50%", "", ParsedCheckin(30.0, 0.5, "")),
        ("Check-in: 30 - confidence 50%", "", ParsedCheckin(30.0, 0.5, "")),
        ("Check-in: 30 | confidence: 50%", "", ParsedCheckin(30.0, 0.5, "")),
        ("Check-in: 30 confidence 50 %", "", ParsedCheckin(30.0, 0.5, "")),
        ("Check-in: 30 confidence 80", "", ParsedCheckin(30.0, 0.8, "")),
        ("Check-in: 30, 80% confidence", "", ParsedCheckin(30.0, 0.8, "")),
        ("Check-in: 30 (confidence 80%) good week", "", ParsedCheckin(30.0, 0.8, "good week")),
        ("Check-in: 30 confidence 0%", "", ParsedCheckin(30.0, 0.0, "")),
        ("Check-in: 30 confidence 100%", "", ParsedCheckin(30.0, 1.0, "")),
        ("Check-in: 30 confidence 1", "", ParsedCheckin(30.0, 1.0, "")),
        ("Check-in: 4h", "h", ParsedCheckin(4.0, None, "")),
        ("Check-in: 90min", "h", ParsedCheckin(1.5, None, "")),
        ("Check-in: 2d", "h", ParsedCheckin(48.0, None, "")),
        ("Check-in: 4 hours", "h", ParsedCheckin(4.0, None, "")),
        ("Check-in: 4h", "", ParsedCheckin(4.0, None, "")),
        ("Check-in: 12 logos", "logos", ParsedCheckin(12.0, None, "")),
        ("Check-in: -3.5", "", ParsedCheckin(-3.5, None, "")),
        ("Check-in: -$5", "$", ParsedCheckin(-5.0, None, "")),
        ("Check-in: 2€", "€", ParsedCheckin(2.0, None, "")),
        ("Check-in: £1,250.50", "", ParsedCheckin(1250.5, None, "")),
        ("Check-in: 1,234,567", "", ParsedCheckin(1234567.0, None, "")),
        ("Check-in: 3B", "", ParsedCheckin(3e9, None, "")),
        ("Check-in: `42`", "", ParsedCheckin(42.0, None, "")),
    ],
)
def test_parse_checkin_comment_reads_value_confidence_and_note(
    body: str, unit: str, expected: ParsedCheckin
) -> None:
    assert parse_checkin_comment(body, unit=unit) == expected


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Check-in: lots", "value 'lots' is not a number"),
        ("Check-in: 30 confidence 170%", "confidence 170% is out of range"),
        ("Check-in: 30 confidence 7O%", "confidence '7O' is not a number"),
        ("Check-in: 30 confidence -0.2", "confidence -0.2 is out of range"),
        ("Check-in: 30 confidence high", "confidence 'high' is not a number"),
        ("Check-in: 30 (confidence)", "confidence has no number"),
        ("Check-in:", "missing value"),
        ("Check-in: confidence 70%", "missing value"),
        ("Check-in: 1,5", "value '1,5' is not a number"),
        ("Check-in: 30 users and more", "is not a number"),
        ("Check-in: inf", "is not a number"),
        ("Check-in: nan", "is not a number"),
    ],
)
def test_parse_checkin_comment_rejects_a_malformed_checkin_with_its_reason(
    body: str, reason: str
) -> None:
    with pytest.raises(CheckinError) as caught:
        parse_checkin_comment(body)
    assert reason in caught.value.reason
    assert isinstance(caught.value, CoreError)  # the command line makes it exit 2


def test_a_value_in_another_unit_than_the_key_results_says_so() -> None:
    with pytest.raises(CheckinError) as caught:
        parse_checkin_comment("Check-in: 5h", unit="%")
    assert caught.value.reason == "value '5h' is in h, but the key result is measured in %"


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   \n  ",
        "Looks good to me",
        "Check in with Sam on Friday",
        "Check-ins are due on Fridays",
        "Checking the numbers now",
        "Note: Check-in: 30",
        "/label ~okr",
    ],
)
def test_parse_checkin_comment_returns_none_for_other_comments(body: str) -> None:
    assert parse_checkin_comment(body) is None


def test_format_checkin_comment_writes_the_documented_shape() -> None:
    assert format_checkin_comment(1200) == "Check-in: 1,200\n"
    assert (
        format_checkin_comment(35, unit="%", confidence=0.7, note=" on track ")
        == "Check-in: 35% (confidence 70%)\n\non track\n"
    )
    assert format_checkin_comment(2e6, unit="$") == "Check-in: $2,000,000\n"
    assert format_checkin_comment(-2.5, unit="$") == "Check-in: -$2.5\n"
    assert format_checkin_comment(4, unit="h") == "Check-in: 4h\n"
    assert format_checkin_comment(5, unit="logos") == "Check-in: 5 logos\n"
    assert format_checkin_comment(1, confidence=0.07) == "Check-in: 1 (confidence 7%)\n"


def test_format_checkin_comment_refuses_numbers_it_cannot_write() -> None:
    with pytest.raises(ValueError):
        format_checkin_comment(float("nan"))
    with pytest.raises(ValueError):
        format_checkin_comment(1, confidence=1.5)


UNITS = st.sampled_from(["", "%", "$", "€", "£", "h", "d", "min", "w", "hours", "logos", "ms"])


@given(
    value=st.floats(allow_nan=False, allow_infinity=False),
    unit=UNITS,
    confidence=st.none() | st.floats(min_value=0, max_value=1),
    note=st.text(),
)
def test_format_then_parse_gives_back_the_same_numbers(
    value: float, unit: str, confidence: float | None, note: str
) -> None:
    body = format_checkin_comment(value, unit=unit, confidence=confidence, note=note)
    parsed = parse_checkin_comment(body, unit=unit)
    assert parsed is not None
    assert parsed.value == value
    assert parsed.confidence == confidence
    assert (
        parsed.note == "\n".join(note.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()
    )


def _at(minute: int) -> dt.datetime:
    return dt.datetime(2024, 2, 1, 12, minute, tzinfo=dt.timezone.utc)


def test_latest_checkin_is_the_newest_and_the_later_one_on_a_tie() -> None:
    first, second, tied = CheckIn(_at(5), 1), CheckIn(_at(1), 2), CheckIn(_at(5), 3)
    assert latest_checkin([]) is None
    assert latest_checkin([first, second]) is first
    assert latest_checkin([first, second, tied]) is tied
    assert latest_checkin([tied, first]) is first


def test_latest_checkin_takes_naive_times_as_utc() -> None:
    naive = CheckIn(dt.datetime(2024, 2, 1, 12, 10), 1)
    assert latest_checkin([naive, CheckIn(_at(5), 2)]) is naive


def test_checkin_from_comment_builds_a_comment_checkin() -> None:
    made = checkin_from_comment("Check-in: 30 (confidence 80%)\nok", at=_at(0), author="bob")
    assert made == CheckIn(_at(0), 30.0, 0.8, "bob", "ok", "comment")
    assert checkin_from_comment("thanks!", at=_at(0)) is None

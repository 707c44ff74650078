"""The fiscal calendar and the OKR schedule: okrflow.core.calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrflow.core.calendar import DEFAULT_SCHEDULE, FiscalCalendar, Quarter, ScheduleStep

D = dt.date
SOURCEGRAPH = FiscalCalendar(first_month=2)  # seeds 001 and 003: FY22 = 2021-02..2022-01


# -- quarters and dates ---------------------------------------------------------------------


def test_fy22_q2_and_q4_with_a_february_year() -> None:
    q2, q4 = SOURCEGRAPH.parse("FY22-Q2"), SOURCEGRAPH.parse("FY22-Q4")
    assert (SOURCEGRAPH.start(q2), SOURCEGRAPH.end(q2)) == (D(2021, 5, 1), D(2021, 7, 31))
    assert (SOURCEGRAPH.start(q4), SOURCEGRAPH.end(q4)) == (D(2021, 11, 1), D(2022, 1, 31))
    assert SOURCEGRAPH.start(Quarter(2022, 1)) == D(2021, 2, 1)


def test_calendar_year_quarters_by_default() -> None:
    cal = FiscalCalendar()
    assert [(cal.start(Quarter(2024, n)), cal.end(Quarter(2024, n))) for n in (1, 2, 3, 4)] == [
        (D(2024, 1, 1), D(2024, 3, 31)),
        (D(2024, 4, 1), D(2024, 6, 30)),
        (D(2024, 7, 1), D(2024, 9, 30)),
        (D(2024, 10, 1), D(2024, 12, 31)),
    ]
    assert cal.quarter_of(D(2024, 12, 31)) == Quarter(2024, 4)
    assert FiscalCalendar(naming="start").start(Quarter(2024, 1)) == D(2024, 1, 1)


def test_naming_by_the_year_the_fiscal_year_starts_in() -> None:
    cal = FiscalCalendar(first_month=7, naming="start")  # FY21 = 2021-07..2022-06
    assert cal.start(Quarter(2021, 1)) == D(2021, 7, 1)
    assert cal.end(Quarter(2021, 4)) == D(2022, 6, 30)
    assert cal.quarter_of(D(2022, 1, 15)) == Quarter(2021, 3)
    ending = FiscalCalendar(first_month=7)  # FY22 = 2021-07..2022-06
    assert ending.quarter_of(D(2022, 1, 15)) == Quarter(2022, 3)


def test_quarter_of_a_seed_date() -> None:
    assert SOURCEGRAPH.quarter_of(D(2021, 5, 1)) == Quarter(2022, 2)
    assert SOURCEGRAPH.quarter_of(D(2022, 1, 31)) == Quarter(2022, 4)
    assert SOURCEGRAPH.quarter_of(D(2022, 2, 1)) == Quarter(2023, 1)
    assert SOURCEGRAPH.quarter_of(D(2021, 1, 31)) == Quarter(2021, 4)


def test_quarter_order_next_and_previous() -> None:
    assert Quarter(2024, 4).next() == Quarter(2025, 1)
    assert Quarter(2025, 1).previous() == Quarter(2024, 4)
    assert Quarter(2024, 2).next() == Quarter(2024, 3)
    assert sorted([Quarter(2025, 1), Quarter(2024, 4), Quarter(2024, 1)]) == [
        Quarter(2024, 1),
        Quarter(2024, 4),
        Quarter(2025, 1),
    ]
    assert Quarter(2024, 4) < Quarter(2025, 1)


@pytest.mark.parametrize("number", [0, 5, -1])
def test_a_quarter_is_numbered_1_to_4(number: int) -> None:
    with pytest.raises(ValueError, match="1 to 4"):
        Quarter(2024, number)


def test_elapsed_fraction_of_the_quarter() -> None:
    q = Quarter(2024, 1)  # 91 days in a leap year
    cal = FiscalCalendar()
    assert cal.elapsed(q, D(2023, 12, 1)) == 0.0
    assert cal.elapsed(q, D(2024, 1, 1)) == 0.0
    assert cal.elapsed(q, D(2024, 1, 2)) == pytest.approx(1 / 91)
    assert cal.elapsed(q, D(2024, 3, 31)) == pytest.approx(90 / 91)
    assert cal.elapsed(q, D(2024, 4, 1)) == 1.0
    assert cal.elapsed(q, D(2025, 1, 1)) == 1.0


# -- labels ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "quarter"),
    [
        ("FY24-Q1", Quarter(2024, 1)),
        ("FY23Q1", Quarter(2023, 1)),
        ("FY22-Q2", Quarter(2022, 2)),
        ("fy24 q1", Quarter(2024, 1)),
        ("FY2024-Q1", Quarter(2024, 1)),
        ("  FY24-Q3 ", Quarter(2024, 3)),
        ("FY22 Q4", Quarter(2022, 4)),
        ("Q1 FY24", Quarter(2024, 1)),
        ("Q2-FY2025", Quarter(2025, 2)),
    ],
)
def test_parse_accepts_common_spellings(label: str, quarter: Quarter) -> None:
    assert FiscalCalendar().parse(label) == quarter


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("FY24-Q5", "Q1 to Q4"),
        ("FY24-Q0", "Q1 to Q4"),
        ("2024", "write it like FY24-Q1"),
        ("", "not a quarter"),
        ("FY24", "not a quarter"),
        ("Q1", "not a quarter"),
        ("FY024-Q1", "not a quarter"),
        ("FY0000-Q1", "fiscal year 0"),
    ],
)
def test_parse_rejects_with_reason(label: str, words: str) -> None:
    with pytest.raises(ValueError, match=r".") as info:
        FiscalCalendar().parse(label)
    assert words in str(info.value)


def test_label_in_the_configured_format() -> None:
    assert FiscalCalendar().label(Quarter(2024, 1)) == "FY24-Q1"
    assert FiscalCalendar().label(Quarter(2005, 3)) == "FY05-Q3"
    cal = FiscalCalendar(label_format="{yyyy} Q{q}")
    assert cal.label(Quarter(2024, 3)) == "2024 Q3"
    assert cal.parse("2024 Q3") == cal.parse("2024q3") == Quarter(2024, 3)
    assert cal.parse("FY24-Q3") == Quarter(2024, 3)  # the common spellings still work
    assert FiscalCalendar(label_format="Q{q}/FY{yy}").parse("q3/fy24") == Quarter(2024, 3)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"first_month": 0}, "first_month must be a month number from 1 (January) to 12"),
        ({"first_month": 13}, "first_month must be"),
        ({"first_month": True}, "first_month must be"),
        ({"naming": "middle"}, "naming must be 'end' or 'start'"),
        ({"label_format": "FY{yy}"}, "must contain {q}"),
        ({"label_format": "Q{q}"}, "must contain {q} and {yy} or {yyyy}"),
        ({"label_format": "FY{yy}-Q{q}-{team}"}, "no other placeholder"),
        ({"label_format": "FY{yy-Q{q}"}, "label_format"),
    ],
)
def test_invalid_calendar_is_refused(kwargs: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=r".") as info:
        FiscalCalendar(**kwargs)  # type: ignore[arg-type]
    assert words in str(info.value)


# -- schedule -------------------------------------------------------------------------------


def test_schedule_of_the_seed_page() -> None:
    assert [(s.name, s.weeks_before) for s in DEFAULT_SCHEDULE] == [
        ("drafting", 4),
        ("review", 2),
        ("closing", 1),
        ("activate", 0),
    ]
    dates = SOURCEGRAPH.schedule_dates(SOURCEGRAPH.parse("FY22-Q2"))
    assert [(step.name, day) for step, day in dates] == [
        ("drafting", D(2021, 4, 3)),
        ("review", D(2021, 4, 17)),
        ("closing", D(2021, 4, 24)),
        ("activate", D(2021, 5, 1)),
    ]


def test_custom_schedule_steps() -> None:
    steps = [ScheduleStep("retro", 3, "team retrospective")]
    assert FiscalCalendar().schedule_dates(Quarter(2024, 2), steps) == [(steps[0], D(2024, 3, 11))]


def test_steps_due_on_a_day_and_in_a_week() -> None:
    cal = FiscalCalendar()
    due = cal.steps_on(D(2024, 3, 4))  # 4 weeks before 2024-04-01
    assert [(q, step.name, day) for q, step, day in due] == [
        (Quarter(2024, 2), "drafting", D(2024, 3, 4))
    ]
    assert cal.steps_on(D(2024, 3, 5)) == []
    week = cal.steps_on(D(2024, 3, 31), window_days=7)  # 2024-03-25 .. 2024-03-31
    assert [(step.name, day) for _, step, day in week] == [("closing", D(2024, 3, 25))]
    eight = cal.steps_on(D(2024, 4, 1), window_days=8)
    assert [(step.name, day) for _, step, day in eight] == [
        ("closing", D(2024, 3, 25)),
        ("activate", D(2024, 4, 1)),
    ]
    with pytest.raises(ValueError, match="window_days"):
        cal.steps_on(D(2024, 4, 1), window_days=0)


def test_weekly_checkins_within_the_quarter() -> None:
    weeks = SOURCEGRAPH.checkin_weeks(Quarter(2022, 2))  # 2021-05-01 is a Saturday
    assert weeks[0] == D(2021, 5, 3) and weeks[-1] == D(2021, 7, 26)
    assert len(weeks) == 13
    assert all(day.weekday() == 0 for day in weeks)
    fridays = SOURCEGRAPH.checkin_weeks(Quarter(2022, 2), weekday=4)
    assert fridays[0] == D(2021, 5, 7) and fridays[-1] == D(2021, 7, 30)
    with pytest.raises(ValueError, match="weekday"):
        SOURCEGRAPH.checkin_weeks(Quarter(2022, 2), weekday=7)


# -- properties -----------------------------------------------------------------------------

calendars = st.builds(
    FiscalCalendar,
    first_month=st.integers(1, 12),
    naming=st.sampled_from(["end", "start"]),
)
quarters = st.builds(Quarter, fiscal_year=st.integers(1902, 2098), number=st.integers(1, 4))
formats = st.sampled_from(["FY{yy}-Q{q}", "FY{yyyy}-Q{q}", "{yyyy} Q{q}", "Q{q} FY{yy}"])


@given(formats, st.integers(2000, 2099), st.integers(1, 4))
def test_label_round_trip(label_format: str, year: int, number: int) -> None:
    cal = FiscalCalendar(label_format=label_format)
    quarter = Quarter(year, number)
    assert cal.parse(cal.label(quarter)) == quarter
    assert cal.parse(cal.label(quarter).lower()) == quarter


@given(st.integers(1000, 9999), st.integers(1, 4))
def test_four_digit_label_round_trip_for_any_year(year: int, number: int) -> None:
    cal = FiscalCalendar(label_format="FY{yyyy}-Q{q}")
    assert cal.parse(cal.label(Quarter(year, number))) == Quarter(year, number)


@pytest.mark.parametrize("naming", ["end", "start"])
@pytest.mark.parametrize("first_month", range(1, 13))
def test_quarters_tile_the_fiscal_year(first_month: int, naming: str) -> None:
    cal = FiscalCalendar(first_month=first_month, naming=naming)  # type: ignore[arg-type]
    for year in range(1999, 2031):
        q1 = Quarter(year, 1)
        assert cal.start(q1).month == first_month and cal.start(q1).day == 1
        quarter = q1
        for _ in range(4):
            assert cal.start(quarter) <= cal.end(quarter)
            assert cal.end(quarter) + dt.timedelta(days=1) == cal.start(quarter.next())
            quarter = quarter.next()
        days = (cal.start(Quarter(year + 1, 1)) - cal.start(q1)).days
        assert days in (365, 366)


@given(calendars, quarters)
def test_quarter_of_start_and_end_is_the_quarter(cal: FiscalCalendar, quarter: Quarter) -> None:
    assert cal.quarter_of(cal.start(quarter)) == quarter
    assert cal.quarter_of(cal.end(quarter)) == quarter
    assert cal.start(quarter.next()) - cal.end(quarter) == dt.timedelta(days=1)
    assert 89 <= (cal.end(quarter) - cal.start(quarter)).days + 1 <= 92


@given(calendars, st.dates(min_value=D(1902, 1, 1), max_value=D(2097, 12, 31)))
def test_every_day_is_in_its_quarter(cal: FiscalCalendar, day: dt.date) -> None:
    quarter = cal.quarter_of(day)
    assert cal.start(quarter) <= day <= cal.end(quarter)
    assert 0.0 <= cal.elapsed(quarter, day) < 1.0


@given(calendars, quarters)
def test_schedule_dates_count_back_from_the_quarter_start(
    cal: FiscalCalendar, quarter: Quarter
) -> None:
    start = cal.start(quarter)
    dates = [day for _, day in cal.schedule_dates(quarter)]
    assert dates == [start - dt.timedelta(days=d) for d in (28, 14, 7, 0)]
    for step, day in cal.schedule_dates(quarter):
        assert (quarter, step, day) in cal.steps_on(day)
    weeks = cal.checkin_weeks(quarter)
    assert all(start <= day <= cal.end(quarter) for day in weeks)
    assert 12 <= len(weeks) <= 14


# -- the fiscal year as a period (annual objectives) ------------------------------------------


def test_year_label_in_the_configured_format() -> None:
    assert FiscalCalendar().year_label(2027) == "FY27"
    assert FiscalCalendar(annual_label_format="FY{yyyy}").year_label(2027) == "FY2027"
    cal = FiscalCalendar(annual_label_format="Year {yyyy}")
    assert cal.year_label(2027) == "Year 2027"
    assert cal.parse_year("year  2027") == 2027
    assert cal.parse_year("FY27") == cal.parse_year("fy2027") == 2027  # common spellings
    assert cal.is_year_label("FY27") and not cal.is_year_label("FY27-Q1")


def test_year_dates_span_its_four_quarters() -> None:
    assert SOURCEGRAPH.year_start(2022) == D(2021, 2, 1)
    assert SOURCEGRAPH.year_end(2022) == D(2022, 1, 31)
    assert SOURCEGRAPH.year_quarters(2022) == tuple(Quarter(2022, n) for n in (1, 2, 3, 4))


@pytest.mark.parametrize(
    ("label", "words"),
    [("FY27-Q1", "not a fiscal year: 'FY27-Q1'"), ("2027", "write it like FY27"), ("", "")],
)
def test_parse_year_rejects_with_reason(label: str, words: str) -> None:
    with pytest.raises(ValueError, match="not a fiscal year") as info:
        FiscalCalendar().parse_year(label)
    assert words in str(info.value)


def test_a_year_label_is_not_a_quarter() -> None:
    with pytest.raises(ValueError, match="names a fiscal year"):
        FiscalCalendar().parse("FY27")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"annual_label_format": "FY{yy}-Q1"}, "'FY24-Q1' reads as a quarter"),
        ({"annual_label_format": "Q{q} FY{yy}"}, "must contain {yy} or {yyyy}"),
        ({"annual_label_format": "Year"}, "must contain {yy} or {yyyy}"),
        # "2411" (FY24-Q1 here) would read as the year 2411
        ({"label_format": "{yy}{q}{q}", "annual_label_format": "{yyyy}"}, "could be confused"),
    ],
)
def test_a_confusable_year_format_is_refused(kwargs: dict[str, str], words: str) -> None:
    with pytest.raises(ValueError, match="annual_label_format") as info:
        FiscalCalendar(**kwargs)  # type: ignore[arg-type]
    assert words in str(info.value)


year_formats = st.sampled_from(["FY{yy}", "FY{yyyy}", "Year {yyyy}", "{yyyy}", "FY-{yy}"])


@given(year_formats, st.integers(2000, 2099))
def test_year_label_round_trip(annual_label_format: str, year: int) -> None:
    cal = FiscalCalendar(annual_label_format=annual_label_format)
    assert cal.parse_year(cal.year_label(year)) == year
    assert cal.parse_year(cal.year_label(year).upper()) == year
    for quarter in cal.year_quarters(year):  # a quarter label never reads as the year
        assert not cal.is_year_label(cal.label(quarter))
        assert cal.parse(cal.label(quarter)) == quarter

"""Key-result statements and the numbers in them: okrflow.core.statements and .values."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okrflow.core.model import Change, ChangeKind, Direction, Metric, MetricKind
from okrflow.core.quantities import find_quantities
from okrflow.core.statements import (
    StatementError,
    parse_statement,
    read_statement,
    render_statement,
)
from okrflow.core.values import canonical_unit, format_value, parse_value

INC, DEC = Direction.INCREASE, Direction.DECREASE


def linear(start: float, target: float, unit: str = "", word: str = "", due: str = "") -> Metric:
    direction = INC if target > start else DEC
    return Metric(MetricKind.LINEAR, start, target, unit, direction, word, due)


def count(target: float, unit: str = "", word: str = "") -> Metric:
    return Metric(MetricKind.COUNT, 0, target, unit, unit_word=word)


def threshold(
    level: float, unit: str, direction: Direction, word: str = "", *, strict: bool = False
) -> Metric:
    return Metric(MetricKind.THRESHOLD, level, level, unit, direction, word, strict=strict)


def pending(target: float, unit: str, direction: Direction) -> Metric:
    return Metric(MetricKind.LINEAR, target, target, unit, direction, baseline_pending=True)


MILESTONE = Metric(MetricKind.MILESTONE, 0, 1)


# -- the forms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("Improve developer NPS from 25 to 35", linear(25, 35)),
        ("Reduce median first response from 4h to 2h", linear(4, 2, "h")),
        ("Grow weekly active users from 1,200 to 1.5k", linear(1200, 1500)),
        ("Grow ARR from $1.2M to $2M", linear(1_200_000, 2_000_000, "$")),
        ("Grow ARR from €1.2M to 2M", linear(1_200_000, 2_000_000, "€")),
        ("Raise conversion from 2.5% to 4%", linear(2.5, 4, "%")),
        ("Raise conversion from 2.5 to 4%", linear(2.5, 4, "%")),
        ("Improve NPS from -10 to 20", linear(-10, 20)),
        ("Cut p95 latency from 800ms to 300ms", linear(800, 300, "ms")),
        ("Reduce time to resolve from 2 days to 36h", linear(48, 36, "h")),
        ("Reduce first reply from 1.5h to 45 min", linear(90, 45, "min")),
        ("Reduce first reply from 1h to 30m", linear(60, 30, "min")),
        ("Reduce onboarding from 3 weeks to 10 days", linear(21, 10, "d")),
        ("Grow pipeline coverage from 1.5x to 3x", linear(1.5, 3, "x")),
        ("Weekly active users grow from 10,000 to 15,000", linear(10_000, 15_000)),
        ("Improve Week-1 retention from 20% to 30% by Q3", linear(20, 30, "%", due="Q3")),
        ("Customers with 10+ seats grow from 20 to 30", linear(20, 30)),
        ("Move NPS from 25 → 35", linear(25, 35)),
        (
            "Reduce AWS spend from $120k/month to $90k/month",
            linear(120_000, 90_000, "$", "per month"),
        ),
        ("Improve NPS from 25 points to 35 points", linear(25, 35, word="points")),
        ("Land 5 large enterprise logos", count(5, word="large enterprise logos")),
        ("6 recruiters hired and onboarded", count(6, word="recruiters")),
        ("Produce 3 deliverables", count(3, word="deliverables")),
        ("Win 2 customers", count(2, word="customers")),
        ("Ship 3 case studies", count(3, word="case studies")),
        ("2 engineering deep dives", count(2, word="engineering deep dives")),
        ("$2M in new qualified pipeline", count(2_000_000, "$")),
        ("Release 5 features", count(5, word="features")),
        ("Land 5 logos by 2024", count(5, word="logos")),
        ("Keep the number of P1 incidents from exceeding 3", threshold(3, "", DEC)),
        ("Maintain 100% resolution within 8 days", threshold(100, "%", INC)),
        ("at least 95% of forms contacted within 5 minutes", threshold(95, "%", INC)),
        ("Keep churn at no more than 10%", threshold(10, "%", DEC)),
        ("Keep churn below 5%", threshold(5, "%", DEC, strict=True)),
        ("Keep churn under 5%", threshold(5, "%", DEC, strict=True)),
        ("Keep churn less than 5%", threshold(5, "%", DEC, strict=True)),
        ("Keep churn at or below 5%", threshold(5, "%", DEC)),
        ("Uptime at or above 99.9%", threshold(99.9, "%", INC)),
        ("Keep median first response under 2h", threshold(2, "h", DEC, strict=True)),
        ("Keep NPS at or above -10", threshold(-10, "", INC)),
        ("Close 20 or more deals", count(20, word="deals")),  # a count with a floor
        ("10k+ weekly active users", count(10_000, word="weekly active users")),
        ("Final Q2 hiring is 85%+ of plan", threshold(85, "%", INC)),
        ("Reduce P1 incidents to 3", pending(3, "", DEC)),  # from the first check-in
        ("100% logo retention on Q2 renewals", threshold(100, "%", INC)),
        ("3x qualified pipeline coverage", threshold(3, "x", INC)),
        ("Generate 50 PQLs/week", threshold(50, "", INC, "PQLs per week")),
        ("Achieve an NPS of 40", threshold(40, "", INC)),
        ("Forecast ARR with <30% variance", threshold(30, "%", DEC, strict=True)),
        ("Achieve SOC2 Type 1 compliance", MILESTONE),
        ("Achieve SOC2 Type1 compliance", MILESTONE),
        ("Launch the new pricing page", MILESTONE),
        ("Complete the FY22 migration", MILESTONE),
        ("Deploy the new search to all customers", MILESTONE),
        ("Updated brand guidelines are adopted internally", MILESTONE),
        ("New website plan complete", MILESTONE),
        ("Launch the 2024 roadmap", MILESTONE),
        ("We've rolled out the new onboarding flow", MILESTONE),
        ("Hire a VP of Sales", MILESTONE),
        ("Hold 4 webinars", count(4, word="webinars")),  # hold makes them here
        ("Hold churn at 2%", threshold(2, "%", DEC)),  # and holds a level there
        ("Keep churn at 5%", threshold(5, "%", DEC)),  # churn is better lower
        ("Sustain uptime at 99.9%", threshold(99.9, "%", INC)),
    ],
)
def test_statement_reads_as(text: str, metric: Metric) -> None:
    assert parse_statement(text) == metric


@pytest.mark.parametrize(
    "text",
    [
        "KR: Improve developer NPS from 25 to 35",
        "- KR: Improve developer NPS from 25 to 35.",
        "**Improve** developer NPS from 25 to 35",
        "Improve [developer NPS](https://example.com/nps) from 25 to 35",
        "Improve developer NPS from 25 to 35 ([tracker](https://example.com/sheet#gid=0))",
        "Improve developer NPS (measured by 3 surveys) from 25 to 35",
    ],
)
def test_markdown_links_and_asides_do_not_change_the_reading(text: str) -> None:
    assert parse_statement(text) == linear(25, 35)


@pytest.mark.parametrize(
    "text",
    [
        "Achieve SOC2 Type 1 compliance",
        "Launch Q3 pricing for FY22",
        "Deploy Week-1 onboarding",
        "Complete the 10k+-user POC",
        "Complete stage 4 technical review",
        "Ship V2 of the API",
        "Complete the 30-day trial redesign",
        "Complete the 24/7 on-call rota",
    ],
)
def test_numbers_in_names_are_not_measures(text: str) -> None:
    assert parse_statement(text) == MILESTONE


def test_qualifying_times_are_not_measures() -> None:
    assert parse_statement("Contract templates are available within 1 day") == MILESTONE
    assert parse_statement("95% of tickets answered in under 2h") == threshold(95, "%", INC)
    assert parse_statement("New hires are onboarded in the first 30 days") == MILESTONE
    assert parse_statement("Land 5 logos in less than 6 weeks") == count(5, word="logos")
    assert parse_statement("Resolve 2 incidents per 1,000 users") == count(2, word="incidents")


def test_later_numbers_are_conditions_unless_joined() -> None:
    assert parse_statement("100% of managers have taken 1 training session") == threshold(
        100, "%", INC
    )
    with pytest.raises(StatementError) as info:
        parse_statement("Land 5 logos and 2 partners")
    assert info.value.code == "several-measures"
    assert "(5, 2)" in info.value.reason


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("", "empty", "empty"),
        ("Teammate satisfaction increases", "no-number", "no number to measure: say how much"),
        ("Top-5 post on Hacker News", "no-number", "no number"),
        ("Product is working to improve retention", "activity", "not a result"),
        ("Land [N] logos", "placeholder", "placeholder ([N])"),
        ("Improve NPS from [N1] to [N2]", "placeholder", "[N1], [N2]"),
        ("Land [TBD] logos", "placeholder", "fill in the target"),
        ("Grow NPS from 25 to 35 and CSAT from 4.1 to 4.5", "several-measures", "split"),
        ("Land 3-5 logos", "range", "range (3-5)"),
        ("Land 3 to 5 logos", "range", "range"),
        ("Land between 3 and 5 logos", "range", "range"),
        ("Increase conversion by 20%", "ambiguous", "20 points or 20%"),
        ("Keep conversion by 20%", "relative", "needs a verb that says which way"),
        ("Reduce response time from 4h", "no-target", "to what?"),
        ("Grow weekly active users 1.5k", "ambiguous", "a change or a target?"),
        ("Keep engineering allocation at 40%", "unknown-direction", "a floor or a ceiling?"),
        ("Improve NPS from 25 to 25", "no-change", "both 25"),
        ("Land 0 logos", "no-change", "above 0"),
        ("Reduce churn from 3% to 5%", "direction", "'Reduce' contradicts"),
        ("Grow users from 20 to 10", "direction", "goes down"),
        ("Improve margin from $5 to 10%", "units", "different units"),
        ("Reduce response from 30m to 15m", "ambiguous", "'30min' for minutes"),
        ("Land 2m users", "ambiguous", "'2M' for millions"),
        ("Land " + "9" * 400 + " logos", "out-of-range", "too large"),
    ],
)
def test_unreadable_statement_says_why(text: str, code: str, words: str) -> None:
    result = read_statement(text)
    assert isinstance(result, StatementError)
    assert result.code == code
    assert words in result.reason
    assert result.placeholder is (code == "placeholder")
    assert isinstance(result, ValueError)


def test_placeholder_says_what_the_statement_will_be() -> None:
    for text, kind in [
        ("Land [_N<sub>3</sub>_][n3] large enterprise customers", MetricKind.COUNT),
        ("Keep P1 incidents from exceeding [N13]", MetricKind.THRESHOLD),
        ("Improve NPS from [N] to 35", MetricKind.LINEAR),
        ("Retention grows [N7]", None),
    ]:
        result = read_statement(text)
        assert isinstance(result, StatementError) and result.placeholder
        assert result.kind is kind, text


# -- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("1,200", "", 1200),
        ("1.5k", "", 1500),
        ("1.1k", "", 1100),
        ("35%", "", 35),
        ("35 %", "%", 35),
        ("35", "%", 35),
        ("$2M", "", 2_000_000),
        ("$2M", "$", 2_000_000),
        ("€1.5bn", "€", 1_500_000_000),
        ("-$5", "$", -5),
        ("-3", "", -3),
        (".5", "", 0.5),
        ("4h", "h", 4),
        ("4h", "", 4),
        ("2 days", "h", 48),
        ("90min", "hours", 1.5),
        ("30m", "min", 30),
        ("2m", "", 2_000_000),
        ("2m", "$", 2_000_000),
        ("$2m", "", 2_000_000),
        ("3x", "x", 3),
        ("12 pts", "pts", 12),
        ("  1,200  ", "", 1200),
    ],
)
def test_parse_value(text: str, unit: str, value: float) -> None:
    assert parse_value(text, unit) == value


@pytest.mark.parametrize(
    ("text", "unit", "words"),
    [
        ("lots", "", "not a number"),
        ("", "", "not a number"),
        ("1,2,3", "", "not a number"),
        ("[N3]", "", "not a number"),
        ("9" * 400, "", "too large"),
        ("35%", "$", "measured in $"),
        ("4h", "%", "measured in %"),
        ("30m", "%", "ambiguous"),
    ],
)
def test_parse_value_rejects_with_reason(text: str, unit: str, words: str) -> None:
    with pytest.raises(ValueError, match=r".") as info:
        parse_value(text, unit)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1200, "", "1,200"),
        (35, "%", "35%"),
        (4, "h", "4h"),
        (4, "hours", "4h"),
        (45, "min", "45min"),
        (2_000_000, "$", "$2,000,000"),
        (-5, "$", "-$5"),
        (0.5, "", "0.5"),
        (1e-7, "", "0.0000001"),
        (1e21, "", "1,000,000,000,000,000,000,000"),
        (-0.0, "", "0"),
        (3, "x", "3x"),
        (12, "pts", "12 pts"),
    ],
)
def test_format_value(value: float, unit: str, text: str) -> None:
    assert format_value(value, unit) == text


def test_format_value_refuses_non_finite() -> None:
    with pytest.raises(ValueError, match="finite"):
        format_value(math.inf, "")


def test_canonical_unit() -> None:
    assert [canonical_unit(u) for u in ["hours", "Days", "mins", "%", "$", "pts"]] == [
        "h",
        "d",
        "min",
        "%",
        "$",
        "pts",
    ]


def test_find_quantities_roles() -> None:
    sentence = "Maintain 100% of SOC2 Type 1 checks within 8 days"
    roles = [(f.quantity.text, f.role) for f in find_quantities(sentence)]
    assert roles == [("100%", "measure"), ("2", "name"), ("1", "name"), ("8 days", "qualifier")]


# -- rendering ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verb", "measure", "metric", "text"),
    [
        ("Improve", "developer NPS", linear(25, 35), "Improve developer NPS from 25 to 35"),
        ("Reduce", "median first response", linear(4, 2, "h"), None),
        ("Grow", "weekly active users", linear(1200, 1500), None),
        (
            "Land",
            "",
            count(5, word="large enterprise logos"),
            "Land 5 large enterprise logos",
        ),
        ("Keep", "P1 incidents", threshold(3, "", DEC), "Keep P1 incidents at or below 3"),
        (
            "Maintain",
            "resolution",
            threshold(100, "%", INC),
            "Maintain resolution at or above 100%",
        ),
        ("Achieve", "SOC2 Type 1 compliance", MILESTONE, "Achieve SOC2 Type 1 compliance"),
    ],
)
def test_render_statement(verb: str, measure: str, metric: Metric, text: str | None) -> None:
    rendered = render_statement(verb, measure, metric)
    if text is not None:
        assert rendered == text
    assert parse_statement(rendered) == metric


@pytest.mark.parametrize(
    ("verb", "measure", "metric"),
    [
        ("Improve", "NPS", linear(25, 25)),  # no change
        ("Reduce", "churn", Metric(MetricKind.LINEAR, 3, 5, "%", INC)),  # verb says down
        ("Land", "logos", Metric(MetricKind.COUNT, 2, 5)),  # a count starts at 0
        ("Reach", "adoption", count(50, "%")),  # "Reach 50% adoption" is a threshold
        ("Improve", "developer happiness", MILESTONE),  # no verb of completion
        ("Land", "logos and 2 partners", count(5)),  # a second measure
        ("Improve", "NPS", Metric(MetricKind.LINEAR, 25, 35, "$", DEC)),  # wrong direction
    ],
)
def test_render_refuses_a_sentence_that_would_read_differently(
    verb: str, measure: str, metric: Metric
) -> None:
    with pytest.raises(ValueError, match="does not state"):
        render_statement(verb, measure, metric)


# -- properties -----------------------------------------------------------------------------

UNITS = ["", "%", "x", "$", "€", "£", "ms", "s", "min", "h", "d", "w"]
#: Words that say nothing about which way is better (under Improve or Move the numbers do).
NEUTRAL = [
    "developer",
    "weekly",
    "active",
    "enterprise",
    "P1",
    "SOC2",
    "Type 1",
    "Q3",
    "FY22",
    "Week-1",
    "10k+-user",
    "first",
    "of",
    "the",
    "qualified",
    "index",
]
#: Words that do (read as better higher or lower; fine where a verb or comparator decides).
WORDS = [
    *NEUTRAL,
    "NPS",
    "users",
    "logos",
    "response",
    "retention",
    "pipeline",
    "coverage",
    "customer",
    "renewals",
    "incidents",
    "churn",
]
UNIT_WORDS = ["customers", "logos", "guides", "case studies", "large enterprise logos"]
DUES = ["", "", "June 30", "mid-June", "end of Q2", "2025-06-30", "end of the quarter"]
finite = st.floats(
    min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False, allow_subnormal=True
)
positive = st.floats(min_value=1e-6, max_value=1e12, allow_nan=False)
measures = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
neutral = st.lists(st.sampled_from(NEUTRAL), min_size=1, max_size=4).map(" ".join)


def _word_for(draw: st.DrawFn, unit: str) -> str:
    return draw(st.sampled_from(["", *UNIT_WORDS])) if unit == "" else ""


@st.composite
def _linear(draw: st.DrawFn) -> tuple[str, str, Metric]:
    unit = draw(st.sampled_from([*UNITS, "/5", "/10"]))
    numbers = finite if not unit.startswith("/") else st.floats(0, int(unit[1:]))
    start = draw(numbers)
    target = draw(numbers.filter(lambda t: t != start))
    direction = INC if target > start else DEC
    verb = draw(st.sampled_from(["Improve", "Move", "Grow" if direction is INC else "Reduce"]))
    measure = draw(neutral if verb in ("Improve", "Move") else measures)
    word = _word_for(draw, unit) if verb not in ("Improve", "Move") else ""
    if verb in ("Improve", "Move") and unit == "":
        word = draw(st.sampled_from(["", "guides", "case studies", "customers"]))
    return verb, measure, Metric(MetricKind.LINEAR, start, target, unit, direction, word)


@st.composite
def _pending(draw: st.DrawFn) -> tuple[str, str, Metric]:
    direction = draw(st.sampled_from(list(Direction)))
    verb = draw(st.sampled_from(["Increase", "Grow"] if direction is INC else ["Reduce", "Cut"]))
    how = draw(st.sampled_from(["to", *ChangeKind]))
    unit = draw(st.sampled_from(UNITS))
    if how == "to":
        level = draw(finite)
        return (
            verb,
            draw(measures),
            Metric(
                MetricKind.LINEAR,
                level,
                level,
                unit,
                direction,
                _word_for(draw, unit),
                baseline_pending=True,
            ),
        )
    if how is ChangeKind.FACTOR:
        amount = draw(st.sampled_from([2.0, 3.0, 4.0] if direction is INC else [0.5]))
        unit = ""
    elif how is ChangeKind.PERCENT:
        amount = draw(st.floats(1e-6, 100) if direction is DEC else positive)
        unit = ""
    else:
        amount = draw(positive)
        unit = draw(st.sampled_from([u for u in UNITS if u != "x"]))
    word = _word_for(draw, unit) if how is ChangeKind.AMOUNT else ""
    metric = Metric(
        MetricKind.LINEAR,
        0.0,
        0.0,
        unit,
        direction,
        word,
        change=Change(how, amount),
        baseline_pending=True,
    )
    return verb, draw(neutral), metric


@st.composite
def statements(draw: st.DrawFn) -> tuple[str, str, Metric]:
    kind = draw(st.sampled_from([*MetricKind, "pending"]))
    due = draw(st.sampled_from(DUES))
    if kind is MetricKind.LINEAR:
        verb, measure, metric = draw(_linear())
    elif kind == "pending":
        verb, measure, metric = draw(_pending())
    elif kind is MetricKind.COUNT:
        unit = draw(st.sampled_from(["", "$", "€", "£"]))
        target = draw(st.floats(min_value=1e-9, max_value=1e15, allow_nan=False))
        verb = draw(st.sampled_from(["Land", "Win", "Ship", "Produce", "Complete", "Close"]))
        word = draw(st.sampled_from(UNIT_WORDS)) if unit == "" else ""
        measure = draw(measures) if word else "in new " + draw(measures)
        metric = Metric(MetricKind.COUNT, 0.0, target, unit, unit_word=word)
    elif kind is MetricKind.THRESHOLD:
        unit = draw(st.sampled_from(UNITS))
        level = draw(finite)
        direction = draw(st.sampled_from(list(Direction)))
        verb, measure = draw(st.sampled_from(["Keep", "Maintain", "Sustain"])), draw(measures)
        word, strict = _word_for(draw, unit), draw(st.booleans())
        metric = Metric(MetricKind.THRESHOLD, level, level, unit, direction, word, strict=strict)
    else:
        verb = draw(st.sampled_from(["Achieve", "Launch", "Complete", "Deploy", "Ship", "Release"]))
        measure, metric = draw(measures), Metric(MetricKind.MILESTONE, 0.0, 1.0)
    return verb, measure, dataclasses.replace(metric, due=due)


@given(statements())
def test_rendered_statements_parse_back_to_the_same_metric(case: tuple[str, str, Metric]) -> None:
    verb, measure, metric = case
    assert parse_statement(render_statement(verb, measure, metric)) == metric


@given(finite, st.sampled_from([*UNITS, "hours", "days", "pts", "/5"]))
def test_parse_value_reads_format_value_back(value: float, unit: str) -> None:
    assert parse_value(format_value(value, unit), unit) == value


@given(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(UNITS))
def test_parse_value_reads_any_finite_float_back(value: float, unit: str) -> None:
    assert parse_value(format_value(value, unit), unit) == value


FRAGMENTS = [
    *"0123456789 ,.%$€£kKMBmhdwsx+-–/:;()[]_<>N?#",
    "from ",
    " to ",
    "at least ",
    "Keep ",
    "Land ",
    "Reduce ",
    "within ",
    " days",
    "Type ",
    "[_N<sub>3</sub>_][n3]",
    " and ",
    "by ",
    "between ",
]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=16).map("".join))
def test_any_text_reads_as_a_finite_metric_or_a_reason(text: str) -> None:
    result = read_statement(text)
    if isinstance(result, Metric):
        assert math.isfinite(result.start) and math.isfinite(result.target)
    else:
        assert isinstance(result, StatementError) and result.reason

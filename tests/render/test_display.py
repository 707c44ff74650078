"""okrflow.render.display: one way to show a count, a score and a percent, everywhere."""

from __future__ import annotations

import datetime as dt

import pytest

from okrflow.core.model import KeyResult, Kind, Metric, MetricKind, Objective, State
from okrflow.core.report import build_report
from okrflow.core.scoring import evaluate
from okrflow.render import display, render
from okrflow.render.environment import environment


def test_a_count_names_its_noun_in_the_right_number() -> None:
    assert display.count(1, "objective") == "1 objective"
    assert display.count(2, "objective") == "2 objectives"
    assert display.count(0, "key result") == "0 key results"
    assert display.count(1, "key result") == "1 key result"
    assert display.plural(3, "check-in") == "check-ins"


@pytest.mark.parametrize(
    ("value", "shown"), [(0.25, "0.3"), (0.65, "0.7"), (0.75, "0.8"), (0.05, "0.1"), (1.0, "1.0")]
)
def test_every_score_rounds_halves_up_wherever_it_is_shown(value: float, shown: str) -> None:
    """The same rule in the terminal, in templates and in the charts (0.25 -> 0.3, not 0.2)."""
    assert display.score(value) == shown
    assert environment().filters["score"](value) == shown


def test_one_objective_with_one_key_result_reads_in_the_singular() -> None:
    kr = KeyResult(
        "o/kr", "Achieve SOC2", metric=Metric(MetricKind.MILESTONE, 0, 1), objective="o", iid=2
    )
    objective = Objective(
        "o", "Be trusted", key_results=[kr], state=State.CLOSED, kind=Kind.COMMITTED, iid=1
    )
    evaluation = evaluate([objective], elapsed=1.0)
    doc = build_report(
        quarter="FY24-Q1",
        objectives=[objective],
        evaluation=evaluation,
        generated_at=dt.datetime(2024, 4, 1, tzinfo=dt.timezone.utc),
        kind="closing",
    )
    md, page = render(doc, "md"), render(doc, "html")
    assert "· 1 objective · 1 key result_" in md
    assert "(1 of 1 objective scored)" in md
    assert "1 of 1 objective scored" in page and "1 objective, 1 key result" in page
    assert "○ Red<br>objective" in page  # a closing report counts grades, not health
    assert "Achieved<br>objectives" in page  # none of the outcomes but one
    progress = render(dict(doc, kind="progress"), "html")
    assert "At risk<br>objective (1 key result)" in progress
    for wrong in ("1 objectives", "1 key results", "(1 key results)"):
        assert wrong not in md and wrong not in page

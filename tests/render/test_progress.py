"""The managed progress section: a pure function of the model and its evaluation."""

from __future__ import annotations

import datetime as dt

import pytest

from okrflow.core.model import (
    CheckIn,
    Direction,
    KeyResult,
    Metric,
    MetricKind,
    Objective,
    State,
)
from okrflow.core.scoring import evaluate
from okrflow.render.progress import (
    FOOTER,
    key_result_section,
    objective_section,
    progress_bar,
    sections,
)

UTC = dt.timezone.utc


def at(day: int) -> dt.datetime:
    return dt.datetime(2024, 2, day, 9, 30, tzinfo=UTC)


def kr(
    key: str, iid: int, title: str, metric: Metric, *checkins: CheckIn, **kw: object
) -> KeyResult:
    return KeyResult(
        key=key,
        title=title,
        metric=metric,
        iid=iid,
        state=State.ACTIVE,
        checkins=list(checkins),
        **kw,  # type: ignore[arg-type]
    )


def tree() -> list[Objective]:
    wau = kr(
        "wau",
        2,
        "Grow weekly active users from 10,000 to 15,000",
        Metric(MetricKind.LINEAR, 10_000, 15_000),
        CheckIn(at(1), 11_000, 0.9),
        CheckIn(at(12), 13_000, 0.8, source="comment"),
    )
    soc2 = kr("soc2", 3, "Achieve SOC2 Type 1", Metric(MetricKind.MILESTONE, 0, 1))
    p1 = kr(
        "p1",
        4,
        "Keep P1 incidents from exceeding 3",
        Metric(MetricKind.THRESHOLD, 3, 3, direction=Direction.DECREASE),
        CheckIn(at(10), 2, None, source="query"),
    )
    company = Objective("company", "Make the product valuable", iid=1, key_results=[wau, soc2, p1])
    churn = kr(
        "churn",
        6,
        "Reduce churn from 5% to 3%",
        Metric(MetricKind.LINEAR, 5, 3, "%", Direction.DECREASE),
        CheckIn(at(14), 4, 0.7),
    )
    sales = Objective(
        "sales", "Win | @all enterprise", iid=5, parents=["company"], key_results=[churn]
    )
    return [company, sales]


@pytest.mark.parametrize(
    ("progress", "bar"),
    [
        (0.0, "`░░░░░░░░░░` 0%"),
        (0.004, "`░░░░░░░░░░` 1%"),
        (0.6, "`██████░░░░` 60%"),
        (0.996, "`█████████░` 99%"),
        (1.0, "`██████████` 100%"),
    ],
)
def test_progress_bar_fills_whole_cells_and_is_full_only_at_100_percent(
    progress: float, bar: str
) -> None:
    assert progress_bar(progress) == bar


def test_key_result_section_shows_latest_value_confidence_date_and_health() -> None:
    objectives = tree()
    evaluation = evaluate(objectives, elapsed=0.5)
    wau = objectives[0].key_results[0]
    text = key_result_section(wau, evaluation.key_results["wau"])
    assert text.splitlines()[0] == "**Progress** `██████░░░░` 60% · 🟢 On track"
    assert "| 13,000 | 10,000 → 15,000 | 80% | 2024-02-12 |" in text
    assert text.endswith(FOOTER)


def test_milestone_threshold_and_sourced_values_read_as_people_say_them() -> None:
    objectives = tree()
    evaluation = evaluate(objectives, elapsed=0.5)
    soc2, p1 = objectives[0].key_results[1:]
    assert "| — | done | — | — |" in key_result_section(soc2, evaluation.key_results["soc2"])
    text = key_result_section(p1, evaluation.key_results["p1"])
    assert "| 2 | at most 3 | — | 2024-02-10 (query) |" in text


def test_objective_section_lists_its_key_results_then_aligned_objectives() -> None:
    objectives = tree()
    evaluation = evaluate(objectives, elapsed=0.5)
    text = sections(objectives, evaluation).objectives["company"]
    rows = [line for line in text.splitlines() if line.startswith("| ")][1:]  # after the header
    assert rows[1].startswith(
        "| #2 Grow weekly active users from 10,000 to 15,000 | `██████░░░░` 60%"
    )
    assert rows[2].startswith("| #3 Achieve SOC2 Type 1 | `░░░░░░░░░░` 0% | — |")
    assert rows[3].startswith("| #4 Keep P1 incidents from exceeding 3 | `██████████` 100% | 2 |")
    # (0.6 + 0 + 1 + 0.5) / 4 = 0.525
    assert text.splitlines()[0].startswith("**Progress** `█████░░░░░` 53% ·")
    assert rows[4].startswith("| aligned: #5 Win \\| @\u2060all enterprise | `█████░░░░░` 50%")


def test_titles_cannot_break_the_table_ping_anyone_or_open_a_comment() -> None:
    objectives = tree()
    objectives[0].key_results[0].title = "Grow <!-- users | @alice\nnew line"
    evaluation = evaluate(objectives, elapsed=0.5)
    text = sections(objectives, evaluation).objectives["company"]
    row = next(line for line in text.splitlines() if line.startswith("| #2 "))
    assert row.count(" | ") == 5  # six cells, the title's pipe escaped
    assert "<!--" not in text and "@alice" not in text and "\n new line" not in text


def test_the_text_does_not_change_with_time_alone() -> None:
    """Same values and healths a day later: the same text, so a warm rollup writes nothing."""
    objectives = tree()
    early = sections(objectives, evaluate(objectives, elapsed=0.50))
    later = sections(objectives, evaluate(objectives, elapsed=0.51))
    assert early == later


def test_an_objective_without_key_results_says_so() -> None:
    lonely = Objective("lonely", "Nothing yet", iid=9)
    evaluation = evaluate([lonely], elapsed=0.2)
    text = objective_section(lonely, evaluation.objectives["lonely"], evaluation.key_results)
    assert "| no key results yet | `░░░░░░░░░░` 0% |" in text


def test_a_closed_okr_shows_score_grade_and_outcome_instead_of_health() -> None:
    from okrflow.core.evaluation import Closing, Closings, Grade
    from okrflow.core.model import Outcome

    objectives = tree()
    evaluation = evaluate(objectives, elapsed=0.5)
    closed = Closings(
        objectives={"company": Closing(0.5, Grade.YELLOW, Outcome.MISSED)},
        key_results={"wau": Closing(0.6, Grade.YELLOW)},
    )

    texts = sections(objectives, evaluation, closings=closed)

    head = texts.objectives["company"].splitlines()[0]
    assert head == (
        "**Progress** `█████░░░░░` 53% · 🟡 Closed · score 0.5 · grade yellow · outcome missed"
    )
    wau_head = texts.key_results["wau"].splitlines()[0]
    assert wau_head.endswith("Closed · score 0.6 · grade yellow · outcome not recorded")
    assert "On track" not in head + wau_head
    wau_row = next(r for r in texts.objectives["company"].splitlines() if r.startswith("| #2 "))
    assert wau_row.endswith("| 🟡 grade yellow |")
    open_row = next(r for r in texts.objectives["company"].splitlines() if r.startswith("| #4 "))
    assert "grade" not in open_row  # still open: its health

"""A quarter evaluated as of a day: today, or its last day once it is over; a closed
objective's score frozen at close; a relative target's baseline kept where it was first
recorded; the report document's reading of each key result and its KPIs."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import jsonschema

from okrflow.core.dates import QuarterDates
from okrflow.core.kpis import read_kpi
from okrflow.core.meta import BadCheckin, Meta, ParentRef
from okrflow.core.model import (
    CheckIn,
    Health,
    Initiative,
    KeyResult,
    Objective,
    State,
)
from okrflow.core.report import build_report
from okrflow.core.scoring import evaluate
from okrflow.core.standing import Kpi, evaluate_kpis
from okrflow.core.statements import parse_statement
from okrflow.render import report_schema

UTC = dt.timezone.utc
START, END = dt.date(2024, 1, 1), dt.date(2024, 3, 31)


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)


def dates(today: str) -> QuarterDates:
    return QuarterDates(START, END, dt.date.fromisoformat(today), "FY24-Q1")


def test_a_quarter_is_evaluated_up_to_today_then_as_of_its_last_day() -> None:
    assert dates("2024-02-15").day == dt.date(2024, 2, 15)
    assert dates("2024-02-15").elapsed == Fraction(45, 91)
    for later in ("2024-04-01", "2029-08-01"):
        assert (dates(later).day, dates(later).elapsed) == (END, 1)
    assert dates("2024-03-31").counts(at("2024-03-31"))
    assert not dates("2029-08-01").counts(at("2024-04-01"))


def wau(*checkins: tuple[str, float]) -> Objective:
    kr = KeyResult(
        "o/wau",
        "Grow weekly active users from 10,000 to 15,000",
        metric=parse_statement("Grow weekly active users from 10,000 to 15,000"),
        checkins=[CheckIn(at(day), value) for day, value in checkins],
        objective="o",
        iid=2,
    )
    return Objective("o", "Grow", key_results=[kr], state=State.ACTIVE, iid=1)


def test_checkins_after_the_quarter_do_not_count_whenever_it_is_evaluated() -> None:
    objective = wau(("2024-02-01", 12_000), ("2024-04-10", 15_000))
    results = [
        evaluate([objective], elapsed=d.elapsed, dates=d)
        for d in (dates("2024-04-02"), dates("2030-01-01"))
    ]
    assert results[0] == results[1]
    assert results[0].key_results["o/wau"].current == 12_000
    assert results[0].key_results["o/wau"].progress == 0.4


def test_a_key_result_due_mid_quarter_is_paced_against_its_own_due_date() -> None:
    statement = "Cut churn from 5% to 3% by mid-February"
    kr = KeyResult(
        "o/churn",
        statement,
        metric=parse_statement(statement),
        checkins=[CheckIn(at("2024-02-10"), 4.5)],
        objective="o",
        iid=2,
    )
    objective = Objective("o", "Keep", key_results=[kr], state=State.ACTIVE, iid=1)
    on = dates("2024-02-15")  # 45/91 of the quarter, but its due date has come
    result = evaluate([objective], elapsed=on.elapsed, dates=on).key_results["o/churn"]
    assert result.progress == 0.25 and result.health is Health.AT_RISK
    # paced against the quarter it would only need attention (0.25 >= 45/91 x 0.5)
    without = evaluate([objective], elapsed=on.elapsed).key_results["o/churn"]
    assert without.health is Health.NEEDS_ATTENTION


def test_a_closed_objective_keeps_the_score_recorded_when_it_closed() -> None:
    objective = wau(("2024-02-01", 12_000))
    objective.state, objective.score = State.CLOSED, 0.7
    result = evaluate([objective], elapsed=1).objectives["o"]
    assert result.progress == 0.4 and result.score == 0.7  # frozen, not recomputed
    objective.score = None
    assert evaluate([objective], elapsed=1).objectives["o"].score == 0.4


def test_a_recorded_baseline_stays_put_when_the_first_checkin_goes() -> None:
    statement = "Increase weekly active users by 20%"
    kr = KeyResult(
        "o/wau",
        statement,
        metric=parse_statement(statement),
        checkins=[CheckIn(at("2024-01-10"), 1_000), CheckIn(at("2024-02-10"), 1_100)],
        objective="o",
        iid=2,
    )
    objective = Objective("o", "Grow", key_results=[kr], state=State.ACTIVE, iid=1)
    first = evaluate([objective], elapsed=0.5).key_results["o/wau"]
    assert first.progress == 0.5 and first.metric is not None and first.metric.target == 1_200
    kr.baseline, kr.checkins = 1_000, kr.checkins[1:]  # recorded; the first comment deleted
    assert evaluate([objective], elapsed=0.5).key_results["o/wau"] == first
    kr.baseline = None  # without the record, the baseline would move to 1,100
    assert evaluate([objective], elapsed=0.5).key_results["o/wau"].progress == 0


def test_the_metadata_keeps_baseline_range_kpis_initiatives_and_unreadable_checkins() -> None:
    meta = Meta(
        type="kr",
        key="o/guides",
        baseline=1_000,
        range=read_kpi("Average first response under 4 hours"),
        kpis=(ParentRef("response", 7),),
        initiatives=(Initiative("acme/docs#1", "Guide 1", True, "alice"),),
        bad_checkins=(BadCheckin(5001, "check-in value 'soon' is not a number"),),
    )
    again, problems = Meta.from_dict(json.loads(json.dumps(meta.to_dict())))
    assert problems == [] and again == meta
    none_yet, _ = Meta.from_dict(Meta(initiatives=()).to_dict())
    assert none_yet.initiatives == ()  # read, and none: not "never read" (None)
    assert Meta.from_dict(Meta().to_dict())[0].initiatives is None


def test_the_document_carries_each_reading_and_the_kpis_and_validates() -> None:
    pending = KeyResult(
        "o/wau",
        "Increase weekly active users by 20%",
        metric=parse_statement("Increase weekly active users by 20%"),
        objective="o",
        iid=2,
    )
    logos = KeyResult(
        "o/logos",
        "Land 10 customers by March 15",
        metric=parse_statement("Land 10 customers by March 15"),
        checkins=[CheckIn(at("2024-02-01"), 4), CheckIn(at("2024-04-20"), 9)],
        objective="o",
        iid=3,
    )
    objective = Objective(
        "o", "Grow", key_results=[pending, logos], state=State.ACTIVE, iid=1, kpis=["response"]
    )
    response = Kpi(
        "response",
        "Average first response under 4 hours",
        read_kpi("Average first response under 4 hours"),
        checkins=[CheckIn(at("2024-03-01"), 5)],
        iid=9,
        owner="cs-lead",
    )
    on = dates("2024-05-01")
    evaluation = evaluate([objective], elapsed=on.elapsed, dates=on)
    evaluation.kpis = evaluate_kpis([response], first=START, last=on.day)
    doc = build_report(
        quarter="FY24-Q1",
        objectives=[objective],
        evaluation=evaluation,
        generated_at=dt.datetime(2024, 5, 1, tzinfo=UTC),
        today=on.day,
        kpis=[response],
    )
    jsonschema.validate(doc, report_schema())
    waiting, count = doc["objectives"][0]["key_results"]
    assert (waiting["baseline_pending"], waiting["start"], waiting["target"]) == (True, None, None)
    assert waiting["reading"] == "baseline pending: +20% from the first check-in"
    assert (count["unit_word"], count["due"], count["current"]) == ("customers", "March 15", 4)
    assert [c["value"] for c in count["checkins"]] == [4]  # the one after the end is left out
    assert count["reading"] == "from 0 to 10 customers, higher is better, due March 15"
    assert doc["objectives"][0]["kpi_iids"] == [9]
    (kpi,) = doc["kpis"]
    assert (kpi["high"], kpi["unit"], kpi["strict"], kpi["healthy"]) == (4, "h", True, False)
    assert (kpi["days_measured"], kpi["days_out_of_range"]) == (31, 31)  # Mar 1 to 31
    assert kpi["protected_by"] == [{"iid": 1, "key": "o", "title": "Grow"}]
    assert doc["summary"]["kpis"] == {"kpis": 1, "in_range": 0, "out_of_range": 1, "no_value": 0}

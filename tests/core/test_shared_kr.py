"""One key result, several objectives (issue 14 item 3): counted once in each, of its
own quarter; its further objectives kept in its metadata (``also``) and read from the
Objective section a person fills in."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from okrflow.config.okrfile import load_okr_file
from okrflow.core.description import with_meta
from okrflow.core.issue_text import read_issue
from okrflow.core.meta import MAX_PARENTS, Meta, ParentRef
from okrflow.core.model import (
    CheckIn,
    KeyResult,
    Metric,
    MetricKind,
    MetricSource,
    Objective,
    SourceKind,
)
from okrflow.core.okr_export import apply_data
from okrflow.core.report import build_report
from okrflow.core.scoring import evaluate

T0 = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)


def at(key: str, value: float, *, objective: str, also: tuple[str, ...] = ()) -> KeyResult:
    """A key result from 0 to 100 checked in at ``value``."""
    return KeyResult(
        key,
        key,
        metric=Metric(MetricKind.LINEAR, 0, 100),
        checkins=[CheckIn(T0, value)],
        objective=objective,
        also=list(also),
        iid=hash(key) % 1000 + 1,
    )


def test_a_shared_key_result_counts_once_in_each_of_its_objectives() -> None:
    revenue = at("revenue", 50, objective="a", also=("b",))
    other = at("other", 100, objective="b")
    a = Objective("a", "A", key_results=[revenue, revenue])  # listed twice: counted once
    b = Objective("b", "B", key_results=[revenue, other])
    result = evaluate([a, b], elapsed=0.5)
    # by hand: A = 50% alone; B = (50% + 100%) / 2 = 75%
    assert result.objectives["a"].progress == 0.5
    assert result.objectives["b"].progress == 0.75
    assert result.counted_in["revenue"] == ("a", "b")
    assert result.problems == []


def test_a_shared_key_result_still_counts_through_an_aligned_objective_once_each() -> None:
    revenue = at("revenue", 50, objective="company", also=("sales",))
    company = Objective("company", "C", key_results=[revenue])
    sales = Objective("sales", "S", parents=["company"], key_results=[revenue])
    result = evaluate([company, sales], elapsed=0.5)
    assert result.objectives["sales"].progress == 0.5
    # the company: its own key result (50%) and its aligned objective (50%)
    assert result.objectives["company"].progress == 0.5


def test_another_issue_claiming_the_key_is_still_skipped() -> None:
    one = at("revenue", 50, objective="a", also=("b",))
    two = dataclasses.replace(one, iid=999)
    result = evaluate(
        [Objective("a", "A", key_results=[one]), Objective("b", "B", key_results=[two])],
        elapsed=0.5,
    )
    assert any("used twice" in p.message for p in result.problems)
    assert result.objectives["b"].progress == 0.0


def test_a_key_result_under_objectives_of_different_quarters_counts_only_in_its_own() -> None:
    revenue = at("revenue", 50, objective="a", also=("b", "c"))
    revenue.quarter, revenue.project = "FY24-Q1", "acme/sales"
    a = Objective("a", "A", quarter="FY24-Q1", key_results=[revenue])
    b = Objective("b", "B", quarter="FY24-Q2", key_results=[revenue], iid=7, project="acme/x")
    c = Objective("c", "C", quarter="FY24-Q1", key_results=[revenue])
    result = evaluate([a, b, c], elapsed=0.5)
    assert result.objectives["b"].progress == 0.0
    assert result.objectives["c"].progress == 0.5
    assert result.counted_in["revenue"] == ("a", "c")
    [problem] = result.problems
    assert problem.where == f"acme/sales#{revenue.iid}"
    assert (
        "acme/x#7 (FY24-Q2)" in problem.message and "only for those of FY24-Q1" in problem.message
    )


def test_the_report_lists_a_shared_key_result_under_each_objective_with_its_objectives() -> None:
    revenue = at("revenue", 50, objective="a", also=("b",))
    a = Objective("a", "A", iid=1, key_results=[revenue])
    b = Objective("b", "B", iid=2, key_results=[revenue, at("solo", 100, objective="b")])
    objectives = [a, b]
    doc = build_report(
        quarter="FY24-Q1",
        objectives=objectives,
        evaluation=evaluate(objectives, elapsed=0.5),
        generated_at=T0,
        kind="progress",
    )
    listed = {o["key"]: [k["key"] for k in o["key_results"]] for o in doc["objectives"]}
    assert listed == {"a": ["revenue"], "b": ["revenue", "solo"]}
    shared = doc["objectives"][0]["key_results"][0]
    assert shared["objectives"] == [{"key": "a", "iid": 1}, {"key": "b", "iid": 2}]
    assert "objectives" not in doc["objectives"][1]["key_results"][1]


def test_also_round_trips_through_the_metadata_with_another_project() -> None:
    meta = Meta(
        type="kr",
        key="revenue",
        objective="company",
        objective_iid=1,
        also=(ParentRef("sales", 4, "acme/sales"), ParentRef("support", 2)),
    )
    data = json.loads(json.dumps(meta.to_dict()))
    assert data["also"] == [
        {"key": "sales", "iid": 4, "project": "acme/sales"},
        {"key": "support", "iid": 2},
    ]
    again, problems = Meta.from_dict(data)
    assert problems == []
    assert again == meta


def test_old_metadata_without_also_reads_as_before() -> None:
    meta, problems = Meta.from_dict({"type": "kr", "key": "k", "objective": "o"})
    assert problems == [] and meta.also == ()
    assert "also" not in meta.to_dict()
    kr, _ = read_issue(
        iid=3,
        title="Raise revenue from 1 to 2",
        description=with_meta("", meta.to_dict()),
        labels=["okr::key result"],
    )
    assert isinstance(kr, KeyResult)
    assert (kr.objective, kr.also, kr.objectives) == ("o", [], ["o"])


def test_a_bad_project_in_also_is_named_and_left_out() -> None:
    meta, problems = Meta.from_dict({"also": [{"key": "s", "iid": 4, "project": 5}]})
    assert meta.also == ()
    assert problems == ["metadata key 'also' should be a string; ignored"]


def test_too_many_further_objectives_keep_the_first_ones() -> None:
    many = [{"key": f"o{n}", "iid": n + 1} for n in range(MAX_PARENTS + 5)]
    meta, problems = Meta.from_dict({"also": many})
    assert [a.key for a in meta.also] == [f"o{n}" for n in range(MAX_PARENTS)]
    assert len(problems) == 1 and "the first 20 are read" in problems[0]


keys = st.text("abcdefgh-", min_size=1, max_size=6)
refs = st.builds(
    ParentRef,
    keys,
    st.none() | st.integers(1, 10_000),
    st.none() | st.sampled_from(["acme/sales", "acme/eng/web"]),
)


@given(also=st.lists(refs, max_size=MAX_PARENTS))
def test_any_also_round_trips(also: list[ParentRef]) -> None:
    meta = Meta(type="kr", key="k", also=tuple(also))
    again, problems = Meta.from_dict(json.loads(json.dumps(meta.to_dict())))
    assert problems == [] and again == meta


@pytest.mark.parametrize(
    "section",
    ["#1\n#4\nacme/sales#2", "- #1\n- #4\n- acme/sales#2", "#1, #4 and acme/sales#2"],
)
def test_the_objective_section_may_name_several_objectives_first_is_home(section: str) -> None:
    text = f"## Key result\n\nRaise revenue from 1 to 2\n\n## Objective\n\n{section}\n"
    kr, problems = read_issue(
        iid=9,
        title="Raise revenue from 1 to 2",
        description=text,
        labels=["okr::key result"],
        web_url="https://gitlab.example/acme/company/-/issues/9",
        across=True,
    )
    assert isinstance(kr, KeyResult)
    assert kr.objective == "iid-1"
    assert kr.also == ["iid-4", "acme/sales#2"]
    assert kr.objectives == ["iid-1", "iid-4", "acme/sales#2"]
    assert problems == []


def test_a_repeated_objective_in_the_section_counts_once_and_unreadable_is_refused() -> None:
    text = "## Objective\n\n#1\n#1\n#1\n"
    kr, _ = read_issue(
        iid=9, title="Raise revenue from 1 to 2", description=text, labels=["okr::key result"]
    )
    assert isinstance(kr, KeyResult) and kr.objectives == ["iid-1"]
    kr, _ = read_issue(
        iid=9,
        title="Raise revenue from 1 to 2",
        description="## Objective\n\nthe big one\n",
        labels=["okr::key result"],
    )
    assert isinstance(kr, KeyResult)
    assert kr.objective is None and kr.also == []
    assert "Objective" in kr.missing_sections


def test_the_summary_counts_a_shared_key_result_once() -> None:
    revenue = at("revenue", 0, objective="a", also=("b",))
    revenue.checkins = []  # no check-in: stale, and at risk once the quarter is gone
    a = Objective("a", "A", iid=1, team="Sales", key_results=[revenue])
    b = Objective(
        "b", "B", iid=2, team="Sales", key_results=[revenue, at("solo", 100, objective="b")]
    )
    doc = build_report(
        quarter="FY24-Q1",
        objectives=[a, b],
        evaluation=evaluate([a, b], elapsed=0.9),
        generated_at=T0,
        kind="progress",
    )
    summary = doc["summary"]
    assert summary["key_results"] == 2
    assert [s["key"] for s in summary["stale_checkins"]] == ["revenue"]
    assert [r["key"] for r in summary["at_risk"] if r["type"] == "key_result"] == ["revenue"]
    assert [t["key_results"] for t in summary["by_team"]] == [2]


@given(
    shared=st.integers(0, 100),
    a_values=st.lists(st.integers(0, 100), max_size=3),
    b_values=st.lists(st.integers(0, 100), max_size=3),
)
def test_sharing_scores_as_one_copy_in_each_objective(
    shared: int, a_values: list[int], b_values: list[int]
) -> None:
    """A key result counted for A and B moves each as a copy of it in each would."""
    one = at("shared", shared, objective="a", also=("b",))
    a_own = [at(f"a{n}", v, objective="a") for n, v in enumerate(a_values)]
    b_own = [at(f"b{n}", v, objective="b") for n, v in enumerate(b_values)]
    together = evaluate(
        [
            Objective("a", "A", key_results=[one, *a_own]),
            Objective("b", "B", key_results=[*b_own, one]),
        ],
        elapsed=0.5,
    )
    copies = evaluate(
        [
            Objective("a", "A", key_results=[at("x", shared, objective="a"), *a_own]),
            Objective("b", "B", key_results=[*b_own, at("y", shared, objective="b")]),
        ],
        elapsed=0.5,
    )
    for key in ("a", "b"):
        assert together.objectives[key].progress == copies.objectives[key].progress
    assert together.problems == []


def test_export_writes_a_shared_key_result_once_with_also_and_sources_across(
    tmp_path: Path,
) -> None:
    query = MetricSource(
        SourceKind.QUERY, {"labels": ["deal"], "state": "closed", "project": "acme/sales"}
    )
    revenue = at("company/revenue", 50, objective="company", also=("sales",))
    revenue.source, revenue.title = query, "Raise revenue from 100 to 200"
    guides = at("sales/guides", 1, objective="sales")
    guides.source = MetricSource(SourceKind.INITIATIVES, {"measure": "count"})
    guides.title = "Publish 4 guides"
    company = Objective("company", "Grow the business", key_results=[revenue])
    sales = Objective("sales", "Build the pipeline", key_results=[revenue, guides])
    data = apply_data("FY24-Q1", [company, sales])
    listed = {o["key"]: o.get("key_results", []) for o in data["objectives"]}
    assert [k["key"] for k in listed["sales"]] == ["guides"]
    [shared] = listed["company"]
    assert shared["also"] == ["sales"]
    assert shared["source"]["query"]["project"] == "acme/sales"
    assert listed["sales"][0]["source"] == {"initiatives": {"measure": "count"}}
    path = tmp_path / "okrs.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    again = load_okr_file(path)  # the file reads back as it was
    [kr] = again.by_key("company").key_results  # type: ignore[union-attr]
    assert (kr.also, kr.source) == (
        ["sales"],
        MetricSource(
            SourceKind.QUERY,
            {
                "labels": ["deal"],
                "state": "closed",
                "window_days": 30,
                "measure": "count",
                "project": "acme/sales",
            },
        ),
    )

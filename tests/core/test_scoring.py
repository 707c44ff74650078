from __future__ import annotations

import datetime as dt
import itertools
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrflow.core.evaluation import Grade
from okrflow.core.model import (
    CheckIn,
    Direction,
    Health,
    KeyResult,
    Kind,
    Metric,
    MetricKind,
    Objective,
    State,
)
from okrflow.core.scoring import (
    ScoringPolicy,
    evaluate,
    grade_for,
    kr_health,
    kr_progress,
    objective_health,
    score_for,
    success_for,
    weighted_mean,
)

T0 = dt.datetime(2024, 2, 1, tzinfo=dt.timezone.utc)


def linear(start: float, target: float, unit: str = "") -> Metric:
    direction = Direction.DECREASE if target < start else Direction.INCREASE
    return Metric(MetricKind.LINEAR, start, target, unit, direction)


def kr(
    key: str,
    metric: Metric | None = None,
    *values: float,
    weight: float = 1.0,
    iid: int | None = None,
    confidence: float | None = None,
) -> KeyResult:
    checkins = [
        CheckIn(T0 + dt.timedelta(days=i), v, confidence if i == len(values) - 1 else None)
        for i, v in enumerate(values)
    ]
    return KeyResult(key, key, metric=metric, weight=weight, checkins=checkins, iid=iid)


def done(key: str, weight: float = 1.0) -> KeyResult:
    """A key result at progress 1."""
    return kr(key, linear(0, 1), 1, weight=weight)


def half(key: str, weight: float = 1.0) -> KeyResult:
    return kr(key, linear(0, 2), 1, weight=weight)


# ---------------------------------------------------------------- kr_progress


@pytest.mark.parametrize(
    ("metric", "current", "expected"),
    [
        (linear(25, 35), 30, 0.5),  # Improve developer NPS from 25 to 35
        (linear(25, 35), None, 0.0),  # no check-in yet: current = start
        (linear(25, 35), 40, 1.0),
        (linear(25, 35), 20, 0.0),
        (linear(4, 2, "h"), 3, 0.5),  # Reduce time to first review from 4h to 2h
        (linear(4, 2, "h"), 1, 1.0),
        (linear(4, 2, "h"), 5, 0.0),
        (Metric(MetricKind.COUNT, 0, 5), 2, 0.4),  # Land 5 large enterprise logos
        (Metric(MetricKind.LINEAR, 3, 3), None, 1.0),  # target == start: reached
        (Metric(MetricKind.LINEAR, 3, 3), 2, 0.0),
        (Metric(MetricKind.LINEAR, 3, 3, direction=Direction.DECREASE), 2, 1.0),
        (Metric(MetricKind.LINEAR, 3, 3, direction=Direction.DECREASE), 4, 0.0),
        (Metric(MetricKind.THRESHOLD, 3, 3, direction=Direction.DECREASE), 3, 1.0),
        (Metric(MetricKind.THRESHOLD, 3, 3, direction=Direction.DECREASE), 4, 0.0),
        (Metric(MetricKind.THRESHOLD, 3, 3, direction=Direction.DECREASE), None, 0.0),
        (Metric(MetricKind.THRESHOLD, 100, 100, "%"), 100, 1.0),  # Maintain 100% ...
        (Metric(MetricKind.THRESHOLD, 100, 100, "%"), 99, 0.0),
        (Metric(MetricKind.MILESTONE, 0, 1), None, 0.0),  # Achieve SOC2 Type 1
        (Metric(MetricKind.MILESTONE, 0, 1), 0, 0.0),
        (Metric(MetricKind.MILESTONE, 0, 1), 1, 1.0),
        (None, 10, 0.0),
    ],
)
def test_kr_progress_follows_the_documented_rules(
    metric: Metric | None, current: float | None, expected: float
) -> None:
    assert kr_progress(metric, current) == pytest.approx(expected)


NUMBERS = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
KINDS = st.sampled_from(list(MetricKind))
DIRECTIONS = st.sampled_from(list(Direction))


@st.composite
def metrics(draw: st.DrawFn, direction: Direction | None = None) -> Metric:
    """A metric whose direction agrees with start -> target (as the statement parser makes)."""
    kind = draw(KINDS)
    direction = direction or draw(DIRECTIONS)
    a, b = draw(NUMBERS), draw(NUMBERS)
    low, high = min(a, b), max(a, b)
    if kind in (MetricKind.THRESHOLD,):
        return Metric(kind, a, a, direction=direction)
    if direction is Direction.INCREASE:
        return Metric(kind, low, high, direction=direction)
    return Metric(kind, high, low, direction=direction)


@given(metric=st.none() | metrics(), current=st.none() | st.floats())
def test_kr_progress_is_always_between_0_and_1(
    metric: Metric | None, current: float | None
) -> None:
    assert 0.0 <= kr_progress(metric, current) <= 1.0


@given(metric=metrics(Direction.INCREASE), a=NUMBERS, b=NUMBERS)
def test_kr_progress_never_falls_as_an_increase_kr_goes_up(
    metric: Metric, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    assert kr_progress(metric, low) <= kr_progress(metric, high)


@given(metric=metrics(Direction.DECREASE), a=NUMBERS, b=NUMBERS)
def test_kr_progress_never_rises_as_a_decrease_kr_goes_up(
    metric: Metric, a: float, b: float
) -> None:
    low, high = sorted((a, b))
    assert kr_progress(metric, low) >= kr_progress(metric, high)


# ---------------------------------------------------------------- helpers


def test_weighted_mean_leaves_out_zero_weights() -> None:
    assert weighted_mean([(0.5, 2), (1.0, 1)]) == pytest.approx(2 / 3)
    assert weighted_mean([(0.5, 1), (1.0, 0)]) == 0.5
    assert weighted_mean([(0.5, 0), (1.0, 0)]) is None
    assert weighted_mean([]) is None
    assert weighted_mean([(0.2, 1e308), (0.4, 1e308)]) == pytest.approx(0.3)


@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1),
            st.floats(min_value=0, max_value=1e300) | st.just(0.0),
        ),
        max_size=8,
    )
)
def test_weighted_mean_lies_between_the_counted_values(items: list[tuple[float, float]]) -> None:
    mean = weighted_mean(items)
    counted = [value for value, weight in items if weight > 0]
    if not counted:
        assert mean is None
    else:
        assert mean is not None
        assert min(counted) <= mean <= max(counted)


@pytest.mark.parametrize(
    ("progress", "elapsed", "confidence", "expected"),
    [
        (0.0, 0.05, None, Health.ON_TRACK),  # the first days of the quarter
        (0.0, 0.1, None, Health.ON_TRACK),
        (0.4, 0.5, None, Health.ON_TRACK),  # 0.4 >= 0.5 * 0.8
        (0.39, 0.5, None, Health.NEEDS_ATTENTION),
        (0.25, 0.5, None, Health.NEEDS_ATTENTION),  # 0.25 >= 0.5 * 0.5
        (0.24, 0.5, None, Health.AT_RISK),
        (1.0, 1.0, None, Health.ON_TRACK),
        (0.9, 0.5, 0.45, Health.NEEDS_ATTENTION),  # low confidence lowers it
        (0.9, 0.5, 0.29, Health.AT_RISK),
        (0.3, 0.5, 0.45, Health.NEEDS_ATTENTION),  # never raises it
        (0.1, 0.5, 0.9, Health.AT_RISK),
        (0.9, 0.5, 0.5, Health.ON_TRACK),
    ],
)
def test_kr_health_compares_progress_with_time_then_confidence(
    progress: float, elapsed: float, confidence: float | None, expected: Health
) -> None:
    assert kr_health(progress, elapsed, confidence) is expected


def test_objective_health_can_follow_the_weakest_child() -> None:
    weakest = ScoringPolicy(objective_health="weakest")
    children = [Health.ON_TRACK, Health.AT_RISK]
    assert objective_health(0.9, 0.5, children, weakest) is Health.AT_RISK
    assert objective_health(0.9, 0.5, children) is Health.ON_TRACK
    assert objective_health(0.0, 0.5, [], weakest) is Health.AT_RISK


@pytest.mark.parametrize(
    ("progress", "score", "grade"),
    [
        (0.0, 0.0, Grade.RED),
        (0.25, 0.3, Grade.RED),  # halves round up
        (0.35, 0.4, Grade.YELLOW),
        (0.64, 0.6, Grade.YELLOW),
        (0.65, 0.7, Grade.GREEN),
        (2 / 3, 0.7, Grade.GREEN),
        (0.95, 1.0, Grade.GREEN),
        (1.0, 1.0, Grade.GREEN),
    ],
)
def test_score_rounds_progress_to_tenths_and_grades_it(
    progress: float, score: float, grade: Grade
) -> None:
    assert score_for(progress) == score
    assert grade_for(score) is grade


def test_success_depends_on_the_kind() -> None:
    assert success_for(0.7, Kind.ASPIRATIONAL)
    assert not success_for(0.6, Kind.ASPIRATIONAL)
    assert not success_for(0.9, Kind.COMMITTED)
    assert success_for(1.0, Kind.COMMITTED)
    assert success_for(0.8, Kind.COMMITTED, ScoringPolicy(committed_success=0.8))


def test_policy_rejects_inconsistent_numbers() -> None:
    with pytest.raises(ValueError):
        ScoringPolicy(objective_health="average")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ScoringPolicy(on_track_pace=0.4, needs_attention_pace=0.5)


# ---------------------------------------------------------------- evaluate: fixtures


def test_objective_progress_is_the_weighted_mean_of_its_key_results() -> None:
    objective = Objective("o", "O", key_results=[half("a", weight=2), done("b", weight=1)])
    result = evaluate([objective], elapsed=0.5)
    assert result.objectives["o"].progress == pytest.approx(0.6667, abs=1e-4)
    assert result.key_results["a"].progress == 0.5
    assert result.key_results["a"].current == 1
    assert result.problems == []


def test_kr_results_carry_current_confidence_and_health() -> None:
    nps = kr("nps", linear(25, 35), 27, 30, confidence=0.4)
    result = evaluate([Objective("o", "O", key_results=[nps])], elapsed=0.5)
    assert result.key_results["nps"].progress == 0.5
    assert result.key_results["nps"].current == 30
    assert result.key_results["nps"].confidence == 0.4
    assert result.key_results["nps"].health is Health.NEEDS_ATTENTION


def test_parent_counts_its_aligned_objective_as_one_child() -> None:
    parent = Objective("company", "C", key_results=[done("c1")])
    child = Objective("team", "T", parents=["company"], key_results=[half("t1")])
    result = evaluate([parent, child], elapsed=0.5)
    assert result.objectives["team"].progress == 0.5
    assert result.objectives["company"].progress == 0.75


def test_child_objective_weight_counts_in_the_parent() -> None:
    parent = Objective("company", "C", key_results=[done("c1")])
    child = Objective("team", "T", parents=["company"], weight=3, key_results=[half("t1")])
    result = evaluate([child, parent], elapsed=0.5)  # order does not matter
    assert result.objectives["company"].progress == pytest.approx((1 + 3 * 0.5) / 4)


def test_objective_aligned_under_two_parents_counts_in_both() -> None:
    sales = Objective("sales", "S", key_results=[done("s1")])
    marketing = Objective("marketing", "M", key_results=[kr("m1", linear(0, 1))])
    shared = Objective("shared", "X", parents=["sales", "marketing"], key_results=[half("x1")])
    result = evaluate([sales, marketing, shared], elapsed=0.5)
    assert result.objectives["sales"].progress == 0.75
    assert result.objectives["marketing"].progress == 0.25


def test_progress_rolls_up_over_any_depth() -> None:
    top = Objective("top", "Top")
    mid = Objective("mid", "Mid", parents=["top"], key_results=[done("m1")])
    low = Objective("low", "Low", parents=["mid"], key_results=[kr("l1", linear(0, 4), 1)])
    result = evaluate([top, mid, low], elapsed=0.5)
    assert result.objectives["low"].progress == 0.25
    assert result.objectives["mid"].progress == 0.625
    assert result.objectives["top"].progress == 0.625


def test_objective_without_children_has_progress_0() -> None:
    result = evaluate([Objective("o", "O")], elapsed=0.0)
    assert result.objectives["o"].progress == 0.0
    assert result.problems == []


def test_zero_weight_children_are_left_out() -> None:
    objective = Objective("o", "O", key_results=[half("a"), done("b", weight=0)])
    assert evaluate([objective], elapsed=0.5).objectives["o"].progress == 0.5


def test_a_missing_weight_counts_as_1() -> None:
    plain = KeyResult("a", "A", metric=linear(0, 2), checkins=[CheckIn(T0, 1)])
    objective = Objective("o", "O", key_results=[plain, done("b", weight=1)])
    assert evaluate([objective], elapsed=0.5).objectives["o"].progress == 0.75


def test_all_zero_weights_give_progress_0_and_a_problem() -> None:
    objective = Objective("o", "O", iid=7, key_results=[done("a", 0), done("b", 0)])
    result = evaluate([objective], elapsed=0.5)
    assert result.objectives["o"].progress == 0.0
    assert [p.where for p in result.problems] == ["#7"]
    assert "weight 0" in result.problems[0].message


def test_negative_weight_counts_as_0_and_is_reported() -> None:
    objective = Objective("o", "O", key_results=[half("a"), done("b", -1)])
    result = evaluate([objective], elapsed=0.5)
    assert result.objectives["o"].progress == 0.5
    assert [p.where for p in result.problems] == ["b"]


def test_a_weight_above_the_maximum_is_left_out_and_reported() -> None:
    # a key result filed with weight 1e308 moved nothing, and an aligned objective
    # weighing too much leaves its parent's number alone too
    heavy_child = Objective("c", "C", iid=3, parents=["o"], weight=11, key_results=[done("z")])
    objective = Objective("o", "O", key_results=[half("a"), done("b", 1e308)])
    result = evaluate([objective, heavy_child], elapsed=0.5)
    assert result.objectives["o"].progress == 0.5
    assert [(p.where, p.message) for p in result.problems] == [
        ("b", "weight 1e+308 is above rules.max_weight (10): left out of its objective's "
         "progress until its weight is 10 or less"),
        ("#3", "weight 11 is above rules.max_weight (10): left out of its objective's "
         "progress until its weight is 10 or less"),
    ]  # fmt: skip
    raised = evaluate([objective, heavy_child], elapsed=0.5, policy=ScoringPolicy(max_weight=20))
    assert raised.objectives["o"].progress == pytest.approx((0.5 + 11) / 12)  # 1e308 still out


def test_closed_objectives_get_score_grade_and_success() -> None:
    committed = Objective("c", "C", state=State.CLOSED, key_results=[half("a"), done("b")])
    aspirational = Objective(
        "a", "A", kind=Kind.ASPIRATIONAL, state=State.CLOSED, key_results=[half("x"), done("y")]
    )
    active = Objective("o", "O", state=State.ACTIVE, key_results=[half("z")])
    result = evaluate([committed, aspirational, active], elapsed=1.0)
    closed = result.objectives["c"]
    assert (closed.score, closed.grade, closed.success) == (0.8, Grade.GREEN, False)
    assert result.objectives["a"].success is True
    other = result.objectives["o"]
    assert (other.score, other.grade, other.success) == (None, None, None)


def test_duplicate_kr_key_is_a_problem_and_the_second_is_skipped() -> None:
    first = Objective("o1", "O1", key_results=[done("same", weight=1)])
    second = Objective("o2", "O2", key_results=[kr("same", linear(0, 1), iid=9), half("h")])
    result = evaluate([first, second], elapsed=0.5)
    assert result.key_results["same"].progress == 1.0
    assert result.objectives["o2"].progress == 0.5
    assert [p.where for p in result.problems] == ["#9"]


def test_duplicate_objective_key_is_a_problem() -> None:
    result = evaluate([Objective("o", "A"), Objective("o", "B", iid=3)], elapsed=0.5)
    assert list(result.objectives) == ["o"]
    assert [p.where for p in result.problems] == ["#3"]


def test_dangling_parent_is_a_problem() -> None:
    child = Objective("team", "T", iid=4, parents=["gone"], key_results=[half("t")])
    result = evaluate([child], elapsed=0.5)
    assert result.objectives["team"].progress == 0.5
    assert [p.where for p in result.problems] == ["#4"]
    assert "'gone'" in result.problems[0].message


def test_cycle_is_reported_and_its_members_keep_their_own_progress() -> None:
    a = Objective("a", "A", iid=1, parents=["b"], key_results=[done("a1")])
    b = Objective("b", "B", iid=2, parents=["a"], key_results=[half("b1")])
    below = Objective("c", "C", parents=["a"], key_results=[kr("c1", linear(0, 1))])
    selfish = Objective("s", "S", parents=["s"], key_results=[half("s1")])
    result = evaluate([a, b, below, selfish], elapsed=0.5)
    assert result.objectives["a"].progress == 0.5  # a1 = 1 and c = 0; not b
    assert result.objectives["b"].progress == 0.5  # b1 only; not a
    assert result.objectives["s"].progress == 0.5
    assert [p.where for p in result.problems] == ["#1", "s"]
    assert "#1, #2" in result.problems[0].message


def test_elapsed_is_clamped_and_nan_refused() -> None:
    assert evaluate([], elapsed=3).objectives == {}
    with pytest.raises(ValueError):
        evaluate([], elapsed=math.nan)


def test_weakest_policy_takes_the_worst_counted_child() -> None:
    policy = ScoringPolicy(objective_health="weakest")
    objective = Objective(
        "o", "O", key_results=[done("a"), kr("b", linear(0, 1), weight=0), done("c")]
    )
    result = evaluate([objective], elapsed=0.9, policy=policy)
    assert result.key_results["b"].health is Health.AT_RISK
    assert result.objectives["o"].health is Health.ON_TRACK


# ---------------------------------------------------------------- evaluate: properties


@st.composite
def okr_sets(draw: st.DrawFn, acyclic: bool = False) -> list[Objective]:
    count = draw(st.integers(min_value=1, max_value=7))
    keys = [f"o{i}" for i in range(count)]
    objectives = []
    kr_number = itertools.count()
    for i, key in enumerate(keys):
        pool = keys[:i] if acyclic else keys
        parents = draw(st.lists(st.sampled_from(pool), max_size=3)) if pool else []
        if not acyclic and draw(st.booleans()):
            parents.append("ghost")
        krs = [
            kr(
                f"k{next(kr_number)}",
                draw(st.none() | metrics()),
                *draw(st.lists(NUMBERS, max_size=2)),
                weight=draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])),
            )
            for _ in range(draw(st.integers(min_value=0, max_value=3)))
        ]
        weight = draw(st.sampled_from([0.0, 1.0, 2.0]))
        objectives.append(Objective(key, key, parents=parents, key_results=krs, weight=weight))
    return objectives


def reaches(objectives: list[Objective]) -> dict[str, set[str]]:
    """child -> every objective reachable along parent links (transitive closure)."""
    keys = {o.key for o in objectives}
    reach = {o.key: {p for p in o.parents if p in keys} for o in objectives}
    changed = True
    while changed:
        changed = False
        for targets in reach.values():
            extra = set().union(*(reach[t] for t in targets)) - targets
            if extra:
                targets |= extra
                changed = True
    return reach


@settings(max_examples=200)
@given(okr_sets())
def test_evaluate_terminates_on_any_parent_graph_and_reports_every_cycle(
    objectives: list[Objective],
) -> None:
    result = evaluate(objectives, elapsed=0.5)
    assert set(result.objectives) == {o.key for o in objectives}
    reach = reaches(objectives)
    on_cycle = {key for key, targets in reach.items() if key in targets}
    reported: set[str] = set()
    for problem in result.problems:
        found = re.match(r"parent cycle among (.*?): ", problem.message)
        if found:
            reported |= set(found.group(1).split(", "))
    assert reported == on_cycle
    for key, outcome in result.objectives.items():
        assert 0.0 <= outcome.progress <= 1.0
        # Between the counted children (links inside a cycle do not count).
        objective = next(o for o in objectives if o.key == key)
        values = [result.key_results[k.key].progress for k in objective.key_results if k.weight > 0]
        for child in objectives:
            same_cycle = key in reach[child.key] and child.key in reach[key]
            if key in child.parents and child.weight > 0 and not same_cycle:
                values.append(result.objectives[child.key].progress)
        if values:
            assert min(values) - 1e-12 <= outcome.progress <= max(values) + 1e-12
        else:
            assert outcome.progress == 0.0


def reference_progress(objectives: list[Objective], key: str) -> float:
    """The rule written out recursively (for graphs without cycles)."""
    objective = next(o for o in objectives if o.key == key)
    items = [(kr_progress(k.metric, k.current), k.weight) for k in objective.key_results]
    items += [
        (reference_progress(objectives, child.key), child.weight)
        for child in objectives
        if key in child.parents
    ]
    total = sum(w for _, w in items)
    return sum(v * w for v, w in items) / total if total > 0 else 0.0


@given(okr_sets(acyclic=True))
def test_evaluate_matches_the_recursive_rule_on_graphs_without_cycles(
    objectives: list[Objective],
) -> None:
    for objective in objectives:  # one link per parent, as the rule counts it
        objective.parents = list(dict.fromkeys(objective.parents))
    result = evaluate(objectives, elapsed=0.5)
    for objective in objectives:
        expected = reference_progress(objectives, objective.key)
        assert result.objectives[objective.key].progress == pytest.approx(expected, abs=1e-9)
    zero = [
        o.key
        for o in objectives
        if (o.key_results or any(o.key in c.parents for c in objectives))
        and all(k.weight == 0 for k in o.key_results)
        and all(c.weight == 0 for c in objectives if o.key in c.parents)
    ]
    assert sorted(p.where for p in result.problems) == sorted(zero)

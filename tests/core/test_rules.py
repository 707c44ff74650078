from __future__ import annotations

import dataclasses

import pytest

from okrflow.core.model import KeyResult, Metric, MetricKind, Objective, State
from okrflow.core.rules import (
    RULES,
    Finding,
    RuleSettings,
    Severity,
    blocking_findings,
    lint,
)


def good_kr(key: str, **changes: object) -> KeyResult:
    kr = KeyResult(
        key,
        f"Grow {key} from 10 to 20",
        metric=Metric(MetricKind.LINEAR, 10, 20),
        owner="bob",
        objective="o",
        quarter="FY24-Q1",
        state=State.ACTIVE,
        states=(State.ACTIVE,),
    )
    return dataclasses.replace(kr, **changes)  # type: ignore[arg-type]


def good_objective(**changes: object) -> Objective:
    objective = Objective(
        "o",
        "Make the product valuable to every developer",
        purpose="Developers who find value stay and tell others.",
        owner="alice",
        quarter="FY24-Q1",
        state=State.ACTIVE,
        states=(State.ACTIVE,),
        key_results=[good_kr("a"), good_kr("b"), good_kr("c")],
        iid=1,
    )
    return dataclasses.replace(objective, **changes)  # type: ignore[arg-type]


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def test_a_well_formed_objective_has_no_findings() -> None:
    assert lint([good_objective()]) == []


def test_registry_lists_every_rule_in_kebab_case() -> None:
    assert list(RULES) == [
        "kr-count",
        "measurable",
        "owner",
        "purpose",
        "one-state",
        "quarter",
        "kr-attached",
        "duplicate-key",
        "active-has-krs",
        "weight-positive",
        "statement-placeholder",
        "template-sections",
    ]
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert rule.summary


@pytest.mark.parametrize(
    ("objective", "rule", "severity", "message"),
    [
        (
            good_objective(key_results=[good_kr("a"), good_kr("b")]),
            "kr-count",
            Severity.WARNING,
            "objective has 2 key results; an objective needs 3 to 5: add 1 more",
        ),
        (
            good_objective(key_results=[good_kr(k) for k in "abcdef"]),
            "kr-count",
            Severity.WARNING,
            "objective has 6 key results; an objective needs 3 to 5: drop 1 or move it",
        ),
        (
            good_objective(owner=None),
            "owner",
            Severity.ERROR,
            "objective has no owner: assign its DRI",
        ),
        (
            good_objective(purpose="  "),
            "purpose",
            Severity.ERROR,
            "every goal needs a purpose: say why it matters",
        ),
        (
            good_objective(state=None, states=()),
            "one-state",
            Severity.ERROR,
            "objective has no lifecycle state: give it exactly one",
        ),
        (
            good_objective(state=None, states=(State.DRAFT, State.ACTIVE)),
            "one-state",
            Severity.ERROR,
            "several lifecycle states (In Draft and Active): keep exactly one",
        ),
        (
            good_objective(quarter=None),
            "quarter",
            Severity.ERROR,
            "objective has no quarter",
        ),
        (
            good_objective(weight=0),
            "weight-positive",
            Severity.WARNING,
            "weight 0, so it is excluded from rollup",
        ),
        (
            good_objective(weight=-1),
            "weight-positive",
            Severity.ERROR,
            "weight -1",
        ),
        (
            good_objective(title="<Outcome> for <customer>"),
            "statement-placeholder",
            Severity.WARNING,
            "objective title still has the placeholder '<Outcome>'",
        ),
        (
            good_objective(missing_sections=("Purpose", "Alignment")),
            "template-sections",
            Severity.WARNING,
            "objective leaves the template sections 'Purpose', 'Alignment' empty: fill them in",
        ),
        (
            good_objective(purpose="TBD"),
            "statement-placeholder",
            Severity.WARNING,
            "objective purpose still has the placeholder 'TBD'",
        ),
    ],
)
def test_objective_rule_fires_on_a_minimal_bad_example(
    objective: Objective, rule: str, severity: Severity, message: str
) -> None:
    findings = lint([objective])
    assert rules_of(findings) == [rule]
    assert findings[0].severity is severity
    assert findings[0].key == "o"
    assert findings[0].iid == 1
    assert findings[0].where == "#1"
    assert message in findings[0].message


@pytest.mark.parametrize("state", [State.REVIEW, State.ACTIVE])
def test_objective_under_review_or_active_needs_key_results(state: State) -> None:
    findings = lint([good_objective(state=state, states=(state,), key_results=[])])
    assert rules_of(findings) == ["kr-count", "active-has-krs"]
    assert "has no key results" in findings[1].message


def test_kr_count_points_at_key_results_proposed_in_the_description() -> None:
    proposed = good_objective(
        key_results=[good_kr("a")], proposed_key_results=("Grow x from 1 to 2", "Land 3 logos")
    )
    findings = lint([proposed])
    assert rules_of(findings) == ["kr-count"]
    assert findings[0].message.endswith(
        "add 2 more (its description proposes 2: open them with okrflow new kr)"
    )


def test_draft_objective_may_lack_key_results_for_now() -> None:
    draft = good_objective(state=State.DRAFT, states=(State.DRAFT,), key_results=[])
    assert rules_of(lint([draft])) == ["kr-count"]


def test_objective_built_in_code_without_labels_has_one_state() -> None:
    assert lint([good_objective(states=())]) == []


def with_kr(**changes: object) -> Objective:
    return good_objective(key_results=[good_kr("a"), good_kr("b"), good_kr("c", **changes)])


@pytest.mark.parametrize(
    ("objective", "rule", "severity", "message"),
    [
        (
            with_kr(metric=None, statement_problem="no start and target found"),
            "measurable",
            Severity.ERROR,
            "key result is not measurable: no start and target found; write it as",
        ),
        (
            with_kr(metric=None),
            "measurable",
            Severity.ERROR,
            "key result is not measurable",
        ),
        (with_kr(owner=""), "owner", Severity.ERROR, "key result has no owner"),
        (
            with_kr(state=None, states=(State.ACTIVE, State.CLOSED)),
            "one-state",
            Severity.ERROR,
            "key result has several lifecycle states",
        ),
        (
            with_kr(quarter="FY24-Q2"),
            "quarter",
            Severity.ERROR,
            "key result is in FY24-Q2 but its objective is in FY24-Q1",
        ),
        (
            with_kr(weight=0),
            "weight-positive",
            Severity.WARNING,
            "key result has weight 0, so it is excluded from rollup",
        ),
        (
            with_kr(weight=-2),
            "weight-positive",
            Severity.ERROR,
            "key result has weight -2: use a number above 0",
        ),
        (
            with_kr(title="Land [_N<sub>3</sub>_] large enterprise logos"),
            "statement-placeholder",
            Severity.WARNING,
            "still has the placeholder '[_N<sub>3</sub>_]'",
        ),
        (
            with_kr(missing_sections=("Metric source",)),
            "template-sections",
            Severity.WARNING,
            "key result leaves the template section 'Metric source' empty: fill it in",
        ),
        (
            with_kr(title="<Verb> <measure> from <x> to <y>"),
            "statement-placeholder",
            Severity.WARNING,
            "still has the placeholder '<Verb>'",
        ),
    ],
)
def test_key_result_rule_fires_on_a_minimal_bad_example(
    objective: Objective, rule: str, severity: Severity, message: str
) -> None:
    findings = lint([objective])
    assert rules_of(findings) == [rule]
    assert findings[0].severity is severity
    assert findings[0].key == "c"
    assert message in findings[0].message


@pytest.mark.parametrize(
    "title",
    [
        "Improve developer NPS from 25 to 35",
        "Keep P1 incidents from exceeding 3",
        "Reduce p95 latency to <200ms",
        "Win 3 accounts... and keep them",
        "Land 5 large enterprise logos (Q2)",
    ],
)
def test_ordinary_statements_are_not_placeholders(title: str) -> None:
    assert lint([with_kr(title=title)]) == []


def test_orphan_key_result_is_reported() -> None:
    orphan = good_kr("lost", objective=None, iid=40)
    findings = lint([good_objective()], orphans=[orphan])
    assert rules_of(findings) == ["kr-attached"]
    assert findings[0].where == "#40"
    assert "not attached to an objective" in findings[0].message


def test_duplicate_keys_are_reported_on_the_later_ones() -> None:
    first = good_objective()
    again = good_objective(iid=2, key_results=[good_kr("d"), good_kr("e"), good_kr("a", iid=9)])
    orphan = good_kr("d", objective=None)
    findings = lint([first, again], orphans=[orphan])
    assert [(f.rule, f.where) for f in findings] == [
        ("duplicate-key", "#2"),
        ("duplicate-key", "#9"),
        ("kr-attached", "d"),
        ("duplicate-key", "d"),
    ]
    assert "objective key 'o' is also used by #1" in findings[0].message


def test_findings_come_in_a_stable_order() -> None:
    bad = good_objective(
        owner=None,
        purpose="",
        quarter=None,
        key_results=[good_kr("x", owner=None, metric=None)],
    )
    other = good_objective(key="p", iid=2, key_results=[])
    findings = lint([bad, other])
    assert [(f.key, f.rule) for f in findings] == [
        ("o", "kr-count"),
        ("o", "owner"),
        ("o", "purpose"),
        ("o", "quarter"),
        ("x", "measurable"),
        ("x", "owner"),
        ("p", "kr-count"),
        ("p", "active-has-krs"),
    ]
    assert lint([bad, other]) == findings


def test_settings_disable_rules_and_change_severity() -> None:
    bad = good_objective(purpose="", key_results=[good_kr("a"), good_kr("b", weight=0)])
    assert rules_of(lint([bad])) == ["kr-count", "purpose", "weight-positive"]
    quiet = RuleSettings(disabled={"purpose"}, severities={"kr-count": "error"})
    findings = lint([bad], settings=quiet)
    assert [(f.rule, f.severity) for f in findings] == [
        ("kr-count", Severity.ERROR),
        ("weight-positive", Severity.WARNING),
    ]
    strict = RuleSettings(severities={"weight-positive": Severity.ERROR})
    assert lint([bad], settings=strict)[-1].severity is Severity.ERROR


def test_settings_reject_unknown_rule_ids_and_severities() -> None:
    with pytest.raises(ValueError, match="unknown rule id kr-cuont: known rules are kr-count"):
        RuleSettings(disabled={"kr-cuont"})
    with pytest.raises(ValueError, match="unknown rule id nope"):
        RuleSettings(severities={"nope": "error"})
    with pytest.raises(ValueError, match="use error or warning"):
        RuleSettings(severities={"owner": "fatal"})


def test_blocking_findings_are_the_errors() -> None:
    findings = lint([good_objective(owner=None, key_results=[good_kr("a")])])
    assert rules_of(findings) == ["kr-count", "owner"]
    assert rules_of(blocking_findings(findings)) == ["owner"]
    assert blocking_findings(lint([good_objective()])) == []

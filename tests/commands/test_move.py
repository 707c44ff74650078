"""okrflow move: lifecycle transitions with their checks, cascade, one label, closing, comments."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from okr_world import (
    NAMES,
    PROJECT,
    QUARTER,
    add_kr,
    add_objective,
    description,
    lifecycle_labels,
    note_bodies,
    objective_with_krs,
    workspace,
)

from okrflow.commands.move import (
    ALLOWED,
    MOVE_MARKER,
    blocking_for_move,
    move,
    move_bulk,
    parse_outcome,
    parse_state,
    transition_allowed,
)
from okrflow.core.description import split
from okrflow.core.errors import CoreError
from okrflow.core.model import IssueId, Outcome, State
from okrflow.core.rules import Finding, Severity
from okrflow.errors import EXIT_FINDINGS, EXIT_USAGE, FindingsError, UsageError
from okrflow.sandbox import SANDBOX_URL, Emulator

ALLOWED_PAIRS = {
    ("draft", "review"),
    ("review", "active"),
    ("review", "draft"),
    ("active", "closed"),
}
PAIRS = [(a.value, b.value) for a in State for b in State]


def meta_of(emu: Emulator, iid: int) -> dict[str, object]:
    parsed = split(description(emu, iid)).meta
    assert parsed is not None
    return parsed


# -- the lifecycle -------------------------------------------------------------------


@pytest.mark.parametrize(("start", "target"), PAIRS)
def test_every_transition_is_allowed_refused_or_a_no_op(
    emu: Emulator, start: str, target: str
) -> None:
    obj, krs = objective_with_krs(emu, state=start, values=[40, 40, 40])
    if start == "closed":
        for iid in (obj, *krs):
            emu.issue(PROJECT, iid).state = "closed"
    ws = workspace(emu)
    emu.reset_log()
    if start == target:
        result = move(ws, str(obj), to=target)
        assert result.moved == [] and emu.writes().total() == 0
    elif (start, target) in ALLOWED_PAIRS:
        result = move(ws, str(obj), to=target)
        assert [m.iid for m in result.moved] == [obj, *krs]
        for iid in (obj, *krs):
            assert lifecycle_labels(emu, iid) == [NAMES.state_label(State(target))]
    else:
        with pytest.raises(UsageError) as err:
            move(ws, str(obj), to=target)
        assert err.value.exit_code == EXIT_USAGE
        assert "In Draft -> Under Review" in err.value.message
        assert "Active -> Closed" in err.value.message
        assert emu.writes().total() == 0
        assert lifecycle_labels(emu, obj) == [NAMES.state_label(State(start))]


def test_the_allowed_moves_are_the_lifecycle_of_the_seeds() -> None:
    pairs = {(a.value, b.value) for a, targets in ALLOWED.items() for b in targets}
    assert pairs == ALLOWED_PAIRS


def test_an_issue_without_a_lifecycle_label_starts_in_draft() -> None:
    assert transition_allowed((), State.REVIEW)
    assert not transition_allowed((), State.ACTIVE)
    # two labels: either may be the start, and the target may be one of them
    assert transition_allowed((State.DRAFT, State.ACTIVE), State.CLOSED)
    assert transition_allowed((State.DRAFT, State.REVIEW), State.REVIEW)


def test_states_and_outcomes_are_read_as_people_write_them() -> None:
    assert parse_state("Under Review") is State.REVIEW
    assert parse_state("in-draft") is State.DRAFT
    assert parse_outcome("not-a-priority") is Outcome.NOT_A_PRIORITY
    with pytest.raises(CoreError, match=r"^unknown lifecycle state 'done'"):
        parse_state("done")
    with pytest.raises(CoreError, match=r"^unknown outcome 'great'"):
        parse_outcome("great")


# -- the checks ------------------------------------------------------------------------


def test_review_is_refused_for_an_objective_with_two_key_results_naming_the_rule(
    emu: Emulator,
) -> None:
    obj, _ = objective_with_krs(emu, krs=2)
    emu.reset_log()
    with pytest.raises(FindingsError) as err:
        move(workspace(emu), str(obj), to="review")
    assert err.value.exit_code == EXIT_FINDINGS
    assert "kr-count" in err.value.message and "add 1 more" in err.value.message
    assert emu.writes().total() == 0
    assert lifecycle_labels(emu, obj) == [NAMES.draft]


def test_review_is_allowed_with_three_key_results(emu: Emulator) -> None:
    obj, krs = objective_with_krs(emu, krs=3)
    result = move(workspace(emu), str(obj), to="review")
    assert {m.iid for m in result.moved} == {obj, *krs}
    assert lifecycle_labels(emu, obj) == [NAMES.review]


def test_active_is_refused_too_while_an_error_level_rule_is_broken(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, state="review", purpose="")
    with pytest.raises(FindingsError) as err:
        move(workspace(emu), str(obj), to="active")
    assert "purpose" in err.value.message and "kr-count" not in err.value.message
    assert lifecycle_labels(emu, obj) == [NAMES.review]


def test_a_key_result_that_cannot_be_measured_holds_its_objective_back(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, krs=2)
    bad = add_kr(emu, "Make customers happier", (f"obj-{obj}", obj))
    with pytest.raises(FindingsError) as err:
        move(workspace(emu), str(obj), to="review")
    assert f"#{bad} measurable" in err.value.message


def test_kr_count_refuses_a_move_though_lint_calls_it_a_warning() -> None:
    warning = Finding("kr-count", Severity.WARNING, "o", 1, "objective has 2 key results")
    other = Finding("template-sections", Severity.WARNING, "o", 1, "empty section")
    labels = Finding("one-state", Severity.ERROR, "o", 1, "two lifecycle labels")
    assert blocking_for_move([warning, other, labels]) == [warning]


def test_going_back_to_draft_and_closing_are_not_checked(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, krs=1, state="review", purpose="")
    assert move(workspace(emu), str(obj), to="draft").moved
    active, _ = objective_with_krs(emu, krs=1, state="active", purpose="")
    assert move(workspace(emu), str(active), to="closed").moved


def test_moving_to_the_state_it_is_in_checks_nothing_and_writes_nothing(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, krs=2, state="review")
    emu.reset_log()
    result = move(workspace(emu), f"#{obj}", to="review")
    assert result.moved == [] and emu.writes().total() == 0
    assert "0 moved, 3 already Under Review" in result.summary()


# -- cascade, labels, comments --------------------------------------------------------


def test_moving_an_objective_to_active_moves_its_key_results(emu: Emulator) -> None:
    obj, krs = objective_with_krs(emu, state="review")
    result = move(workspace(emu), str(obj), to="active")
    assert [m.iid for m in result.moved] == [obj, *krs]
    assert all(m.cascaded for m in result.moved[1:])
    for iid in (obj, *krs):
        assert lifecycle_labels(emu, iid) == [NAMES.active]


def test_key_results_already_there_are_skipped_and_lagging_ones_follow(emu: Emulator) -> None:
    obj = add_objective(emu, "Delight customers", state="review")
    there = add_kr(emu, "Raise NPS from 20 to 40", (f"obj-{obj}", obj), state="active")
    behind = add_kr(emu, "Cut churn from 10% to 5%", (f"obj-{obj}", obj), state="draft")
    third = add_kr(emu, "Land 5 enterprise logos", (f"obj-{obj}", obj), state="review")
    emu.reset_log()
    result = move(workspace(emu), str(obj), to="active")
    assert [m.iid for m in result.moved] == [obj, behind, third]
    assert result.unchanged == [there]
    assert note_bodies(emu, there) == []
    assert emu.counts_by_route()["PUT /projects/:id/issues/:issue_iid"] == 3


def test_each_issue_ends_with_exactly_one_lifecycle_label_in_one_put(emu: Emulator) -> None:
    obj = add_objective(emu, "Delight customers", state=["draft", "review"])
    krs = [
        add_kr(emu, f"Raise score {n} from 20 to 40", (f"obj-{obj}", obj), state=states)
        for n, states in enumerate([["review"], ["draft", "review"], ["draft", "active"]])
    ]
    emu.reset_log()
    move(workspace(emu), str(obj), to="active")
    for iid in (obj, *krs):
        assert lifecycle_labels(emu, iid) == [NAMES.active]
    assert emu.counts_by_route()["PUT /projects/:id/issues/:issue_iid"] == 4
    # other labels are left alone
    assert {NAMES.objective, QUARTER, "CSM"} <= set(emu.issue_labels(PROJECT, obj))


def test_a_transition_leaves_one_short_comment_even_if_move_runs_twice(emu: Emulator) -> None:
    obj, krs = objective_with_krs(emu)
    ws = workspace(emu)
    move(ws, str(obj), to="review")
    move(ws, str(obj), to="review")
    bodies = note_bodies(emu, obj)
    assert len(bodies) == 1
    assert bodies[0].startswith("okrflow: moved from In Draft to Under Review by @okr-lead")
    assert len(note_bodies(emu, krs[0])) == 1
    assert f"with its objective #{obj}" in note_bodies(emu, krs[0])[0]


def test_a_run_interrupted_after_its_comment_does_not_comment_twice(emu: Emulator) -> None:
    obj, _krs = objective_with_krs(emu)
    emu.add_note(
        PROJECT,
        obj,
        f"okrflow: moved from In Draft to Under Review by @okr-lead\n\n"
        f"{MOVE_MARKER} draft->review -->",
    )
    move(workspace(emu), str(obj), to="review")
    assert len(note_bodies(emu, obj)) == 1
    assert lifecycle_labels(emu, obj) == [NAMES.review]


def test_moving_back_and_forth_comments_each_real_move(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu)
    ws = workspace(emu)
    move(ws, str(obj), to="review")
    move(ws, str(obj), to="draft")
    move(ws, str(obj), to="review")
    bodies = note_bodies(emu, obj)
    assert [re.search(r"from (.*) by", b).group(1) for b in bodies] == [  # type: ignore[union-attr]
        "In Draft to Under Review",
        "Under Review to In Draft",
        "In Draft to Under Review",
    ]


def test_a_persons_text_around_the_metadata_block_is_kept(emu: Emulator) -> None:
    above = "Notes from the planning meeting: @carol will help.\n\n"
    below = "\n\nP.S. see the retro of last quarter."  # as GitLab stores it: no trailing "\n"
    obj = add_objective(emu, "Delight customers", state="active", above=above, below=below)
    before = description(emu, obj)
    move(workspace(emu), str(obj), to="closed")
    after = description(emu, obj)
    assert after.startswith(above) and after.endswith(below)
    assert split(after).human == split(before).human


# -- closing ---------------------------------------------------------------------------


def test_closing_records_outcome_and_score_and_closes_the_issues(emu: Emulator) -> None:
    obj, krs = objective_with_krs(emu, state="active", values=[40, 40, 30])  # 100, 100, 50
    result = move(workspace(emu), str(obj), to="closed")
    meta = meta_of(emu, obj)
    assert meta["score"] == 0.8 and meta["outcome"] == "missed"  # committed needs 1.0
    assert emu.issue(PROJECT, obj).state == "closed"
    assert [meta_of(emu, k)["outcome"] for k in krs] == ["achieved", "achieved", "missed"]
    assert [meta_of(emu, k)["score"] for k in krs] == [1.0, 1.0, 0.5]
    assert all(emu.issue(PROJECT, k).state == "closed" for k in krs)
    assert result.moved[0].line().endswith("(outcome missed, score 0.8)")
    assert "outcome: missed, score 0.8" in note_bodies(emu, obj)[0]


def test_closing_swaps_the_live_health_label_for_the_grade(emu: Emulator) -> None:
    obj, krs = objective_with_krs(emu, state="active", values=[40, 40, 30])  # 100, 100, 50
    for iid in (obj, *krs):
        emu.request(
            "PUT",
            f"/projects/acme%2Fokrs/issues/{iid}",
            token=emu.default_token,
            json_body={"add_labels": "okr-health::on track"},
        )
    move(workspace(emu), str(obj), to="closed")

    def kept(iid: int) -> list[str]:
        return [
            label
            for label in emu.issue_labels(PROJECT, iid)
            if label.startswith(("okr-health::", "okr-grade::"))
        ]

    assert kept(obj) == ["okr-grade::green"]  # 0.8
    assert [kept(k) for k in krs] == [
        ["okr-grade::green"],
        ["okr-grade::green"],
        ["okr-grade::yellow"],
    ]


def test_the_score_is_the_one_evaluate_snapshot_gives(emu: Emulator) -> None:
    from okrflow.commands.analysis import evaluate_snapshot

    obj, _ = objective_with_krs(emu, state="active", values=[33, 27, 21])
    ws = workspace(emu)
    snap = ws.repo.load(QUARTER)
    snap.issues[IssueId("", obj)].okr.state = State.CLOSED
    expected = evaluate_snapshot(ws, snap).objectives[f"obj-{obj}"].score
    move(ws, str(obj), to="closed")
    assert meta_of(emu, obj)["score"] == expected


def test_an_aspirational_objective_is_achieved_at_0_7(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, state="active", values=[34, 34, 34], kind="aspirational")
    move(workspace(emu), str(obj), to="closed")
    assert meta_of(emu, obj)["outcome"] == "achieved" and meta_of(emu, obj)["score"] == 0.7


def test_outcome_given_overrides_and_not_a_priority_reaches_the_key_results(
    emu: Emulator,
) -> None:
    obj, krs = objective_with_krs(emu, state="active", values=[40, 40, 40])
    move(workspace(emu), str(obj), to="closed", outcome="not-a-priority")
    assert meta_of(emu, obj)["outcome"] == "not a priority"
    assert {meta_of(emu, k)["outcome"] for k in krs} == {"not a priority"}


def test_outcome_is_only_for_closing(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu)
    with pytest.raises(UsageError, match="--outcome"):
        move(workspace(emu), str(obj), to="review", outcome=Outcome.MISSED)


# -- references, key results alone, dry run, bulk -------------------------------------------


def test_a_key_result_moves_alone(emu: Emulator) -> None:
    obj, krs = objective_with_krs(emu)
    result = move(workspace(emu), f"{SANDBOX_URL}/{PROJECT}/-/issues/{krs[0]}", to="review")
    assert [m.iid for m in result.moved] == [krs[0]]
    assert lifecycle_labels(emu, obj) == [NAMES.draft]


def test_an_issue_that_is_no_okr_or_in_another_project_is_refused(emu: Emulator) -> None:
    plain = emu.add_issue(PROJECT, "Fix the login page").iid
    ws = workspace(emu)
    with pytest.raises(UsageError, match="not an OKR issue"):
        move(ws, str(plain), to="review")
    with pytest.raises(UsageError, match="other/project"):
        move(ws, "other/project#1", to="review")


def test_a_reference_to_no_issue_is_a_usage_error(emu: Emulator) -> None:
    with pytest.raises(UsageError, match=r"^#999: there is no issue #999 in acme/okrs$"):
        move(workspace(emu), "#999", to="review")


def test_dry_run_only_reads_and_says_what_would_move(emu: Emulator) -> None:
    obj, krs = objective_with_krs(emu, state="active", values=[40, 40, 40])
    ws = workspace(emu, dry_run=True)
    emu.reset_log()
    result = move(ws, str(obj), to="closed")
    assert set(emu.counts()) == {"GET"}
    assert result.moved[0].line(dry_run=True).startswith(f"would move objective #{obj}")
    assert {str(w).split(" #")[0] for w in ws.repo.planned} == {"comment on", "update issue"}
    assert lifecycle_labels(emu, obj) == [NAMES.active]
    assert emu.issue(PROJECT, krs[0]).state == "opened"


def test_bulk_moves_a_quarter_and_lists_what_the_checks_refused(emu: Emulator) -> None:
    good, good_krs = objective_with_krs(emu, "Delight customers", state="review")
    thin, _ = objective_with_krs(emu, "Grow the community", state="review", krs=2)
    draft, _ = objective_with_krs(emu, "Later", state="draft")
    result = move_bulk(workspace(emu), quarter=QUARTER, from_state="review", to="active")
    assert [m.iid for m in result.moved] == [good, *good_krs]
    assert [b.iid for b in result.blocked] == [thin] and result.blocked[0].rules == ["kr-count"]
    assert lifecycle_labels(emu, thin) == [NAMES.review]
    assert lifecycle_labels(emu, draft) == [NAMES.draft]
    error = result.error()
    assert isinstance(error, FindingsError) and "kr-count" in error.message


def test_bulk_refuses_a_move_the_lifecycle_does_not_allow(emu: Emulator) -> None:
    with pytest.raises(UsageError, match="allows"):
        move_bulk(workspace(emu), quarter=QUARTER, from_state="draft", to="active")


# -- the command line -----------------------------------------------------------------------


def test_cli_move_prints_each_move_and_json_on_request(
    emu: Emulator, run: Callable[..., tuple[int, str, str]]
) -> None:
    obj, krs = objective_with_krs(emu)
    code, out, err = run("move", str(obj), "--to", "review")
    assert code == 0, err
    assert f"moved objective #{obj} from In Draft to Under Review" in out
    code, out, _ = run("move", str(obj), "--to", "review", "--json")
    assert code == 0 and json.loads(out)["unchanged"] == [obj, *krs]


def test_cli_move_refused_by_the_checks_exits_3_naming_the_rule(
    emu: Emulator, run: Callable[..., tuple[int, str, str]]
) -> None:
    obj, _ = objective_with_krs(emu, krs=2)
    code, _, err = run("move", str(obj), "--to", "review")
    assert code == EXIT_FINDINGS and "kr-count" in err
    assert err.startswith("okrflow: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    "args",
    [
        ["move", "--to", "review"],
        ["move", "1", "--from", "draft", "--to", "review"],
        ["move", "1", "--to", "finished"],
        ["move", "twelve", "--to", "review"],
        ["move", "--from", "review", "--to", "review", "--outcome", "missed"],
    ],
)
def test_cli_move_usage_errors_exit_2(
    run: Callable[..., tuple[int, str, str]], args: list[str]
) -> None:
    code, _, err = run(*args)
    assert code == EXIT_USAGE, err

"""Board moves are checked: a lifecycle label a person changed past okrflow move's checks is
noticed on the next rollup, reported once (who and when from the label events), and with
``lifecycle.on_bypass: revert`` moved back; label events are read only for such issues."""

from __future__ import annotations

import pytest
from okr_world import (
    NOW,
    PROJECT,
    QUARTER,
    lifecycle_labels,
    note_bodies,
    objective_with_krs,
)
from rollup_world import meta_of

from okrflow.adapter import ConnectionSettings
from okrflow.commands.move import move
from okrflow.commands.rollup import rollup
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.core.model import Outcome, State
from okrflow.sandbox import Emulator

LIFECYCLE = ["okr-status::draft", "okr-status::review", "okr-status::active", "okr-status::closed"]
EVENTS = "GET /projects/:id/issues/:issue_iid/resource_label_events"


def workspace(emu: Emulator, on_bypass: str = "report") -> Workspace:
    data = Config.default().model_dump(mode="json")
    data["lifecycle"]["on_bypass"] = on_bypass
    settings = ConnectionSettings(
        url=emu.base_url, token=emu.default_token, project=PROJECT, retries=1
    )
    return Workspace(config=Config.model_validate(data), connection=settings, now=lambda: NOW)


def writes(emu: Emulator) -> int:
    counts = emu.counts()
    return sum(counts[m] for m in ("POST", "PUT", "PATCH", "DELETE"))


@pytest.fixture
def drafted(emu: Emulator) -> int:
    """A draft objective with three key results, rolled up once (okrflow recorded the
    draft state), on the OKRs board."""
    emu.set_now(NOW)
    emu.add_board(PROJECT, "OKRs", lists=LIFECYCLE)
    obj, _ = objective_with_krs(emu, state="draft")
    rollup(workspace(emu), quarter=QUARTER)
    assert meta_of(emu, obj).lifecycle is State.DRAFT
    emu.reset_log()
    return obj


def test_a_warm_rollup_reads_no_label_events(emu: Emulator, drafted: int) -> None:
    rollup(workspace(emu), quarter=QUARTER)
    assert EVENTS not in emu.counts_by_route()
    assert writes(emu) == 0


def test_a_draft_dragged_to_active_is_reported_once(emu: Emulator, drafted: int) -> None:
    emu.move_on_board(PROJECT, drafted, "okr-status::active", user="alice")

    result = rollup(workspace(emu), quarter=QUARTER)

    [comment] = note_bodies(emu, drafted)
    assert comment.startswith(
        "okrflow: @alice moved this from In Draft to Active on 2024-02-15, but okrflow move "
        "does not go from In Draft to Active."
    )
    assert lifecycle_labels(emu, drafted) == ["okr-status::active"]  # left there
    assert meta_of(emu, drafted).lifecycle is State.ACTIVE
    assert emu.counts_by_route()[EVENTS] == 1  # only for the moved issue
    assert any(p.where == f"#{drafted}" and "@alice moved it" in p.message for p in result.problems)
    emu.reset_log()
    rollup(workspace(emu), quarter=QUARTER)
    assert writes(emu) == 0 and EVENTS not in emu.counts_by_route()
    assert len(note_bodies(emu, drafted)) == 1


def test_with_revert_the_card_goes_back_with_one_comment(emu: Emulator, drafted: int) -> None:
    emu.move_on_board(PROJECT, drafted, "okr-status::active", user="alice")

    rollup(workspace(emu, "revert"), quarter=QUARTER)

    assert lifecycle_labels(emu, drafted) == ["okr-status::draft"]
    [comment] = note_bodies(emu, drafted)
    assert comment.startswith("okrflow: moved back to In Draft: @alice moved this from In Draft")
    assert meta_of(emu, drafted).lifecycle is State.DRAFT
    emu.reset_log()
    rollup(workspace(emu, "revert"), quarter=QUARTER)
    assert writes(emu) == 0
    assert len(note_bodies(emu, drafted)) == 1


def test_a_label_event_without_a_user_is_someone(emu: Emulator, drafted: int) -> None:
    emu.move_on_board(PROJECT, drafted, "okr-status::active", user="alice")
    issue = emu.issue(PROJECT, drafted)
    for event in emu.state.label_events_of(issue.id):
        event.user_id = None  # GitLab answers "user": null for a deleted user

    result = rollup(workspace(emu), quarter=QUARTER)

    [comment] = note_bodies(emu, drafted)
    assert comment.startswith("okrflow: someone (GitLab does not say who) moved this from")
    assert any("someone moved it" in p.message for p in result.problems)


def test_a_move_okrflow_move_allows_is_recorded_silently(emu: Emulator, drafted: int) -> None:
    emu.move_on_board(PROJECT, drafted, "okr-status::review", user="alice")  # lint is clean

    rollup(workspace(emu), quarter=QUARTER)

    assert note_bodies(emu, drafted) == []
    assert EVENTS not in emu.counts_by_route()
    assert meta_of(emu, drafted).lifecycle is State.REVIEW
    emu.reset_log()
    rollup(workspace(emu), quarter=QUARTER)
    assert writes(emu) == 0


def test_a_move_while_a_blocking_rule_is_broken_is_reported(emu: Emulator) -> None:
    emu.set_now(NOW)
    emu.add_board(PROJECT, "OKRs", lists=LIFECYCLE)
    obj, _ = objective_with_krs(emu, state="draft", krs=2)  # kr-count refuses review
    rollup(workspace(emu), quarter=QUARTER)
    emu.move_on_board(PROJECT, obj, "okr-status::review", user="bob")

    rollup(workspace(emu), quarter=QUARTER)

    [comment] = note_bodies(emu, obj)
    assert "@bob moved this from In Draft to Under Review" in comment
    assert "but it breaks kr-count, which okrflow move refuses for Under Review" in comment


def test_a_label_edit_on_an_objective_okrflow_new_filed_is_checked_before_any_rollup(
    emu: Emulator,
) -> None:
    from okrflow.commands.new import new_objective

    emu.set_now(NOW)
    data = Config.default().model_dump(mode="json")
    data["teams"] = ["CSM"]
    settings = ConnectionSettings(
        url=emu.base_url, token=emu.default_token, project=PROJECT, retries=1
    )
    ws = Workspace(config=Config.model_validate(data), connection=settings, now=lambda: NOW)
    made = new_objective(
        ws,
        title="Delight our developers",
        quarter=QUARTER,
        team="CSM",
        owner="alice",
        purpose="Developers who love the product stay.",
    )
    assert made.iid is not None and meta_of(emu, made.iid).lifecycle is State.DRAFT
    emu.request(  # a label edit by a member, no board needed
        "PUT",
        f"/projects/{emu.project(PROJECT).id}/issues/{made.iid}",
        token=emu.token_for("bob"),
        json_body={"add_labels": "okr-status::active", "remove_labels": "okr-status::draft"},
    )

    rollup(workspace(emu), quarter=QUARTER)

    [comment] = note_bodies(emu, made.iid)
    assert comment.startswith("okrflow: @bob moved this from In Draft to Active")


def test_two_lifecycle_labels_at_once_resolve_to_the_one_added_last(
    emu: Emulator, drafted: int
) -> None:
    emu.request(  # a label added by hand next to the old one
        "PUT",
        f"/projects/{emu.project(PROJECT).id}/issues/{drafted}",
        token=emu.token_for("bob"),
        json_body={"add_labels": "okr-status::active"},
    )
    assert sorted(lifecycle_labels(emu, drafted)) == ["okr-status::active", "okr-status::draft"]

    result = rollup(workspace(emu), quarter=QUARTER)

    assert lifecycle_labels(emu, drafted) == ["okr-status::active"]
    assert any("Active, added last, is kept" in p.message for p in result.problems)
    [comment] = note_bodies(emu, drafted)  # then checked as a move: In Draft to Active
    assert "@bob moved this from In Draft to Active" in comment
    emu.reset_log()
    rollup(workspace(emu), quarter=QUARTER)
    assert writes(emu) == 0


def test_closing_in_the_ui_is_a_move_to_closed_with_the_outcome_unknown(
    emu: Emulator, drafted: int
) -> None:
    emu.request(
        "PUT",
        f"/projects/{emu.project(PROJECT).id}/issues/{drafted}",
        token=emu.token_for("alice"),
        json_body={"state_event": "close"},
    )

    result = rollup(workspace(emu), quarter=QUARTER)

    # the objective and its key results, as okrflow move would have closed them
    krs = [2, 3, 4]
    for iid in [drafted, *krs]:
        assert lifecycle_labels(emu, iid) == ["okr-status::closed"], iid
        meta = meta_of(emu, iid)
        assert meta.lifecycle is State.CLOSED and meta.outcome is None, iid
        assert not any(x.startswith("okr-health::") for x in emu.issue_labels(PROJECT, iid))
    assert [emu.issue(PROJECT, iid).state for iid in krs] == ["closed"] * 3
    said = [p.message for p in result.problems if p.where == f"#{drafted}"]
    assert (
        "closed in GitLab: moved to Closed with its key results #2, #3, #4, their outcomes "
        f"unknown until someone says (okrflow move {drafted} --to closed --outcome ...)"
    ) in said
    emu.reset_log()
    rollup(workspace(emu), quarter=QUARTER)
    assert writes(emu) == 0

    move(workspace(emu), str(drafted), to="closed", outcome="missed")  # someone says
    assert meta_of(emu, drafted).outcome is Outcome.MISSED
    # and its key results theirs, from their progress (none reached its target)
    assert [meta_of(emu, i).outcome for i in krs] == [Outcome.MISSED] * 3


def test_schedule_checks_board_moves_too(emu: Emulator, drafted: int) -> None:
    from okrflow.commands.schedule import schedule

    emu.move_on_board(PROJECT, drafted, "okr-status::active", user="alice")

    result = schedule(workspace(emu))

    [comment] = note_bodies(emu, drafted)
    assert comment.startswith("okrflow: @alice moved this from In Draft to Active")
    assert any("@alice moved it" in p.message for p in result.problems)

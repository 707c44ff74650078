"""``okrflow checkin``: the comment a person would type, recorded for the next rollup."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from rollup_world import (
    NOW,
    PROJECT,
    QUARTER,
    add_kr,
    add_objective,
    meta_of,
    record_of,
    workspace,
    writes,
)

from okrflow.cli.main import cli
from okrflow.commands.checkin import checkin, parse_confidence
from okrflow.commands.rollup import rollup
from okrflow.core.checkins import parse_checkin_comment
from okrflow.errors import GitLabError, UsageError
from okrflow.sandbox import SANDBOX_TOKEN, SANDBOX_URL, Emulator


@pytest.fixture
def okrs(emulator: Emulator) -> Emulator:
    emulator.set_now(NOW)
    obj = add_objective(emulator, "Make support effortless", key="support")  # 1
    add_kr(emulator, "Raise CSAT from 80% to 95%", ("support", obj))  # 2
    add_kr(emulator, "Grow weekly active users from 10,000 to 15,000", ("support", obj))  # 3
    emulator.reset_log()
    return emulator


def test_checkin_writes_the_design_comment_and_records_it_in_the_metadata(okrs: Emulator) -> None:
    result = checkin(workspace(okrs), "#2", value="87.5%", confidence="70%", note="Two wins.")
    notes = okrs.notes(PROJECT, 2)
    assert len(notes) == 1
    assert notes[0].body.startswith("Check-in: 87.5% (confidence 70%)\n\nTwo wins.\n")
    parsed = parse_checkin_comment(notes[0].body, unit="%")
    assert parsed is not None and (parsed.value, parsed.confidence) == (87.5, 0.7)
    meta = meta_of(okrs, 2)
    assert meta.checkin is not None
    assert (meta.checkin.value, meta.checkin.confidence) == (87.5, 0.7)
    assert (meta.checkin.note_id, meta.checkin.source) == (notes[0].id, "manual")
    assert meta.checkin.author == "okr-lead"
    assert (meta.last_comment_id, meta.notes_count) == (notes[0].id, 1)
    assert result.summary() == "checked in #2: 87.5% (confidence 70%)"
    assert okrs.counts_by_route() == {
        "GET /projects/:id/issues/:issue_iid": 1,
        "GET /projects/:id/issues": 1,  # what changed since the read, before writing
        "POST /projects/:id/issues/:issue_iid/notes": 1,
        "PUT /projects/:id/issues/:issue_iid": 1,
    }


def test_the_next_rollup_uses_the_check_in_without_reading_comments(okrs: Emulator) -> None:
    checkin(workspace(okrs), "2", value="1,200", confidence="0.9")
    checkin(workspace(okrs), "3", value="12.5k")
    okrs.reset_log()
    result = rollup(workspace(okrs), quarter=QUARTER)
    # new since the last rollup, though okrflow checkin recorded them: the summary
    # counts what is new, whoever wrote it
    assert result.new_checkins == 2
    assert result.summary().endswith("2 new check-ins, 1 issue updated")
    assert not any("/notes" in route or "/events" in route for route in okrs.counts_by_route())
    kr = result.document["objectives"][0]["key_results"][1]
    assert (kr["current"], kr["progress"]) == (12_500, 0.5)
    assert rollup(workspace(okrs), quarter=QUARTER).new_checkins == 0


@pytest.mark.parametrize(
    "ref", ["2", "#2", "acme/okrs#2", "http://gitlab.example/acme/okrs/-/issues/2"]
)
def test_every_reference_form_names_the_key_result(okrs: Emulator, ref: str) -> None:
    assert checkin(workspace(okrs), ref, value="90").iid == 2


@pytest.mark.parametrize(
    ("text", "value"), [("70%", 0.7), ("0.7", 0.7), ("70", 0.7), ("1", 1.0), ("0%", 0.0)]
)
def test_confidence_is_a_percentage_or_a_fraction(text: str, value: float) -> None:
    assert parse_confidence(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--value", "lots"], "--value 'lots' for #2: not a number"),
        (["--value", "4h"], "is in h, but the key result is measured in %"),
        (["--value", "90", "--confidence", "150%"], "out of range"),
        (["--value", "90", "--confidence", "-0.1"], "out of range"),
        (["--value", "90", "--confidence", "high"], "is not a number"),
    ],
)
def test_bad_values_exit_2_with_the_reason_and_write_nothing(
    okrs: Emulator, args: list[str], words: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITLAB_URL", SANDBOX_URL)
    monkeypatch.setenv("GITLAB_TOKEN", SANDBOX_TOKEN)
    monkeypatch.setenv("OKRFLOW_PROJECT", PROJECT)
    result = CliRunner().invoke(cli, ["checkin", "#2", *args], standalone_mode=False)
    assert isinstance(result.exception, UsageError)
    assert result.exception.exit_code == 2
    assert words in result.exception.message
    assert writes(okrs) == 0


def test_a_reference_to_no_issue_is_bad_input(okrs: Emulator) -> None:
    with pytest.raises(UsageError, match="#999: there is no issue #999 in acme/okrs"):
        checkin(workspace(okrs), "#999", value="3")


def test_objectives_and_other_projects_are_refused(okrs: Emulator) -> None:
    with pytest.raises(UsageError, match="#1 is an objective, not a key result"):
        checkin(workspace(okrs), "#1", value="3")
    with pytest.raises(UsageError, match="not in the OKR project"):
        checkin(workspace(okrs), "acme/other#2", value="3")
    assert writes(okrs) == 0


def test_dry_run_plans_the_comment_and_the_update_and_writes_nothing(okrs: Emulator) -> None:
    ws = workspace(okrs, dry_run=True)
    result = checkin(ws, "#2", value="90")
    assert result.dry_run and result.note_id is None
    assert [str(p).split(":")[0] for p in ws.repo.planned] == ["comment on #2", "update issue #2"]
    assert writes(okrs) == 0


def test_a_lost_answer_to_the_comment_does_not_post_it_twice(okrs: Emulator) -> None:
    okrs.faults.drop(method="POST", path=r"/notes$", times=1, after=True)
    checkin(workspace(okrs), "#2", value="91", note="retried")
    assert len(okrs.notes(PROJECT, 2)) == 1
    meta = meta_of(okrs, 2)
    assert meta.checkin is not None and meta.checkin.note_id == okrs.notes(PROJECT, 2)[0].id


def test_the_note_cannot_run_quick_actions_or_ping_people(okrs: Emulator) -> None:
    checkin(workspace(okrs), "#2", value="90", note="/close\n@all done")
    body = okrs.notes(PROJECT, 2)[0].body
    assert "\n/close" not in body and "@all" not in body
    assert okrs.issue(PROJECT, 2).state == "opened"


def test_a_persons_unread_comment_is_still_read_by_the_next_rollup(okrs: Emulator) -> None:
    okrs.add_note(PROJECT, 2, "Check-in: 85%", author="alice", created_at=NOW)
    okrs.set_now(NOW.replace(hour=13))
    checkin(workspace(okrs), "#2", value="90")
    meta = meta_of(okrs, 2)
    assert meta.notes_count is None  # okrflow had not read alice's comment yet
    result = rollup(workspace(okrs), quarter=QUARTER)
    kr = result.document["objectives"][0]["key_results"][0]
    assert kr["current"] == 90  # the newer of the two
    assert [c["value"] for c in kr["checkins"]] == [85, 90]  # both in the trend
    assert record_of(okrs, 2).notes_count == 2


# -- a repeated identical check-in is one check-in ----------------------------------------------


def test_the_same_checkin_run_twice_the_same_day_records_one(okrs: Emulator) -> None:
    first = checkin(workspace(okrs), "#2", value="87.5%", confidence="70%", note="Two wins.")
    okrs.reset_log()

    again = checkin(workspace(okrs), "#2", value="87.5%", confidence="70%", note="Two wins.")

    assert len(okrs.notes(PROJECT, 2)) == 1
    assert writes(okrs) == 0
    assert again.repeated and again.note_id == first.note_id
    assert again.summary() == (
        "already checked in #2 today: 87.5% (confidence 70%) (nothing written)"
    )
    assert again.to_json()["repeated"] is True


@pytest.mark.parametrize(
    ("value", "confidence", "note", "later"),
    [
        ("88%", "70%", "Two wins.", 0),  # another value
        ("87.5%", "80%", "Two wins.", 0),  # another confidence
        ("87.5%", "70%", "Three wins.", 0),  # another note
        ("87.5%", "70%", "Two wins.", 1),  # the next day
    ],
)
def test_a_checkin_that_differs_in_anything_is_a_new_one(
    okrs: Emulator, value: str, confidence: str, note: str, later: int
) -> None:
    checkin(workspace(okrs), "#2", value="87.5%", confidence="70%", note="Two wins.")
    when = NOW + dt.timedelta(days=later)
    okrs.set_now(when)
    result = checkin(workspace(okrs, now=when), "#2", value=value, confidence=confidence, note=note)

    assert not result.repeated
    assert len(okrs.notes(PROJECT, 2)) == 2


def test_a_run_stopped_after_its_comment_is_finished_not_repeated(okrs: Emulator) -> None:
    okrs.faults.error(status=500, method="PUT", path=r"/issues/2$", times=20)
    with pytest.raises(GitLabError):
        checkin(workspace(okrs), "#2", value="91", note="retried step")
    okrs.faults.clear()
    assert len(okrs.notes(PROJECT, 2)) == 1 and meta_of(okrs, 2).checkin is None

    result = checkin(workspace(okrs), "#2", value="91", note="retried step")

    notes = okrs.notes(PROJECT, 2)
    assert len(notes) == 1
    meta = meta_of(okrs, 2)
    assert meta.checkin is not None and meta.checkin.note_id == notes[0].id == result.note_id


def test_a_persons_comment_copying_the_marker_does_not_stand_for_the_checkin(
    okrs: Emulator,
) -> None:
    from okrflow.commands.checkin import checkin_marker

    marker = checkin_marker(2, 90.0, None, "", NOW.date())
    okrs.add_note(PROJECT, 2, f"Check-in: 90%\n\n{marker}", author="alice", created_at=NOW)

    result = checkin(workspace(okrs), "#2", value="90")

    assert not result.repeated
    authors = [okrs.state.users[n.author_id].username for n in okrs.notes(PROJECT, 2)]
    assert authors == ["alice", "okr-lead"]

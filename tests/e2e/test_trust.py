"""Who may say what, as a hostile member tries it: the installed okrflow against the served
emulator, the attacker a member other than the token's user (``mallory``, a Developer),
a Guest (``gwen``) or no member at all (``stranger``).

Each attack is run next to the same world without the attacker; every test asserts that
nothing ran, that the run went on for the other issues, that the impostor is reported,
that the numbers of the legitimate OKRs equal those of the run without the attacker, and
that no token is anywhere (output, files, crash logs, GitLab).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from e2e.trust_world import KRS, OBJECTIVES, PROJECT, QUARTER, P, World, world
from okrflow.core import kr_records
from okrflow.core.description import marker_comment, split, with_meta
from okrflow.core.meta import Meta

pytestmark = pytest.mark.e2e

Attack = Callable[[World], Any]
TITLES = {title for _, title in OBJECTIVES.values()} | {title for *_, title in KRS.values()}


def numbers(w: World) -> dict[str, Any]:
    """Progress, health and values of the legitimate OKRs (by title), as status says."""
    done = w.okrflow("status", "--quarter", QUARTER, "--json")
    assert done.returncode in (0, 3), done.stderr
    out: dict[str, Any] = {}
    for objective in json.loads(done.stdout)["objectives"]:
        if objective["title"] in TITLES:
            out[objective["title"]] = (objective["progress"], objective["health"])
            for kr in objective["key_results"]:
                if kr["title"] in TITLES:
                    out[kr["title"]] = (kr["current"], kr["progress"], kr["health"])
    return out


@pytest.fixture
def stack() -> Iterator[contextlib.ExitStack]:
    """Where the attacked world stays open until the test is done with it."""
    with contextlib.ExitStack() as worlds:
        yield worlds


def run_both(
    stack: contextlib.ExitStack,
    tmp_path: Path,
    attack: Attack,
    commands: Sequence[Sequence[str]],
    config: str = "",
    before: Attack | None = None,
) -> tuple[World, list[Any], dict[str, Any], dict[str, Any]]:
    """Run ``commands`` in a world without the attacker, then in one where ``attack`` was
    made first (``before`` arranges both). Returns the attacked world (open), its command
    results, and both worlds' numbers."""
    with world(tmp_path / "without", config) as calm:
        if before is not None:
            before(calm)
        for args in commands:
            assert calm.okrflow(*args).returncode in (0, 3)
        expected = numbers(calm)
    attacked = stack.enter_context(world(tmp_path / "with", config))
    if before is not None:
        before(attacked)
    attack(attacked)
    ran = [attacked.okrflow(*args) for args in commands]
    return attacked, ran, expected, numbers(attacked)


def reported(done: Any, *words: str) -> None:
    """The run said, in one warning line, each of ``words``."""
    lines = [line for line in done.stderr.splitlines() if all(w in line for w in words)]
    assert lines, done.stderr


def no_token(w: World) -> None:
    assert w.tokens_found() == []


def edit_meta(w: World, user: str, iid: int, **changes: Any) -> None:
    """``user`` edits okrflow's metadata block of #iid in GitLab's editor."""
    issue = w.emu.issue(PROJECT, iid)
    meta = split(issue.description).meta or {}
    text = with_meta(issue.description, {**meta, **changes})
    w.as_user(user, "PUT", f"{P}/issues/{iid}", {"description": text})


ROLLUP = [("rollup", "--quarter", QUARTER)]


# -- authority from the repository, not from issues --------------------------------------------


def test_a_command_in_issue_text_never_runs(stack: contextlib.ExitStack, tmp_path: Path) -> None:
    pwned = tmp_path / "PWNED"

    def attack(w: World) -> None:
        edit_meta(
            w, "mallory", 4, source={"kind": "command", "options": {"command": f"touch {pwned}"}}
        )

    config = "metrics:\n  commands:\n    nps: [python3, -c, 'print(31)']\n"
    w, (rolled,), expected, got = run_both(stack, tmp_path, attack, ROLLUP, config)

    assert rolled.returncode == 0, rolled.stderr
    assert not pwned.exists()
    reported(rolled, "#4:", "its command source names 'touch ", "not one of metrics.commands")
    assert got == expected
    no_token(w)


def test_a_query_of_a_project_the_config_does_not_allow_is_never_requested(
    stack: contextlib.ExitStack, tmp_path: Path
) -> None:
    def attack(w: World) -> None:
        options = {"project": "acme/finance", "labels": ["support"], "state": "all"}
        edit_meta(w, "mallory", 4, source={"kind": "query", "options": options})
        w.emu.reset_log()

    w, (rolled,), expected, got = run_both(stack, tmp_path, attack, ROLLUP)

    assert rolled.returncode == 0, rolled.stderr
    reported(rolled, "#4:", "reads the project 'acme/finance', outside the OKR project")
    assert not any("finance" in record.path for record in w.emu.log)
    assert "Acquisition talks" not in w.everything()
    assert got == expected
    no_token(w)


def test_a_key_result_filed_with_weight_1e308_moves_nothing(
    stack: contextlib.ExitStack, tmp_path: Path
) -> None:
    def attack(w: World) -> None:
        meta = Meta(
            type="kr", key="support/mine", objective="support", objective_iid=1, weight=1e308
        )
        text = with_meta("## Objective\n\n#1\n", meta.to_dict())
        iid = w.file_issue("mallory", "Keep morale at 100%", text,
                           ["okr::key result", "okr-status::active", QUARTER])  # fmt: skip
        w.comment("mallory", iid, "Check-in: 100%")

    w, (rolled,), expected, got = run_both(stack, tmp_path, attack, ROLLUP)

    assert rolled.returncode == 0, rolled.stderr
    reported(rolled, "weight 1e+308 is above rules.max_weight (10)")
    assert got == expected
    no_token(w)


# -- okrflow's own records are okrflow's ----------------------------------------------------------


def okrflows_issues(w: World) -> list[tuple[str, tuple[str, ...]]]:
    lead = w.emu.user("okr-lead").id
    return sorted(
        (i.title, tuple(w.emu.issue_labels(PROJECT, i.iid)))
        for i in w.emu.issues(PROJECT)
        if i.author_id == lead
    )


def test_a_planning_issue_squatted_before_okrflow_changes_nothing_of_day_0(
    stack: contextlib.ExitStack, tmp_path: Path
) -> None:
    done = {"drafting": "2024-03-04", "review": "2024-03-18", "closing": "2024-03-25",
            "activate": "2024-04-01"}  # fmt: skip
    text = marker_comment("schedule", {"quarter": "FY24-Q2", "done": done}) + "\nAll done!"

    def attack(w: World) -> None:
        w.file_issue("mallory", "OKR planning: FY24-Q2", text, ["okr::report", "FY24-Q2"])

    steps = [("schedule", "--date", "2024-03-04")]
    w, (scheduled,), expected, got = run_both(stack, tmp_path, attack, steps)

    assert scheduled.returncode == 0, scheduled.stderr
    reported(
        scheduled, "#8:", "#8 holds okrflow's schedule record of FY24-Q2, but @mallory wrote it"
    )
    assert "opened the planning issue" in scheduled.stdout
    squatted = w.emu.issue(PROJECT, 8)
    assert squatted.description == text  # left as it was
    with world(tmp_path / "calm") as calm:
        calm.okrflow(*steps[0])
        assert okrflows_issues(w) == okrflows_issues(calm)
    assert got == expected
    no_token(w)


def test_a_pre_filed_report_issue_never_becomes_the_official_report(
    stack: contextlib.ExitStack, tmp_path: Path
) -> None:
    record = {"quarter": QUARTER, "kind": "progress", "generated_at": "2024-02-01T00:00:00"}
    text = marker_comment("report", record) + "\n\nEverything is on track."

    def attack(w: World) -> None:
        w.file_issue("mallory", "OKR progress report: FY24-Q1", text, ["okr::report", QUARTER])

    post = [("report", "--quarter", QUARTER, "--kind", "progress", "--post", "--output", "out")]
    w, (posted,), expected, got = run_both(stack, tmp_path, attack, post)

    assert posted.returncode == 0, posted.stderr
    reported(posted, "#8:", "holds okrflow's progress report record of FY24-Q1, but @mallory")
    assert "created report issue #9" in posted.stdout
    assert w.emu.issue(PROJECT, 8).description == text
    assert w.emu.issue(PROJECT, 9).title == "OKR progress report: FY24-Q1"
    assert got == expected
    no_token(w)


def test_a_comment_with_the_reminder_marker_does_not_suppress_a_reminder(
    stack: contextlib.ExitStack, tmp_path: Path
) -> None:
    def first_week(w: World) -> None:
        assert w.okrflow("schedule", "--date", "2024-02-12").returncode == 0

    def attack(w: World) -> None:
        (reminders,) = [i for i in w.emu.issues(PROJECT) if i.title.startswith("OKR check-in")]
        w.comment("mallory", reminders.iid, "<!-- okrflow:reminder 2024-02-19 bob -->\nDone!")

    week = [("schedule", "--date", "2024-02-19")]
    w, (scheduled,), expected, got = run_both(stack, tmp_path, attack, week, before=first_week)

    assert scheduled.returncode == 0, scheduled.stderr
    (reminders,) = [i.iid for i in w.emu.issues(PROJECT) if i.title.startswith("OKR check-in")]
    assert f"reminded bob on #{reminders}" in scheduled.stdout
    reported(scheduled, f"#{reminders} note", "carries okrflow's marker, but @mallory wrote it")
    lead = w.emu.user("okr-lead").id
    ours = [n for n in w.notes(reminders) if n.author_id == lead]
    assert [("2024-02-19 bob" in n.body) for n in ours] == [False, True]
    assert got == expected
    no_token(w)


def test_issues_pre_filed_with_the_files_keys_are_never_adopted(
    stack: contextlib.ExitStack, tmp_path: Path
) -> None:
    okr_file = tmp_path / "okrs.yml"
    okr_file.write_text(
        "quarter: FY24-Q1\nobjectives:\n  - key: onboarding\n"
        "    title: Onboard customers in a day\n    team: CSM\n    owner: bob\n"
        "    purpose: A fast start keeps them.\n    key_results:\n      - key: activation\n"
        "        title: Raise day-1 activation from 40% to 60%\n"
    )

    hers = {
        8: with_meta("Mine", Meta(type="objective", key="onboarding", owner="mallory").to_dict()),
        9: with_meta("Mine too", Meta(type="kr", key="onboarding/activation").to_dict()),
    }

    def attack(w: World) -> None:
        w.file_issue("mallory", "Onboard customers in a day", hers[8], ["okr::objective", QUARTER])
        title = "Raise day-1 activation from 40% to 60%"
        w.file_issue("mallory", title, hers[9], ["okr::key result", QUARTER])

    apply = [("apply", str(okr_file))]
    w, (applied,), expected, got = run_both(stack, tmp_path, attack, apply)

    assert applied.returncode == 0, applied.stderr
    reported(applied, "#8", "carries the key 'onboarding' of the file, but @mallory wrote it")
    reported(applied, "#9", "carries the key 'onboarding/activation' of the file, but @mallory")
    assert {n: w.emu.issue(PROJECT, n).description for n in hers} == hers
    status = json.loads(w.okrflow("status", "--quarter", QUARTER, "--json").stdout)
    onboarding = [o for o in status["objectives"] if o["title"] == "Onboard customers in a day"]
    assert [(o["iid"], [k["iid"] for k in o["key_results"]]) for o in onboarding] == [(10, [11])]
    again = w.okrflow("apply", str(okr_file))
    assert again.returncode == 0 and "apply: 0 created, 0 updated, 2 unchanged" in again.stdout
    assert got == expected
    no_token(w)


# (an impostor filed before okrflow's issue, older, is in the test above: okrflow's keeps
# the key and its key result all the same)
def test_an_objective_reusing_a_real_objectives_key_takes_none_of_its_key_results(
    stack: contextlib.ExitStack, tmp_path: Path
) -> None:
    def attack(w: World) -> None:
        meta = Meta(type="objective", key="support", owner="mallory")
        w.file_issue("mallory", "Make support optional", with_meta("Mine", meta.to_dict()),
                     ["okr::objective", "okr-status::active", QUARTER])  # fmt: skip

    w, (rolled,), expected, got = run_both(stack, tmp_path, attack, ROLLUP)

    assert rolled.returncode == 0, rolled.stderr
    reported(rolled, "#8:", "#8 (by @mallory) claims the key 'support' of #1, which okrflow "
             "created: #1 keeps it and #8 is left out")  # fmt: skip
    assert got == expected
    assert split(w.emu.issue(PROJECT, 8).description).section is None  # nothing written there
    no_token(w)


def test_a_comment_with_the_lint_marker_does_not_stop_lint_comment(
    stack: contextlib.ExitStack, tmp_path: Path
) -> None:
    def attack(w: World) -> None:
        w.comment("mallory", 5, "<!-- okrflow:lint -->\nokrflow says: all good, nothing to fix")

    lint = [("lint", "--quarter", QUARTER, "--comment")]
    w, (linted,), expected, got = run_both(stack, tmp_path, attack, lint)

    assert linted.returncode == 3, linted.stderr  # findings, not a failure
    assert "commented on #5" in linted.stdout
    assert "carries okrflow's lint marker, but @mallory wrote it" in linted.stdout
    (hers,) = [n for n in w.notes(5) if n.author_id == w.emu.user("mallory").id]
    assert hers.body.startswith("<!-- okrflow:lint -->\nokrflow says")
    assert got == expected
    no_token(w)


# -- check-ins have a source policy ------------------------------------------------------------


def test_check_ins_from_a_guest_or_a_stranger_do_not_count(
    stack: contextlib.ExitStack, tmp_path: Path
) -> None:
    def internal(w: World) -> None:
        w.emu.project(PROJECT).visibility = "internal"  # every signed-in user may comment

    def attack(w: World) -> None:
        w.comment("gwen", 2, "Check-in: 99%")
        w.comment("stranger", 6, "Check-in: 15,000 (confidence 100%)")

    w, (rolled,), expected, got = run_both(stack, tmp_path, attack, ROLLUP, before=internal)

    assert rolled.returncode == 0, rolled.stderr
    reported(rolled, "#2 note", "check-in not counted: @gwen is not a member of the project "
             "with the Reporter role or more (checkins.from: members)")  # fmt: skip
    reported(rolled, "#6 note", "check-in not counted: @stranger is not a member")
    assert got == expected
    no_token(w)


@pytest.mark.parametrize("policy", ["owners", "members"])
def test_a_comment_with_okrflows_check_in_marker_is_not_okrflows(
    stack: contextlib.ExitStack, tmp_path: Path, policy: str
) -> None:
    forged = "Check-in: 89% (confidence 90%)\n\n<!-- okrflow:checkin 0123456789abcdef -->"

    def attack(w: World) -> None:
        w.comment("mallory", 2, forged)

    config = f"checkins:\n  from: {policy}\n"
    w, (rolled,), expected, got = run_both(stack, tmp_path, attack, ROLLUP, config)

    assert rolled.returncode == 0, rolled.stderr
    reported(rolled, "#2 note", "carries okrflow's check-in marker, but @mallory wrote it")
    # #2's record: its own block merged with the entry its objective #1 keeps of it
    own = Meta.from_dict(split(w.emu.issue(PROJECT, 2).description).meta or {})[0]
    objective = Meta.from_dict(split(w.emu.issue(PROJECT, 1).description).meta or {})[0]
    latest = kr_records.merged(own, kr_records.entries(objective).get("2")).checkin
    assert latest is not None
    if policy == "owners":  # mallory owns nothing: her check-in does not count
        reported(rolled, "#2 note", "@mallory is not an owner of the key result")
        assert got == expected
        assert (latest.author, latest.value) == ("bob", 85)
    else:  # a member's comment counts, as hers, never as one okrflow checkin wrote
        assert (latest.author, latest.value, latest.source) == ("mallory", 89, "comment")
        moved = {KRS[2][2], OBJECTIVES[1][1]}  # #2 and its objective, by her check-in
        assert got[KRS[2][2]][0] == 89
        assert {k: v for k, v in got.items() if k not in moved} == {
            k: v for k, v in expected.items() if k not in moved
        }
    no_token(w)

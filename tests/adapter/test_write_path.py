"""The adapter's write path neutralises every title, description and comment, whatever
the command gave it: no quick action runs, only users are mentioned (each looked up
once per run), mentions a person already wrote stay, and no token is written."""

from __future__ import annotations

from okrflow.adapter import ConnectionSettings, NewIssue, OkrRepository, read_record
from okrflow.core.labels import DEFAULT_LABEL_NAMES
from okrflow.redaction import register_secret
from okrflow.sandbox import SANDBOX_PROJECT, SANDBOX_TOKEN, Emulator

ATTACK = "x\n/close\n/title PWNED\n/confidential\n/lock\ny"


def connect(emulator: Emulator, *, dry_run: bool = False) -> OkrRepository:
    settings = ConnectionSettings(
        url=emulator.base_url, token=emulator.default_token, project=SANDBOX_PROJECT
    )
    return OkrRepository(settings, dry_run=dry_run)


def untouched(emulator: Emulator, iid: int, title: str) -> None:
    issue = emulator.issue(SANDBOX_PROJECT, iid)
    assert (issue.title, issue.state, issue.confidential, bool(issue.discussion_locked)) == (
        title,
        "opened",
        False,
        False,
    )


def group(emulator: Emulator) -> None:
    emulator.add_group("some-group", members={"alice": "developer"}, visibility="public")


def test_a_comment_runs_no_quick_action_and_pings_only_users(emulator: Emulator) -> None:
    group(emulator)
    emulator.add_issue(SANDBOX_PROJECT, "Reminders")
    repo = connect(emulator)

    repo.create_note(1, f"@{ATTACK}, @some-group, @all and @bob: check in", marker="m")

    untouched(emulator, 1, "Reminders")
    assert [(m.kind, m.name) for m in emulator.mentions] == [("user", "bob")]
    (note,) = emulator.notes(SANDBOX_PROJECT, 1)
    assert "\\/close" in note.body and "@\u2060some-group" in note.body


def test_an_edited_comment_and_a_description_are_neutralised_too(emulator: Emulator) -> None:
    group(emulator)
    emulator.add_issue(SANDBOX_PROJECT, "Objective", description="Mine.")
    emulator.add_note(SANDBOX_PROJECT, 1, "okrflow lint <!-- m -->", author="okr-lead")
    repo = connect(emulator)
    note = repo.list_notes(1)[0]

    assert repo.update_note(1, note, f"{ATTACK}\n@some-group <!-- m -->")
    assert not repo.update_note(1, repo.list_notes(1)[0], f"{ATTACK}\n@some-group <!-- m -->")
    repo.update_issue(1, description=f"Mine.\n\n{ATTACK}\n@some-group")

    untouched(emulator, 1, "Objective")
    assert emulator.mentions == []


def test_a_new_issues_title_and_description(emulator: Emulator) -> None:
    group(emulator)
    repo = connect(emulator)

    repo.create(NewIssue(f"Report for @some-group {ATTACK}", ATTACK, ("okr::report",)))

    issue = emulator.issue(SANDBOX_PROJECT, 1)
    assert issue.title == "Report for @\u2060some-group x /close /title PWNED /confidential /lock y"
    untouched(emulator, 1, issue.title)
    assert emulator.mentions == []


def test_a_persons_mention_in_the_description_is_kept_byte_for_byte(emulator: Emulator) -> None:
    group(emulator)
    person = "Kickoff notes (cc @some-group)\n"
    emulator.add_issue(SANDBOX_PROJECT, "Objective", description=person)
    repo = connect(emulator)
    item = read_record(repo.get_issue(1), DEFAULT_LABEL_NAMES)

    assert repo.save(item, section="| progress @all |")

    text = emulator.issue(SANDBOX_PROJECT, 1).description or ""
    assert text.startswith(person)
    assert "@\u2060all" in text
    assert emulator.mentions == []


def test_users_are_looked_up_once_per_run_and_a_no_change_save_sends_nothing(
    emulator: Emulator,
) -> None:
    emulator.add_issue(SANDBOX_PROJECT, "Objective", description="x")
    repo = connect(emulator)
    for _ in range(3):
        repo.create_note(1, "@bob @nobody please check in")
    item = read_record(repo.get_issue(1), DEFAULT_LABEL_NAMES)
    assert repo.save(item, section="@nobody @bob")
    lookups = [r.query for r in emulator.log if r.path == "/api/v4/users"]
    emulator.reset_log()

    assert not repo.save(item, section="@nobody @bob")

    assert emulator.counts() == {}
    assert sorted(lookups) == ["username=bob", "username=nobody"]


def test_a_registered_token_is_never_written(emulator: Emulator) -> None:
    register_secret(SANDBOX_TOKEN)
    emulator.add_issue(SANDBOX_PROJECT, "Objective")
    repo = connect(emulator)

    repo.create_note(1, f"GitLab said: token {SANDBOX_TOKEN} rejected")

    (note,) = emulator.notes(SANDBOX_PROJECT, 1)
    assert SANDBOX_TOKEN not in note.body
    assert "[MASKED]" in note.body

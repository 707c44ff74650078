"""Quick actions as GitLab applies them: which lines count, what runs, with whose rights."""

from __future__ import annotations

from typing import Any

import gitlab
import pytest

from okrflow.sandbox import SANDBOX_TOKEN, Emulator, ServedEmulator
from okrflow.sandbox.quick_actions import extract

P = "/projects/acme%2Fokrs"
ISSUES = f"{P}/issues"


def names(text: str) -> list[str]:
    return [command.name for command in extract(text)[1]]


# which lines are commands --------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "/close",
        "Some words\n/close",
        "/CLOSE",
        "/close   ",
        "first paragraph\n\n/close\n\nlast",
        "/title New name\n/close",
    ],
)
def test_a_line_starting_with_a_known_command_in_a_paragraph_is_one(text: str) -> None:
    assert "close" in names(text)


@pytest.mark.parametrize(
    "text",
    [
        " /close",  # leading whitespace
        "\t/close",
        "> /close",  # blockquote
        "> quoted\n/close",  # a lazy continuation of the quote
        ">>>\n/close\n>>>",  # GitLab's multi-line quote
        "```\n/close\n```",
        "~~~\n/close\n~~~",
        "    /close",  # indented code
        "<!--\n/close\n-->",
        "<details>\n/close\n</details>",
        "- item\n/close",  # a list item's lazy continuation
        "1. item\n\n   /close",
        "/close\n---",  # a setext heading
        "# /close",
        "| a |\n|---|\n| /close |",
        "text `\n/close\n` text",  # inside an inline code span across lines
        "/closed",
        "a/close",
        "/close-it",
        "\\/close",  # a backslash first: how okrflow writes a line that starts with "/"
        "a\r/close",  # GitLab deletes "\r" before it looks: no line starts there
        "a\u2028/close",  # Unicode line and paragraph separators and NEL end no line
        "a\u2029/close",
        "a\x85/close",
        "\u2060/close",
    ],
)
def test_lines_gitlab_does_not_execute(text: str) -> None:
    assert names(text) == []


def test_known_commands_are_stripped_even_when_they_cannot_apply_unknown_ones_stay() -> None:
    text, commands = extract("Keep\n/merge\n/weight 3\n/unknown thing\n/label ~a")

    assert text == "Keep\n/unknown thing"
    assert [(c.name, c.arg) for c in commands] == [("merge", ""), ("weight", "3"), ("label", "~a")]


def test_text_is_stored_as_gitlab_stores_it() -> None:
    assert extract("line one\r\nline two  \n\n\n")[0] == "line one\nline two"
    assert extract("/shrug oh well")[0] == "oh well ¯\\＿(ツ)＿/¯"
    assert extract("/tableflip")[0] == "(╯°□°)╯︵ ┻━┻"
    assert extract("Para\n/close\n\nNext")[0] == "Para\nNext"  # as GitLab's gsub leaves it


# what they do, through the API --------------------------------------------------------
def post(emu: Emulator, path: str, body: dict[str, Any], token: str = SANDBOX_TOKEN) -> Any:
    answer = emu.request("POST", path, token=token, json_body=body)
    assert answer.status in (201, 202), answer.body
    return answer.json()


def put(emu: Emulator, path: str, body: dict[str, Any], token: str = SANDBOX_TOKEN) -> Any:
    answer = emu.request("PUT", path, token=token, json_body=body)
    assert answer.status == 200, answer.body
    return answer.json()


@pytest.fixture
def emu() -> Emulator:
    emu = Emulator.sandbox()
    emu.add_user("gwen")
    emu.add_member("acme/okrs", "gwen", "guest")
    for name in ("okr::objective", "FY24-Q1", "done"):
        emu.add_label("acme/okrs", name)
    emu.add_issue("acme/okrs", "Objective", author="okr-lead")
    emu.add_issue("acme/okrs", "Other", author="okr-lead")
    return emu


def test_a_note_of_commands_only_answers_202_without_an_id_and_applies_them(emu: Emulator) -> None:
    answer = emu.request(
        "POST",
        f"{ISSUES}/1/notes",
        token=SANDBOX_TOKEN,
        json_body={"body": '/label ~"okr::objective" ~FY24-Q1\n/close\n/due 2024-03-31'},
    )

    assert answer.status == 202
    body = answer.json()
    assert "id" not in body
    assert set(body["commands_changes"]) == {"add_label_ids", "state_event", "due_date"}
    assert body["commands_changes"]["state_event"] == "close"
    assert body["summary"] == [
        'Added ~"okr::objective" ~FY24-Q1 labels. Closed this issue. '
        "Set the due date to Mar 31, 2024."
    ]
    issue = emu.issue("acme/okrs", 1)
    assert (issue.state, issue.due_date) == ("closed", "2024-03-31")
    assert emu.issue_labels("acme/okrs", 1) == ["FY24-Q1", "okr::objective"]
    assert emu.notes("acme/okrs", 1) == []
    assert [(e.action, e.user_id) for e in emu.label_events("acme/okrs", 1)] == [
        ("add", emu.user("okr-lead").id),
        ("add", emu.user("okr-lead").id),
    ]


def test_commands_that_cannot_apply_answer_400_and_change_nothing(emu: Emulator) -> None:
    guest = emu.token_for("gwen")

    answer = emu.request("POST", f"{ISSUES}/1/notes", token=guest, json_body={"body": "/close"})

    assert (answer.status, answer.json()) == (
        400,
        {"message": "400 Bad request - Failed to apply commands."},
    )
    assert emu.issue("acme/okrs", 1).state == "opened"


def test_a_note_with_text_and_commands_keeps_the_text_and_runs_the_commands(emu: Emulator) -> None:
    note = post(emu, f"{ISSUES}/1/notes", {"body": "Check-in: 3\n/label ~done\n/lock"})

    assert note["body"] == "Check-in: 3"
    assert note["commands_changes"]["discussion_locked"] is True
    assert emu.issue("acme/okrs", 1).discussion_locked is True
    assert emu.issue_labels("acme/okrs", 1) == ["done"]
    system = [n.body for n in emu.notes("acme/okrs", 1, system=True) if n.system]
    assert system == ["locked the discussion in this issue"]


def test_quick_actions_run_with_the_authors_rights(emu: Emulator) -> None:
    guest = emu.token_for("gwen")
    body = "Looks done\n/label ~done\n/title PWNED\n/confidential\n/lock\n/close\n/assign @gwen"

    note = post(emu, f"{ISSUES}/1/notes", {"body": body}, token=guest)

    issue = emu.issue("acme/okrs", 1)
    assert note["body"] == "Looks done"  # every command line stripped anyway
    assert note["commands_changes"] == {}
    assert (issue.title, issue.state, issue.confidential) == ("Objective", "opened", False)
    assert (issue.discussion_locked, issue.assignee_ids, issue.label_ids) == (None, [], [])


def test_a_guest_author_may_retitle_and_close_her_own_issue_but_not_label_it(
    emu: Emulator,
) -> None:
    guest = emu.token_for("gwen")
    mine = post(emu, ISSUES, {"title": "Mine", "labels": ["FY24-Q1"]}, token=guest)

    answer = post(
        emu, f"{ISSUES}/{mine['iid']}/notes", {"body": "/title Renamed\n/close\n/unlabel"}, guest
    )

    issue = emu.issue("acme/okrs", mine["iid"])
    assert mine["labels"] == ["FY24-Q1"]  # a member may set labels on a new issue
    assert answer["commands_changes"] == {"title": "Renamed", "state_event": "close"}
    assert (issue.title, issue.state) == ("Renamed", "closed")
    assert emu.issue_labels("acme/okrs", mine["iid"]) == ["FY24-Q1"]


def test_description_commands_on_create_only_apply_what_needs_no_saved_issue(
    emu: Emulator,
) -> None:
    description = (
        "Purpose\n/label ~FY24-Q1\n/assign @alice\n/close\n/title Nope\n/lock\n/relate #1\n"
        "/confidential"
    )

    issue = post(emu, ISSUES, {"title": "New", "description": description})

    assert issue["description"] == "Purpose"
    assert issue["labels"] == ["FY24-Q1"]
    assert issue["assignee"]["username"] == "alice"
    assert (issue["state"], issue["title"], issue["discussion_locked"]) == ("opened", "New", None)
    assert issue["confidential"] is True
    links = emu.request("GET", f"{ISSUES}/{issue['iid']}/links", token=SANDBOX_TOKEN).json()
    assert [link["iid"] for link in links] == [1]


def test_description_commands_on_update_run_once(emu: Emulator) -> None:
    updated = put(emu, f"{ISSUES}/1", {"description": "Text\n/label ~done\n/close"})
    put(emu, f"{ISSUES}/1", {"state_event": "reopen"})
    again = put(emu, f"{ISSUES}/1", {"description": "Text edited"})

    assert updated["description"] == "Text"
    assert (updated["state"], updated["labels"]) == ("closed", ["done"])
    assert (again["state"], again["labels"]) == ("opened", ["done"])


def test_unlabel_relabel_unassign_and_remove_due_date(emu: Emulator) -> None:
    put(emu, f"{ISSUES}/1", {"labels": "okr::objective,FY24-Q1", "assignee_ids": [2]})
    put(emu, f"{ISSUES}/1", {"due_date": "2024-01-31"})

    post(emu, f"{ISSUES}/1/notes", {"body": '/unlabel ~"okr::objective"'})
    assert emu.issue_labels("acme/okrs", 1) == ["FY24-Q1"]
    post(emu, f"{ISSUES}/1/notes", {"body": "/relabel ~done"})
    assert emu.issue_labels("acme/okrs", 1) == ["done"]
    post(emu, f"{ISSUES}/1/notes", {"body": "/unassign\n/remove_due_date"})
    issue = emu.issue("acme/okrs", 1)
    assert (issue.assignee_ids, issue.due_date) == ([], None)
    post(emu, f"{ISSUES}/1/notes", {"body": "/unlabel"})
    assert emu.issue_labels("acme/okrs", 1) == []


def test_due_dates_in_the_forms_people_type(emu: Emulator) -> None:
    from datetime import datetime

    emu.set_now(datetime(2024, 2, 14, 9, 0))  # a Wednesday
    for text, expected in [
        ("tomorrow", "2024-02-15"),
        ("in 2 weeks", "2024-02-28"),
        ("friday", "2024-02-16"),
        ("next friday", "2024-02-23"),
        ("March 31st", "2024-03-31"),
        ("2024-06-30", "2024-06-30"),
    ]:
        post(emu, f"{ISSUES}/2/notes", {"body": f"/due {text}"})
        assert emu.issue("acme/okrs", 2).due_date == expected, text
    bad = post(emu, f"{ISSUES}/2/notes", {"body": "/due someday"})
    assert bad["summary"] == ["Failed to set due date because the date format is invalid."]


def test_relate_unlink_and_duplicate(emu: Emulator) -> None:
    post(emu, f"{ISSUES}/1/notes", {"body": "/relate #2"})
    assert len(emu.state.links) == 1
    post(emu, f"{ISSUES}/1/notes", {"body": "/unlink #2"})
    assert emu.state.links == {}
    post(emu, f"{ISSUES}/2/notes", {"body": "/duplicate #1"})

    assert emu.issue("acme/okrs", 2).state == "closed"
    assert len(emu.state.links) == 1
    bodies = [n.body for n in emu.notes("acme/okrs", 2, system=True)]
    assert "marked this issue as a duplicate of #1" in bodies


def test_board_move_swaps_the_list_labels(emu: Emulator) -> None:
    emu.add_board("acme/okrs", lists=["FY24-Q1", "done"])
    put(emu, f"{ISSUES}/1", {"labels": "FY24-Q1,okr::objective"})

    post(emu, f"{ISSUES}/1/notes", {"body": "/board_move ~done"})

    assert emu.issue_labels("acme/okrs", 1) == ["done", "okr::objective"]


def test_a_served_commands_only_note_through_python_gitlab(
    served_emulator: ServedEmulator,
) -> None:
    emu = served_emulator.emu
    emu.add_issue("acme/okrs", "Objective")
    with gitlab.Gitlab(served_emulator.url, private_token=served_emulator.token, timeout=10) as gl:
        issue = gl.projects.get("acme/okrs", lazy=True).issues.get(1)
        result = issue.notes.create({"body": "/close"})

    assert getattr(result, "id", None) is None
    assert result.commands_changes == {"state_event": "close"}
    assert emu.issue("acme/okrs", 1).state == "closed"

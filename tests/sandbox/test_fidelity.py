"""Fidelity mends: note edits and counts, link timestamps, board pages, label text colours."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sandbox_calls import call

from okrflow.sandbox import SANDBOX_TOKEN, Emulator
from okrflow.sandbox.colors import text_color

P = "/projects/acme%2Fokrs"
ISSUES = f"{P}/issues"
T0 = datetime(2024, 4, 2, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def emu() -> Emulator:
    emu = Emulator.sandbox(now=T0)
    emu.add_issue("acme/okrs", "Objective")
    emu.add_issue("acme/okrs", "Key result")
    return emu


def test_note_edits_move_updated_at_and_the_issue_counts_comments(emu: Emulator) -> None:
    first = call(emu, "POST", f"{ISSUES}/1/notes", {"body": "Check-in: 1"})
    emu.advance(timedelta(hours=1))
    call(emu, "POST", f"{ISSUES}/1/notes", {"body": "Check-in: 2"})
    emu.advance(timedelta(hours=1))
    edited = call(emu, "PUT", f"{ISSUES}/1/notes/{first['id']}", {"body": "Check-in: 1.5"})
    counted = call(emu, "GET", f"{ISSUES}/1")["user_notes_count"]
    call(emu, "DELETE", f"{ISSUES}/1/notes/{first['id']}")

    assert edited["created_at"] == "2024-04-02T08:00:00.000Z"
    assert edited["updated_at"] == "2024-04-02T10:00:00.000Z"
    assert call(emu, "GET", f"{ISSUES}/1")["updated_at"] == "2024-04-02T10:00:00.000Z"
    assert counted == 2
    assert call(emu, "GET", f"{ISSUES}/1")["user_notes_count"] == 1
    missing = emu.request("GET", f"{ISSUES}/1/notes/{first['id']}", token=SANDBOX_TOKEN)
    assert (missing.status, missing.json()) == (404, {"message": "404 Note Not Found"})


def test_notes_ordering_and_activity_filter(emu: Emulator) -> None:
    a = call(emu, "POST", f"{ISSUES}/1/notes", {"body": "a"})
    emu.advance(timedelta(minutes=1))
    call(emu, "POST", f"{ISSUES}/1/notes", {"body": "b"})
    emu.advance(timedelta(minutes=1))
    call(emu, "PUT", f"{ISSUES}/1/notes/{a['id']}", {"body": "a2"})
    call(emu, "PUT", f"{ISSUES}/1", {"title": "Renamed"})  # a system note

    def bodies(**params: str) -> list[str]:
        return [n["body"] for n in call(emu, "GET", f"{ISSUES}/1/notes", **params)]

    assert bodies(activity_filter="only_comments") == ["b", "a2"]
    assert bodies(activity_filter="only_comments", sort="asc") == ["a2", "b"]
    assert bodies(activity_filter="only_comments", order_by="updated_at") == ["a2", "b"]
    assert bodies(activity_filter="only_activity") == [
        "changed title from **Objective** to **Renamed**"
    ]
    assert len(bodies()) == 3


def test_a_link_moves_updated_at_on_both_issues(emu: Emulator) -> None:
    emu.advance(timedelta(days=1))

    call(
        emu, "POST", f"{ISSUES}/1/links", {"target_project_id": "acme/okrs", "target_issue_iid": 2}
    )

    stamp = "2024-04-03T08:00:00.000Z"
    assert [call(emu, "GET", f"{ISSUES}/{iid}")["updated_at"] for iid in (1, 2)] == [stamp] * 2


def test_boards_are_listed_20_a_page(emu: Emulator) -> None:
    for number in range(25):
        call(emu, "POST", f"{P}/boards", {"name": f"board {number:02d}"})

    first = emu.request("GET", f"{P}/boards", token=SANDBOX_TOKEN)
    second = emu.request("GET", f"{P}/boards", token=SANDBOX_TOKEN, params={"page": 2})

    assert (len(first.json()), first.headers["X-Next-Page"], first.headers["X-Total"]) == (
        20,
        "2",
        "25",
    )
    assert len(second.json()) == 5


@pytest.mark.parametrize(
    ("color", "text"),
    [
        ("#FFFFFF", "#1F1E24"),
        ("#F0AD4E", "#1F1E24"),
        ("#69D100", "#1F1E24"),
        ("#6699CC", "#FFFFFF"),  # the default colour: light text
        ("#ED9121", "#FFFFFF"),  # mid tones go light (contrast threshold 2.4)
        ("#000000", "#FFFFFF"),
        ("#004E00", "#FFFFFF"),
        ("#fff", "#1F1E24"),
    ],
)
def test_label_text_colour_follows_gitlab(color: str, text: str) -> None:
    assert text_color(color) == text


def test_texts_are_stored_as_gitlab_stores_them_unless_told_otherwise(emu: Emulator) -> None:
    stored = call(emu, "POST", ISSUES, {"title": "t", "description": "  text\r\nmore\n\n"})
    note = call(emu, "POST", f"{ISSUES}/1/notes", {"body": "Check-in: 1\r\n  "})
    edited = call(emu, "PUT", f"{ISSUES}/1", {"description": "a\r\n\r\nb \n"})
    emu.normalize_text = False
    kept = call(emu, "POST", ISSUES, {"title": "t", "description": "text\r\nmore\n\n"})

    # GitLab's extractor deletes "\r" and strips trailing (not leading) whitespace
    assert stored["description"] == "  text\nmore"
    assert note["body"] == "Check-in: 1"
    assert edited["description"] == "a\n\nb"
    assert kept["description"] == "text\r\nmore\n\n"  # switched off: a text as given

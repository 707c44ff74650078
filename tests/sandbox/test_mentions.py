"""Mentions that GitLab turns into to-dos: recorded on ``emu.mentions`` with GitLab's rules."""

from __future__ import annotations

import pytest

from okrflow.sandbox import SANDBOX_TOKEN, Emulator
from okrflow.sandbox.markup import mention_names

ISSUES = "/projects/acme%2Fokrs/issues"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ask @alice", ["alice"]),
        ("@alice, @bob and @alice again", ["alice", "bob"]),
        ("**@alice**", ["alice"]),
        ("ping @Alice.", ["Alice"]),
        ("## Owner\n\n@acme/eng", ["acme/eng"]),
        ("| who |\n|---|\n| @bob |", ["bob"]),
        ("`@alice`", []),
        ("```\n@alice\n```", []),
        ("    @alice", []),
        ("<!-- @alice -->", []),
        ("<!--\nowner: @alice\n-->", []),
        ("\\@alice", []),
        ("[@alice](https://example.com)", []),
        ("<a href='x'>@alice</a>", []),
        ("<code>@alice</code>", []),
        ("https://example.com/@alice", []),
        ("mail alice@example.com", []),
        ("snake_@alice", []),
        ("@\u2060alice and @\u2060all", []),  # a word joiner after "@": how okrflow writes them
    ],
)
def test_what_counts_as_a_mention(text: str, expected: list[str]) -> None:
    assert mention_names(text) == expected


@pytest.fixture
def emu() -> Emulator:
    emu = Emulator.sandbox()
    emu.add_group("acme/eng", members={"bob": "developer"})
    emu.add_group("secret", members={"outsider": "owner"})
    return emu


def test_notes_and_descriptions_record_user_group_and_all_mentions(emu: Emulator) -> None:
    created = emu.request(
        "POST", ISSUES, token=SANDBOX_TOKEN, json_body={"title": "t", "description": "for @bob"}
    ).json()
    emu.request(
        "POST",
        f"{ISSUES}/1/notes",
        token=SANDBOX_TOKEN,
        json_body={"body": "cc @acme/eng and @all; `@alice` \\@alice @nobody @secret"},
    )

    found = [(m.kind, m.name, m.note_id is None) for m in emu.mentions]
    assert found == [
        ("user", "bob", True),
        ("group", "acme/eng", False),
        ("all", "all", False),
    ]
    bob, alice = emu.user("bob").id, emu.user("alice").id
    assert emu.mentions[0].user_ids == [bob]
    assert emu.mentions[1].user_ids == [bob]
    assert sorted(emu.mentions[2].user_ids) == sorted([alice, bob])  # members, not the author
    assert all(m.issue_id == created["id"] for m in emu.mentions)


def test_an_edit_records_only_new_mentions(emu: Emulator) -> None:
    emu.request(
        "POST", ISSUES, token=SANDBOX_TOKEN, json_body={"title": "t", "description": "@bob"}
    )
    note = emu.request(
        "POST", f"{ISSUES}/1/notes", token=SANDBOX_TOKEN, json_body={"body": "hi @alice"}
    ).json()

    emu.request("PUT", f"{ISSUES}/1", token=SANDBOX_TOKEN, json_body={"description": "@bob @alice"})
    emu.request(
        "PUT",
        f"{ISSUES}/1/notes/{note['id']}",
        token=SANDBOX_TOKEN,
        json_body={"body": "hi @alice and @bob"},
    )

    assert [(m.name, m.note_id) for m in emu.mentions] == [
        ("bob", None),
        ("alice", note["id"]),
        ("alice", None),
        ("bob", note["id"]),
    ]


def test_a_mention_of_someone_who_cannot_read_the_issue_gives_no_todo(emu: Emulator) -> None:
    emu.request(
        "POST", ISSUES, token=SANDBOX_TOKEN, json_body={"title": "t", "description": "@outsider"}
    )

    assert [(m.name, m.user_ids) for m in emu.mentions] == [("outsider", [])]


def test_seeding_records_no_mentions(emu: Emulator) -> None:
    emu.add_issue("acme/okrs", "t", description="@bob")
    emu.add_note("acme/okrs", 1, "@alice")

    assert emu.mentions == []


def test_a_title_mentions_too_and_an_edit_of_it_records_only_new_mentions(emu: Emulator) -> None:
    emu.request(
        "POST", ISSUES, token=SANDBOX_TOKEN, json_body={"title": "for @bob", "description": "x"}
    )
    emu.request("PUT", f"{ISSUES}/1", token=SANDBOX_TOKEN, json_body={"title": "@bob and @all"})
    emu.request("PUT", f"{ISSUES}/1", token=SANDBOX_TOKEN, json_body={"description": "@bob"})

    assert [(m.kind, m.name, m.note_id) for m in emu.mentions] == [
        ("user", "bob", None),
        ("all", "all", None),
    ]

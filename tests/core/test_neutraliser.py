"""What okrflow sends to GitLab starts no quick action and pings only users: checked
against the emulator's reading of GitLab's rules (its quick-action extractor and its
mention finder) for hand-picked attacks and for generated text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okrflow.core.neutraliser import (
    LINE_BREAKS,
    inert_quick_actions,
    mentioned_names,
    neutralise,
    neutralise_title,
)
from okrflow.sandbox.markup import mention_names
from okrflow.sandbox.quick_actions import extract

USERS = {"bob", "alice"}
ATTACK = "x\n/close\n/title PWNED\n/confidential\n/lock\ny"


def is_user(name: str) -> bool:
    return name.lower() in USERS


def commands(text: str) -> list[str]:
    return [c.name for c in extract(text)[1]]


@pytest.mark.parametrize(
    "text",
    [
        ATTACK,
        "/close",
        " /close",
        "   /close",
        "\r\n/close",
        "x\r\n/close",
        "x\n\r/close",  # GitLab deletes the "\r": the slash ends up first on its line
        "x\u2028/close",
        "x\u2029/close",
        "x\x85/close",
        "x\x0b/close",
        "x\x0c/close",
        "\u200b/close",  # a zero-width space first
        "\u00a0/close",
        "\ufeff/close",
        "```\n/close",  # an unclosed fence hides nothing
        "- item\n\n/close",
        "| cell |\n/close",
        "<!-- okrflow:x\n/close\n-->",
    ],
)
def test_no_line_can_start_a_quick_action(text: str) -> None:
    done = neutralise(text, is_user)

    assert commands(done) == []
    assert commands(done.replace("\r", "")) == []
    for line in done.replace("\r", "\n").splitlines():  # whatever a reader takes as a line
        assert not line.lstrip(" \t\u200b\u00a0\ufeff").startswith("/")


def test_the_slash_is_escaped_so_the_text_reads_the_same() -> None:
    assert neutralise(ATTACK, is_user) == "x\n\\/close\n\\/title PWNED\n\\/confidential\n\\/lock\ny"


@pytest.mark.parametrize(
    "text",
    [
        "```\n/usr/bin/env\n```",  # a closed fence: code, shown as written
        "~~~~\n/etc/hosts\n~~~~",
        "text\n\n    /usr/bin/env",  # an indented code block
        "a/b and /c in a line",
        "no slash at all",
    ],
)
def test_code_and_slashes_inside_a_line_are_left_alone(text: str) -> None:
    assert inert_quick_actions(text) == text


def test_neutralising_twice_changes_nothing_more() -> None:
    once = neutralise(ATTACK + " @some-group @bob", is_user)
    assert neutralise(once, is_user) == once


@pytest.mark.parametrize(
    ("text", "pinged"),
    [
        ("@bob, please check in", ["bob"]),
        ("@some-group please", []),
        ("@acme/eng please", []),
        ("@all and @here", []),
        ("&#64;all &#x40;all &commat;all", []),
        ("@nobody", []),
        ("@Bob.", ["Bob"]),
        ("mail bob@example.com", []),
        ("@bob\\/close", []),  # Markdown drops the backslash: GitLab reads @bob/close
        ("@acme\\.eng", []),
    ],
)
def test_only_users_are_mentioned(text: str, pinged: list[str]) -> None:
    done = neutralise(text, is_user)

    assert mention_names(done) == pinged


def test_mentions_the_text_already_held_are_kept_as_the_person_wrote_them() -> None:
    person = "Context (@some-group wrote this)"

    done = neutralise(person + "\n\nrollup @all", is_user, previous=person)

    assert done.startswith(person)
    assert mention_names(done) == ["some-group"]  # GitLab notifies only what an edit adds


def test_html_comments_are_not_scanned_for_mentions() -> None:
    block = '<!-- okrflow:meta\n{"owner": "@some-group"}\n-->'
    assert neutralise(block, is_user) == block
    assert mentioned_names(block) == []


def test_a_title_is_one_line_without_control_characters_or_pings() -> None:
    title = neutralise_title("Grow\n/close users\r\x1b[2J @all from 1 to 2", is_user)

    assert title == "Grow /close users [2J @\u2060all from 1 to 2"
    assert mention_names(title) == []


# generated text ---------------------------------------------------------------------------
_PIECES = st.sampled_from(
    [
        "/close",
        "/title PWNED",
        "/label ~x",
        "/lock",
        "@all",
        "@some-group",
        "@acme/eng",
        "@bob",
        "&#64;here",
        " ",
        "\t",
        "\u200b",
        "```",
        "~~~",
        "    ",
        "> ",
        "- ",
        "| ",
        "<!--",
        "-->",
        "text",
        "x",
        "\\",
        *LINE_BREAKS,
        "\r\n",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_generated_text_starts_no_quick_action_and_pings_no_group(text: str) -> None:
    done = neutralise(text, is_user)

    assert commands(done) == []
    assert {name.lower() for name in mention_names(done)} <= USERS
    assert neutralise(done, is_user) == done


@pytest.mark.parametrize(
    "text",
    [
        "\x0b```\r\n/close\n```",  # a fence after a vertical tab is text to GitLab
        "/close<!--\r\n> @all-->",  # the quote on the next line cuts the comment
        "x <!--@all<!---->",  # "--" inside: no comment for strict CommonMark
        "@bob\r/close",  # GitLab deletes the \r: @bob/close
    ],
)
def test_what_a_renderer_may_read_differently_is_neutralised(text: str) -> None:
    done = neutralise(text, is_user)

    assert commands(done) == []
    assert {name.lower() for name in mention_names(done)} <= USERS


def test_okrflows_own_block_at_a_line_start_is_left_as_it_is() -> None:
    block = 'Text\n<!-- okrflow:meta\n{"owner": "@some-group", "note": "a -- b"}\n-->'

    assert neutralise(block, is_user) == block

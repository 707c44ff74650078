"""okrflow.core.authority: scopes, okrflow's own records, whose check-ins count."""

from __future__ import annotations

import dataclasses

import pytest

from okrflow.core.authority import (
    REPORTER,
    Authors,
    CheckinPolicy,
    by_okrflow,
    impostor,
    in_scopes,
    scope_of_reference,
)


@pytest.mark.parametrize(
    ("path", "group", "allowed", "expected"),
    [
        ("acme/okrs", False, [], True),  # the OKR project itself
        ("ACME/OKRs/", False, [], True),  # paths compare as GitLab's, without case
        ("acme/support", False, [], False),
        ("acme/support", False, ["acme"], True),  # a group allows its projects
        ("acme/eng/web", False, ["acme"], True),  # and its subgroups'
        ("acme", True, ["acme"], True),
        ("acme/eng", True, ["acme"], True),  # a subgroup of an allowed group
        ("acme", True, ["acme/support"], False),  # a project allows no group around it
        ("acme/supporting", False, ["acme/support"], False),  # a prefix is not a scope
        ("acme", True, [], False),  # the OKR project allows no group
        ("", False, ["acme"], False),
    ],
)
def test_in_scopes(path: str, group: bool, allowed: list[str], expected: bool) -> None:
    assert in_scopes(path, home="acme/okrs", allowed=allowed, group=group) is expected


def test_the_project_of_a_reference() -> None:
    assert scope_of_reference("acme/web#12", "acme/okrs") == "acme/web"
    assert scope_of_reference("#12", "acme/okrs") == "acme/okrs"


def test_okrflows_users_are_the_tokens_user_asked_once_and_the_bot_users() -> None:
    asked: list[int] = []

    def token_user() -> str:
        asked.append(1)
        return "OKR-Bot"

    authors = Authors(token_user, bot_users=["old-bot"])
    assert authors.is_okrflow("okr-bot") and authors.is_okrflow("Old-Bot")
    assert not authors.is_okrflow("alice") and not authors.is_okrflow(None)
    assert authors.token_username() == "OKR-Bot"
    assert asked == [1]


def test_no_one_is_asked_who_okrflow_is_until_it_matters() -> None:
    def token_user() -> str:
        raise AssertionError("asked")

    Authors(token_user)
    assert by_okrflow([], Authors(token_user)) == ([], [])


@dataclasses.dataclass
class Note:
    author: str | None


def test_records_split_into_okrflows_and_the_others() -> None:
    authors = Authors(lambda: "okr-bot")
    notes = [Note("okr-bot"), Note("mallory"), Note(None)]
    assert by_okrflow(notes, authors) == ([notes[0]], notes[1:])
    problem = impostor("#5", "mallory", "#5 holds okrflow's schedule record of FY24-Q2")
    assert problem.where == "#5"
    assert problem.message.startswith(
        "#5 holds okrflow's schedule record of FY24-Q2, but @mallory wrote it, not okrflow's "
        "user: ignored"
    )


def policy(source: str, asked: list[int] | None = None) -> CheckinPolicy:
    def members() -> dict[str, int]:
        if asked is not None:
            asked.append(1)
        return {"Rita": REPORTER, "gwen": 10, "dora": 30}

    return CheckinPolicy(Authors(lambda: "okr-bot"), source, members)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("source", "author", "counts"),
    [
        ("members", "rita", True),  # Reporter
        ("members", "dora", True),  # Developer
        ("members", "gwen", False),  # Guest
        ("members", "stranger", False),
        ("members", None, False),
        ("members", "okr-bot", True),  # okrflow's own, member or not
        ("owners", "bob", True),
        ("owners", "rita", False),  # a member, not an owner
        ("owners", "okr-bot", True),
        ("anyone", "stranger", True),
    ],
)
def test_whose_check_ins_count(source: str, author: str | None, counts: bool) -> None:
    refusal = policy(source).refusal(author, owners=["@bob", None])
    assert (refusal is None) is counts
    if not counts:
        assert f"(checkins.from: {source})" in (refusal or "")


def test_the_members_are_asked_once_and_only_when_needed() -> None:
    asked: list[int] = []
    members = policy("members", asked)
    assert members.refusal("okr-bot") is None and asked == []
    assert members.refusal("rita") is None and members.refusal("gwen") is not None
    assert asked == [1]

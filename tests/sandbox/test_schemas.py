"""Emulator answers validate against GitLab's own JSON schemas (spec/fixtures/api/schemas).

The schemas are a copy in this repository (``tests/sandbox/schemas``, GitLab's
directory layout, MIT; see its README for the GitLab version): every file is
registered under its path below a fake base URI, so GitLab's relative ``$ref``s
resolve as in GitLab, and one colour pattern is rewritten into valid Python regex
syntax.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from okrflow.sandbox import SANDBOX_TOKEN, Emulator

SCHEMA_ROOT = Path(__file__).resolve().parent / "schemas"
V4 = "spec/fixtures/api/schemas/public_api/v4/"
BASE = "https://schemas.invalid/"
# GitLab's own timestamp format (stricter than RFC 3339): milliseconds and Z.
GITLAB_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _python_patterns(node: Any) -> Any:
    """label_basic.json's colour pattern ``^#[0-9A-Fa-f]{3}{1,2}$`` is no valid Python
    regex ("multiple repeat"); use the meaning intended, ``^#(?:[0-9A-Fa-f]{3}){1,2}$``."""
    if isinstance(node, dict):
        return {
            key: value.replace("[0-9A-Fa-f]{3}{1,2}", "(?:[0-9A-Fa-f]{3}){1,2}")
            if key == "pattern" and isinstance(value, str)
            else _python_patterns(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_python_patterns(item) for item in node]
    return node


def _registry() -> Registry:
    registry: Registry = Registry()
    for path in SCHEMA_ROOT.rglob("*.json"):
        contents = _python_patterns(json.loads(path.read_text()))
        resource = Resource.from_contents(contents, default_specification=DRAFT7)
        registry = registry.with_resource(BASE + path.relative_to(SCHEMA_ROOT).as_posix(), resource)
    return registry


def _format_checker() -> FormatChecker:
    checker = FormatChecker()

    @checker.checks("date-time")
    def is_gitlab_time(value: object) -> bool:
        return not isinstance(value, str) or GITLAB_TIME.fullmatch(value) is not None

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc)

    return checker


def assert_valid(instance: Any, schema: str) -> None:
    validator = Draft7Validator(
        {"$ref": BASE + V4 + schema}, registry=_registry(), format_checker=_format_checker()
    )
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


@pytest.fixture
def emu() -> Emulator:
    emu = Emulator.sandbox()
    emu.add_label("acme/okrs", "okr::objective", "#6699cc", description="An objective")
    emu.add_label("acme", "FY24-Q1", "#ff0000")
    return emu


def call(emu: Emulator, method: str, path: str, body: Any = None, **params: Any) -> Any:
    answer = emu.request(method, path, token=SANDBOX_TOKEN, json_body=body, params=params)
    assert answer.status < 300, answer.body
    assert answer.headers["Content-Type"] == "application/json"
    return answer.json()


def _make_issues(emu: Emulator) -> tuple[Any, Any]:
    first = call(
        emu,
        "POST",
        "/projects/acme%2Fokrs/issues",
        {
            "title": "Objective",
            "description": "- [x] one\n- [ ] two",
            "labels": ["okr::objective", "FY24-Q1"],
            "assignee_ids": [2, 3],
            "due_date": "2024-03-31",
        },
    )
    second = call(emu, "POST", "/projects/acme%2Fokrs/issues", {"title": "KR"})
    call(emu, "PUT", "/projects/acme%2Fokrs/issues/2", {"state_event": "close"})
    return first, second


def test_single_issue_matches_issue_schema(emu: Emulator) -> None:
    created, _ = _make_issues(emu)

    fetched = call(emu, "GET", "/projects/acme%2Fokrs/issues/1")
    closed = call(emu, "GET", "/projects/acme%2Fokrs/issues/2")

    for issue in (created, fetched, closed):
        assert_valid(issue, "issue.json")
    assert fetched["labels"] == ["FY24-Q1", "okr::objective"]
    assert fetched["assignees"] == [fetched["assignee"]]  # Free keeps the first assignee
    assert fetched["references"] == {
        "short": "#1",
        "relative": "#1",
        "full": "acme/okrs#1",
    }
    assert GITLAB_TIME.fullmatch(closed["closed_at"])
    assert "subscribed" in fetched


def test_issue_list_matches_issues_schema(emu: Emulator) -> None:
    _make_issues(emu)

    listed = call(emu, "GET", "/projects/acme%2Fokrs/issues")
    in_group = call(emu, "GET", "/groups/acme/issues")
    detailed = call(emu, "GET", "/projects/20/issues", with_labels_details="true")

    assert_valid(listed, "issues.json")
    assert_valid(in_group, "issues.json")
    assert [i["iid"] for i in listed] == [2, 1]
    assert all("subscribed" not in i for i in listed)
    for label in detailed[1]["labels"]:
        assert_valid(label, "label_basic.json")


def test_notes_match_notes_schema(emu: Emulator) -> None:
    _make_issues(emu)
    call(emu, "POST", "/projects/acme%2Fokrs/issues/1/notes", {"body": "Check-in: 3"})
    call(emu, "PUT", "/projects/acme%2Fokrs/issues/1", {"title": "Renamed"})  # a system note

    notes = call(emu, "GET", "/projects/acme%2Fokrs/issues/1/notes")

    assert_valid(notes, "notes.json")
    assert [n["system"] for n in notes] == [True, False]


def test_labels_match_label_schemas(emu: Emulator) -> None:
    _make_issues(emu)

    labels = call(emu, "GET", "/projects/acme%2Fokrs/labels")
    counted = call(emu, "GET", "/projects/acme%2Fokrs/labels", with_counts="true")
    one = call(emu, "GET", "/projects/acme%2Fokrs/labels/okr%3A%3Aobjective")

    assert [lab["name"] for lab in labels] == ["FY24-Q1", "okr::objective"]
    for label in labels:
        assert_valid(label, "labels/project_label.json")
    for label in counted:
        assert_valid(label, "labels/project_label_with_counts.json")
        assert label["open_issues_count"] == 1
    assert_valid(one, "labels/project_label.json")
    assert one["is_project_label"] is True


def test_boards_match_board_schemas(emu: Emulator) -> None:
    board = call(emu, "POST", "/projects/acme%2Fokrs/boards", {"name": "OKRs"})
    label_id = emu.labels("acme/okrs")[0].id
    call(emu, "POST", f"/projects/acme%2Fokrs/boards/{board['id']}/lists", {"label_id": label_id})

    boards = call(emu, "GET", "/projects/acme%2Fokrs/boards")

    assert_valid(boards, "boards.json")
    assert_valid(boards[0], "board.json")
    assert boards[0]["lists"][0]["position"] == 0


def test_issue_links_match_link_schemas(emu: Emulator) -> None:
    _make_issues(emu)

    created = call(
        emu,
        "POST",
        "/projects/acme%2Fokrs/issues/2/links",
        {"target_project_id": "acme/okrs", "target_issue_iid": 1},
    )
    listed = call(emu, "GET", "/projects/acme%2Fokrs/issues/2/links")

    assert_valid(created, "issue_link.json")
    assert_valid(listed, "issue_links.json")
    for item in listed:  # issue_links.json checks nothing (a fixture bug): check the issue part
        assert_valid(item, "issue.json")
        assert {"issue_link_id", "link_type", "link_created_at", "link_updated_at"} <= set(item)


def test_users_match_user_basic_schema(emu: Emulator) -> None:
    users = call(emu, "GET", "/users", username="alice")

    assert_valid(users, "user/basics.json")
    assert [u["username"] for u in users] == ["alice"]


def test_schema_check_catches_a_broken_issue(emu: Emulator) -> None:
    created, _ = _make_issues(emu)
    created["created_at"] = "2024-01-01 10:00"

    with pytest.raises(AssertionError):
        assert_valid(created, "issue.json")


def test_created_note_with_commands_matches_notes_schema(emu: Emulator) -> None:
    _make_issues(emu)
    note = call(emu, "POST", "/projects/acme%2Fokrs/issues/1/notes", {"body": "Hi\n/lock"})

    assert note["commands_changes"] == {"discussion_locked": True}
    assert_valid([note], "notes.json")


def test_members_match_members_schema(emu: Emulator) -> None:
    emu.add_project("acme/web", members={"bob": "reporter"})

    direct = call(emu, "GET", "/projects/acme%2Fweb/members")
    everyone = call(emu, "GET", "/projects/acme%2Fweb/members/all")
    group = call(emu, "GET", "/groups/acme/members/all")

    for listing in (direct, everyone, group):
        assert_valid(listing, "members.json")
    assert [m["username"] for m in direct] == ["bob"]
    assert len(everyone) == 3


def test_commits_and_branches_match_their_schemas(emu: Emulator) -> None:
    emu.add_file("acme/okrs", "a.md", "x", author="alice")
    call(
        emu,
        "POST",
        "/projects/acme%2Fokrs/repository/branches",
        branch="topic",
        ref="main",
    )

    commits = call(emu, "GET", "/projects/acme%2Fokrs/repository/commits")
    branches = call(emu, "GET", "/projects/acme%2Fokrs/repository/branches")
    one = call(emu, "GET", "/projects/acme%2Fokrs/repository/branches/topic")

    assert_valid(commits, "commits.json")
    assert_valid(branches, "branches.json")
    assert_valid(one, "branch.json")
    assert [b["name"] for b in branches] == ["main", "topic"]
    assert one["commit"]["id"] == commits[0]["id"]


def test_group_board_matches_board_schema(emu: Emulator) -> None:
    board = emu.add_board("acme", lists=["FY24-Q1"])

    listed = call(emu, "GET", "/groups/acme/boards")
    one = call(emu, "GET", f"/groups/acme/boards/{board.id}")

    assert_valid(listed, "boards.json")
    assert_valid(one, "board.json")
    assert one["project"] is None and one["group"]["id"] == emu.group("acme").id


def test_group_labels_match_the_label_schema(emu: Emulator) -> None:
    labels = call(emu, "GET", "/groups/acme/labels", with_counts="true")

    for label in labels:
        assert_valid(label, "labels/label_with_counts.json")
    assert [lab["name"] for lab in labels] == ["FY24-Q1"]

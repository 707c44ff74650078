"""Labels, notes, issue links, boards, repository files and issue templates."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from okrflow.sandbox import SANDBOX_ALICE_TOKEN, SANDBOX_TOKEN, Emulator

P = "/projects/acme%2Fokrs"


@pytest.fixture
def emu() -> Emulator:
    return Emulator.sandbox()


def send(
    emu: Emulator,
    method: str,
    path: str,
    body: Any = None,
    token: str = SANDBOX_TOKEN,
    **params: Any,
) -> tuple[int, Any]:
    answer = emu.request(method, path, token=token, json_body=body, params=params)
    return answer.status, answer.json()


# labels ---------------------------------------------------------------------------
def test_duplicate_label_gets_409_also_against_group_labels(emu: Emulator) -> None:
    emu.add_label("acme", "FY24-Q1")

    first = send(emu, "POST", f"{P}/labels", {"name": "okr::objective", "color": "#123456"})
    again = send(emu, "POST", f"{P}/labels", {"name": "okr::objective", "color": "#123456"})
    group_clash = send(emu, "POST", f"{P}/labels", {"name": "FY24-Q1", "color": "red"})

    assert first[0] == 201
    assert again == (409, {"message": "Label already exists"})
    assert group_clash == (409, {"message": "Label already exists"})


def test_label_colours_are_validated_and_names_converted(emu: Emulator) -> None:
    named = send(emu, "POST", f"{P}/labels", {"name": "a", "color": "Red"})
    short = send(emu, "POST", f"{P}/labels", {"name": "b", "color": "#abc"})
    bad = send(emu, "POST", f"{P}/labels", {"name": "c", "color": "#12345g"})
    missing = send(emu, "POST", f"{P}/labels", {"name": "d"})
    comma = send(emu, "POST", f"{P}/labels", {"name": "e,f", "color": "#000000"})

    assert (named[0], named[1]["color"], named[1]["text_color"]) == (
        201,
        "#FF0000",
        "#FFFFFF",
    )  # Gitlab::Color.of
    assert short[0] == 201
    assert bad == (400, {"message": {"color": ["must be a valid color code"]}})
    assert missing == (400, {"error": "color is missing"})
    assert comma[0] == 400


def test_labels_by_id_or_title_update_and_delete(emu: Emulator) -> None:
    _, label = send(emu, "POST", f"{P}/labels", {"name": "okr-status::draft", "color": "#eee"})
    send(emu, "POST", f"{P}/issues", {"title": "t", "labels": ["okr-status::draft"]})

    by_id = send(emu, "GET", f"{P}/labels/{label['id']}")
    by_title = send(emu, "GET", f"{P}/labels/okr-status%3A%3Adraft")
    renamed = send(emu, "PUT", f"{P}/labels/{label['id']}", {"new_name": "okr-status::review"})
    deprecated = send(emu, "PUT", f"{P}/labels", {"name": "okr-status::review", "color": "blue"})
    issue_after_rename = send(emu, "GET", f"{P}/issues/1")[1]["labels"]
    deleted = emu.request(
        "DELETE", f"{P}/labels", token=SANDBOX_TOKEN, params={"name": "okr-status::review"}
    )

    assert by_id[1]["name"] == by_title[1]["name"] == "okr-status::draft"
    assert renamed[1]["name"] == "okr-status::review"
    assert deprecated[1]["color"] == "#0000FF"
    assert issue_after_rename == ["okr-status::review"]
    assert deleted.status == 204
    assert emu.issue_labels("acme/okrs", 1) == []
    assert send(emu, "GET", f"{P}/labels/okr-status%3A%3Areview") == (
        404,
        {"message": "404 Label Not Found"},
    )


def test_group_labels_show_in_project_lists_but_not_for_project_updates(emu: Emulator) -> None:
    send(emu, "POST", "/groups/acme/labels", {"name": "team::csm", "color": "#00ff00"})

    listed = send(emu, "GET", f"{P}/labels")[1]
    update = send(emu, "PUT", f"{P}/labels/team%3A%3Acsm", {"color": "#111111"})

    assert [(lab["name"], lab["is_project_label"]) for lab in listed] == [("team::csm", False)]
    assert update[0] == 404


def test_developer_without_planner_role_is_refused_label_admin(emu: Emulator) -> None:
    emu.add_member("acme/okrs", "bob", "guest")
    emu.group("acme").members.pop("bob")
    bob = emu.add_token("glpat-bob", "bob").token

    refused = send(emu, "POST", f"{P}/labels", {"name": "x", "color": "#000000"}, token=bob)
    silently = send(emu, "POST", f"{P}/issues", {"title": "t", "labels": ["x"]}, token=bob)

    assert refused == (403, {"message": "403 Forbidden"})
    assert (silently[0], silently[1]["labels"]) == (201, [])
    assert emu.labels("acme/okrs") == []


# notes ----------------------------------------------------------------------------
def test_notes_rules(emu: Emulator) -> None:
    emu.add_label("acme/okrs", "okr-health::at risk")
    send(emu, "POST", f"{P}/issues", {"title": "t"})

    missing = send(emu, "POST", f"{P}/issues/1/notes", {})
    blank = send(emu, "POST", f"{P}/issues/1/notes", {"body": " "})
    commands = send(emu, "POST", f"{P}/issues/1/notes", {"body": '/label ~"okr-health::at risk"'})
    created = send(emu, "POST", f"{P}/issues/1/notes", {"body": "Check-in: 5\n/close"})
    foreign = send(
        emu,
        "PUT",
        f"{P}/issues/1/notes/{created[1]['id']}",
        {"body": "x"},
        token=SANDBOX_ALICE_TOKEN,
    )
    edited = send(emu, "PUT", f"{P}/issues/1/notes/{created[1]['id']}", {"body": "Check-in: 6"})

    assert missing == (400, {"error": "body is missing"})
    assert blank[0] == 400
    assert commands[0] == 202 and "id" not in commands[1]
    assert (created[0], created[1]["body"], created[1]["system"]) == (201, "Check-in: 5", False)
    assert foreign[0] == 403
    assert edited[1]["body"] == "Check-in: 6"
    assert emu.issue_labels("acme/okrs", 1) == ["okr-health::at risk"]
    assert emu.issue("acme/okrs", 1).state == "closed"
    assert send(emu, "GET", f"{P}/issues/1")[1]["user_notes_count"] == 1
    assert send(emu, "DELETE", f"{P}/issues/1/notes/{created[1]['id']}")[0] == 204


# links --------------------------------------------------------------------------------
def test_link_rules_on_free(emu: Emulator) -> None:
    emu.add_project("acme/platform")
    for title in ("objective", "kr"):
        send(emu, "POST", f"{P}/issues", {"title": title})
    send(emu, "POST", "/projects/acme%2Fplatform/issues", {"title": "initiative"})

    def link(body: dict[str, Any]) -> tuple[int, Any]:
        return send(emu, "POST", f"{P}/issues/2/links", body)

    blocks = link({"target_project_id": "acme/okrs", "target_issue_iid": 1, "link_type": "blocks"})
    first = link({"target_project_id": "acme/okrs", "target_issue_iid": 1})
    reverse = send(
        emu, "POST", f"{P}/issues/1/links", {"target_project_id": 20, "target_issue_iid": 2}
    )
    cross = link({"target_project_id": "acme/platform", "target_issue_iid": 1})
    missing = link({"target_project_id": "acme/okrs", "target_issue_iid": 99})
    bad_type = link({"target_project_id": "acme/okrs", "target_issue_iid": 1, "link_type": "x"})

    assert blocks == (403, {"message": "Blocked issues not available for current license"})
    assert first[0] == 201 and first[1]["link_type"] == "relates_to"
    assert reverse == (409, {"message": "Issue(s) already assigned"})
    assert cross[1]["target_issue"]["references"]["full"] == "acme/platform#1"
    assert missing[0] == 404
    assert bad_type == (400, {"error": "link_type does not have a valid value"})
    listed = send(emu, "GET", f"{P}/issues/2/links")[1]
    assert [item["references"]["relative"] for item in listed] == ["#1", "acme/platform#1"]
    removed = send(emu, "DELETE", f"{P}/issues/2/links/{listed[0]['issue_link_id']}")
    assert removed[0] == 200 and removed[1]["target_issue"]["iid"] == 1
    assert [n.body for n in emu.notes("acme/okrs", 1, system=True)][-1].startswith("removed")


# boards ------------------------------------------------------------------------------
def test_board_lists_positions_move_and_delete(emu: Emulator) -> None:
    ids = [emu.add_label("acme/okrs", name).id for name in ("draft", "review", "active")]
    _, board = send(emu, "POST", f"{P}/boards", {"name": "OKRs"})
    base = f"{P}/boards/{board['id']}/lists"
    lists = [send(emu, "POST", base, {"label_id": label_id})[1] for label_id in ids]

    def order() -> list[str]:
        return [lst["label"]["name"] for lst in send(emu, "GET", base)[1]]

    assert [lst["position"] for lst in lists] == [0, 1, 2]
    assert send(emu, "POST", base, {"label_id": ids[0]}) == (
        400,
        {"message": {"label_id": ["has already been taken"]}},
    )
    assert send(emu, "PUT", f"{base}/{lists[2]['id']}", {"position": 0})[1]["position"] == 0
    assert order() == ["active", "draft", "review"]
    assert send(emu, "PUT", f"{base}/{lists[0]['id']}", {"position": 7}) == (
        400,
        {"message": {"error": "List could not be moved!"}},
    )
    assert send(emu, "POST", base, {"label_id": 99999}) == (
        400,
        {"message": {"error": "Label not found!"}},
    )
    assert send(emu, "DELETE", f"{base}/{lists[2]['id']}")[0] == 204
    assert [lst["position"] for lst in send(emu, "GET", base)[1]] == [0, 1]
    assert send(emu, "POST", base, {"assignee_id": 1})[0] == 400


# files and templates -------------------------------------------------------------------
def test_files_text_base64_raw_and_errors(emu: Emulator) -> None:
    path = f"{P}/repository/files/.gitlab%2Fissue_templates%2FKey%20result.md"
    created = send(
        emu,
        "POST",
        path,
        {
            "branch": "main",
            "content": base64.b64encode(b"kr\n").decode(),
            "encoding": "base64",
            "commit_message": "add",
        },
    )
    fetched = send(emu, "GET", path, ref="main")[1]
    stale = send(
        emu,
        "PUT",
        path,
        {"branch": "main", "content": "x", "commit_message": "m", "last_commit_id": "0" * 40},
    )
    missing = send(
        emu,
        "PUT",
        f"{P}/repository/files/nope.md",
        {"branch": "main", "content": "x", "commit_message": "m"},
    )
    no_ref = send(emu, "GET", path)
    raw = emu.request("GET", f"{path}/raw", token=SANDBOX_TOKEN)
    templates = send(emu, "GET", f"{P}/templates/issues")[1]
    template = send(emu, "GET", f"{P}/templates/issues/Key%20result")[1]

    assert created == (
        201,
        {"file_path": ".gitlab/issue_templates/Key result.md", "branch": "main"},
    )
    assert base64.b64decode(fetched["content"]) == b"kr\n" and fetched["encoding"] == "base64"
    assert stale[0] == 400 and "changed since" in stale[1]["message"]
    assert missing == (400, {"message": "A file with this name doesn't exist"})
    assert no_ref == (400, {"error": "ref is missing"})
    assert (raw.status, raw.body, raw.headers["Content-Type"]) == (
        200,
        b"kr\n",
        "text/plain; charset=utf-8",
    )
    assert templates == [{"key": "Key result", "name": "Key result"}]
    assert template == {"name": "Key result", "content": "kr\n"}
    traversal = send(emu, "GET", f"{P}/repository/files/a%2F..%2Fb", ref="main")
    assert traversal[0] == 400


def test_boards_update_and_delete(emu: Emulator) -> None:
    _, board = send(emu, "POST", f"{P}/boards", {"name": "OKRs"})
    path = f"{P}/boards/{board['id']}"

    renamed = send(emu, "PUT", path, {"name": "OKR board", "hide_closed_list": True})
    deleted = send(emu, "DELETE", path)

    assert (renamed[1]["name"], renamed[1]["hide_closed_list"]) == ("OKR board", True)
    assert deleted == (204, None)
    assert send(emu, "GET", path) == (404, {"message": "404 Board Not Found"})
    assert send(emu, "GET", f"{P}/boards") == (200, [])


def test_default_branch_exists_and_branches_can_be_created(emu: Emulator) -> None:
    branches = send(emu, "GET", f"{P}/repository/branches")[1]
    created = send(emu, "POST", f"{P}/repository/branches", {"branch": "okrs", "ref": "main"})
    again = send(emu, "POST", f"{P}/repository/branches", {"branch": "okrs", "ref": "main"})

    assert [(b["name"], b["default"]) for b in branches] == [("main", True)]
    assert created[0] == 201 and created[1]["name"] == "okrs"
    assert again == (400, {"message": "Branch already exists"})


def test_quick_actions_in_an_updated_description_run_too(emu: Emulator) -> None:
    send(emu, "POST", f"{P}/issues", {"title": "t", "labels": ["a", "b"]})

    updated = send(emu, "PUT", f"{P}/issues/1", {"description": "text\n/unlabel ~a\n/assign @bob"})

    assert updated[1]["description"] == "text"
    assert updated[1]["labels"] == ["b"]
    assert updated[1]["assignee"]["username"] == "bob"


def test_group_labels_crud_and_project_label_priority(emu: Emulator) -> None:
    created = send(emu, "POST", "/groups/acme/labels", {"name": "team::csm", "color": "#00ff00"})
    updated = send(emu, "PUT", "/groups/acme/labels/team%3A%3Acsm", {"description": "CSM"})
    nothing = send(emu, "PUT", "/groups/acme/labels/team%3A%3Acsm", {"priority": 1})
    prioritized = send(emu, "POST", f"{P}/labels", {"name": "p", "color": "#000", "priority": 2})

    assert created[0] == 201 and "is_project_label" not in created[1]
    assert updated[1]["description"] == "CSM"
    assert nothing[0] == 400 and "priority" not in nothing[1]["error"]
    assert prioritized[1]["priority"] == 2
    assert send(emu, "DELETE", "/groups/acme/labels/team%3A%3Acsm")[0] == 204
    assert send(emu, "GET", "/groups/acme/labels") == (200, [])

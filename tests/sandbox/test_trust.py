"""Authors, membership and what each role may do (GitLab's permission matrix for okrflow)."""

from __future__ import annotations

from typing import Any

import gitlab
import pytest

from okrflow.sandbox import SANDBOX_TOKEN, Emulator, ServedEmulator

P = "/projects/acme%2Fokrs"
ISSUES = f"{P}/issues"


def send(emu: Emulator, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    answer = emu.request(method, path, token=token, json_body=body)
    return answer.status, answer.json()


@pytest.fixture
def emu() -> Emulator:
    emu = Emulator.sandbox()
    for name, role in (("gwen", "guest"), ("rita", "reporter"), ("pia", "planner")):
        emu.add_user(name)
        emu.add_member("acme/okrs", name, role)
    emu.add_group("other", members={"outsider": "owner"})
    emu.add_project("other/private")
    emu.add_label("acme/okrs", "okr")
    emu.add_issue("acme/okrs", "Objective", author="okr-lead")
    return emu


def test_token_for_and_as_user_act_as_someone_else(emu: Emulator) -> None:
    token = emu.token_for("alice")

    assert emu.token_for("alice") == token  # the same token each time
    created = send(emu, "POST", ISSUES, token, {"title": "by alice"})[1]
    with emu.as_user("bob"):
        note = emu.request("POST", f"{ISSUES}/1/notes", json_body={"body": "by bob"}).json()
    me = send(emu, "GET", "/user", emu.token_for("rita", scopes=["read_api"]))[1]

    assert created["author"]["username"] == "alice"
    assert note["author"]["username"] == "bob"
    assert me["username"] == "rita"
    assert emu.request("POST", f"{ISSUES}/1/notes", json_body={"body": "x"}).status == 401


def test_a_reporter_comments_and_edits_labels_and_descriptions(emu: Emulator) -> None:
    rita = emu.token_for("rita")

    assert send(emu, "POST", f"{ISSUES}/1/notes", rita, {"body": "hi"})[0] == 201
    status, issue = send(emu, "PUT", f"{ISSUES}/1", rita, {"labels": "okr", "description": "d"})

    assert status == 200 and (issue["labels"], issue["description"]) == (["okr"], "d")
    assert send(emu, "POST", f"{P}/labels", rita, {"name": "new", "color": "#000000"})[0] == 201
    assert send(emu, "POST", f"{P}/repository/files/a.md", rita, {
        "branch": "main", "content": "x", "commit_message": "m"})[0] == 403  # fmt: skip


def test_a_guest_comments_files_issues_with_labels_but_edits_no_others(emu: Emulator) -> None:
    gwen = emu.token_for("gwen")

    comment = send(emu, "POST", f"{ISSUES}/1/notes", gwen, {"body": "hello"})
    edit = send(emu, "PUT", f"{ISSUES}/1", gwen, {"title": "mine now"})
    filed = send(emu, "POST", ISSUES, gwen, {"title": "new", "labels": ["okr", "made-up"]})
    own = send(emu, "PUT", f"{ISSUES}/{filed[1]['iid']}", gwen, {"title": "t", "labels": ""})
    confidential = send(emu, "PUT", f"{ISSUES}/{filed[1]['iid']}", gwen, {"confidential": True})

    assert comment[0] == 201
    assert edit[0] == 403
    assert filed[1]["labels"] == ["okr"]  # existing labels only: a guest creates none
    assert (own[1]["title"], own[1]["labels"]) == ("t", ["okr"])  # labels silently dropped
    assert confidential[1]["confidential"] is False


def test_notes_are_edited_by_their_author_or_a_maintainer_only(emu: Emulator) -> None:
    rita = emu.token_for("rita")
    note = send(emu, "POST", f"{ISSUES}/1/notes", rita, {"body": "mine"})[1]
    path = f"{ISSUES}/1/notes/{note['id']}"

    by_other = send(emu, "PUT", path, emu.token_for("pia"), {"body": "hijack"})
    by_author = send(emu, "PUT", path, rita, {"body": "edited"})
    deleted_by_other = send(emu, "DELETE", path, emu.token_for("gwen"))
    by_owner = emu.request("DELETE", path, token=SANDBOX_TOKEN)

    assert by_other[0] == 403 and by_author[1]["body"] == "edited"
    assert deleted_by_other[0] == 403 and by_owner.status == 204


def test_what_a_user_cannot_see_is_404(emu: Emulator) -> None:
    alice = emu.token_for("alice")
    emu.add_issue("other/private", "hidden", author="outsider")

    for path in (
        "/projects/other%2Fprivate",
        "/projects/other%2Fprivate/issues/1",
        "/groups/other",
    ):
        status, body = send(emu, "GET", path, alice)
        assert status == 404, path
        assert body["message"].startswith("404 ")
    listed = send(emu, "GET", "/projects", alice)[1]
    assert [p["path_with_namespace"] for p in listed] == ["acme/okrs"]


def test_members_direct_and_inherited_with_the_highest_level(emu: Emulator) -> None:
    emu.add_group("acme/eng", members={"alice": "maintainer", "rita": "guest"})
    emu.add_project("acme/eng/web", members={"bob": "reporter", "rita": "developer"})

    direct = send(emu, "GET", "/projects/acme%2Feng%2Fweb/members", SANDBOX_TOKEN)[1]
    everyone = send(emu, "GET", "/projects/acme%2Feng%2Fweb/members/all", SANDBOX_TOKEN)[1]
    group_all = send(emu, "GET", "/groups/acme%2Feng/members/all", SANDBOX_TOKEN)[1]
    one = send(emu, "GET", f"/projects/acme%2Feng%2Fweb/members/all/{emu.user('alice').id}",
               SANDBOX_TOKEN)[1]  # fmt: skip

    assert {m["username"]: m["access_level"] for m in direct} == {"bob": 20, "rita": 30}
    assert {m["username"]: m["access_level"] for m in everyone} == {
        "alice": 40,  # maintainer of acme/eng beats developer of acme
        "bob": 30,  # developer of acme beats reporter of the project
        "okr-lead": 50,
        "rita": 30,
    }
    assert {m["username"] for m in group_all} == {"alice", "bob", "okr-lead", "rita"}
    assert one["access_level"] == 40
    assert send(emu, "GET", f"{P}/members/{emu.user('alice').id}", SANDBOX_TOKEN)[0] == 404


def test_members_all_through_python_gitlab(served_emulator: ServedEmulator) -> None:
    with gitlab.Gitlab(served_emulator.url, private_token=served_emulator.token, timeout=10) as gl:
        project = gl.projects.get("acme/okrs", lazy=True)
        members = project.members_all.list(get_all=True)
        direct = project.members.list(get_all=True)

    assert {m.username: m.access_level for m in members} == {
        "alice": 30,
        "bob": 30,
        "okr-lead": 50,
    }
    assert direct == []

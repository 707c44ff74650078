"""Contribution events (``/projects/:id/events`` ...) and issue label events."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import gitlab
import pytest
from sandbox_calls import get

from okrflow.sandbox import SANDBOX_TOKEN, Emulator, ServedEmulator

P = "/projects/acme%2Fokrs"
ISSUES = f"{P}/issues"
T0 = datetime(2024, 3, 10, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def emu() -> Emulator:
    emu = Emulator.sandbox(now=T0)
    emu.add_issue("acme/okrs", "Objective", author="okr-lead")  # 10 March
    emu.advance(timedelta(days=1))
    emu.add_note("acme/okrs", 1, "Check-in: 3", author="alice")  # 11 March
    emu.advance(timedelta(days=1))
    alice = emu.token_for("alice")
    emu.request("POST", f"{ISSUES}/1/notes", token=alice, json_body={"body": "Check-in: 4"})
    emu.request("PUT", f"{ISSUES}/1", token=SANDBOX_TOKEN, json_body={"title": "Renamed"})
    emu.request("PUT", f"{ISSUES}/1", token=SANDBOX_TOKEN, json_body={"state_event": "close"})
    return emu  # 12 March: a note, an edit (no event), a close


def test_project_events_with_action_and_target_filters(emu: Emulator) -> None:
    everything = get(emu, f"{P}/events")
    comments = get(emu, f"{P}/events", action="commented")
    issues = get(emu, f"{P}/events", target_type="issue")

    assert [e["action_name"] for e in everything] == [
        "closed",
        "commented on",
        "commented on",
        "opened",
    ]
    assert [e["note"]["body"] for e in comments] == ["Check-in: 4", "Check-in: 3"]
    note_event = comments[0]
    assert note_event["target_type"] == "Note"
    assert note_event["target_id"] == note_event["target_iid"] == note_event["note"]["id"]
    assert note_event["note"]["noteable_iid"] == 1
    assert note_event["note"]["author"]["username"] == "alice"
    assert note_event["target_title"] == "Renamed"
    assert note_event["author_username"] == "alice"
    assert [e["action_name"] for e in issues] == ["closed", "opened"]
    assert all("note" not in e for e in issues)


def test_after_and_before_are_dates_and_exclusive(emu: Emulator) -> None:
    def days(**params: str) -> list[str]:
        return [e["created_at"][:10] for e in get(emu, f"{P}/events", sort="asc", **params)]

    assert days(after="2024-03-10") == ["2024-03-11", "2024-03-12", "2024-03-12"]
    assert days(after="2024-03-11") == ["2024-03-12", "2024-03-12"]
    assert days(before="2024-03-11") == ["2024-03-10"]
    assert days(after="2024-03-10", before="2024-03-12") == ["2024-03-11"]
    bad = emu.request("GET", f"{P}/events", token=SANDBOX_TOKEN, params={"after": "yesterday"})
    assert bad.status == 400


def test_sort_pagination_and_invalid_filters(emu: Emulator) -> None:
    for number in range(25):
        emu.add_note("acme/okrs", 1, f"note {number}", author="bob")

    first = emu.request("GET", f"{P}/events", token=SANDBOX_TOKEN, params={"per_page": 10})
    ascending = get(emu, f"{P}/events", sort="asc", per_page=2)
    wrong = emu.request("GET", f"{P}/events", token=SANDBOX_TOKEN, params={"action": "edited"})

    assert first.headers["X-Total"] == "29" and first.headers["X-Next-Page"] == "2"
    ids = [e["id"] for e in first.json()]
    assert ids == sorted(ids, reverse=True)
    assert [e["action_name"] for e in ascending] == ["opened", "commented on"]
    assert wrong.status == 400 and "action" in wrong.json()["error"]


def test_retention_drops_old_events(emu: Emulator) -> None:
    assert len(get(emu, f"{P}/events")) == 4
    emu.events_retention = timedelta(hours=23)

    assert [e["created_at"][:10] for e in get(emu, f"{P}/events")] == ["2024-03-12"] * 2


def test_events_the_caller_cannot_see_are_left_out(emu: Emulator) -> None:
    emu.add_user("gwen")
    emu.add_member("acme/okrs", "gwen", "guest")
    emu.add_issue("acme/okrs", "Secret", author="okr-lead", confidential=True)
    emu.add_note("acme/okrs", 2, "hush", author="okr-lead")

    mine = get(emu, f"{P}/events", token=emu.token_for("gwen"))
    outsider = emu.request("GET", f"{P}/events", token=emu.token_for("outsider"))

    assert all(e["target_title"] != "Secret" for e in mine) and len(mine) == 4
    assert outsider.status == 404


def test_my_events_and_a_users_events(emu: Emulator) -> None:
    alice = emu.token_for("alice")

    own = get(emu, "/events", token=alice)
    everyone = get(emu, "/events", token=alice, scope="all")
    by_name = get(emu, "/users/alice/events")
    by_id = get(emu, f"/users/{emu.user('okr-lead').id}/events")

    assert [e["note"]["body"] for e in own] == ["Check-in: 4", "Check-in: 3"]
    assert len(everyone) == 4
    assert by_name == own
    assert [e["action_name"] for e in by_id] == ["closed", "opened"]


# label events ---------------------------------------------------------------------------
def label_events(emu: Emulator, iid: int, **params: Any) -> list[tuple[str, str | None, Any]]:
    found = get(emu, f"{ISSUES}/{iid}/resource_label_events", **params)
    return [
        (e["action"], e["label"]["name"] if e["label"] else None, (e["user"] or {}).get("username"))
        for e in found
    ]


def test_every_road_that_changes_labels_leaves_label_events(emu: Emulator) -> None:
    emu.add_label("acme/okrs", "draft")
    emu.add_label("acme/okrs", "active")
    emu.add_board("acme/okrs", lists=["draft", "active"])
    alice = emu.token_for("alice")
    created = emu.request(
        "POST", ISSUES, token=alice, json_body={"title": "KR", "labels": ["draft", "kr"]}
    ).json()
    iid = created["iid"]
    emu.request("PUT", f"{ISSUES}/{iid}", token=SANDBOX_TOKEN, json_body={"add_labels": "extra"})
    emu.request("PUT", f"{ISSUES}/{iid}", token=SANDBOX_TOKEN, json_body={"remove_labels": "kr"})
    emu.request(
        "POST", f"{ISSUES}/{iid}/notes", token=SANDBOX_TOKEN, json_body={"body": "/unlabel ~extra"}
    )
    emu.move_on_board("acme/okrs", iid, "active", user="bob")
    emu.request("PUT", f"{ISSUES}/{iid}", token=SANDBOX_TOKEN, json_body={"labels": "active"})

    assert label_events(emu, iid) == [
        ("add", "draft", "alice"),
        ("add", "kr", "alice"),
        ("add", "extra", "okr-lead"),
        ("remove", "kr", "okr-lead"),
        ("remove", "extra", "okr-lead"),
        ("add", "active", "bob"),
        ("remove", "draft", "bob"),
    ]


def test_label_event_shape_null_user_deleted_label_and_pagination(emu: Emulator) -> None:
    emu.add_issue("acme/okrs", "KR", labels=["a", "b"], author="bob")
    emu.add_label_event("acme/okrs", 2, "a", "remove", user=None)
    emu.request("DELETE", f"{P}/labels/b", token=SANDBOX_TOKEN)

    page = emu.request(
        "GET", f"{ISSUES}/2/resource_label_events", token=SANDBOX_TOKEN, params={"per_page": 2}
    )
    first = page.json()[0]
    one = get(emu, f"{ISSUES}/2/resource_label_events/{first['id']}")

    assert page.headers["X-Total"] == "3"
    assert set(first) == {
        "id",
        "user",
        "created_at",
        "resource_type",
        "resource_id",
        "label",
        "action",
    }
    assert (first["resource_type"], first["resource_id"]) == ("Issue", emu.issue("acme/okrs", 2).id)
    assert one == first
    assert label_events(emu, 2) == [
        ("add", "a", "bob"),
        ("add", None, "bob"),
        ("remove", "a", None),
    ]


def test_label_events_and_events_through_python_gitlab(served_emulator: ServedEmulator) -> None:
    emu = served_emulator.emu
    emu.add_issue("acme/okrs", "KR", labels=["okr"], author="alice")
    emu.add_note("acme/okrs", 1, "Check-in: 1", author="alice")
    with gitlab.Gitlab(served_emulator.url, private_token=served_emulator.token, timeout=10) as gl:
        project = gl.projects.get("acme/okrs", lazy=True)
        issue = project.issues.get(1)
        events = issue.resourcelabelevents.list(get_all=True)
        comments = project.events.list(action="commented", get_all=True)

    assert [(e.action, e.label["name"], e.user["username"]) for e in events] == [
        ("add", "okr", "alice")
    ]
    assert [c.note["body"] for c in comments] == ["Check-in: 1"]

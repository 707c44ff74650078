"""The emulator itself: clock, request log, save/load, thread safety, transports."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import gitlab
import pytest
import requests

from okrflow.sandbox import SANDBOX_TOKEN, Emulator, ServedEmulator

ISSUES = "/projects/acme%2Fokrs/issues"


def test_clock_defaults_to_real_utc_and_can_be_set_and_advanced() -> None:
    emu = Emulator.sandbox()
    before = datetime.now(timezone.utc)
    real = emu.request("POST", ISSUES, token=SANDBOX_TOKEN, json_body={"title": "now"}).json()

    emu.set_now(datetime(2024, 2, 1, 12, 30))  # naive means UTC
    frozen = emu.request("POST", ISSUES, token=SANDBOX_TOKEN, json_body={"title": "t"}).json()
    emu.advance(timedelta(weeks=2))
    later = emu.request("PUT", f"{ISSUES}/2", token=SANDBOX_TOKEN, json_body={"title": "u"}).json()
    emu.set_now(None)

    created = datetime.fromisoformat(real["created_at"].replace("Z", "+00:00"))
    assert before - timedelta(seconds=1) <= created <= datetime.now(timezone.utc)
    assert frozen["created_at"] == "2024-02-01T12:30:00.000Z"
    assert later["updated_at"] == "2024-02-15T12:30:00.000Z"
    assert later["created_at"] == "2024-02-01T12:30:00.000Z"
    assert not emu.clock.frozen


def test_request_log_counts_routes_and_masks_secrets() -> None:
    emu = Emulator.sandbox()
    emu.request("GET", ISSUES, params={"private_token": SANDBOX_TOKEN, "labels": "a"})
    emu.request("POST", ISSUES, token=SANDBOX_TOKEN, json_body={"title": "x"})
    emu.request("GET", f"{ISSUES}/1/notes", token=SANDBOX_TOKEN)
    emu.request("GET", "/nowhere", token=SANDBOX_TOKEN)

    log = emu.log

    assert [(r.method, r.route, r.status) for r in log] == [
        ("GET", "/projects/:id/issues", 200),
        ("POST", "/projects/:id/issues", 201),
        ("GET", "/projects/:id/issues/:issue_iid/notes", 200),
        ("GET", None, 404),
    ]
    assert log[0].path == "/api/v4/projects/acme%2Fokrs/issues"
    assert SANDBOX_TOKEN not in log[0].query and "private_token=%5BMASKED%5D" in log[0].query
    assert log[1].username == "okr-lead"
    assert emu.counts() == {"GET": 3, "POST": 1}
    assert emu.counts_by_route()["GET /projects/:id/issues"] == 1
    emu.request("PUT", f"{ISSUES}/1", token=SANDBOX_TOKEN, json_body={"title": "y"})
    emu.request("POST", ISSUES, token=SANDBOX_TOKEN, params={"okrflow": "lease"}, json_body={})
    assert emu.writes() == {"POST": 1, "PUT": 1}  # not the GETs, not the lease's request
    emu.reset_log()
    assert emu.log == [] and emu.counts() == {}


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    emu = Emulator.sandbox()
    emu.request("POST", ISSUES, token=SANDBOX_TOKEN, json_body={"title": "kept", "labels": ["okr"]})
    emu.add_file("acme/okrs", "a/b.md", "content")
    emu.add_note("acme/okrs", 1, "Check-in: 1")
    path = tmp_path / "state.json"

    emu.save(path)
    loaded = Emulator.load(path)
    second = loaded.request("POST", ISSUES, token=SANDBOX_TOKEN, json_body={"title": "new"})

    assert [i.title for i in loaded.issues("acme/okrs")] == ["kept", "new"]
    assert loaded.issue_labels("acme/okrs", 1) == ["okr"]
    assert loaded.file_text("acme/okrs", "a/b.md") == "content"
    assert [n.body for n in loaded.notes("acme/okrs", 1)] == ["Check-in: 1"]
    assert second.json()["iid"] == 2
    assert second.json()["id"] > loaded.issue("acme/okrs", 1).id
    assert loaded.default_token == SANDBOX_TOKEN


def test_concurrent_creates_over_http_get_unique_iids(served_emulator: ServedEmulator) -> None:
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            with gitlab.Gitlab(
                served_emulator.url, private_token=served_emulator.token, timeout=10
            ) as gl:
                project = gl.projects.get("acme/okrs", lazy=True)
                for index in range(10):
                    project.issues.create({"title": f"w{number}-{index}"})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    issues = served_emulator.emu.issues("acme/okrs")
    assert errors == []
    assert [i.iid for i in issues] == list(range(1, 81))
    assert len({i.id for i in issues}) == 80


def test_keep_alive_connections_stay_in_sync(served_emulator: ServedEmulator) -> None:
    headers = {"PRIVATE-TOKEN": served_emulator.token}
    base = f"{served_emulator.url}/api/v4"
    with requests.Session() as session:
        answers = [
            session.post(f"{base}{ISSUES}", json={"title": "a"}, headers=headers, timeout=5),
            session.delete(f"{base}{ISSUES}/1", headers=headers, timeout=5),
            session.head(f"{base}{ISSUES}", headers=headers, timeout=5),
            session.get(f"{base}/nowhere", headers=headers, timeout=5),
            session.get(f"{base}{ISSUES}", headers=headers, timeout=5),
        ]

    assert [a.status_code for a in answers] == [201, 204, 200, 404, 200]
    assert answers[-1].json() == []
    assert all(a.headers["Content-Type"] == "application/json" for a in answers)


def test_mock_passes_nothing_through(emulator: Emulator) -> None:
    answer = requests.get(
        f"{emulator.base_url}/api/v4/projects/acme%2Fokrs",
        headers={"PRIVATE-TOKEN": SANDBOX_TOKEN},
        timeout=5,
    )

    assert answer.json()["web_url"] == f"{emulator.base_url}/acme/okrs"
    with pytest.raises(requests.ConnectionError):
        requests.get("http://elsewhere.example/api/v4/version", timeout=5)


def test_save_and_load_keep_events_label_events_mentions_commits_and_boards(
    tmp_path: Path,
) -> None:
    emu = Emulator.sandbox()
    emu.add_label("acme", "FY24-Q1")
    emu.add_board("acme", lists=["FY24-Q1"])
    emu.request("POST", ISSUES, token=SANDBOX_TOKEN, json_body={"title": "t", "labels": ["a"]})
    emu.request("POST", f"{ISSUES}/1/notes", token=SANDBOX_TOKEN, json_body={"body": "hi @bob"})
    emu.add_file("acme/okrs", "a.md", "x", author="alice")
    path = tmp_path / "state.json"

    emu.save(path)
    loaded = Emulator.load(path)
    loaded.request("POST", f"{ISSUES}/1/notes", token=SANDBOX_TOKEN, json_body={"body": "more"})

    assert [(e.action, e.label_id) for e in loaded.label_events("acme/okrs", 1)] == [
        ("add", emu.label_events("acme/okrs", 1)[0].label_id)
    ]
    assert [e.action for e in loaded.events("acme/okrs")] == ["created", "commented", "commented"]
    assert [(m.kind, m.name) for m in loaded.mentions] == [("user", "bob")]
    assert [c.author_name for c in loaded.commits("acme/okrs")] == ["Alice Archer", "Administrator"]
    assert [b.group_id for b in loaded.state.boards.values()] == [loaded.group("acme").id]
    assert len(loaded.notes("acme/okrs", 1)) == 2

"""Pausing a request to force an interleaving against a served emulator."""

from __future__ import annotations

import threading

import requests

from okrflow.sandbox import Emulator, ServedEmulator

ISSUE = "/projects/acme%2Fokrs/issues/1"


def _put(url: str, token: str, body: dict[str, str], out: list[requests.Response]) -> None:
    out.append(requests.put(url, json=body, headers={"PRIVATE-TOKEN": token}, timeout=10))


def test_a_write_paused_before_it_is_handled_lets_another_edit_go_first(
    served_emulator: ServedEmulator,
) -> None:
    emu = served_emulator.emu
    emu.add_issue("acme/okrs", "Objective", description="v0")
    url = f"{served_emulator.url}/api/v4{ISSUE}"
    answers: list[requests.Response] = []

    with emu.pause("PUT", "/projects/:id/issues/:issue_iid", when="before") as pause:
        writer = threading.Thread(
            target=_put, args=(url, served_emulator.token, {"description": "okrflow"}, answers)
        )
        writer.start()
        assert pause.wait(timeout=10)
        assert emu.issue("acme/okrs", 1).description == "v0"  # held before handling
        person = requests.put(
            url,
            json={"description": "person"},
            headers={"PRIVATE-TOKEN": emu.token_for("alice")},
            timeout=10,
        )
        assert person.status_code == 200  # served while the other is held
    writer.join(timeout=10)

    assert [a.status_code for a in answers] == [200]
    assert emu.issue("acme/okrs", 1).description == "okrflow"  # the held write landed last
    assert (pause.matched, pause.reached) == (2, 1)  # the person's write matched, went on


def test_a_pause_after_handling_holds_the_answer_not_the_change(
    served_emulator: ServedEmulator,
) -> None:
    emu = served_emulator.emu
    emu.add_issue("acme/okrs", "Objective", description="v0")
    url = f"{served_emulator.url}/api/v4{ISSUE}"
    answers: list[requests.Response] = []

    pause = emu.pause("PUT", "/projects/:id/issues/:issue_iid", when="after", nth=1)
    writer = threading.Thread(
        target=_put, args=(url, served_emulator.token, {"description": "done"}, answers)
    )
    writer.start()
    assert pause.wait(timeout=10)
    changed_before_answer = emu.issue("acme/okrs", 1).description
    answered_before_release = list(answers)
    pause.release()
    writer.join(timeout=10)

    assert changed_before_answer == "done"
    assert answered_before_release == []
    assert [a.status_code for a in answers] == [200]


def test_two_clients_both_reach_the_point_before_either_goes_on(
    served_emulator: ServedEmulator,
) -> None:
    emu = served_emulator.emu
    url = f"{served_emulator.url}/api/v4/projects/acme%2Fokrs/issues"
    results: list[int] = []

    def create(title: str) -> None:
        answer = requests.post(
            url, json={"title": title}, headers={"PRIVATE-TOKEN": served_emulator.token}, timeout=10
        )
        results.append(answer.status_code)

    pause = emu.pause("POST", path=r"/issues$", count=2)
    threads = [threading.Thread(target=create, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    both_held = pause.wait(timeout=10)
    issues_meanwhile = len(emu.issues("acme/okrs"))
    pause.release()
    for thread in threads:
        thread.join(timeout=10)

    assert both_held and pause.reached == 2
    assert issues_meanwhile == 0
    assert sorted(results) == [201, 201]
    assert pause.wait_done(timeout=5)


def test_a_forgotten_pause_lets_go_by_itself() -> None:
    emu = Emulator.sandbox()
    pause = emu.pause("GET", "/version", timeout=0.2)
    answer = emu.request("GET", "/version", token=emu.default_token)

    assert answer.status == 200
    assert pause.reached == 1 and pause.held == 0

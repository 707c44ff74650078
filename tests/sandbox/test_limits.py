"""Rate limits like GitLab.com's (windows on the emulator clock) and an outage window."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import gitlab
import requests

from okrflow.sandbox import SANDBOX_TOKEN, Emulator, ServedEmulator

ISSUES = "/projects/acme%2Fokrs/issues"
T0 = datetime(2024, 5, 1, 10, 0, 15, tzinfo=timezone.utc)  # 15 s into a minute


def test_every_answer_carries_ratelimit_headers_counted_per_user() -> None:
    emu = Emulator.sandbox(now=T0)

    first = emu.request("GET", ISSUES, token=SANDBOX_TOKEN)
    second = emu.request("GET", ISSUES, token=SANDBOX_TOKEN)
    other = emu.request("GET", ISSUES, token=emu.token_for("alice"))
    anonymous = emu.request("GET", "/version")

    reset = int(T0.timestamp()) + 45
    assert first.headers["RateLimit-Name"] == "throttle_authenticated_api"
    assert (first.headers["RateLimit-Limit"], first.headers["RateLimit-Observed"]) == ("2000", "1")
    assert (second.headers["RateLimit-Observed"], second.headers["RateLimit-Remaining"]) == (
        "2",
        "1998",
    )
    assert second.headers["RateLimit-Reset"] == str(reset)
    assert parsedate_to_datetime(second.headers["RateLimit-ResetTime"]).timestamp() == reset
    assert "Retry-After" not in second.headers
    assert other.headers["RateLimit-Observed"] == "1"
    assert anonymous.headers["RateLimit-Name"] == "throttle_unauthenticated_api"


def test_the_api_throttle_answers_429_in_plain_text_until_the_window_rolls() -> None:
    emu = Emulator.sandbox(now=T0)
    emu.limits.api, emu.limits.enforce = 3, True

    answers = [emu.request("GET", ISSUES, token=SANDBOX_TOKEN) for _ in range(4)]
    emu.advance(timedelta(seconds=44))
    still = emu.request("GET", ISSUES, token=SANDBOX_TOKEN)
    emu.advance(timedelta(seconds=1))
    next_minute = emu.request("GET", ISSUES, token=SANDBOX_TOKEN)

    throttled = answers[3]
    assert [a.status for a in answers] == [200, 200, 200, 429]
    assert (throttled.body, throttled.headers["Content-Type"]) == (b"Retry later\n", "text/plain")
    assert throttled.headers["Retry-After"] == "45"
    assert (throttled.headers["RateLimit-Observed"], throttled.headers["RateLimit-Remaining"]) == (
        "4",
        "0",
    )
    assert (still.status, still.headers["Retry-After"]) == (429, "1")
    assert (next_minute.status, next_minute.headers["RateLimit-Observed"]) == (200, "1")


def test_note_and_issue_creation_limits_answer_gitlabs_json_429() -> None:
    emu = Emulator.sandbox(now=T0)
    emu.add_issue("acme/okrs", "x")
    emu.limits.gitlab_com()
    emu.limits.notes_create = 2

    notes = [
        emu.request("POST", f"{ISSUES}/1/notes", token=SANDBOX_TOKEN, json_body={"body": "n"})
        for _ in range(3)
    ]
    other_user = emu.request(
        "POST", f"{ISSUES}/1/notes", token=emu.token_for("alice"), json_body={"body": "n"}
    )
    reading = emu.request("GET", f"{ISSUES}/1/notes", token=SANDBOX_TOKEN)

    assert [n.status for n in notes] == [201, 201, 429]
    assert notes[2].json() == {
        "message": {"error": "This endpoint has been requested too many times. Try again later."}
    }
    assert notes[2].headers["Retry-After"] == "60"
    assert other_user.status == 201 and reading.status == 200
    assert len(emu.notes("acme/okrs", 1)) == 3
    assert (emu.limits.api, emu.limits.issues_create, emu.limits.enforce) == (2000, 200, True)


def test_issue_creation_limit_and_the_old_names() -> None:
    emu = Emulator.sandbox(now=T0)
    emu.limits.issues_create = 1

    first = emu.request("POST", ISSUES, token=SANDBOX_TOKEN, json_body={"title": "a"})
    second = emu.request("POST", ISSUES, token=SANDBOX_TOKEN, json_body={"title": "b"})
    emu.rate_limit = 7

    assert (first.status, second.status) == (201, 429)
    assert emu.limits.api == 7 and emu.enforce_rate_limit is False


def test_python_gitlab_gets_the_429_after_its_retries(served_emulator: ServedEmulator) -> None:
    emu = served_emulator.emu
    emu.set_now(T0)  # a frozen clock: the window never rolls by itself
    emu.limits.api, emu.limits.enforce = 1, True

    with gitlab.Gitlab(served_emulator.url, private_token=served_emulator.token, timeout=10) as gl:
        project = gl.projects.get("acme/okrs", lazy=True)
        project.issues.list(get_all=False)
        try:
            project.issues.list(get_all=False, max_retries=0)
        except gitlab.GitlabListError as exc:
            code = exc.response_code
        else:
            code = 200

    assert code == 429
    assert [r.status for r in emu.log] == [200, 429]


def test_an_outage_answers_503_for_a_while_then_recovers(served_emulator: ServedEmulator) -> None:
    emu = served_emulator.emu
    url = f"{served_emulator.url}/api/v4{ISSUES}"
    headers = {"PRIVATE-TOKEN": served_emulator.token}

    emu.outage(0.3)
    during = requests.get(url, headers=headers, timeout=5)
    time.sleep(0.4)
    after = requests.get(url, headers=headers, timeout=5)

    assert (during.status_code, during.json()) == (503, {"message": "503 Service Unavailable"})
    assert after.status_code == 200

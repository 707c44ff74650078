"""Programmable faults: Nth request, seeded probability, dropped connections, latency, 5xx."""

from __future__ import annotations

import time

import gitlab
import pytest
import requests

from okrflow.sandbox import SANDBOX_TOKEN, ConnectionDropped, Emulator, ServedEmulator

ISSUES = "/projects/acme%2Fokrs/issues"


def statuses(emu: Emulator, count: int, path: str = ISSUES) -> list[int]:
    return [emu.request("GET", path, token=SANDBOX_TOKEN).status for _ in range(count)]


def test_nth_rule_fires_on_the_nth_matching_request_only() -> None:
    emu = Emulator.sandbox()
    emu.faults.error(503, method="GET", path=r"/issues$", nth=3)

    other = emu.request("GET", "/projects/acme%2Fokrs", token=SANDBOX_TOKEN).status
    seen = statuses(emu, 5)

    assert other == 200
    assert seen == [200, 200, 503, 200, 200]
    assert [r.fault for r in emu.log][3] == "status"


def test_seeded_probability_gives_the_same_sequence_for_the_same_seed() -> None:
    def run(seed: int) -> list[int]:
        emu = Emulator.sandbox(seed=seed)
        emu.faults.error(500, probability=0.5)
        return statuses(emu, 40)

    first, again, other = run(7), run(7), run(8)

    assert first == again
    assert first != other
    assert 5 < first.count(500) < 35


def test_times_limits_firing_and_rules_are_removable() -> None:
    emu = Emulator.sandbox()
    limited = emu.faults.error(502, times=2)

    assert statuses(emu, 3) == [502, 502, 200]

    emu.faults.remove(limited)
    always = emu.faults.error(500)
    assert statuses(emu, 1) == [500]
    emu.faults.remove(always)
    assert statuses(emu, 1) == [200]
    assert emu.faults.rules == []


def test_rate_limit_answer_carries_integer_retry_after_and_ratelimit_headers() -> None:
    emu = Emulator.sandbox()
    emu.faults.rate_limit(retry_after=3, nth=1)
    emu.faults.rate_limit(retry_after=2, nth=2, plain_text=True)

    throttled = emu.request("GET", ISSUES, token=SANDBOX_TOKEN)
    plain = emu.request("GET", ISSUES, token=SANDBOX_TOKEN)
    normal = emu.request("GET", ISSUES, token=SANDBOX_TOKEN)

    assert throttled.status == 429 and throttled.headers["Retry-After"] == "3"
    assert int(throttled.headers["RateLimit-Reset"]) > time.time()
    assert throttled.headers["RateLimit-Remaining"] == "0"
    assert throttled.json()["message"]["error"].startswith("This endpoint has been requested")
    assert (plain.status, plain.body, plain.headers["Content-Type"]) == (
        429,
        b"Retry later\n",
        "text/plain",
    )
    assert normal.status == 200
    assert {"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= set(normal.headers)


def test_enforced_rate_limit_throttles_after_the_quota() -> None:
    emu = Emulator.sandbox()
    emu.rate_limit, emu.enforce_rate_limit = 3, True

    seen = statuses(emu, 4)

    assert seen == [200, 200, 200, 429]
    assert int(emu.log[-1].status) == 429


def test_dropped_connection_in_handle_and_through_responses(emulator: Emulator) -> None:
    emulator.faults.drop(method="POST", nth=1)

    with pytest.raises(ConnectionDropped):
        emulator.handle("POST", f"{emulator.base_url}/api/v4{ISSUES}?title=x", {}, b"")
    emulator.faults.drop(method="GET")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{emulator.base_url}/api/v4{ISSUES}", timeout=5)

    assert [r.status for r in emulator.log] == [0, 0]
    assert emulator.issues("acme/okrs") == []


def test_dropped_connection_over_http_raises_connection_error(
    served_emulator: ServedEmulator,
) -> None:
    emu = served_emulator.emu
    emu.faults.drop(path=r"/issues$", nth=1)
    headers = {"PRIVATE-TOKEN": served_emulator.token}
    url = f"{served_emulator.url}/api/v4{ISSUES}"

    with requests.Session() as session:
        assert session.get(f"{served_emulator.url}/api/v4/user", headers=headers, timeout=5).ok
        with pytest.raises(requests.ConnectionError):
            session.get(url, headers=headers, timeout=5)
        after = session.get(url, headers=headers, timeout=5)

    assert after.status_code == 200


def test_python_gitlab_retries_transient_errors_when_asked(
    served_emulator: ServedEmulator,
) -> None:
    emu = served_emulator.emu
    emu.faults.error(502, method="POST", nth=1)
    emu.faults.drop(method="POST", nth=2)

    with gitlab.Gitlab(
        served_emulator.url,
        private_token=served_emulator.token,
        timeout=5,
        retry_transient_errors=True,
    ) as gl:
        issue = gl.projects.get("acme/okrs", lazy=True).issues.create({"title": "once"})

    assert issue.iid == 1
    assert [r.status for r in emu.log if r.method == "POST"] == [502, 0, 201]


def test_latency_delays_the_answer() -> None:
    emu = Emulator.sandbox()
    emu.faults.latency(0.2, path=r"/issues$")

    started = time.monotonic()
    status = emu.request("GET", ISSUES, token=SANDBOX_TOKEN).status
    elapsed = time.monotonic() - started

    assert status == 200
    assert elapsed >= 0.2

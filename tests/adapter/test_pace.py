"""The pacer: GitLab's RateLimit-* headers and okrflow's budgets, on a fake clock."""

from __future__ import annotations

import io

import pytest

from okrflow.adapter import ConnectionSettings, Pacer
from okrflow.adapter.http import Http
from okrflow.adapter.pace import PRESETS, Budget, budget_of, creation_kind, retries_within
from okrflow.cli.output import Terminal
from okrflow.commands.reporter import Recorder
from okrflow.sandbox import Emulator


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _pacer(budget: Budget, time: FakeTime) -> Pacer:
    return Pacer(budget, clock=time.clock, sleep=time.sleep)


def test_a_budget_of_3_a_minute_holds_the_fourth_request_until_the_first_is_a_minute_old():
    time = FakeTime()
    pacer = _pacer(Budget(3, None, None), time)
    for _ in range(3):
        pacer.before("get", "/projects/1/issues")
        time.now += 1
    assert time.slept == []
    pacer.before("get", "/projects/1/issues")
    assert time.slept == [57.0]  # the first went at +0, now is +3


def test_the_note_budget_counts_only_note_creation():
    time = FakeTime()
    pacer = _pacer(Budget(None, 2, None), time)
    for _ in range(5):
        pacer.before("get", "/projects/1/issues/1/notes")
    pacer.before("post", "/projects/1/issues/1/notes")
    pacer.before("post", "/projects/1/issues/2/notes")
    assert time.slept == []
    pacer.before("post", "/projects/1/issues/3/notes")
    assert time.slept == [60.0]


def test_gitlabs_count_pauses_until_its_reset_once_none_is_left():
    time = FakeTime()
    pacer = _pacer(PRESETS["none"], time)
    reset = int(time.now) + 30
    pacer.observe(200, {"RateLimit-Remaining": "2", "RateLimit-Reset": str(reset)})
    pacer.before("get", "/x")
    pacer.before("get", "/x")  # counted down without waiting for the answers
    assert time.slept == []
    pacer.before("get", "/x")
    assert time.slept == [30.5]
    pacer.before("get", "/x")  # a new window: GitLab tells its count with the next answer
    assert time.slept == [30.5]


def test_requests_still_on_their_way_come_off_gitlabs_count():
    """Four threads' requests are on their way when the first one's answer tells GitLab's
    count: the three sent after it come off, so the pacer does not go over the limit."""
    time = FakeTime()
    pacer = _pacer(PRESETS["none"], time)
    reset = int(time.now) + 30
    first = pacer.before("get", "/x")
    for _ in range(3):
        pacer.before("get", "/x")  # on other threads, not answered yet
    pacer.observe(200, {"RateLimit-Remaining": "5", "RateLimit-Reset": str(reset)}, sent=first)
    pacer.before("get", "/x")
    pacer.before("get", "/x")  # 5 - 3 = 2 were left
    assert time.slept == []
    pacer.before("get", "/x")
    assert time.slept == [30.5]


def test_creation_kinds_are_the_application_limits():
    assert creation_kind("POST", "/projects/a%2Fb/issues/3/notes") == "notes"
    assert creation_kind("POST", "/projects/a%2Fb/issues") == "issues"
    assert creation_kind("PUT", "/projects/a%2Fb/issues/3") is None
    assert creation_kind("POST", "/projects/a%2Fb/issues/3/links") is None


def test_presets_and_overrides():
    assert budget_of("gitlab-com") == Budget(2000, 60, 200)
    assert budget_of("gitlab-com-free-proposed", notes=10) == Budget(83, 10, 200)
    assert budget_of("none", requests=5) == Budget(5, None, None)


def test_an_unreachable_gitlab_is_retried_within_6_seconds_by_default():
    assert Pacer().network_retries() == retries_within(6) == 5  # 0.25 + 0.5 + 1 + 2 + 2


@pytest.mark.parametrize("retry_after", [7, 31])
def test_a_429_is_waited_out_by_its_retry_after_and_told(
    emulator: Emulator, retry_after: int
) -> None:
    time = FakeTime()
    pacer = _pacer(PRESETS["gitlab-com"], time)
    recorder = Recorder()
    pacer.listener = recorder
    emulator.faults.rate_limit(retry_after, times=1)
    settings = ConnectionSettings(
        url=emulator.base_url, token=emulator.default_token, project="acme/okrs", pacer=pacer
    )
    Http(settings).get("/user", "read the current user")
    assert time.slept == [float(retry_after)]
    assert pacer.throttled == 1 and pacer.retries == 1
    assert recorder.lines == [
        f"warning: GitLab answered 429 to GET /user; retrying in {retry_after} s, 1 of 8"
    ]
    assert pacer.summary() == f"waited {retry_after} s for GitLab: {retry_after} s for 1 retry"


def test_progress_in_ci_says_once_a_minute_what_is_done_and_the_time_left():
    err = io.StringIO()
    ticks = iter(float(30 * n) for n in range(100))
    terminal = Terminal(stream=io.StringIO(), err=err, clock=lambda: next(ticks))
    assert list(terminal.progress(range(6), label="rollup", total=6)) == list(range(6))
    lines = err.getvalue().splitlines()
    assert lines[0] == "rollup ..."
    assert lines[1:-1] == [
        "rollup: 2 of 6 done, about 2 min left",
        "rollup: 4 of 6 done, about 60 s left",
    ]
    assert lines[-1].startswith("rollup: 6 done in ")

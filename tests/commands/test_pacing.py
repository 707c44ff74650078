"""A cold rollup under an emulated limit of 10 requests a minute meets no 429.

The emulator enforces GitLab.com's request throttle at 10 a minute, timed by its own
clock; okrflow's pacer reads that clock and "sleeps" by advancing it, so the many
emulated minutes of the run take no real time.
"""

from __future__ import annotations

import datetime as dt
import math

from rollup_world import NOW, PROJECT, QUARTER, add_kr, add_objective, comment, workspace

from okrflow.adapter import ConnectionSettings, Pacer
from okrflow.commands.reporter import Recorder
from okrflow.commands.rollup import rollup
from okrflow.sandbox import Emulator

OBJECTIVES = 25  # 125 issues, a check-in on every key result


def test_a_cold_rollup_under_10_requests_a_minute_meets_no_429(emulator: Emulator) -> None:
    emu = emulator
    emu.set_now(NOW - dt.timedelta(days=3))
    krs = []
    for n in range(OBJECTIVES):
        objective = add_objective(emu, f"Objective {n}", key=f"obj-{n}")
        for k in range(4):
            krs.append(add_kr(emu, f"Grow area {n}.{k} from 10 to 20", (f"obj-{n}", objective)))
    for iid in krs:
        comment(emu, iid, "Check-in: 15", at=NOW - dt.timedelta(days=1))
    emu.set_now(NOW)
    emu.limits.gitlab_com()
    # a cold rollup of 125 issues now makes about 32 requests (its comments in one batch,
    # one write per objective): a limit of 10 a minute makes it wait for GitLab's window
    emu.limits.api = 10
    emu.reset_log()

    pacer = Pacer(
        clock=lambda: emu.clock.now().timestamp(),
        sleep=lambda seconds: emu.clock.advance(dt.timedelta(seconds=seconds)) and None,
    )
    ws = workspace(emu)
    assert ws.connection is not None
    ws.connection = ConnectionSettings(
        url=emu.base_url, token=emu.default_token, project=PROJECT, retries=1, pacer=pacer
    )
    result = rollup(ws, quarter=QUARTER)

    statuses = [record.status for record in emu.log]
    assert 429 not in statuses and result.problems == []
    assert sorted(result.changed) == list(range(1, 5 * OBJECTIVES + 1, 5)), "every objective"
    # more than a minute's worth of requests: the pacer waited for GitLab's window
    assert len(statuses) > 20
    minutes = (emu.clock.now() - NOW).total_seconds() / 60
    assert minutes >= math.floor(len(statuses) / 10)
    assert pacer.paused >= 60 and pacer.throttled == 0
    assert isinstance(ws.out, Recorder)
    assert any(line.startswith("warning: pausing ") for line in ws.out.lines)

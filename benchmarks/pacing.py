"""Benchmark: a cold ``okrflow rollup`` under an emulated GitLab rate limit.

Usage::

    .venv/bin/python benchmarks/pacing.py --size 1250 --limit 100

The emulator is seeded as in ``benchmarks/rollup.py`` (size/5 objectives of 4 key
results, a new check-in on every key result), enforces GitLab.com's request throttle
at ``--limit`` requests a minute on its own clock, and answers through ``responses``
in this process. okrflow's pacer reads that clock and sleeps by advancing it, so the
emulated minutes take no real time. Printed: requests, 429 answers, emulated minutes
(and the floor requests/limit), seconds okrflow paused, real seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence

from rollup import NOW, PROJECT, QUARTER, seed

from okrflow.adapter import ConnectionSettings, Pacer
from okrflow.commands.rollup import rollup
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.sandbox import SANDBOX_URL, Emulator


def measure(size: int, limit: int) -> dict[str, float]:
    emu = Emulator.sandbox(base_url=SANDBOX_URL)
    krs = seed(emu, size)
    emu.set_now(NOW - dt.timedelta(days=1))
    for number, (path, iid) in enumerate(krs):
        emu.add_note(path, iid, f"Check-in: {10_000 + number % 5_000:,}", author="alice")
    emu.set_now(NOW)
    emu.limits.gitlab_com()
    emu.limits.api = limit
    emu.reset_log()
    pacer = Pacer(
        clock=lambda: emu.clock.now().timestamp(),
        sleep=lambda seconds: emu.clock.advance(dt.timedelta(seconds=seconds)) and None,
    )
    settings = ConnectionSettings(
        url=SANDBOX_URL, token=emu.default_token, project=PROJECT, pacer=pacer
    )
    ws = Workspace(config=Config.default(), connection=settings, now=lambda: NOW)
    started = time.perf_counter()
    with emu.mock(SANDBOX_URL):
        result = rollup(ws, quarter=QUARTER)
    real = time.perf_counter() - started
    statuses = [record.status for record in emu.log]
    return {
        "requests": len(statuses),
        "429": statuses.count(429),
        "problems": len(result.problems),
        "changed": len(result.changed),
        "minutes": (emu.clock.now() - NOW).total_seconds() / 60,
        "paused": pacer.paused,
        "real": real,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1250)
    parser.add_argument("--limit", type=int, default=100, help="requests a minute")
    args = parser.parse_args(argv)
    row = measure(args.size, args.limit)
    print(
        f"| issues | limit/min | requests | 429 | problems | changed | emulated min "
        f"| paused s | real s |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        f"| {args.size:,} | {args.limit} | {row['requests']:.0f} | {row['429']:.0f} "
        f"| {row['problems']:.0f} | {row['changed']:.0f} | {row['minutes']:.1f} "
        f"| {row['paused']:.0f} | {row['real']:.1f} |"
    )
    return 0 if row["429"] == 0 and row["problems"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

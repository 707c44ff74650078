"""How long one hostile issue makes a run take: the installed okrflow against the
emulator on 127.0.0.1, a quarter of two objectives with three key results each, one
issue holding what issue 11 found (its rollup took minutes or crashed before).

    python benchmarks/hostile_input.py [--refs 100000]

Prints one row per case and command: the exit code and the wall time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from okrflow.core.description import META_OPEN, split, with_meta
from okrflow.sandbox import Emulator

PROJECT = "acme/okrs"
NOW = dt.datetime(2024, 2, 15, 12, tzinfo=dt.timezone.utc)
OKRFLOW = Path(sys.executable).with_name("okrflow")
LABELS = ["okr-status::active", "FY24-Q1"]


def quarter(emu: Emulator) -> int:
    """Two objectives of FY24-Q1, three key results each; the first objective's iid."""
    emu.set_now(NOW - dt.timedelta(days=14))
    for n in (1, 2):
        objective = emu.add_issue(
            PROJECT,
            f"Objective {n}",
            description=with_meta("## Purpose\n\nWhy.\n", {"type": "objective", "key": f"o{n}"}),
            labels=["okr::objective", *LABELS],
        )
        for k in range(3):
            meta = {"type": "kr", "key": f"o{n}/k{k}", "objective": f"o{n}"}
            emu.add_issue(
                PROJECT,
                f"Grow users from {k} to {k + 10}",
                description=with_meta(f"## Objective\n\n#{objective.iid}\n", meta),
                labels=["okr::key result", *LABELS],
            )
    emu.set_now(NOW)
    return 1


def edit(emu: Emulator, iid: int, change: Callable[[str], str]) -> None:
    issue = emu.issue(PROJECT, iid)
    issue.description = change(issue.description or "")


def meta(text: str, **keys: object) -> str:
    return with_meta(text, {**(split(text).meta or {}), **keys})


def cases(refs: int) -> dict[str, Callable[[Emulator, int], None]]:
    def deep(emu: Emulator, iid: int) -> None:
        body = '{"type": "objective", "key": "o1", "x": ' + "[" * 1000 + "]" * 1000 + "}"
        edit(emu, iid, lambda t: t[: t.index(META_OPEN)] + f"{META_OPEN}\n{body}\n-->")

    return {
        "none": lambda emu, iid: None,
        "JSON 1,000 levels deep": deep,
        f"{refs:,} unknown parents in the block": lambda emu, iid: edit(
            emu, iid, lambda t: meta(t, parents=[f"p{n}" for n in range(refs)])
        ),
        f"{refs:,} parents in the Parent section": lambda emu, iid: edit(
            emu,
            iid,
            lambda t: (
                "## Parent objective\n\n"
                + " ".join(f"#{n}" for n in range(1000, 1000 + refs))
                + "\n\n"
                + t
            ),
        ),
        "window_days 1e12": lambda emu, iid: edit(
            emu,
            iid + 1,
            lambda t: meta(t, source={"kind": "query", "options": {"window_days": 1e12}}),
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--refs", type=int, default=100_000)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print("| case | command | exit | wall s |")
    print("| --- | --- | ---: | ---: |")
    for name, attack in cases(args.refs).items():
        emu = Emulator.sandbox()
        attack(emu, quarter(emu))
        with emu.serve() as url:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("GITLAB_", "CI_"))}
            env.update(
                GITLAB_URL=url,
                GITLAB_TOKEN=emu.default_token or "",
                OKRFLOW_PROJECT=PROJECT,
                OKRFLOW_NOW=NOW.isoformat(),
                NO_COLOR="1",
            )
            for command in (["rollup"], ["status", "--json"], ["lint"], ["schedule", "--dry-run"]):
                start = time.perf_counter()
                done = subprocess.run(
                    [str(OKRFLOW), *command], env=env, capture_output=True, text=True, timeout=600
                )
                wall = time.perf_counter() - start
                if command[0] == "status" and done.returncode == 0:
                    json.loads(done.stdout)  # a whole document, not a crash
                print(f"| {name} | {' '.join(command)} | {done.returncode} | {wall:.2f} |")


if __name__ == "__main__":
    main()

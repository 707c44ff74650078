"""One hostile issue never stops a run, nor changes another OKR's numbers: metadata nested
1,000 levels deep, a block over the size okrflow reads, a query window of 1e12 days,
100,000 unknown parents, a check-in history of thousands, times outside the calendar.

Each case is written as a member (alice) edits a description, then rollup, status,
lint, report and schedule run through the installed okrflow against the served
emulator: none crashes, the problem names the issue, a broken block is rebuilt on the
next write, and every other OKR's progress and health equal a run without the attack.
The subprocess timeout bounds each run (the quadratic problem list of old took minutes).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from badinput.world import ENV, PROJECT, World, as_alice, okrs
from okrflow.core.description import META_OPEN, split, with_meta
from okrflow.sandbox import Emulator

pytestmark = pytest.mark.e2e

CRASH = ("Traceback", "unexpected error", "Please report it")


def meta_of(emu: Emulator, iid: int) -> dict[str, Any]:
    meta = split(emu.issue(PROJECT, iid).description).meta
    assert meta is not None
    return meta


def with_raw_meta(emu: Emulator, iid: int, body: str) -> None:
    """The issue's metadata block replaced by ``body``, as typed in the editor."""
    text = emu.issue(PROJECT, iid).description or ""
    as_alice(emu, iid, description=text[: text.index(META_OPEN)] + f"{META_OPEN}\n{body}\n-->")


def set_meta(emu: Emulator, iid: int, **keys: Any) -> None:
    """alice sets ``keys`` in the issue's metadata block."""
    text = emu.issue(PROJECT, iid).description
    as_alice(emu, iid, description=with_meta(text, {**meta_of(emu, iid), **keys}))


def deep_json(emu: Emulator, world: World) -> int:
    iid = world.krs[0]
    body = json.dumps(meta_of(emu, iid))[:-1] + ', "x": ' + "[" * 1000 + "]" * 1000 + "}"
    with_raw_meta(emu, iid, body)
    return iid


def oversized_block(emu: Emulator, world: World) -> int:
    iid = world.krs[0]
    with_raw_meta(emu, iid, json.dumps({**meta_of(emu, iid), "x": "y" * 70_000}))
    return iid


def endless_window(emu: Emulator, world: World) -> int:
    iid = world.krs[0]
    source = {"kind": "query", "options": {"labels": ["support"], "window_days": 1e12}}
    set_meta(emu, iid, source=source)
    return iid


def many_parents_in_the_block(emu: Emulator, world: World) -> int:
    iid = world.objective
    parents = [f"p{n}" for n in range(100_000)]
    text = with_meta(emu.issue(PROJECT, iid).description, {**meta_of(emu, iid), "parents": parents})
    emu.issue(PROJECT, iid).description = text  # 700 KB: seeded, GitLab would take it too
    return iid


def many_parents_in_the_text(emu: Emulator, world: World) -> int:
    iid = world.objective
    refs = " ".join(f"#{n}" for n in range(1000, 101_000))
    text = emu.issue(PROJECT, iid).description or ""
    as_alice(emu, iid, description=f"## Parent objective\n\n{refs}\n\n{text}")
    return iid


def long_history(emu: Emulator, world: World) -> int:
    iid = world.krs[0]
    entry = {"at": "2024-02-01T00:00:00+00:00", "value": 81}
    set_meta(emu, iid, checkins=[entry] * 1_200)
    return iid


def time_outside_the_calendar(emu: Emulator, world: World) -> int:
    iid = world.krs[0]
    late = {"at": "9999-12-31T23:59:59+00:00", "value": 85, "confidence": 0.8}
    set_meta(emu, iid, checkin=late)
    return iid


@dataclasses.dataclass(frozen=True)
class Attack:
    make: Callable[[Emulator, World], int]  # arranges it, returns the issue attacked
    says: str  # what the problem on that issue says
    read: bool = True  # found by reading (lint, status); else when measured (rollup)
    persists: bool = False  # still a problem after rollup's write (else rebuilt away)


ATTACKS = {
    "deep-json": Attack(deep_json, "nests deeper than 10 levels"),
    "oversized-block": Attack(oversized_block, "larger than 65,536 characters"),
    "endless-window": Attack(endless_window, "at most 3,660 days", read=False, persists=True),
    "parents-in-block": Attack(many_parents_in_the_block, "larger than 65,536 characters"),
    "parents-in-text": Attack(many_parents_in_the_text, "first 20 are read", persists=True),
    "long-history": Attack(long_history, "holds 1,200 entries, more than the 16", persists=True),
    "time-out-of-range": Attack(
        time_outside_the_calendar, "should be a time from 1900-01-01", persists=True
    ),
}


def world(emu: Emulator) -> tuple[World, World]:
    """Two objectives of FY24-Q1 with three key results each, some checked in by bob."""
    first, second = okrs(emu), okrs(emu, title="Grow the community")
    for iid, value in ((first.krs[1], "6h"), (second.krs[0], "85%"), (second.krs[2], "12,000")):
        emu.add_note(PROJECT, iid, f"Check-in: {value} confidence 80%", author="bob")
    return first, second


def numbers(doc: Any, skip: set[int]) -> dict[int, tuple[Any, ...]]:
    """Every OKR's progress, health and current value, but those of ``skip``."""
    found: dict[int, tuple[Any, ...]] = {}
    for objective in doc["objectives"]:
        if objective["iid"] not in skip:
            found[objective["iid"]] = (objective["progress"], objective["health"])
        for kr in objective["key_results"]:
            if kr["iid"] not in skip:
                found[kr["iid"]] = (kr["progress"], kr["health"], kr["current"])
    return found


def problems_of(doc: Any, iid: int) -> str:
    return " ".join(p["message"] for p in doc["problems"] if p["where"].startswith(f"#{iid}"))


def run(cli: Any, *args: str) -> Any:
    done = cli(*args, extra_env=ENV)
    for bad in CRASH:
        assert bad not in done.stdout + done.stderr, done.stderr
    return done


def status(cli: Any) -> Any:
    done = run(cli, "status", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", list(ATTACKS))
def test_one_hostile_issue_stops_no_run_and_changes_no_other_number(
    okrflow_cli: Any, tmp_path: Path, name: str
) -> None:
    attack = ATTACKS[name]
    emu = okrflow_cli.emu
    first, _ = world(emu)
    assert run(okrflow_cli, "rollup").returncode == 0
    baseline = status(okrflow_cli)
    iid = attack.make(emu, first)
    mine = {iid, first.objective}  # the attacked issue and the objective it counts in

    linted = run(okrflow_cli, "lint")
    assert linted.returncode == (3 if attack.read else 0), linted.stderr
    assert (attack.says in linted.stdout) is attack.read
    assert (attack.says in problems_of(status(okrflow_cli), iid)) is attack.read
    reported = run(okrflow_cli, "report", "--format", "json", "--output", str(tmp_path / "r"))
    assert reported.returncode == 0, reported.stderr
    scheduled = run(okrflow_cli, "schedule", "--dry-run")
    assert scheduled.returncode == 0, scheduled.stderr
    rolled = run(okrflow_cli, "rollup")
    assert rolled.returncode == 0, rolled.stderr
    assert f"#{iid}" in rolled.stderr and attack.says in rolled.stderr
    after = status(okrflow_cli)

    assert numbers(after, skip=mine) == numbers(baseline, skip=mine)
    assert split(emu.issue(PROJECT, iid).description).meta_problem is None  # rebuilt
    assert (attack.says in problems_of(after, iid)) is (attack.persists and attack.read)

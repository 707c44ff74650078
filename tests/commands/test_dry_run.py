"""Every writing command's dry run: only reads, every planned write named by its real target
("comment on #12", "a new issue titled 'X'", "link acme/okrs#5 to acme/okrs#3"), and the
same writes listed by ``--json`` as printed by the text."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filed_world import OBJECTIVE_LINES, file_objective
from okr_seed import sample_objectives, seed
from okr_world import objective_with_krs

from okrflow.sandbox import Emulator

ROOT = Path(__file__).resolve().parents[2]
Run = Callable[..., tuple[int, str, str]]
PLACEHOLDERS = ("#-", "#0", "a new issue a new issue", "(new)")


@pytest.fixture
def world(emu: Emulator, tmp_path: Path) -> dict[str, int]:
    objectives = seed(emu, sample_objectives())
    thin, _ = objective_with_krs(emu, "Too thin", krs=2)  # lint comments on it
    file_objective(emu, title="Filed in the UI", lines=OBJECTIVE_LINES[:2])  # adopt adopts it
    shutil.copy(ROOT / "config" / "okrs.example.yml", tmp_path / "okrs.yml")
    adoption = objectives[0]
    assert adoption.iid is not None and adoption.krs[0].iid is not None
    return {"objective": adoption.iid, "kr": adoption.krs[0].iid, "thin": thin}


def commands(world: dict[str, int]) -> dict[str, list[str]]:
    obj, kr = str(world["objective"]), str(world["kr"])
    return {
        "init": ["init"],
        "adopt": ["adopt"],
        "new objective": [
            *("new", "objective", "--title", "Delight developers", "--quarter", "FY24-Q1"),
            *("--team", "Company", "--owner", "alice", "--purpose", "P", "--parent", obj),
        ],
        "new kr": ["new", "kr", "--objective", obj, "--title", "Grow signups from 10 to 20"],
        "apply": ["apply", "okrs.yml"],
        "move": ["move", obj, "--to", "closed"],
        "checkin": ["checkin", kr, "--value", "12,500"],
        "rollup": ["rollup"],
        "lint": ["lint", "--comment"],
        "report": ["report", "--post", "--output", "out"],
        "carry": ["carry", obj, "--to", "FY24-Q2"],
        "schedule": ["schedule", "--date", "2024-03-25"],
    }


NAMES = list(commands({"objective": 1, "kr": 2, "thin": 3}))


@pytest.mark.parametrize("name", NAMES)
def test_a_dry_run_lists_every_write_by_its_real_target_and_sends_none(
    name: str, world: dict[str, int], run: Run, emu: Emulator
) -> None:
    argv = commands(world)[name]
    emu.reset_log()
    code, out, err = run(*argv, "--dry-run", "--json")
    assert code in (0, 3), err
    doc = json.loads(out)
    assert doc["dry_run"] is True
    planned = [
        f"{w['action']} {w['target']}" + (f": {w['detail']}" if w["detail"] else "")
        for w in doc["planned"]
    ]
    assert planned, f"{name} --dry-run plans no write"
    for write in planned:
        assert not any(p in write for p in PLACEHOLDERS), write
    assert set(emu.counts()) <= {"GET"}, emu.counts()

    code, text, err = run(*argv, "--dry-run")
    assert code in (0, 3), err
    assert not any(p in text for p in PLACEHOLDERS), text
    lines = text.splitlines()
    heads = [n for n, line in enumerate(lines) if line.startswith("dry run: ")]
    if name in ("init", "new objective", "new kr", "apply"):  # their own lines say each write
        assert not heads
    else:
        (head,) = heads
        writes = "1 write" if len(planned) == 1 else f"{len(planned)} writes"
        assert lines[head] == f"dry run: {writes} would be made:"
        assert [line.removeprefix("  would ") for line in lines[head + 1 :]] == planned
    assert set(emu.counts()) <= {"GET"}


def test_a_planned_issue_is_named_in_the_writes_that_build_on_it(
    world: dict[str, int], run: Run
) -> None:
    code, out, _ = run(*commands(world)["new objective"], "--dry-run", "--json")
    assert code == 0
    targets = [f"{w['action']} {w['target']}" for w in json.loads(out)["planned"]]
    assert targets == [
        "create a new issue titled 'Delight developers'",
        f"link a new issue titled 'Delight developers' to acme/okrs#{world['objective']}",
    ]

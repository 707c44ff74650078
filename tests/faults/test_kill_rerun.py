"""A run killed at any write and run again ends as an uninterrupted run.

``okrflow apply FILE`` (30 OKRs) runs as the installed command and the emulator itself
SIGKILLs it at its Nth write request, deterministically: before GitLab processes that
request (it is lost) or after (GitLab did the work, the answer is lost). Then ``apply``
runs again, alice types her check-ins, ``rollup`` runs, and the whole project must equal
the uninterrupted run's: no duplicate, nothing missing. N spans the whole run, creates,
links and metadata updates alike; a few kill points do the same to ``rollup``.
"""

from __future__ import annotations

import copy
import dataclasses
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .harness import (
    QUARTER,
    WRITES,
    KillingEmulator,
    Site,
    differences,
    new_emulator,
    okr_file,
    post_checkins,
    run_killed,
    site,
    snapshot,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

OBJECTIVES = 6  # 30 OKRs
APPLY_AT = (0.0, 0.03, 0.1, 0.3, 0.5, 0.7, 1.0)  # of apply's writes: creates, links, updates
ROLLUP_AT = (0.0, 0.5, 1.0)  # of rollup's writes
APPLY = ("apply", "okrs.yml")
ROLLUP = ("rollup", "--quarter", QUARTER)


@dataclasses.dataclass
class Reference:
    initialised: dict[str, Any]  # emulator state after init
    applied: dict[str, Any]  # ... after apply and alice's check-ins
    apply_writes: list[str]  # "METHOD /route" of apply's writes, in order
    rollup_writes: list[str]
    final: dict[str, Any]  # snapshot after rollup


def _writes(emu: KillingEmulator) -> list[str]:
    return [f"{r.method} {r.route}" for r in emu.log if r.method in WRITES]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    cwd = tmp_path_factory.mktemp("reference")
    (cwd / "okrs.yml").write_text(okr_file(OBJECTIVES), encoding="utf-8")
    emu = new_emulator(KillingEmulator)
    assert isinstance(emu, KillingEmulator)
    with site(cwd, emu) as where:
        assert where.run("init").returncode == 0
        initialised = emu.to_dict()
        emu.reset_log()
        assert where.run(*APPLY).returncode == 0
        apply_writes = _writes(emu)
        post_checkins(emu, OBJECTIVES)
        applied = emu.to_dict()
        emu.reset_log()
        assert where.run(*ROLLUP).returncode == 0
        return Reference(initialised, applied, apply_writes, _writes(emu), snapshot(emu))


def nth(fraction: float, total: int) -> int:
    return 1 + round(fraction * (total - 1))


@pytest.fixture
def from_state(tmp_path: Path) -> Iterator[Any]:
    """A served KillingEmulator started from a saved state (so init need not run again)."""
    (tmp_path / "okrs.yml").write_text(okr_file(OBJECTIVES), encoding="utf-8")
    stack: list[Any] = []

    def make(state: dict[str, Any]) -> Site:
        emu = KillingEmulator.from_dict(copy.deepcopy(state))
        emu.set_now(new_emulator().clock.now())
        manager = site(tmp_path, emu)
        stack.append(manager)
        return manager.__enter__()

    yield make
    for manager in reversed(stack):
        manager.__exit__(None, None, None)


def test_the_kill_points_span_creates_links_and_updates(reference: Reference) -> None:
    points = {nth(f, len(reference.apply_writes)) for f in APPLY_AT}
    assert len(points) == len(APPLY_AT)
    assert len(reference.apply_writes) >= 80  # 30 creates, 26 links, 30 metadata updates
    hit = {reference.apply_writes[n - 1] for n in points}
    assert hit >= {
        "POST /projects/:id/issues",
        "POST /projects/:id/issues/:issue_iid/links",
        "PUT /projects/:id/issues/:issue_iid",
    }, hit
    # one per objective: its table shows its key results, whose issues are not written
    assert len(reference.rollup_writes) == OBJECTIVES


@pytest.mark.parametrize("after", [False, True], ids=["before-processing", "after-processing"])
@pytest.mark.parametrize("fraction", APPLY_AT, ids=[f"apply-at-{f:.0%}" for f in APPLY_AT])
def test_apply_killed_at_a_write_then_run_again_ends_as_an_uninterrupted_run(
    reference: Reference, from_state: Any, fraction: float, after: bool
) -> None:
    where: Site = from_state(reference.initialised)
    emu = where.emu
    assert isinstance(emu, KillingEmulator)
    at = nth(fraction, len(reference.apply_writes))
    start = time.perf_counter()
    assert run_killed(where, at, after=after, args=APPLY) == -signal.SIGKILL
    assert emu.killed

    again = where.run(*APPLY)
    assert again.returncode == 0, again.stderr
    summary = again.stdout.strip().splitlines()[-1]
    assert summary.endswith("0 not in file"), summary  # no duplicate key found either
    post_checkins(emu, OBJECTIVES)
    rolled = where.run(*ROLLUP)
    assert rolled.returncode == 0, rolled.stderr
    got = snapshot(emu)
    print(
        f"killed at write {at} ({reference.apply_writes[at - 1]}): "
        f"{time.perf_counter() - start:.1f}s"
    )
    assert differences(got, reference.final) == []
    assert got == reference.final


@pytest.mark.parametrize("after", [False, True], ids=["before-processing", "after-processing"])
@pytest.mark.parametrize("fraction", ROLLUP_AT, ids=[f"rollup-at-{f:.0%}" for f in ROLLUP_AT])
def test_rollup_killed_at_a_write_then_run_again_ends_as_an_uninterrupted_run(
    reference: Reference, from_state: Any, fraction: float, after: bool
) -> None:
    where: Site = from_state(reference.applied)
    emu = where.emu
    assert isinstance(emu, KillingEmulator)
    at = nth(fraction, len(reference.rollup_writes))
    assert run_killed(where, at, after=after, args=ROLLUP) == -signal.SIGKILL
    assert emu.killed
    again = where.run(*ROLLUP)
    assert again.returncode == 0, again.stderr
    assert differences(snapshot(emu), reference.final) == []

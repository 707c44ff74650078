"""200 OKRs through a GitLab that fails: ``okrflow init``, ``apply FILE``, check-ins typed
by alice, ``rollup``, run as the installed command against the emulator on 127.0.0.1 with
about 10% 5xx answers, 5% 429s (Retry-After honoured), 1% dropped connections (half of
them after GitLab did the work) and, on purpose, lost answers to creates. The end state
must equal a run without faults exactly: no duplicate issue, link, comment or label,
nothing missing. Every fault injected is counted from the emulator's request log."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from okrflow.sandbox import SANDBOX_ALICE_TOKEN

from .harness import (
    NOW,
    differences,
    fault_counts,
    inject_faults,
    new_emulator,
    okr_count,
    scenario,
    site,
    snapshot,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

OBJECTIVES = 40  # 40 objectives x (1 + 4 key results) = 200 OKRs
SEED = 20240215


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The same scenario on a GitLab without faults, same clock."""
    with site(tmp_path_factory.mktemp("clean")) as where:
        runs = scenario(where, OBJECTIVES, limit=1)
        for command, results in runs.items():
            assert results[-1].returncode == 0, f"{command}: {results[-1].stderr}"
        return snapshot(where.emu)


def _says_what_is_left(result: subprocess.CompletedProcess[str], token: str) -> None:
    """A run that gave up: one okrflow line saying what to do, no traceback, no token."""
    assert result.returncode == 1, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("okrflow: ") and "again" in last, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert token not in result.stderr + result.stdout


def test_the_file_has_200_okrs_some_aligned_under_others(clean: dict[str, Any]) -> None:
    assert okr_count(OBJECTIVES) == 200
    assert len(clean["issues"]) == 200
    # every key result linked to its objective, every aligned objective to its parent(s)
    assert len(clean["links"]) == 160 + 36 + 5
    assert sum(len(bodies) for bodies in clean["notes"].values()) == 52


def test_200_okrs_under_injected_faults_end_exactly_as_without_faults(
    clean: dict[str, Any], tmp_path: Path
) -> None:
    emu = new_emulator()
    assert emu.clock.now() == NOW
    rules = inject_faults(emu, SEED)
    with site(tmp_path, emu) as where:
        runs = scenario(where, OBJECTIVES)
        token = emu.default_token or ""
        for command, results in runs.items():
            assert results[-1].returncode == 0, f"{command}: {results[-1].stderr[-2000:]}"
            for gave_up in results[:-1]:
                _says_what_is_left(gave_up, token)
        got = snapshot(emu)
        injected = fault_counts(emu)

    seconds = {
        args[0]: round(sum(t for a, _, t in where.runs if a == args), 1)
        for args, _, _ in where.runs
    }
    print(f"\nfaults injected and survived ({sum(injected.values())} in {len(emu.log)} requests):")
    for kind, n in sorted(injected.items()):
        print(f"  {kind}: {n}")
    print("rules fired: " + ", ".join(f"{name} {rule.fired}" for name, rule in rules.items()))
    print(f"runs: {[(a[0], rc) for a, rc, _ in where.runs]}, seconds by command: {seconds}")

    assert differences(got, clean) == []
    assert got == clean
    assert set(injected) >= {
        "status 500",
        "status 502",
        "status 503",
        "rate_limit",
        "drop before",
        "drop after",
    }
    assert sum(injected.values()) >= 100
    assert all(rule.fired == 1 for name, rule in rules.items() if "#" in name)
    lost_creates = [
        r
        for r in emu.log
        if r.fault == "drop" and r.status == 201 and r.route == "/projects/:id/issues"
    ]
    assert len(lost_creates) >= 2  # issues GitLab created whose answer never arrived
    assert all(len(bodies) == len(set(bodies)) for bodies in got["notes"].values())
    assert got["link_rows"] == len(got["links"])  # no link twice, either way round
    printed = "".join(r.stdout + r.stderr for results in runs.values() for r in results)
    assert token not in printed and SANDBOX_ALICE_TOKEN not in printed
    assert "Traceback" not in printed

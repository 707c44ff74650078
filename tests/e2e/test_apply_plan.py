"""`okrflow apply` and `okrflow plan` as a user runs them: the installed command, a real
subprocess, the emulator served over HTTP, and its request log as the witness."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "okrs.example.yml"
FILE = "config/okrs.example.yml"
Cli = Any  # the okrflow_cli fixture (tests/e2e/conftest.py)


@pytest.fixture
def okrs(okrflow_cli: Cli) -> Path:
    """The example file, at the same relative path in the command's working directory."""
    path: Path = okrflow_cli.cwd / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(EXAMPLE, path)
    return path


def test_apply_creates_the_example_then_plan_is_clean_and_apply_again_writes_nothing(
    okrflow_cli: Cli, okrs: Path
) -> None:
    created = okrflow_cli("apply", FILE)
    assert created.returncode == 0, created.stderr
    assert '+ create objective company-valuable "Make the product valuable' in created.stdout
    assert "apply: 26 created, 0 updated, 0 unchanged, 0 not in file" in created.stdout
    assert len(okrflow_cli.emu.issues(okrflow_cli.served.project)) == 26

    okrflow_cli.emu.reset_log()
    planned = okrflow_cli("plan", FILE)
    assert planned.returncode == 0, planned.stderr
    assert planned.stdout.strip() == "plan: 0 to create, 0 to update, 26 unchanged, 0 not in file"
    assert not okrflow_cli.emu.writes()

    verbose = okrflow_cli("plan", "-v", FILE)
    assert verbose.returncode == 0
    assert "= unchanged kr company-valuable/wau (#2)" in verbose.stdout

    okrflow_cli.emu.reset_log()
    again = okrflow_cli("apply", FILE)
    assert again.returncode == 0, again.stderr
    assert "apply: 0 created, 0 updated, 26 unchanged, 0 not in file" in again.stdout
    assert not okrflow_cli.emu.writes()
    assert okrflow_cli.emu.counts()["GET"] > 0


def test_editing_one_target_makes_plan_exit_3_and_apply_update_one_issue(
    okrflow_cli: Cli, okrs: Path
) -> None:
    assert okrflow_cli("apply", FILE).returncode == 0
    text = okrs.read_text(encoding="utf-8")
    okrs.write_text(text.replace("from 10,000 to 15,000", "from 10,000 to 16,000"), "utf-8")

    okrflow_cli.emu.reset_log()
    planned = okrflow_cli("plan", FILE)
    assert planned.returncode == 3, planned.stderr
    changes = [line for line in planned.stdout.splitlines() if line.startswith(("+", "~"))]
    assert len(changes) == 1
    assert changes[0].startswith("~ update kr company-valuable/wau (#2): title ")
    assert changes[0].endswith("target 15,000 -> 16,000")
    assert "okrflow: plan: 1 OKR(s) differ" in planned.stderr
    assert not okrflow_cli.emu.writes()

    okrflow_cli.emu.reset_log()
    applied = okrflow_cli("apply", FILE)
    assert applied.returncode == 0, applied.stderr
    assert "apply: 0 created, 1 updated, 25 unchanged, 0 not in file" in applied.stdout
    assert okrflow_cli.emu.writes() == {"PUT": 1}
    routes = [r.path for r in okrflow_cli.emu.log if r.method == "PUT"]
    assert routes == ["/api/v4/projects/acme%2Fokrs/issues/2"]
    assert okrflow_cli("plan", FILE).returncode == 0


def test_apply_dry_run_prints_the_plan_and_only_reads(okrflow_cli: Cli, okrs: Path) -> None:
    result = okrflow_cli("apply", "--dry-run", FILE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("+ create ") == 26
    assert "plan: 26 to create, 0 to update, 0 unchanged, 0 not in file" in result.stdout
    assert set(okrflow_cli.emu.counts()) == {"GET"}
    assert not okrflow_cli.emu.issues(okrflow_cli.served.project)


def test_a_broken_file_is_one_line_with_file_line_and_key_and_exit_2(
    okrflow_cli: Cli, okrs: Path
) -> None:
    text = okrs.read_text(encoding="utf-8")
    okrs.write_text(text.replace("        weight: 2 ", "        weihgt: 2 "), "utf-8")
    line = text[: text.index("        weight: 2 ")].count("\n") + 1  # the mistake's line
    result = okrflow_cli("plan", FILE)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"okrflow: {FILE}:{line}: objectives[0].key_results[0].weihgt: unknown key, "
        "did you mean 'weight'?"
    ]
    assert not okrflow_cli.emu.log or set(okrflow_cli.emu.counts()) <= {"GET"}

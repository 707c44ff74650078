"""Every command that reads or reports answers with JSON on stdout under --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "okrs.example.yml"

pytestmark = pytest.mark.e2e


def quarter_of_example() -> str:
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("quarter:"):
            return line.split(":", 1)[1].split("#")[0].strip()
    raise AssertionError("the example OKR file names no quarter")


def as_json(run) -> object:
    assert run.returncode in (0, 3), run.stderr
    assert "Traceback" not in run.stderr
    return json.loads(run.stdout)


def test_reading_and_reporting_commands_print_json(okrflow_cli, tmp_path: Path):
    quarter = quarter_of_example()
    assert okrflow_cli("init").returncode == 0
    applied = as_json(okrflow_cli("apply", str(EXAMPLE), "--json"))
    assert isinstance(applied, dict)
    for argv in (
        ("status", "--quarter", quarter, "--json"),
        ("lint", "--quarter", quarter, "--json"),
        ("plan", str(EXAMPLE), "--json"),
        ("rollup", "--quarter", quarter, "--json"),
        ("schedule", "--date", "2020-01-01", "--allow-empty", "--dry-run", "--json"),
    ):
        document = as_json(okrflow_cli(*argv))
        assert isinstance(document, dict), argv
    report = as_json(
        okrflow_cli("report", "--quarter", quarter, "--output", str(tmp_path), "--json")
    )
    assert isinstance(report, dict)
    assert report["quarter"] == quarter
    assert report["document"]["objectives"]
    assert all(Path(path).is_file() for path in report["files"].values())

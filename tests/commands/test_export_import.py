"""export and import as library calls, against the emulator: what each writes and sends."""

from __future__ import annotations

from pathlib import Path

import yaml
from okr_world import NAMES, PROJECT, add_kr, add_objective, workspace

from okrflow.commands.export import export
from okrflow.commands.import_okrs import import_okrs
from okrflow.sandbox import Emulator


def test_an_issue_filed_by_hand_gets_a_key_from_its_title_and_loose_numbers_stay(
    emu: Emulator,
) -> None:
    filed = emu.add_issue(
        PROJECT,
        "Make getting help feel effortless",
        description="## Objective\n\nMake getting help feel effortless\n\n## Team\n\nCSM\n",
        labels=[NAMES.objective, NAMES.draft, "FY24-Q1", "CSM"],
    )
    add_kr(
        emu, "Reduce average resolution time from 9 days to 7 days", (f"iid-{filed.iid}", filed.iid)
    )
    result = export(workspace(emu), quarter="FY24-Q1")
    data = yaml.safe_load(result.text)
    (objective,) = data["objectives"]
    assert objective["key"] == "make-getting-help-feel-effortless"
    assert objective["team"] == "CSM"
    (kr,) = objective["key_results"]
    assert kr["title"] == "Reduce average resolution time from 9 days to 7 days"
    assert "start" not in kr  # the statement says it
    assert emu.writes() == {}  # the lease is the one write it makes


def test_export_writes_a_file_and_a_dry_run_writes_none(emu: Emulator, tmp_path: Path) -> None:
    add_objective(emu, "Delight the customers we already have", key="delight")
    path = tmp_path / "okrs.yml"
    dry = export(workspace(emu, dry_run=True), quarter="FY24-Q1", output=path)
    assert not path.exists() and dry.lines()[-1] == (
        f"would write {path}: 1 objective, 0 key results of FY24-Q1"
    )
    export(workspace(emu), quarter="FY24-Q1", output=path, fmt="json")
    assert yaml.safe_load(path.read_text())["objectives"][0]["key"] == "delight"


def test_import_apply_writes_through_apply_and_a_second_import_changes_nothing(
    emu: Emulator, tmp_path: Path
) -> None:
    page = tmp_path / "okrs.md"
    page.write_text(
        "# FY24-Q1 OKRs\n\n## Support\n\n1. **OBJECTIVE: Make getting help effortless**\n"
        "   - KR: Reduce average resolution time from 9 days to 7 days\n"
        "   - KR: Improve CSAT from 80% to 90%\n"
    )
    first = import_okrs(workspace(emu), page, apply=True)
    assert first.error() is None
    assert first.applied is not None and first.applied.progress().startswith("3 of 3")
    assert len(emu.issues(PROJECT)) == 3
    emu.reset_log()
    again = import_okrs(workspace(emu), page, apply=True)
    assert again.error() is None
    assert emu.writes() == {}  # the lease is the one write it makes

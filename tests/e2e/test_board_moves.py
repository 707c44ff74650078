"""A card dragged on the board past okrflow move's checks, as a team meets it: the installed
okrflow over real HTTP to the emulator, a member's drag, the next rollups' request log."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e

PROJECT = "acme/okrs"
QUARTER = "FY24-Q1"
ENV: dict[str, str | None] = {"OKRFLOW_NOW": "2024-02-15T12:00:00Z"}


def writes(emu: Any) -> int:
    counts = emu.counts()
    return int(counts["POST"] + counts["PUT"] + counts["DELETE"])


def draft_objective(cli: Any) -> int:
    """okrflow init, a draft objective with three key results, one rollup."""
    assert cli("init", extra_env=ENV).returncode == 0
    made = cli(
        "new",
        "objective",
        "--title",
        "Make getting help feel effortless",
        "--quarter",
        QUARTER,
        "--team",
        "CSM",
        "--owner",
        "alice",
        "--purpose",
        "Kind answers keep trust.",
        extra_env=ENV,
    )
    assert made.returncode == 0, made.stderr
    iid = max(issue.iid for issue in cli.emu.issues(PROJECT))
    for title in (
        "Reduce average resolution time from 9 days to 7 days",
        "Raise CSAT from 80% to 90%",
        "Reduce requests for engineering help from 18% to 10%",
    ):
        kr = cli("new", "kr", "--objective", str(iid), "--title", title, extra_env=ENV)
        assert kr.returncode == 0, kr.stderr
    assert cli("rollup", "--quarter", QUARTER, extra_env=ENV).returncode == 0
    return iid


def comments(emu: Any, iid: int) -> list[str]:
    return [n.body for n in emu.notes(PROJECT, iid) if not n.system]


@pytest.mark.parametrize("on_bypass", ["report", "revert"])
def test_a_draft_dragged_to_active_by_a_member(okrflow_cli: Any, on_bypass: str) -> None:
    emu = okrflow_cli.emu
    (okrflow_cli.cwd / "config").mkdir()
    (okrflow_cli.cwd / "config" / "okrflow.yml").write_text(
        f"teams: [CSM]\nlifecycle:\n  on_bypass: {on_bypass}\n", encoding="utf-8"
    )
    iid = draft_objective(okrflow_cli)
    emu.move_on_board(PROJECT, iid, "okr-status::active", user="alice")

    first = okrflow_cli("rollup", "--quarter", QUARTER, extra_env=ENV)

    assert first.returncode == 0, first.stderr
    assert f"#{iid}: @alice moved it from In Draft to Active" in first.stderr
    [comment] = comments(emu, iid)
    labels = [x for x in emu.issue_labels(PROJECT, iid) if x.startswith("okr-status::")]
    if on_bypass == "revert":
        assert comment.startswith("okrflow: moved back to In Draft: @alice moved this")
        assert labels == ["okr-status::draft"]
    else:
        assert "okrflow leaves it there" in comment
        assert labels == ["okr-status::active"]
    emu.reset_log()

    second = okrflow_cli("rollup", "--quarter", QUARTER, extra_env=ENV)

    assert second.returncode == 0, second.stderr
    assert writes(emu) == 0
    assert "resource_label_events" not in " ".join(r.path for r in emu.log)
    assert len(comments(emu, iid)) == 1

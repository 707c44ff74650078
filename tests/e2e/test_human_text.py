"""What a person writes in an okrflow-managed description survives every okrflow write."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from okrflow.sandbox import SANDBOX_ALICE_TOKEN

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "okrs.example.yml"
ABOVE = "Context from the kickoff (@alice wrote this):\n\n> keep it *simple* | really\n\n"
BELOW = "\n\nPS: see the retro notes, ünïcödé and עברית too.\n"

pytestmark = pytest.mark.e2e


def quarter_of_example() -> str:
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("quarter:"):
            return line.split(":", 1)[1].split("#")[0].strip()
    raise AssertionError("the example OKR file names no quarter")


def test_paragraphs_above_and_below_survive_apply_move_and_apply_again(okrflow_cli):
    emu, project = okrflow_cli.emu, okrflow_cli.served.project
    quarter = quarter_of_example()
    assert okrflow_cli("init").returncode == 0
    assert okrflow_cli("apply", str(EXAMPLE)).returncode == 0
    objective = next(
        i for i in emu.issues(project) if "okr::objective" in emu.issue_labels(project, i.iid)
    )
    edited = ABOVE + objective.description + BELOW
    answer = emu.request(
        "PUT",
        f"/projects/{quote(project, safe='')}/issues/{objective.iid}",
        token=SANDBOX_ALICE_TOKEN,
        json_body={"description": edited},
    )
    assert answer.status == 200

    moved = okrflow_cli("move", "--quarter", quarter, "--from", "draft", "--to", "review")
    assert moved.returncode in (0, 3), moved.stderr
    assert okrflow_cli("rollup", "--quarter", quarter).returncode == 0
    assert okrflow_cli("apply", str(EXAMPLE)).returncode == 0

    stored = answer.json()["description"]  # alice's edit as GitLab stored it
    assert stored.endswith(BELOW.rstrip("\n"))  # its trailing line break stripped
    after = emu.issue(project, objective.iid).description
    assert after.startswith(ABOVE)
    assert after.endswith(BELOW.rstrip("\n"))
    labels = emu.issue_labels(project, objective.iid)
    assert sum(label.startswith("okr-status::") for label in labels) == 1

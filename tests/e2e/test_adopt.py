"""OKRs a team files in GitLab's UI, adopted by the next rollup, as a team meets it: the
installed okrflow over real HTTP to the emulator; bob (a member, not the token's user)
files an objective with four Key results lines from the raw template ``okrflow init``
installed, and a key result through the key-result template alone."""

from __future__ import annotations

from typing import Any

import pytest

from filled_template import fill_template
from okrflow.core.adoption import ADOPTED_MARKER
from okrflow.core.description import split
from okrflow.core.meta import Meta
from okrflow.sandbox import SANDBOX_USER

pytestmark = pytest.mark.e2e

PROJECT = "acme/okrs"
QUARTER = "FY24-Q1"
ENV: dict[str, str | None] = {"OKRFLOW_NOW": "2024-02-15T12:00:00Z"}
LINES = (
    "Raise NPS from 20 to 40",
    "Cut churn from 10% to 5%",
    "Land 5 large enterprise logos",
    "Achieve SOC2 Type 1",
)
KR = "Increase advisory board attendance from 4 to 10 customers"


def file_as_bob(emu: Any, template: str, title: str, sections: dict[str, str]) -> int:
    raw = emu.file_text(PROJECT, f".gitlab/issue_templates/{template}.md", "main")
    answer = emu.request(
        "POST",
        "/projects/acme%2Fokrs/issues",
        token=emu.token_for("bob"),
        json_body={"title": title, "description": fill_template(raw, sections)},
    )
    assert answer.status == 201, answer.json()
    return int(answer.json()["iid"])


def meta(emu: Any, iid: int) -> Meta:
    block = split(emu.issue(PROJECT, iid).description).meta
    assert block is not None, f"#{iid} has no okrflow block"
    return Meta.from_dict(block)[0]


def api(emu: Any, path: str) -> Any:
    return emu.request("GET", f"/projects/acme%2Fokrs/{path}", token=emu.default_token).json()


def okrflow_comments(emu: Any, iid: int) -> list[str]:
    return [
        n.body
        for n in emu.notes(PROJECT, iid)
        if emu.state.users[n.author_id].username == SANDBOX_USER
    ]


def writes(emu: Any) -> int:
    counts = emu.counts()
    return int(counts["POST"] + counts["PUT"] + counts["DELETE"])


def test_okrs_filed_in_the_ui_are_adopted_by_the_next_rollup_once(okrflow_cli: Any) -> None:
    emu = okrflow_cli.emu
    (okrflow_cli.cwd / "config").mkdir()
    (okrflow_cli.cwd / "config" / "okrflow.yml").write_text("teams: [CSM]\n", encoding="utf-8")
    assert okrflow_cli("init", extra_env=ENV).returncode == 0
    obj = file_as_bob(
        emu,
        "OKR Objective",
        "Delight our customers",
        {
            "Objective": "Delight our customers",
            "Purpose": "Happy customers renew and tell others.",
            "Owner": "@alice",
            "Team": "CSM",
            "Quarter": QUARTER,
            "Key results": "\n".join(f"- {line}" for line in LINES),
        },
    )
    kr = file_as_bob(emu, "OKR Key Result", KR, {"Key result": KR, "Objective": f"#{obj}"})
    assert set(emu.issue_labels(PROJECT, obj)) == {"okr::objective", "okr-status::draft"}
    texts = {iid: split(emu.issue(PROJECT, iid).description).human for iid in (obj, kr)}

    first = okrflow_cli("rollup", "--quarter", QUARTER, extra_env=ENV)

    assert first.returncode == 0, first.stderr
    krs = sorted(
        i.iid for i in emu.issues(PROJECT) if i.iid != obj and meta(emu, i.iid).objective_iid == obj
    )
    made = [i for i in krs if i != kr]
    assert sorted(emu.issue(PROJECT, i).title for i in made) == sorted(LINES)
    assert kr in krs and len(made) == 4
    for iid in [obj, *krs]:
        labels = set(emu.issue_labels(PROJECT, iid))
        assert {QUARTER, "CSM", "okr-status::draft"} <= labels, (iid, labels)
        assert [a["username"] for a in api(emu, f"issues/{iid}")["assignees"]] == ["alice"]
        assert meta(emu, iid).type == ("objective" if iid == obj else "kr")
    for iid in krs:
        assert obj in {link["iid"] for link in api(emu, f"issues/{iid}/links")}
    for iid in (obj, kr):  # one comment each saying what was set; the text as bob wrote it
        [said] = [c for c in okrflow_comments(emu, iid) if ADOPTED_MARKER in c]
        assert "the quarter label FY24-Q1" in said
        assert split(emu.issue(PROJECT, iid).description).human.rstrip() == texts[iid].rstrip()
    assert "the assignee @alice, from its objective's owner" in okrflow_comments(emu, kr)[0]
    assert "rollup FY24-Q1: 5 KRs" in first.stdout, first.stdout

    emu.reset_log()
    second = okrflow_cli("rollup", "--quarter", QUARTER, extra_env=ENV)
    assert second.returncode == 0, second.stderr
    assert writes(emu) == 0, emu.counts_by_route()
    assert set(emu.counts_by_route()) == {"GET /projects/:id/issues"}  # listings only

"""okrflow carry: the objective again in the next quarter with its unfinished key results, once."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from okr_seed import PROJECT, at, sample_objectives, seed, workspace, writes

from okrflow.cli.main import cli
from okrflow.commands.carry import carried_key, carry, carry_marked
from okrflow.commands.workspace import Workspace
from okrflow.core.description import split, with_meta
from okrflow.core.labels import DEFAULT_LABEL_NAMES
from okrflow.errors import GitLabError, UsageError
from okrflow.sandbox import Emulator, FaultRule

NOW = at("2024-03-28", 10)


def ws_at(emu: Emulator, **kw: Any) -> Workspace:
    return workspace(emu.base_url, emu.default_token or "", now=NOW, **kw)


def meta(emu: Emulator, iid: int) -> dict[str, Any]:
    found = split(emu.issue(PROJECT, iid).description or "").meta
    assert found is not None
    return found


def labels(emu: Emulator, iid: int) -> list[str]:
    return emu.issue_labels(PROJECT, iid)


def test_carry_opens_the_objective_in_draft_with_its_unfinished_key_results(
    emulator: Emulator,
) -> None:
    pipeline = seed(emulator, sample_objectives())[1]  # 3 KRs; the SDR one reached its target
    result = carry(ws_at(emulator), f"#{pipeline.iid}", to="FY24-Q2")

    snap = ws_at(emulator).repo.load("FY24-Q2")
    (new,) = snap.objectives
    assert result.objective is not None and result.objective.new_iid == new.iid
    assert (new.key, new.title, new.owner, new.team, new.kind) == (
        "pipeline@FY24-Q2",
        pipeline.title,
        "bob",
        "Sales",
        pipeline.kind,
    )
    assert sorted(labels(emulator, new.iid or 0)) == [
        "FY24-Q2",
        "Sales",
        "okr-status::draft",
        "okr::objective",
    ]
    issue = emulator.issue(PROJECT, new.iid or 0)
    assert issue.description.startswith(f"_Carried over from #{pipeline.iid} (FY24-Q1)._")
    assert meta(emulator, new.iid or 0)["carried_from"] == {
        "iid": pipeline.iid,
        "key": "pipeline",
        "quarter": "FY24-Q1",
    }
    assert [kr.title for kr in new.key_results] == [
        "Increase qualified pipeline coverage from 1 to 3",
        "Improve developer NPS from 25 to 35",
    ]
    assert [kr.key for kr in new.key_results] == ["coverage@FY24-Q2", "nps@FY24-Q2"]
    assert all(kr.state is not None and kr.state.value == "draft" for kr in new.key_results)
    links = {(link.source_id, link.target_id) for link in emulator.state.links.values()}
    old_id, new_id = emulator.issue(PROJECT, pipeline.iid).id, issue.id
    assert (new_id, old_id) in links  # the link back

    old = emulator.issue(PROJECT, pipeline.iid)
    assert old.state == "closed"
    assert "okr-status::closed" in labels(emulator, pipeline.iid)
    assert "okr-status::active" not in labels(emulator, pipeline.iid)
    assert (meta(emulator, pipeline.iid)["outcome"], meta(emulator, pipeline.iid)["score"]) == (
        "carried over",
        0.8,
    )
    outcomes = [meta(emulator, kr.iid)["outcome"] for kr in pipeline.krs]
    assert outcomes == ["carried over", "carried over", "achieved"]
    assert all(emulator.issue(PROJECT, kr.iid).state == "closed" for kr in pipeline.krs)


def test_a_second_carry_finds_the_carried_issue_and_writes_nothing(emulator: Emulator) -> None:
    pipeline = seed(emulator, sample_objectives())[1]
    carry(ws_at(emulator), str(pipeline.iid), to="FY24-Q2")
    count = len(emulator.issues(PROJECT))
    emulator.reset_log()
    again = carry(ws_at(emulator), str(pipeline.iid), to="FY24-Q2")
    assert writes(emulator) == 0
    assert len(emulator.issues(PROJECT)) == count
    assert not again.changed and again.lines()[-1] == "  nothing to change"


def test_a_carry_broken_off_is_completed_by_the_next_run(emulator: Emulator) -> None:
    pipeline = seed(emulator, sample_objectives())[1]
    emulator.add_fault(FaultRule("status", method="POST", path=r"/links$", status=500))
    with pytest.raises(GitLabError):
        carry(ws_at(emulator, retries=1), str(pipeline.iid), to="FY24-Q2")
    assert emulator.issue(PROJECT, pipeline.iid).state == "opened"  # not closed half-way
    emulator.clear_faults()
    carry(ws_at(emulator), str(pipeline.iid), to="FY24-Q2")
    q2 = [i for i in emulator.issues(PROJECT) if "FY24-Q2" in labels(emulator, i.iid)]
    assert sorted(i.title for i in q2) == sorted(
        [
            pipeline.title,
            "Increase qualified pipeline coverage from 1 to 3",
            "Improve developer NPS from 25 to 35",
        ]
    )
    assert emulator.issue(PROJECT, pipeline.iid).state == "closed"


def test_only_marked_objectives_are_carried_by_carry_marked(emulator: Emulator) -> None:
    adoption, pipeline = seed(emulator, sample_objectives())
    emulator.issue(PROJECT, adoption.iid).label_ids.append(
        emulator.add_label(PROJECT, DEFAULT_LABEL_NAMES.carry).id
    )
    results = carry_marked(ws_at(emulator), quarter="FY24-Q1", to="FY24-Q2")
    assert [r.source_iid for r in results] == [adoption.iid]
    assert emulator.issue(PROJECT, pipeline.iid).state == "opened"
    assert emulator.issue(PROJECT, adoption.iid).state == "closed"
    emulator.reset_log()
    assert [r.changed for r in carry_marked(ws_at(emulator), quarter="FY24-Q1", to="FY24-Q2")] == [
        False
    ]
    assert writes(emulator) == 0
    issue = emulator.issue(PROJECT, pipeline.iid)  # the metadata flag marks it too
    issue.description = with_meta(
        issue.description or "", {**meta(emulator, pipeline.iid), "carry": True}
    )
    results = carry_marked(ws_at(emulator), quarter="FY24-Q1", to="FY24-Q2")
    assert [(r.source_iid, r.changed) for r in results] == [
        (adoption.iid, False),
        (pipeline.iid, True),
    ]


def test_refuses_key_results_and_backward_or_finished_carries(emulator: Emulator) -> None:
    adoption, _ = seed(emulator, sample_objectives())
    ws = ws_at(emulator)
    with pytest.raises(UsageError, match="is a key result"):
        carry(ws, str(adoption.krs[0].iid), to="FY24-Q2")
    with pytest.raises(UsageError, match="already in FY24-Q1"):
        carry(ws, str(adoption.iid), to="FY24-Q1")
    with pytest.raises(UsageError, match="carried forward"):
        carry(ws, str(adoption.iid), to="FY23-Q4")
    assert writes(emulator) == 0


def test_carried_keys_replace_an_earlier_quarter_suffix() -> None:
    assert carried_key("wau", "FY24-Q2") == "wau@FY24-Q2"
    assert carried_key("wau@FY24-Q2", "FY24-Q3") == "wau@FY24-Q3"
    assert carried_key("iid-12", "FY24-Q2") == "iid-12@FY24-Q2"


def test_dry_run_plans_and_writes_nothing(emulator: Emulator) -> None:
    pipeline = seed(emulator, sample_objectives())[1]
    ws = ws_at(emulator, dry_run=True)
    result = carry(ws, str(pipeline.iid), to="FY24-Q2")
    assert writes(emulator) == 0
    assert result.lines()[0].startswith(f"would carry #{pipeline.iid} over to FY24-Q2")
    assert result.planned is ws.repo.planned
    actions = [w.action for w in result.planned]
    assert actions.count("create") == 3 and actions.count("update issue") == 4
    writes_shown = [str(w) for w in result.planned]
    assert f"link a new issue titled {pipeline.title!r} to acme/okrs#{pipeline.iid}" in (
        writes_shown
    )
    assert not any("#-" in w or "a new issue a new issue" in w for w in writes_shown)


def test_cli_carries_and_prints_what_it_did(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = seed(emulator, sample_objectives())[1]
    monkeypatch.setenv("GITLAB_URL", emulator.base_url)
    monkeypatch.setenv("GITLAB_TOKEN", emulator.default_token or "")
    monkeypatch.setenv("OKRFLOW_PROJECT", PROJECT)
    monkeypatch.setenv("OKRFLOW_NOW", "2024-03-28T10:00:00Z")
    out = CliRunner().invoke(cli, ["carry", f"#{pipeline.iid}", "--to", "FY24-Q2"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[0] == (
        f"carry #{pipeline.iid} over to FY24-Q2 as #9 (In Draft): {pipeline.title}"
    )
    assert f"close #{pipeline.iid}" in out.output
    bad = CliRunner().invoke(cli, ["carry", "nonsense", "--to", "FY24-Q2"])
    assert isinstance(bad.exception, UsageError)  # main() turns it into exit 2

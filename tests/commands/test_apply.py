"""okrflow.commands.apply against the emulator: apply converges, plan shows the difference."""

from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from okrflow.adapter import ConnectionSettings
from okrflow.commands.apply import ApplyResult, apply, plan
from okrflow.commands.reporter import Recorder
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.config.okrfile import load_okr_file
from okrflow.core import description as desc
from okrflow.core.labels import DEFAULT_LABEL_NAMES as NAMES
from okrflow.core.model import IssueId, Objective
from okrflow.errors import ConfigError, GitLabError
from okrflow.sandbox import Emulator

PROJECT = "acme/okrs"
EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "okrs.example.yml"
NOW = dt.datetime(2024, 2, 15, tzinfo=dt.timezone.utc)

SMALL = """\
quarter: FY24-Q1
objectives:
  - key: company
    title: Make the product valuable to every developer
    team: Company
    owner: okr-lead
    purpose: Developers who save time every day stay with us.
    key_results:
      - key: wau
        title: Grow weekly active users from 10,000 to 15,000
        owner: alice
      - key: logos
        title: Land 5 large enterprise logos
        owner: bob
      - key: soc2
        title: Achieve SOC2 Type 1 compliance
  - key: sales
    parent: company
    title: Build a repeatable sales motion
    team: Sales
    owner: bob
    purpose: A motion we can repeat lets us hire with confidence.
    key_results:
      - key: sdrs
        title: Ramp 6 outbound SDRs
      - key: p1
        title: Keep P1 incidents from exceeding 3
        owner: alice
"""


def workspace(emu: Emulator, *, dry_run: bool = False, retries: int = 1) -> Workspace:
    settings = ConnectionSettings(
        url=emu.base_url, token=emu.default_token, project=PROJECT, retries=retries
    )
    return Workspace(
        config=Config.default(),
        connection=settings,
        out=Recorder(),
        dry_run=dry_run,
        now=lambda: NOW,
    )


def okr_file(tmp_path: Path, text: str = SMALL, name: str = "okrs.yml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def links(emu: Emulator) -> set[tuple[int, int]]:
    """(source iid, target iid) of every issue link."""
    iid = {issue.id: issue.iid for issue in emu.issues(PROJECT)}
    return {(iid[link.source_id], iid[link.target_id]) for link in emu.state.links.values()}


def by_title(emu: Emulator, title: str) -> int:
    (iid,) = [i.iid for i in emu.issues(PROJECT) if i.title == title]
    return iid


def state(emu: Emulator) -> dict[str, Any]:
    """What a person sees in the project: issues (title, labels, text, assignees) and links."""
    users = {u.id: u.username for u in emu.state.users.values()}
    issues = {
        i.iid: (
            i.title,
            tuple(emu.issue_labels(PROJECT, i.iid)),
            i.description,
            tuple(users[a] for a in i.assignee_ids),
        )
        for i in emu.issues(PROJECT)
    }
    return {"issues": issues, "links": links(emu)}


def applied(emu: Emulator, path: Path, **kwargs: Any) -> ApplyResult:
    emu.reset_log()
    return apply(workspace(emu), path, **kwargs)


def planned(emu: Emulator, path: Path) -> ApplyResult:
    emu.reset_log()
    return plan(workspace(emu), path)


# --- create ----------------------------------------------------------------------------------


def test_apply_creates_every_okr_labelled_assigned_and_linked(emulator: Emulator) -> None:
    result = applied(emulator, EXAMPLE)
    okrs = load_okr_file(EXAMPLE)
    krs = okrs.key_results()
    assert len(emulator.issues(PROJECT)) == len(okrs.objectives) + len(krs) + len(okrs.kpis) == 26
    assert result.summary() == "apply: 26 created, 0 updated, 0 unchanged, 0 not in file"
    assert not result.warnings and not result.failed

    company = by_title(emulator, okrs.objectives[0].title)
    assert emulator.issue_labels(PROJECT, company) == sorted(
        [NAMES.objective, NAMES.draft, "FY22-Q2", "Company"]
    )
    wau = by_title(emulator, "Grow weekly active users from 10,000 to 15,000")
    assert emulator.issue_labels(PROJECT, wau) == sorted(
        [NAMES.key_result, NAMES.draft, "FY22-Q2", "Company"]
    )
    assert [
        emulator.state.users[a].username for a in emulator.issue(PROJECT, wau).assignee_ids
    ] == ["alice"]

    sales = by_title(emulator, "Build a repeatable enterprise sales motion")
    enterprise = by_title(emulator, "Solve big-code problems for the largest enterprises")
    found = links(emulator)
    assert {(sales, enterprise), (sales, company), (wau, company)} <= found
    assert len(found) == len(krs) + 4  # each KR to its objective; parents: marketing 1,
    # sales 2, support 1


def test_created_issues_read_back_as_the_file_says(emulator: Emulator) -> None:
    applied(emulator, EXAMPLE)
    ws = workspace(emulator)
    snap = ws.repo.load("FY22-Q2")
    assert not snap.problems and not snap.orphans
    okrs = load_okr_file(EXAMPLE)
    for want in okrs.objectives:
        item = snap.by_key(want.key)
        assert item is not None and isinstance(item.okr, Objective)
        have = item.okr
        assert (have.title, have.owner, have.team, have.parents) == (
            want.title,
            want.owner,
            want.team,
            want.parents,
        )
        assert [kr.key for kr in have.key_results] == [kr.key for kr in want.key_results]
        for got, kr in zip(have.key_results, want.key_results, strict=True):
            assert (got.title, got.owner, got.weight, got.metric, got.source) == (
                kr.title,
                kr.owner,
                kr.weight,
                kr.metric,
                kr.source,
            )


def test_plan_after_apply_has_no_differences_and_a_second_apply_writes_nothing(
    emulator: Emulator,
) -> None:
    applied(emulator, EXAMPLE)
    before = state(emulator)

    result = planned(emulator, EXAMPLE)
    assert result.differences == 0
    assert result.summary() == "plan: 0 to create, 0 to update, 26 unchanged, 0 not in file"
    assert not emulator.writes()

    result = applied(emulator, EXAMPLE)
    assert result.summary() == "apply: 0 created, 0 updated, 26 unchanged, 0 not in file"
    assert not emulator.writes()
    assert state(emulator) == before


def test_plan_on_an_empty_project_lists_creates_parents_first_and_writes_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    result = planned(emulator, okr_file(tmp_path))
    assert [c.line() for c in result.changes][:2] == [
        '+ create objective company "Make the product valuable to every developer"',
        '+ create kr company/wau "Grow weekly active users from 10,000 to 15,000"',
    ]
    assert result.differences == 7
    assert not emulator.writes() and not emulator.issues(PROJECT)


def test_apply_dry_run_prints_the_plan_and_only_reads(emulator: Emulator, tmp_path: Path) -> None:
    path = okr_file(tmp_path)
    result = applied(emulator, path, dry_run=True)
    assert not result.applied and result.differences == 7
    assert set(emulator.counts()) == {"GET"}
    assert not emulator.issues(PROJECT)


# --- update ----------------------------------------------------------------------------------


def test_editing_one_target_is_one_change_and_one_put(emulator: Emulator, tmp_path: Path) -> None:
    path = okr_file(tmp_path)
    applied(emulator, path)
    wau = by_title(emulator, "Grow weekly active users from 10,000 to 15,000")
    edit(path, "from 10,000 to 15,000", "from 10,000 to 16,000")

    result = planned(emulator, path)
    changed = [c for c in result.changes if c.action != "unchanged"]
    assert [c.line() for c in changed] == [
        f'~ update kr company/wau (#{wau}): title "Grow weekly active users from 10,000 to '
        f'15,000" -> "Grow weekly active users from 10,000 to 16,000", target 15,000 -> 16,000'
    ]
    assert not emulator.writes()

    before = state(emulator)
    result = applied(emulator, path)
    assert result.summary() == "apply: 0 created, 1 updated, 6 unchanged, 0 not in file"
    assert emulator.writes() == {"PUT": 1}
    after = state(emulator)
    assert {iid for iid in after["issues"] if after["issues"][iid] != before["issues"][iid]} == {
        wau
    }
    meta = desc.split(emulator.issue(PROJECT, wau).description).meta
    assert meta is not None and meta["metric"]["target"] == 16000
    assert applied(emulator, path).differences == 0 and not emulator.writes()


def test_an_explicit_target_changes_the_metric_but_not_the_title(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = okr_file(tmp_path)
    applied(emulator, path)
    edit(
        path,
        "        title: Land 5 large enterprise logos\n",
        "        title: Land 5 large enterprise logos\n        target: 6\n",
    )
    result = planned(emulator, path)
    (change,) = [c for c in result.changes if c.action == "update"]
    assert change.details == ("target 5 -> 6",)


def test_a_renamed_objective_with_the_same_key_is_updated_not_created(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = okr_file(tmp_path)
    applied(emulator, path)
    old = by_title(emulator, "Build a repeatable sales motion")
    count = len(emulator.issues(PROJECT))
    edit(path, "Build a repeatable sales motion", "Build a repeatable, scalable sales motion")

    result = applied(emulator, path)
    assert result.count("create") == 0 and result.count("update") == 1
    assert len(emulator.issues(PROJECT)) == count
    assert emulator.issue(PROJECT, old).title == "Build a repeatable, scalable sales motion"
    assert emulator.writes() == {"PUT": 1}
    # okrflow's own text in the description follows the file (nobody edited it)
    assert "Build a repeatable, scalable sales motion" in (
        emulator.issue(PROJECT, old).description or ""
    )


def test_an_okr_in_gitlab_that_the_file_does_not_mention_is_reported_not_deleted(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = okr_file(tmp_path)
    applied(emulator, path)
    extra = emulator.add_issue(
        PROJECT,
        "Hand-filed objective",
        description="## Objective\n\nHand-filed objective\n",
        labels=[NAMES.objective, NAMES.draft, "FY24-Q1"],
    )
    edit(path, "      - key: soc2\n        title: Achieve SOC2 Type 1 compliance\n", "")
    soc2 = by_title(emulator, "Achieve SOC2 Type 1 compliance")

    result = planned(emulator, path)
    assert [s.line() for s in result.not_in_file] == [
        f'! not in file: #{soc2} "Achieve SOC2 Type 1 compliance"',
        f'! not in file: #{extra.iid} "Hand-filed objective"',
    ]
    assert result.differences == 0  # apply would not change them

    result = applied(emulator, path)
    assert result.summary() == "apply: 0 created, 0 updated, 6 unchanged, 2 not in file"
    assert not emulator.writes()
    assert emulator.issue(PROJECT, soc2).state == "opened"
    assert emulator.issue(PROJECT, extra.iid).title == "Hand-filed objective"


def test_a_persons_text_around_okrflows_block_survives_apply_byte_for_byte(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = okr_file(tmp_path)
    applied(emulator, path)
    iid = by_title(emulator, "Build a repeatable sales motion")
    issue = emulator.issue(PROJECT, iid)
    # typed in GitLab's editor, stored as GitLab stores it: no "\r", no trailing whitespace
    above = "Notes from the offsite:\n\n* hire two SDRs first  \n\n"
    below = "\n\nUpdate 2024-02-01: @bob owns the hiring plan. <!-- keep -->"
    original = issue.description or ""
    issue.description = above + original + below

    edit(path, "A motion we can repeat lets us hire with confidence.", "Repeatable beats heroic.")
    edit(path, "    team: Sales\n    owner: bob\n", "    team: Sales\n    owner: alice\n")
    result = applied(emulator, path)
    # the objective, and its key result without an owner of its own (it inherits it)
    assert result.count("update") == 2 and emulator.writes() == {"PUT": 2}

    text = emulator.issue(PROJECT, iid).description or ""
    # as GitLab stores any text it is sent: its quick-action extractor deletes every \r
    assert text.startswith(above.replace("\r", "") + original[: original.index(desc.META_OPEN)])
    assert text.endswith("-->" + below)
    meta = desc.split(text).meta
    assert meta is not None
    assert (meta["owner"], meta["purpose"]) == ("alice", "Repeatable beats heroic.")
    assert [
        emulator.state.users[a].username for a in emulator.issue(PROJECT, iid).assignee_ids
    ] == ["alice"]
    # the person's text still says the old owner and purpose: reported, not rewritten
    assert any("says owner @bob, the file @alice" in w for w in result.warnings)
    assert any("says purpose" in w and "Purpose section" in w for w in result.warnings)
    assert applied(emulator, path).differences == 0 and not emulator.writes()


def test_okrflows_own_untouched_text_is_rendered_again_when_the_file_changes(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = okr_file(tmp_path)
    applied(emulator, path)
    iid = by_title(emulator, "Build a repeatable sales motion")
    edit(path, "A motion we can repeat lets us hire with confidence.", "Repeatable beats heroic.")
    result = applied(emulator, path)
    assert not result.warnings
    text = emulator.issue(PROJECT, iid).description or ""
    assert "Repeatable beats heroic." in text and "A motion we can repeat" not in text
    ws = workspace(emulator)
    item = ws.repo.load("FY24-Q1").issues[IssueId("", iid)]
    assert item.okr.purpose == "Repeatable beats heroic."  # type: ignore[union-attr]


def test_the_progress_section_of_rollup_is_kept_when_okrflows_text_is_rendered_again(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = okr_file(tmp_path)
    applied(emulator, path)
    issue = emulator.issue(PROJECT, by_title(emulator, "Ramp 6 outbound SDRs"))
    issue.description = desc.with_managed_section(issue.description, "| progress | 50% |")
    edit(path, "Ramp 6 outbound SDRs", "Ramp 7 outbound SDRs")
    result = applied(emulator, path)
    assert not result.warnings
    assert desc.split(issue.description).section == "| progress | 50% |"
    assert "Ramp 7 outbound SDRs" in desc.split(issue.description).human


def test_a_new_team_replaces_the_old_team_label_and_never_the_lifecycle(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = okr_file(tmp_path)
    applied(emulator, path)
    iid = by_title(emulator, "Build a repeatable sales motion")
    issue = emulator.issue(PROJECT, iid)
    emulator.add_label(PROJECT, NAMES.active)
    active = next(lab.id for lab in emulator.labels(PROJECT) if lab.name == NAMES.active)
    draft = next(lab.id for lab in emulator.labels(PROJECT) if lab.name == NAMES.draft)
    issue.label_ids = [active if x == draft else x for x in issue.label_ids]
    edit(path, "team: Sales", "team: Revenue")

    applied(emulator, path)
    assert emulator.issue_labels(PROJECT, iid) == sorted(
        [NAMES.objective, NAMES.active, "FY24-Q1", "Revenue"]
    )


# --- parents ---------------------------------------------------------------------------------


def test_a_parent_outside_the_file_is_found_in_gitlab_and_linked(
    emulator: Emulator, tmp_path: Path
) -> None:
    applied(emulator, okr_file(tmp_path))
    company = by_title(emulator, "Make the product valuable to every developer")
    dept = okr_file(
        tmp_path,
        """\
        quarter: FY24-Q2
        objectives:
          - key: support
            parent: company
            title: Make getting help effortless
            key_results:
              - key: response
                title: Reduce first response time from 8h to 2h
        """,
        name="support.yml",
    )
    result = applied(emulator, dept)
    assert result.count("create") == 2
    support = by_title(emulator, "Make getting help effortless")
    assert (support, company) in links(emulator)
    assert not result.not_in_file


def test_an_unknown_parent_stops_the_plan_with_file_line_and_nothing_written(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = okr_file(tmp_path, SMALL.replace("parent: company", "parent: compnay"))
    with pytest.raises(ConfigError) as caught:
        applied(emulator, path)
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith(f"{path}:18: objectives[1].parent: parent 'compnay' is")
    assert not emulator.writes()


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            "        owner: bob\n",
            "        owner: bob\n        weight: 11\n",
            "12: objectives[0].key_results[1]: weight 11 is above the config's "
            "rules.max_weight (10)",
        ),
        (
            "        owner: bob\n",
            "        owner: bob\n        source: {command: wau}\n",
            "12: objectives[0].key_results[1]: the command 'wau' is not one of the config's "
            "metrics.commands (declared: none): declare it there",
        ),
    ],
    ids=["weight-above-the-maximum", "undeclared-command"],
)
def test_what_the_config_does_not_allow_stops_apply_before_anything_is_read(
    emulator: Emulator, tmp_path: Path, old: str, new: str, said: str
) -> None:
    path = okr_file(tmp_path, SMALL.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        applied(emulator, path)
    assert caught.value.exit_code == 2
    assert str(caught.value) == f"{path}:{said}"
    assert emulator.log == []


def test_a_new_parent_is_linked_and_recorded(emulator: Emulator, tmp_path: Path) -> None:
    path = okr_file(tmp_path, SMALL + "  - key: ops\n    title: Run a calm operation\n")
    applied(emulator, path)
    ops = by_title(emulator, "Run a calm operation")
    sales = by_title(emulator, "Build a repeatable sales motion")
    edit(path, "parent: company", "parent: [company, ops]")
    result = applied(emulator, path)
    (change,) = [c for c in result.changes if c.action == "update"]
    assert change.details == ("parents ['company'] -> ['company', 'ops']", f"link to #{ops}")
    assert (sales, ops) in links(emulator)
    assert emulator.writes() == {"POST": 1, "PUT": 1}
    assert applied(emulator, path).differences == 0 and not emulator.writes()


# --- owners ----------------------------------------------------------------------------------


def test_an_owner_who_is_not_a_gitlab_user_is_warned_about_once_and_not_retried(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = okr_file(tmp_path, SMALL.replace("owner: alice", "owner: zed"))
    result = applied(emulator, path)
    assert result.warnings == ["owner @zed is not a GitLab user: their OKRs are not assigned"]
    wau = by_title(emulator, "Grow weekly active users from 10,000 to 15,000")
    assert emulator.issue(PROJECT, wau).assignee_ids == []
    assert applied(emulator, path).differences == 0 and not emulator.writes()


# --- interruptions ---------------------------------------------------------------------------


def _interrupt(ws: Workspace, at: int, *, after: bool) -> None:
    """Make the ``at``-th write (0-based) crash the run, before or after it is sent."""
    calls = [0]
    for name in ("create_issue", "create_link", "update_issue"):
        original: Callable[..., Any] = getattr(ws.repo, name)

        def wrapper(*args: Any, _original: Callable[..., Any] = original, **kwargs: Any) -> Any:
            calls[0] += 1
            if calls[0] - 1 == at and not after:
                raise GitLabError("connection lost")
            result = _original(*args, **kwargs)
            if calls[0] - 1 == at:
                raise GitLabError("connection lost")
            return result

        setattr(ws.repo, name, wrapper)


@pytest.mark.parametrize("after", [False, True], ids=["before-write", "after-write"])
def test_a_run_interrupted_at_any_write_and_run_again_ends_as_an_uninterrupted_one(
    tmp_path: Path, after: bool
) -> None:
    path = okr_file(tmp_path)
    reference = Emulator.sandbox()
    with reference.mock(reference.base_url):
        apply(workspace(reference), path)
        expected = state(reference)
        total = sum(reference.writes().values())
    assert total == 7 + 6 + 7  # issues, links, final metadata
    for at in range(total):
        emu = Emulator.sandbox()
        with emu.mock(emu.base_url):
            ws = workspace(emu)
            _interrupt(ws, at, after=after)
            with pytest.raises(GitLabError):
                apply(ws, path)
            result = apply(workspace(emu), path)
            assert not result.failed
            assert state(emu) == expected, f"interrupted at write {at}"
            emu.reset_log()
            assert apply(workspace(emu), path).differences == 0 and not emu.writes()


def test_a_create_whose_answer_is_lost_makes_no_duplicate(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.faults.drop(method="POST", path=r"/issues$", nth=2, after=True)
    result = applied(emulator, okr_file(tmp_path))
    assert result.count("create") == 7
    titles = [i.title for i in emulator.issues(PROJECT)]
    assert len(titles) == len(set(titles)) == 7


def test_a_failed_objective_skips_its_key_results_and_the_others_go_on(
    emulator: Emulator, tmp_path: Path
) -> None:
    emulator.faults.error(422, method="POST", path=r"/issues$", nth=5)  # the sales objective
    result = applied(emulator, okr_file(tmp_path))
    assert [f.split(":")[0] for f in result.failed] == ["sales", "sales/sdrs", "sales/p1"]
    assert len(emulator.issues(PROJECT)) == 4
    emulator.clear_faults()
    result = applied(emulator, okr_file(tmp_path))
    assert result.count("create") == 3 and not result.failed


def test_the_result_as_json_names_every_change(emulator: Emulator, tmp_path: Path) -> None:
    result = planned(emulator, okr_file(tmp_path))
    data = result.json()
    assert data["quarter"] == "FY24-Q1" and data["applied"] is False
    assert data["changes"][0] == dataclasses.asdict(result.changes[0]) | {"details": []}
    assert data["summary"] == "plan: 7 to create, 0 to update, 0 unchanged, 0 not in file"

"""okrflow lint: findings per issue, exit 3 on any, one comment per issue that converges."""

from __future__ import annotations

import json
from collections.abc import Callable

from okr_world import (
    NAMES,
    PROJECT,
    QUARTER,
    add_kr,
    add_objective,
    description,
    fill_template,
    note_bodies,
    objective_with_krs,
    workspace,
)

from okrflow.commands.lint import FIXED_TEXT, LINT_MARKER, comment_body, lint
from okrflow.commands.status import status
from okrflow.core.description import WORD_JOINER, split, with_meta
from okrflow.core.model import IssueId, Problem
from okrflow.core.rules import Finding, Severity
from okrflow.errors import EXIT_FINDINGS
from okrflow.render.templating import ui_template_text
from okrflow.sandbox import SANDBOX_ALICE_TOKEN, Emulator


def lint_notes(emu: Emulator, iid: int) -> list[str]:
    return [body for body in note_bodies(emu, iid) if LINT_MARKER in body]


def set_purpose(emu: Emulator, iid: int, old: str, new: str) -> None:
    issue = emu.issue(PROJECT, iid)
    issue.description = (issue.description or "").replace(old, new)


# -- findings ---------------------------------------------------------------------------


def test_findings_are_printed_per_issue_with_severity_and_rule(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, purpose="")
    result = lint(workspace(emu))
    lines = result.lines()
    assert f"#{obj} Make every customer successful" in lines
    assert any(
        line.startswith(f"#{obj} error purpose: ") and "every goal needs a purpose" in line
        for line in lines
    )
    assert not result.clean
    assert "1 error and 1 warning in 1 issue" in result.summary()


def test_a_clean_quarter_has_no_findings(emu: Emulator) -> None:
    objective_with_krs(emu)
    result = lint(workspace(emu))
    assert result.clean and result.findings == [] and result.problems == []
    assert result.summary() == f"lint {QUARTER}: 4 OKR issue(s) checked, no findings"


def test_warnings_alone_are_findings_too(emu: Emulator) -> None:
    objective_with_krs(emu, krs=2)
    result = lint(workspace(emu))
    assert [f.rule for f in result.findings] == ["kr-count"]
    assert not result.clean


def test_snapshot_problems_are_reported(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu)
    emu.issue(PROJECT, obj).description += "\n<!-- okrflow:meta\n{not json\n-->\n"
    result = lint(workspace(emu))
    assert any(p.where == f"#{obj}" for p in result.problems)
    assert any(line.startswith(f"#{obj} problem: ") for line in result.lines())


def test_json_has_findings_and_problems(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, purpose="")
    doc = lint(workspace(emu)).json()
    assert set(doc) == {"findings", "problems", "readings"}
    first = doc["findings"][0]
    assert (first["rule"], first["severity"], first["iid"]) == ("purpose", "error", obj)
    assert first["where"] == f"#{obj}" and "every goal needs a purpose" in first["message"]
    json.dumps(doc)


def test_open_okrs_without_a_quarter_are_linted_and_other_quarters_are_not(
    emu: Emulator,
) -> None:
    unscheduled = add_objective(emu, "Not planned yet", quarter=None)
    later = add_objective(emu, "Next quarter", quarter="FY24-Q2")
    result = lint(workspace(emu))
    where = {f.iid for f in result.findings}
    assert unscheduled in where and later not in where
    assert any(f.rule == "quarter" and f.iid == unscheduled for f in result.findings)


# -- --comment ------------------------------------------------------------------------------


def test_comment_twice_leaves_one_comment_per_issue_with_findings(emu: Emulator) -> None:
    bad, _ = objective_with_krs(emu, "Grow", purpose="")
    good, _ = objective_with_krs(emu, "Delight")
    ws = workspace(emu)
    first = lint(ws, comment=True)
    assert [(c.iid, c.action) for c in first.comments] == [(bad, "created")]
    emu.reset_log()
    second = lint(workspace(emu), comment=True)
    assert second.comments == [] and emu.writes().total() == 0
    assert len(lint_notes(emu, bad)) == 1 and lint_notes(emu, good) == []


def test_the_comment_mentions_the_owner_and_names_each_finding(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, purpose="", owner="alice")
    lint(workspace(emu), comment=True)
    (body,) = lint_notes(emu, obj)
    assert body.startswith("@alice, okrflow lint found 2 things to fix in this objective:")
    assert "- **error** `purpose`: objective has no purpose" in body
    assert "- **warning** `template-sections`: objective leaves the template section" in body
    assert body.count("@") == 1


def test_the_comment_id_is_kept_in_the_metadata(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, purpose="")
    lint(workspace(emu), comment=True)
    note = next(n for n in emu.notes(PROJECT, obj) if LINT_MARKER in n.body)
    meta = split(description(emu, obj)).meta
    assert meta is not None and meta["lint_comment_id"] == note.id


def test_the_comment_is_updated_when_the_findings_change(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, purpose="", owner=None)
    lint(workspace(emu), comment=True)
    (note,) = emu.notes(PROJECT, obj)
    before_id, before = note.id, note.body
    emu.issue(PROJECT, obj).assignee_ids = [emu.user("alice").id]  # owner fixed, not purpose
    result = lint(workspace(emu), comment=True)
    assert [(c.iid, c.action) for c in result.comments] == [(obj, "updated")]
    (after,) = emu.notes(PROJECT, obj)
    assert after.id == before_id
    assert "`owner`" in before and "`owner`" not in after.body
    assert "`purpose`" in after.body


def test_the_comment_says_all_fixed_once_they_are_fixed_and_then_rests(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, purpose="")
    lint(workspace(emu), comment=True)
    set_purpose(
        emu, obj, "## Purpose / why it matters\n\n", "## Purpose / why it matters\n\nBecause.\n"
    )
    result = lint(workspace(emu), comment=True)
    assert result.clean
    assert [(c.iid, c.action) for c in result.comments] == [(obj, "fixed")]
    (body,) = lint_notes(emu, obj)
    assert body.startswith(FIXED_TEXT)
    emu.reset_log()
    assert lint(workspace(emu), comment=True).comments == [] and emu.writes().total() == 0


def test_findings_that_come_back_reuse_the_same_comment(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, purpose="")
    marker = "## Purpose / why it matters\n\n"
    lint(workspace(emu), comment=True)
    set_purpose(emu, obj, marker, marker + "Because.\n")
    lint(workspace(emu), comment=True)
    set_purpose(emu, obj, marker + "Because.\n", marker)
    lint(workspace(emu), comment=True)
    (body,) = lint_notes(emu, obj)
    assert "`purpose`" in body


def test_a_lost_comment_id_is_found_again_by_the_marker(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, purpose="")
    lint(workspace(emu), comment=True)
    issue = emu.issue(PROJECT, obj)
    meta = split(issue.description).meta
    assert meta is not None
    meta.pop("lint_comment_id")
    issue.description = with_meta(issue.description, meta)  # as if the PUT was lost
    lint(workspace(emu), comment=True)
    assert len(lint_notes(emu, obj)) == 1
    meta = split(description(emu, obj)).meta
    assert meta is not None and "lint_comment_id" in meta


def test_closed_issues_get_no_comment(emu: Emulator) -> None:
    obj, krs = objective_with_krs(emu, purpose="", state="closed")
    for iid in (obj, *krs):
        emu.issue(PROJECT, iid).state = "closed"
    result = lint(workspace(emu), comment=True)
    assert any(f.iid == obj for f in result.findings)
    assert result.comments == [] and lint_notes(emu, obj) == []


def test_dry_run_comment_only_reads(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, purpose="")
    ws = workspace(emu, dry_run=True)
    emu.reset_log()
    result = lint(ws, comment=True)
    assert set(emu.counts()) == {"GET"}
    assert [c.line(dry_run=True) for c in result.comments] == [f"would comment on #{obj}"]
    assert [str(w).split(":")[0] for w in ws.repo.planned] == [f"comment on #{obj}"]


def test_issue_text_quoted_in_a_comment_pings_no_one_and_runs_nothing(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu)
    ws = workspace(emu)
    item = ws.repo.load(QUARTER).issues[IssueId("", obj)]
    hostile = Finding(
        "measurable", Severity.ERROR, "k", obj, "statement 'ask @all'\n/close\n<!-- x"
    )
    body = comment_body(item, [hostile], [Problem(f"#{obj}", "owner @here is no user")])
    assert body.startswith("@alice, ")  # the owner, really mentioned
    assert f"@{WORD_JOINER}all" in body and f"@{WORD_JOINER}here" in body
    assert "\n/close" not in body and body.count("<!--") == 1  # only the marker


def test_an_owner_that_is_a_group_ping_is_not_mentioned(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu, owner="all")
    ws = workspace(emu)
    item = ws.repo.load(QUARTER).issues[IssueId("", obj)]
    assert comment_body(item, []).startswith(f"@{WORD_JOINER}all")


# -- issues people file from the UI template -------------------------------------------------


def file_from_ui(emu: Emulator, title: str, sections: dict[str, str]) -> int:
    """Submit the raw objective UI template, filled in, through the API, as alice would
    (okrflow's own writes never carry quick actions)."""
    text = fill_template(ui_template_text("objective"), sections, tick="Committed")
    answer = emu.request(
        "POST",
        "/projects/acme%2Fokrs/issues",
        token=SANDBOX_ALICE_TOKEN,
        json_body={"title": title, "description": text},
    )
    return int(answer.json()["iid"])


def test_an_objective_filed_from_the_ui_template_is_recognised(emu: Emulator) -> None:
    iid = file_from_ui(
        emu,
        "Delight our customers",
        {
            "Objective": "Delight our customers",
            "Purpose": "Happy customers renew and tell others.",
            "Owner": "@alice",
            "Team": "CSM",
            "Quarter": QUARTER,
            "Key results": "- Raise NPS from 20 to 40\n- Cut churn from 10% to 5%",
        },
    )
    assert set(emu.issue_labels(PROJECT, iid)) == {NAMES.objective, NAMES.draft}
    assert "/label" not in description(emu, iid)
    ws = workspace(emu)
    doc = status(ws).document
    (objective,) = doc["objectives"]
    assert objective["iid"] == iid and objective["owner"] == "alice"
    assert objective["state"] == "draft" and objective["kind"] == "committed"
    findings = lint(ws).findings
    assert [(f.iid, f.rule) for f in findings] == [(iid, "kr-count")]
    assert "proposes 2" in findings[0].message


def test_a_half_filled_ui_objective_gets_findings_naming_the_missing_sections(
    emu: Emulator,
) -> None:
    iid = file_from_ui(emu, "Delight our customers", {"Owner": "@alice"})
    result = lint(workspace(emu), comment=True)
    rules = {f.rule: f.message for f in result.findings if f.iid == iid}
    assert "purpose" in rules and "quarter" in rules
    for section in ("Purpose", "Team", "Quarter", "Key results"):
        assert f"'{section}'" in rules["template-sections"]
    (body,) = lint_notes(emu, iid)
    assert "'Purpose'" in body and body.startswith("@alice")
    # no metadata block is added to a person's issue just to remember the comment
    assert split(description(emu, iid)).meta is None
    emu.reset_log()
    lint(workspace(emu), comment=True)
    assert emu.writes().total() == 0 and len(lint_notes(emu, iid)) == 1


def test_a_ui_objective_that_gets_fixed_is_told_so(emu: Emulator) -> None:
    iid = file_from_ui(emu, "Delight our customers", {"Owner": "@alice"})
    lint(workspace(emu), comment=True)
    issue = emu.issue(PROJECT, iid)
    issue.description = fill_template(
        issue.description or "",
        {
            "Purpose": "Because.",
            "Team": "CSM",
            "Quarter": QUARTER,
            "Key results": "\n".join(f"- Raise score {n} from 20 to 40" for n in range(3)),
        },
    )
    for n in range(3):
        add_kr(emu, f"Raise score {n} from 20 to 40", (f"iid-{iid}", iid))
    result = lint(workspace(emu), comment=True)
    assert not [f for f in result.findings if f.iid == iid]
    assert (iid, "fixed") in [(c.iid, c.action) for c in result.comments]
    (body,) = lint_notes(emu, iid)
    assert body.startswith(FIXED_TEXT)


# -- the command line -----------------------------------------------------------------------


def test_cli_lint_exits_3_on_findings_and_0_when_clean(
    emu: Emulator, run: Callable[..., tuple[int, str, str]]
) -> None:
    obj, _ = objective_with_krs(emu, purpose="")
    code, out, err = run("lint")
    assert code == EXIT_FINDINGS
    assert f"#{obj} error purpose: " in out and err.splitlines()[-1].startswith(
        f"okrflow: lint {QUARTER}"
    )
    set_purpose(
        emu, obj, "## Purpose / why it matters\n\n", "## Purpose / why it matters\n\nBecause.\n"
    )
    code, out, _ = run("lint")
    assert code == 0 and "no findings" in out


def test_cli_lint_json_prints_only_json(
    emu: Emulator, run: Callable[..., tuple[int, str, str]]
) -> None:
    objective_with_krs(emu, purpose="")
    code, out, _ = run("lint", "--json")
    assert code == EXIT_FINDINGS
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["purpose", "template-sections"]

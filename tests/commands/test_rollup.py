"""``okrflow rollup``: check-ins in, progress and health out, and only where something changed."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from rollup_world import (
    NOW,
    PROJECT,
    QUARTER,
    RecordedCheckIn,
    add_kr,
    add_objective,
    comment,
    health_labels,
    meta_of,
    query_source,
    record_of,
    section_of,
    workspace,
    writes,
)

from okrflow.cli.main import cli
from okrflow.commands.result import Line
from okrflow.commands.rollup import RollupResult, rollup
from okrflow.config import Config
from okrflow.core.description import split, with_meta
from okrflow.core.labels import DEFAULT_LABEL_NAMES as NAMES
from okrflow.core.meta import Meta
from okrflow.core.model import Metric, MetricKind, MetricSource, Problem, SourceKind
from okrflow.errors import GitLabError, UsageError
from okrflow.sandbox import SANDBOX_ALICE_TOKEN, SANDBOX_TOKEN, SANDBOX_URL, Emulator

DAY = dt.timedelta(days=1)


def typed(emu: Emulator, iid: int, body: str) -> int:
    """A comment alice types in the GitLab UI (a POST through the API, as alice)."""
    answer = emu.request(
        "POST",
        f"/projects/acme%2Fokrs/issues/{iid}/notes",
        token=SANDBOX_ALICE_TOKEN,
        json_body={"body": body},
    )
    assert answer.status == 201, answer.body
    return int(answer.json()["id"])


@pytest.fixture
def okrs(emulator: Emulator) -> Emulator:
    """Two objectives, one aligned under the other, with check-ins worked out by hand.

    #1 Make the product valuable                  (0.6 + 0.5 + 0 + 2*0.3 + 0.5) / 6 = 0.3667
       #2 WAU 10,000 -> 15,000, recorded 13,000, 80%      0.6   on track
       #3 NPS 25 -> 35, typed "Check-in: 30 confidence 60%"  0.5   on track
       #4 SOC2 (milestone), nothing yet                    0     at risk
       #5 10 logos (weight 2), typed "check-in: 3"         0.3   needs attention
       #6 Win the enterprise market (aligned under #1)     0.5   on track
          #7 pipeline $1M -> $2M, typed "Check-in: $1.5M"   0.5
          #8 churn 5% -> 3%, typed "CHECK-IN: 4% (confidence 0.7)"  0.5
    On 2024-02-15 45/91 of FY24-Q1 has gone: on track from 0.396, needs attention from 0.247.
    """
    emu = emulator
    emu.set_now(NOW - 10 * DAY)
    o1 = add_objective(emu, "Make the product valuable", key="company")
    add_kr(
        emu,
        "Grow weekly active users from 10,000 to 15,000",
        ("company", o1),
        recorded=RecordedCheckIn(NOW - 5 * DAY, 13_000, 0.8, author="bob"),
    )
    add_kr(emu, "Improve developer NPS from 25 to 35", ("company", o1))
    add_kr(emu, "Achieve SOC2 Type 1", ("company", o1))
    add_kr(emu, "Land 10 large enterprise logos", ("company", o1), weight=2)
    o6 = add_objective(emu, "Win the enterprise market", key="sales", parents=[("company", o1)])
    add_kr(emu, "Increase pipeline from $1M to $2M", ("sales", o6))
    add_kr(emu, "Reduce churn from 5% to 3%", ("sales", o6))
    emu.set_now(NOW - DAY)
    typed(emu, 3, "Check-in: 30 confidence 60%\nTwo teams adopted it.")
    typed(emu, 5, "check-in: 3")
    typed(emu, 7, "Check-in: $1.5M")
    typed(emu, 8, "CHECK-IN: 4% (confidence 0.7)")
    emu.set_now(NOW)
    emu.reset_log()
    return emu


def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITLAB_URL", SANDBOX_URL)
    monkeypatch.setenv("GITLAB_TOKEN", SANDBOX_TOKEN)
    monkeypatch.setenv("OKRFLOW_PROJECT", PROJECT)
    monkeypatch.setenv("OKRFLOW_NOW", NOW.isoformat())


def test_progress_computed_by_hand_is_the_same_in_gitlab_status_json_and_the_log(
    okrs: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace(okrs)
    result = rollup(ws, quarter=QUARTER)
    company = 2.2 / 6

    # GitLab: the managed sections and the health labels.
    assert section_of(okrs, 1).splitlines()[0] == (
        "**Progress** `███░░░░░░░` 37% · 🟡 Needs attention"
    )
    rows = section_of(okrs, 1).splitlines()
    assert "| #3 Improve developer NPS from 25 to 35 | `█████░░░░░` 50% | 30 | 60% " in "\n".join(
        rows
    )
    assert any(
        r.startswith("| aligned: #6 Win the enterprise market | `█████░░░░░` 50%") for r in rows
    )
    # a key result's progress, value and health are its row in its objective's table;
    # the key-result issues themselves are not written
    assert "| 1.5M |" not in section_of(okrs, 6)
    assert "| #7 Increase pipeline from $1M to $2M | `█████░░░░░` 50% | $1,500,000 |" in (
        section_of(okrs, 6)
    )
    assert split(okrs.issue(PROJECT, 7).description or "").section is None
    expected_health = {1: [NAMES.needs_attention], 6: [NAMES.on_track]}
    expected_health |= {iid: [] for iid in (2, 3, 4, 5, 7, 8)}
    assert {iid: health_labels(okrs, iid) for iid in expected_health} == expected_health

    # status --json: the report document, read back from GitLab by another command.
    env(monkeypatch)
    shown = CliRunner().invoke(cli, ["status", "--json", "--quarter", QUARTER])
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    objectives = {o["iid"]: o for o in document["objectives"]}
    assert objectives[1]["progress"] == pytest.approx(company)
    assert objectives[6]["progress"] == pytest.approx(0.5)
    assert objectives[6]["parent_iids"] == [1]
    krs = {kr["iid"]: kr for o in document["objectives"] for kr in o["key_results"]}
    assert {iid: kr["progress"] for iid, kr in krs.items()} == pytest.approx(
        {2: 0.6, 3: 0.5, 4: 0.0, 5: 0.3, 7: 0.5, 8: 0.5}
    )
    assert (krs[3]["current"], krs[3]["confidence"]) == (30, 0.6)
    assert (krs[8]["current"], krs[8]["confidence"]) == (4, 0.7)
    assert {iid: kr["health"] for iid, kr in krs.items()}[5] == "needs attention"
    # ... and the rollup's own result agrees.
    assert result.json()["objectives"] == document["objectives"]

    # The log.
    assert (
        "#1 Make the product valuable: 37% needs attention (KRs #2 60%, #3 50%, #4 0%, #5 30%)"
        in (ws.out.lines)
    )
    assert "#6 Win the enterprise market: 50% on track (KRs #7 50%, #8 50%)" in ws.out.lines
    # #2's check-in was recorded before any rollup: new since the last one, like the
    # four typed ones
    assert result.summary() == "rollup FY24-Q1: 6 KRs, 5 new check-ins, 2 issues updated"


def test_a_second_rollup_in_a_row_makes_zero_writes(okrs: Emulator) -> None:
    first = rollup(workspace(okrs), quarter=QUARTER)
    assert first.changed == [1, 6]
    okrs.reset_log()
    second = rollup(workspace(okrs), quarter=QUARTER)
    assert second.changed == [] and second.new_checkins == 0
    # one listing page of the quarter, one of the KPIs, one of the open issues with no
    # quarter label (adoption, commands.adopt), no comments read
    assert okrs.counts() == {"GET": 3}
    assert second.document["objectives"] == first.document["objectives"]


@pytest.mark.parametrize("normalize", [True, False], ids=["gitlab-strips", "kept-as-given"])
def test_a_second_rollup_writes_nothing_whatever_gitlab_did_to_the_text(
    okrs: Emulator, normalize: bool
) -> None:
    # A person's text with Windows line ends and a trailing blank line: GitLab stores
    # okrflow's write without "\r" and trailing whitespace (its quick-action pass), or,
    # for a user who may not run quick actions (a bot), as given.
    okrs.normalize_text = normalize
    for issue in okrs.issues(PROJECT):
        issue.description = "Notes\r\n\r\nmore  \r\n" + (issue.description or "") + "\n\n"
    first = rollup(workspace(okrs), quarter=QUARTER)
    stored = okrs.issue(PROJECT, 1).description or ""
    assert first.changed == [1, 6]
    # okrflow's write path drops \r as GitLab does (the neutraliser), whatever GitLab keeps
    assert stored.startswith("Notes\n\nmore  \n")
    assert stored.endswith("-->") if normalize else stored.endswith("-->\n\n")
    okrs.reset_log()

    second = rollup(workspace(okrs), quarter=QUARTER)

    assert second.changed == [] and writes(okrs) == 0
    assert okrs.issue(PROJECT, 1).description == stored


def test_a_comment_typed_in_gitlab_is_picked_up_by_the_next_rollup(okrs: Emulator) -> None:
    rollup(workspace(okrs), quarter=QUARTER)
    okrs.set_now(NOW + DAY)
    note = typed(okrs, 4, "**Check-in:** 1\nAuditor signed off.")
    okrs.reset_log()
    result = rollup(workspace(okrs, now=NOW + DAY), quarter=QUARTER)
    assert result.new_checkins == 1
    # found in the batch of comment events: no comments read per key result
    routes = okrs.counts_by_route()
    assert routes["GET /projects/:id/events"] == 1
    assert "GET /projects/:id/issues/:issue_iid/notes" not in routes
    meta = record_of(okrs, 4)
    assert meta.checkin is not None
    assert (meta.checkin.value, meta.checkin.note_id, meta.checkin.author) == (1, note, "alice")
    assert "| #4 Achieve SOC2 Type 1 | `██████████` 100% | done |" in section_of(okrs, 1)
    assert health_labels(okrs, 4) == []
    # #1 alone, whose row, progress and record changed ((0.6+0.5+1+0.6+0.5)/6).
    assert result.changed == [1]
    assert section_of(okrs, 1).startswith("**Progress** `█████░░░░░` 53%")


def _current(result: RollupResult, iid: int) -> object:
    document = result.document
    krs = {kr["iid"]: kr for o in document["objectives"] for kr in o["key_results"]}
    return krs[iid]["current"]


def test_a_typed_check_in_comes_in_the_batch_an_edited_or_deleted_one_by_its_own_read(
    okrs: Emulator,
) -> None:
    rollup(workspace(okrs), quarter=QUARTER)
    notes_route = "GET /projects/:id/issues/:issue_iid/notes"

    # typed between two rollups: found in the batch of comment events
    later = NOW + DAY
    okrs.set_now(later)
    note = typed(okrs, 5, "Check-in: 8")
    okrs.reset_log()
    typed_in = rollup(workspace(okrs, now=later), quarter=QUARTER)
    routes = okrs.counts_by_route()
    assert routes["GET /projects/:id/events"] == 1 and notes_route not in routes
    assert (_current(typed_in, 5), typed_in.new_checkins, typed_in.changed) == (8, 1, [1])

    # alice fixes the value an hour later: GitLab lists #5 as changed with no new comment
    later += dt.timedelta(hours=1)
    okrs.set_now(later)
    answer = okrs.request(
        "PUT",
        f"/projects/acme%2Fokrs/issues/5/notes/{note}",
        token=SANDBOX_ALICE_TOKEN,
        json_body={"body": "Check-in: 6"},
    )
    assert answer.status == 200
    okrs.reset_log()
    edited = rollup(workspace(okrs, now=later), quarter=QUARTER)
    assert (_current(edited, 5), edited.changed) == (6, [1])
    assert [r.path for r in okrs.log if r.path.endswith("/notes")] == [
        "/api/v4/projects/acme%2Fokrs/issues/5/notes"
    ]
    assert okrs.counts_by_route()["GET /projects/:id/events"] == 1
    # 9 requests, within ceil(N/100) + the changed issues + a small constant: the
    # listing page (8 issues), the KPIs' page and the page of OKRs with no quarter
    # label (adoption), the comment events, okrflow's user and the members (whose
    # check-ins count), #5's comments, the re-check listing before writing, and #1's
    # PUT (its row for #5 and the record of #5's check-ins)
    assert sum(okrs.counts().values()) == 9

    # deleted: the count fell; #5's comments are read again and its check-in is gone
    okrs.request(
        "DELETE", f"/projects/acme%2Fokrs/issues/5/notes/{note}", token=SANDBOX_ALICE_TOKEN
    )
    okrs.reset_log()
    deleted = rollup(workspace(okrs, now=later), quarter=QUARTER)
    assert _current(deleted, 5) == 3  # the check-in typed before
    assert okrs.counts_by_route()[notes_route] == 1
    assert [c.value for c in record_of(okrs, 5).checkins] == [3]
    okrs.reset_log()
    assert rollup(workspace(okrs, now=later), quarter=QUARTER).changed == []
    assert okrs.counts() == {"GET": 3}  # the listings: the quarter, KPIs, no quarter


def test_a_malformed_check_in_is_a_problem_naming_issue_and_comment_and_the_rest_rolls_up(
    okrs: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = typed(okrs, 4, "Check-in: lots")
    env(monkeypatch)
    shown = CliRunner().invoke(cli, ["rollup", "--quarter", QUARTER, "--json"])
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    assert set(document) >= {"quarter", "changed", "problems", "objectives"}
    assert document["quarter"] == QUARTER
    assert {
        "where": f"#4 note {bad}",
        "message": "check-in value 'lots': a milestone is done or not: write 'done' or "
        "'not done' (or 1 or 0)",
    } in document["problems"]
    assert document["changed"] == [1, 6]
    assert health_labels(okrs, 6) == [NAMES.on_track]  # the others were rolled up


def test_an_issue_that_cannot_be_written_is_a_problem_and_the_run_succeeds(
    okrs: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    okrs.faults.error(403, method="PUT", path=r"/issues/6$")
    env(monkeypatch)
    shown = CliRunner().invoke(cli, ["rollup", "--quarter", QUARTER, "--json"])
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    assert document["changed"] == [1]
    problem = next(p for p in document["problems"] if p["where"] == "#6")
    assert problem["message"].startswith("not updated: GitLab refused to update issue #6 (403")


def test_a_health_label_on_a_key_result_is_removed_and_a_persons_text_is_kept(
    okrs: Emulator,
) -> None:
    # health labels an earlier okrflow gave a key result would go stale: removed once
    issue = okrs.issue(PROJECT, 2)
    issue.description = "Context a person wrote.\n\n" + (issue.description or "")
    okrs.request(
        "PUT",
        "/projects/acme%2Fokrs/issues/2",
        token=SANDBOX_TOKEN,
        json_body={"add_labels": f"{NAMES.at_risk},{NAMES.needs_attention}"},
    )
    result = rollup(workspace(okrs), quarter=QUARTER)
    assert result.changed == [1, 2, 6]
    assert health_labels(okrs, 2) == []
    assert okrs.issue(PROJECT, 2).description.startswith("Context a person wrote.\n\n## Key result")
    okrs.reset_log()
    assert rollup(workspace(okrs), quarter=QUARTER).changed == []


def test_dry_run_reads_and_plans_but_writes_nothing(okrs: Emulator) -> None:
    ws = workspace(okrs, dry_run=True)
    result = rollup(ws, quarter=QUARTER)
    assert result.dry_run and result.changed == [1, 6]
    assert writes(okrs) == 0
    assert result.planned is ws.repo.planned and len(result.planned) == 2
    assert [str(w).split(":")[0] for w in result.planned] == [
        f"update issue #{iid}" for iid in (1, 6)
    ]
    assert result.lines()[-1] == (
        "rollup FY24-Q1 (dry run): 6 KRs, 5 new check-ins, 2 issues would be updated"
    )


def test_a_plain_comment_is_read_once_then_no_more(okrs: Emulator) -> None:
    rollup(workspace(okrs), quarter=QUARTER)
    typed(okrs, 2, "Great progress, thanks all!")
    okrs.reset_log()
    first = rollup(workspace(okrs), quarter=QUARTER)
    # the comment count recorded, in #2's entry in its objective; the comment came with
    # the batch of comment events
    assert first.new_checkins == 0 and first.changed == [1]
    assert "GET /projects/:id/issues/:issue_iid/notes" not in okrs.counts_by_route()
    okrs.reset_log()
    assert rollup(workspace(okrs), quarter=QUARTER).changed == []
    assert okrs.counts() == {"GET": 3}  # the quarter, the KPIs, the OKRs of no quarter


def test_a_closed_issue_loses_its_health_label_and_shows_its_grade_and_outcome(
    okrs: Emulator,
) -> None:
    """Closed in GitLab's UI, after a rollup gave it a health label: the next rollup
    swaps the health label for the grade, the section shows score, grade and outcome
    (none recorded), its comments are not read, and a second rollup writes nothing."""
    rollup(workspace(okrs), quarter=QUARTER)
    assert not any(label.startswith("okr-health::") for label in okrs.issue_labels(PROJECT, 8))
    okrs.request(
        "PUT",
        "/projects/acme%2Fokrs/issues/8",
        token=SANDBOX_TOKEN,
        json_body={"state_event": "close", "add_labels": NAMES.closed},
    )
    okrs.reset_log()

    result = rollup(workspace(okrs), quarter=QUARTER)

    assert 8 in result.changed
    labels = okrs.issue_labels(PROJECT, 8)
    assert not [label for label in labels if label.startswith("okr-health::")]
    assert [label for label in labels if label.startswith("okr-grade::")] == [NAMES.yellow]
    section = split(okrs.issue(PROJECT, 8).description or "").section or ""
    assert "grade yellow · outcome not recorded" in section
    assert "On track" not in section.splitlines()[0]
    assert "/issues/8/notes" not in " ".join(r.path for r in okrs.log)
    okrs.reset_log()
    rollup(workspace(okrs), quarter=QUARTER)
    assert set(okrs.counts()) == {"GET"}


# -- request economy at 1,000 issues ----------------------------------------------------------


def seed(emu: Emulator, objectives: int) -> list[int]:
    """``objectives`` objectives with 4 key results each, written straight into the state;
    returns the key results' iids."""
    krs: list[int] = []
    for n in range(objectives):
        iid = emu.project(PROJECT).next_iid
        meta = Meta(type="objective", key=f"o{n}", iid=iid)
        emu.add_issue(
            PROJECT,
            f"Objective {n}",
            description=with_meta(f"## Purpose\n\nWhy {n}.\n", meta.to_dict()),
            labels=[NAMES.objective, NAMES.active, QUARTER],
        )
        for k in range(4):
            kr_iid = iid + 1 + k
            kr_meta = Meta(
                type="kr",
                key=f"o{n}-k{k}",
                iid=kr_iid,
                objective=f"o{n}",
                objective_iid=iid,
                metric=Metric(MetricKind.LINEAR, 0, 100),
            )
            emu.add_issue(
                PROJECT,
                f"Raise score {n}.{k} from 0 to 100",
                description=with_meta(f"## Objective\n\n#{iid}\n", kr_meta.to_dict()),
                labels=[NAMES.key_result, NAMES.active, QUARTER],
            )
            krs.append(kr_iid)
    return krs


def test_request_economy_at_300_issues(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 issues (3 listing pages) show the same per-page and per-issue rules as 1,000
    # did in a quarter of the time; benchmarks/rollup.py measures 1,000 to 10,000
    # one re-check listing for the whole run: on a slow machine the run outlasts the
    # 10 s a listing is reused, and the count would depend on the machine's speed
    monkeypatch.setattr("okrflow.adapter.recheck.FRESH_FOR", 1e9)
    emu = emulator
    emu.set_now(NOW - 2 * DAY)
    krs = seed(emu, 60)
    n = 300
    pages = math.ceil(n / 100)
    rollup(workspace(emu), quarter=QUARTER)  # sections and health labels in place

    # Warm: nothing changed since.
    emu.reset_log()
    warm = rollup(workspace(emu), quarter=QUARTER)
    assert warm.changed == []
    assert emu.counts()["GET"] == pages + 2  # + the KPIs, + the OKRs of no quarter
    assert writes(emu) == 0

    # Cold: every key result has a new check-in comment.
    emu.set_now(NOW - DAY)
    for number, iid in enumerate(krs):
        comment(emu, iid, f"Check-in: {number % 100}")
    emu.reset_log()
    cold = rollup(workspace(emu), quarter=QUARTER)
    assert cold.new_checkins == len(krs)
    # only the objectives are written: each one's table shows its key results
    assert cold.changed == sorted(set(range(1, n + 1)) - set(krs))
    events = math.ceil(len(krs) / 100)
    # the listing, the KPIs' listing, the OKRs of no quarter (adoption), the
    # comment events (100 a page), who okrflow's user is and the members (whose
    # check-ins count), one PUT per objective, + one listing of
    # what changed since the read, before the first description write (here the key
    # results the comments touched: the emulator's clock stands still, so they share
    # the read's newest updated_at; in GitLab only the issues changed meanwhile,
    # normally one page)
    recheck = math.ceil(len(krs) / 100)
    adoption = 1
    total = pages + 1 + adoption + events + 2 + len(cold.changed) + recheck
    assert sum(emu.counts().values()) == total
    routes = emu.counts_by_route()
    assert routes["GET /projects/:id/events"] == events
    assert "GET /projects/:id/issues/:issue_iid/notes" not in routes
    assert "GET /projects/:id/issues/:issue_iid/links" not in routes

    emu.reset_log()
    assert rollup(workspace(emu), quarter=QUARTER).changed == []
    assert writes(emu) == 0


# -- metric sources in a rollup --------------------------------------------------------------


def test_a_key_result_measured_by_a_gitlab_query_gets_the_right_value(emulator: Emulator) -> None:
    emu = emulator
    emu.set_now(NOW - 60 * DAY)
    obj = add_objective(emu, "Keep the lights on", key="klo")
    kr = add_kr(
        emu,
        "Close 20 support issues a month",
        ("klo", obj),
        metric=Metric(MetricKind.COUNT, 0, 20),
        source=query_source(labels=["support"], state="closed", window_days=30),
    )
    for n, (opened, closed) in enumerate(
        [(50, 40), (45, 31), (40, 29), (20, 10), (8, 1), (3, None)]
    ):
        emu.set_now(NOW - opened * DAY)
        ticket = emu.add_issue(PROJECT, f"Ticket {n}", labels=["support"]).iid
        if closed is not None:
            emu.set_now(NOW - closed * DAY)
            emu.request(
                "PUT",
                f"/projects/acme%2Fokrs/issues/{ticket}",
                token=SANDBOX_TOKEN,
                json_body={"state_event": "close"},
            )
    emu.set_now(NOW)
    result = rollup(workspace(emu), quarter=QUARTER)
    recorded = record_of(emu, kr).checkin
    assert recorded is not None
    assert (recorded.value, recorded.source, recorded.at) == (3, "query", NOW)  # 29, 10, 1 days ago
    assert "| 3 | — | 2024-02-15 (query) |" in section_of(emu, obj)
    kr_doc = result.document["objectives"][0]["key_results"][0]
    assert kr_doc["progress"] == pytest.approx(0.15)
    # Next day, same count: the value keeps its time, nothing is written.
    emu.reset_log()
    again = rollup(workspace(emu, now=NOW + DAY), quarter=QUARTER)
    assert again.changed == [] and writes(emu) == 0


def test_a_key_result_measured_by_its_initiatives(emulator: Emulator) -> None:
    emu = emulator
    emu.set_now(NOW - 10 * DAY)
    obj = add_objective(emu, "Ship the roadmap", key="roadmap")
    kr = add_kr(
        emu,
        "Deliver 100% of the roadmap epics",
        ("roadmap", obj),
        metric=Metric(MetricKind.LINEAR, 0, 100, "%"),
        source=MetricSource(SourceKind.INITIATIVES),
    )
    emu.add_project("acme/app")
    for n, state in enumerate(["closed", "opened", "closed", "opened"], start=1):
        emu.add_issue("acme/app", f"Epic {n}", state=state)
        emu.request(
            "POST",
            f"/projects/acme%2Fokrs/issues/{kr}/links",
            token=SANDBOX_TOKEN,
            json_body={"target_project_id": "acme/app", "target_issue_iid": n},
        )
    emu.request(  # the hierarchy link to the objective is not an initiative
        "POST",
        f"/projects/acme%2Fokrs/issues/{kr}/links",
        token=SANDBOX_TOKEN,
        json_body={"target_project_id": PROJECT, "target_issue_iid": obj},
    )
    outside = rollup(workspace(emu), quarter=QUARTER)  # acme/app is not an allowed scope
    assert outside.document["objectives"][0]["key_results"][0]["initiatives"] == []
    assert [p.where for p in outside.problems] == [f"#{kr}"]
    allowed = Config.model_validate({"metrics": {"allowed_scopes": ["acme/app"]}})
    result = rollup(workspace(emu, config=allowed), quarter=QUARTER)
    kr_doc = result.document["objectives"][0]["key_results"][0]
    assert kr_doc["current"] == 50.0
    assert [i["ref"] for i in kr_doc["initiatives"]] == [f"acme/app#{n}" for n in range(1, 5)]


def test_a_command_source_takes_its_value_from_the_values_file(
    emulator: Emulator, tmp_path: Path
) -> None:
    emu = emulator
    obj = add_objective(emu, "Delight developers", key="dx")
    kr = add_kr(
        emu,
        "Improve developer NPS from 25 to 35",
        ("dx", obj),
        source=MetricSource(SourceKind.COMMAND, {"command": "nps"}),
    )
    config = Config.model_validate({"metrics": {"commands": {"nps": ["python3", "nps.py"]}}})
    without = rollup(workspace(emu, config=config), quarter=QUARTER)
    assert [(p.where, p.message) for p in without.problems] == [
        (
            f"#{kr}",
            "measured by the command 'nps': run okrflow measure in a job without the token, "
            "and give its file to rollup --values",
        )
    ]
    values = tmp_path / "okrflow-values.json"
    at = (NOW - DAY).isoformat()
    entry = {"name": "nps", "value": 31.0, "printed": "31", "measured_at": at, "problem": None}
    values.write_text(json.dumps({"schema": 1, "measured_at": at, "values": [entry]}))

    result = rollup(workspace(emu, config=config), quarter=QUARTER, values=values)

    assert result.problems == []
    assert result.document["objectives"][0]["key_results"][0]["current"] == 31
    recorded = record_of(emu, kr).checkin
    assert recorded is not None and (recorded.source, recorded.at) == ("command", NOW - DAY)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("not json", "is not JSON"),
        ('{"schema": 1, "values": [{"name": "nps", "value": "31"}]}', "is not a number"),
        ('{"values": []}', "is not a values file of this okrflow"),
        ("[" * 100_000 + "]" * 100_000, "is not JSON"),
    ],
)
def test_a_values_file_that_is_not_what_okrflow_measure_writes_is_bad_input(
    emulator: Emulator, tmp_path: Path, text: str, words: str
) -> None:
    values = tmp_path / "values.json"
    values.write_text(text)
    emulator.reset_log()
    with pytest.raises(UsageError, match=words):
        rollup(workspace(emulator), quarter=QUARTER, values=values)
    assert emulator.log == []  # refused before anything was asked of GitLab


def test_metadata_copied_from_another_issue_is_not_taken_over(okrs: Emulator) -> None:
    """A person copied #2's description into #5: #5's own comments still count."""
    issue5 = okrs.issue(PROJECT, 5)
    copied = split(okrs.issue(PROJECT, 2).description).meta
    assert copied is not None
    issue5.description = with_meta(issue5.description, copied)
    rollup(workspace(okrs), quarter=QUARTER)
    meta = meta_of(okrs, 5)
    assert meta.iid == 5 and meta.key != copied["key"]
    assert meta.checkin is not None and meta.checkin.value == 3


def test_comments_that_cannot_be_read_are_a_problem_and_are_read_next_time(okrs: Emulator) -> None:
    # the batch of comment events cannot be read: each key result whose comment count
    # moved has its own comments read, as before batches; #5's cannot be read either
    okrs.faults.error(403, method="GET", path=r"/events$")
    okrs.faults.error(404, method="GET", path=r"/issues/5/notes")
    first = rollup(workspace(okrs), quarter=QUARTER)
    assert Problem("#5", "check-ins not read") in [
        Problem(p.where, p.message.split(":")[0]) for p in first.problems
    ]
    notes = okrs.counts_by_route()["GET /projects/:id/issues/:issue_iid/notes"]
    assert notes == 4  # 3, 5, 7, 8 (#2's check-in was recorded with its count)
    assert first.new_checkins == 4 and first.changed == [1, 6]  # #2, #3, #7, #8
    assert record_of(okrs, 5).notes_count is None  # so the next rollup tries again
    okrs.clear_faults()
    second = rollup(workspace(okrs), quarter=QUARTER)
    assert second.new_checkins == 1 and second.problems == []
    assert section_of(okrs, 1).startswith("**Progress** `███░░░░░░░` 37%")


def test_every_problem_is_named_in_the_log_also_those_of_the_issues_read(okrs: Emulator) -> None:
    issue = okrs.issue(PROJECT, 5)
    issue.description = (issue.description or "").replace('"type": "kr"', '"type": "kr",,')
    ws = workspace(okrs)
    result = rollup(ws, quarter=QUARTER)
    assert result.problems
    warned = [line.text for line in result.lines() if isinstance(line, Line)]
    assert warned == [f"{p.where}: {p.message}" for p in result.problems]
    assert all(line.level == "warning" for line in result.lines()[:-1])
    assert any(line.startswith("#5: ") for line in warned)


def test_a_broken_metadata_block_is_replaced_keeping_the_key_it_still_shows(okrs: Emulator) -> None:
    issue = okrs.issue(PROJECT, 5)
    issue.description = (issue.description or "").replace('"type": "kr"', '"type": "kr",,')
    rollup(workspace(okrs), quarter=QUARTER)
    meta = meta_of(okrs, 5)
    assert (meta.key, meta.type, meta.iid, meta.objective) == ("kr-5", "kr", 5, "company")
    assert meta.checkin is not None and meta.checkin.value == 3
    okrs.reset_log()
    assert rollup(workspace(okrs), quarter=QUARTER).changed == []


# -- the listing: pages requested a few at a time -------------------------------------------


@pytest.mark.parametrize("count_limit", [10_000, 150], ids=["totals", "no-totals"])
def test_pages_requested_a_few_at_a_time_give_the_same_issues_in_order(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, count_limit: int
) -> None:
    """Above the count limit (10,000 on GitLab) there is no X-Total-Pages: one page after
    another, as python-gitlab does."""
    monkeypatch.setattr("okrflow.sandbox.pagination.COUNT_LIMIT", count_limit)
    seed(emulator, 50)  # 250 issues: 3 pages
    gl = workspace(emulator).repo
    emulator.reset_log()
    one_by_one = [r.iid for r in gl.list_issues(labels=[QUARTER])]
    assert emulator.counts() == {"GET": 3}
    emulator.reset_log()
    overlapping = [r.iid for r in gl.list_issues(labels=[QUARTER], page_workers=3)]
    assert emulator.counts() == {"GET": 3}
    assert overlapping == one_by_one == list(range(1, 251))


def test_when_gitlab_keeps_failing_the_rest_is_done_and_the_run_exits_1_to_be_run_again(
    okrs: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "okrflow.yml"
    config.write_text("gitlab:\n  retries: 1\n", encoding="utf-8")
    okrs.faults.error(500, method="PUT", path=r"/issues/6$")
    env(monkeypatch)
    args = ["rollup", "--quarter", QUARTER, "--json", "--config", str(config)]
    failed = CliRunner().invoke(cli, args, standalone_mode=False)
    assert isinstance(failed.exception, GitLabError) and failed.exception.exit_code == 1
    assert failed.exception.message == (
        "rollup FY24-Q1: GitLab kept failing (500) on 1 issue; 1 of 2 updates done; "
        "run rollup again to finish (it resumes safely)"
    )
    document = json.loads(failed.stdout)
    assert (document["changed"], document["failed"]) == ([1], [6])
    okrs.clear_faults()
    okrs.reset_log()
    again = CliRunner().invoke(cli, args, standalone_mode=False)
    assert again.exception is None
    assert json.loads(again.stdout)["changed"] == [6]
    # #6's key results, whose check-ins #6 did not record, had their own comments read
    # (the batch's watermark, recorded in #1, is past their comments)
    notes = [r.path for r in okrs.log if r.path.endswith("/notes")]
    assert sorted(notes) == [f"/api/v4/projects/acme%2Fokrs/issues/{i}/notes" for i in (7, 8)]

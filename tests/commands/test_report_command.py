"""okrflow report: every format with status's numbers, one report issue, inert issue text."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from okr_seed import (
    KR,
    PROJECT,
    Obj,
    at,
    record_checkin,
    sample_objectives,
    seed,
    workspace,
    writes,
)

from okrflow.cli.main import cli
from okrflow.commands.report import default_kind, find_report_issue, report
from okrflow.commands.status import status
from okrflow.commands.workspace import Workspace
from okrflow.core.model import State
from okrflow.core.scoring import score_for
from okrflow.errors import UsageError
from okrflow.render import display
from okrflow.sandbox import Emulator

CLOSING_DAY = at("2024-03-26", 10)  # the closing ceremony of FY24-Q1 is on 2024-03-25
MID_QUARTER = at("2024-02-15", 10)


def ws_at(emu: Emulator, moment: Any = CLOSING_DAY, **kw: Any) -> Workspace:
    return workspace(emu.base_url, emu.default_token or "", now=moment, **kw)


def report_issues(emu: Emulator) -> list[Any]:
    return [i for i in emu.issues(PROJECT) if "okr::report" in emu.issue_labels(PROJECT, i.iid)]


def live_mentions(text: str) -> list[str]:
    """Mentions GitLab would find once the Markdown is rendered (escapes and entities undone)."""
    plain = html.unescape(re.sub(r"\\(.)", r"\1", text))
    return re.findall(r"(?<![\w])@[A-Za-z0-9_][\w.\-/]*", plain)


def section(md: str, ref: str) -> str:
    start = md.index(f"### {ref} ")
    end = re.compile(r"^#{2,3} ", re.M).search(md, start + 4)
    return md[start : end.start() if end else len(md)]


def article(page: str, ref: str) -> str:
    start = page.index(f'<h3><span class="ref">{ref}</span>')
    return html.unescape(page[page.rindex("<article", 0, start) : page.index("</article>", start)])


@pytest.mark.parametrize(("moment", "kind"), [(CLOSING_DAY, "closing"), (MID_QUARTER, "progress")])
def test_every_format_shows_the_numbers_of_status(
    emulator: Emulator, tmp_path: Path, moment: Any, kind: str
) -> None:
    seed(emulator, sample_objectives())
    ws = ws_at(emulator, moment)
    result = report(ws, output=tmp_path, formats=("md", "html", "json"))
    assert result.kind == kind
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "okrflow-report-FY24-Q1.html",
        "okrflow-report-FY24-Q1.json",
        "okrflow-report-FY24-Q1.md",
    ]
    written = json.loads((tmp_path / "okrflow-report-FY24-Q1.json").read_text())
    md = (tmp_path / "okrflow-report-FY24-Q1.md").read_text()
    page = (tmp_path / "okrflow-report-FY24-Q1.html").read_text()
    expected = status(ws).document
    assert [o["iid"] for o in written["objectives"]] == [o["iid"] for o in expected["objectives"]]
    for got, want in zip(written["objectives"], expected["objectives"], strict=True):
        assert (got["progress"], got["health"]) == (want["progress"], want["health"])
        # closing: active objectives are scored as they would close today
        assert got["score"] == (score_for(want["progress"]) if kind == "closing" else None)
        for kr, want_kr in zip(got["key_results"], want["key_results"], strict=True):
            for field in ("progress", "health", "current", "confidence", "start", "target"):
                assert kr[field] == want_kr[field], (kr["key"], field)
        ref = f"#{got['iid']}"
        for shown in (section(md, ref), article(page, ref)):
            assert display.percent(got["progress"]) in shown
            if kind == "closing":  # the grade its score earns, not its live health
                assert display.grade_label(got["grade"]) in shown
            else:
                assert display.health_label(got["health"]) in shown
            if got["score"] is not None:
                assert display.score(got["score"]) in shown
            for kr in got["key_results"]:
                assert display.value(kr["current"], kr["unit"]) in shown
                assert display.percent(kr["progress"]) in shown


def test_the_closing_trend_reads_the_whole_quarter_from_the_comments(
    emulator: Emulator, tmp_path: Path
) -> None:
    objectives = seed(emulator, sample_objectives())
    wau = objectives[0].krs[0]
    # a check-in written after rollup last ran is not shown: the report agrees with status
    emulator.add_note(PROJECT, wau.iid, "Check-in: 14,900", author="bob", created_at=CLOSING_DAY)
    result = report(ws_at(emulator), output=tmp_path, formats=("json",))
    kr = result.document["objectives"][0]["key_results"][0]
    assert [c["value"] for c in kr["checkins"]] == [10_800, 12_000, 13_500]
    assert kr["current"] == 13_500
    # a report as of mid-quarter counts what was checked in by then: none of these yet
    progress = report(ws_at(emulator, MID_QUARTER), output=tmp_path, formats=("json",))
    early = progress.document["objectives"][0]["key_results"][0]
    assert (early["checkins"], early["current"], early["progress"]) == ([], None, 0.0)


def test_default_kind_follows_the_schedules_closing_date(emulator: Emulator) -> None:
    ws = ws_at(emulator, at("2024-03-24"))
    quarter = ws.quarter("FY24-Q1")
    assert default_kind(ws, quarter) == "progress"
    ws.now = lambda: at("2024-03-25")
    assert default_kind(ws, quarter) == "closing"


def test_output_may_name_the_file_of_a_single_format(emulator: Emulator, tmp_path: Path) -> None:
    seed(emulator, sample_objectives())
    target = tmp_path / "out" / "closing.md"
    result = report(ws_at(emulator), output=target, formats=("md",))
    assert result.files == {"md": target}
    assert target.read_text().startswith("# OKR closing ceremony: FY24-Q1")
    with pytest.raises(UsageError, match="single --format"):
        report(ws_at(emulator), output=tmp_path / "x.md", formats=("md", "json"))


def test_post_twice_makes_one_issue_and_the_second_run_writes_nothing(
    emulator: Emulator, tmp_path: Path
) -> None:
    seed(emulator, sample_objectives())
    first = report(ws_at(emulator), output=tmp_path, post=True)
    assert first.post is not None and first.post.action == "created"
    emulator.reset_log()
    later = at("2024-03-26", 18)  # a new generation time alone is no change
    second = report(ws_at(emulator, later), output=tmp_path, post=True)
    assert second.post is not None and second.post.action == "unchanged"
    assert writes(emulator) == 0
    issues = report_issues(emulator)
    assert len(issues) == 1
    issue = issues[0]
    assert issue.title == "OKR closing ceremony: FY24-Q1"
    assert sorted(emulator.issue_labels(PROJECT, issue.iid)) == ["FY24-Q1", "okr::report"]
    assert issue.description.startswith("<!-- okrflow:report ")
    assert "## Live view" in issue.description
    glql = issue.description.split("```glql\n", 1)[1].split("```", 1)[0]
    assert glql.splitlines() == [
        "display: table",
        'fields: title, labels("okr-status::*"), labels("okr-health::*"), assignee, updated',
        "limit: 100",
        'query: project = "acme/okrs" and label = "FY24-Q1" and label in '
        '("okr::objective", "okr::key result")',
    ]


def test_a_changed_quarter_updates_the_same_issue(emulator: Emulator, tmp_path: Path) -> None:
    objectives = seed(emulator, sample_objectives())
    report(ws_at(emulator), output=tmp_path, post=True)
    record_checkin(emulator, objectives[0].krs[1].iid, 5, at("2024-03-25"))  # the logos KR
    emulator.reset_log()
    again = report(ws_at(emulator), output=tmp_path, post=True)
    assert again.post is not None and again.post.action == "updated"
    assert emulator.counts_by_route()["PUT /projects/:id/issues/:issue_iid"] == 1
    assert emulator.writes()["POST"] == 0
    (only,) = report_issues(emulator)
    assert "| 5 large enterprise logos |" in only.description  # the logos KR's final value
    progress = report(ws_at(emulator), output=tmp_path, post=True, kind="progress")
    assert progress.post is not None and progress.post.action == "created"
    assert len(report_issues(emulator)) == 2  # one per quarter and kind
    assert find_report_issue(ws_at(emulator), "FY24-Q1", "closing")[0] is not None


def test_a_dry_run_writes_no_file_and_no_issue(emulator: Emulator, tmp_path: Path) -> None:
    seed(emulator, sample_objectives())
    ws = ws_at(emulator, dry_run=True)
    result = report(ws, output=tmp_path / "r", post=True)
    assert not (tmp_path / "r").exists()
    assert result.post is not None
    assert result.post.line(dry_run=True) == (
        "would create the report issue: a new issue titled 'OKR closing ceremony: FY24-Q1'"
    )
    assert writes(emulator) == 0
    assert [str(w) for w in ws.repo.planned] == [
        "create a new issue titled 'OKR closing ceremony: FY24-Q1': labels okr::report, FY24-Q1"
    ]


HOSTILE = "Own @all the <script>alert(1)</script> things {{ x }} {% if 1 %}yes{% endif %}"


def test_issue_text_pings_no_one_runs_no_script_and_is_never_evaluated(
    emulator: Emulator, tmp_path: Path
) -> None:
    seed(
        emulator,
        [
            Obj(
                "hostile",
                HOSTILE,
                "Company",
                "alice",
                [
                    KR("k1", "Grow @here signups from 10 to 20 {{ x }}", "bob"),
                    KR("k2", "Land 5 <script>x()</script> logos", "alice"),
                    KR("k3", "Achieve SOC2 Type 1 @all", "bob"),
                ],
                purpose="Because @all of <b>us</b> {{ config }}",
            )
        ],
    )
    result = report(ws_at(emulator), output=tmp_path, post=True)
    md = (tmp_path / "okrflow-report-FY24-Q1.md").read_text()
    page = (tmp_path / "okrflow-report-FY24-Q1.html").read_text()
    doc = json.loads((tmp_path / "okrflow-report-FY24-Q1.json").read_text())
    (posted,) = report_issues(emulator)
    assert result.post is not None
    assert doc["objectives"][0]["title"] == HOSTILE  # the data is kept as written
    for text in (md, posted.description):
        assert live_mentions(text) == []
        assert "<script>" not in text and "<b>" not in text
        assert "{{ x }}" in html.unescape(re.sub(r"\\(.)", r"\1", text))  # shown, not evaluated
        assert "yes{% endif %}" in html.unescape(re.sub(r"\\(.)", r"\1", text))
    # HTML: everything escaped (a mention in an HTML file pings no one: GitLab never parses it)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>" not in page
    assert "{{ x }}" in html.unescape(page)


def test_cli_writes_the_files_and_prints_where(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(emulator, sample_objectives(state=State.ACTIVE))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITLAB_URL", emulator.base_url)
    monkeypatch.setenv("GITLAB_TOKEN", emulator.default_token or "")
    monkeypatch.setenv("OKRFLOW_PROJECT", PROJECT)
    monkeypatch.setenv("OKRFLOW_NOW", "2024-03-26T10:00:00Z")
    args = ["report", "--quarter", "FY24-Q1", "--format", "md", "--format", "json", "--post"]
    out = CliRunner().invoke(cli, [*args, "--output", "out"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == [
        "wrote out/okrflow-report-FY24-Q1.md",
        "wrote out/okrflow-report-FY24-Q1.json",
        f"created report issue #9 {emulator.base_url}/acme/okrs/-/issues/9",
    ]
    again = CliRunner().invoke(cli, [*args, "--output", "out", "--dry-run"])
    assert again.exit_code == 0, again.output
    assert "report issue #9" in again.output and "is up to date" in again.output
    assert "dry run: nothing would change" in again.output

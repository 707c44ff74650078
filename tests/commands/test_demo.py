"""`okrflow demo`: a whole quarter on the emulator, ending in a closing report on disk."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

from okrflow.adapter import resolve_connection
from okrflow.commands.analysis import report_document
from okrflow.commands.demo import run_demo, summary_lines
from okrflow.commands.reporter import Recorder
from okrflow.commands.workspace import Workspace
from okrflow.config import load_config
from okrflow.render import report_schema

OKRFLOW = Path(sys.executable).with_name("okrflow")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    output = tmp_path_factory.mktemp("demo")
    seen: dict[str, object] = {}

    def capture(result, emu, server, config_path):
        config = load_config(config_path, explicit=True)
        env = {"GITLAB_TOKEN": emu.default_token}
        conn = resolve_connection(url=server.url, project=emu.default_project, environ=env)
        ws = Workspace(config=config, connection=conn)
        ws.now = emu.clock.now
        snap = ws.repo.load("FY22-Q2")
        seen["status"] = report_document(ws, snap, kind="closing")
        seen["issues"] = emu.issues(emu.default_project)

    result = run_demo(output, out=Recorder(), on_ready=capture)
    return result, seen


def test_the_demo_writes_the_closing_report_in_three_formats(demo):
    result, _ = demo
    assert sorted(result.files) == ["html", "json", "md"]
    for path in result.files.values():
        assert path.is_file() and path.stat().st_size > 1000
    doc = json.loads(result.files["json"].read_text(encoding="utf-8"))
    jsonschema.validate(doc, report_schema())
    assert doc["kind"] == "closing" and doc["quarter"] == "FY22-Q2"


def test_the_demo_quarter_has_aligned_objectives_and_three_to_five_key_results(demo):
    result, _ = demo
    objectives = result.report.document["objectives"]
    assert len(objectives) == 5
    assert all(3 <= len(o["key_results"]) <= 5 for o in objectives)
    aligned = [o for o in objectives if o["parent_iids"]]
    assert len(aligned) == 3
    assert any(len(o["parent_iids"]) == 2 for o in aligned)  # one serves two parents


def test_every_objective_is_closed_with_a_score_and_both_outcomes_occur(demo):
    result, seen = demo
    objectives = result.report.document["objectives"]
    assert all(o["state"] == "closed" and o["score"] is not None for o in objectives)
    assert {o["outcome"] for o in objectives} == {"achieved", "missed"}
    issues = seen["issues"]
    assert all(issue.state == "closed" for issue in issues)


def test_check_ins_were_typed_as_comments_and_written_by_okrflow(demo):
    result, _ = demo
    assert result.comments > 20
    assert result.checkins - result.comments > 20
    krs = [kr for o in result.report.document["objectives"] for kr in o["key_results"]]
    assert all(len(kr["checkins"]) >= 8 for kr in krs)
    # the weekly rollups' "new check-ins" add up to the quarter's check-ins, the typed
    # ones and those okrflow checkin recorded alike
    assert result.rolled_up == result.checkins


def test_the_report_shows_the_numbers_gitlab_holds(demo):
    result, seen = demo
    status = seen["status"]
    reported = {o["iid"]: o for o in result.report.document["objectives"]}
    for objective in status["objectives"]:
        assert reported[objective["iid"]]["progress"] == objective["progress"]
        assert reported[objective["iid"]]["score"] == objective["score"]
        for kr, again in zip(
            objective["key_results"], reported[objective["iid"]]["key_results"], strict=True
        ):
            assert (kr["current"], kr["progress"]) == (again["current"], again["progress"])


def test_the_summary_names_every_objective_and_the_files(demo):
    result, _ = demo
    text = "\n".join(summary_lines(result))
    for objective in result.report.document["objectives"]:
        assert objective["title"] in text
    for path in result.files.values():
        assert str(path) in text


@pytest.mark.e2e
def test_okrflow_demo_from_the_command_line(tmp_path: Path):
    def demo_into(out: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(OKRFLOW), "demo", "--output", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "NO_COLOR": "1"},
        )

    run = demo_into(tmp_path / "out")
    assert run.returncode == 0, run.stderr
    for suffix in ("md", "html", "json"):
        assert (tmp_path / "out" / f"okrflow-report-FY22-Q2.{suffix}").is_file()
    assert "closing scores:" in run.stdout
    assert "Traceback" not in run.stderr

    # its own directory: a rerun replaces the demo's files and nothing else
    (tmp_path / "out" / "okrflow-notes.md").write_text("mine\n", encoding="utf-8")
    again = demo_into(tmp_path / "out")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "out" / "okrflow-notes.md").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.e2e
def test_okrflow_demo_serve_keeps_the_emulator_running_until_sigterm(tmp_path: Path):
    proc = subprocess.Popen(
        [str(OKRFLOW), "demo", "--serve", "--output", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.stdout is not None:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "okrflow status" in line:
                break
        # the closing scores and the time the demo took come before the serving lines
        done = next(n for n, line in enumerate(lines) if line.startswith("done in "))
        assert done < next(n for n, line in enumerate(lines) if "keeps serving" in line)
        exports = dict(
            line.strip().removeprefix("export ").split("=", 1)
            for line in lines
            if line.strip().startswith("export ")
        )
        assert {"GITLAB_URL", "GITLAB_TOKEN", "OKRFLOW_PROJECT", "OKRFLOW_CONFIG"} <= set(exports)
        env = {**os.environ, **exports, "NO_COLOR": "1"}
        status = subprocess.run(
            [str(OKRFLOW), "status", "--quarter", "FY22-Q2", "--json"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert status.returncode == 0, status.stderr
        assert len(json.loads(status.stdout)["objectives"]) == 5
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)

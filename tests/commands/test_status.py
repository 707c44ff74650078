"""okrflow status: the OKR tree in the terminal, and the report document with --json."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import jsonschema
import pytest
from okr_world import (
    PROJECT,
    QUARTER,
    add_kr,
    add_objective,
    objective_with_krs,
    workspace,
)

from okrflow.cli.output import Terminal
from okrflow.commands.analysis import evaluate_snapshot
from okrflow.commands.status import bar, format_status, status
from okrflow.render import report_schema
from okrflow.sandbox import Emulator


def tree(emu: Emulator) -> tuple[int, int, int, int]:
    """Company objective #1 with 3 KRs; team #5 under it; #7 top; #8 under both #1 and #7."""
    top, _ = objective_with_krs(emu, "Be valuable", state="active", values=[30, 25, None])
    team = add_objective(emu, "Help customers", parents=[(f"obj-{top}", top)], state="active")
    add_kr(emu, "Raise NPS from 20 to 40", (f"obj-{team}", team), value=35, confidence=0.7)
    other = add_objective(emu, "Be efficient", key="other")
    multi = add_objective(emu, "Serve both", parents=[(f"obj-{top}", top), ("other", other)])
    return top, team, other, multi


def test_json_numbers_are_those_of_evaluate_snapshot(emu: Emulator) -> None:
    tree(emu)
    ws = workspace(emu)
    doc = status(ws).document
    evaluation = evaluate_snapshot(ws, ws.repo.load(QUARTER))
    assert {o["key"]: o["progress"] for o in doc["objectives"]} == {
        k: r.progress for k, r in evaluation.objectives.items()
    }
    assert {o["key"]: o["health"] for o in doc["objectives"]} == {
        k: r.health.value for k, r in evaluation.objectives.items()
    }
    krs = {kr["key"]: kr for o in doc["objectives"] for kr in o["key_results"]}
    assert {k: kr["progress"] for k, kr in krs.items()} == {
        k: r.progress for k, r in evaluation.key_results.items()
    }
    assert {k: kr["current"] for k, kr in krs.items()} == {
        k: r.current for k, r in evaluation.key_results.items()
    }


def test_json_is_the_report_document_and_validates(emu: Emulator) -> None:
    tree(emu)
    doc = status(workspace(emu)).document
    jsonschema.validate(doc, report_schema())
    assert doc["quarter"] == QUARTER and doc["kind"] == "progress"
    json.dumps(doc)


def test_aligned_objectives_are_indented_under_their_parents(emu: Emulator) -> None:
    top, team, other, multi = tree(emu)
    lines = format_status(status(workspace(emu)))
    heads = [line for line in lines if line.lstrip().startswith("#")]
    assert heads[0].startswith(f"#{top} Be valuable")
    assert heads[1].startswith(f"    #{team} Help customers")
    assert heads[2].startswith(f"    #{multi} Serve both") and f"(also under #{other})" in heads[2]
    assert heads[3].startswith(f"#{other} Be efficient")
    assert heads[4].startswith(f"    #{multi} Serve both") and f"(also under #{top})" in heads[4]


def test_objective_lines_show_bar_health_state_and_owner(emu: Emulator) -> None:
    top, _, _, _ = tree(emu)
    result = status(workspace(emu))
    progress = next(o["progress"] for o in result.document["objectives"] if o["iid"] == top)
    line = next(x for x in format_status(result) if x.startswith(f"#{top} "))
    assert bar(progress) in line
    assert "needs attention" in line and "Active" in line and "@alice" in line


def test_a_closed_objective_shows_grade_and_outcome_instead_of_health(emu: Emulator) -> None:
    from okrflow.commands.move import move

    obj, _ = objective_with_krs(emu, state="active", values=[40, 40, 30])  # 100, 100, 50
    move(workspace(emu), str(obj), to="closed")

    lines = format_status(status(workspace(emu)))

    line = next(x for x in lines if x.startswith(f"#{obj} "))
    assert "grade green  score 0.8  outcome missed" in line and "Closed" in line
    assert not any(word in line for word in ("on track", "needs attention", "at risk"))
    kr_lines = [x for x in lines if "KR #" in x]
    assert kr_lines and all("closed" in x and "on track" not in x for x in kr_lines)


def test_key_result_lines_show_current_target_progress_and_confidence(emu: Emulator) -> None:
    tree(emu)
    lines = format_status(status(workspace(emu)))
    nps = next(x for x in lines if "Raise NPS" in x)
    assert nps.startswith("        KR #")  # under the team objective, itself indented
    assert "35 · 20 → 40" in nps and "███████░░░  75%" in nps and "confidence 70%" in nps
    no_checkin = next(x for x in lines if "adoption score 3" in x)
    assert "— · " in no_checkin and " → 40" in no_checkin
    assert "0%" in no_checkin and "confidence" not in no_checkin


def test_problems_and_unattached_key_results_come_last(emu: Emulator) -> None:
    obj, _ = objective_with_krs(emu)
    emu.issue(PROJECT, obj).description += "\n<!-- okrflow:meta\n{broken\n-->\n"
    stray = add_kr(emu, "Cut churn from 10% to 5%", ("gone", 99))
    lines = format_status(status(workspace(emu)))
    at = lines.index("key results without an objective:")
    assert lines[at + 1].strip().startswith(f"KR #{stray} Cut churn")
    problems = next(i for i, x in enumerate(lines) if x.startswith("problems ("))
    assert problems > at and lines[problems + 1].strip().startswith(f"#{obj}: ")


def test_the_bar_fills_whole_cells_only() -> None:
    assert bar(0.7) == "███████░░░  70%"
    assert bar(0.999) == "█████████░  99%"
    assert bar(0.0) == "░░░░░░░░░░   0%"
    assert bar(1.0) == "██████████ 100%"


def test_default_quarter_is_the_current_one(emu: Emulator) -> None:
    objective_with_krs(emu, "This quarter")
    add_objective(emu, "Next quarter", quarter="FY24-Q2")
    result = status(workspace(emu))
    assert result.quarter == QUARTER
    assert [o["title"] for o in result.document["objectives"]] == ["This quarter"]
    other = status(workspace(emu), quarter="FY24-Q2")
    assert [o["title"] for o in other.document["objectives"]] == ["Next quarter"]


def test_an_empty_quarter_says_so(emu: Emulator) -> None:
    assert "no objectives in this quarter" in format_status(status(workspace(emu)))


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colours_only_on_a_terminal_and_never_with_no_color(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(emu)
    result = status(workspace(emu))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")

    def printed(terminal: Terminal) -> str:
        lines = format_status(result, style=terminal.style)
        return "\n".join(terminal.printable(line) for line in lines)

    assert "\x1b[33m" in printed(Terminal(stream=_Tty()))  # needs attention in yellow
    assert "\x1b[" not in printed(Terminal(stream=io.StringIO()))
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in printed(Terminal(stream=_Tty()))


# -- the command line -----------------------------------------------------------------------


def test_cli_status_prints_the_tree(
    emu: Emulator, run: Callable[..., tuple[int, str, str]]
) -> None:
    top, *_ = tree(emu)
    code, out, _ = run("status")
    assert code == 0
    assert out.startswith(f"{QUARTER}: 4 objectives, ")
    assert f"\n#{top} Be valuable" in out and "\x1b[" not in out


def test_cli_status_json_prints_only_the_document(
    emu: Emulator, run: Callable[..., tuple[int, str, str]]
) -> None:
    tree(emu)
    code, out, _ = run("status", "--json", "--quarter", QUARTER)
    assert code == 0
    doc = json.loads(out)
    jsonschema.validate(doc, report_schema())
    assert len(doc["objectives"]) == 4

"""OKRs out of GitLab and into it, with the installed okrflow against the served emulator.

- round trip: ``export`` -> ``apply`` to an empty project -> ``plan`` exits 0 -> ``export``
  again gives the same bytes;
- the handbook pages of the seeds 001 and 003 (``tests/handbook/``) import into an OKR
  file whose ``plan`` on an empty project lists every objective and key result the
  pages hold. Counted by hand from the pages: seed 001 (FY22-Q2) has 24 objectives
  (Company 4, Marketing 4, Sales 4, Customer Engineering 3, Product/Engineering 3,
  Operations 3, Talent 3) and 77 key results (10 + 15 + 11 + 10 + 11 + 14 + 6); seed
  003 (FY22-Q4) has 2 objectives and 7 key results, all under Product/Engineering;
- a CSV of 50 rows in each ready layout imports; a CSV with bad rows names each one and
  imports nothing.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "handbook"  # two public handbook pages (see its README)
Cli = Any
EMPTY = "acme/empty"
FY = {"OKRFLOW_CONFIG": "okrflow.yml"}  # fiscal year 2022 runs from 2021-02-01


@pytest.fixture
def cli(okrflow_cli: Cli) -> Cli:
    okrflow_cli.emu.add_project(EMPTY)
    (okrflow_cli.cwd / "okrflow.yml").write_text("fiscal_year: {first_month: 2}\n")
    shutil.copyfile(ROOT / "config" / "okrs-FY22-Q2.yml", okrflow_cli.cwd / "okrs.yml")
    return okrflow_cli


def on(project: str) -> dict[str, str]:
    return {**FY, "OKRFLOW_PROJECT": project}


def test_export_apply_to_an_empty_project_plan_is_clean_and_export_again_is_the_same(
    cli: Cli,
) -> None:
    assert cli("apply", "okrs.yml", extra_env=FY).returncode == 0
    first = cli("export", "--quarter", "FY22-Q2", "--output", "first.yml", extra_env=FY)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "wrote first.yml: 9 objectives, 27 key results of FY22-Q2"

    applied = cli("apply", "first.yml", extra_env=on(EMPTY))
    assert applied.returncode == 0, applied.stderr
    assert "apply: 36 created, 0 updated, 0 unchanged, 0 not in file" in applied.stdout
    planned = cli("plan", "first.yml", extra_env=on(EMPTY))
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert planned.stdout.strip() == "plan: 0 to create, 0 to update, 36 unchanged, 0 not in file"

    second = cli("export", "--quarter", "FY22-Q2", extra_env=on(EMPTY))
    assert second.returncode == 0, second.stderr
    assert second.stdout == (cli.cwd / "first.yml").read_text()
    # and the project it came from has nothing to change either
    assert cli("plan", "first.yml", extra_env=FY).returncode == 0


def test_json_and_csv_exports_hold_the_same_okrs(cli: Cli) -> None:
    assert cli("apply", "okrs.yml", extra_env=FY).returncode == 0
    as_json = cli("export", "--quarter", "FY22-Q2", "--format", "json", extra_env=FY)
    as_csv = cli(
        "export", "--quarter", "FY22-Q2", "--format", "csv", "--output", "o.csv", extra_env=FY
    )
    assert as_json.returncode == 0 and as_csv.returncode == 0, as_json.stderr + as_csv.stderr
    (cli.cwd / "o.json").write_text(as_json.stdout)
    rows = list(csv.DictReader(io.StringIO((cli.cwd / "o.csv").read_text())))
    assert len(rows) == 27  # one per key result
    assert cli("plan", "o.json", extra_env=FY).returncode == 0  # JSON is an OKR file too
    back = cli("import", "o.csv", "--output", "back.yml", extra_env=FY)
    assert back.returncode == 0, back.stderr
    assert cli("plan", "back.yml", extra_env=FY).returncode == 0  # the CSV reads back as it was


def planned_creates(stdout: str) -> tuple[int, int]:
    objectives = len(re.findall(r"^\+ create objective ", stdout, re.M))
    krs = len(re.findall(r"^\+ create kr ", stdout, re.M))
    return objectives, krs


@pytest.mark.parametrize(
    ("seed", "quarter", "objectives", "key_results", "unreadable"),
    [("fy22-q2.md", "FY22-Q2", 24, 77, 28), ("fy22-q4.md", "FY22-Q4", 2, 7, 4)],
)
def test_a_handbook_page_imports_and_plan_lists_every_objective_and_key_result(
    cli: Cli, seed: str, quarter: str, objectives: int, key_results: int, unreadable: int
) -> None:
    page = PAGES / seed
    shutil.copyfile(page, cli.cwd / "page.md")
    done = cli("import", "page.md", "--output", "page.yml", extra_env=FY)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"wrote page.yml: {objectives} objectives, {key_results} key results of {quarter} "
        "from page.md"
    )
    named = re.findall(r"^warning: line (\d+): cannot read '(.+?)' \(", done.stderr, re.M)
    assert len(named) == unreadable  # every unreadable key result, by its line on the page
    lines = page.read_text().splitlines()
    for line, title in named:
        assert "KR:" in lines[int(line) - 1]
        assert all(word in lines[int(line) - 1] for word in re.findall(r"[A-Za-z]{4,}", title))
    planned = cli("plan", "page.yml", extra_env=on(EMPTY))
    assert planned.returncode == 3, planned.stderr  # everything to create
    assert planned_creates(planned.stdout) == (objectives, key_results)
    assert f"plan: {objectives + key_results} to create, 0 to update" in planned.stdout


def test_the_company_objectives_a_department_repeats_become_its_parents(cli: Cli) -> None:
    shutil.copyfile(PAGES / "fy22-q2.md", cli.cwd / "page.md")
    done = cli("import", "page.md", extra_env=FY)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.count("parent: company-make-sourcegraph-valuable-and-accessible") == 3
    assert text.count("parent: company-solve-big-code-problems-for-the-largest") == 3
    assert "team: Operations\n" in text  # "Operations (Finance, Legal, ...)": no comma in a label


sys.path.insert(0, str(ROOT / "tests" / "config"))
from csv_samples import perdoo, plain, viva_goals, with_bad_rows  # noqa: E402


@pytest.mark.parametrize(
    ("mapping", "text", "objectives", "key_results"),
    [
        ("plain", plain(), 10, 50),
        ("viva-goals", viva_goals(), 10, 40),
        ("perdoo", perdoo(), 10, 35),
    ],
)
def test_a_csv_of_50_rows_in_each_ready_layout_imports(
    cli: Cli, mapping: str, text: str, objectives: int, key_results: int
) -> None:
    (cli.cwd / "okrs.csv").write_text(text)
    done = cli("import", "okrs.csv", "--mapping", mapping, "--output", "okrs.yml")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"wrote okrs.yml: {objectives} objectives, {key_results} key results of FY25-Q3 "
        "from okrs.csv"
    )
    planned = cli("plan", "okrs.yml", extra_env={"OKRFLOW_PROJECT": EMPTY})
    assert planned.returncode == 3, planned.stderr
    assert planned_creates(planned.stdout) == (objectives, key_results)


def test_a_csv_with_bad_rows_names_each_and_imports_nothing(cli: Cli) -> None:
    (cli.cwd / "bad.csv").write_text(with_bad_rows())
    cli.emu.reset_log()
    done = cli("import", "bad.csv", "--output", "bad.yml", "--apply")
    assert done.returncode == 2
    named = [
        found.group(1)
        for line in done.stderr.splitlines()
        if (found := re.match(r"warning: (row \d+): ", line)) and "(done or not)" not in line
    ]
    assert named == ["row 3", "row 5", "row 6", "row 7", "row 7"]
    assert done.stderr.strip().splitlines()[-1] == (
        "okrflow: bad.csv: 5 bad rows or lines (named above); nothing was imported"
    )
    assert not (cli.cwd / "bad.yml").exists()
    counts = cli.emu.counts()
    assert counts["POST"] + counts["PUT"] == 0


def test_import_without_apply_needs_no_gitlab(cli: Cli) -> None:
    shutil.copyfile(PAGES / "fy22-q4.md", cli.cwd / "page.md")
    alone = {"GITLAB_URL": None, "GITLAB_TOKEN": None, "OKRFLOW_PROJECT": None}
    done = cli("import", "page.md", extra_env=alone)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# OKRs of FY22-Q4, imported by okrflow from page.md.")
    assert cli.emu.counts()["GET"] == 0

"""The README's shell blocks run as written, step by step, as a newcomer runs them.

The walkthrough ("A first quarter, step by step"), "OKRs as code" and the scheduling
steps ("Scheduled pipelines") are read out of README.md and run, one command at a time,
with the installed ``okrflow`` in a temporary copy of the checkout, against
``okrflow sandbox`` started as the README says, with its three ``export`` lines pasted
into the environment. Each command's exit code and one line of its output are checked;
a command added to or changed in those blocks fails here until this list says what it
must print.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.conftest import OKRFLOW, clean_environ

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("A first quarter, step by step", "OKRs as code", "Scheduled pipelines")
_SKIP = {".git", ".venv", "tests", "node_modules", "__pycache__", ".pytest_cache", "okrflow-report"}

# (the command as the README writes it, its exit code, a regex one output line matches)
EXPECTED: list[tuple[str, int, str]] = [
    ("okrflow init", 0, r"^init: \d+ created, 0 updated"),
    (
        "okrflow new objective --title 'Make getting help feel effortless' --quarter current "
        '--team Support --owner alice --purpose "A fast, kind answer keeps a customer\'s trust"',
        0,
        r"^created objective #1 acme/okrs#1 ",
    ),
    (
        "okrflow new kr --objective 1 --title "
        "'Reduce average resolution time from 9 days to 7 days'",
        0,
        r"^created key result #2 ",
    ),
    (
        "okrflow new kr --objective 1 --title 'Maintain 100% of pre-sales responses within 1 hour'",
        0,
        r"^created key result #3 ",
    ),
    (
        "okrflow new kr --objective 1 --title "
        "'Reduce requests for engineering help from 18% to 10%'",
        0,
        r"^created key result #4 ",
    ),
    ("okrflow lint", 0, r"^lint FY\d\d-Q\d: 4 OKR issue\(s\) checked, no findings$"),
    ("okrflow move 1 --to review", 0, r"^move to Under Review: 4 moved"),
    ("okrflow move 1 --to active", 0, r"^move to Active: 4 moved"),
    (
        "okrflow checkin 2 --value '8.5 days' --confidence 70% --note 'Two long cases closed'",
        0,
        r"^checked in #2: 8\.5d \(confidence 70%\)$",
    ),
    ("okrflow rollup", 0, r"^rollup FY\d\d-Q\d: 3 KRs, "),
    ("okrflow status", 0, r"^#1 Make getting help feel effortless .* Active  @alice$"),
    ("okrflow report --kind closing --post", 0, r"^created report issue #5 "),
    (
        "okrflow move --quarter current --from active --to closed",
        0,
        r"^move to Closed: 4 moved, 0 already Closed$",
    ),
    ("okrflow report --kind closing --post", 0, r"^updated report issue #5 "),
    (
        "okrflow plan config/okrs.example.yml",
        3,
        r"^plan: \d+ to create, 0 to update, 0 unchanged, 0 not in file$",
    ),
    (
        "okrflow apply config/okrs.example.yml",
        0,
        r"^apply: \d+ created, 0 updated, 0 unchanged, 0 not in file$",
    ),
    ("okrflow schedule --dry-run", 0, r"^first run in FY\d\d-Q\d \(due "),
    ("okrflow schedule", 0, r"^  FY\d\d-Q\d is under way \(\d+% gone\): skipped "),
    ("okrflow schedule", 0, r"^nothing due$"),
]


def readme_commands() -> list[str]:
    """Each command of the sections' first shell block, continuation lines joined and
    comments dropped, as a normalised command line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for heading in SECTIONS:
        section = readme.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
        block = re.search(r"```sh\n(.*?)```", section, re.S)
        assert block, f"no shell block under {heading!r}"
        text = block.group(1).replace("\\\n", " ")
        for line in text.splitlines():
            words = shlex.split(line, comments=True)
            if words:
                commands.append(shlex.join(words))
    return commands


def normalised(command: str) -> str:
    return shlex.join(shlex.split(command))


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the checkout, as the README's install leaves a newcomer in it."""
    copy = tmp_path / "okrflow"
    copy.mkdir()
    for item in ROOT.iterdir():
        if item.name in _SKIP:
            continue
        if item.is_dir():
            shutil.copytree(item, copy / item.name, ignore=shutil.ignore_patterns(*_SKIP))
        else:
            shutil.copy2(item, copy / item.name)
    return copy


@pytest.fixture
def sandbox(checkout: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    """``okrflow sandbox`` started as the README says; the environment its export lines set."""
    env = {**clean_environ(), "HOME": str(tmp_path), "NO_COLOR": "1"}
    served = subprocess.Popen(
        [str(OKRFLOW), "sandbox", "--port", "0"],
        cwd=checkout,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert served.stdout is not None
        exports: dict[str, str] = {}
        for line in served.stdout:
            if match := re.fullmatch(r"export (\w+)=(\S+)\n", line):
                exports[match.group(1)] = match.group(2)
            if len(exports) == 3:
                break
        assert set(exports) == {"GITLAB_URL", "GITLAB_TOKEN", "OKRFLOW_PROJECT"}, exports
        yield {**env, **exports}
    finally:
        served.terminate()
        served.wait(timeout=10)


def test_the_readme_blocks_run_as_written(checkout: Path, sandbox: dict[str, str]) -> None:
    commands = readme_commands()
    assert commands == [normalised(command) for command, _, _ in EXPECTED]
    for command, (_, code, says) in zip(commands, EXPECTED, strict=True):
        words = shlex.split(command)
        done = subprocess.run(
            [str(OKRFLOW), *words[1:]],
            cwd=checkout,
            env=sandbox,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        output = (done.stdout + done.stderr).splitlines()
        assert done.returncode == code, (command, done.stdout, done.stderr)
        assert any(re.search(says, line) for line in output), (command, says, output)
        assert "Traceback" not in done.stderr

"""The README tells the truth: its commands, its tables and CI agree with the code."""

from __future__ import annotations

import re
from pathlib import Path

from okrflow.cli.config_cmd import reference_markdown
from okrflow.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def block(name: str) -> str:
    match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", README, re.S)
    assert match, f"README has no {name} block"
    return match.group(1)


def shell_lines(heading: str) -> list[str]:
    section = README.split(f"## {heading}", 1)[1]
    code = re.search(r"```sh\n(.*?)```", section, re.S)
    assert code
    return [line for line in code.group(1).splitlines() if line.strip()]


def test_ci_runs_exactly_the_readme_test_command():
    (command,) = shell_lines("Run the tests")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci


def test_first_command_installs_and_runs_the_demo():
    (command,) = shell_lines("Try it in one command")
    assert "pip install ." in command and command.endswith("okrflow demo")


def test_config_reference_is_generated_from_the_code():
    assert block("config-reference") == reference_markdown(), (
        "README config reference is stale: run "
        "`python -c 'from tests.test_readme import regenerate; regenerate()'`"
    )


def test_every_command_is_documented():
    table = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    for name in COMMANDS:
        assert f"`okrflow {name}" in table, name


def regenerate() -> None:
    """Write the generated blocks into README.md (config reference)."""
    text = README
    start, end = "<!-- config-reference:start -->\n", "<!-- config-reference:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    (ROOT / "README.md").write_text(head + start + reference_markdown() + end + tail, "utf-8")

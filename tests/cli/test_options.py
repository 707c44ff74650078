"""The shared options, given once, before or after the command's name, for every command.

For each command of the registry and each group of shared options (config, connection,
verbosity) it takes, ``okrflow OPTION CMD ...`` and ``okrflow CMD ... OPTION`` do the
same thing, and what they do shows the option reached the command: a broken config file
is the error, another project is the one GitLab is asked about, an unreachable URL is
the one okrflow could not reach, ``-q`` with ``-v`` is refused. A group a command does
not take is refused, before the name or after it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import click
import pytest

from okrflow.cli.main import COMMANDS, LazyGroup, cli
from okrflow.cli.options import ALL_SHARED, QUARTER_HELP
from okrflow.sandbox import SANDBOX_PROJECT, SANDBOX_URL, Emulator

ROOT = Path(__file__).resolve().parents[2]
Run = Callable[..., tuple[int, str, str]]

# The least each command needs to get as far as reading its config and GitLab.
ARGS: dict[str, list[list[str]]] = {
    "adopt": [["adopt"]],
    "apply": [["apply", "okrs.yml"]],
    "carry": [["carry", "1", "--to", "FY24-Q2"]],
    "checkin": [["checkin", "1", "--value", "1"]],
    "config": [["config", "check"]],
    "demo": [["demo", "--output", "out"]],
    "export": [["export"]],
    "import": [["import", "page.md", "--apply"]],
    "init": [["init"]],
    "lint": [["lint"]],
    "measure": [["measure", "--output", "values.json"]],
    "move": [["move", "1", "--to", "review"]],
    "new": [
        [
            *("new", "objective", "--title", "T", "--quarter", "FY24-Q1", "--team", "CSM"),
            *("--owner", "okr-lead", "--purpose", "P"),
        ],
        ["new", "kr", "--objective", "1", "--title", "Grow X from 1 to 2"],
    ],
    "pages": [["pages", "--output", "site"]],
    "plan": [["plan", "okrs.yml"]],
    "report": [["report", "--output", "out"]],
    "rollup": [["rollup"]],
    "sandbox": [["sandbox", "--port", "0"]],
    "schedule": [["schedule"]],
    "status": [["status"]],
}
CASES = [
    pytest.param(name, argv, id=" ".join(argv[:2]) if name in ("new", "config") else name)
    for name, argvs in ARGS.items()
    for argv in argvs
]
OPTIONS = {  # group -> (the options, what the run says when they reached the command)
    "config": (["--config", "broken.yml"], "okrflow: broken.yml:1: fiscal_yaer: unknown key"),
    "connection": (["--project", "acme/elsewhere"], "'acme/elsewhere'"),
    "verbosity": (["-q", "-v"], "okrflow: --quiet and --verbose cannot be used together"),
}


@pytest.fixture
def run(emulator: Emulator, monkeypatch: pytest.MonkeyPatch, invoke: Run, tmp_path: Path) -> Run:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.yml").write_text("fiscal_yaer: 1\n", encoding="utf-8")
    (tmp_path / "quick.yml").write_text("gitlab:\n  retries: 0\n", encoding="utf-8")
    shutil.copy(ROOT / "config" / "okrs.example.yml", tmp_path / "okrs.yml")
    (tmp_path / "page.md").write_text("# FY24-Q1\n\n- OBJECTIVE: Be great\n  - KR: Land 5 logos\n")
    for name, value in {
        "GITLAB_URL": SANDBOX_URL,
        "GITLAB_TOKEN": str(emulator.default_token),
        "OKRFLOW_PROJECT": SANDBOX_PROJECT,
        "OKRFLOW_NOW": "2024-02-15T12:00:00Z",
        "OKRFLOW_CONFIG": "quick.yml",  # no retries: a refusal is answered at once
    }.items():
        monkeypatch.setenv(name, value)

    return invoke


def test_every_command_of_the_registry_is_tried() -> None:
    assert set(ARGS) == set(COMMANDS)


def test_the_commands_acting_on_a_quarter_share_one_quarter_option() -> None:
    assert isinstance(cli, LazyGroup)
    ctx = click.Context(cli)
    options = {
        name: next(p for p in command.params if p.name == "quarter")
        for name in COMMANDS
        if (command := cli.get_command(ctx, name)) is not None
        and any(p.name == "quarter" for p in command.params)
    }
    shared = {n: o for n, o in options.items() if o.help == QUARTER_HELP}
    assert sorted(shared) == ["adopt", "export", "lint", "move", "report", "rollup", "status"]
    assert {(o.opts[0], o.default, o.metavar, o.required) for o in shared.values()} == {
        ("--quarter", None, "Q", False)
    }
    assert sorted(set(options) - set(shared)) == ["import"]  # the file's quarter by default


def _split(options: list[str]) -> tuple[list[str], list[str]]:
    """The verbosity pair goes one before the name and one after; the others whole."""
    if options == ["-q", "-v"]:
        return ["-q"], ["-v"]
    return options, []


@pytest.mark.parametrize("group", ALL_SHARED)
@pytest.mark.parametrize(("name", "argv"), CASES)
def test_a_shared_option_works_before_and_after_the_command_name(
    run: Run, name: str, argv: list[str], group: str
) -> None:
    options, says = OPTIONS[group]
    before, rest = _split(options) if group in COMMANDS[name].takes else (options, [])
    results = {
        "before": run(*before, *argv, *rest),
        "after": run(*argv, *options),
    }
    for position, (code, out, err) in results.items():
        if group in COMMANDS[name].takes:
            expected = 1 if group == "connection" else 2
            assert code == expected, (position, out, err)
            assert says in err, (position, err)
        elif position == "before":
            assert code == 2, (position, err)
            assert f"does not take {options[0] if group != 'verbosity' else '--quiet'}" in err
        else:
            assert code == 2 and "No such option" in err, (position, err)


def test_given_in_both_places_the_one_after_the_name_wins(run: Run) -> None:
    code, _, err = run("--config", "broken.yml", "status", "--config", "quick.yml")
    assert code == 0 and "broken.yml" not in err and "okrflow:" not in err
    code, _, err = run("--config", "quick.yml", "status", "--config", "broken.yml")
    assert code == 2 and "broken.yml:1:" in err


@pytest.mark.parametrize("position", ["before", "after"])
def test_quiet_leaves_stdout_empty_wherever_it_is_given(run: Run, position: str) -> None:
    code, out, _ = run("status")
    assert code == 0 and out.startswith("FY24-Q1: 0 objectives")
    argv = ("-q", "status") if position == "before" else ("status", "--quiet")
    assert run(*argv) == (0, "", "")


def test_an_unreachable_url_is_named_wherever_it_is_given(run: Run) -> None:
    for argv in (
        ("--gitlab-url", "http://127.0.0.1:1", "status"),
        ("status", "--gitlab-url", "http://127.0.0.1:1"),
    ):
        code, _, err = run(*argv)
        assert code == 1
        said, *retries, last = err.strip().splitlines()
        assert said.startswith("FY24-Q1: the current quarter (today is 2024-02-15;")
        assert last.startswith("okrflow: could not reach GitLab at http://127.0.0.1:1 while")
        assert retries and all("retrying in" in line for line in retries)

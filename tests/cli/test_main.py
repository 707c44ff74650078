"""The command line's front door: help, version, errors, and lazy imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from okrflow import __version__
from okrflow.cli import main as cli_main
from okrflow.cli.main import COMMANDS
from okrflow.redaction import register_secret


def run(*code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "\n".join(code)], capture_output=True, text=True, timeout=60
    )


def test_help_lists_every_registered_command_without_importing_them():
    result = run(
        "import sys",
        "from okrflow.cli.main import main",
        "try:",
        "    main(['--help'])",
        "except SystemExit:",
        "    pass",
        "from okrflow.cli.main import COMMANDS",
        "commands = {'okrflow.cli.' + entry.module for entry in COMMANDS.values()}",
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] == 'gitlab' or m in commands"
        " or m.startswith(('okrflow.commands', 'okrflow.adapter')))",
        "print('IMPORTED', heavy)",
    )
    assert result.returncode == 0, result.stderr
    for name in COMMANDS:
        assert f"  {name} " in result.stdout
    assert "IMPORTED []" in result.stdout


def test_version_prints_the_package_version():
    result = run("from okrflow.cli.main import main", "main(['--version'])")
    assert result.stdout.strip() == f"okrflow, version {__version__}"


def test_unknown_command_is_a_usage_error_without_traceback():
    result = run("from okrflow.cli.main import main", "main(['no-such-command'])")
    assert result.returncode == 2
    assert "No such command" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_command_has_help():
    # one process asks every command for its help (one process each took a minute)
    result = run(
        "from okrflow.cli.main import COMMANDS, main",
        "for name in COMMANDS:",
        "    code = 0",
        "    try:",
        "        main([name, '--help'])",
        "    except SystemExit as done:",
        "        code = done.code",
        "    print(f'@@ {name} exit {code}', flush=True)",
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    *helps, rest = result.stdout.split("@@ ")
    assert len(helps) == len(COMMANDS) and rest.startswith(f"{list(COMMANDS)[-1]} exit")
    endings = [part.split("\n", 1)[0] for part in [*helps[1:], rest]]
    for name, text, ending in zip(COMMANDS, helps, endings, strict=True):
        assert ending == f"{name} exit 0", (name, ending)
        assert "Usage: okrflow" in text, name


def test_an_error_message_is_printed_with_every_token_masked(monkeypatch, capsys):
    from okrflow.cli import main as main_module
    from okrflow.errors import GitLabError

    register_secret("glpat-boundary-secret")

    def fail(**kwargs):
        raise GitLabError("refused glpat-boundary-secret at https://u:glpat-other@h/x")

    monkeypatch.setattr(main_module.cli, "main", fail)
    with pytest.raises(SystemExit) as caught:
        main_module.main([])
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert "glpat-boundary-secret" not in err and "glpat-other" not in err
    assert err.startswith("okrflow: refused [MASKED] at https://u:[MASKED]@h/x")


def test_the_crash_log_shows_control_characters_and_masks_tokens(
    invoke: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli_main.tempfile, "tempdir", str(tmp_path))

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("title \x1b]0;pwned\x07\x1b[2K\rJob succeeded glpat-SECRETcrash0001")

    register_secret("glpat-SECRETcrash0001")
    monkeypatch.setattr(cli_main.LazyGroup, "get_command", lambda *a: None)
    monkeypatch.setattr(cli_main.cli, "main", explode)

    code, out, err = invoke("status")

    assert code == 1
    assert err.startswith("okrflow: unexpected error (RuntimeError); details in ")
    (log,) = tmp_path.glob("okrflow-crash-*.log")
    text = log.read_text(encoding="utf-8")
    assert "title \\x1b]0;pwned\\x07\\x1b[2K\\x0dJob succeeded [MASKED]" in text
    assert "\x1b" not in text and "\r" not in text and "SECRETcrash" not in text + out + err

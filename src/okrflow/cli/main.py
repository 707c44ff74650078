"""Entry point, the command registry and the one error boundary of the command line.

Commands are loaded lazily (``okrflow --help`` imports no command module and no
python-gitlab), each from its own module under ``okrflow.cli``; the registry says
where each lives and which shared options it takes (:mod:`okrflow.cli.options`).
Every :class:`OkrflowError` is printed as one line and exits with its code; input the
core refuses (:class:`~okrflow.core.errors.CoreError`) is bad input, exit 2; Ctrl-C
exits 130, and so does SIGTERM (a cancelled job lets its lease go); anything else is a
bug: one line pointing at the log, never a traceback on the terminal.
"""

from __future__ import annotations

import importlib
import io
import os
import signal
import sys
import tempfile
import threading
import traceback
from typing import Any, NamedTuple

import click

from okrflow import __version__
from okrflow.cli.options import ALL_SHARED, OptionGroup, shared_options
from okrflow.core.errors import CoreError
from okrflow.errors import EXIT_USAGE, OkrflowError
from okrflow.redaction import redact


class Entry(NamedTuple):
    module: str  # under okrflow.cli
    attribute: str
    help: str  # one line, for okrflow --help
    takes: tuple[OptionGroup, ...] = ALL_SHARED  # the shared options it takes


COMMANDS: dict[str, Entry] = {
    "adopt": Entry(
        "adopt_cmd", "adopt_command", "Adopt OKR issues people filed from the templates"
    ),
    "apply": Entry("apply_cmd", "apply_command", "Make GitLab match an OKR file (OKRs as code)"),
    "carry": Entry("carry_cmd", "carry_command", "Carry an objective over to a later quarter"),
    "checkin": Entry("checkin_cmd", "checkin_command", "Record a check-in on a key result"),
    "config": Entry("config_cmd", "config_group", "Check the okrflow config file", ("config",)),
    "export": Entry(
        "export_cmd", "export_command", "Export a quarter's OKRs to an OKR file, JSON or CSV"
    ),
    "import": Entry(
        "import_cmd", "import_command", "Import OKRs from a CSV or a handbook page (dry run)"
    ),
    "init": Entry(
        "init_cmd", "init_command", "Create or update labels, the OKR board, issue templates"
    ),
    "lint": Entry(
        "lint_cmd", "lint_command", "Check OKRs against the rules; --comment tells owners"
    ),
    "measure": Entry(
        "measure_cmd",
        "measure_command",
        "Run the config's metric commands, where no token is, into a values file",
        ("config", "verbosity"),
    ),
    "move": Entry("move_cmd", "move_command", "Move OKRs along the lifecycle (draft, review, ...)"),
    "new": Entry(
        "new_cmd", "new_group", "Open an objective or key result issue from the templates"
    ),
    "pages": Entry("pages_cmd", "pages_command", "Write the OKR dashboard for GitLab Pages"),
    "plan": Entry("apply_cmd", "plan_command", "Show what apply would change; exit 3 if anything"),
    "rollup": Entry("rollup_cmd", "rollup_command", "Roll check-ins up into progress and health"),
    "report": Entry(
        "report_cmd", "report_command", "Write the quarter's closing or progress report"
    ),
    "demo": Entry(
        "demo_cmd",
        "demo_command",
        "Play a whole OKR quarter on a built-in GitLab emulator",
        ("verbosity",),
    ),
    "sandbox": Entry(
        "sandbox",
        "sandbox_command",
        "Serve a GitLab emulator to try commands against",
        ("verbosity",),
    ),
    "schedule": Entry(
        "schedule_cmd", "schedule_command", "Do what the OKR schedule says is due today"
    ),
    "status": Entry("status_cmd", "status_command", "Show the OKR tree with progress and health"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported only when they run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        entry = COMMANDS[cmd_name]
        mod = importlib.import_module(f"okrflow.cli.{entry.module}")
        command = getattr(mod, entry.attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the registry, so --help imports no command module.
        rows = [(name, COMMANDS[name].help) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="okrflow")
@shared_options(*ALL_SHARED)
def cli() -> None:
    """okrflow keeps objectives and key results in GitLab.

    Connection: --gitlab-url / GITLAB_URL (CI_SERVER_URL in pipelines), the token
    in GITLAB_TOKEN, the OKR project with --project / OKRFLOW_PROJECT. The config
    file, connection and verbosity options go before or after the command's name.
    Every command that writes has --dry-run. Exit codes: 0 ok, 1 failed, 2 bad usage
    or input, 3 lint or plan found something.
    """


def _visible(text: str, *, newlines: bool = False) -> str:
    # imported here: okrflow --help loads no renderer
    from okrflow.render.escape.terminal import visible

    return visible(redact(text), newlines=newlines)


def _log_crash() -> str:
    fd, path = tempfile.mkstemp(prefix="okrflow-crash-", suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(_visible(traceback.format_exc(), newlines=True))
    return path


def _terminated(signum: int, frame: Any) -> None:
    """SIGTERM (a cancelled CI job, ``kill``) ends a run as Ctrl-C does: cleanly, so that
    what it holds (the project's lease) is let go."""
    raise KeyboardInterrupt


def _error(message: str) -> None:
    """The one error line: no token, no control character."""
    click.echo(f"okrflow: {_visible(message)}", err=True)


def _click_error(exc: click.ClickException) -> None:
    """click's usage message (it quotes what was typed), made visible line by line."""
    shown = io.StringIO()
    exc.show(file=shown)
    click.echo(_visible(shown.getvalue().rstrip("\n"), newlines=True), err=True)


def main(argv: list[str] | None = None) -> Any:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)
    try:
        return cli.main(args=argv, prog_name="okrflow", standalone_mode=False)
    except OkrflowError as exc:
        _error(exc.message)
        sys.exit(exc.exit_code)
    except CoreError as exc:  # input the core refused: bad input
        _error(exc.message)
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("okrflow: interrupted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("okrflow: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        _click_error(exc)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug: never a traceback on the terminal
        path = _log_crash()
        _error(f"unexpected error ({type(exc).__name__}); details in {path}. Please report it.")
        sys.exit(1)

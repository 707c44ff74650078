"""``okrflow measure [--output FILE]``."""

from __future__ import annotations

import click

from okrflow.cli.options import okr_command
from okrflow.commands.command_values import VALUES_FILE, MeasureResult, measure
from okrflow.commands.workspace import Workspace


@okr_command("measure", json=True, takes=("config", "verbosity"))
@click.option(
    "--output",
    default=VALUES_FILE,
    show_default=True,
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Where to write the values (JSON), for rollup --values.",
)
def measure_command(ws: Workspace, output: str) -> MeasureResult:
    """Run every command of the config's metrics.commands and write what each printed
    to FILE, for okrflow rollup --values FILE.

    Needs no GitLab, and refuses to start (exit 2) where a GitLab token is visible:
    GITLAB_TOKEN (or the variable gitlab.token_env names) or CI_JOB_TOKEN set, in this
    process or held by a parent process, or a python-gitlab config file with a token.
    Run it in a CI job that has no token and pass FILE to the rollup job as an artifact.
    A command that fails is a warning here and a problem on its key results in rollup.
    """
    return measure(ws, output=output)

"""``okrflow rollup [--quarter Q]``."""

from __future__ import annotations

import click

from okrflow.cli.options import okr_command, quarter_option
from okrflow.commands.rollup import RollupResult, rollup
from okrflow.commands.workspace import Workspace


@okr_command("rollup", dry_run=True, json=True, reads_quarter=True)
@quarter_option()
@click.option(
    "--values",
    default=None,
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="The file okrflow measure wrote: values of the key results measured by a command.",
)
def rollup_command(ws: Workspace, quarter: str | None, values: str | None) -> RollupResult:
    """Read new check-ins and metric sources, compute progress and health, and write
    them to the issues that changed (progress section, health label).

    Problems with single issues are listed and do not fail the run; when GitLab
    keeps failing on some, the rest is done and the run exits 1 (run it again to
    finish). Key results measured by a command take the value okrflow measure wrote
    (--values FILE); rollup never runs a command itself. With --json, prints
    {"quarter", "changed", "problems", "objectives"}.
    """
    return rollup(ws, quarter=quarter, values=values)

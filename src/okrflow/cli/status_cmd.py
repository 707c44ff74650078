"""``okrflow status``: the OKR tree with progress and health; ``--json`` the report document."""

from __future__ import annotations

import click

from okrflow.cli.common import make_workspace, print_json
from okrflow.cli.options import config_option, connection_options, json_option, verbosity_options
from okrflow.commands.status import format_status, status


@click.command("status")
@click.option(
    "--quarter", default=None, metavar="Q", help="The quarter to show (default: the current one)."
)
@config_option
@connection_options
@json_option
@verbosity_options
def status_command(
    quarter: str | None,
    config_path: str | None,
    gitlab_url: str | None,
    project: str | None,
    json_output: bool,
    verbosity: int,
) -> None:
    """Show the quarter's OKR tree: objectives (aligned ones under their parents) with
    progress bar, health, state and owner; key results with current / target, progress
    and confidence; problems at the end.

    --json prints the JSON report document (the same numbers) and nothing else on
    stdout. Colours only on a terminal, never with NO_COLOR.
    """
    ws = make_workspace(
        config_path=config_path,
        gitlab_url=gitlab_url,
        project=project,
        verbosity=verbosity,
        json_output=json_output,
    )
    result = status(ws, quarter=quarter)
    if json_output:
        print_json(result.document)
        return
    for line in format_status(result, style=ws.out.style):
        ws.out.info(line)

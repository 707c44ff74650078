"""``okrflow carry``: carry an unfinished objective over into a later quarter."""

from __future__ import annotations

import click

from okrflow.cli.common import make_workspace, print_json, print_planned
from okrflow.cli.options import (
    config_option,
    connection_options,
    dry_run_option,
    json_option,
    verbosity_options,
)
from okrflow.commands.carry import carry


@click.command("carry")
@config_option
@connection_options
@dry_run_option
@json_option
@verbosity_options
@click.argument("ref", metavar="REF")
@click.option(
    "--to", "to", required=True, metavar="Q", help="The quarter to carry it to, e.g. FY24-Q2."
)
def carry_command(
    config_path: str | None,
    gitlab_url: str | None,
    project: str | None,
    dry_run: bool,
    json_output: bool,
    verbosity: int,
    ref: str,
    to: str,
) -> None:
    """Carry objective REF (12, #12, group/project#12 or its URL) over to quarter Q.

    Opens the objective again in Q, In Draft, with its unfinished key results, links it
    back to the old one ("Carried over from #12"), and closes the old one with outcome
    "carried over". Running it again changes nothing.
    """
    ws = make_workspace(
        config_path=config_path,
        gitlab_url=gitlab_url,
        project=project,
        dry_run=dry_run,
        verbosity=verbosity,
        json_output=json_output,
    )
    result = carry(ws, ref, to=to)
    if json_output:
        print_json(result)
        return
    for line in result.lines():
        ws.out.info(line)
    print_planned(ws)

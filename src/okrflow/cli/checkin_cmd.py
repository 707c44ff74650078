"""``okrflow checkin REF --value V [--confidence C] [--note TEXT]``."""

from __future__ import annotations

import click

from okrflow.cli.common import make_workspace, print_json, print_planned
from okrflow.cli.options import common_options
from okrflow.commands.checkin import checkin


@click.command("checkin")
@click.argument("ref", metavar="REF")
@click.option(
    "--value", required=True, metavar="V", help="The value, in the KR's unit: 1,200, 35%, $2M."
)
@click.option("--confidence", default=None, metavar="C", help="The owner's confidence: 70% or 0.7.")
@click.option("--note", default="", metavar="TEXT", help="Free text after the check-in line.")
@common_options
def checkin_command(
    ref: str,
    value: str,
    confidence: str | None,
    note: str,
    config_path: str | None,
    gitlab_url: str | None,
    project: str | None,
    dry_run: bool,
    json_output: bool,
    verbosity: int,
) -> None:
    """Record a check-in on the key result REF (12, #12, group/project#12 or its URL).

    Posts the comment a person would type ("Check-in: 1,200 (confidence 70%)") and
    records it in the key result's metadata for the next rollup.
    """
    ws = make_workspace(
        config_path=config_path,
        gitlab_url=gitlab_url,
        project=project,
        dry_run=dry_run,
        verbosity=verbosity,
        json_output=json_output,
    )
    result = checkin(ws, ref, value=value, confidence=confidence, note=note)
    for warning in result.warnings:
        ws.out.warn(warning)
    if json_output:
        print_json(result.to_dict())
        return
    ws.out.info(result.summary())
    print_planned(ws)

"""``okrflow checkin REF --value V [--confidence C] [--note TEXT]``."""

from __future__ import annotations

import click

from okrflow.cli.options import okr_command
from okrflow.commands.checkin import CheckinResult, checkin
from okrflow.commands.workspace import Workspace


@okr_command("checkin", dry_run=True, json=True)
@click.argument("ref", metavar="REF")
@click.option(
    "--value", required=True, metavar="V", help="The value, in the KR's unit: 1,200, 35%, $2M."
)
@click.option("--confidence", default=None, metavar="C", help="The owner's confidence: 70% or 0.7.")
@click.option("--note", default="", metavar="TEXT", help="Free text after the check-in line.")
def checkin_command(
    ws: Workspace, ref: str, value: str, confidence: str | None, note: str
) -> CheckinResult:
    """Record a check-in on the key result REF (12, #12, group/project#12 or its URL).

    Posts the comment a person would type ("Check-in: 1,200 (confidence 70%)") and
    records it in the key result's metadata for the next rollup.
    """
    return checkin(ws, ref, value=value, confidence=confidence, note=note)

"""``okrflow carry``: carry an unfinished objective over into a later quarter."""

from __future__ import annotations

import click

from okrflow.cli.options import okr_command
from okrflow.commands.carry import CarryResult, carry
from okrflow.commands.workspace import Workspace


@okr_command("carry", dry_run=True, json=True)
@click.argument("ref", metavar="REF")
@click.option(
    "--to", "to", required=True, metavar="Q", help="The quarter to carry it to, e.g. FY24-Q2."
)
def carry_command(ws: Workspace, ref: str, to: str) -> CarryResult:
    """Carry objective REF (12, #12, group/project#12 or its URL) over to quarter Q.

    Opens the objective again in Q, In Draft, with its unfinished key results, links it
    back to the old one ("Carried over from #12"), and closes the old one with outcome
    "carried over". Running it again changes nothing.
    """
    return carry(ws, ref, to=to)

"""``okrflow move``: lifecycle transitions of one OKR (with its key results) or of a quarter."""

from __future__ import annotations

import click

from okrflow.cli.options import okr_command, quarter_option
from okrflow.commands.move import (
    MoveResult,
    allowed_moves_text,
    move,
    move_bulk,
    parse_outcome,
    parse_state,
)
from okrflow.commands.workspace import Workspace
from okrflow.core.model import State
from okrflow.errors import UsageError

STATES = click.Choice([s.value for s in State], case_sensitive=False)
OUTCOMES = click.Choice(["achieved", "missed", "not-a-priority"], case_sensitive=False)


@okr_command("move", dry_run=True, json=True)
@click.argument("ref", required=False, metavar="[REF]")
@click.option("--to", "to", required=True, type=STATES, help="The state to move to.")
@click.option(
    "--outcome",
    type=OUTCOMES,
    default=None,
    help="With --to closed: the outcome to record (default: achieved when the score "
    "reaches the objective's success bar, else missed).",
)
@quarter_option()
@click.option(
    "--from", "from_state", type=STATES, default=None, help="Bulk: move the OKRs in this state."
)
def move_command(
    ws: Workspace,
    ref: str | None,
    to: str,
    outcome: str | None,
    quarter: str | None,
    from_state: str | None,
) -> MoveResult:
    """Move an OKR along its lifecycle: draft -> review -> active -> closed
    (review -> draft too).

    REF is 12, #12, group/project#12 or an issue URL; an objective's key results
    move with it. Bulk form: --quarter Q --from STATE --to STATE moves every
    objective of the quarter in that state. Moving to review or active is refused
    (exit 3, naming the rules) while the objective or its key results break an
    error-level lint rule or it has fewer than 3 or more than 5 key results. A move
    the lifecycle does not allow exits 2. Closing records the outcome and the score
    and closes the issues. Moving to the state an OKR is in changes nothing.
    """
    if ref is not None and (from_state or quarter):
        raise UsageError("give either REF or --quarter/--from (bulk), not both")
    if ref is None and from_state is None:
        raise UsageError(
            "give the OKR to move (REF: 12, #12, group/project#12 or an issue URL) or, "
            f"for a bulk move, --from STATE (allowed moves: {allowed_moves_text()})"
        )
    target = parse_state(to)
    if ref is not None:
        chosen = parse_outcome(outcome) if outcome else None
        result = move(ws, ref, to=target, outcome=chosen)
    else:
        if outcome:
            raise UsageError("--outcome is for moving one objective (REF --to closed)")
        assert from_state is not None
        result = move_bulk(ws, quarter=quarter, from_state=parse_state(from_state), to=target)
    return result

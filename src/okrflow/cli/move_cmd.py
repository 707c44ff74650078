"""``okrflow move``: lifecycle transitions of one OKR (with its key results) or of a quarter."""

from __future__ import annotations

import click

from okrflow.cli.common import make_workspace, print_json, print_planned
from okrflow.cli.options import common_options
from okrflow.commands.move import allowed_moves_text, move, move_bulk, parse_outcome, parse_state
from okrflow.core.model import State
from okrflow.errors import UsageError

STATES = click.Choice([s.value for s in State], case_sensitive=False)
OUTCOMES = click.Choice(["achieved", "missed", "not-a-priority"], case_sensitive=False)


@click.command("move")
@click.argument("ref", required=False, metavar="[REF]")
@click.option("--to", "to", required=True, type=STATES, help="The state to move to.")
@click.option(
    "--outcome",
    type=OUTCOMES,
    default=None,
    help="With --to closed: the outcome to record (default: achieved when the score "
    "reaches the objective's success bar, else missed).",
)
@click.option(
    "--quarter", default=None, metavar="Q", help="Bulk: the quarter (default: the current one)."
)
@click.option(
    "--from", "from_state", type=STATES, default=None, help="Bulk: move the OKRs in this state."
)
@common_options
def move_command(
    ref: str | None,
    to: str,
    outcome: str | None,
    quarter: str | None,
    from_state: str | None,
    config_path: str | None,
    gitlab_url: str | None,
    project: str | None,
    dry_run: bool,
    json_output: bool,
    verbosity: int,
) -> None:
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
    ws = make_workspace(
        config_path=config_path,
        gitlab_url=gitlab_url,
        project=project,
        dry_run=dry_run,
        verbosity=verbosity,
        json_output=json_output,
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
    if json_output:
        print_json(result.to_dict())
    else:
        for moved in result.moved:
            ws.out.info(moved.line(dry_run=result.dry_run))
        for iid, why in result.skipped:
            ws.out.info(f"skipped #{iid}: {why}")
        for blocked in result.blocked:
            ws.out.warn(blocked.message())
        ws.out.info(result.summary())
        if result.dry_run:
            print_planned(ws)
    result.raise_for_blocked()

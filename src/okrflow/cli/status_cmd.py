"""``okrflow status``: the OKR tree with progress and health; ``--json`` the report document."""

from __future__ import annotations

from okrflow.cli.options import okr_command, quarter_option
from okrflow.commands.status import StatusResult, status
from okrflow.commands.workspace import Workspace


@okr_command("status", json=True, reads_quarter=True)
@quarter_option()
def status_command(ws: Workspace, quarter: str | None) -> StatusResult:
    """Show the quarter's OKR tree: objectives (aligned ones under their parents) with
    progress bar, health, state and owner; key results with current / target, progress
    and confidence; problems at the end.

    --json prints the JSON report document (the same numbers) and nothing else on
    stdout. Colours only on a terminal, never with NO_COLOR.
    """
    return status(ws, quarter=quarter)

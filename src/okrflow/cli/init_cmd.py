"""``okrflow init``: labels, the OKR board and the issue templates, idempotently."""

from __future__ import annotations

from okrflow.cli.options import okr_command
from okrflow.commands.init import InitResult, init
from okrflow.commands.workspace import Workspace


@okr_command("init", dry_run=True, json=True)
def init_command(ws: Workspace) -> InitResult:
    """Create or update the OKR labels, the lifecycle board and the issue templates.

    Labels come from the config (type, lifecycle, health, this quarter and the next,
    teams); the board has one list per lifecycle label; the templates go to
    .gitlab/issue_templates/ on the default branch. Only what differs is written, so
    a second run changes nothing. One line per change, then a summary.
    """
    return init(ws)

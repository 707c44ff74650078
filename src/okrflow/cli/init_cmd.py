"""``okrflow init``: labels, the OKR board and the issue templates, idempotently."""

from __future__ import annotations

import click

from okrflow.cli.options import okr_command
from okrflow.commands.init import InitResult, init
from okrflow.commands.workspace import Workspace


@okr_command("init", dry_run=True, json=True)
@click.option(
    "--force",
    is_flag=True,
    help="Also replace templates okrflow installed that a person edited since.",
)
def init_command(ws: Workspace, force: bool) -> InitResult:
    """Create or update the OKR labels, the lifecycle board and the issue templates.

    Labels come from the config (type, lifecycle, health, this quarter and the next,
    teams); the board has one list per lifecycle label; the templates go to
    .gitlab/issue_templates/ on the default branch. Only what differs is written, so
    a second run changes nothing. A template a person edited after okrflow installed
    it is left as it is and named (--force replaces it); a template okrflow never
    installed is never touched. One line per change, then a summary.
    """
    return init(ws, force=force)

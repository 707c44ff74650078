"""``okrflow init``: labels, the OKR board and the issue templates, idempotently."""

from __future__ import annotations

import click

from okrflow.cli.common import make_workspace, print_json
from okrflow.cli.options import common_options
from okrflow.commands.init import init


@click.command("init")
@common_options
def init_command(
    config_path: str | None,
    gitlab_url: str | None,
    project: str | None,
    dry_run: bool,
    json_output: bool,
    verbosity: int,
) -> None:
    """Create or update the OKR labels, the lifecycle board and the issue templates.

    Labels come from the config (type, lifecycle, health, this quarter and the next,
    teams); the board has one list per lifecycle label; the templates go to
    .gitlab/issue_templates/ on the default branch. Only what differs is written, so
    a second run changes nothing. One line per change, then a summary.
    """
    ws = make_workspace(
        config_path=config_path,
        gitlab_url=gitlab_url,
        project=project,
        dry_run=dry_run,
        verbosity=verbosity,
        json_output=json_output,
    )
    result = init(ws)
    if json_output:
        print_json(result.to_dict())
        return
    for change in result.changes:
        ws.out.info(change.line(dry_run=result.dry_run))
    for what in result.unchanged:
        ws.out.detail(f"unchanged {what}")
    for note in result.notes:
        ws.out.warn(note)
    ws.out.info(result.summary())

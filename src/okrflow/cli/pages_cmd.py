"""``okrflow pages``: the OKR dashboard for GitLab Pages."""

from __future__ import annotations

from pathlib import Path

import click

from okrflow.cli.options import okr_command
from okrflow.commands.pages import PagesResult, pages
from okrflow.commands.workspace import Workspace


@okr_command("pages", dry_run=True, json=True)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("public"),
    show_default=True,
    metavar="DIR",
    help="Directory to write the site to (GitLab Pages publishes public/).",
)
def pages_command(ws: Workspace, output: Path) -> PagesResult:
    """Write the OKR dashboard: an index of every quarter with the scores by team
    over time, the latest report (made now) and each closed quarter's report as it
    was kept when it closed. The CI component's pages job publishes it.
    """
    return pages(ws, output=output)

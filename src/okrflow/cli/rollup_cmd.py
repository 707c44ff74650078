"""``okrflow rollup [--quarter Q]``."""

from __future__ import annotations

import click

from okrflow.cli.common import make_workspace, print_json, print_planned
from okrflow.cli.options import common_options
from okrflow.commands.rollup import rollup
from okrflow.errors import GitLabError


@click.command("rollup")
@click.option(
    "--quarter", default=None, metavar="Q", help="Quarter label, e.g. FY24-Q1 (default: today's)."
)
@common_options
def rollup_command(
    quarter: str | None,
    config_path: str | None,
    gitlab_url: str | None,
    project: str | None,
    dry_run: bool,
    json_output: bool,
    verbosity: int,
) -> None:
    """Read new check-ins and metric sources, compute progress and health, and write
    them to the issues that changed (progress section, health label).

    Problems with single issues are listed and do not fail the run; when GitLab
    keeps failing on some, the rest is done and the run exits 1 (run it again to
    finish). With --json, prints {"quarter", "changed", "problems", "objectives"}.
    """
    ws = make_workspace(
        config_path=config_path,
        gitlab_url=gitlab_url,
        project=project,
        dry_run=dry_run,
        verbosity=verbosity,
        json_output=json_output,
    )
    result = rollup(ws, quarter=quarter)
    if json_output:
        print_json(result.to_dict())
    else:
        print_planned(ws)
    failure = result.failure_message()
    if failure:  # GitLab kept failing on some issues: a partial failure, exit 1
        raise GitLabError(failure)

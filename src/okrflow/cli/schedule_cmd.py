"""``okrflow schedule``: what the OKR schedule says is due on a day, done once."""

from __future__ import annotations

import datetime as dt

import click

from okrflow.cli.common import make_workspace, print_json, print_planned
from okrflow.cli.options import (
    config_option,
    connection_options,
    dry_run_option,
    json_option,
    verbosity_options,
)
from okrflow.commands.schedule import schedule


@click.command("schedule")
@config_option
@connection_options
@dry_run_option
@json_option
@verbosity_options
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Run the schedule as on this day (default: today, or OKRFLOW_NOW).",
)
def schedule_command(
    config_path: str | None,
    gitlab_url: str | None,
    project: str | None,
    dry_run: bool,
    json_output: bool,
    verbosity: int,
    day: dt.datetime | None,
) -> None:
    """Do what the OKR schedule says is due: planning issue (4 weeks before a quarter),
    review reminders (2 weeks), closing report (1 week), activation (day 0), and the
    weekly check-in reminders.

    Steps missed on earlier days are caught up, oldest first; a step already done is
    not done again, so running it twice for a day writes nothing the second time.
    """
    ws = make_workspace(
        config_path=config_path,
        gitlab_url=gitlab_url,
        project=project,
        dry_run=dry_run,
        verbosity=verbosity,
        json_output=json_output,
    )
    if day is not None:
        noon = dt.datetime.combine(day.date(), dt.time(12), tzinfo=dt.timezone.utc)
        ws.now = lambda: noon
    result = schedule(ws)
    if json_output:
        print_json(result)
        return
    for line in result.lines():
        ws.out.info(line)
    print_planned(ws)

"""``okrflow schedule``: what the OKR schedule says is due on a day, done once."""

from __future__ import annotations

import datetime as dt

import click

from okrflow.cli.options import okr_command
from okrflow.commands.schedule import ScheduleResult, schedule
from okrflow.commands.workspace import Workspace
from okrflow.core.calendar import out_of_range
from okrflow.errors import UsageError


@okr_command("schedule", dry_run=True, json=True)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Run the schedule as on this day (default: today, or OKRFLOW_NOW).",
)
@click.option(
    "--catch-up",
    is_flag=True,
    help="Also run the steps of the current quarter dated before the schedule's first run "
    "in it (skipped otherwise, and recorded as skipped).",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Run even when the current and the next quarter hold no OKRs (refused otherwise).",
)
def schedule_command(
    ws: Workspace, day: dt.datetime | None, catch_up: bool, allow_empty: bool
) -> ScheduleResult:
    """Do what the OKR schedule says is due: planning issue (4 weeks before a quarter),
    review reminders (2 weeks), closing report (1 week), activation (day 0), and the
    weekly check-in reminders.

    Steps missed on earlier days are caught up, oldest first; a step already done is
    not done again, so running it twice for a day writes nothing the second time. The
    first run in a quarter already under way skips its past steps (--catch-up runs them).
    """
    if day is not None:
        problem = out_of_range(day)
        if problem is not None:
            raise UsageError(f"--date {day.date()} {problem}")
        noon = dt.datetime.combine(day.date(), dt.time(12), tzinfo=dt.timezone.utc)
        ws.now = lambda: noon
    return schedule(ws, catch_up=catch_up, allow_empty=allow_empty)

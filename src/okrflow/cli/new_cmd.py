"""``okrflow new objective`` / ``okrflow new kr``: open OKR issues from the templates."""

from __future__ import annotations

from typing import Any

import click

from okrflow.cli.options import okr_command
from okrflow.commands.new import NewResult, new_kr, new_objective
from okrflow.commands.workspace import Workspace


@click.group("new")
def new_group() -> None:
    """Open an objective or a key result issue from okrflow's issue templates.

    Each prints the new issue's reference and URL. An OKR with the same key in the
    quarter (default key: a slug of the title) is found instead of duplicated. In a
    group scope (--group, OKRFLOW_GROUP or group: in the config) --project names the
    OKR project of the group the issue opens in, and parents are named in full
    (acme/company#3).
    """


@okr_command("objective", dry_run=True, json=True, project_in_group=True)
@click.option("--title", required=True, help="The objective: one inspiring sentence.")
@click.option(
    "--quarter",
    default=None,
    metavar="Q",
    help="Quarter: FY24-Q1, current, next or previous (needed unless --annual; with "
    "--annual the fiscal year, e.g. FY24).",
)
@click.option(
    "--annual",
    is_flag=True,
    default=False,
    help="An annual objective: of the fiscal year (default the current one), labelled "
    "with the year; quarterly objectives align under it with --parent.",
)
@click.option("--team", required=True, help="Team (a configured team's label).")
@click.option("--owner", required=True, metavar="USER", help="GitLab username of the DRI.")
@click.option("--purpose", required=True, metavar="TEXT", help="Why it matters.")
@click.option(
    "--parent",
    "parents",
    multiple=True,
    metavar="REF",
    help="Objective this one serves (12, #12, group/project#12, URL); repeatable.",
)
@click.option(
    "--kind",
    type=click.Choice(["committed", "aspirational"]),
    default="committed",
    show_default=True,
)
@click.option("--key", default=None, help="Stable key (default: a slug of the title).")
@click.option("--weight", type=float, default=None, help="Weight in the parent (default 1).")
def objective_command(ws: Workspace, **options: Any) -> NewResult:
    """Open an objective issue, labelled, assigned and linked to its parents."""
    return new_objective(ws, **options)


@okr_command("kr", dry_run=True, json=True, project_in_group=True)
@click.option(
    "--objective",
    required=True,
    multiple=True,
    metavar="REF",
    help="The objective it moves; repeatable: it counts for each (the first is its home).",
)
@click.option("--title", required=True, metavar="STATEMENT", help="e.g. 'Grow X from 10 to 15'.")
@click.option("--owner", default=None, metavar="USER", help="DRI (default: the objective's).")
@click.option("--weight", type=float, default=None, help="Weight in the objective (default 1).")
@click.option("--start", default=None, metavar="X", help="Start value (overrides the statement).")
@click.option("--target", default=None, metavar="Y", help="Target value (with --start).")
@click.option("--unit", default=None, metavar="U", help="Unit of start and target, e.g. %.")
@click.option("--direction", type=click.Choice(["increase", "decrease"]), default=None)
@click.option("--key", default=None, help="Stable key (default: a slug of the title).")
@click.option(
    "--source",
    default=None,
    metavar="SOURCE",
    help="Where its value comes from, as in the OKR file: manual (default), initiatives, "
    "'{initiatives: {measure: count}}' or '{query: {labels: [bug], state: closed, "
    "project: acme/web}}' (or group:).",
)
def kr_command(ws: Workspace, **options: Any) -> NewResult:
    """Open a key-result issue under an objective (its quarter and team).

    The statement is read for start, target and unit; give --start and --target
    when it says them differently.
    """
    return new_kr(ws, **options)


new_group.add_command(objective_command)
new_group.add_command(kr_command)

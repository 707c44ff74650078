"""``okrflow apply FILE`` and ``okrflow plan FILE``: OKRs as code."""

from __future__ import annotations

import click

from okrflow.cli.options import okr_command
from okrflow.commands.apply import ApplyResult, apply, plan
from okrflow.commands.workspace import Workspace

_FILE = click.argument("file", metavar="FILE", type=click.Path(dir_okay=False))


@okr_command("apply", dry_run=True, json=True)
@_FILE
def apply_command(ws: Workspace, file: str) -> ApplyResult:
    """Make GitLab match the OKR file FILE (see config/okrs.example.yml).

    Creates the objectives and key results that are missing (parents first, labelled,
    assigned, linked to their parents), updates those that differ (one request each),
    and leaves OKR issues the file does not mention alone (reported as "not in file").
    Issues match the file by key, so a new title is an update. A second run changes
    nothing. With --dry-run, prints the plan and sends only GET requests.
    """
    return apply(ws, file)


@okr_command("plan", json=True)
@_FILE
def plan_command(ws: Workspace, file: str) -> ApplyResult:
    """Show what `okrflow apply FILE` would change; exit 3 when anything would.

    One line per OKR: "+ create", "~ update" with what differs, "= unchanged" (with
    -v), and "! not in file" for OKR issues of the quarter that the file does not
    mention (apply never deletes them). Sends only GET requests.
    """
    return plan(ws, file)

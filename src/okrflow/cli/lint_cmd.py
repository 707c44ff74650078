"""``okrflow lint``: check the OKRs against the rules; ``--comment`` tells their owners once."""

from __future__ import annotations

import click

from okrflow.cli.options import okr_command, quarter_option
from okrflow.commands.lint import LintResult, lint
from okrflow.commands.workspace import Workspace


@okr_command("lint", dry_run=True, json=True, reads_quarter=True)
@quarter_option()
@click.option(
    "--comment",
    is_flag=True,
    default=False,
    help="Tell each owner on the issue: one okrflow lint comment per issue, updated when "
    "the findings change, marked fixed when they are gone.",
)
def lint_command(ws: Workspace, quarter: str | None, comment: bool) -> LintResult:
    """Check the quarter's OKRs (and open ones without a quarter yet) against the rules:
    3 to 5 key results, measurable statements, an owner, a purpose, exactly one
    lifecycle state ...

    Prints the findings grouped per issue ("#12 error purpose: ..."), then what could
    not be read. Exits 3 when there is any finding (error or warning) or problem,
    0 when everything is clean. --json prints {"findings": [...], "problems": [...]}.
    """
    return lint(ws, quarter=quarter, comment=comment)

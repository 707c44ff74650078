"""``okrflow lint``: check the OKRs against the rules; ``--comment`` tells their owners once."""

from __future__ import annotations

import click

from okrflow.cli.common import make_workspace, print_json, print_planned
from okrflow.cli.options import common_options
from okrflow.commands.lint import lint
from okrflow.errors import FindingsError


@click.command("lint")
@click.option(
    "--quarter", default=None, metavar="Q", help="The quarter to check (default: the current one)."
)
@click.option(
    "--comment",
    is_flag=True,
    default=False,
    help="Tell each owner on the issue: one okrflow lint comment per issue, updated when "
    "the findings change, marked fixed when they are gone.",
)
@common_options
def lint_command(
    quarter: str | None,
    comment: bool,
    config_path: str | None,
    gitlab_url: str | None,
    project: str | None,
    dry_run: bool,
    json_output: bool,
    verbosity: int,
) -> None:
    """Check the quarter's OKRs (and open ones without a quarter yet) against the rules:
    3 to 5 key results, measurable statements, an owner, a purpose, exactly one
    lifecycle state ...

    Prints the findings grouped per issue ("#12 error purpose: ..."), then what could
    not be read. Exits 3 when there is any finding (error or warning) or problem,
    0 when everything is clean. --json prints {"findings": [...], "problems": [...]}.
    """
    ws = make_workspace(
        config_path=config_path,
        gitlab_url=gitlab_url,
        project=project,
        dry_run=dry_run,
        verbosity=verbosity,
        json_output=json_output,
    )
    result = lint(ws, quarter=quarter, comment=comment)
    if json_output:
        print_json(result.to_dict())
    else:
        for line in result.lines():
            ws.out.info(line)
        for change in result.comments:
            ws.out.info(change.line(dry_run=result.dry_run))
        if result.dry_run:
            print_planned(ws)
        if result.clean:
            ws.out.info(result.summary())
    if not result.clean:
        raise FindingsError(result.summary())

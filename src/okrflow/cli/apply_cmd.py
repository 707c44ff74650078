"""``okrflow apply FILE`` and ``okrflow plan FILE``: OKRs as code."""

from __future__ import annotations

import click

from okrflow.cli.common import make_workspace, print_json
from okrflow.cli.options import (
    config_option,
    connection_options,
    dry_run_option,
    json_option,
    verbosity_options,
)
from okrflow.commands.apply import ApplyResult, apply, plan
from okrflow.commands.workspace import Workspace
from okrflow.errors import FindingsError, OkrflowError

_FILE = click.argument("file", metavar="FILE", type=click.Path(dir_okay=False))


def _show(ws: Workspace, result: ApplyResult, verbosity: int) -> None:
    for warning in result.warnings:
        ws.out.warn(warning)
    for change in result.changes:
        if change.action != "unchanged" or verbosity >= 1:
            ws.out.info(change.line())
    for stray in result.not_in_file:
        ws.out.info(stray.line())
    for failure in result.failed:
        ws.out.warn(f"failed: {failure}")
    ws.out.info(result.summary())


@click.command("apply")
@_FILE
@config_option
@connection_options
@dry_run_option
@json_option
@verbosity_options
def apply_command(
    file: str,
    config_path: str | None,
    gitlab_url: str | None,
    project: str | None,
    dry_run: bool,
    json_output: bool,
    verbosity: int,
) -> None:
    """Make GitLab match the OKR file FILE (see config/okrs.example.yml).

    Creates the objectives and key results that are missing (parents first, labelled,
    assigned, linked to their parents), updates those that differ (one request each),
    and leaves OKR issues the file does not mention alone (reported as "not in file").
    Issues match the file by key, so a new title is an update. A second run changes
    nothing. With --dry-run, prints the plan and sends only GET requests.
    """
    ws = make_workspace(
        config_path=config_path,
        gitlab_url=gitlab_url,
        project=project,
        dry_run=dry_run,
        verbosity=verbosity,
        json_output=json_output,
    )
    result = apply(ws, file, dry_run=dry_run)
    if json_output:
        print_json(result.to_dict())
    else:
        _show(ws, result, verbosity)
    if result.failed:
        raise OkrflowError(result.failure())


@click.command("plan")
@_FILE
@config_option
@connection_options
@json_option
@verbosity_options
def plan_command(
    file: str,
    config_path: str | None,
    gitlab_url: str | None,
    project: str | None,
    json_output: bool,
    verbosity: int,
) -> None:
    """Show what `okrflow apply FILE` would change; exit 3 when anything would.

    One line per OKR: "+ create", "~ update" with what differs, "= unchanged" (with
    -v), and "! not in file" for OKR issues of the quarter that the file does not
    mention (apply never deletes them). Sends only GET requests.
    """
    ws = make_workspace(
        config_path=config_path,
        gitlab_url=gitlab_url,
        project=project,
        verbosity=verbosity,
        json_output=json_output,
    )
    result = plan(ws, file)
    if json_output:
        print_json(result.to_dict())
    else:
        _show(ws, result, verbosity)
    if result.differences:
        raise FindingsError(
            f"plan: {result.differences} OKR(s) differ from {file}; "
            f"`okrflow apply {file}` makes GitLab match"
        )

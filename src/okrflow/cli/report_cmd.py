"""``okrflow report``: write the quarter's report files, optionally post it as an issue."""

from __future__ import annotations

from pathlib import Path

import click

from okrflow.cli.common import make_workspace, print_json, print_planned
from okrflow.cli.options import (
    config_option,
    connection_options,
    dry_run_option,
    json_option,
    verbosity_options,
)
from okrflow.commands.report import report
from okrflow.core.report import REPORT_KINDS, ReportKind
from okrflow.render import FORMATS, Format


@click.command("report")
@config_option
@connection_options
@dry_run_option
@json_option
@verbosity_options
@click.option("--quarter", default=None, metavar="Q", help="Quarter, e.g. FY24-Q1 (default: now).")
@click.option(
    "--kind",
    type=click.Choice(REPORT_KINDS),
    default=None,
    help="closing (final scores) or progress (mid-quarter); default: closing from the "
    "schedule's closing-ceremony date on.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="md, html or json; repeat for several (default: the config's report.formats).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    metavar="PATH",
    help="Directory for okrflow-report-<quarter>.<format> files, or a file path for one "
    "format (default: the config's report.output_dir).",
)
@click.option(
    "--post/--no-post",
    default=None,
    help="Also create or update the quarter's report issue (default: the config's report.post).",
)
def report_command(
    config_path: str | None,
    gitlab_url: str | None,
    project: str | None,
    dry_run: bool,
    json_output: bool,
    verbosity: int,
    quarter: str | None,
    kind: ReportKind | None,
    formats: tuple[Format, ...],
    output: Path | None,
    post: bool | None,
) -> None:
    """Write the closing-ceremony report (or a progress report) of a quarter.

    The numbers are those of okrflow status. Prints each file written; with --post,
    the report issue (labelled okr::report and the quarter; one per quarter and kind)
    is created, updated, or left alone when nothing changed.
    """
    ws = make_workspace(
        config_path=config_path,
        gitlab_url=gitlab_url,
        project=project,
        dry_run=dry_run,
        verbosity=verbosity,
        json_output=json_output,
    )
    result = report(ws, quarter=quarter, kind=kind, formats=formats, output=output, post=post)
    if json_output:
        print_json(result)
        return
    for line in result.lines():
        ws.out.info(line)
    print_planned(ws)

"""``okrflow report``: write the quarter's report files, optionally post it as an issue."""

from __future__ import annotations

from pathlib import Path

import click

from okrflow.cli.options import okr_command, quarter_option
from okrflow.commands.report import ReportResult, report
from okrflow.commands.workspace import Workspace
from okrflow.core.report import REPORT_KINDS, ReportKind
from okrflow.render import FORMATS, Format


@okr_command("report", dry_run=True, json=True, reads_quarter=True)
@quarter_option()
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
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Post the report of a quarter that holds no OKRs (refused otherwise, exit 2).",
)
def report_command(
    ws: Workspace,
    quarter: str | None,
    kind: ReportKind | None,
    formats: tuple[Format, ...],
    output: Path | None,
    post: bool | None,
    allow_empty: bool,
) -> ReportResult:
    """Write the closing-ceremony report (or a progress report) of a quarter.

    The numbers are those of okrflow status. Prints each file written; with --post,
    the report issue (labelled okr::report and the quarter; one per quarter and kind)
    is created, updated, or left alone when nothing changed.
    """
    return report(
        ws,
        quarter=quarter,
        kind=kind,
        formats=formats,
        output=output,
        post=post,
        allow_empty=allow_empty,
    )

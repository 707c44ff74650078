"""``okrflow export``: a quarter's OKRs from GitLab to an OKR file (YAML), JSON or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from okrflow.cli.options import okr_command, quarter_option
from okrflow.commands.export import EXPORT_FORMATS, ExportFormat, ExportResult, export
from okrflow.commands.workspace import Workspace


@okr_command("export", json=True, reads_quarter=True)
@quarter_option()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="yaml",
    show_default=True,
    help="yaml: an OKR file for okrflow apply; json: the same as JSON; csv: one row per "
    "key result (okrflow import reads it back).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write to FILE instead of printing.",
)
def export_command(
    ws: Workspace, quarter: str | None, fmt: ExportFormat, output: Path | None
) -> ExportResult:
    """Export the quarter's OKRs, as GitLab holds them, to an OKR file.

    The YAML is an OKR file: `okrflow apply` makes another project match it, and
    `okrflow plan` on this project finds nothing to change. Keys, titles, teams,
    owners, parents, purposes, weights and metric sources are kept; start and target
    where the statement does not say them. States and check-ins stay in GitLab.
    """
    return export(ws, quarter=quarter, fmt=fmt, output=output)

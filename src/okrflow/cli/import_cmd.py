"""``okrflow import FILE``: OKRs from a spreadsheet or a handbook page into an OKR file."""

from __future__ import annotations

from pathlib import Path

import click

from okrflow.cli.options import okr_command
from okrflow.commands.import_okrs import ImportResult, import_okrs
from okrflow.commands.workspace import Workspace


@okr_command("import", dry_run=True, json=True, connect_if="apply_")
@click.argument("file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option(
    "--mapping",
    default=None,
    metavar="NAME|FILE",
    help="For a CSV: plain (default), viva-goals, perdoo, or a mapping file of your own.",
)
@click.option(
    "--quarter",
    default=None,
    metavar="Q",
    help="The quarter of the OKRs (default: what the file says); a CSV keeps its rows of it.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write the OKR file to FILE instead of printing it.",
)
@click.option(
    "--apply",
    "apply_",
    is_flag=True,
    help="Also make GitLab match it, as okrflow apply does (default: only the file).",
)
def import_command(
    ws: Workspace,
    file: str,
    mapping: str | None,
    quarter: str | None,
    output: Path | None,
    apply_: bool,
) -> ImportResult:
    """Turn FILE into an OKR file: a CSV through a column mapping, or a handbook page
    (.md) with OBJECTIVE: and KR: lines under department headings.

    Prints the OKR file (or writes --output) and changes nothing in GitLab, unless
    --apply. A bad row or line is named with its number and the reason, every one,
    and then nothing is imported (exit 2). A statement okrflow cannot read becomes a
    milestone and is named, so you can give its start and target.
    """
    return import_okrs(ws, file, mapping=mapping, quarter=quarter, output=output, apply=apply_)

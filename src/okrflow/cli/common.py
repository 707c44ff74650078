"""The one way a command builds its :class:`~okrflow.commands.workspace.Workspace` from options."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from typing import Any

import click

from okrflow.cli.options import load_config_from_options
from okrflow.cli.output import Output
from okrflow.commands.workspace import Workspace, connect_settings


def make_workspace(
    *,
    config_path: str | None,
    gitlab_url: str | None = None,
    project: str | None = None,
    dry_run: bool = False,
    verbosity: int = 0,
    json_output: bool = False,
    needs_gitlab: bool = True,
) -> Workspace:
    config = load_config_from_options(config_path)
    connection = (
        connect_settings(config, gitlab_url=gitlab_url, project=project) if needs_gitlab else None
    )
    # With --json, stdout carries only the JSON document: messages go to stderr.
    out = Output.terminal(verbosity=-1 if json_output else verbosity)
    return Workspace(config=config, connection=connection, out=out, dry_run=dry_run)


def print_json(document: Any) -> None:
    """Print a JSON document; a result dataclass is printed field by field (dates as
    ISO 8601, paths and enums as text)."""
    if dataclasses.is_dataclass(document) and not isinstance(document, type):
        document = dataclasses.asdict(document)
    click.echo(json.dumps(document, indent=2, ensure_ascii=False, default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return str(value)


def print_planned(ws: Workspace) -> None:
    """After a --dry-run: every write that would have been made, one per line."""
    if not ws.dry_run:
        return
    planned = ws.gl.planned if ws._gl is not None else []
    if not planned:
        ws.out.info("dry run: nothing would change")
        return
    ws.out.info(f"dry run: {len(planned)} write(s) would be made:")
    for write in planned:
        ws.out.info(f"  would {write}")

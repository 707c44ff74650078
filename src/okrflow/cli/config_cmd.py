"""``okrflow config check`` and ``okrflow config reference``: the config file."""

from __future__ import annotations

import json
from pathlib import Path

import click

from okrflow.cli.options import refuse_unused, shared, shared_options


@click.group("config")
@shared_options("config")
def config_group() -> None:
    """Work with the okrflow config file."""


@config_group.command("check")
@shared_options("config")
def check_command() -> None:
    """Validate the config file: "config OK: <path>", or one error line and exit 2."""
    from okrflow.commands.workspace import Workspace, config_location

    refuse_unused(["config"], "config check")
    config_path = shared().config_path
    Workspace.open(config_path=config_path, connect=False)  # one error line when invalid
    path, explicit = config_location(config_path)
    if explicit or Path(path).exists():
        click.echo(f"config OK: {path}")
    else:
        click.echo(f"config OK: {path} (not found; the defaults apply)")


def reference_markdown() -> str:
    """Every config key with its type, default and meaning, as a Markdown table."""
    from okrflow.config import iter_config_reference

    rows = ["| key | type | default | what it does |", "| --- | --- | --- | --- |"]
    for entry in iter_config_reference():
        if entry.type == "mapping":
            continue  # sections are spelled out key by key
        default = entry.default
        shown = "(required)" if repr(default) == "(required)" else json.dumps(default)
        cells = [f"`{entry.key}`", entry.type, f"`{shown}`", entry.description]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"


@config_group.command("reference")
def reference_command() -> None:
    """Print every config key with its default as a Markdown table."""
    click.echo(reference_markdown(), nl=False)

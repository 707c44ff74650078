"""``okrflow config check``: load and validate the config file."""

from __future__ import annotations

from pathlib import Path

import click

from okrflow.cli.options import config_option, load_config_from_options, resolve_config_path


@click.group("config")
def config_group() -> None:
    """Work with the okrflow config file."""


@config_group.command("check")
@config_option
def check_command(config_path: str | None) -> None:
    """Validate the config file: "config OK: <path>", or one error line and exit 2."""
    path, explicit = resolve_config_path(config_path)
    load_config_from_options(config_path)
    if explicit or Path(path).exists():
        click.echo(f"config OK: {path}")
    else:
        click.echo(f"config OK: {path} (not found; the defaults apply)")

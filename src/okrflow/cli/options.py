"""The options okrflow commands share, and the one way a command loads the config.

A command takes the options it needs::

    @click.command("rollup")
    @common_options
    def rollup_command(
        config_path: str | None,
        gitlab_url: str | None,
        project: str | None,
        dry_run: bool,
        json_output: bool,
        verbosity: int,
    ) -> None:
        config = load_config_from_options(config_path)
        ...

``verbosity`` is -1 with ``--quiet``, 0 by default, and 1, 2 ... with ``-v``, ``-vv``.
Commands that need only some options use :func:`config_option`,
:func:`connection_options`, :func:`dry_run_option`, :func:`json_option` or
:func:`verbosity_options` alone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from okrflow.config import DEFAULT_CONFIG_PATH, Config, load_config
from okrflow.errors import UsageError

__all__ = [
    "CONFIG_ENVVAR",
    "common_options",
    "config_option",
    "connection_options",
    "dry_run_option",
    "json_option",
    "load_config_from_options",
    "resolve_config_path",
    "verbosity_options",
]

CONFIG_ENVVAR = "OKRFLOW_CONFIG"

F = TypeVar("F", bound=Callable[..., Any])


def config_option(func: F) -> F:
    """``--config FILE`` / ``OKRFLOW_CONFIG`` as ``config_path`` (None: the default file)."""
    return click.option(
        "--config",
        "config_path",
        envvar=CONFIG_ENVVAR,
        default=None,
        metavar="FILE",
        help=f"okrflow config file (env {CONFIG_ENVVAR}); default {DEFAULT_CONFIG_PATH} "
        "when it exists, else built-in defaults.",
    )(func)


def connection_options(func: F) -> F:
    """``--gitlab-url`` / ``GITLAB_URL`` and ``--project`` / ``OKRFLOW_PROJECT``."""
    func = click.option(
        "--project",
        "project",
        envvar="OKRFLOW_PROJECT",
        default=None,
        metavar="PATH",
        help="OKR project, group/project or id (env OKRFLOW_PROJECT; then the config's "
        "project, then CI_PROJECT_PATH).",
    )(func)
    return click.option(
        "--gitlab-url",
        "gitlab_url",
        envvar="GITLAB_URL",
        default=None,
        metavar="URL",
        help="GitLab URL (env GITLAB_URL; then the config's gitlab.url, then CI_SERVER_URL). "
        "The token is read from GITLAB_TOKEN.",
    )(func)


def dry_run_option(func: F) -> F:
    """``--dry-run`` as ``dry_run``."""
    return click.option(
        "--dry-run",
        "dry_run",
        is_flag=True,
        default=False,
        help="Print what would change and write nothing.",
    )(func)


def json_option(func: F) -> F:
    """``--json`` as ``json_output``."""
    return click.option(
        "--json",
        "json_output",
        is_flag=True,
        default=False,
        help="Print JSON instead of text.",
    )(func)


def verbosity_options(func: F) -> F:
    """``-q/--quiet`` and ``-v/--verbose`` (repeatable), given as one ``verbosity`` int."""

    @functools.wraps(func)
    def wrapper(*args: Any, quiet: bool, verbose: int, **kwargs: Any) -> Any:
        if quiet and verbose:
            raise UsageError("--quiet and --verbose cannot be used together")
        return func(*args, verbosity=-1 if quiet else verbose, **kwargs)

    decorated = click.option(
        "-v", "--verbose", "verbose", count=True, help="Say more (repeat for more detail)."
    )(wrapper)
    decorated = click.option(
        "-q", "--quiet", "quiet", is_flag=True, default=False, help="Print only errors."
    )(decorated)
    return decorated  # type: ignore[return-value]  # verbosity replaces quiet and verbose


def common_options(func: F) -> F:
    """All shared options: config, connection, ``--dry-run``, ``--json``, verbosity."""
    for option in (verbosity_options, json_option, dry_run_option, connection_options):
        func = option(func)
    return config_option(func)


def resolve_config_path(config_path: str | None) -> tuple[str, bool]:
    """(path, explicit): the path to read, and whether it was asked for by name."""
    if config_path:
        return config_path, True
    return DEFAULT_CONFIG_PATH, False


def load_config_from_options(config_path: str | None, explicit: bool | None = None) -> Config:
    """The config for a command: ``--config`` / ``OKRFLOW_CONFIG`` (must exist) or the
    default path (optional). ``explicit`` defaults to "a path was given"."""
    path, named = resolve_config_path(config_path)
    return load_config(path, explicit=named if explicit is None else explicit)

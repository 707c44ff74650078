"""The options every command shares, given once, before or after the command's name.

``--config FILE``, the connection (``--gitlab-url``, ``--project``) and the verbosity
(``-q``/``--quiet``, ``-v``/``--verbose``) are options of ``okrflow`` itself and of each
command, so ``okrflow --config F status`` and ``okrflow status --config F`` are the same;
given in both places, the one after the command's name wins (``-v`` counts add up).
Their values are collected in one :class:`Shared` on click's context.

:func:`okr_command` makes a command of a library call::

    @okr_command("rollup", dry_run=True, json=True)
    @quarter_option()
    def rollup_command(ws: Workspace, quarter: str | None) -> RollupResult:
        \"\"\"Roll the quarter's check-ins up into progress and health.\"\"\"
        return rollup(ws, quarter=quarter)

It gives the command the shared options (and ``--dry-run``, ``--json`` when asked),
opens the :class:`~okrflow.commands.workspace.Workspace` from them, calls the function
and prints the :class:`~okrflow.commands.result.Result` it returns.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection
from typing import Any, Literal, TypeVar

import click

from okrflow.errors import UsageError

__all__ = [
    "ALL_SHARED",
    "OptionGroup",
    "Shared",
    "okr_command",
    "quarter_option",
    "shared_options",
]

OptionGroup = Literal["config", "connection", "verbosity"]
ALL_SHARED: tuple[OptionGroup, ...] = ("config", "connection", "verbosity")
CONFIG_HELP = (
    "okrflow config file (env OKRFLOW_CONFIG); default config/okrflow.yml when it exists, "
    "else built-in defaults."
)

QUARTER_HELP = (
    "The quarter: FY24-Q1, current, next or previous (default: env OKRFLOW_QUARTER, then "
    "the config's quarter, then the current one)."
)

F = TypeVar("F", bound=Callable[..., Any])
#: the commands that work over a group scope so far; the others refuse one (exit 2)
GROUP_COMMANDS = frozenset(
    {
        "status",
        "lint",
        "rollup",
        "checkin",
        "objective",
        "kr",
        "init",
        "move",
        "apply",
        "plan",
        "report",
        "carry",
        "schedule",
        "adopt",
        "export",
    }
)


@dataclasses.dataclass
class Shared:
    """The shared options as given, wherever they were given."""

    config_path: str | None = None
    gitlab_url: str | None = None
    project: str | None = None
    group: str | None = None
    quiet: bool = False
    verbose: int = 0
    given: set[str] = dataclasses.field(default_factory=set)  # "--config", "--project" ...

    @property
    def verbosity(self) -> int:
        """-1 with ``--quiet``, 0 by default, 1, 2 ... with ``-v``, ``-vv``."""
        if self.quiet and self.verbose:
            raise UsageError("--quiet and --verbose cannot be used together")
        return -1 if self.quiet else self.verbose


def _store(attribute: str, flag: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        shared = ctx.ensure_object(Shared)
        if value is None or value is False or value == 0:
            return
        shared.given.add(flag)
        if attribute == "verbose":
            shared.verbose += int(value)
        else:
            setattr(shared, attribute, value)

    return store


def _option(*decls: str, attribute: str, **kwargs: Any) -> click.Option:
    flag = next(d for d in decls if d.startswith("--"))
    return click.Option(list(decls), expose_value=False, callback=_store(attribute, flag), **kwargs)


def _shared(group: OptionGroup) -> list[click.Option]:
    """Fresh option objects of one group (click keeps state per option object)."""
    if group == "config":
        return [_option("--config", attribute="config_path", metavar="FILE", help=CONFIG_HELP)]
    if group == "connection":
        return [
            _option(
                "--gitlab-url",
                attribute="gitlab_url",
                metavar="URL",
                help="GitLab URL (env GITLAB_URL; then the config's gitlab.url, then "
                "CI_SERVER_URL). The token is read from GITLAB_TOKEN.",
            ),
            _option(
                "--project",
                attribute="project",
                metavar="PATH",
                help="OKR project, group/project or id (env OKRFLOW_PROJECT; then the "
                "config's project, then CI_PROJECT_PATH).",
            ),
            _option(
                "--group",
                attribute="group",
                metavar="PATH",
                help="OKR group instead of a project: OKRs in any project of the group and "
                "its subgroups (env OKRFLOW_GROUP; then the config's group).",
            ),
        ]
    return [
        _option("-q", "--quiet", attribute="quiet", is_flag=True, help="Print only errors."),
        _option(
            "-v", "--verbose", attribute="verbose", count=True, help="Say more (repeat for more)."
        ),
    ]


def shared_options(*groups: OptionGroup) -> Callable[[F], F]:
    """Give a command (or ``okrflow`` itself) the shared options of ``groups``."""

    def add(func: F) -> F:
        params: list[click.Parameter] = getattr(func, "__click_params__", [])
        for group in reversed(groups):
            params.extend(reversed(_shared(group)))
        func.__click_params__ = params  # type: ignore[attr-defined]
        return func

    return add


def shared(ctx: click.Context | None = None) -> Shared:
    """The shared options of the running command."""
    return (ctx or click.get_current_context()).ensure_object(Shared)


def refuse_unused(takes: Collection[OptionGroup], command: str) -> None:
    """A shared option given before the name of a command that does not take it is an
    error, not silently ignored."""
    allowed = {opt.opts[-1] for group in takes for opt in _shared(group)}
    unused = sorted(shared().given - allowed)
    if unused:
        raise UsageError(f"okrflow {command} does not take {', '.join(unused)}")


def quarter_option() -> Callable[[F], F]:
    """``--quarter Q`` of a command that acts on one quarter: its ``quarter`` argument,
    None when not given (the workspace then takes ``OKRFLOW_QUARTER``, the config's
    ``quarter``, else today's: :meth:`~okrflow.commands.workspace.Workspace.quarter`)."""
    return click.option("--quarter", default=None, metavar="Q", help=QUARTER_HELP)


def okr_command(
    name: str,
    *,
    dry_run: bool = False,
    json: bool = False,
    takes: Collection[OptionGroup] = ALL_SHARED,
    connect_if: str | None = None,
    reads_quarter: bool = False,
    project_in_group: bool = False,
) -> Callable[[Callable[..., Any]], click.Command]:
    """A click command from ``fn(ws, **options) -> Result``: the shared options of
    ``takes``, ``--dry-run`` and ``--json`` when asked, the workspace opened from them,
    the result printed (see the module's docstring). ``connect_if`` names an option
    without which the command needs no GitLab (``import`` without ``--apply``);
    ``reads_quarter``: a command showing a quarter, which names the quarters in use when
    the one asked for is empty; ``project_in_group``: a command creating in one project of
    a group scope, where ``--project`` names that project (passed as ``project``)."""

    def decorate(fn: Callable[..., Any]) -> click.Command:
        @functools.wraps(fn)
        def run(**kwargs: Any) -> None:
            from okrflow.cli.output import Terminal
            from okrflow.commands.workspace import Workspace

            refuse_unused(takes, name)
            given = shared()
            as_json = bool(kwargs.pop("json_output", False))
            terminal = Terminal(verbosity=-1 if as_json else given.verbosity)
            ws = Workspace.open(
                config_path=given.config_path,
                gitlab_url=given.gitlab_url,
                project=given.project,
                group=given.group,
                dry_run=bool(kwargs.pop("dry_run", False)),
                reporter=terminal,
                connect="connection" in takes and (connect_if is None or bool(kwargs[connect_if])),
                project_in_group=project_in_group,
            )
            if ws.connection is not None and ws.connection.group and name not in GROUP_COMMANDS:
                raise UsageError(
                    f"okrflow {name} does not work over a group yet (only "
                    f"{', '.join(sorted(GROUP_COMMANDS))} do): run it on one OKR project "
                    "with --project"
                )
            if project_in_group:
                kwargs["project"] = ws.target_project
            result = fn(ws, **kwargs)
            if reads_quarter and terminal.verbosity >= 0:  # not for --quiet, --json
                for line in ws.empty_quarters():
                    terminal.note(line)
            waited = ws.waited()
            if waited:
                terminal.warn(waited)
            terminal.show(result, as_json=as_json)

        if json:
            run = click.option(
                "--json", "json_output", is_flag=True, help="Print JSON instead of text."
            )(run)
        if dry_run:
            run = click.option(
                "--dry-run", is_flag=True, help="Print what would change and write nothing."
            )(run)
        return click.command(name)(shared_options(*takes)(run))

    return decorate

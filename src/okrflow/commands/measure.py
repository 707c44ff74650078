"""Measuring a key result by its metric source, other than check-ins.

``manual`` (the default) is check-ins: comments typed on the issue or written by
``okrflow checkin``. ``initiatives`` and ``query`` are read from GitLab by the adapter
and measured by the core (:mod:`okrflow.core.sources`, where their options are
described). ``command`` runs here:

``command``
    A command that prints a number (``{"command": "scripts/nps.sh", "timeout": 60}``),
    run without a shell (``shlex.split``), with no GitLab token in its environment,
    and only when the config sets ``metrics.allow_commands: true``: the command is read
    from an issue, so anyone who can edit the issue could otherwise run programs on the
    machine running okrflow.

:func:`measure` returns a :class:`~okrflow.core.sources.Measurement`: a value, or a
problem saying why there is none. It never raises for a source's content or a failed
request.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from typing import Any

from okrflow.adapter import OkrRepository
from okrflow.core.model import KeyResult, MetricKind, MetricSource, SourceKind
from okrflow.core.sources import (
    Measurement,
    MetricError,
    QueryOptions,
    initiatives_value,
    query_value,
)
from okrflow.core.standing import Kpi
from okrflow.core.values import parse_value
from okrflow.errors import GitLabError

__all__ = [
    "COMMANDS_DISABLED",
    "DEFAULT_COMMAND_TIMEOUT",
    "command_value",
    "measure",
]

DEFAULT_COMMAND_TIMEOUT = 60.0
COMMANDS_DISABLED = "command metric sources are disabled: set metrics.allow_commands"
# Never hand a token to a command read from an issue.
_SECRET_ENV = ("GITLAB_TOKEN", "CI_JOB_TOKEN", "GITLAB_PRIVATE_TOKEN", "CI_JOB_JWT")


def command_value(
    command: str | Sequence[str],
    *,
    unit: str = "",
    timeout: float = DEFAULT_COMMAND_TIMEOUT,
    environ: Mapping[str, str] | None = None,
    hide_env: Sequence[str] = (),
) -> Measurement:
    """Run ``command`` (no shell) and read the number it prints (its last non-empty line).

    The environment is okrflow's without GitLab tokens (and without ``hide_env``)."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if not argv:
        raise MetricError("the command metric source has an empty command")
    env = dict(os.environ if environ is None else environ)
    for name in (*_SECRET_ENV, *hide_env):
        env.pop(name, None)
    shown = shlex.join(argv)[:80]
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    except FileNotFoundError:
        raise MetricError(f"command {argv[0]!r} not found") from None
    except PermissionError:
        raise MetricError(f"command {argv[0]!r} is not executable") from None
    except subprocess.TimeoutExpired:
        raise MetricError(f"command {shown!r} took longer than {timeout:g}s") from None
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()
        reason = f": {tail[-1][:120]}" if tail else ""
        raise MetricError(f"command {shown!r} failed with exit code {done.returncode}{reason}")
    lines = [line.strip() for line in (done.stdout or "").splitlines() if line.strip()]
    if not lines:
        raise MetricError(f"command {shown!r} printed nothing: it should print a number")
    try:
        value = parse_value(lines[-1], unit)
    except ValueError as exc:
        raise MetricError(f"command {shown!r} printed {lines[-1][:40]!r}: {exc}") from None
    return Measurement(value, detail=f"printed by {shown}")


def _command_options(options: Mapping[str, Any]) -> tuple[str | list[str], float]:
    command = options.get("command")
    if isinstance(command, list) and all(isinstance(c, str) for c in command):
        argv: str | list[str] = [str(c) for c in command]
    elif isinstance(command, str) and command.strip():
        argv = command
    else:
        raise MetricError("the command metric source needs options.command (a string)")
    timeout = options.get("timeout", DEFAULT_COMMAND_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 600:
        raise MetricError("command timeout must be a number of seconds, above 0 and at most 600")
    return argv, float(timeout)


def measure(
    source: MetricSource,
    kr: KeyResult | Kpi,
    *,
    repo: OkrRepository,
    now: dt.datetime,
    allow_commands: bool = False,
    okr_labels: Sequence[str] = (),
    hide_env: Sequence[str] = (),
) -> Measurement:
    """The current value of ``kr`` from its (non-manual) source; never raises for the
    source's content or a failed request: those come back as ``Measurement.problem``."""
    metric = kr.metric
    unit = metric.unit if metric else ""
    try:
        if source.kind is SourceKind.INITIATIVES:
            assert kr.iid is not None
            return initiatives_value(
                repo.list_links(kr.iid),
                unit=unit,
                options=source.options,
                okr_labels=okr_labels,
                counts_things=metric is not None and metric.kind is MetricKind.COUNT,
            )
        if source.kind is SourceKind.QUERY:
            options = QueryOptions.from_options(source.options)
            return query_value(repo.query(options, now), options, now=now, unit=unit)
        if source.kind is SourceKind.COMMAND:
            if not allow_commands:
                return Measurement(None, problem=COMMANDS_DISABLED)
            argv, timeout = _command_options(source.options)
            return command_value(argv, unit=unit, timeout=timeout, hide_env=hide_env)
    except MetricError as exc:
        return Measurement(None, problem=str(exc))
    except GitLabError as exc:
        return Measurement(None, problem=f"{source.kind.value} metric source: {exc.message}")
    return Measurement(None)  # manual: check-ins, not a source

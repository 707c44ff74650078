"""``okrflow measure``: run the config's commands where no token is, and write their values.

A key result measured by a command names one of the config's ``metrics.commands``
(``source: {command: nps}``): the command itself, its program and arguments, is only
ever written in the config, which a merge request reviews. Commands never run in a
process that holds a GitLab token: a program can read its parent's environment from
``/proc/<ppid>/environ`` (and root can ``ptrace`` it), so no scrubbing inside one
process protects the token. Instead the work is split in two:

1. ``okrflow measure [--output FILE]`` runs every declared command, without a shell,
   with stdin closed and no descriptor of okrflow's but its output pipes, and writes
   what each printed to a JSON file (:data:`VALUES_FILE` by default)::

       {"schema": 1, "measured_at": "...",
        "values": [{"name": "nps", "value": 42.0, "printed": "42",
                    "measured_at": "...", "problem": null}]}

   It needs no GitLab at all, and refuses to start (exit 2) when a token is visible to
   it (:func:`okrflow.adapter.exposure.token_exposures`): run it in a job that has no
   token, and pass the file on (a CI artifact).
2. ``okrflow rollup --values FILE`` gives each key result the value of the command its
   metadata names (:func:`command_measurement`); rollup itself never starts a process.

The file is input like any other: at most :data:`MAX_FILE_BYTES`, read strictly, one
clear line (exit 2) when it is not what ``okrflow measure`` writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from okrflow.adapter import token_exposures
from okrflow.commands.result import Line, Result, Style, plain
from okrflow.commands.workspace import Workspace
from okrflow.core.sources import Measurement
from okrflow.core.values import parse_value
from okrflow.errors import OkrflowError, UsageError
from okrflow.render.display import count

__all__ = [
    "MAX_FILE_BYTES",
    "VALUES_FILE",
    "CommandValue",
    "MeasureResult",
    "command_measurement",
    "measure",
    "read_values",
    "run_command",
]

VALUES_FILE = "okrflow-values.json"
MAX_FILE_BYTES = 1_000_000
_MAX_PRINTED = 200  # characters of the line a command printed that are kept
_SCHEMA = 1


@dataclasses.dataclass(frozen=True)
class CommandValue:
    """What one command printed when ``okrflow measure`` ran it."""

    name: str
    measured_at: dt.datetime
    printed: str = ""  # its last non-empty line
    value: float | None = None  # that line read as a plain number, when it is one
    problem: str | None = None  # why there is no value

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "printed": self.printed,
            "measured_at": self.measured_at.isoformat(),
            "problem": self.problem,
        }


def _environment() -> dict[str, str]:
    """The environment a command gets: okrflow's (which holds no token, or okrflow would
    not have started it), without okrflow's own settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("OKRFLOW_")}


def run_command(name: str, argv: Sequence[str], *, timeout: float, at: dt.datetime) -> CommandValue:
    """Run ``argv`` (no shell) and keep the last non-empty line it printed."""
    shown = shlex.join(argv)[:80]
    try:
        done = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
            close_fds=True,
            env=_environment(),
        )
    except FileNotFoundError:
        return CommandValue(name, at, problem=f"program {argv[0]!r} not found")
    except PermissionError:
        return CommandValue(name, at, problem=f"program {argv[0]!r} is not executable")
    except subprocess.TimeoutExpired:
        return CommandValue(name, at, problem=f"{shown} took longer than {timeout:g}s")
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()
        reason = f": {tail[-1][:120]}" if tail else ""
        return CommandValue(
            name, at, problem=f"{shown} failed with exit code {done.returncode}{reason}"
        )
    lines = [line.strip() for line in (done.stdout or "").splitlines() if line.strip()]
    if not lines:
        return CommandValue(name, at, problem=f"{shown} printed nothing: it should print a number")
    printed = lines[-1][:_MAX_PRINTED]
    try:
        value: float | None = parse_value(printed, "")
    except ValueError:
        value = None  # perhaps a number in the key result's unit: rollup reads it
    return CommandValue(name, at, printed=printed, value=value)


@dataclasses.dataclass
class MeasureResult(Result):
    output: Path
    values: list[CommandValue]

    def lines(self, style: Style = plain) -> list[str | Line]:
        out: list[str | Line] = []
        for value in self.values:
            if value.problem:
                out.append(Line(f"{value.name}: {value.problem}", "warning"))
            else:
                out.append(f"{value.name}: {value.printed}")
        out.append(f"measured {count(len(self.values), 'command')} into {self.output}")
        return out

    def to_json(self) -> dict[str, Any]:
        return {"output": str(self.output), "values": [v.to_json() for v in self.values]}


def _refuse_where_a_token_is(ws: Workspace) -> None:
    gitlab = ws.config.gitlab
    found = token_exposures(
        token_env=gitlab.token_env,
        python_gitlab_file=(
            str(gitlab.python_gitlab_config_file) if gitlab.python_gitlab_config_file else None
        ),
    )
    if found:
        more = f" (and {count(len(found) - 1, 'more place')})" if len(found) > 1 else ""
        raise UsageError(
            f"okrflow measure runs commands only where no GitLab token is visible, but "
            f"{found[0]}{more}: run it in a job without the token (see the README's "
            "Security model)"
        )


def _write(path: Path, document: Mapping[str, Any]) -> None:
    """Write ``document`` as JSON, atomically (a temporary file, then a rename)."""
    text = json.dumps(document, indent=2, sort_keys=True, allow_nan=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise OkrflowError(f"could not write {path}: {exc.strerror or exc}") from None


def measure(ws: Workspace, *, output: str | os.PathLike[str] = VALUES_FILE) -> MeasureResult:
    """Run every command of ``metrics.commands`` and write their values to ``output``;
    refuses (:class:`UsageError`) where a GitLab token is visible."""
    _refuse_where_a_token_is(ws)
    metrics = ws.config.metrics
    path = Path(output)
    values = [
        run_command(name, argv, timeout=metrics.command_timeout, at=ws.now())
        for name, argv in metrics.commands.items()
    ]
    _write(
        path,
        {
            "schema": _SCHEMA,
            "measured_at": ws.now().isoformat(),
            "values": [value.to_json() for value in values],
        },
    )
    return MeasureResult(output=path, values=values)


# -- reading the file (rollup --values) ------------------------------------------------------


def _bad(path: Path, what: str) -> UsageError:
    return UsageError(
        f"--values {path}: {what}; give the file okrflow measure wrote (okrflow measure "
        f"--output {path})"
    )


def _time(path: Path, raw: Any) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(raw))
    except ValueError:
        raise _bad(path, f"measured_at {str(raw)[:40]!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _entry(path: Path, raw: Any) -> CommandValue:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise _bad(path, "every entry of values needs a name")
    value, printed, problem = raw.get("value"), raw.get("printed", ""), raw.get("problem")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise _bad(path, f"the value of {raw['name'][:40]!r} is not a number")
    if not isinstance(printed, str) or not (problem is None or isinstance(problem, str)):
        raise _bad(path, f"the entry of {raw['name'][:40]!r} is not what okrflow measure writes")
    return CommandValue(
        name=raw["name"],
        measured_at=_time(path, raw.get("measured_at")),
        printed=printed[:_MAX_PRINTED],
        value=None if value is None else float(value),
        problem=None if problem is None else problem[:300],
    )


def read_values(output: str | os.PathLike[str]) -> dict[str, CommandValue]:
    """The values ``okrflow measure`` wrote to ``output``, by command name."""
    path = Path(output)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _bad(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise _bad(path, f"is larger than {MAX_FILE_BYTES:,} bytes")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _bad(path, "is not JSON") from None
    entries = document.get("values") if isinstance(document, dict) else None
    if not isinstance(entries, list) or document.get("schema") != _SCHEMA:
        raise _bad(path, "is not a values file of this okrflow (schema 1, a list of values)")
    return {entry.name: entry for entry in (_entry(path, raw) for raw in entries)}


def command_measurement(
    name: Any,
    *,
    declared: Mapping[str, Sequence[str]],
    values: Mapping[str, CommandValue] | None,
    unit: str,
    now: dt.datetime,
) -> Measurement:
    """The value of the command ``name`` a key result's metadata names, from the values
    file, measured when the file says (never later than ``now``)."""
    names = ", ".join(sorted(declared)) or "none"
    if not isinstance(name, str) or name not in declared:
        shown = repr(name[:60] if isinstance(name, str) else name)[:70]
        problem = (
            f"its command source names {shown}, which is not one of metrics.commands "
            f"(declared: {names}): name one, or declare it in the config"
        )
        return Measurement(None, problem=problem)
    if values is None:
        problem = (
            f"measured by the command {name!r}: run okrflow measure in a job without the "
            "token, and give its file to rollup --values"
        )
        return Measurement(None, problem=problem)
    found = values.get(name)
    if found is None:
        return Measurement(None, problem=f"the values file has no value of {name!r}")
    at = min(found.measured_at, now)
    if found.problem:
        return Measurement(None, problem=f"command {name!r}: {found.problem}")
    try:
        value = parse_value(found.printed, unit) if found.printed else found.value
    except ValueError as exc:
        shown = found.printed[:40]
        return Measurement(None, problem=f"command {name!r} printed {shown!r}: {exc}")
    if value is None:
        return Measurement(None, problem=f"command {name!r} measured nothing")
    detail = f"printed by {name}: {found.printed}"
    return Measurement(float(value), detail=detail, measured_at=at)

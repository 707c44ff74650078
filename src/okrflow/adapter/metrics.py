"""Metric sources: where a key result's current value comes from, other than check-ins.

A key result's metadata names its source (:class:`~okrflow.core.model.MetricSource`):

``manual`` (default)
    Check-ins: comments typed on the issue or written by ``okrflow checkin``.
``initiatives``
    The issues linked to the key result, in any project: closed ÷ all. Option
    ``measure``: ``share`` (default; in percent when the key result's unit is ``%``,
    else a fraction 0..1) or ``count`` (how many are closed). Links to OKR issues
    (the hierarchy) are not initiatives. One links request per key result and rollup.
``query``
    A GitLab issue query over a rolling window ending now. Options: ``labels`` (a list
    or ``"a,b"``; an issue needs all), ``state`` (``opened`` | ``closed`` | ``all``),
    ``window_days`` (default 30), ``measure``, and ``project`` (default the OKR project)
    or ``group`` (a group with its subgroups). Measures:

    - ``count`` (default): with ``state: closed`` the issues closed in the window; else
      the issues created in the window (still open with ``state: opened``);
    - ``share``: of the issues created in the window, the share closed (within
      ``within_days`` of their creation when given), in percent or 0..1 as above;
    - ``median_days_to_close``: the median time from creation to close of the issues
      closed in the window, in days, or in the key result's time unit (``h``, ``w`` ...).

    Example: ``{"labels": ["support"], "state": "closed", "window_days": 30}`` counts
    the issues labelled ``support`` closed in the last 30 days. Dates are GitLab's
    (``created_at``, ``closed_at``); "now" is the workspace clock. One listing page per
    100 matching issues.
``command``
    A command that prints a number (``{"command": "scripts/nps.sh", "timeout": 60}``),
    run without a shell (``shlex.split``), with no GitLab token in its environment,
    and only when the config sets ``metrics.allow_commands: true``: the command is read
    from an issue, so anyone who can edit the issue could otherwise run programs on the
    machine running okrflow.

:func:`measure` returns a :class:`Measurement`: a value, or a problem saying why there
is none. It never raises for a source's content or a failed request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
import shlex
import statistics
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from okrflow.core.model import Initiative, KeyResult, MetricSource, SourceKind
from okrflow.core.values import TIME_UNITS, canonical_unit, parse_value
from okrflow.errors import GitLabError

if TYPE_CHECKING:
    from okrflow.adapter.client import GitLab
    from okrflow.adapter.records import IssueRecord, LinkRecord

__all__ = [
    "COMMANDS_DISABLED",
    "DEFAULT_WINDOW_DAYS",
    "Measurement",
    "MetricError",
    "QueryOptions",
    "command_value",
    "initiatives_value",
    "measure",
    "query_value",
]

DEFAULT_WINDOW_DAYS = 30
DEFAULT_COMMAND_TIMEOUT = 60.0
COMMANDS_DISABLED = "command metric sources are disabled: set metrics.allow_commands"
_MEASURES = ("count", "share", "median_days_to_close")
_STATES = ("opened", "closed", "all")
_DAY_MS = TIME_UNITS["d"]
# Never hand a token to a command read from an issue.
_SECRET_ENV = ("GITLAB_TOKEN", "CI_JOB_TOKEN", "GITLAB_PRIVATE_TOKEN", "CI_JOB_JWT")


class MetricError(Exception):
    """A metric source that cannot be measured; the message says why and what to do."""


@dataclasses.dataclass(frozen=True)
class Measurement:
    value: float | None  # None: nothing measured (see problem or detail)
    problem: str | None = None
    detail: str = ""  # how it was measured, for the log
    initiatives: tuple[Initiative, ...] | None = None  # INITIATIVES: the linked issues


def _share(part: int, whole: int, unit: str) -> float:
    fraction = part / whole
    return fraction * 100 if canonical_unit(unit) == "%" else fraction


# -- initiatives ------------------------------------------------------------------------


def initiatives_value(
    links: Iterable[LinkRecord],
    *,
    unit: str = "",
    options: Mapping[str, Any] | None = None,
    okr_labels: Sequence[str] = (),
) -> Measurement:
    """Closed ÷ all linked issues that are not OKR issues (those carry ``okr_labels``)."""
    measure_name = str((options or {}).get("measure", "share"))
    if measure_name not in ("share", "count"):
        raise MetricError(f"initiatives measure {measure_name!r} is unknown: use share or count")
    found = tuple(
        Initiative(ref=link.reference, title=link.title, closed=link.state == "closed")
        for link in links
        if not set(okr_labels) & set(link.labels)
    )
    closed = sum(1 for i in found if i.closed)
    if measure_name == "count":
        return Measurement(
            float(closed), detail=f"{closed} linked issues closed", initiatives=found
        )
    if not found:
        return Measurement(
            None,
            problem="measured by its initiatives, but no issue is linked to it: "
            "link the issues that move it",
            initiatives=found,
        )
    return Measurement(
        _share(closed, len(found), unit),
        detail=f"{closed} of {len(found)} linked issues closed",
        initiatives=found,
    )


# -- queries ------------------------------------------------------------------------------


def _labels(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise MetricError("query labels must be a list of label names or 'a,b'")


def _positive(name: str, value: Any, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise MetricError(f"query {name} must be a number above 0, not {value!r}")
    if not math.isfinite(value):
        raise MetricError(f"query {name} must be a finite number")
    return float(value)


@dataclasses.dataclass(frozen=True)
class QueryOptions:
    labels: tuple[str, ...] = ()
    state: str = "all"
    window_days: float = DEFAULT_WINDOW_DAYS
    measure: str = "count"
    within_days: float | None = None
    project: str | None = None
    group: str | None = None

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> QueryOptions:
        known = {"labels", "state", "window_days", "measure", "within_days", "project", "group"}
        unknown = sorted(set(options) - known)
        if unknown:
            raise MetricError(
                f"unknown query option {unknown[0]!r}: use {', '.join(sorted(known))}"
            )
        state = str(options.get("state", "all"))
        if state not in _STATES:
            raise MetricError(f"query state {state!r} is unknown: use opened, closed or all")
        measure_name = str(options.get("measure", "count"))
        if measure_name not in _MEASURES:
            raise MetricError(
                f"query measure {measure_name!r} is unknown: use {', '.join(_MEASURES)}"
            )
        project, group = options.get("project"), options.get("group")
        if project is not None and group is not None:
            raise MetricError("a query names a project or a group, not both")
        for name, value in (("project", project), ("group", group)):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise MetricError(f"query {name} must be a path like acme/support")
        within = options.get("within_days")
        return cls(
            labels=_labels(options.get("labels")),
            state=state,
            window_days=_positive("window_days", options.get("window_days"), DEFAULT_WINDOW_DAYS),
            measure=measure_name,
            within_days=None if within is None else _positive("within_days", within, 1),
            project=project,
            group=group,
        )

    @property
    def by_close(self) -> bool:
        """Whether the window applies to ``closed_at`` (else to ``created_at``)."""
        return self.measure == "median_days_to_close" or (
            self.measure == "count" and self.state == "closed"
        )

    def since(self, now: dt.datetime) -> dt.datetime:
        return now - dt.timedelta(days=self.window_days)

    def describe(self) -> str:
        labels = f"labelled {', '.join(self.labels)} " if self.labels else ""
        when = "closed" if self.by_close else "created"
        return f"issues {labels}{when} in the last {self.window_days:g} days"


def _in_window(moment: dt.datetime | None, since: dt.datetime, now: dt.datetime) -> bool:
    return moment is not None and since <= moment <= now


def query_value(
    records: Iterable[IssueRecord], options: QueryOptions, *, now: dt.datetime, unit: str = ""
) -> Measurement:
    """The measure over ``records`` (what the query listed), for the window ending ``now``."""
    since = options.since(now)
    chosen: list[IssueRecord] = []
    for record in records:
        if options.labels and not set(options.labels) <= set(record.labels):
            continue
        if options.by_close:
            if record.state == "closed" and _in_window(record.closed_at, since, now):
                chosen.append(record)
        elif _in_window(record.created_at, since, now):
            # An issue closed after "now" (a pretend clock) was still open then.
            open_now = record.state != "closed" or (record.closed_at or now) > now
            if options.state == "opened" and not open_now:
                continue
            if options.state == "closed" and open_now:
                continue
            chosen.append(record)
    what = options.describe()
    if options.measure == "count":
        return Measurement(float(len(chosen)), detail=f"{len(chosen)} {what}")
    if options.measure == "share":
        if not chosen:
            return Measurement(None, detail=f"no {what}")
        done = sum(1 for r in chosen if _closed_in_time(r, options.within_days, now))
        return Measurement(
            _share(done, len(chosen), unit), detail=f"{done} of {len(chosen)} {what}"
        )
    durations = [
        (r.closed_at - r.created_at).total_seconds() / 86_400
        for r in chosen
        if r.closed_at is not None and r.created_at is not None
    ]
    if not durations:
        return Measurement(None, detail=f"no {what}")
    days = statistics.median(durations)
    target = canonical_unit(unit)
    value = days * _DAY_MS / TIME_UNITS[target] if target in TIME_UNITS else days
    return Measurement(
        value, detail=f"median {days:.2f} days to close over {len(durations)} {what}"
    )


def _closed_in_time(record: IssueRecord, within_days: float | None, now: dt.datetime) -> bool:
    if record.state != "closed" or record.closed_at is None or record.closed_at > now:
        return False
    if within_days is None or record.created_at is None:
        return True
    return record.closed_at - record.created_at <= dt.timedelta(days=within_days)


def _query(gl: GitLab, options: QueryOptions, now: dt.datetime) -> list[IssueRecord]:
    since = options.since(now)
    if options.by_close:  # closed in the window => updated in it: GitLab has no closed_after
        return list(
            gl.query_issues(
                project=options.project,
                group=options.group,
                labels=options.labels,
                state="closed",
                updated_after=since,
            )
        )
    return list(
        gl.query_issues(
            project=options.project,
            group=options.group,
            labels=options.labels,
            state=None if options.measure == "share" or options.state == "all" else options.state,
            created_after=since,
        )
    )


# -- commands -----------------------------------------------------------------------------


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


# -- dispatch -------------------------------------------------------------------------------


def measure(
    source: MetricSource,
    kr: KeyResult,
    *,
    gl: GitLab,
    now: dt.datetime,
    allow_commands: bool = False,
    okr_labels: Sequence[str] = (),
    hide_env: Sequence[str] = (),
) -> Measurement:
    """The current value of ``kr`` from its (non-manual) source; never raises for the
    source's content or a failed request: those come back as ``Measurement.problem``."""
    unit = kr.metric.unit if kr.metric else ""
    try:
        if source.kind is SourceKind.INITIATIVES:
            assert kr.iid is not None
            return initiatives_value(
                gl.list_links(kr.iid), unit=unit, options=source.options, okr_labels=okr_labels
            )
        if source.kind is SourceKind.QUERY:
            options = QueryOptions.from_options(source.options)
            return query_value(_query(gl, options, now), options, now=now, unit=unit)
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

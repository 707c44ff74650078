"""Measuring a key result by its metric source, other than check-ins.

``manual`` (the default) is check-ins: comments typed on the issue or written by
``okrflow checkin``. ``initiatives`` and ``query`` are read from GitLab by the adapter
and measured by the core (:mod:`okrflow.core.sources`, where their options are
described); ``command`` takes the value ``okrflow measure`` wrote
(:mod:`okrflow.commands.command_values`): no process is ever started here.

What a source may do is the config's, which a merge request reviews, never the issue's
(:class:`SourceRules`): a command source names one of ``metrics.commands``; a query or
an initiatives source reads only the OKR project and ``metrics.allowed_scopes``. A
query naming another project or group is a problem on its key result and is never
requested; an issue linked from elsewhere is left out of the initiatives, unread.

:func:`measure` returns a :class:`~okrflow.core.sources.Measurement`: a value, or a
problem saying why there is none. It never raises for a source's content or a failed
request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from okrflow.adapter import LinkRecord, OkrRepository
from okrflow.commands.command_values import CommandValue, command_measurement
from okrflow.core.authority import in_scopes, scope_of_reference
from okrflow.core.model import KeyResult, MetricKind, MetricSource, SourceKind
from okrflow.core.sources import (
    Measurement,
    MetricError,
    QueryOptions,
    initiatives_value,
    query_value,
)
from okrflow.core.standing import Kpi
from okrflow.errors import GitLabError

__all__ = ["SourceRules", "measure", "query_refused"]


@dataclasses.dataclass(frozen=True)
class SourceRules:
    """What the config lets metric sources do (see the module's docstring)."""

    commands: Mapping[str, Sequence[str]] = dataclasses.field(default_factory=dict)
    values: Mapping[str, CommandValue] | None = None  # okrflow measure's file, when given
    scopes: Sequence[str] = ()  # metrics.allowed_scopes, besides the OKR project
    okr_labels: Sequence[str] = ()  # links to issues carrying these are the hierarchy


def _query_outside(
    options: QueryOptions, home: str, rules: SourceRules, group: str | None = None
) -> str | None:
    """Why the query may not run, or None: it names a project or group outside the scopes
    (``group``: a group scope's group, which its sources may read as a whole)."""
    if options.group is not None:
        target, what = options.group, "group"
    elif options.project is not None:
        target, what = options.project, "project"
    else:
        return None
    allowed = (*rules.scopes, *([group] if group else []))
    if in_scopes(target, home=home, allowed=allowed, group=what == "group"):
        return None
    scope = f"the group {group}" if group else "the OKR project"
    return (
        f"its query reads the {what} {target!r}, outside {scope} and "
        "metrics.allowed_scopes: not read (list it under metrics.allowed_scopes in the "
        "config to allow it)"
    )


def query_refused(source: MetricSource, repo: OkrRepository, scopes: Sequence[str]) -> str | None:
    """Why a query source may not read what it names (outside the scope and ``scopes``,
    the config's ``metrics.allowed_scopes``), or None: what ``apply`` and ``new`` check
    before writing one, as ``rollup`` does before reading."""
    if source.kind is not SourceKind.QUERY:
        return None
    try:
        options = QueryOptions.from_options(source.options)
    except MetricError as exc:
        return str(exc)
    rules = SourceRules(scopes=scopes)
    return _query_outside(options, repo.scope_path, rules, repo.group_path)


def _in_scope_links(
    links: Sequence[LinkRecord], home: str, rules: SourceRules
) -> tuple[list[LinkRecord], list[str]]:
    """The linked issues of projects the config allows, and the references left out."""
    kept: list[LinkRecord] = []
    left_out: list[str] = []
    for link in links:
        if in_scopes(scope_of_reference(link.reference, home), home=home, allowed=rules.scopes):
            kept.append(link)
        else:
            left_out.append(link.reference)
    return kept, left_out


def _initiatives(
    kr: KeyResult | Kpi, source: MetricSource, repo: OkrRepository, rules: SourceRules
) -> Measurement:
    assert kr.iid is not None
    metric = kr.metric
    links = repo.list_links(kr.iid, kr.project or None)
    links, left_out = _in_scope_links(links, repo.scope_path, rules)
    measured = initiatives_value(
        links,
        unit=metric.unit if metric else "",
        options=source.options,
        okr_labels=rules.okr_labels,
        counts_things=metric is not None and metric.kind is MetricKind.COUNT,
    )
    if not left_out:
        return measured
    shown = ", ".join(left_out[:3]) + (
        f" and {len(left_out) - 3} more" if len(left_out) > 3 else ""
    )
    note = (
        f"issues linked from outside the OKR project and metrics.allowed_scopes are left "
        f"out of its initiatives: {shown}"
    )
    problem = f"{measured.problem}; {note}" if measured.problem else note
    return dataclasses.replace(measured, problem=problem)


def measure(
    source: MetricSource,
    kr: KeyResult | Kpi,
    *,
    repo: OkrRepository,
    now: dt.datetime,
    rules: SourceRules | None = None,
) -> Measurement:
    """The current value of ``kr`` from its (non-manual) source; never raises for the
    source's content or a failed request: those come back as ``Measurement.problem``."""
    rules = rules or SourceRules()
    unit = kr.metric.unit if kr.metric else ""
    try:
        if source.kind is SourceKind.INITIATIVES:
            return _initiatives(kr, source, repo, rules)
        if source.kind is SourceKind.QUERY:
            options = QueryOptions.from_options(source.options)
            refused = _query_outside(options, repo.scope_path, rules, repo.group_path)
            if refused is not None:
                return Measurement(None, problem=refused)
            return query_value(repo.query(options, now), options, now=now, unit=unit)
        if source.kind is SourceKind.COMMAND:
            return command_measurement(
                source.options.get("command"),
                declared=rules.commands,
                values=rules.values,
                unit=unit,
                now=now,
            )
    except MetricError as exc:
        return Measurement(None, problem=str(exc))
    except GitLabError as exc:
        return Measurement(None, problem=f"{source.kind.value} metric source: {exc.message}")
    return Measurement(None)  # manual: check-ins, not a source

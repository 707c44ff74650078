"""The ``kpis:`` of an OKR file: standing measures, each read into a core :class:`Kpi`.

A KPI's healthy range is read from its ``title`` (:func:`okrflow.core.kpis.read_kpi`:
"Average first response under 4 hours", "Focus days between 3 and 5"); ``low``,
``high`` and ``unit`` win over what the title says, and a title that states no range
needs at least one of ``low`` and ``high``. Its ``source`` is ``manual`` (weekly
check-ins, the default), ``{query: ...}`` or ``{command: ...}``, as for a key result.
Keys are unique among the file's KPIs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from okrflow.config.okrfile.schema import KpiSpec, SourceSpec
from okrflow.config.yamlfile import KeyPath
from okrflow.core.kpis import KpiRange, kpi_range, read_kpi_or_error
from okrflow.core.model import MetricSource, SourceKind
from okrflow.core.standing import Kpi
from okrflow.core.statements import StatementError
from okrflow.core.values import canonical_unit
from okrflow.errors import ConfigError

__all__ = ["load_kpis"]

Errors = Callable[[KeyPath, str], ConfigError]
Values = Callable[[float | str, str, KeyPath], float]
Sources = Callable[[SourceSpec, KeyPath], MetricSource]


def _healthy(spec: KpiSpec, path: KeyPath, error: Errors, value: Values) -> KpiRange:
    read = read_kpi_or_error(spec.title)
    if spec.low is None and spec.high is None:
        if isinstance(read, StatementError):
            raise error(
                (*path, "title"),
                f"cannot read a healthy range: {read.reason}; rewrite it (e.g. 'Average "
                "first response under 4 hours') or give low: and/or high: explicitly",
            )
        return read
    unit = canonical_unit(spec.unit) if spec.unit is not None else ""
    if spec.unit is None and isinstance(read, KpiRange):
        unit = read.unit
    low = None if spec.low is None else value(spec.low, unit, (*path, "low"))
    high = None if spec.high is None else value(spec.high, unit, (*path, "high"))
    try:
        healthy = kpi_range(low, high, unit)
    except StatementError as exc:
        raise error((*path, "low" if low is not None else "high"), exc.reason) from None
    word = read.unit_word if isinstance(read, KpiRange) and read.unit == unit else ""
    return KpiRange(healthy.low, healthy.high, healthy.unit, word)


def load_kpis(
    specs: Sequence[KpiSpec],
    *,
    error: Errors,
    value: Values,
    source: Sources,
    line: Callable[[KeyPath], int | None],
    team: Callable[[str | None, KeyPath], str | None],
) -> list[Kpi]:
    """The file's KPIs, checked; ``error``, ``value``, ``source``, ``line`` and ``team``
    are the loader's own (every mistake names file, line and key)."""
    kpis: list[Kpi] = []
    first_line: dict[str, int | None] = {}
    for i, spec in enumerate(specs):
        path: KeyPath = ("kpis", i)
        if spec.key in first_line:
            raise error(
                (*path, "key"),
                f"duplicate KPI key {spec.key!r} (first on line {first_line[spec.key]})",
            )
        first_line[spec.key] = line((*path, "key"))
        kpis.append(
            Kpi(
                key=spec.key,
                title=spec.title.strip(),
                healthy=_healthy(spec, path, error, value),
                owner=spec.owner,
                team=team(spec.team, (*path, "team")),
                source=(
                    MetricSource(SourceKind.MANUAL)
                    if isinstance(spec.source, str)
                    else source(spec.source, (*path, "source"))
                ),
            )
        )
    return kpis

"""The KPIs of the report document: each standing measure with its range, where it stands,
its weekly trend and the time it spent out of range (:mod:`okrflow.core.standing`).

Numbers are unrounded; ``out_of_range_share`` is days out of range over days measured
(null when nothing was measured). ``protected_by`` names the objectives of the report
that say they protect the KPI.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from okrflow.core.kpis import explain_kpi
from okrflow.core.standing import Kpi, KpiResult, checkin_day

__all__ = ["kpi_documents"]


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _at(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(dt.timezone.utc).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _kpi(kpi: Kpi, result: KpiResult, protected_by: list[dict[str, Any]]) -> dict[str, Any]:
    healthy = kpi.healthy
    share = result.out_of_range_share
    counted = sorted(
        (c for c in kpi.checkins if result.first <= checkin_day(c) <= result.last),
        key=lambda c: c.at if c.at.tzinfo else c.at.replace(tzinfo=dt.timezone.utc),
    )
    return {
        "iid": kpi.iid,
        "key": kpi.key,
        "title": kpi.title,
        "owner": kpi.owner,
        "team": kpi.team,
        "state": "closed" if kpi.closed else "open",
        "low": _num(healthy.low) if healthy else None,
        "high": _num(healthy.high) if healthy else None,
        "strict": healthy.strict if healthy else False,
        "unit": healthy.unit if healthy else "",
        "unit_word": healthy.unit_word if healthy else "",
        "reading": explain_kpi(healthy) if healthy else None,
        "problem": kpi.range_problem,
        "source": kpi.source.kind.value,
        "current": _num(result.current),
        "healthy": result.healthy,
        "health": result.health.value,
        "window": {"first": result.first.isoformat(), "last": result.last.isoformat()},
        "last_checkin_at": _at(counted[-1].at) if counted else None,
        "checkins": [
            {"at": _at(c.at), "value": _num(c.value), "author": c.author} for c in counted
        ],
        "weeks": [
            {"start": w.start.isoformat(), "value": _num(w.value), "healthy": w.healthy}
            for w in result.weeks
        ],
        "days_measured": result.days_measured,
        "days_out_of_range": result.days_out_of_range,
        "out_of_range_share": None if share is None else float(share),
        "protected_by": protected_by,
    }


def kpi_documents(
    kpis: Sequence[Kpi], results: Mapping[str, KpiResult], objectives: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The ``kpis`` of the document, in the order given (a repeated key: the first)."""
    docs: list[dict[str, Any]] = []
    seen: set[str] = set()
    for kpi in kpis:
        result = results.get(kpi.key)
        if kpi.key in seen or result is None:
            continue
        seen.add(kpi.key)
        protected_by = [
            {"iid": o["iid"], "key": o["key"], "title": o["title"]}
            for o in objectives
            if kpi.key in o.get("kpis", ())
        ]
        docs.append(_kpi(kpi, result, protected_by))
    return docs

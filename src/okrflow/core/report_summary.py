"""The summary of the report document: counts, averages, score buckets, what is at risk
or stale, and the KPIs' standing; and the display rounding every renderer shares.

Numbers in the document are unrounded; :func:`progress_percent` and :func:`score_tenths`
round them for display, and the summary's score buckets use them too, so a score shown
as 0.7 is always counted in the 0.7 bucket.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from okrflow.core.model import Health, Kind

__all__ = ["HEALTHS", "mean", "progress_percent", "score_tenths", "summary", "teams"]

HEALTHS: tuple[str, ...] = tuple(h.value for h in Health)


def mean(xs: Sequence[float]) -> float | None:
    return math.fsum(xs) / len(xs) if xs else None


def _decimal(x: float) -> Decimal:
    # repr() is the shortest string that round-trips: 0.35 stays 0.35, not 0.3499...
    return Decimal(repr(float(x)))


def progress_percent(progress: float) -> int:
    """Progress 0..1 as a whole percent, rounded half up, for display.

    Never shows 100 before the target is reached nor 0 once anything moved:
    0.996 -> 99, 0.004 -> 1, 1.0 -> 100, 0.0 -> 0. Clamped to 0..100.
    """
    if not math.isfinite(progress) or progress <= 0:
        return 0
    if progress >= 1:
        return 100
    pct = int((_decimal(progress) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return min(max(pct, 1), 99)


def score_tenths(score: float) -> int:
    """A score 0.0-1.0 in tenths, rounded half up as displayed (0.75 -> 8), 0..10."""
    if not math.isfinite(score):
        return 0
    tenths = int((_decimal(score) * 10).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return min(max(tenths, 0), 10)


# -- summary --------------------------------------------------------------------------


def _score_distribution(scores: Iterable[float]) -> list[dict[str, Any]]:
    counts = [0] * 11
    for s in scores:
        counts[score_tenths(s)] += 1
    return [
        {"score": t / 10, "label": f"{t // 10}.{t % 10}", "count": count}
        for t, count in enumerate(counts)
    ]


def _kind_summary(objectives: Sequence[dict[str, Any]]) -> dict[str, Any]:
    scores = [o["score"] for o in objectives if o["score"] is not None]
    return {
        "objectives": len(objectives),
        "scored": len(scores),
        "average_score": mean(scores),
        "average_progress": mean([o["progress"] for o in objectives]),
        "succeeded": sum(1 for o in objectives if o["success"] is True),
    }


def _health_counts(items: Iterable[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(HEALTHS, 0)
    for item in items:
        counts[item["health"]] += 1
    return counts


def teams(objectives: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for o in objectives:
        groups.setdefault(o["team"], []).append(o)
    return [
        {
            "name": team,
            "objective_keys": [o["key"] for o in members],
            # in a group scope: the projects holding the team's objectives
            **(
                {"projects": projects}
                if (projects := sorted({o["project"] for o in members if o.get("project")}))
                else {}
            ),
        }
        for team, members in groups.items()
    ]


def _by_team(teams: Sequence[dict[str, Any]], by_key: dict[str, dict[str, Any]]) -> list[Any]:
    rows = []
    for team in teams:
        members = [by_key[k] for k in team["objective_keys"]]
        scores = [o["score"] for o in members if o["score"] is not None]
        rows.append(
            {
                "team": team["name"],
                "objectives": len(members),
                "key_results": len(_once(members)),
                "scored": len(scores),
                "average_score": mean(scores),
                "average_progress": mean([o["progress"] for o in members]),
                "health": _health_counts(members),
            }
        )
    return rows


def _once(objectives: Sequence[dict[str, Any]]) -> dict[str, tuple[dict[str, Any], Any]]:
    """Each key result once, by key, with the first objective listing it (one that
    counts for several objectives is listed under each)."""
    found: dict[str, tuple[dict[str, Any], Any]] = {}
    for o in objectives:
        for kr in o["key_results"]:
            found.setdefault(kr["key"], (kr, o))
    return found


def _at_risk(objectives: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    risky = Health.AT_RISK.value
    once = _once(objectives)
    for o in objectives:
        if o["health"] == risky:
            found.append(_ref("objective", o, o, None))
        for kr in o["key_results"]:
            if kr["health"] == risky and once[kr["key"]][1] is o:
                found.append(_ref("key_result", kr, o, kr["confidence"]))
    return found


def _ref(
    what: str, item: dict[str, Any], objective: dict[str, Any], confidence: float | None
) -> dict[str, Any]:
    return {
        "type": what,
        "iid": item["iid"],
        "key": item["key"],
        "title": item["title"],
        "objective_key": objective["key"],
        "objective_iid": objective["iid"],
        "team": objective["team"],
        "owner": item["owner"],
        "progress": item["progress"],
        "health": item["health"],
        "confidence": confidence,
        # in a group scope: the full references (acme/sales#12)
        **({"reference": item["reference"]} if item.get("reference") else {}),
        **({"objective_reference": objective["reference"]} if objective.get("reference") else {}),
    }


def _stale(
    objectives: Sequence[dict[str, Any]], *, stale_days: int, today: dt.date
) -> list[dict[str, Any]]:
    stale: list[dict[str, Any]] = []
    for kr, o in _once(objectives).values():
        last = kr["checkins"][-1]["at"] if kr["checkins"] else None
        days = None
        if last is not None:
            days = (today - dt.date.fromisoformat(last[:10])).days
            if days <= stale_days:
                continue
        entry = _ref("key_result", kr, o, kr["confidence"])
        del entry["type"]
        entry.update(last_checkin_at=last, days_since=days)
        stale.append(entry)
    return stale


def _kpi_summary(kpis: Sequence[dict[str, Any]]) -> dict[str, int]:
    return {
        "kpis": len(kpis),
        "in_range": sum(1 for k in kpis if k["healthy"] is True),
        "out_of_range": sum(1 for k in kpis if k["healthy"] is False),
        "no_value": sum(1 for k in kpis if k["healthy"] is None),
    }


def summary(
    objectives: Sequence[dict[str, Any]],
    groups: Sequence[dict[str, Any]],
    kpis: Sequence[dict[str, Any]] = (),
    *,
    stale_days: int,
    today: dt.date,
) -> dict[str, Any]:
    """The document's ``summary`` from its objectives, team groups and KPIs."""
    by_key = {o["key"]: o for o in objectives}
    scores = [o["score"] for o in objectives if o["score"] is not None]
    krs = [kr for kr, _ in _once(objectives).values()]
    return {
        "objectives": len(objectives),
        "key_results": len(krs),
        "scored": len(scores),
        "average_progress": mean([o["progress"] for o in objectives]),
        "average_score": mean(scores),
        "by_team": _by_team(groups, by_key),
        "score_distribution": _score_distribution(scores),
        "by_kind": {
            kind.value: _kind_summary([o for o in objectives if o["kind"] == kind.value])
            for kind in Kind
        },
        "health": {"objectives": _health_counts(objectives), "key_results": _health_counts(krs)},
        "at_risk": _at_risk(objectives),
        "stale_days": stale_days,
        "stale_checkins": _stale(objectives, stale_days=stale_days, today=today),
        "kpis": _kpi_summary(kpis),
    }

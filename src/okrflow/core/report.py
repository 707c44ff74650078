"""The JSON report document: every number of a quarter, ready for any renderer.

:func:`build_report` turns objectives and their :class:`Evaluation` into a plain,
JSON-serialisable ``dict`` (the document of DESIGN.md, published as a JSON Schema in
``okrflow/schemas/report.schema.json``). Numbers are the evaluation's own, unrounded;
renderers round for display only, with :func:`progress_percent` and
:func:`score_tenths`, which the summary's score buckets use too, so a score shown as
0.7 is always counted in the 0.7 bucket.

Pure: no I/O, no GitLab, no templates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from okrflow.core.evaluation import Evaluation, KeyResultResult, ObjectiveResult
from okrflow.core.model import Health, KeyResult, Kind, Objective, Problem

ReportKind = Literal["closing", "progress"]
REPORT_KINDS: tuple[ReportKind, ...] = ("closing", "progress")
FORMAT_VERSION = 1
HEALTHS: tuple[str, ...] = tuple(h.value for h in Health)


# -- display rounding, shared by the summary and every renderer ---------------------


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


def iso_utc(moment: dt.datetime) -> str:
    """ISO 8601 in UTC to the second, ``Z`` suffix; a naive datetime is taken as UTC."""
    utc = _aware(moment).astimezone(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    return utc.isoformat() + "Z"


def _num(x: float | None) -> float | None:
    """A JSON-safe number: NaN and infinities (which JSON cannot hold) become null."""
    if x is None or not math.isfinite(x):
        return None
    return float(x)


def _mean(xs: Sequence[float]) -> float | None:
    return math.fsum(xs) / len(xs) if xs else None


# -- objectives and key results -----------------------------------------------------


def _document_order(objectives: Sequence[Objective]) -> list[Objective]:
    """Depth first along the alignment, roots and siblings in the order given.

    An objective aligned under several parents appears once, under the first one; of
    two objectives with the same key only the first is kept (as scoring does).
    """
    by_key: dict[str, Objective] = {}
    for o in objectives:
        by_key.setdefault(o.key, o)
    objectives = list(by_key.values())
    children: dict[str, list[Objective]] = {}
    roots: list[Objective] = []
    for o in objectives:
        known = [p for p in o.parents if p in by_key and p != o.key]
        if known:
            children.setdefault(known[0], []).append(o)
        else:
            roots.append(o)
    ordered: list[Objective] = []
    seen: set[str] = set()

    def visit(o: Objective) -> None:
        if o.key in seen:
            return
        seen.add(o.key)
        ordered.append(o)
        for child in children.get(o.key, ()):
            visit(child)

    for o in roots:
        visit(o)
    for o in objectives:  # parent cycles have no root: keep them anyway
        visit(o)
    return ordered


def _key_result(kr: KeyResult, result: KeyResultResult) -> dict[str, Any]:
    metric = kr.metric
    checkins = sorted(kr.checkins, key=lambda c: _aware(c.at))
    return {
        "iid": kr.iid,
        "key": kr.key,
        "title": kr.title,
        "owner": kr.owner,
        "state": kr.state.value if kr.state else None,
        "weight": _num(kr.weight),
        "metric": metric.kind.value if metric else None,
        "direction": metric.direction.value if metric else None,
        "start": _num(metric.start) if metric else None,
        "target": _num(metric.target) if metric else None,
        "unit": metric.unit if metric else "",
        "current": _num(result.current),
        "progress": _num(result.progress) or 0.0,
        "health": result.health.value,
        "confidence": _num(result.confidence),
        "problem": kr.statement_problem,
        "checkins": [
            {
                "at": iso_utc(c.at),
                "value": _num(c.value),
                "confidence": _num(c.confidence),
                "author": c.author,
            }
            for c in checkins
        ],
        "initiatives": [
            {"ref": i.ref, "title": i.title, "closed": i.closed} for i in kr.initiatives
        ],
    }


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _objective(
    o: Objective,
    result: ObjectiveResult,
    evaluation: Evaluation,
    iids: dict[str, int | None],
    seen_krs: set[str],
) -> dict[str, Any]:
    krs = []
    for kr in o.key_results:
        if kr.key in seen_krs:  # a repeated key: scoring skipped it and said so
            continue
        seen_krs.add(kr.key)
        kr_result = evaluation.key_results.get(kr.key)
        if kr_result is None:
            raise ValueError(f"the evaluation has no result for key result {kr.key!r}")
        krs.append(_key_result(kr, kr_result))
    parent_iids = [iid for p in o.parents if (iid := iids.get(p)) is not None]
    return {
        "iid": o.iid,
        "key": o.key,
        "title": o.title,
        "purpose": o.purpose,
        "team": o.team,
        "level": o.level,
        "state": o.state.value if o.state else None,
        "kind": o.kind.value,
        "owner": o.owner,
        "weight": _num(o.weight),
        "parent_iids": parent_iids,
        "parent_keys": list(o.parents),
        "progress": _num(result.progress) or 0.0,
        "health": result.health.value,
        "score": _num(result.score),
        "grade": result.grade.value if result.grade else None,
        "success": result.success,
        "outcome": o.outcome.value if o.outcome else None,
        "key_results": krs,
    }


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
        "average_score": _mean(scores),
        "average_progress": _mean([o["progress"] for o in objectives]),
        "succeeded": sum(1 for o in objectives if o["success"] is True),
    }


def _health_counts(items: Iterable[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(HEALTHS, 0)
    for item in items:
        counts[item["health"]] += 1
    return counts


def _teams(objectives: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for o in objectives:
        groups.setdefault(o["team"], []).append(o)
    return [
        {"name": team, "objective_keys": [o["key"] for o in members]}
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
                "key_results": sum(len(o["key_results"]) for o in members),
                "scored": len(scores),
                "average_score": _mean(scores),
                "average_progress": _mean([o["progress"] for o in members]),
                "health": _health_counts(members),
            }
        )
    return rows


def _at_risk(objectives: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    risky = Health.AT_RISK.value
    for o in objectives:
        if o["health"] == risky:
            found.append(_ref("objective", o, o, None))
        for kr in o["key_results"]:
            if kr["health"] == risky:
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
    }


def _stale(
    objectives: Sequence[dict[str, Any]], *, stale_days: int, today: dt.date
) -> list[dict[str, Any]]:
    stale: list[dict[str, Any]] = []
    for o in objectives:
        for kr in o["key_results"]:
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


def _summary(
    objectives: Sequence[dict[str, Any]],
    teams: Sequence[dict[str, Any]],
    *,
    stale_days: int,
    today: dt.date,
) -> dict[str, Any]:
    by_key = {o["key"]: o for o in objectives}
    scores = [o["score"] for o in objectives if o["score"] is not None]
    krs = [kr for o in objectives for kr in o["key_results"]]
    return {
        "objectives": len(objectives),
        "key_results": len(krs),
        "scored": len(scores),
        "average_progress": _mean([o["progress"] for o in objectives]),
        "average_score": _mean(scores),
        "by_team": _by_team(teams, by_key),
        "score_distribution": _score_distribution(scores),
        "by_kind": {
            kind.value: _kind_summary([o for o in objectives if o["kind"] == kind.value])
            for kind in Kind
        },
        "health": {"objectives": _health_counts(objectives), "key_results": _health_counts(krs)},
        "at_risk": _at_risk(objectives),
        "stale_days": stale_days,
        "stale_checkins": _stale(objectives, stale_days=stale_days, today=today),
    }


# -- the document ---------------------------------------------------------------------


def _problems(groups: Iterable[Iterable[Problem]]) -> list[dict[str, str]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for group in groups:
        for p in group:
            if (p.where, p.message) not in seen:
                seen.add((p.where, p.message))
                out.append({"where": p.where, "message": p.message})
    return out


def build_report(
    *,
    quarter: str,
    objectives: Sequence[Objective],
    evaluation: Evaluation,
    generated_at: dt.datetime,
    problems: Sequence[Problem] = (),
    kind: ReportKind = "closing",
    project: str | None = None,
    findings: Sequence[dict[str, Any]] | None = None,
    stale_days: int = 14,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The JSON report document for ``objectives`` as evaluated in ``evaluation``.

    ``kind`` is ``"closing"`` (the closing ceremony) or ``"progress"`` (mid-quarter).
    ``problems`` are added to the evaluation's own; ``findings`` (lint findings, plain
    JSON objects) are copied through, ``null`` meaning lint did not run. A key result is
    stale when its latest check-in is more than ``stale_days`` days before ``today``
    (default: the day of ``generated_at`` in UTC), or when it has none.

    Raises ValueError for an unknown ``kind`` or an OKR the evaluation has no result for.
    """
    if kind not in REPORT_KINDS:
        raise ValueError(f"report kind must be one of {', '.join(REPORT_KINDS)}, not {kind!r}")
    if today is None:
        today = _aware(generated_at).astimezone(dt.timezone.utc).date()
    iids: dict[str, int | None] = {}
    for o in objectives:
        iids.setdefault(o.key, o.iid)
    seen_krs: set[str] = set()
    docs = []
    for o in _document_order(objectives):
        result = evaluation.objectives.get(o.key)
        if result is None:
            raise ValueError(f"the evaluation has no result for objective {o.key!r}")
        docs.append(_objective(o, result, evaluation, iids, seen_krs))
    teams = _teams(docs)
    return {
        "format_version": FORMAT_VERSION,
        "quarter": quarter,
        "generated_at": iso_utc(generated_at),
        "kind": kind,
        "project": project,
        "objectives": docs,
        "problems": _problems([evaluation.problems, problems]),
        "findings": None if findings is None else [dict(f) for f in findings],
        "summary": _summary(docs, teams, stale_days=stale_days, today=today),
        "teams": teams,
    }

"""The JSON report document: every number of a quarter, ready for any renderer.

:func:`build_report` turns objectives, KPIs and their :class:`Evaluation` into a plain,
JSON-serialisable ``dict`` (the document of DESIGN.md, published as a JSON Schema in
``okrflow/schemas/report.schema.json``). Numbers are the evaluation's own, unrounded;
renderers round for display only, with :func:`progress_percent` and
:func:`score_tenths` (:mod:`okrflow.core.report_summary`), which the summary's score
buckets use too, so a score shown as 0.7 is always counted in the 0.7 bucket.

A key result carries the reading it is scored by (``reading``: one line, as ``lint``
shows it; ``start`` and ``target`` once a relative target's baseline is known, null
while it is pending), its unit word and due date, the check-ins counted (made on or
before ``today``: a quarter that is over is reported as of its end) and its initiatives
(the issues linked to it, as okrflow last read them).

A quarter aligned under annual objectives (:mod:`okrflow.core.annual`) adds ``annual``:
the fiscal year's label, the share of the year gone, and each annual objective as an
objective entry with ``year`` and ``quarters``, the quarterly objectives under it
across the year (quarter, issue, title, state, progress, health). Without annual
objectives the document has no ``annual`` key.

Pure: no I/O, no GitLab, no templates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from okrflow.core.evaluation import Evaluation, KeyResultResult, ObjectiveResult
from okrflow.core.explain import explain
from okrflow.core.model import KeyResult, Objective, Problem
from okrflow.core.report_kpis import kpi_documents
from okrflow.core.report_summary import HEALTHS, progress_percent, score_tenths, summary, teams
from okrflow.core.standing import Kpi, checkin_day

__all__ = [
    "FORMAT_VERSION",
    "HEALTHS",
    "REPORT_KINDS",
    "ReportKind",
    "Year",
    "build_report",
    "iso_utc",
    "progress_percent",
    "score_tenths",
]

ReportKind = Literal["closing", "progress"]
REPORT_KINDS: tuple[ReportKind, ...] = ("closing", "progress")
FORMAT_VERSION = 1


def iso_utc(moment: dt.datetime) -> str:
    """ISO 8601 in UTC to the second, ``Z`` suffix; a naive datetime is taken as UTC."""
    utc = _aware(moment).astimezone(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    return utc.isoformat() + "Z"


def _num(x: float | None) -> float | None:
    """A JSON-safe number: NaN and infinities (which JSON cannot hold) become null."""
    if x is None or not math.isfinite(x):
        return None
    return float(x)


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


def _key_result(kr: KeyResult, result: KeyResultResult, today: dt.date) -> dict[str, Any]:
    metric = result.metric or kr.metric  # the reading scored
    pending = result.baseline_pending
    checkins = sorted(
        (c for c in kr.checkins if checkin_day(c) <= today), key=lambda c: _aware(c.at)
    )
    start = target = None
    if metric is not None:
        start = None if pending else _num(metric.start)
        target = None if pending and metric.change is not None else _num(metric.target)
    return {
        "iid": kr.iid,
        **_reference(kr),
        "key": kr.key,
        "title": kr.title,
        "owner": kr.owner,
        "state": kr.state.value if kr.state else None,
        "weight": _num(kr.weight),
        "metric": metric.kind.value if metric else None,
        "direction": metric.direction.value if metric else None,
        "start": start,
        "target": target,
        "unit": metric.unit if metric else "",
        "unit_word": metric.unit_word if metric else "",
        "strict": metric.strict if metric else False,
        "due": (metric.due or None) if metric else None,
        "baseline_pending": pending,
        "reading": explain(metric) if metric else None,
        "current": _num(result.current),
        "progress": _num(result.progress) or 0.0,
        "health": result.health.value,
        "confidence": _num(result.confidence),
        "problem": kr.statement_problem,
        "source": kr.source.kind.value,
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
            {
                "ref": i.ref,
                "title": i.title,
                "state": i.state,
                "closed": i.closed,
                "assignee": i.assignee,
            }
            for i in kr.initiatives
        ],
    }


def _reference(okr: Objective | KeyResult) -> dict[str, str]:
    """In a group scope, the OKR's full reference (``acme/sales#12``) next to its iid,
    and its project's path."""
    if not (okr.project and okr.issue_id):
        return {}
    return {"reference": str(okr.issue_id), "project": okr.project}


def _objective_ref(key: str, iids: dict[str, Objective]) -> dict[str, Any]:
    """One of the objectives a shared key result counts for: key, iid (and reference)."""
    objective = iids.get(key)
    iid = objective.iid if objective else None
    return {"key": key, "iid": iid, **(_reference(objective) if objective else {})}


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _objective(
    o: Objective,
    result: ObjectiveResult,
    evaluation: Evaluation,
    iids: dict[str, Objective],
    seen_krs: set[str | tuple[str, str]],
    today: dt.date,
    kpi_iids: dict[str, int | None],
) -> dict[str, Any]:
    krs = []
    for kr in o.key_results:
        counted = evaluation.counted_in.get(kr.key)
        if counted is not None and len(counted) > 1:  # shared: listed under each it counts for
            if o.key not in counted or (o.key, kr.key) in seen_krs:
                continue
            seen_krs.add((o.key, kr.key))
        elif kr.key in seen_krs:  # a repeated key: scoring skipped it and said so
            continue
        seen_krs.add(kr.key)
        kr_result = evaluation.key_results.get(kr.key)
        if kr_result is None:
            raise ValueError(f"the evaluation has no result for key result {kr.key!r}")
        entry = _key_result(kr, kr_result, today)
        if counted is not None and len(counted) > 1:
            entry["objectives"] = [_objective_ref(key, iids) for key in counted]
        krs.append(entry)
    parents = [iids[p] for p in o.parents if p in iids and iids[p].iid is not None]
    across = {"parent_references": [str(p.issue_id) for p in parents]} if _reference(o) else {}
    return {
        "iid": o.iid,
        **_reference(o),
        "key": o.key,
        "title": o.title,
        "purpose": o.purpose,
        "team": o.team,
        "level": o.level,
        "state": o.state.value if o.state else None,
        "kind": o.kind.value,
        "owner": o.owner,
        "weight": _num(o.weight),
        "parent_iids": [p.iid for p in parents],
        **across,
        "parent_keys": list(o.parents),
        "progress": _num(result.progress) or 0.0,
        "health": result.health.value,
        "score": _num(result.score),
        "grade": result.grade.value if result.grade else None,
        "success": result.success,
        "outcome": o.outcome.value if o.outcome else None,
        "kpis": list(o.kpis),
        "kpi_iids": [iid for k in o.kpis if (iid := kpi_iids.get(k)) is not None],
        "key_results": krs,
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
    kpis: Sequence[Kpi] = (),
    year: Year | None = None,
) -> dict[str, Any]:
    """The JSON report document for ``objectives`` and ``kpis`` as evaluated in
    ``evaluation``; ``year``: the annual objectives above them (``annual``).

    ``kind`` is ``"closing"`` (the closing ceremony) or ``"progress"`` (mid-quarter).
    ``problems`` are added to the evaluation's own; ``findings`` (lint findings, plain
    JSON objects) are copied through, ``null`` meaning lint did not run. ``today``
    (default: the day of ``generated_at`` in UTC) is the day reported on: for a quarter
    that is over, its last day. Check-ins made after it are left out; a key result is
    stale when its latest check-in is more than ``stale_days`` days before it, or when
    it has none.

    Raises ValueError for an unknown ``kind`` or an OKR the evaluation has no result for.
    """
    if kind not in REPORT_KINDS:
        raise ValueError(f"report kind must be one of {', '.join(REPORT_KINDS)}, not {kind!r}")
    if today is None:
        today = _aware(generated_at).astimezone(dt.timezone.utc).date()
    iids: dict[str, Objective] = {}
    for o in objectives:
        iids.setdefault(o.key, o)
    kpi_iids: dict[str, int | None] = {}
    for k in kpis:
        kpi_iids.setdefault(k.key, k.iid)
    seen_krs: set[str | tuple[str, str]] = set()

    def entry(o: Objective) -> dict[str, Any]:
        result = evaluation.objectives.get(o.key)
        if result is None:
            raise ValueError(f"the evaluation has no result for objective {o.key!r}")
        assert today is not None
        return _objective(o, result, evaluation, iids, seen_krs, today, kpi_iids)

    docs = [entry(o) for o in _document_order(objectives)]
    kpi_docs = kpi_documents(kpis, evaluation.kpis, docs)
    groups = teams(docs)
    annual = {}
    if year is not None and year.annual:
        annual = {"annual": _annual(year, [*objectives, *year.others], evaluation, entry)}
    return {
        "format_version": FORMAT_VERSION,
        "quarter": quarter,
        "generated_at": iso_utc(generated_at),
        "kind": kind,
        "project": project,
        "objectives": docs,
        "problems": _problems([evaluation.problems, problems]),
        "findings": None if findings is None else [dict(f) for f in findings],
        "summary": summary(docs, groups, kpi_docs, stale_days=stale_days, today=today),
        "teams": groups,
        "kpis": kpi_docs,
        **annual,
    }


@dataclasses.dataclass(frozen=True)
class Year:
    """A quarter's fiscal year as its report shows it: the year's label, the share of it
    gone, its annual objectives and the other quarters' objectives aligned under them."""

    label: str
    elapsed: float
    annual: Sequence[Objective]
    others: Sequence[Objective] = ()


def _annual(
    year: Year,
    quarterly: Sequence[Objective],
    evaluation: Evaluation,
    entry_of: Callable[[Objective], dict[str, Any]],
) -> dict[str, Any]:
    entries = []
    for o in year.annual:
        entry = entry_of(o)
        under = [q for q in quarterly if o.key in q.parents and q.key in evaluation.objectives]
        under.sort(key=lambda q: (q.quarter or "", q.iid or 0))
        entry["year"] = o.year
        entry["quarters"] = [_quarterly(q, evaluation.objectives[q.key]) for q in under]
        entries.append(entry)
    return {"year": year.label, "elapsed": _num(year.elapsed) or 0.0, "objectives": entries}


def _quarterly(o: Objective, result: ObjectiveResult) -> dict[str, Any]:
    """A quarterly objective under an annual one: its quarter, issue and numbers."""
    entry: dict[str, Any] = {"quarter": o.quarter, "key": o.key, "iid": o.iid}
    entry.update(_reference(o), progress=_num(result.progress) or 0.0)
    entry.update(health=result.health.value, title=o.title)
    entry["state"] = o.state.value if o.state else None
    return entry

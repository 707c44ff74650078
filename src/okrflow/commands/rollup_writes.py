"""What a rollup writes: per issue, the section, labels and metadata a person would see
change (see :mod:`okrflow.commands.rollup`, item 4); nothing is written here."""

from __future__ import annotations

import dataclasses
import math

from okrflow.adapter import (
    LoadedIssue,
    LoadedKpi,
    Snapshot,
    description_changes,
    label_changes,
    new_description,
)
from okrflow.commands.analysis import closings
from okrflow.commands.workspace import Workspace
from okrflow.core.checkins import first_checkin
from okrflow.core.evaluation import Closing, Evaluation
from okrflow.core.meta import Meta
from okrflow.core.model import Health, IssueId, KeyResult, Objective
from okrflow.render.progress import sections

__all__ = ["Write", "plan_writes", "with_baseline"]


def with_baseline(kr: KeyResult, meta: Meta) -> Meta | None:
    """``meta`` with a relative target's baseline recorded, when it is first known."""
    if kr.metric is None or not kr.metric.baseline_pending or meta.baseline is not None:
        return None
    first = first_checkin(kr.checkins)
    if first is None or not math.isfinite(first.value):
        return None
    kr.baseline = first.value
    return meta.replace(baseline=first.value)


@dataclasses.dataclass(frozen=True)
class Write:
    item: LoadedIssue | LoadedKpi
    section: str
    add: tuple[str, ...]
    remove: tuple[str, ...]
    meta: Meta | None


def plan_writes(
    ws: Workspace, snap: Snapshot, evaluation: Evaluation, metas: dict[IssueId, Meta]
) -> list[Write]:
    """The issues where something changed, with what to write. A closed OKR shows its
    grade instead of a live health label."""
    closed = closings(ws, snap, evaluation)
    texts = sections(snap.objectives, evaluation, snap.kpis, closed)
    names = ws.labels
    others = [*names.health_labels, *names.grade_labels]
    writes: list[Write] = []
    items: list[tuple[LoadedIssue | LoadedKpi, str | None, Health, Closing | None]] = []
    for objective in snap.objectives:
        result = evaluation.objectives.get(objective.key)
        if objective.iid is not None and result is not None:
            text = texts.objectives.get(objective.key)
            closing = closed.objectives.get(objective.key)
            items.append((snap.item(objective), text, result.health, closing))
        for kr in objective.key_results:
            kr_result = evaluation.key_results.get(kr.key)
            if kr.iid is not None and kr_result is not None:
                text = texts.key_results.get(kr.key)
                closing = closed.key_results.get(kr.key)
                items.append((snap.item(kr), text, kr_result.health, closing))
    for kpi in snap.kpis:
        kpi_result = evaluation.kpis.get(kpi.key)
        if kpi.iid is not None and kpi_result is not None:
            items.append((snap.kpi_item(kpi), texts.kpis.get(kpi.key), kpi_result.health, None))
    seen: set[IssueId] = set()
    for item, section, health, closing in items:
        if item.issue_id in seen or section is None:
            continue
        if closing is None and item.record.state == "closed":
            continue
        seen.add(item.issue_id)
        label = names.grade_label(closing.grade) if closing else names.health_label(health)
        meta = metas.get(item.issue_id)
        if meta is None and item.broken_block:
            meta = item.own_meta()  # rebuilt from what could be read
        okr = item.okr
        if isinstance(okr, KeyResult) and closing is None:
            meta = with_baseline(okr, meta or item.own_meta()) or meta
        if isinstance(okr, (Objective, KeyResult)) and closing is None:
            state = okr.state
            if state is not None and item.own_meta().lifecycle != state:
                meta = (meta or item.own_meta()).replace(lifecycle=state)  # the state seen now
        text = new_description(item.record.description, meta=meta, section=section)
        add, remove = label_changes(
            item.record.labels, add=[label], remove=[h for h in others if h != label]
        )
        if description_changes(item.record.description, text) or add or remove:
            writes.append(Write(item, section, tuple(add), tuple(remove), meta))
    return writes

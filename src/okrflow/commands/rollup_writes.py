"""What a rollup writes: per issue, the section, labels and metadata a person would see
change (see :mod:`okrflow.commands.rollup`, item 4); nothing is written here."""

from __future__ import annotations

import dataclasses
import math
from typing import cast

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
from okrflow.core import description as desc
from okrflow.core import kr_records
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
    section: str | None  # None: the section left as it is
    add: tuple[str, ...]
    remove: tuple[str, ...]
    meta: Meta | None


#: what a key result that carries a progress section from an earlier okrflow shows
#: instead (a section that kept changing would cost a write per check-in)
POINTER = "Progress and health: in the progress table of its objective, {ref}."


IDENTITY = ("type", "key", "objective")


def _entries(snap: Snapshot, objective: Objective, metas: dict[IssueId, Meta]) -> dict[str, Meta]:
    """The key results of ``objective`` whose entry in its metadata is to change, by
    their name in it (:func:`okrflow.core.kr_records.entry_name`)."""
    updates: dict[str, Meta] = {}
    for kr in objective.key_results:
        item = snap.issues.get(kr.issue_id) if kr.issue_id is not None else None
        if item is None or objective.issue_id is None or objective.key in kr.also:
            continue  # a shared key result's record is kept by its home objective
        final = metas.get(item.issue_id, item.meta)
        if kr_records.entry(final) != kr_records.entry(item.rolled or Meta()):
            updates[kr_records.entry_name(item.issue_id, objective.issue_id)] = final
    return updates


def _kr_write(
    ws: Workspace, item: LoadedIssue, kr: KeyResult, meta: Meta, objective: IssueId | None
) -> Write | None:
    """An open key result is written only to mend what would show something false or
    lose okrflow's record: a broken or copied block, a board move to record, and the
    progress section and health label an earlier okrflow wrote."""
    names = ws.labels
    own = item.own_meta()
    recorded, state = own.lifecycle, kr.state
    if recorded is not None and state is not None and recorded != state:
        meta = meta.replace(lifecycle=state)
    stale = [h for h in (*names.health_labels, *names.grade_labels) if h in item.record.labels]
    sectioned = desc.SECTION_START in item.record.description
    copied = item.meta.iid not in (None, item.iid)  # a block copied from another issue
    # what own_meta() rebuilds of a block cut short: its type, key and objective
    rebuilt = copied or any(getattr(own, f) != getattr(item.meta, f) for f in IDENTITY)
    if rebuilt and meta is item.meta:
        meta = own.replace(lifecycle=meta.lifecycle)
    mend = item.broken_block or rebuilt or meta.lifecycle != own.lifecycle
    if not (mend or stale or sectioned):
        return None
    section = POINTER.format(ref=objective) if sectioned and objective else None
    text = new_description(item.record.description, meta=meta, section=section)
    if not description_changes(item.record.description, text) and not stale:
        return None
    return Write(item, section, (), tuple(stale), meta)


def plan_writes(
    ws: Workspace,
    snap: Snapshot,
    evaluation: Evaluation,
    metas: dict[IssueId, Meta],
    mark: kr_records.Watermark | None = None,
) -> list[Write]:
    """The issues where something a person looks at changed, with what to write: an
    objective's progress section (a row for each key result), its health label and its
    metadata (with its key results' check-in records and the comment watermark); a
    KPI's section, label and metadata; a closed OKR's grade instead of a live health
    label. An open key result is written only to mend (:func:`_kr_write`)."""
    closed = closings(ws, snap, evaluation)
    metas = dict(metas)
    for kr in snap.key_results():  # a baseline first known is kept in the objective
        if kr.issue_id in snap.issues and kr.key not in closed.key_results:
            kr_item = snap.issues[kr.issue_id]
            found = with_baseline(kr, metas.get(kr_item.issue_id) or kr_item.own_meta())
            if found is not None:
                metas[kr_item.issue_id] = found
    # the year's annual objectives are written like the quarter's (their section lists
    # the quarterly objectives under them, of every quarter of the year)
    texts = sections(snap.scored(), evaluation, snap.kpis, closed)
    annual = snap.year.annual if snap.year is not None else []
    names = ws.labels
    others = [*names.health_labels, *names.grade_labels]
    writes: list[Write] = []
    items: list[tuple[LoadedIssue | LoadedKpi, str | None, Health, Closing | None]] = []
    parent: dict[IssueId, IssueId | None] = {}
    for objective in [*snap.objectives, *annual]:
        result = evaluation.objectives.get(objective.key)
        loaded = snap.get(objective) or snap.annual_item(objective)
        if loaded is not None and result is not None:
            text = texts.objectives.get(objective.key)
            closing = closed.objectives.get(objective.key)
            items.append((loaded, text, result.health, closing))
        for kr in objective.key_results:
            kr_result = evaluation.key_results.get(kr.key)
            if kr.issue_id is not None and kr_result is not None:
                text = texts.key_results.get(kr.key)
                closing = closed.key_results.get(kr.key)
                items.append((snap.item(kr), text, kr_result.health, closing))
                if objective.key not in kr.also:  # its home objective
                    parent[kr.issue_id] = objective.issue_id
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
        meta = metas.get(item.issue_id)
        if meta is None and item.broken_block:
            meta = item.own_meta()  # rebuilt from what could be read
        okr = item.okr
        if isinstance(okr, KeyResult) and closing is None:
            write = _kr_write(
                ws, cast(LoadedIssue, item), okr, meta or item.meta, parent.get(item.issue_id)
            )
            if write is not None:
                writes.append(write)
            continue
        if isinstance(okr, Objective):
            updates = _entries(snap, okr, metas)
            if updates:
                meta = kr_records.with_entries(meta or item.own_meta(), updates)
        if isinstance(okr, (Objective, KeyResult)) and closing is None:
            state = okr.state
            if state is not None and item.own_meta().lifecycle != state:
                meta = (meta or item.own_meta()).replace(lifecycle=state)  # the state seen now
        label = names.grade_label(closing.grade) if closing else names.health_label(health)
        add, remove = label_changes(
            item.record.labels, add=[label], remove=[h for h in others if h != label]
        )
        text = new_description(item.record.description, meta=meta, section=section)
        if description_changes(item.record.description, text) or add or remove:
            if isinstance(okr, Objective) and mark is not None:
                meta = kr_records.with_watermark(meta or item.own_meta(), mark)
            writes.append(Write(item, section, tuple(add), tuple(remove), meta))
    return writes

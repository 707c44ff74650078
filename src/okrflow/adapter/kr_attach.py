"""How a quarter's key results attach to their objectives once read: a key result that
counts for further objectives is listed under each of them, and each takes what its
home objective keeps of it (its record: check-ins, baseline, initiatives)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from okrflow.core import kr_records
from okrflow.core.bookkeeping import checkins_of
from okrflow.core.model import IssueId, KeyResult, Objective, Problem

if TYPE_CHECKING:
    from okrflow.adapter.snapshot import LoadedIssue

__all__ = ["also_under", "with_entries"]


def also_under(
    item: LoadedIssue,
    kr: KeyResult,
    by_key: dict[str, Objective],
    quarter: str | None,
    problems: list[Problem],
) -> None:
    """A key result that counts for further objectives is listed under each of them too
    (scoring counts it once in each); one that is not among the objectives read is a
    problem, named once."""
    missing = [key for key in kr.also if key not in by_key]
    for key in kr.also:
        if key in by_key:
            by_key[key].key_results.append(kr)
    if missing:
        among = f"the objectives of {quarter}" if quarter else "the objectives read"
        names = ", ".join(repr(key) for key in missing)
        problems.append(
            Problem(
                item.shown,
                f"{item.shown} also names {names}, not among {among} (an objective of "
                "another quarter, or none): it counts only for its other objectives (name "
                "objectives of its quarter)",
            )
        )


def with_entries(items: dict[IssueId, LoadedIssue], problems: list[Problem]) -> None:
    """Each key result's metadata merged with what its objective keeps of it (its
    check-ins still to be fixed are problems, as those of its own block are)."""
    for item in items.values():
        objective = item.okr
        if not isinstance(objective, Objective) or objective.issue_id is None:
            continue
        kept = kr_records.entries(item.meta)
        for kr in objective.key_results:
            kr_item = items.get(kr.issue_id) if kr.issue_id is not None else None
            if kr_item is None or objective.key in kr.also:
                continue  # a shared key result's record is kept by its home objective
            name = kr_records.entry_name(kr_item.issue_id, objective.issue_id)
            if name not in kept:
                continue
            kr_item.rolled = kept[name]
            before = set(kr_item.meta.bad_checkins)
            kr_item.meta = kr_records.merged(kr_item.meta, kr_item.rolled)
            for bad in kr_item.meta.bad_checkins:
                if bad not in before:
                    found = Problem(f"{kr_item.shown} note {bad.note_id}", bad.message)
                    kr_item.problems.append(found)
                    problems.append(found)
            kr.checkins = checkins_of(kr_item.meta)
            kr.baseline = kr_item.meta.baseline
            kr.initiatives = list(kr_item.meta.initiatives or ())

"""Key results cut off from their objective (a description that lost okrflow's record
and its Objective section), given back the objective they can be rebuilt from."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from okrflow.adapter.snapshot import Snapshot
from okrflow.core.model import IssueId, KeyResult, Objective, Problem
from okrflow.core.sections import same_words

__all__ = ["reattach"]


def reattach(snap: Snapshot, linked: Callable[[IssueId], Iterable[IssueId]]) -> None:
    """Give each key result cut off from its objective (no objective found for it: its
    description lost okrflow's record and its Objective section) the objective it can
    be rebuilt from: the one its issue links reach (``linked`` reads them, one
    request per such key result), else the one whose Key results section lists its
    statement. Either way a problem says so; one that cannot be rebuilt is a problem
    naming what to do. Rollup writes a rebuilt objective back into the key result."""
    objectives = {o.issue_id: o for o in snap.objectives if o.issue_id is not None}
    kept: list[KeyResult] = []
    for kr in snap.orphans:
        where = _ref(kr)
        found: Objective | None = None
        how = ""
        if kr.issue_id is not None and objectives:
            hits = [objectives[i] for i in linked(kr.issue_id) if i in objectives]
            if len(hits) == 1:
                found, how = hits[0], "through its issue links"
        if found is None:
            hits = [
                o
                for o in snap.objectives
                if any(same_words(kr.title, p) for p in o.proposed_key_results)
            ]
            if len(hits) == 1:
                found, how = hits[0], "whose Key results section lists its statement"
        if found is None:
            named = f" ({kr.objective})" if kr.objective else ""
            snap.problems.append(
                Problem(
                    where,
                    f"key result without an objective{named}: write the objective's "
                    "reference in its Objective section, or link it to its objective",
                )
            )
            kept.append(kr)
            continue
        kr.objective = found.key
        found.key_results.append(kr)
        snap.problems.append(
            Problem(
                where,
                f"its description no longer says its objective; {_ref(found)} found {how} "
                "(rollup writes it back)",
            )
        )
    snap.orphans = kept


def _ref(okr: KeyResult | Objective) -> str:
    return str(okr.issue_id) if okr.issue_id is not None else okr.key

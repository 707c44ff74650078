"""Which objectives each key result counts for, as :func:`okrflow.core.scoring.evaluate`
scores them.

A key result's key is unique across the set: another issue claiming a key already
scored is a problem and is skipped. One issue may count for several objectives
(:attr:`~okrflow.core.model.KeyResult.objectives`, its home objective first): listed
under each, it counts once in each, but only in those of its own quarter (an objective
of another quarter is one problem naming the key result and those objectives). A key
result that names one objective counts wherever it is listed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from okrflow.core.evaluation import KeyResultResult
from okrflow.core.model import KeyResult, Objective, Problem

__all__ = ["Counting", "count_key_results", "named"]


@dataclasses.dataclass(frozen=True)
class Counting:
    results: dict[str, KeyResultResult]  # by key-result key, each scored once
    under: dict[int, list[KeyResult]]  # by the objective's position: what it counts
    counted_in: dict[str, tuple[str, ...]]  # by key-result key: its objectives, in order


def named(okr: Objective | KeyResult) -> str:
    """An OKR as a problem names it: its full reference in a group scope, else ``#12``
    (or its key before it is an issue)."""
    if okr.project and okr.issue_id is not None:
        return str(okr.issue_id)
    return f"#{okr.iid}" if okr.iid is not None else okr.key


def _same_issue(first: KeyResult, kr: KeyResult) -> bool:
    """Whether ``kr`` is the key result ``first`` is (listed again under another of its
    objectives), not another issue claiming its key."""
    return kr is first or (kr.issue_id is not None and kr.issue_id == first.issue_id)


def count_key_results(
    objectives: Sequence[Objective],
    result_of: Callable[[Objective, KeyResult], KeyResultResult],
    problems: list[Problem],
) -> Counting:
    """What each objective counts of the key results listed under it (``result_of``
    scores a key result, once, given the objective it is first listed under); problems
    are added to ``problems``."""
    results: dict[str, KeyResultResult] = {}
    under: dict[int, list[KeyResult]] = {}
    first_of: dict[str, KeyResult] = {}  # the issue each key was scored for
    counted_in: dict[str, list[str]] = {}
    other_quarters: dict[str, list[Objective]] = {}
    for position, objective in enumerate(objectives):
        counted: list[KeyResult] = []
        for kr in objective.key_results:
            first = first_of.get(kr.key)
            if first is not None and not _same_issue(first, kr):
                where = f"#{kr.iid}" if kr.iid is not None else kr.key
                problems.append(
                    Problem(where, f"key result key {kr.key!r} is used twice: this one is skipped")
                )
                continue
            if first is None:
                first_of[kr.key] = kr
                results[kr.key] = result_of(objective, kr)
            home = objective.key == kr.objective or len(kr.objectives) < 2
            if not home and objective.key not in kr.objectives:
                continue  # listed under an objective it does not name: not counted there
            if objective.key in counted_in.setdefault(kr.key, []):
                continue  # once per objective
            if not home and objective.quarter not in (None, kr.quarter) and kr.quarter:
                other_quarters.setdefault(kr.key, []).append(objective)
                continue
            counted_in[kr.key].append(objective.key)
            counted.append(kr)
        under[position] = counted
    for key, elsewhere in other_quarters.items():
        kr = first_of[key]
        names = ", ".join(f"{named(o)} ({o.quarter})" for o in elsewhere)
        problems.append(
            Problem(
                named(kr),
                f"{named(kr)} of {kr.quarter} also names objectives of other quarters: "
                f"{names}; it counts only for those of {kr.quarter} (name objectives of "
                "one quarter)",
            )
        )
    return Counting(results, under, {key: tuple(found) for key, found in counted_in.items()})

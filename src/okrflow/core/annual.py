"""Annual objectives: a fiscal year's objectives that quarterly objectives align under.

Rules (seed 002's "Big Rocks"):

- An annual objective carries its fiscal year's label (``FY27``) instead of a quarter
  label (:attr:`okrflow.core.model.Objective.year`). Its progress is the scoring rule's
  (:func:`okrflow.core.scoring.evaluate`): the weighted mean of its direct children, the
  quarterly objectives of its year aligned under it, across the year's four quarters; a
  quarter not yet planned adds nothing, one whose objectives are not begun adds their 0.
  Its health is paced by the share of the year gone.
- Key results belong to quarters: a key result directly under an annual objective is a
  problem (it still counts, as a direct child does, until it is moved under a quarterly
  objective).
- An annual objective aligned under a quarterly objective, and a quarterly objective
  aligned under an annual objective of another fiscal year, are problems; the link is
  not followed (:func:`checked_alignment` drops it).

Pure: the fiscal calendar says which year a quarter label belongs to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from okrflow.core.calendar import FiscalCalendar
from okrflow.core.model import Objective, Problem

__all__ = [
    "alignment_problem",
    "checked_alignment",
    "fiscal_year_of",
    "kr_problem",
    "under_annual",
]


def fiscal_year_of(objective: Objective, calendar: FiscalCalendar) -> int | None:
    """The fiscal year an objective belongs to (its year label, or its quarter's year);
    None when its period cannot be read."""
    try:
        if objective.quarter is not None:
            return calendar.parse(objective.quarter).fiscal_year
        if objective.year is not None:
            return calendar.parse_year(objective.year)
    except ValueError:
        return None
    return None


def _name(objective: Objective) -> str:
    return f"#{objective.iid}" if objective.iid is not None else objective.key


def _where(objective: Objective) -> str:
    return str(objective.issue_id) if objective.project else _name(objective)


def alignment_problem(child: Objective, parent: Objective, calendar: FiscalCalendar) -> str | None:
    """Why ``child`` may not align under ``parent`` as annual objectives go; None when
    it may."""
    if child.annual and not parent.annual:
        return (
            f"the annual objective {_name(child)} ({child.year}) cannot align under the "
            f"quarterly objective {_name(parent)} ({parent.quarter}): align the quarterly "
            "objective under the annual one instead"
        )
    if parent.annual and not child.annual:
        year = fiscal_year_of(child, calendar)
        if year is not None and year != fiscal_year_of(parent, calendar):
            return (
                f"{_name(child)} ({child.quarter}) is aligned under the annual objective "
                f"{_name(parent)} of another fiscal year ({parent.year}): align it under "
                f"an annual objective of {calendar.year_label(year)}"
            )
    return None


def kr_problem(objective: Objective, kr_name: str) -> str:
    """What to say of a key result directly under an annual objective."""
    return (
        f"key result {kr_name} is directly under the annual objective {_name(objective)} "
        f"({objective.year}): key results belong to quarters; put it under a quarterly "
        "objective aligned under it"
    )


def checked_alignment(
    objectives: Sequence[Objective], calendar: FiscalCalendar
) -> tuple[list[Objective], list[Problem]]:
    """``objectives`` with the links :func:`alignment_problem` refuses dropped (copies of
    the objectives it changes), and a problem for each, and for each key result directly
    under an annual objective."""
    by_key = {o.key: o for o in objectives}
    checked: list[Objective] = []
    problems: list[Problem] = []
    for objective in objectives:
        kept: list[str] = []
        for key in objective.parents:
            parent = by_key.get(key)
            trouble = None if parent is None else alignment_problem(objective, parent, calendar)
            if trouble is None:
                kept.append(key)
            else:
                problems.append(Problem(_where(objective), trouble))
        if objective.annual:
            for kr in objective.key_results:
                name = f"#{kr.iid}" if kr.iid is not None else kr.key
                problems.append(Problem(_where(objective), kr_problem(objective, name)))
        changed = kept != objective.parents
        checked.append(dataclasses.replace(objective, parents=kept) if changed else objective)
    return checked, problems


def under_annual(objectives: Iterable[Objective]) -> set[str]:
    """The keys of the annual objectives among ``objectives`` and of every objective
    aligned under one, at any depth."""
    items = list(objectives)
    found = {o.key for o in items if o.annual}
    grew = True
    while grew:
        grew = False
        for objective in items:
            if objective.key not in found and found.intersection(objective.parents):
                found.add(objective.key)
                grew = True
    return found

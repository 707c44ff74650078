"""Reading a KPI from its GitLab issue: the issue labelled with the KPI type label.

The measure is the title ("Average first response under 4 hours"); its healthy range is
okrflow's metadata (written by ``okrflow apply`` from the OKR file), else what the title
states (:func:`okrflow.core.kpis.read_kpi`); a title that states no range is a problem
named on every read until it is fixed. The owner is the first assignee, else the one in
okrflow's metadata; the team is the team label (a configured team, or the one okrflow
labelled it with). Check-ins are the ones okrflow recorded,
as for a key result, and comments that could not be read as check-ins stay problems
until they are fixed. Never raises on content.
"""

from __future__ import annotations

from collections.abc import Sequence

from okrflow.core.bookkeeping import checkins_of
from okrflow.core.description import split
from okrflow.core.issue_text import key_for_iid
from okrflow.core.kpis import read_kpi_or_error
from okrflow.core.labels import DEFAULT_LABEL_NAMES, LabelNames
from okrflow.core.meta import Meta
from okrflow.core.model import MetricSource, Problem
from okrflow.core.standing import Kpi
from okrflow.core.wording import StatementError

__all__ = ["read_kpi_issue"]


def read_kpi_issue(
    *,
    iid: int,
    title: str,
    description: str | None,
    labels: Sequence[str],
    assignees: Sequence[str] = (),
    state: str = "opened",
    label_names: LabelNames = DEFAULT_LABEL_NAMES,
    where: str | None = None,
) -> tuple[Kpi, list[Problem]]:
    """One KPI issue read into a :class:`Kpi`, with the problems found on the way, named
    ``where`` (default ``#12``; a group scope names the issue in full)."""
    where = where or f"#{iid}"
    problems: list[Problem] = []
    parsed = split(description or "")
    meta = Meta()
    if parsed.meta is not None:
        read, found = Meta.from_dict(parsed.meta)
        problems += [Problem(where, message) for message in found]
        if read.iid in (None, iid):
            meta = read
        else:
            problems.append(Problem(where, f"the okrflow metadata belongs to #{read.iid}; ignored"))
    if parsed.meta_problem:
        problems.append(Problem(where, parsed.meta_problem))
    for bad in meta.bad_checkins:
        problems.append(Problem(f"{where} note {bad.note_id}", bad.message))
    healthy = meta.range
    trouble = None
    if healthy is None:
        reading = read_kpi_or_error(title)
        if isinstance(reading, StatementError):
            trouble = f"the KPI's healthy range could not be read: {reading.reason}"
            problems.append(Problem(where, trouble))
        else:
            healthy = reading
    teams = [t for t in (label_names.team_of(label) for label in labels) if t]
    recorded_team = meta.extra.get("team")
    if isinstance(recorded_team, str) and recorded_team in labels:
        teams.append(recorded_team)  # no teams configured: the team okrflow labelled it with
    kpi = Kpi(
        key=meta.key or key_for_iid(iid),
        title=title.strip(),
        healthy=healthy,
        owner=(assignees[0] if assignees else None) or meta.owner,
        team=teams[0] if teams else None,
        checkins=checkins_of(meta),
        source=meta.source or MetricSource(),
        iid=iid,
        closed=state == "closed",
        range_problem=trouble,
    )
    return kpi, problems

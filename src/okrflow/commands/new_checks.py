"""What a person gives ``okrflow new``, checked before anything is sent: titles, keys,
weights, the start and target of a key result given as options, and in a group scope
the project the new issue opens in, a key result's objectives of one quarter and its
metric source (a query only inside the scope and metrics.allowed_scopes).

Every mistake is a :class:`~okrflow.errors.UsageError` (exit 2) naming the option.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from okrflow.commands.measure import query_refused
from okrflow.config.okrfile import source_from_text
from okrflow.core.issue_text import iid_of_key
from okrflow.core.keys import slugify
from okrflow.core.model import Direction, Metric, MetricKind, MetricSource, Objective
from okrflow.core.values import parse_value
from okrflow.errors import UsageError
from okrflow.render.display import some

if TYPE_CHECKING:
    from okrflow.adapter import LoadedIssue, OkrRepository
    from okrflow.commands.workspace import Workspace

__all__ = [
    "MAX_TITLE",
    "MAX_WEIGHT",
    "check_key",
    "check_same_quarter",
    "check_team",
    "check_title",
    "check_weight",
    "checked_source",
    "explicit_metric",
    "load_objectives",
    "slugify",
    "target_project",
]

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,99}")
MAX_TITLE = 255


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise UsageError(
            f"--key {key!r}: a key is letters, digits, '.', '_' and '-', starting with a "
            "letter or digit, at most 100 characters"
        )
    if iid_of_key(key) is not None:
        raise UsageError(f"--key {key!r}: keys like iid-12 are reserved for issue 12")
    return key


def check_title(title: str, what: str) -> str:
    text = title.strip()
    if not text:
        raise UsageError(f"{what} is empty")
    if "\n" in text or "\r" in text:
        raise UsageError(f"{what} must be one line")
    if len(text) > MAX_TITLE:
        raise UsageError(f"{what} is {len(text)} characters; GitLab allows {MAX_TITLE}")
    return text


MAX_WEIGHT = 1000  # as in the OKR file


def check_weight(weight: float | None) -> float | None:
    if weight is not None and not 0 < weight <= MAX_WEIGHT:
        raise UsageError(
            f"--weight must be a number more than 0 and at most {MAX_WEIGHT}, not {weight:g}"
        )
    return weight


def check_team(team: str) -> str:
    """A team name GitLab takes as one label."""
    if not team:
        raise UsageError("--team is empty")
    if "," in team or "\n" in team or len(team) > MAX_TITLE:
        raise UsageError(
            f"--team {team[:60]!r}: a GitLab label has no comma or line break and at "
            f"most {MAX_TITLE} characters"
        )
    return team


def explicit_metric(
    start: str | None,
    target: str | None,
    unit: str | None,
    direction: str | None,
) -> Metric | None:
    """The metric given with --start and --target (None when neither is)."""
    if start is None and target is None:
        if unit is not None or direction is not None:
            raise UsageError("--unit and --direction go with --start and --target")
        return None
    if start is None or target is None:
        raise UsageError("give both --start and --target (or neither, to read the statement)")
    unit_text = (unit or "").strip()
    try:
        first, last = parse_value(start, unit_text), parse_value(target, unit_text)
    except ValueError as exc:
        raise UsageError(f"--start/--target: {exc}") from None
    if direction is not None and direction not in ("increase", "decrease"):
        raise UsageError(f"--direction must be increase or decrease, not {direction!r}")
    if first == last:  # a level to hold: at least (increase) or at most (decrease)
        held = Direction(direction or "increase")
        return Metric(MetricKind.THRESHOLD, first, last, unit_text, held)
    natural = Direction.INCREASE if last > first else Direction.DECREASE
    if direction is not None and direction != natural.value:
        raise UsageError(
            f"--direction {direction} contradicts --start {start} --target {target}, "
            f"which is to {natural.value}"
        )
    return Metric(MetricKind.LINEAR, first, last, unit_text, natural)


def target_project(
    repo: OkrRepository, given: str | None, *, team: str | None, default: str | None, what: str
) -> str | None:
    """In a group scope, the OKR project a new ``what`` opens in: ``given`` (one of the
    scope's OKR projects), else the project the config gives ``team``, else ``default``
    (a key result's: its objective's project). None in a project scope (the OKR project)."""
    if repo.group_path is None:
        return None
    projects = repo.okr_projects()
    known = {p.casefold(): p for p in projects}
    listed = some(projects)
    if given is not None:
        path = given.strip().strip("/")
        if path.casefold() not in known:
            raise UsageError(
                f"--project {given.strip()!r} is not one of the OKR projects of the group "
                f"{repo.group_path}: give one of {listed}"
            )
        return known[path.casefold()]
    teams = {
        name.casefold(): path
        for path, name in repo.settings.project_teams
        if path.casefold() in known
    }
    chosen = teams.get(team.casefold()) if team else None
    chosen = chosen or default
    if chosen is None:
        raise UsageError(
            f"in the group scope {repo.group_path}, say which project the {what} opens in: "
            f"--project, one of {listed}"
        )
    return known.get(chosen.casefold(), chosen)


def checked_source(ws: Workspace, given: str | MetricSource | None) -> MetricSource:
    """The metric source ``--source`` says; a query reading outside the scope and
    metrics.allowed_scopes is refused (it would never be read)."""
    if given is None:
        return MetricSource()
    chosen = source_from_text(given) if isinstance(given, str) else given
    refused = query_refused(chosen, ws.repo, ws.config.metrics.allowed_scopes)
    if refused is not None:
        raise UsageError(f"--source: {refused}")
    return chosen


def check_same_quarter(
    ws: Workspace, quarter: str | None, parent: LoadedIssue, others: Sequence[LoadedIssue]
) -> None:
    """A key result counts for objectives of one quarter: another's stops ``new``."""
    names = ws.labels
    elsewhere = []
    for other in others:
        theirs = next((lab for lab in other.record.labels if names.quarter_of(lab)), None)
        if theirs != quarter:
            elsewhere.append(f"{other.shown} ({theirs or 'no quarter'})")
    if elsewhere:
        raise UsageError(
            f"--objective: a key result counts for objectives of one quarter; "
            f"{parent.shown} is in {quarter or 'no quarter'} but {', '.join(elsewhere)}"
        )


def _load_objective(ws: Workspace, ref: str, option: str) -> LoadedIssue:
    """The objective ``ref`` names; in a group scope a full reference into one of the
    scope's OKR projects (another project's is refused, nothing written)."""
    item = ws.repo.referenced(ref, option=option)
    labels = set(item.record.labels)
    typed = ws.labels.objective in labels or (
        ws.labels.key_result not in labels and item.meta.type == "objective"
    )
    if not typed or not isinstance(item.okr, Objective):
        raise UsageError(
            f"{option} {ref}: {item.shown} is not an OKR objective (it has no "
            f"{ws.labels.objective} label)"
        )
    return item


def load_objectives(
    ws: Workspace, refs: Sequence[str], option: str = "--objective"
) -> list[LoadedIssue]:
    """The objectives ``refs`` name, each once, in order."""
    found: list[LoadedIssue] = []
    for ref in refs:
        item = _load_objective(ws, ref, option)
        if all(o.issue_id != item.issue_id for o in found):
            found.append(item)
    return found

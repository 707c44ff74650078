"""What a person gives ``okrflow new``, checked before anything is sent: titles, keys,
weights, the start and target of a key result given as options, and in a group scope
the project the new issue opens in.

Every mistake is a :class:`~okrflow.errors.UsageError` (exit 2) naming the option.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from okrflow.core.issue_text import iid_of_key
from okrflow.core.keys import slugify
from okrflow.core.model import Direction, Metric, MetricKind
from okrflow.core.values import parse_value
from okrflow.errors import UsageError
from okrflow.render.display import some

if TYPE_CHECKING:
    from okrflow.adapter import OkrRepository

__all__ = [
    "MAX_TITLE",
    "MAX_WEIGHT",
    "check_key",
    "check_team",
    "check_title",
    "check_weight",
    "explicit_metric",
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

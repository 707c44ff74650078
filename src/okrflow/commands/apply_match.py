"""Matching an OKR file to what GitLab holds, before ``okrflow apply`` writes anything.

:func:`check_against_config`: the file may not go beyond what the config allows (a
weight above ``rules.max_weight``, a command ``metrics.commands`` does not declare);
:func:`match`: the quarter's OKR issues by the file's keys. Only issues okrflow's user
created are adopted: one someone else filed with a key of the file is an impostor,
reported and never adopted (apply creates okrflow's own, which then keeps the key). A
key used by two of okrflow's issues: the oldest is kept in step with the file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from okrflow.adapter import LoadedIssue, OkrRepository, Snapshot
from okrflow.commands.apply_result import What
from okrflow.commands.measure import query_refused
from okrflow.config import Config
from okrflow.config.okrfile import OkrFile
from okrflow.core.authority import Authors, impostor
from okrflow.core.model import IssueId, KeyResult, Objective, SourceKind
from okrflow.core.standing import Kpi

__all__ = ["Matched", "check_against_config", "check_sources", "match", "sync_order"]


def sync_order(okr_file: OkrFile) -> list[tuple[Objective | KeyResult, What, list[str]]]:
    """The OKRs in the order apply writes them, each with the objectives it links to:
    parents before the objectives under them, each followed by its key results; a key
    result counting for several objectives after every objective (all can be linked)."""
    order: list[tuple[Objective | KeyResult, What, list[str]]] = []
    shared: list[tuple[Objective | KeyResult, What, list[str]]] = []
    for objective in okr_file.in_order():
        order.append((objective, "objective", objective.parents))
        for kr in objective.key_results:
            (shared if kr.also else order).append((kr, "kr", kr.objectives or [objective.key]))
    return order + shared


def check_sources(okr_file: OkrFile, repo: OkrRepository, scopes: Sequence[str]) -> None:
    """A query source reads only inside the scope and ``scopes`` (metrics.allowed_scopes):
    one naming another project or group stops apply (file, line, exit 2)."""
    places = {**okr_file.places, **okr_file.kpi_places}
    measured: list[KeyResult | Kpi] = [*okr_file.key_results(), *okr_file.kpis]
    for okr in measured:
        refused = query_refused(okr.source, repo, scopes)
        if refused is not None:
            raise okr_file.error(places[okr.key], refused)


def check_against_config(okr_file: OkrFile, config: Config) -> None:
    """Raise (file, line, exit 2) where the file goes beyond what the config allows."""
    limit, commands = config.rules.max_weight, config.metrics.commands
    okrs: list[Objective | KeyResult] = [*okr_file.objectives, *okr_file.key_results()]
    for okr in okrs:
        place = okr_file.places[okr.key]
        if okr.weight > limit:
            raise okr_file.error(
                place, f"weight {okr.weight:g} is above the config's rules.max_weight ({limit:g})"
            )
        if isinstance(okr, KeyResult) and okr.source.kind is SourceKind.COMMAND:
            name = okr.source.options.get("command")
            if name not in commands:
                declared = ", ".join(sorted(commands)) or "none"
                raise okr_file.error(
                    place,
                    f"the command {name!r} is not one of the config's metrics.commands "
                    f"(declared: {declared}): declare it there",
                )


@dataclasses.dataclass
class Matched:
    existing: dict[str, LoadedIssue]  # the file's keys -> okrflow's issue with that key
    duplicates: list[LoadedIssue]  # another issue of okrflow's with a key already taken
    impostors: set[IssueId]  # issues with a key of the file that someone else filed
    warnings: list[str]


def match(okr_file: OkrFile, snap: Snapshot, authors: Authors) -> Matched:
    """The quarter's OKR issues by key (see the module's docstring)."""
    found = Matched({}, [], set(), [])
    keys = {o.key for o in okr_file.objectives} | {k.key for k in okr_file.key_results()}
    keys |= set(okr_file.external_parents)
    # the year's annual objectives (read with the quarter) match the file's too
    annual = [i for i in (snap.year.issues.values() if snap.year else ()) if i.is_objective]
    annual = [i for i in annual if isinstance(i.okr, Objective) and i.okr.annual]
    pool = [*snap.issues.values(), *snap.set_aside.values(), *annual]
    for item in sorted(pool, key=lambda i: i.iid):
        if item.key not in keys or authors.is_okrflow(item.record.author):
            continue
        what = f"{item.shown} carries the key {item.key!r} of the file"
        found.warnings.append(impostor(item.shown, item.record.author, what).message)
        found.impostors.add(item.issue_id)
    for item in sorted([*snap.issues.values(), *annual], key=lambda i: i.iid):
        if item.issue_id in found.impostors:
            continue
        first = found.existing.get(item.key)
        if first is None:
            found.existing[item.key] = item
            continue
        found.duplicates.append(item)
        found.warnings.append(
            f"{item.shown} has the same okrflow key as {first.shown} ({item.key!r}); "
            f"{first.shown} is the one kept in step with the file"
        )
    for objective in okr_file.objectives:
        _same_type(okr_file, found, objective.key, objective=True)
        for kr in objective.key_results:
            _same_type(okr_file, found, kr.key, objective=False)
    return found


def _same_type(okr_file: OkrFile, found: Matched, key: str, *, objective: bool) -> None:
    item = found.existing.get(key)
    if item is not None and item.is_objective != objective:
        what = "an objective" if item.is_objective else "a key result"
        raise okr_file.error(
            okr_file.places[key],
            f"{key!r} is the key of {item.shown}, {what} in GitLab: give this OKR another key",
        )

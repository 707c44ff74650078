"""The OKRs of a quarter as an OKR file's data: what ``okrflow export`` writes.

:func:`apply_data` turns objectives (as loaded from GitLab) into the mapping of an OKR
file (``config/okrs.example.yml``), in a stable order, so that the file applied to an
empty project and exported again gives the same bytes:

- objectives depth first along the alignment (each under its first parent), roots and
  siblings in the order given; key results in their objective's order;
- keys: okrflow's own; an issue with none (``iid-12``, filed by hand) gets one made
  from its title, unique in the file; a key result's key without its objective's
  prefix (``company/wau`` is ``wau``);
- only what differs from a default is written: ``kind`` when aspirational, ``level``
  when not ``team``, weights other than 1, a key result's owner when it is not its
  objective's, a metric source other than check-ins. In a group scope every entry
  names its ``project:`` (where it lives), and a key made from an issue's full
  reference (``acme/sales#12``) is one made from its number. Explicit ``start``/``target``
  (where the statement alone does not say them) are the caller's to add
  (:func:`metric_fields`), since only the OKR file's loader knows what it reads.

Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from okrflow.core.issue_refs import issue_of_key
from okrflow.core.keys import slugify, unique_key
from okrflow.core.model import Kind, Metric, MetricSource, Objective, SourceKind
from okrflow.core.report import _document_order as document_order

__all__ = ["apply_data", "document_order", "metric_fields", "source_data"]


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def source_data(source: MetricSource) -> Any:
    """A metric source as the OKR file writes it; None for check-ins (the default)."""
    if source.kind is SourceKind.MANUAL:
        return None
    if source.kind is SourceKind.INITIATIVES:
        measure = source.options.get("measure")
        return {"initiatives": {"measure": measure}} if measure else "initiatives"
    if source.kind is SourceKind.COMMAND:
        return {"command": {"run": source.options.get("command", "")}}
    wanted = ("labels", "state", "window_days", "measure", "project", "group")
    return {"query": {k: source.options[k] for k in wanted if k in source.options}}


def metric_fields(metric: Metric) -> dict[str, Any]:
    """The explicit fields that give a key result ``metric`` whatever its title says."""
    fields: dict[str, Any] = {"start": _number(metric.start), "target": _number(metric.target)}
    if metric.unit:
        fields["unit"] = metric.unit
    fields["direction"] = metric.direction.value
    return fields


def numbered(key: str) -> bool:
    """Whether ``key`` was made from an issue's number (``iid-12``, in a group scope
    ``acme/sales#12``): the issue has no okrflow key."""
    return issue_of_key(key, "") is not None


def _file_keys(objectives: Sequence[Objective]) -> dict[str, str]:
    """okrflow key -> the key in the file, for every objective."""
    keys: dict[str, str] = {}
    for o in objectives:
        base = slugify(o.title) if numbered(o.key) else o.key
        keys[o.key] = unique_key(base, set(keys.values()))
    return keys


def _kr_key(key: str, objective_key: str, title: str, taken: set[str]) -> str:
    prefix = f"{objective_key}/"
    base = key[len(prefix) :] if key.startswith(prefix) else key.rpartition("/")[2]
    if not base or numbered(base) or numbered(key):
        base = slugify(title)
    return unique_key(base, taken)


def apply_data(
    quarter: str, objectives: Sequence[Objective], parent_keys: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The OKR file of ``objectives`` (see the module). ``parent_keys`` names parents of
    other quarters (okrflow key -> key), which the file refers to by key."""
    ordered = document_order(objectives)
    keys = {**(parent_keys or {}), **_file_keys(ordered)}
    present = {o.key for o in ordered}
    out = []
    for o in ordered:
        entry: dict[str, Any] = {"key": keys[o.key]}
        if o.project:  # a group scope's
            entry["project"] = o.project
        entry["title"] = o.title
        if o.team:
            entry["team"] = o.team
        if o.level != "team":
            entry["level"] = o.level
        if o.owner:
            entry["owner"] = o.owner
        if o.kind is Kind.ASPIRATIONAL:
            entry["kind"] = o.kind.value
        parents = [keys.get(p, p) for p in dict.fromkeys(o.parents) if p != o.key]
        if parents:
            entry["parent"] = parents[0] if len(parents) == 1 else parents
        if o.weight != 1:
            entry["weight"] = _number(o.weight)
        if o.purpose:
            entry["purpose"] = o.purpose
        krs = []
        taken: set[str] = set()
        for kr in o.key_results:
            if kr.also and kr.objective != o.key and kr.objective in present:
                continue  # counting for several objectives: written once, under its home
            item: dict[str, Any] = {"key": _kr_key(kr.key, o.key, kr.title, taken)}
            taken.add(item["key"])
            if kr.project:
                item["project"] = kr.project
            item["title"] = kr.title
            if kr.also:
                item["also"] = [keys.get(k, k) for k in kr.also]
            if kr.owner and kr.owner != o.owner:
                item["owner"] = kr.owner
            if kr.weight != 1:
                item["weight"] = _number(kr.weight)
            source = source_data(kr.source)
            if source is not None:
                item["source"] = source
            krs.append(item)
        if krs:
            entry["key_results"] = krs
        out.append(entry)
    return {"quarter": quarter, "objectives": out}

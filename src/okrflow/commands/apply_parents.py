"""The parents an OKR file names but does not define: objectives already in GitLab.

A parent key not in the file is looked up in this quarter's objectives first, then in any
quarter (an ``iid-<n>`` key names issue n); none, or several objectives with that key,
stops ``apply`` with exit 2 before anything is written. So does a further objective a
key result counts for (``also:``) of another quarter than the file's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from okrflow.adapter import IssueRecord, LoadedIssue, OkrRepository
from okrflow.config.okrfile import OkrFile
from okrflow.core.annual import alignment_problem
from okrflow.core.issue_text import iid_of_key
from okrflow.core.meta import Meta
from okrflow.core.model import Objective
from okrflow.errors import GitLabError

__all__ = ["external_parents", "missing_links"]


def _objective_anywhere(repo: OkrRepository, key: str) -> list[IssueRecord]:
    iid = iid_of_key(key)
    if iid is not None:
        try:
            record = repo.get_issue(iid)
        except GitLabError as exc:
            if exc.status == 404:
                return []
            raise
        return [record] if repo.read(record).is_objective else []
    return [item.record for item in repo.okrs_with_key(key, [repo.names.objective])]


def external_parents(
    repo: OkrRepository, okr_file: OkrFile, existing: Mapping[str, LoadedIssue]
) -> dict[str, IssueRecord]:
    """The issue of each parent key the file names but does not define (``existing``:
    the quarter's OKR issues by key)."""
    iids: dict[str, IssueRecord] = {}
    for key, place in okr_file.external_parents.items():
        named = "objective" if place.key_path.rstrip("]0123456789[").endswith("also") else "parent"
        item = existing.get(key)
        if item is not None and item.is_objective:
            iids[key] = item.record
            continue
        found = _objective_anywhere(repo, key)
        if not found:
            raise okr_file.error(
                place,
                f"{named} {key!r} is neither an objective in this file nor one in GitLab: "
                "fix the key, or add that objective to the file",
            )
        if len(found) > 1:
            refs = ", ".join(repo.read(r).shown for r in found)
            raise okr_file.error(
                place, f"{named} {key!r} is the key of several objectives in GitLab ({refs})"
            )
        quarter = next((q for q in map(repo.names.quarter_of, found[0].labels) if q), None)
        if named == "objective" and quarter != okr_file.quarter:
            raise okr_file.error(
                place,
                f"objective {key!r} ({repo.read(found[0]).shown}) is in "
                f"{quarter or 'no quarter'}, not {okr_file.quarter}: a key result counts for "
                "objectives of its own quarter",
            )
        iids[key] = found[0]
        _check_alignment(repo, okr_file, key, found[0])
    return iids


def _check_alignment(repo: OkrRepository, okr_file: OkrFile, key: str, record: IssueRecord) -> None:
    """Refuses a file objective under an annual objective of another fiscal year, or an
    annual one under a quarterly objective (:func:`okrflow.core.annual.alignment_problem`)."""
    parent = repo.read(record).okr
    if repo.calendar is None or not isinstance(parent, Objective):
        return
    for objective in okr_file.objectives:
        if key in objective.parents:
            trouble = alignment_problem(objective, parent, repo.calendar)
            if trouble is not None:
                raise okr_file.error(okr_file.places[objective.key], trouble)


def missing_links(
    meta: Meta, what: str, links: Sequence[tuple[str, int | None]]
) -> list[tuple[str, int]]:
    """The targets (key, iid) of ``links`` whose iid ``meta`` does not record yet: the
    link may be missing (apply records an iid once the link exists)."""
    if what == "objective":
        have = {(p.key, p.iid) for p in meta.parents}
        return [(key, iid) for key, iid in links if iid is not None and (key, iid) not in have]
    key, iid = links[0] if links else (None, None)
    missing = []
    if key is not None and iid is not None and (meta.objective, meta.objective_iid) != (key, iid):
        missing.append((key, iid))
    have = {(a.key, a.iid) for a in meta.also}  # the further objectives it counts for
    return missing + [(k, i) for k, i in links[1:] if i is not None and (k, i) not in have]

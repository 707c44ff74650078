"""The parents an OKR file names but does not define: objectives already in GitLab.

A parent key not in the file is looked up in this quarter's objectives first, then in any
quarter (an ``iid-<n>`` key names issue n); none, or several objectives with that key,
stops ``apply`` with exit 2 before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping

from okrflow.adapter import IssueRecord, LoadedIssue, OkrRepository
from okrflow.config.okrfile import OkrFile
from okrflow.core.issue_text import iid_of_key
from okrflow.errors import GitLabError

__all__ = ["external_parents"]


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
) -> dict[str, int]:
    """The iid of each parent key the file names but does not define (``existing``: the
    quarter's OKR issues by key)."""
    iids: dict[str, int] = {}
    for key, place in okr_file.external_parents.items():
        item = existing.get(key)
        if item is not None and item.is_objective:
            iids[key] = item.iid
            continue
        found = _objective_anywhere(repo, key)
        if not found:
            raise okr_file.error(
                place,
                f"parent {key!r} is neither an objective in this file nor one in GitLab: "
                "fix the key, or add that objective to the file",
            )
        if len(found) > 1:
            refs = ", ".join(f"#{r.iid}" for r in found)
            raise okr_file.error(
                place, f"parent {key!r} is the key of several objectives in GitLab ({refs})"
            )
        iids[key] = found[0].iid
    return iids

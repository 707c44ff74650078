"""Issue references as people type them: ``12``, ``#12``, ``group/project#12`` or an issue URL.

:func:`parse_ref` reads one into an :class:`IssueRef` (project or None, iid);
anything else is a :class:`~okrflow.errors.UsageError` (exit 2) that shows the
accepted forms. :func:`local_iid` also checks that the reference points into the
OKR project, as commands that act on OKR issues need.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import urlsplit

from okrflow.errors import GitLabError, UsageError

if TYPE_CHECKING:
    from okrflow.adapter.issues import IssueApi
    from okrflow.adapter.records import IssueRecord

__all__ = ["FORMS", "IssueRef", "local_iid", "parse_ref", "referenced_issue", "scope_ref"]

FORMS = (
    "12, #12, group/project#12 or an issue URL "
    "(https://gitlab.example.com/group/project/-/issues/12)"
)

_PATH = r"[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)+"
_SHORT = re.compile(rf"(?:(?P<project>{_PATH}))?#(?P<iid>\d+)")
# /group/sub/project/-/issues/12 (also work_items, and the old form without "/-");
# the shortest project path, so "/-" is not taken as part of it.
_URL_PATH = re.compile(rf"/(?P<project>{_PATH}?)(?:/-)?/(?:issues|work_items)/(?P<iid>\d+)/?")


class IssueRef(NamedTuple):
    """An issue reference: ``project`` is None for a reference into the OKR project."""

    project: str | None
    iid: int

    def __str__(self) -> str:
        return f"{self.project or ''}#{self.iid}"


def _invalid(text: str) -> UsageError:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return UsageError(f"{shown!r} is not an issue reference: use {FORMS}")


def _iid(digits: str, text: str) -> int:
    iid = int(digits)
    if iid < 1 or iid > 2**31 - 1:
        raise _invalid(text)
    return iid


def parse_ref(text: str) -> IssueRef:
    """``12`` / ``#12`` -> (None, 12); ``group/project#12`` or an issue URL ->
    ("group/project", 12). Raises :class:`UsageError` (exit 2) for anything else."""
    raw = text.strip()
    if raw.isascii() and raw.isdigit():
        return IssueRef(None, _iid(raw, text))
    short = _SHORT.fullmatch(raw)
    if short:
        return IssueRef(short.group("project"), _iid(short.group("iid"), text))
    if raw.lower().startswith(("http://", "https://")):
        try:
            parts = urlsplit(raw)
        except ValueError:
            raise _invalid(text) from None
        found = _URL_PATH.fullmatch(parts.path) if parts.netloc else None
        if found:
            return IssueRef(found.group("project"), _iid(found.group("iid"), text))
    raise _invalid(text)


def local_iid(text: str, project: str, *, base_url: str | None = None) -> int:
    """The iid of a reference into ``project`` (``group/project``).

    A URL's path may carry the prefix of a GitLab served under a sub-path
    (``https://host/gitlab/group/project/-/issues/12``); ``base_url`` names it.
    A reference into another project is a :class:`UsageError`.
    """
    ref = parse_ref(text)
    if ref.project is None:
        return ref.iid
    path = _without_prefix(ref.project, base_url)
    if path.casefold() != project.strip("/").casefold():
        raise UsageError(
            f"{text.strip()!r} refers to an issue in {ref.project}, not in the OKR project "
            f"{project}: give an issue of {project} (or just its number, #{ref.iid})"
        )
    return ref.iid


def referenced_issue(gl: IssueApi, ref: str, *, option: str = "") -> IssueRecord:
    """The issue of the OKR project that ``ref`` names.

    A reference to no issue is bad input (:class:`UsageError`, exit 2), not a GitLab
    failure; a missing project stays a :class:`GitLabError`. ``option`` (``--objective``)
    is named in the message when given.
    """
    project, iid = scope_ref(gl, ref)
    try:
        return gl.get_issue(iid, project)
    except GitLabError as exc:
        if exc.status != 404 or "project not found" in exc.message.lower():
            raise
        where = f"{option} {ref}" if option else ref
        in_project = project or gl.project_path
        raise UsageError(f"{where}: there is no issue #{iid} in {in_project}") from None


def scope_ref(gl: IssueApi, text: str) -> tuple[str | None, int]:
    """(project, iid) of a reference into the OKR scope: in a project scope (None, iid)
    of the OKR project (:func:`local_iid`); in a group scope a full reference into one
    of its OKR projects (a bare ``#12`` could be any project's). Anything else is a
    :class:`UsageError` (exit 2)."""
    if gl.group_path is None:
        return None, local_iid(text, gl.project_path, base_url=gl.settings.url)
    ref = parse_ref(text)
    if ref.project is None:
        raise UsageError(
            f"{text.strip()!r}: in the group scope {gl.group_path} an issue is named with its "
            f"project: give group/project#{ref.iid}"
        )
    path = _without_prefix(ref.project, gl.settings.url)
    if not gl.in_scope(path):
        raise UsageError(
            f"{text.strip()!r} refers to an issue in {path}, outside the OKR projects of the "
            f"group {gl.group_path}"
        )
    return next(p for p in gl.okr_projects() if p.casefold() == path.casefold()), ref.iid


def _without_prefix(path: str, base_url: str | None) -> str:
    """A URL's project path without the sub-path GitLab is served under."""
    path = path.strip("/")
    prefix = urlsplit(base_url).path.strip("/") if base_url else ""
    if prefix and path.casefold().startswith(prefix.casefold() + "/"):
        return path[len(prefix) + 1 :]
    return path

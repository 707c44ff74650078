"""Issue references inside OKR text, and the keys okrflow makes from issue numbers.

``#12``, ``group/project#12`` and issue URLs in a section; ``iid-12``, the key of an
issue okrflow has no metadata for, and, in a group scope, ``acme/sales#12``.
"""

from __future__ import annotations

import re

from okrflow.core.model import IssueId

__all__ = [
    "PROJECT_OF_URL",
    "REF",
    "iid_of_key",
    "issue_of_key",
    "key_for_iid",
    "key_for_ref",
    "reference_iid",
    "refs",
]

REF = re.compile(
    r"https?://[^\s/]+/(?P<upath>[^\s#]+?)/-/(?:issues|work_items)/(?P<uiid>\d+)"
    r"|(?<![\w/&])(?P<path>[A-Za-z0-9_.\-]+(?:/[A-Za-z0-9_.\-]+)+)?#(?P<iid>\d+)\b"
)
PROJECT_OF_URL = re.compile(r"https?://[^\s/]+/(?P<path>.+?)/-/(?:issues|work_items)/\d+")


def key_for_iid(iid: int) -> str:
    """The key of an issue okrflow has no metadata for: ``iid-12``."""
    return f"iid-{iid}"


def iid_of_key(key: str) -> int | None:
    """12 for ``iid-12``; None for any other key."""
    match = re.fullmatch(r"iid-(\d+)", key)
    return int(match.group(1)) if match else None


def reference_iid(text: str, project: str | None = None) -> int | None:
    """The iid in ``12``, ``#12``, ``group/project#12`` or an issue URL.

    With ``project`` (``group/project``), a reference into another project is None.
    """
    text = text.strip()
    if text.isdigit():
        return int(text)
    found = refs(text, project)[0]
    return found[0] if found else None


def key_for_ref(project: str, iid: int) -> str:
    """The key of issue ``iid`` of ``project`` in a group scope, where okrflow has no
    metadata for it (or a reference names it): ``acme/sales#12``."""
    return f"{project}#{iid}"


def issue_of_key(key: str, project: str) -> IssueId | None:
    """The issue a key made from a number names: ``iid-12`` is #12 of ``project`` (the
    project of the issue it was read in), ``acme/sales#12`` (:func:`key_for_ref`) is
    #12 of acme/sales; None for any other key."""
    iid = iid_of_key(key)
    if iid is not None:
        return IssueId(project, iid)
    path, hash_, digits = key.rpartition("#")
    if hash_ and path and digits.isdigit() and not digits.startswith("0"):
        return IssueId(path, int(digits))
    return None


def refs(text: str, project: str | None) -> tuple[list[int], list[tuple[str, str, int]]]:
    """(iids in ``project``, references to other projects: (as written, path, iid))."""
    iids: dict[int, None] = {}  # in order, each once (linear: a section may name thousands)
    foreign: list[tuple[str, str, int]] = []
    for match in REF.finditer(text):
        path = match.group("upath") or match.group("path")
        iid = int(match.group("uiid") or match.group("iid"))
        if path and project and path.strip("/").casefold() != project.casefold():
            foreign.append((match.group(0), path.strip("/"), iid))
        else:
            iids.setdefault(iid, None)
    return list(iids), foreign

"""What okrflow installed in a repository, and whether a person changed it since.

okrflow commits each issue template it writes with the sha256 of the content in a
trailer of the commit message (``Okrflow-Content-Sha256: <hex>``). A file counts as
okrflow's when one of okrflow's own commits on that path (committed by okrflow's user
through the Files API, which sets the committer to the token's user) names the sha256
the file holds now; a file whose path okrflow wrote before, but whose content is not one
okrflow wrote, is a person's edit; a file at a path okrflow never wrote is a person's.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable
from typing import Literal

__all__ = [
    "TRAILER",
    "FileVerdict",
    "Written",
    "content_sha256",
    "recorded_sha256",
    "verdict",
    "with_trailer",
]

TRAILER = "Okrflow-Content-Sha256"
_TRAILER_LINE = re.compile(rf"^{TRAILER}:\s*([0-9a-f]{{64}})\s*$", re.MULTILINE)

FileVerdict = Literal["absent", "unchanged", "okrflow's", "edited", "foreign"]


@dataclasses.dataclass(frozen=True)
class Written:
    """One commit on a file's path: who committed it and its message."""

    committer_email: str
    message: str
    author_name: str = ""
    created_at: str = ""


def content_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def with_trailer(message: str, text: str) -> str:
    """``message`` recording that okrflow wrote ``text``."""
    return f"{message}\n\n{TRAILER}: {content_sha256(text)}"


def recorded_sha256(message: str) -> str | None:
    found = _TRAILER_LINE.search(message)
    return found.group(1) if found else None


def verdict(
    current_sha: str | None,
    wanted_text: str,
    commits: Iterable[Written],
    okrflow_emails: Iterable[str],
) -> FileVerdict:
    """What the file at a path is to okrflow.

    ``absent``: no file; ``unchanged``: it holds ``wanted_text``; ``okrflow's``: it holds
    what okrflow wrote earlier (an older template), so okrflow may update it; ``edited``:
    okrflow wrote this path before and a person changed it since; ``foreign``: okrflow
    never wrote this path. Only commits whose committer is okrflow's user count.
    """
    if current_sha is None:
        return "absent"
    if current_sha == content_sha256(wanted_text):
        return "unchanged"
    emails = {e.strip().lower() for e in okrflow_emails if e}
    written = {
        sha
        for commit in commits
        if commit.committer_email.strip().lower() in emails
        and (sha := recorded_sha256(commit.message)) is not None
    }
    if current_sha in written:
        return "okrflow's"
    return "edited" if written else "foreign"

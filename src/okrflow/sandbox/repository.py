"""The emulated repository: branches, commits with their authors, blob ids, base64.

A repository is a set of branches, each pointing at a head commit; a commit
records its parent, author, committer, message and the paths it touched, so
``GET /repository/commits?path=`` can tell who changed a file. Files are stored
per branch (:class:`RepoFile`); there is no tree object or merge.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from okrflow.sandbox.rows import Branch, Commit, Project, RepoFile
from okrflow.sandbox.state import State

ADMIN_NAME = "Administrator"
ADMIN_EMAIL = "admin@example.com"


def blob_id(content: bytes) -> str:
    header = f"blob {len(content)}\0".encode()
    return hashlib.sha1(header + content, usedforsecurity=False).hexdigest()


def lenient_b64decode(text: str) -> bytes:
    """As Ruby's ``Base64.decode64`` (GitLab's Files API): characters outside the
    alphabet (line breaks, spaces) are skipped, decoding stops at padding and a
    missing ``=`` is fine; never an error."""
    clean = re.sub(r"[^A-Za-z0-9+/]", "", text.split("=", 1)[0])
    clean = clean[: len(clean) - (len(clean) % 4 == 1)]
    return base64.b64decode(clean + "=" * (-len(clean) % 4))


def make_commit(
    state: State,
    project: Project,
    branch: str,
    *,
    message: str,
    author: tuple[str, str],
    committer: tuple[str, str] | None = None,
    now: str,
    parent: str | None,
    paths: list[str] | None = None,
) -> Commit:
    number = state.next_id("commits")
    sha = hashlib.sha1(f"{project.id}:{number}".encode(), usedforsecurity=False).hexdigest()
    committer_name, committer_email = committer or author
    commit = Commit(
        id=number,
        sha=sha,
        project_id=project.id,
        branch=branch,
        message=message,
        author_name=author[0],
        author_email=author[1],
        committer_name=committer_name,
        committer_email=committer_email,
        created_at=now,
        parent_sha=parent,
        paths=list(paths or []),
    )
    state.commits[commit.id] = commit
    return commit


def ensure_branch(state: State, project: Project, name: str, now: str, author: str) -> Branch:
    """The branch, created with an initial commit when it does not exist."""
    branch = state.branch(project.id, name)
    if branch is None:
        email = ADMIN_EMAIL if author == ADMIN_NAME else f"{author.split()[0].lower()}@example.com"
        commit = make_commit(
            state,
            project,
            name,
            message="Initial commit",
            author=(author, email),
            now=now,
            parent=None,
        )
        branch = Branch(
            id=state.next_id("branches"),
            project_id=project.id,
            name=name,
            commit_id=commit.sha,
            commit_message=commit.message,
            committed_at=now,
            author_name=author,
        )
        state.branches[branch.id] = branch
    return branch


def advance(branch: Branch, commit: Commit) -> None:
    branch.commit_id = commit.sha
    branch.commit_message = commit.message
    branch.committed_at = commit.created_at
    branch.author_name = commit.author_name


def copy_branch(state: State, project: Project, source: Branch, name: str) -> None:
    """Files of ``source`` become files of the new branch ``name`` too."""
    for found in [f for f in state.files.values() if f.project_id == project.id]:
        if found.branch == source.name:
            copy = RepoFile(**{**found.__dict__, "id": state.next_id("files")})
            copy.branch = name
            state.files[copy.id] = copy


def commit_by_sha(state: State, project_id: int, sha: str) -> Commit | None:
    return next(
        (
            c
            for c in state.commits.values()
            if c.project_id == project_id
            and (c.sha == sha or (len(sha) >= 7 and c.sha.startswith(sha)))
        ),
        None,
    )


def history(state: State, project_id: int, head: str) -> list[Commit]:
    """The commits reachable from ``head``, newest first."""
    by_sha = {c.sha: c for c in state.commits.values() if c.project_id == project_id}
    found: list[Commit] = []
    current = by_sha.get(head)
    while current is not None and len(found) <= len(by_sha):
        found.append(current)
        current = by_sha.get(current.parent_sha or "")
    return found


def commit_json(base: str, project: Project, commit: Commit) -> dict[str, Any]:
    """Entities::Commit (commit/basic.json)."""
    web = f"{base}/{project.path_with_namespace}"
    return {
        "id": commit.sha,
        "short_id": commit.sha[:8],
        "created_at": commit.created_at,
        "parent_ids": [commit.parent_sha] if commit.parent_sha else [],
        "title": commit.message.split("\n", 1)[0],
        "message": commit.message,
        "author_name": commit.author_name,
        "author_email": commit.author_email,
        "authored_date": commit.created_at,
        "committer_name": commit.committer_name,
        "committer_email": commit.committer_email,
        "committed_date": commit.created_at,
        "trailers": {},
        "extended_trailers": {},
        "web_url": f"{web}/-/commit/{commit.sha}",
    }

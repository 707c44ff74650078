"""What ``okrflow init`` installs in the OKR project: labels, the board, issue templates.

Each write here may meet what an earlier, interrupted run (or a person) already made;
that is recognised by what GitLab holds afterwards, read back, rather than by the
wording of its refusal: a board list for the label is on the board, the template file
holds the content okrflow meant to write.

In a group scope labels and the board may be the group's and the templates go to each
OKR project: every call takes ``at``, a :class:`Place` (default: the OKR project).
"""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

from okrflow.adapter.http import PER_PAGE, as_dict, enc
from okrflow.adapter.lease import LeaseApi
from okrflow.adapter.planned import PlannedBoard
from okrflow.adapter.records import LabelRecord
from okrflow.core.installed import Written
from okrflow.errors import GitLabError

__all__ = ["InstallApi", "Place", "RepoFile"]


@dataclasses.dataclass(frozen=True)
class Place:
    """Where labels, a board or files live: a ``group`` or a ``project`` (neither: the
    OKR project)."""

    project: str | None = None
    group: str | None = None

    def __str__(self) -> str:
        if self.group:
            return f"the group {self.group}"
        return self.project or "the OKR project"


@dataclasses.dataclass(frozen=True)
class RepoFile:
    """A repository file as GitLab holds it on one ref."""

    text: str
    sha256: str
    last_commit_id: str


class InstallApi(LeaseApi):
    def _at(self, at: Place | None, *parts: str | int) -> str:
        """The API path of ``parts`` under ``at`` (a group, or a project)."""
        if at is not None and at.group:
            return f"/groups/{enc(at.group)}" + "".join(f"/{part}" for part in parts)
        return self.api(*parts, project=at.project if at is not None else None)

    def _in(self, at: Place | None) -> str:
        """`` in acme/sales`` for what a dry run plans somewhere else than the OKR project."""
        return f" in {at}" if at is not None and (at.group or at.project) else ""

    # -- labels --------------------------------------------------------------------------

    def list_labels(
        self, *, with_counts: bool = False, at: Place | None = None, inherited: bool = True
    ) -> list[LabelRecord]:
        """The project's labels (and its groups'), or a group's (and its ancestors');
        ``with_counts``: with how many issues carry each (GitLab counts them in the same
        request); ``inherited=False``: only those of ``at`` itself."""
        params: dict[str, Any] = {"per_page": PER_PAGE}
        if with_counts:
            params["with_counts"] = "true"
        if not inherited:
            params["include_ancestor_groups"] = "false"
        items = self.http.listing(
            self._at(at, "labels"), f"list labels of {at or 'the project'}", params
        )
        return [LabelRecord.from_json(item) for item in items]

    def create_label(
        self, name: str, color: str, description: str, *, at: Place | None = None
    ) -> LabelRecord | None:
        """The created label; None in a dry run or when it already existed (409)."""
        if self.dry_run:
            self.plan("create label", repr(name) + self._in(at), color)
            return None
        data = {"name": name, "color": color, "description": description}
        path = self._at(at, "labels")
        created = self.http.call_or_none(
            lambda: self.http.gl.http_post(path, post_data=data),
            f"create label {name!r}" + self._in(at),
            (409,),  # created by an earlier, interrupted run
        )
        return LabelRecord.from_json(as_dict(created)) if created is not None else None

    def update_label(
        self, name: str, *, color: str, description: str, at: Place | None = None
    ) -> None:
        if self.dry_run:
            self.plan("update label", repr(name) + self._in(at), color)
            return
        data = {"color": color, "description": description}
        path = self._at(at, "labels", enc(name))
        self.http.put(path, data, f"update label {name!r}" + self._in(at))

    # -- boards --------------------------------------------------------------------------

    def list_boards(self, at: Place | None = None) -> list[dict[str, Any]]:
        """Every board of the project (or group), over all pages (GitLab pages boards by 20)."""
        path = self._at(at, "boards")
        return list(self.http.listing(path, "list boards" + self._in(at), {"per_page": PER_PAGE}))

    def create_board(self, name: str, at: Place | None = None) -> dict[str, Any] | PlannedBoard:
        if self.dry_run:
            self.plan("create board", repr(name) + self._in(at))
            return PlannedBoard(name)
        created = self.http.create_once(
            self._at(at, "boards"),
            {"name": name},
            lambda: next((b for b in self.list_boards(at) if b.get("name") == name), None),
            f"create board {name!r}" + self._in(at),
        )
        return as_dict(created)

    def create_board_list(
        self,
        board: int | PlannedBoard,
        label_id: int | None,
        label_name: str,
        at: Place | None = None,
    ) -> dict[str, Any] | None:
        """The new list (id, label, position); None in a dry run, or when the board has
        a list for the label already."""
        if self.dry_run or not isinstance(board, int) or label_id is None:
            on = f" to {board}" if isinstance(board, PlannedBoard) else ""
            self.plan("add board list", f"{label_name!r}{on}{self._in(at)}")
            return None
        what = f"add board list {label_name!r}{self._in(at)}"
        path = self._at(at, "boards", board, "lists")
        try:
            return as_dict(self.http.post(path, {"label_id": label_id}, what))
        except GitLabError as exc:
            if exc.status not in (400, 409) or not self._has_list(board, label_id, what, at):
                raise
            return None

    def _has_list(self, board_id: int, label_id: int, what: str, at: Place | None) -> bool:
        board = as_dict(self.http.get(self._at(at, "boards", board_id), what))
        lists = board.get("lists") or []
        return any(
            isinstance(item, dict) and (item.get("label") or {}).get("id") == label_id
            for item in lists
        )

    def move_board_list(
        self,
        board_id: int,
        list_id: int,
        position: int,
        label_name: str,
        at: Place | None = None,
    ) -> None:
        """Put a board list at ``position`` (0 = first label list)."""
        if self.dry_run:
            self.plan("move board list", repr(label_name) + self._in(at), f"to {position}")
            return
        path = self._at(at, "boards", board_id, "lists", list_id)
        what = f"move board list {label_name!r}{self._in(at)}"
        self.http.put(path, {"position": position}, what)

    # -- repository files ------------------------------------------------------------------

    def branch_of(self, project: str | None = None) -> str:
        """The default branch of ``project`` (default: the OKR project's)."""
        if project is None or project.casefold() == self.project_path.casefold():
            return self.default_branch
        data = as_dict(self.http.get(self.api(project=project), f"read project {project}"))
        return str(data.get("default_branch") or "main")

    def read_file(self, path: str, ref: str, project: str | None = None) -> str | None:
        """The file's text on ``ref``; None when there is no such file."""
        raw = self.http.raw(
            self.api("repository", "files", enc(path), "raw", project=project),
            {"ref": ref},
            f"read {project + ':' if project else ''}{path}",
        )
        return None if raw is None else raw.decode("utf-8")

    def repo_file(self, path: str, ref: str, project: str | None = None) -> RepoFile | None:
        """The file on ``ref`` with its sha256 and last commit; None when there is none."""
        url = self.api("repository", "files", enc(path), project=project)
        found = self.http.call_or_none(
            lambda: self.http.gl.http_get(url, query_data={"ref": ref}),
            f"read {project + ':' if project else ''}{path}",
            (404,),
        )
        if found is None:
            return None
        data = as_dict(found)
        text = base64.b64decode(str(data.get("content") or "")).decode("utf-8")
        return RepoFile(
            text, str(data.get("content_sha256") or ""), str(data.get("last_commit_id") or "")
        )

    def path_commits(self, path: str, ref: str, project: str | None = None) -> list[Written]:
        """The commits of ``ref`` that touched ``path``, newest first."""
        query = {"ref_name": ref, "path": path, "per_page": PER_PAGE}
        url = self.api("repository", "commits", project=project)
        items = self.http.listing(url, f"history of {path}", query)
        return [
            Written(
                committer_email=str(item.get("committer_email") or ""),
                message=str(item.get("message") or ""),
                author_name=str(item.get("author_name") or ""),
                created_at=str(item.get("created_at") or ""),
            )
            for item in items
        ]

    def own_emails(self) -> list[str]:
        """The addresses GitLab commits okrflow's user's Files API writes with."""
        if self.settings.token_kind != "private":
            return []
        data = as_dict(self.http.get("/user", "read the current user"))
        keys = ("commit_email", "email", "public_email")
        return [str(data[k]) for k in keys if data.get(k)]

    def write_file(
        self,
        path: str,
        content: str,
        *,
        branch: str,
        message: str,
        exists: bool,
        last_commit_id: str | None = None,
        project: str | None = None,
    ) -> None:
        """Commit ``content`` to ``path`` on ``branch`` (create it, or update it).

        GitLab refuses (400) a create of a file that exists and, depending on the
        version, an update that changes nothing; either way, when the branch holds
        ``content`` afterwards (an earlier attempt whose answer was lost wrote it), the
        write is done. A file changed or created meanwhile by someone else is left alone.
        ``last_commit_id``: update only if nobody committed to the file since (GitLab
        refuses the update otherwise, and so does this).
        """
        if self.dry_run:
            where = f" in {project}" if project else ""
            self.plan("update file" if exists else "create file", path + where)
            return
        url = self.api("repository", "files", enc(path), project=project)
        data = {"branch": branch, "content": content, "commit_message": message}
        if exists and last_commit_id:
            data["last_commit_id"] = last_commit_id
        try:
            if exists:
                self.http.put(url, data, f"update {path}")
            else:
                self.http.post(url, data, f"create {path}")
            return
        except GitLabError as exc:
            if exc.status != 400:
                raise
            if self.read_file(path, ref=branch, project=project) != content:
                raise  # changed or created meanwhile by someone else: theirs, left alone

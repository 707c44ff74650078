"""What ``okrflow init`` installs in the OKR project: labels, the board, issue templates.

Each write here may meet what an earlier, interrupted run (or a person) already made;
that is recognised by what GitLab holds afterwards, read back, rather than by the
wording of its refusal: a board list for the label is on the board, the template file
holds the content okrflow meant to write.
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

__all__ = ["InstallApi", "RepoFile"]


@dataclasses.dataclass(frozen=True)
class RepoFile:
    """A repository file as GitLab holds it on one ref."""

    text: str
    sha256: str
    last_commit_id: str


class InstallApi(LeaseApi):
    # -- labels --------------------------------------------------------------------------

    def list_labels(self, *, with_counts: bool = False) -> list[LabelRecord]:
        """The project's labels (and its groups'); ``with_counts``: with how many issues
        carry each (GitLab counts them in the same request)."""
        params: dict[str, Any] = {"per_page": PER_PAGE}
        if with_counts:
            params["with_counts"] = "true"
        items = self.http.listing(self.api("labels"), "list labels", params)
        return [LabelRecord.from_json(item) for item in items]

    def create_label(self, name: str, color: str, description: str) -> LabelRecord | None:
        """The created label; None in a dry run or when it already existed (409)."""
        if self.dry_run:
            self.plan("create label", repr(name), color)
            return None
        data = {"name": name, "color": color, "description": description}
        created = self.http.call_or_none(
            lambda: self.http.gl.http_post(self.api("labels"), post_data=data),
            f"create label {name!r}",
            (409,),  # created by an earlier, interrupted run
        )
        return LabelRecord.from_json(as_dict(created)) if created is not None else None

    def update_label(self, name: str, *, color: str, description: str) -> None:
        if self.dry_run:
            self.plan("update label", repr(name), color)
            return
        data = {"color": color, "description": description}
        self.http.put(self.api("labels", enc(name)), data, f"update label {name!r}")

    # -- boards --------------------------------------------------------------------------

    def list_boards(self) -> list[dict[str, Any]]:
        """Every board of the project, over all pages (GitLab pages boards by 20)."""
        return list(self.http.listing(self.api("boards"), "list boards", {"per_page": PER_PAGE}))

    def create_board(self, name: str) -> dict[str, Any] | PlannedBoard:
        if self.dry_run:
            self.plan("create board", repr(name))
            return PlannedBoard(name)
        created = self.http.create_once(
            self.api("boards"),
            {"name": name},
            lambda: next((b for b in self.list_boards() if b.get("name") == name), None),
            f"create board {name!r}",
        )
        return as_dict(created)

    def create_board_list(
        self, board: int | PlannedBoard, label_id: int | None, label_name: str
    ) -> dict[str, Any] | None:
        """The new list (id, label, position); None in a dry run, or when the board has
        a list for the label already."""
        if self.dry_run or not isinstance(board, int) or label_id is None:
            on = f" to {board}" if isinstance(board, PlannedBoard) else ""
            self.plan("add board list", f"{label_name!r}{on}")
            return None
        what = f"add board list {label_name!r}"
        try:
            return as_dict(
                self.http.post(self.api("boards", board, "lists"), {"label_id": label_id}, what)
            )
        except GitLabError as exc:
            if exc.status not in (400, 409) or not self._has_list(board, label_id, what):
                raise
            return None

    def _has_list(self, board_id: int, label_id: int, what: str) -> bool:
        board = as_dict(self.http.get(self.api("boards", board_id), what))
        lists = board.get("lists") or []
        return any(
            isinstance(item, dict) and (item.get("label") or {}).get("id") == label_id
            for item in lists
        )

    def move_board_list(self, board_id: int, list_id: int, position: int, label_name: str) -> None:
        """Put a board list at ``position`` (0 = first label list)."""
        if self.dry_run:
            self.plan("move board list", repr(label_name), f"to {position}")
            return
        path = self.api("boards", board_id, "lists", list_id)
        self.http.put(path, {"position": position}, f"move board list {label_name!r}")

    # -- repository files ------------------------------------------------------------------

    def read_file(self, path: str, ref: str) -> str | None:
        """The file's text on ``ref``; None when there is no such file."""
        raw = self.http.raw(
            self.api("repository", "files", enc(path), "raw"), {"ref": ref}, f"read {path}"
        )
        return None if raw is None else raw.decode("utf-8")

    def repo_file(self, path: str, ref: str) -> RepoFile | None:
        """The file on ``ref`` with its sha256 and last commit; None when there is none."""
        found = self.http.call_or_none(
            lambda: self.http.gl.http_get(
                self.api("repository", "files", enc(path)), query_data={"ref": ref}
            ),
            f"read {path}",
            (404,),
        )
        if found is None:
            return None
        data = as_dict(found)
        text = base64.b64decode(str(data.get("content") or "")).decode("utf-8")
        return RepoFile(
            text, str(data.get("content_sha256") or ""), str(data.get("last_commit_id") or "")
        )

    def path_commits(self, path: str, ref: str) -> list[Written]:
        """The commits of ``ref`` that touched ``path``, newest first."""
        query = {"ref_name": ref, "path": path, "per_page": PER_PAGE}
        items = self.http.listing(self.api("repository", "commits"), f"history of {path}", query)
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
            self.plan("update file" if exists else "create file", path)
            return
        url = self.api("repository", "files", enc(path))
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
            if self.read_file(path, ref=branch) != content:
                raise  # changed or created meanwhile by someone else: theirs, left alone

"""Seeding and inspecting content: labels, issues, notes, files, boards, label events.

These write the state directly (no HTTP, no permission checks, no quick actions
or mentions), but leave the traces GitLab would: an issue's labels are label
events by its author, a new issue and a comment are contribution events, a file
is a commit. What a person does in GitLab's UI has helpers too
(:meth:`SeedingMixin.move_on_board`); to act through the API as someone else, use
:meth:`~okrflow.sandbox.seeding_base.SeedingBase.token_for`.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import datetime

from okrflow.sandbox.clock import format_time
from okrflow.sandbox.colors import DEFAULT_COLOR, normalize_color
from okrflow.sandbox.issue_service import new_note, record_event, record_label_event, set_labels
from okrflow.sandbox.labelling import label_by_title, resolve_labels
from okrflow.sandbox.repository import (
    ADMIN_EMAIL,
    ADMIN_NAME,
    advance,
    blob_id,
    ensure_branch,
    history,
    make_commit,
)
from okrflow.sandbox.rows import (
    Board,
    BoardList,
    Commit,
    Event,
    Issue,
    Label,
    LabelEvent,
    Mention,
    Note,
    RepoFile,
)
from okrflow.sandbox.seeding_base import SeedingBase, locked


class SeedingMixin(SeedingBase):
    """Methods of :class:`~okrflow.sandbox.Emulator` that build or read content."""

    # inspection -----------------------------------------------------------------
    @locked
    def issues(self, project: str | int) -> list[Issue]:
        """The project's issues, by iid."""
        return sorted(self.state.issues_of(self.project(project).id), key=lambda i: i.iid)

    @locked
    def issue(self, project: str | int, iid: int) -> Issue:
        found = self.state.issue_by_iid(self.project(project).id, iid)
        if found is None:
            raise KeyError(f"no issue #{iid} in {project!r}")
        return found

    @locked
    def issue_labels(self, project: str | int, iid: int) -> list[str]:
        labels = self.state.labels
        return sorted(labels[i].name for i in self.issue(project, iid).label_ids if i in labels)

    @locked
    def labels(self, target: str | int) -> list[Label]:
        """The labels a project (or group) owns, by name."""
        if isinstance(target, str) and self.state.project_by_path(target) is None:
            gid = self.group(target).id
            owned = [lab for lab in self.state.labels.values() if lab.group_id == gid]
        else:
            pid = self.project(target).id
            owned = [lab for lab in self.state.labels.values() if lab.project_id == pid]
        return sorted(owned, key=lambda lab: lab.name)

    @locked
    def notes(self, project: str | int, iid: int, *, system: bool = False) -> list[Note]:
        """The issue's notes, oldest first; system notes only if asked for."""
        found = [
            n for n in self.state.notes_of(self.issue(project, iid).id) if system or not n.system
        ]
        return sorted(found, key=lambda n: (n.created_at, n.id))

    @locked
    def label_events(self, project: str | int, iid: int) -> list[LabelEvent]:
        """The issue's label events, oldest first."""
        return list(self.state.label_events_of(self.issue(project, iid).id))

    @locked
    def events(self, project: str | int | None = None) -> list[Event]:
        """Contribution events (of one project), oldest first."""
        pid = None if project is None else self.project(project).id
        return [e for e in self.state.events.values() if pid is None or e.project_id == pid]

    @property
    def mentions(self) -> list[Mention]:
        """Every mention GitLab would have turned into to-dos, oldest first."""
        with self._lock:
            return list(self.state.mentions.values())

    @locked
    def commits(self, project: str | int, *, branch: str | None = None) -> list[Commit]:
        """The branch's history (default branch), newest first."""
        proj = self.project(project)
        head = self.state.branch(proj.id, branch or proj.default_branch)
        return history(self.state, proj.id, head.commit_id) if head else []

    @locked
    def file_text(self, project: str | int, path: str, branch: str | None = None) -> str | None:
        proj = self.project(project)
        found = self.state.file(proj.id, branch or proj.default_branch, path)
        return base64.b64decode(found.content_b64).decode("utf-8") if found else None

    # content --------------------------------------------------------------------
    def add_label(
        self, target: str, name: str, color: str = DEFAULT_COLOR, *, description: str | None = None
    ) -> Label:
        """A label of the project or group at path ``target``."""
        with self._lock:
            project = self.state.project_by_path(target)
            group = None if project else self.group(target)
            label = Label(
                id=self.state.next_id("labels"),
                name=name,
                color=normalize_color(color) or DEFAULT_COLOR,
                created_at=self.clock.stamp(),
                description=description,
                project_id=project.id if project else None,
                group_id=group.id if group else None,
            )
            self.state.labels[label.id] = label
            return label

    def add_issue(
        self,
        project: str | int,
        title: str,
        *,
        description: str | None = "",
        labels: Iterable[str] = (),
        author: str | None = None,
        assignee: str | None = None,
        state: str = "opened",
        created_at: datetime | None = None,
        confidential: bool = False,
    ) -> Issue:
        """An issue written straight into the state (labels are created if missing;
        each is a label event by the author)."""
        with self._lock:
            proj = self.project(project)
            stamp = format_time(created_at) if created_at else self.clock.stamp()
            author_user = self.user(author) if author else next(iter(self.state.users.values()))
            issue = Issue(
                id=self.state.next_id("issues"),
                iid=proj.next_iid,
                project_id=proj.id,
                title=title,
                description=description,
                author_id=author_user.id,
                created_at=stamp,
                updated_at=stamp,
                state=state,
                assignee_ids=[self.user(assignee).id] if assignee else [],
                confidential=confidential,
            )
            ids = resolve_labels(self.state, proj, list(labels), create=True, now=stamp)
            proj.next_iid += 1
            self.state.issues[issue.id] = issue
            record_event(self.state, proj.id, author_user.id, "created", issue, stamp)
            set_labels(self.state, issue, ids, author_user.id, stamp)
            if state == "closed":
                issue.closed_at, issue.closed_by_id = stamp, author_user.id
                record_event(self.state, proj.id, author_user.id, "closed", issue, stamp)
            return issue

    def add_note(
        self,
        project: str | int,
        iid: int,
        body: str,
        *,
        author: str | None = None,
        created_at: datetime | None = None,
    ) -> Note:
        """A comment (a ``commented`` event too); quick actions in it do not run."""
        with self._lock:
            issue = self.issue(project, iid)
            stamp = format_time(created_at) if created_at else self.clock.stamp()
            user = self.user(author) if author else self.state.users[issue.author_id]
            note = new_note(self.state, issue, user.id, body, stamp)
            record_event(self.state, issue.project_id, user.id, "commented", note, stamp)
            return note

    def add_file(
        self,
        project: str | int,
        path: str,
        content: str | bytes,
        *,
        branch: str | None = None,
        author: str | None = None,
        message: str | None = None,
    ) -> RepoFile:
        """Commit ``content`` at ``path`` (by user ``author``, else Administrator)."""
        with self._lock:
            proj = self.project(project)
            data = content.encode() if isinstance(content, str) else content
            name = branch or proj.default_branch
            now = self.clock.stamp()
            target = ensure_branch(self.state, proj, name, now, ADMIN_NAME)
            who = self.user(author) if author else None
            commit = make_commit(
                self.state,
                proj,
                name,
                message=message or f"Add {path}",
                author=(who.name, who.email) if who else (ADMIN_NAME, ADMIN_EMAIL),
                now=now,
                parent=target.commit_id,
                paths=[path],
            )
            advance(target, commit)
            existing = self.state.file(proj.id, name, path)
            if existing is not None:
                del self.state.files[existing.id]
            row = RepoFile(
                id=self.state.next_id("files"),
                project_id=proj.id,
                branch=name,
                path=path,
                content_b64=base64.b64encode(data).decode(),
                blob_id=blob_id(data),
                last_commit_id=commit.sha,
            )
            self.state.files[row.id] = row
            return row

    def add_board(
        self, target: str, name: str = "Development", *, lists: Iterable[str] = ()
    ) -> Board:
        """A board of a project or group (for a group: the one board GitLab's UI
        makes on Free) with label lists in order (labels must exist)."""
        with self._lock:
            project = self.state.project_by_path(target)
            group = None if project else self.group(target)
            board = Board(
                id=self.state.next_id("boards"),
                project_id=project.id if project else None,
                group_id=group.id if group else None,
                name=name,
                created_at=self.clock.stamp(),
            )
            self.state.boards[board.id] = board
            for position, title in enumerate(lists):
                label = self._board_label(board, title)
                row = BoardList(
                    id=self.state.next_id("lists"),
                    board_id=board.id,
                    label_id=label.id,
                    position=position,
                )
                self.state.lists[row.id] = row
            return board

    def _board_label(self, board: Board, title: str) -> Label:
        state = self.state
        if board.project_id is not None:
            found = label_by_title(state, state.projects[board.project_id], title)
        else:
            ids = {g.id for g in state.group_ancestors(board.group_id)}
            found = next(
                (lab for lab in state.labels.values() if lab.group_id in ids and lab.name == title),
                None,
            )
        if found is None:
            raise KeyError(f"no label {title!r} for board {board.name!r}")
        return found

    def add_label_event(
        self,
        project: str | int,
        iid: int,
        label: str,
        action: str = "add",
        *,
        user: str | None = None,
        created_at: datetime | None = None,
    ) -> LabelEvent:
        """A label event as GitLab may return it; ``user=None`` gives ``"user": null``
        (its author was deleted). The issue's labels are not changed."""
        if action not in ("add", "remove"):
            raise ValueError("action is add or remove")
        with self._lock:
            issue = self.issue(project, iid)
            found = label_by_title(self.state, self.state.projects[issue.project_id], label)
            if found is None:
                raise KeyError(f"no label {label!r}")
            user_id = self.user(user).id if user else None
            stamp = format_time(created_at) if created_at else self.clock.stamp()
            return record_label_event(self.state, issue, user_id, found.id, action, stamp)

    def move_on_board(
        self, project: str | int, iid: int, to_list: str, *, user: str, board: int | None = None
    ) -> Issue:
        """A card dragged on a board in the UI: the labels of the board's other lists
        come off, the target list's label goes on (label events by ``user``)."""
        with self._lock:
            issue = self.issue(project, iid)
            proj = self.state.projects[issue.project_id]
            ancestors = {g.id for g in self.state.group_ancestors(proj.group_id)}
            boards = [
                b
                for b in self.state.boards.values()
                if (board is None or b.id == board)
                and (b.project_id == proj.id or b.group_id in ancestors)
            ]
            if not boards:
                raise KeyError(f"no board for {proj.path_with_namespace}")
            on_board = {
                lst.label_id for lst in self.state.lists.values() if lst.board_id == boards[0].id
            }
            target = self._board_label(boards[0], to_list)
            if target.id not in on_board:
                raise KeyError(f"no list {to_list!r} on board {boards[0].name!r}")
            kept = [i for i in issue.label_ids if i not in on_board]
            now = self.clock.stamp()
            if set_labels(self.state, issue, [*kept, target.id], self.user(user).id, now):
                issue.updated_at = now
            return issue

"""A connection to one OKR scope: what every part of the repository shares.

The scope (one project, or a group and those of its projects that hold OKRs; the first
of those is the group's home project: its lease, its reports), the dry-run switch with
the writes it planned, the users looked up, and the checks made before the first write
(a job token cannot write issues).
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable
from typing import Any

from okrflow.adapter.connection import ConnectionSettings, require_project
from okrflow.adapter.http import PER_PAGE, Http, as_dict, enc
from okrflow.adapter.planned import PlannedWrite
from okrflow.adapter.recheck import Changes
from okrflow.core.authority import Authors
from okrflow.core.calendar import FiscalCalendar
from okrflow.core.labels import DEFAULT_LABEL_NAMES, LabelNames
from okrflow.errors import GitLabError, UsageError

__all__ = ["Session"]


class Session:
    """One OKR project over one connection. ``dry_run``: writes are planned, not sent."""

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        dry_run: bool = False,
        names: LabelNames = DEFAULT_LABEL_NAMES,
        bot_users: Collection[str] = (),
    ) -> None:
        self.settings = settings
        self.dry_run = dry_run
        self.names = names
        self.bot_users = tuple(bot_users)
        self.planned: list[PlannedWrite] = []
        self._lock = threading.Lock()
        self._user_ids: dict[str, int | None] = {}
        self._user_names: dict[str, str | None] = {}
        self.http = Http(settings)
        self.group_path = settings.group
        self._home: str | None = (
            require_project(settings)
            if settings.group is None
            else next(iter(settings.okr_projects), None)
        )
        self._scope_projects: list[str] | None = None
        self.unreadable: tuple[str, ...] = ()  # OKR projects of the config the token cannot see
        self._project: dict[str, Any] | None = None
        # asked of GitLab at most once per run, by whichever thread first needs it, over
        # a connection of its own; shared by every fork
        self.authors = Authors(token_user=self._read_token_user, bot_users=self.bot_users)
        self._members: dict[str, dict[str, int]] = {}  # by project path
        self._members_lock = threading.Lock()
        self.changes = Changes()  # what was read, and what changed since (shared by forks)
        # the fiscal calendar, when the caller has one: a quarter's load then looks for
        # the annual objectives its objectives align under
        self.calendar: FiscalCalendar | None = None
        self.loaded: dict[str, int] = {}  # quarters loaded this run: how many issues each held

    # -- the scope --------------------------------------------------------------------

    @property
    def project_path(self) -> str:
        """The OKR project; in a group scope its home project (the first OKR project)."""
        if self._home is None:
            projects = self.okr_projects()
            if not projects:
                raise UsageError(
                    f"the group {self.group_path} has no project the token can see: check the "
                    "group's path and that the token's user is a member"
                )
            self._home = projects[0]
        return self._home

    @property
    def scope_path(self) -> str:
        """The group in a group scope, else the OKR project."""
        return self.group_path or self.project_path

    def okr_projects(self) -> list[str]:
        """The projects holding OKRs: the OKR project, or in a group scope the config's
        projects the token can see (default: every project of the group and its
        subgroups it can see), asked once per run (one page per 100 projects). The
        config's projects it cannot see are :attr:`unreadable`."""
        if self.group_path is None:
            return [self.project_path]
        if self._scope_projects is None:
            query = {"include_subgroups": True, "per_page": PER_PAGE, "simple": True}
            what = f"list the projects of group {self.group_path}"
            path = f"/groups/{enc(self.group_path)}/projects"
            seen = sorted(
                str(item["path_with_namespace"])
                for item in self.http.listing(path, what, query)
                if isinstance(item, dict) and item.get("path_with_namespace")
            )
            wanted = self.settings.okr_projects
            if wanted:
                visible = {p.casefold(): p for p in seen}
                self.unreadable = tuple(p for p in wanted if p.casefold() not in visible)
                seen = [visible[p.casefold()] for p in wanted if p.casefold() in visible]
            self._scope_projects = seen
        return list(self._scope_projects)

    def in_scope(self, project: str) -> bool:
        """Whether OKRs of ``project`` (a path) belong to the scope."""
        if self.group_path is None:
            return project.casefold() == self.project_path.casefold()
        return project.casefold() in {p.casefold() for p in self.okr_projects()}

    # -- the project ------------------------------------------------------------------

    @property
    def url(self) -> str:
        return self.http.url

    def scope_api(self, *parts: str | int) -> str:
        """``/groups/acme/issues`` in a group scope, else :meth:`api`'s path."""
        if self.group_path is None:
            return self.api(*parts)
        tail = "".join(f"/{part}" for part in parts)
        return f"/groups/{enc(self.group_path)}{tail}"

    def api(self, *parts: str | int, project: str | None = None) -> str:
        """``/projects/acme%2Fokrs/issues/12``: a path under the OKR project (or under
        ``project``, another project of a group scope)."""
        tail = "".join(f"/{part}" for part in parts)
        return f"/projects/{enc(project or self.project_path)}{tail}"

    @property
    def project(self) -> dict[str, Any]:
        if self._project is None:
            self._project = as_dict(self.http.get(self.api(), f"read project {self.project_path}"))
        return self._project

    @property
    def project_web_url(self) -> str:
        return str(self.project.get("web_url") or "")

    @property
    def default_branch(self) -> str:
        return str(self.project.get("default_branch") or "main")

    def reference(self, iid: int) -> str:
        """``acme/okrs#12``: an issue of the OKR project, named anywhere."""
        return f"{self.project_path}#{iid}"

    # -- writing ------------------------------------------------------------------------

    def plan(self, action: str, target: str, detail: str = "") -> None:
        """Keep a write a dry run does not send."""
        with self._lock:
            self.planned.append(PlannedWrite(action, target, detail))

    def ensure_can_write(self) -> None:
        """Fail early, plainly, when only a job token, or no token, is available."""
        if self.dry_run:
            return
        settings = self.settings
        if settings.token_kind == "job":
            raise GitLabError(
                "only CI_JOB_TOKEN is available, and GitLab does not let job tokens create or "
                "change issues, labels, notes or boards: store a project or personal access token "
                "with the 'api' scope in a masked CI/CD variable named GITLAB_TOKEN"
            )
        if settings.token_kind == "none" and not settings.python_gitlab_section:
            raise UsageError(
                f"{settings.token_env} is not set: set it to a personal or project access token "
                "with the 'api' scope"
            )

    # -- users ---------------------------------------------------------------------------

    def user_id(self, username: str) -> int | None:
        """The id of a GitLab user, or None when there is no such user."""
        name = username.lstrip("@")
        if name not in self._user_ids:
            self._look_up(name)
        return self._user_ids[name]

    def _look_up(self, name: str) -> None:
        """One request per user and run: the user's id and display name."""
        users = self.http.get("/users", f"look up user @{name}", {"username": name})
        user = users[0] if isinstance(users, list) and users else {}
        found = user.get("id") if isinstance(user, dict) else None
        self._user_ids[name] = int(found) if found is not None else None
        shown = user.get("name") if isinstance(user, dict) else None
        self._user_names.setdefault(name, str(shown) if shown else None)

    def remember_names(self, people: Iterable[tuple[str, str]]) -> None:
        """Display names GitLab already sent (with an issue's author and assignees)."""
        for username, name in people:
            self._user_names.setdefault(username, name)

    def display_name(self, username: str) -> str | None:
        """GitLab's ``name`` of a user (e.g. "Alice Liddell"): remembered from issues
        read, else looked up once per run; None when there is no such user."""
        name = username.lstrip("@")
        if name not in self._user_names:
            self._look_up(name)
        return self._user_names.get(name)

    def current_username(self) -> str | None:
        """The token's user (``GET /user``, asked once per run); None for a job token or
        no token."""
        return self.authors.token_username()

    def _read_token_user(self) -> str | None:
        if self.settings.token_kind != "private":
            return None
        data = as_dict(Http(self.settings).get("/user", "read the current user"))
        return str(data.get("username") or "") or None

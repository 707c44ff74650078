"""The handler context: state, clock, caller and request, plus common look-ups.

Look-ups raise GitLab's answers: 404 for what the caller may not see, 403 for
what they may see but not change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import unquote

from okrflow.sandbox import auth
from okrflow.sandbox.clock import Clock
from okrflow.sandbox.request import Params, Request, forbidden, not_found
from okrflow.sandbox.state import Group, Issue, Project, State, User


@dataclasses.dataclass
class Ctx:
    state: State
    clock: Clock
    req: Request
    caller: auth.Caller
    version: str = "18.6.0"
    # the emulator's application rate limiter (notes_create, issues_create); raises 429
    limiter: Callable[[str, auth.Caller], None] | None = None
    events_retention: timedelta = timedelta(days=3 * 365)
    normalize_text: bool = True  # store texts as GitLab does (see Emulator.normalize_text)

    # basics ---------------------------------------------------------------
    @property
    def user(self) -> User | None:
        return self.caller.user

    @property
    def params(self) -> Params:
        return self.req.params

    def now(self) -> str:
        return self.clock.stamp()

    def path_param(self, name: str) -> str:
        return unquote(self.req.path_params.get(name, ""))

    def int_path_param(self, name: str, what: str) -> int:
        text = self.path_param(name)
        if not text.isdigit() or len(text) > 18:
            raise not_found(what)
        return int(text)

    def require_user(self) -> User:
        if not auth.can_write(self.caller) or self.user is None:
            raise auth.UNAUTHORIZED
        return self.user

    def throttle(self, key: str) -> None:
        """GitLab's ``check_rate_limit!(key, scope: current_user)``."""
        if self.limiter is not None:
            self.limiter(key, self.caller)

    def web_base(self) -> str:
        return self.req.base

    # projects and groups ----------------------------------------------------
    def find_project(self, ref: str) -> Project | None:
        if ref.isdigit() and len(ref) < 19:
            project = self.state.projects.get(int(ref))
        else:
            project = self.state.project_by_path(ref)
        if project is None or not auth.can_read_project(self.state, self.caller, project):
            return None
        return project

    def project(self, name: str = "id") -> Project:
        project = self.find_project(self.path_param(name))
        if project is None:
            raise not_found("Project")
        return project

    def find_group(self, ref: str) -> Group | None:
        if ref.isdigit() and len(ref) < 19:
            group = self.state.groups.get(int(ref))
        else:
            group = self.state.group_by_path(ref)
        if group is None or not auth.can_read_group(self.state, self.caller, group):
            return None
        return group

    def group(self, name: str = "id") -> Group:
        group = self.find_group(self.path_param(name))
        if group is None:
            raise not_found("Group")
        return group

    def access(self, project: Project) -> int:
        return auth.project_access(self.state, self.user, project)

    def require_access(self, project: Project, level: int) -> User:
        user = self.require_user()
        if self.access(project) < level:
            raise forbidden()
        return user

    def require_group_access(self, group: Group, level: int) -> User:
        user = self.require_user()
        if auth.group_access(self.state, user, group) < level:
            raise forbidden()
        return user

    def require_level(self, holder: Project | Group | None, level: int) -> User:
        """The role ``level`` in a project or group (403 below it)."""
        if isinstance(holder, Project):
            return self.require_access(holder, level)
        assert holder is not None
        return self.require_group_access(holder, level)

    # issues -----------------------------------------------------------------
    def issue(self, project: Project, name: str = "issue_iid") -> Issue:
        text = self.path_param(name)
        if not text.isdigit() or len(text) > 18:
            raise not_found("Issue")
        issue = self.state.issue_by_iid(project.id, int(text))
        if issue is None or not auth.can_read_issue(self.state, self.caller, issue):
            raise not_found("Issue")
        return issue

    def can_read_issue(self, issue: Issue) -> bool:
        return auth.can_read_issue(self.state, self.caller, issue)

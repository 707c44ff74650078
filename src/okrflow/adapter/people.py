"""The people of the OKR project: its members, read once per run.

``/projects/:id/members/all`` lists direct members and those who inherit their role
from a group (GitLab's own "members" of a project), 100 a page.
"""

from __future__ import annotations

from okrflow.adapter.http import PER_PAGE
from okrflow.adapter.session import Session

__all__ = ["GUEST", "REPORTER", "PeopleApi"]

GUEST, REPORTER = 10, 20  # GitLab's access levels (Planner is 15, Developer 30)


class PeopleApi(Session):
    _members: dict[str, int] | None = None

    def members(self) -> dict[str, int]:
        """username -> access level of every member of the OKR project, inherited
        memberships included; one request per 100 members, once per run."""
        if self._members is None:
            found: dict[str, int] = {}
            items = self.http.listing(
                self.api("members", "all"), "list project members", {"per_page": PER_PAGE}
            )
            for item in items:
                username = item.get("username")
                level = item.get("access_level")
                if isinstance(username, str) and isinstance(level, int):
                    found[username] = max(level, found.get(username, 0))
                    name = item.get("name")
                    if isinstance(name, str) and name:
                        self.remember_names([(username, name)])
            self._members = found
        return self._members

    def is_member(self, username: str | None, *, at_least: int = GUEST) -> bool:
        """Whether ``username`` is a member of the OKR project with ``at_least`` that role."""
        return bool(username) and self.members().get(str(username), 0) >= at_least

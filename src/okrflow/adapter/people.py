"""The people of the OKR project (or of each project of a group scope): its members,
read once per run and project.

``/projects/:id/members/all`` lists direct members and those who inherit their role
from a group (GitLab's own "members" of a project), 100 a page.
"""

from __future__ import annotations

from okrflow.adapter.http import PER_PAGE, Http
from okrflow.adapter.session import Session

__all__ = ["GUEST", "REPORTER", "PeopleApi"]

GUEST, REPORTER = 10, 20  # GitLab's access levels (Planner is 15, Developer 30)


class PeopleApi(Session):
    def member_levels(self, project: str | None = None) -> dict[str, int]:
        """username -> access level of every member of the OKR project (or ``project``,
        another project of a group scope), direct or inherited from its groups
        (``/members/all``, read once per run and project, one page per 100 members);
        their display names are remembered on the way."""
        where = project or self.project_path
        with self._members_lock:
            if where not in self._members:
                query = {"per_page": PER_PAGE}
                found: dict[str, int] = {}
                what = f"list the members of {where}"
                path = self.api("members", "all", project=project)
                for member in Http(self.settings).listing(path, what, query):
                    name, level = member.get("username"), member.get("access_level")
                    if isinstance(name, str) and isinstance(level, int):
                        found[name] = max(level, found.get(name, 0))
                        shown = member.get("name")
                        if isinstance(shown, str) and shown:
                            self.remember_names([(name, shown)])
                self._members[where] = found
            return self._members[where]

    def is_member(self, username: str | None, *, at_least: int = GUEST) -> bool:
        """Whether ``username`` is a member of the OKR project with ``at_least`` that role."""
        return bool(username) and self.member_levels().get(str(username), 0) >= at_least

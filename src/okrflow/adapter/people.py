"""The people of the OKR project: its members, read once per run.

``/projects/:id/members/all`` lists direct members and those who inherit their role
from a group (GitLab's own "members" of a project), 100 a page.
"""

from __future__ import annotations

from okrflow.adapter.session import Session

__all__ = ["GUEST", "REPORTER", "PeopleApi"]

GUEST, REPORTER = 10, 20  # GitLab's access levels (Planner is 15, Developer 30)


class PeopleApi(Session):
    def members(self) -> dict[str, int]:
        """username -> access level of every member of the OKR project, inherited
        memberships included (:meth:`Session.member_levels`: once per run); their display
        names are remembered on the way."""
        return self.member_levels()

    def is_member(self, username: str | None, *, at_least: int = GUEST) -> bool:
        """Whether ``username`` is a member of the OKR project with ``at_least`` that role."""
        return bool(username) and self.members().get(str(username), 0) >= at_least

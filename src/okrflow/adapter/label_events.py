"""Who changed an issue's labels, and when: GitLab's label events."""

from __future__ import annotations

from okrflow.adapter.http import PER_PAGE
from okrflow.adapter.records import parse_time
from okrflow.adapter.session import Session
from okrflow.core.board_moves import LabelChange

__all__ = ["LabelEventApi"]


class LabelEventApi(Session):
    def label_events(self, iid: int, project: str | None = None) -> list[LabelChange]:
        """The issue's label events, oldest first; ``user`` None when GitLab names none
        (a deleted user, or an event GitLab made itself). ``project``: of another
        project of a group scope."""
        path = self.api("issues", iid, "resource_label_events", project=project)
        where = f"{project or ''}#{iid}"
        items = self.http.listing(path, f"read label events of {where}", {"per_page": PER_PAGE})
        changes = []
        for item in items:
            label = item.get("label")
            user = item.get("user")
            changes.append(
                LabelChange(
                    label=str(label.get("name") or "") if isinstance(label, dict) else "",
                    action=str(item.get("action") or ""),
                    user=str(user.get("username") or "") or None
                    if isinstance(user, dict)
                    else None,
                    at=parse_time(item.get("created_at")),
                )
            )
        return changes

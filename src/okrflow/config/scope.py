"""The OKR scope in the config: one project (``project:``) or a whole group (``group:``).

In a group scope OKR issues may live in any project of the group and its subgroups;
``projects:`` may name which of them hold OKRs (default: every project of the group
the token can see) and which team each belongs to. A team is one project's: two
projects naming one team is refused, as is a project outside the group.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationInfo, model_validator

from okrflow.config.section import Section
from okrflow.config.values import LabelName, ScopePath
from okrflow.config.yamlfile import invalid

__all__ = ["OkrProject", "check_group", "check_projects"]


class OkrProject(Section):
    """One project of a group scope that holds OKRs."""

    path: ScopePath = Field(description="the project's full path (acme/eng/platform)")
    team: LabelName | None = Field(None, description="the team whose OKRs the project holds")

    @model_validator(mode="before")
    @classmethod
    def _from_path(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"path": data}
        if not isinstance(data, dict):
            raise invalid("expected a project path or a mapping with path and team")
        return data


def inside(path: str, group: str) -> bool:
    """Whether project ``path`` lies in ``group`` or one of its subgroups."""
    return path.casefold().startswith(group.strip("/").casefold() + "/")


def check_group(cls: Any, value: str | None, info: ValidationInfo) -> str | None:
    """A field validator: ``group:`` and ``project:`` are one scope or the other."""
    if value is not None and info.data.get("project"):
        raise invalid(
            "give either project: (one OKR project) or group: (every project of a group), not both",
            show_input=False,
        )
    return value


def check_projects(
    cls: Any, value: tuple[OkrProject, ...], info: ValidationInfo
) -> tuple[OkrProject, ...]:
    """A field validator: projects only in a group scope, each in the group, each once,
    and no team named by two projects."""
    if not value:
        return value
    group = info.data.get("group")
    if not group:
        raise invalid(
            "projects: names the OKR projects of a group: set group: too", show_input=False
        )
    paths: dict[str, str] = {}
    teams: dict[str, str] = {}
    for project in value:
        if not inside(project.path, group):
            raise invalid(f"project {project.path!r} is not in the group {group}", show_input=False)
        if project.path.casefold() in paths:
            raise invalid(f"project {project.path!r} is listed twice", show_input=False)
        paths[project.path.casefold()] = project.path
        if project.team is not None:
            other = teams.get(project.team.casefold())
            if other is not None:
                raise invalid(
                    f"projects {other} and {project.path} both use the team {project.team!r}: "
                    "a team's OKRs live in one project",
                    show_input=False,
                )
            teams[project.team.casefold()] = project.path
    return value

"""Where each OKR of a file lives: in a group scope, the OKR project an entry names
(``project:``), else for an objective the project the config's ``projects:`` gives its
team, for a key result its objective's. A project outside the scope, or an objective
with no project to go to, stops ``apply`` with exit 2 (file and line) before anything
is written. In a project scope every OKR is in the OKR project, and a ``project:``
naming another is a mistake.
"""

from __future__ import annotations

from collections.abc import Mapping

from okrflow.adapter import LoadedIssue, OkrRepository
from okrflow.commands.apply_parents import external_parents
from okrflow.config.okrfile import OkrFile
from okrflow.core.model import KeyResult, Objective
from okrflow.render.display import some

__all__ = ["Placement", "okr_projects"]


def okr_projects(repo: OkrRepository, okr_file: OkrFile) -> dict[str, str | None]:
    """Each OKR key of the file -> its project (None in a project scope: the OKR project)."""
    okrs: list[Objective | KeyResult] = [*okr_file.objectives, *okr_file.key_results()]
    if repo.group_path is None:
        home = repo.project_path
        for okr in okrs:
            if okr.project and okr.project.casefold() != home.casefold():
                raise okr_file.error(
                    okr_file.places[okr.key],
                    f"project {okr.project} is not the OKR project {home}: OKRs in several "
                    "projects need a group scope (group: in the config)",
                )
        return {okr.key: None for okr in okrs}
    projects = repo.okr_projects()
    known = {p.casefold(): p for p in projects}
    listed = some(projects)
    teams = {
        team.casefold(): path
        for path, team in repo.settings.project_teams
        if path.casefold() in known
    }
    placed: dict[str, str | None] = {}
    for objective in okr_file.objectives:
        chosen = objective.project or teams.get((objective.team or "").casefold())
        entries: list[Objective | KeyResult] = [objective, *objective.key_results]
        for okr in entries:
            path = okr.project or chosen
            place = okr_file.places[okr.key]
            if path is None:
                raise okr_file.error(
                    place,
                    f"in the group scope {repo.group_path}, say which OKR project holds "
                    f"{okr.key!r}: project: one of {listed}",
                )
            if path.casefold() not in known:
                raise okr_file.error(
                    place,
                    f"project {path} is not one of the OKR projects of the group "
                    f"{repo.group_path}: give one of {listed}",
                )
            placed[okr.key] = known[path.casefold()]
    return placed


class Placement:
    """What ``apply``'s engine knows of projects: in a group scope, the project each OKR
    of the file goes to and the project each objective is in (GitLab's, or where it is
    created), and how the text of an issue in one project names an objective."""

    def __init__(self, repo: OkrRepository) -> None:
        self.repo = repo
        self.projects: dict[str, str | None] = {}  # OKR key of the file -> its project
        self.homes: dict[str, str | None] = {}  # objective key -> the project it is in
        self.iids: dict[str, int | None] = {}  # objective key -> iid (None: not created yet)

    def note_moved(self, existing: Mapping[str, LoadedIssue], warnings: list[str]) -> None:
        """Record where the file's OKRs in GitLab are; one the file puts in another
        project is said and kept where it is."""
        for key, item in existing.items():
            here = self.repo.project_of(item.record)
            self.homes[key] = here
            wanted = self.projects.get(key)
            if here and wanted and here.casefold() != wanted.casefold():
                warnings.append(
                    f"{item.shown} {key}: the file puts it in {wanted}; okrflow does not move "
                    "issues between projects and keeps it in step where it is"
                )

    def external(self, okr_file: OkrFile, existing: Mapping[str, LoadedIssue]) -> None:
        """Parent keys the file names but does not define: objectives already in GitLab."""
        for key, record in external_parents(self.repo, okr_file, existing).items():
            self.iids[key] = record.iid
            self.homes[key] = self.repo.project_of(record)

    def _here(self, key: str) -> str | None:
        """The project an OKR of the file is in (None: the OKR project of a project scope)."""
        return self.homes.get(key) or self.projects.get(key)

    def _elsewhere(self, key: str, here: str | None) -> str | None:
        """The project of objective ``key`` when it is not ``here`` (None: the same)."""
        home = self.homes.get(key)
        if home is None or here is None or home.casefold() == here.casefold():
            return None
        return home

    def _target(self, key: str, iid: int, here: str | None) -> int | str:
        """The objective ``key`` (issue ``iid``) as the text of an issue in ``here`` names
        it: its number in the same project, its full reference from another."""
        home = self._elsewhere(key, here)
        return iid if home is None else f"{home}#{iid}"

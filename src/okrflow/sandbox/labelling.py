"""Label look-ups shared by the label, issue and board routes.

A project sees its own labels plus the labels of its ancestor groups. Titles are
compared exactly (case-sensitive); missing labels named on an issue write are
created as project labels with the default colour when the caller may do so.
"""

from __future__ import annotations

from okrflow.sandbox.colors import DEFAULT_COLOR
from okrflow.sandbox.state import Label, Project, State


def available_labels(state: State, project: Project) -> list[Label]:
    groups = {g.id for g in state.group_ancestors(project.group_id)}
    return [
        label
        for label in state.labels.values()
        if label.project_id == project.id
        or (label.group_id is not None and label.group_id in groups)
    ]


def group_labels(state: State, group_id: int, *, ancestors: bool) -> list[Label]:
    ids = {g.id for g in state.group_ancestors(group_id)} if ancestors else {group_id}
    return [label for label in state.labels.values() if label.group_id in ids]


def label_by_title(state: State, project: Project, title: str) -> Label | None:
    """The project's own label wins over a group label of the same title."""
    own = None
    inherited = None
    for label in available_labels(state, project):
        if label.name == title:
            if label.project_id == project.id:
                own = label
            elif inherited is None:
                inherited = label
    return own or inherited


def resolve_labels(
    state: State, project: Project, names: list[str], *, create: bool, now: str
) -> list[int]:
    """Label ids for ``names``; missing ones are created if ``create``, else skipped."""
    ids: list[int] = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        label = label_by_title(state, project, name)
        if label is None:
            if not create or "," in name or len(name) > 255:
                continue
            label = Label(
                id=state.next_id("labels"),
                name=name,
                color=DEFAULT_COLOR,
                created_at=now,
                project_id=project.id,
            )
            state.labels[label.id] = label
        if label.id not in ids:
            ids.append(label.id)
    return ids

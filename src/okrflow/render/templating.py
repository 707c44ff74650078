"""The issue templates: one source for the GitLab UI template and for ``okrflow new``.

Rendered with no values, an issue template is the text of the GitLab UI template
(:func:`ui_template_text`, committed by ``okrflow init``); with values, it is the
description ``okrflow new``, ``apply`` and ``carry`` write
(:func:`render_issue_template`). They render in okrflow's one environment
(:mod:`okrflow.render.environment`), so text people type is always data, never
template code, and prints inert.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from okrflow.core.labels import DEFAULT_LABEL_NAMES, LabelNames
from okrflow.errors import ConfigError
from okrflow.render.environment import ISSUE_TEMPLATES, environment, issue_templates_dir
from okrflow.render.escape.markdown import as_text

__all__ = [
    "ISSUE_TEMPLATES",
    "issue_labels",
    "issue_templates_dir",
    "make_environment",
    "render",
    "render_issue_template",
    "ui_template_text",
]


def make_environment(override_dir: Path | str | None = None) -> ImmutableSandboxedEnvironment:
    """The environment issue templates render in; ``override_dir`` templates win."""
    return environment(override_dir)


def _file_name(name: str) -> str:
    return ISSUE_TEMPLATES.get(name, name)


def issue_labels(
    name: str,
    *,
    quarter: str | None = None,
    team: str | None = None,
    label_names: LabelNames = DEFAULT_LABEL_NAMES,
) -> list[str]:
    """The labels an issue filed from template ``name`` gets: type, draft, quarter, team.

    With team names configured, a team that is not one of them gets no label.
    """
    file_name = _file_name(name)
    if file_name == ISSUE_TEMPLATES["retrospective"]:
        labels = [label_names.retrospective]
    elif file_name == ISSUE_TEMPLATES["kr"]:
        labels = [label_names.key_result, label_names.draft]
    else:
        labels = [label_names.objective, label_names.draft]
    if quarter:
        labels.append(as_text(quarter))
    if team and label_names.teams:
        team = label_names.team_of(as_text(team))  # only a configured team is a label
    if team:
        labels.append(as_text(team))
    return labels


def render(template: str, env: ImmutableSandboxedEnvironment | None = None, **values: Any) -> str:
    """Render one template by name; a broken or missing template is a ConfigError."""
    env = env or environment()
    try:
        return env.get_template(template).render(**values)
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"template {exc.name!r} not found") from None
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or template
        raise ConfigError(f"{exc.message}", path=where, line=exc.lineno) from None
    except (jinja2.TemplateError, ValueError) as exc:
        raise ConfigError(f"template {template!r} failed: {exc}") from None


def render_issue_template(
    name: str,
    *,
    label_names: LabelNames = DEFAULT_LABEL_NAMES,
    env: ImmutableSandboxedEnvironment | None = None,
    **fields: Any,
) -> str:
    """The description of a new OKR issue, from template ``name`` ("objective", "kr",
    "retrospective" or a file name) with ``fields`` filled in.

    Objective: title, purpose, owner, team, quarter, key_results (statements),
    parents (references such as ``#12``), kind. Key result: statement, objective
    (a reference), owner, weight. Retrospective: quarter, team, objectives (each
    with title, ref, kind, score, outcome). ``labels`` defaults to
    :func:`issue_labels` for the template, quarter and team. The caller adds the
    metadata block (:func:`okrflow.core.description.with_meta`).
    """
    if "labels" not in fields:
        fields["labels"] = issue_labels(
            name, quarter=fields.get("quarter"), team=fields.get("team"), label_names=label_names
        )
    return render(_file_name(name), env, **fields)


def ui_template_text(
    name: str,
    *,
    label_names: LabelNames = DEFAULT_LABEL_NAMES,
    env: ImmutableSandboxedEnvironment | None = None,
) -> str:
    """The GitLab issue template (``.gitlab/issue_templates/<name>``): blank sections
    with hints, and quick actions that label a filed issue with its type (and draft)."""
    labels: Sequence[str] = issue_labels(name, label_names=label_names)
    return render(_file_name(name), env, labels=list(labels))

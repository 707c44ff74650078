"""What a :class:`~okrflow.commands.workspace.Workspace` is built from: the label names
the config gives, and the connection settings from the config and the options."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from okrflow.adapter import ConnectionSettings, Pacer, budget_of, resolve_connection
from okrflow.config import Config
from okrflow.core.labels import LabelNames

__all__ = ["connect_settings", "label_names", "quarter_pattern"]


def quarter_pattern(label_format: str) -> str:
    """A regex matching quarter labels written in ``label_format`` (and the seeds' forms)."""
    parts = re.split(r"(\{yyyy\}|\{yy\}|\{q\})", label_format)
    pieces = {"{yyyy}": r"\d{4}", "{yy}": r"\d\d", "{q}": "[1-4]"}
    custom = "".join(pieces.get(p, re.escape(p)) for p in parts)
    return rf"(?:FY\d\d-?Q[1-4]|{custom})"


def year_pattern(annual_label_format: str) -> str:
    """A regex matching fiscal-year labels written in ``annual_label_format`` (and
    ``FY27``)."""
    parts = re.split(r"(\{yyyy\}|\{yy\})", annual_label_format)
    pieces = {"{yyyy}": r"\d{4}", "{yy}": r"\d\d"}
    custom = "".join(pieces.get(p, re.escape(p)) for p in parts)
    return rf"(?:FY\d\d|{custom})"


def label_names(config: Config) -> LabelNames:
    labels = config.labels
    return LabelNames(
        objective=labels.type.objective.name,
        key_result=labels.type.key_result.name,
        kpi=labels.type.kpi.name,
        report=labels.type.report.name,
        retrospective=labels.type.retrospective.name,
        carry=labels.type.carry.name,
        draft=labels.lifecycle.draft.name,
        review=labels.lifecycle.review.name,
        active=labels.lifecycle.active.name,
        closed=labels.lifecycle.closed.name,
        on_track=labels.health.on_track.name,
        needs_attention=labels.health.needs_attention.name,
        at_risk=labels.health.at_risk.name,
        green=labels.grade.green.name,
        yellow=labels.grade.yellow.name,
        red=labels.grade.red.name,
        teams=tuple(team.name for team in config.teams),
        quarter_pattern=quarter_pattern(config.fiscal_year.label_format),
        year_pattern=year_pattern(config.fiscal_year.annual_label_format),
    )


def connect_settings(
    config: Config,
    *,
    gitlab_url: str | None,
    project: str | None,
    group: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> ConnectionSettings:
    gitlab = config.gitlab
    return resolve_connection(
        url=gitlab_url,
        project=project,
        config_url=gitlab.url,
        config_project=config.project,
        group=group,
        config_group=config.group,
        okr_projects=tuple(p.path for p in config.projects),
        project_teams=tuple((p.path, p.team) for p in config.projects if p.team),
        token_env=gitlab.token_env,
        python_gitlab_section=gitlab.python_gitlab_config,
        python_gitlab_file=(
            str(gitlab.python_gitlab_config_file) if gitlab.python_gitlab_config_file else None
        ),
        timeout=gitlab.timeout,
        retries=gitlab.retries,
        ssl_verify=gitlab.ssl_verify,
        pacer=Pacer(
            budget_of(
                gitlab.rate_limits,
                requests=gitlab.requests_per_minute,
                notes=gitlab.notes_per_minute,
                issues=gitlab.issues_per_minute,
            ),
            unreachable_after=gitlab.unreachable_after,
        ),
        environ=os.environ if environ is None else environ,
    )

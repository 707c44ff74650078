"""Everything a command needs, built once from the config and the connection options.

A :class:`Workspace` holds the config, the fiscal calendar, the label names, the
scoring policy and lint settings derived from it, an output channel, a clock, and
(lazily) the GitLab connection. Library functions take a workspace and plain
arguments; the CLI builds the workspace and prints what they return.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from okrflow.adapter.connection import ConnectionSettings, resolve_connection
from okrflow.cli.output import Output
from okrflow.config import Config
from okrflow.core.calendar import FiscalCalendar, Quarter
from okrflow.core.labels import LabelNames
from okrflow.core.rules import RuleSettings
from okrflow.core.scoring import ScoringPolicy
from okrflow.errors import UsageError

if TYPE_CHECKING:
    from okrflow.adapter.client import GitLab


NOW_ENVVAR = "OKRFLOW_NOW"


def _utcnow() -> dt.datetime:
    """Now, in UTC; ``OKRFLOW_NOW`` (ISO 8601) pretends it is another time (demos, tests)."""
    pretend = os.environ.get(NOW_ENVVAR)
    if pretend:
        try:
            moment = dt.datetime.fromisoformat(pretend.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(
                f"{NOW_ENVVAR}={pretend!r} is not an ISO 8601 date or time (e.g. 2024-03-01)"
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)


def quarter_pattern(label_format: str) -> str:
    """A regex matching quarter labels written in ``label_format`` (and the seeds' forms)."""
    parts = re.split(r"(\{yyyy\}|\{yy\}|\{q\})", label_format)
    pieces = {"{yyyy}": r"\d{4}", "{yy}": r"\d\d", "{q}": "[1-4]"}
    custom = "".join(pieces.get(p, re.escape(p)) for p in parts)
    return rf"(?:FY\d\d-?Q[1-4]|{custom})"


def label_names(config: Config) -> LabelNames:
    labels = config.labels
    return LabelNames(
        objective=labels.type.objective.name,
        key_result=labels.type.key_result.name,
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
        teams=tuple(team.name for team in config.teams),
        quarter_pattern=quarter_pattern(config.fiscal_year.label_format),
    )


@dataclasses.dataclass
class Workspace:
    config: Config
    connection: ConnectionSettings | None = None
    out: Output = dataclasses.field(default_factory=Output)
    dry_run: bool = False
    now: Callable[[], dt.datetime] = _utcnow
    _gl: GitLab | None = None

    def __post_init__(self) -> None:
        fiscal = self.config.fiscal_year
        self.calendar = FiscalCalendar(
            first_month=fiscal.first_month, naming=fiscal.naming, label_format=fiscal.label_format
        )
        self.labels = label_names(self.config)
        self.policy: ScoringPolicy = self.config.health.to_policy()
        self.rule_settings: RuleSettings = self.config.rules.to_settings()

    @property
    def gl(self) -> GitLab:
        """The GitLab connection, made on first use (python-gitlab is imported only then)."""
        if self._gl is None:
            if self.connection is None:
                raise UsageError("this command needs a GitLab connection")
            from okrflow.adapter.client import GitLab

            self._gl = GitLab(self.connection, dry_run=self.dry_run)
        return self._gl

    def today(self) -> dt.date:
        return self.now().date()

    def quarter(self, label: str | None, *, option: str = "--quarter") -> Quarter:
        """The quarter named by ``label``, or the one today falls in; a label that is no
        quarter is a :class:`UsageError` naming ``option``, where it came from."""
        if not label:
            return self.calendar.quarter_of(self.today())
        try:
            return self.calendar.parse(label)
        except ValueError as exc:
            raise UsageError(f"{option} {label!r}: {exc}") from None

    def quarter_label(self, label: str | None, *, option: str = "--quarter") -> str:
        return self.calendar.label(self.quarter(label, option=option))

    def elapsed(self, quarter: Quarter) -> float:
        return self.calendar.elapsed(quarter, self.today())


def connect_settings(
    config: Config,
    *,
    gitlab_url: str | None,
    project: str | None,
    environ: Mapping[str, str] | None = None,
) -> ConnectionSettings:
    gitlab = config.gitlab
    return resolve_connection(
        url=gitlab_url,
        project=project,
        config_url=gitlab.url,
        config_project=config.project,
        token_env=gitlab.token_env,
        python_gitlab_section=gitlab.python_gitlab_config,
        python_gitlab_file=(
            str(gitlab.python_gitlab_config_file) if gitlab.python_gitlab_config_file else None
        ),
        timeout=gitlab.timeout,
        retries=gitlab.retries,
        ssl_verify=gitlab.ssl_verify,
        environ=os.environ if environ is None else environ,
    )

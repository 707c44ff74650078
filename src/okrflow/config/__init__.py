"""The files a merge request reviews: the okrflow config, and the OKR file of
``okrflow apply`` (:mod:`okrflow.config.okrfile`), both read with line numbers by
:mod:`okrflow.config.yamlfile`. What can run code, read other projects or weigh
heavily comes from these files, never from issue text.

May import: the standard library, pydantic and PyYAML, ``okrflow.core`` and
``okrflow.errors``. Nothing here talks to GitLab.

The okrflow config: ``config/okrflow.yml``, optional, every key with a default.

The schema is declared once, as pydantic models (``extra="forbid"``, strict types, a
description on every key); :func:`load_config` reads and validates a file into a frozen,
typed :class:`Config`. Mistakes are one :class:`~okrflow.errors.ConfigError` line::

    config/okrflow.yml:7: fiscal_year.first_month: must be a month number from 1 to 12, got 13

The file path comes from ``--config`` / ``OKRFLOW_CONFIG`` (explicit: it must exist) or
is :data:`DEFAULT_CONFIG_PATH` (absent: the defaults apply). The GitLab token is never
stored here, only the name of the environment variable that holds it.
:func:`iter_config_reference` lists every key for the README.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from okrflow.config.model import (
    CheckinReminders,
    Config,
    FiscalYearSettings,
    GitLabSettings,
    HealthLabels,
    HealthSettings,
    Label,
    Labels,
    LabelStyle,
    LifecycleLabels,
    LifecycleSettings,
    MetricsSettings,
    ReportSettings,
    RulesSettings,
    Schedule,
    Step,
    Team,
    TypeLabels,
)
from okrflow.config.values import COLOUR_NAMES
from okrflow.config.yamlfile import ReferenceEntry, iter_model_reference, load_validated

__all__ = [
    "COLOUR_NAMES",
    "DEFAULT_CONFIG_PATH",
    "CheckinReminders",
    "Config",
    "FiscalYearSettings",
    "GitLabSettings",
    "HealthLabels",
    "HealthSettings",
    "Label",
    "LabelStyle",
    "Labels",
    "LifecycleLabels",
    "LifecycleSettings",
    "MetricsSettings",
    "ReportSettings",
    "RulesSettings",
    "Schedule",
    "Step",
    "Team",
    "TypeLabels",
    "iter_config_reference",
    "load_config",
]

DEFAULT_CONFIG_PATH = "config/okrflow.yml"


def load_config(path: str | Path | None, *, explicit: bool) -> Config:
    """Read and validate the config file.

    ``path`` None means :data:`DEFAULT_CONFIG_PATH`. When the file is absent, an
    ``explicit`` path (``--config``, ``OKRFLOW_CONFIG``) is a :class:`UsageError`,
    otherwise the defaults apply. An empty file is the defaults.
    """
    if path is None:
        path, explicit = DEFAULT_CONFIG_PATH, False
    if not explicit and not Path(path).exists():
        return Config.default()
    config, _ = load_validated(path, Config, what="config file")
    return config


def iter_config_reference() -> Iterator[ReferenceEntry]:
    """Every config key: (key path, type, default, description), for the docs."""
    return iter_model_reference(Config)

"""Where okrflow connects: flags, environment, config file, or a python-gitlab section.

Precedence, first found wins:

- URL: ``--gitlab-url``, ``GITLAB_URL``, the config's ``gitlab.url``, ``CI_SERVER_URL``.
- Token: the variable named by ``gitlab.token_env`` (default ``GITLAB_TOKEN``), then
  ``CI_JOB_TOKEN`` (read-only: GitLab refuses it for issue, label and board writes,
  and okrflow says so before trying).
- Project: ``--project``, ``OKRFLOW_PROJECT``, the config's ``project``, ``CI_PROJECT_PATH``.
- Or a group: ``--group``, ``OKRFLOW_GROUP``, the config's ``group`` (OKRs in any project of
  the group and its subgroups, or in the config's ``projects``). A group and a project
  given together are bad usage; ``CI_PROJECT_PATH`` does not count against a group.
- A python-gitlab config section (``gitlab.python_gitlab_config``) supplies URL and
  token instead.

This module does not import python-gitlab.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import urllib.parse
from collections.abc import Mapping

from okrflow.adapter.pace import Pacer
from okrflow.errors import UsageError
from okrflow.redaction import register_secret


@dataclasses.dataclass(frozen=True)
class ConnectionSettings:
    url: str | None
    token: str | None = dataclasses.field(default=None, repr=False)
    token_kind: str = "private"  # private | job | none
    project: str | None = None
    group: str | None = None  # a group scope: OKRs in any project of the group
    okr_projects: tuple[str, ...] = ()  # in a group scope, the projects holding OKRs
    project_teams: tuple[tuple[str, str], ...] = ()  # (project, team) the config names
    python_gitlab_section: str | None = None
    python_gitlab_files: tuple[str, ...] = ()
    timeout: float = 30.0
    retries: int = 8
    ssl_verify: bool = True
    token_env: str = "GITLAB_TOKEN"  # the variable the token is read from
    # paces every request of this connection, its threads and forks (one, shared)
    pacer: Pacer = dataclasses.field(default_factory=Pacer, compare=False, repr=False)

    @property
    def scope(self) -> str:
        """The OKR scope's path: the group, else the project."""
        return self.group or self.project or ""

    @property
    def read_only(self) -> bool:
        return self.token_kind != "private"


def resolve_connection(
    *,
    url: str | None = None,
    project: str | None = None,
    config_url: str | None = None,
    config_project: str | None = None,
    group: str | None = None,
    config_group: str | None = None,
    okr_projects: tuple[str, ...] = (),
    project_teams: tuple[tuple[str, str], ...] = (),
    token_env: str = "GITLAB_TOKEN",
    python_gitlab_section: str | None = None,
    python_gitlab_file: str | None = None,
    timeout: float = 30.0,
    retries: int = 8,
    ssl_verify: bool = True,
    pacer: Pacer | None = None,
    environ: Mapping[str, str],
) -> ConnectionSettings:
    resolved_group, resolved_project = _scope(
        group=group,
        config_group=config_group,
        project=project,
        config_project=config_project,
        environ=environ,
    )
    common = {
        "project": resolved_project,
        "group": resolved_group,
        "okr_projects": okr_projects if resolved_group else (),
        "project_teams": project_teams if resolved_group else (),
        "token_env": token_env,
        "timeout": timeout,
        "retries": retries,
        "ssl_verify": ssl_verify,
        "pacer": pacer or Pacer(),
    }
    if python_gitlab_section and not (url or environ.get("GITLAB_URL")):
        files = (python_gitlab_file,) if python_gitlab_file else ()
        return ConnectionSettings(
            url=None,
            python_gitlab_section=python_gitlab_section,
            python_gitlab_files=files,
            **common,  # type: ignore[arg-type]
        )
    resolved_url = url or environ.get("GITLAB_URL") or config_url or environ.get("CI_SERVER_URL")
    if not resolved_url:
        raise UsageError(
            "no GitLab URL: pass --gitlab-url, set GITLAB_URL, or set gitlab.url in the config "
            "(try 'okrflow sandbox' for a local GitLab emulator)"
        )
    token = environ.get(token_env)
    kind = "private"
    if not token and environ.get("CI_JOB_TOKEN"):
        token, kind = environ["CI_JOB_TOKEN"], "job"
    if not token:
        kind = "none"
    register_secret(token)  # before anything is said about the URL
    check_url(
        resolved_url,
        "--gitlab-url / GITLAB_URL"
        if url or environ.get("GITLAB_URL")
        else "gitlab.url in the config"
        if config_url
        else "CI_SERVER_URL",
    )
    return ConnectionSettings(
        url=resolved_url.rstrip("/"),
        token=token,
        token_kind=kind,
        **common,  # type: ignore[arg-type]
    )


def _scope(
    *,
    group: str | None,
    config_group: str | None,
    project: str | None,
    config_project: str | None,
    environ: Mapping[str, str],
) -> tuple[str | None, str | None]:
    """(group, project): one of them, each from the first place that gives it."""
    groups = [
        (name, value.strip().strip("/"))
        for name, value in (
            ("--group", group),
            ("OKRFLOW_GROUP", environ.get("OKRFLOW_GROUP")),
            ("group: in the config", config_group),
        )
        if value and value.strip().strip("/")
    ]
    projects = [
        (name, value)
        for name, value in (
            ("--project", project),
            ("OKRFLOW_PROJECT", environ.get("OKRFLOW_PROJECT")),
            ("project: in the config", config_project),
        )
        if value
    ]
    if groups and projects:
        raise UsageError(
            f"both a group ({groups[0][0]}) and a project ({projects[0][0]}) name the OKR "
            "scope: give one of them"
        )
    if groups:
        return groups[0][1], None
    return None, projects[0][1] if projects else environ.get("CI_PROJECT_PATH") or None


_SECRET_PARAMS = ("private_token", "job_token", "access_token", "token")


_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


def check_url(url: str, source: str) -> None:
    """A GitLab URL is http(s)://host[:port][/path], without white space. A value that is
    not one is never echoed (it may be a token put in the wrong variable); credentials
    in it are refused (the token belongs in GITLAB_TOKEN)."""
    invalid = UsageError(
        f"the GitLab URL ({source}) is not an http(s) URL (its value is not shown, in case it "
        "is a secret): write it like https://gitlab.example.com"
    )
    text = url.strip()
    if not text or any(c.isspace() or not c.isprintable() for c in text):
        raise invalid
    try:
        parts = urllib.parse.urlsplit(text)
        params = {name.lower() for name, _ in urllib.parse.parse_qsl(parts.query, True)}
        has_credentials = bool(parts.username or parts.password or params & set(_SECRET_PARAMS))
        host, _ = parts.hostname, parts.port
    except ValueError:  # e.g. a port that is not a number
        raise invalid from None
    if has_credentials:
        raise UsageError(
            f"the GitLab URL ({source}) must not contain a user name or token: give the plain URL "
            "(https://gitlab.example.com) and put the token in GITLAB_TOKEN"
        )
    if parts.scheme not in ("http", "https") or not host or not _valid_host(host):
        raise invalid


def _valid_host(host: str) -> bool:
    if _HOST.fullmatch(host):
        return True
    try:
        return ipaddress.ip_address(host).version == 6
    except ValueError:
        return False


def require_project(settings: ConnectionSettings) -> str:
    if not settings.project:
        raise UsageError(
            "no OKR project: pass --project group/project, set OKRFLOW_PROJECT, "
            "or set project: in the config"
        )
    return settings.project

"""The ``gitlab:`` section of the config: where to connect, and how fast to go."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from okrflow.config.section import Section
from okrflow.config.values import (
    TOKEN_KEYS,
    Username,
    check_env_name,
    check_gitlab_url,
    to_tuple,
    unique,
)

__all__ = ["GitLabSettings", "RatePreset"]

#: GitLab's documented limits, by name (see :data:`okrflow.adapter.pace.PRESETS`)
RatePreset = Literal["gitlab-com", "gitlab-com-free-proposed", "self-managed", "none"]


class GitLabSettings(Section):
    forbidden_keys = TOKEN_KEYS

    url: Annotated[str | None, AfterValidator(check_gitlab_url)] = Field(
        None,
        description="GitLab URL, such as https://gitlab.example.com; --gitlab-url and "
        "GITLAB_URL win over it, CI_SERVER_URL is used when none is set",
    )
    token_env: Annotated[str, AfterValidator(check_env_name)] = Field(
        "GITLAB_TOKEN",
        description="name of the environment variable holding the GitLab token (a project "
        "or personal access token); the token itself is never written in this file",
    )
    python_gitlab_config: str | None = Field(
        None,
        description="section of a python-gitlab config file to take URL and token from, "
        "instead of url and token_env",
    )
    python_gitlab_config_file: Path | None = Field(
        None,
        strict=False,
        description="python-gitlab config file to read; default: python-gitlab's own search "
        "(~/.python-gitlab.cfg, /etc/python-gitlab.cfg)",
    )
    timeout: float = Field(30.0, gt=0, le=600, description="seconds to wait for one request")
    retries: int = Field(
        8,
        ge=0,
        le=20,
        description="retries of a request answered 429 (after its Retry-After) or 5xx, or whose "
        "connection dropped, with backoff (0.25 s doubling up to 10 s: 8 retries wait ~36 s)",
    )
    ssl_verify: bool = Field(True, description="verify the server's TLS certificate")
    unreachable_after: float = Field(
        6.0,
        ge=0,
        le=600,
        description="seconds of retries after a refused connection or an unknown host before "
        "giving up",
    )
    rate_limits: RatePreset = Field(
        "gitlab-com",
        description="GitLab's documented per-minute limits okrflow paces itself by: gitlab-com "
        "(2,000 requests, 60 notes, 200 issues), gitlab-com-free-proposed (83 requests, 60 "
        "notes, 200 issues), self-managed (no request budget, 300 notes), none",
    )
    requests_per_minute: int | None = Field(
        None,
        ge=1,
        le=1_000_000,
        description="requests a minute okrflow allows itself (default: rate_limits' value); "
        "GitLab's RateLimit-* headers slow it further when they say so",
    )
    notes_per_minute: int | None = Field(
        None, ge=1, le=100_000, description="comments created a minute (default: rate_limits')"
    )
    issues_per_minute: int | None = Field(
        None, ge=1, le=100_000, description="issues created a minute (default: rate_limits')"
    )
    bot_users: Annotated[tuple[Username, ...], BeforeValidator(to_tuple)] = Field(
        (),
        description="GitLab users whose issues and comments okrflow also takes as its own "
        "records, besides the token's user (a bot, or the user of an earlier token)",
    )
    lease_wait: float = Field(
        300.0,
        ge=0,
        le=3600,
        description="seconds a command that creates (apply, new, schedule ...) waits for "
        "another okrflow run's lease on the project before it gives up",
    )
    lease_ttl: float = Field(
        600.0,
        ge=30,
        le=86400,
        description="seconds a lease lasts unless its run renews it (it does while it "
        "writes); a run killed half way is taken over once its lease is this old",
    )

    _unique_bots = field_validator("bot_users")(unique("user"))

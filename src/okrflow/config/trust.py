"""What issue text may make okrflow do: the settings a merge request reviews.

A key result's metadata may name a command source, a query of another project, a
weight; who may check in is a policy. None of it is trusted from the issue: the config
declares the commands (``metrics.commands``), the projects and groups sources may read
(``metrics.allowed_scopes``) and whose check-ins count (``checkins.from``); see
:mod:`okrflow.core.authority` and the README's Security model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar, Literal

from pydantic import BeforeValidator, ConfigDict, Field, field_validator

from okrflow.config.section import Section
from okrflow.config.values import Argv, CommandName, ScopePath, to_tuple, unique

__all__ = ["CheckinSettings", "MetricsSettings"]


class MetricsSettings(Section):
    forbidden_keys: ClassVar[Mapping[str, str]] = {
        "allow_commands": "metrics.allow_commands is gone: name each command under "
        "metrics.commands (name: [program, arguments ...]), let key results name it "
        "(source: {command: name}), and run 'okrflow measure' in a job without the token"
    }

    commands: dict[CommandName, Argv] = Field(
        default_factory=dict,
        description="commands that print a key result's value, by name: [program, "
        "arguments ...], run by okrflow measure, never where the token is; a key result "
        "names one (source: {command: name})",
    )
    command_timeout: float = Field(
        60.0, gt=0, le=600, description="seconds one command may take (okrflow measure)"
    )
    allowed_scopes: Annotated[tuple[ScopePath, ...], BeforeValidator(to_tuple)] = Field(
        (),
        description="projects and groups (paths; a group with its subgroups and projects) "
        "that query and initiatives sources may read besides the OKR project",
    )

    _unique_scopes = field_validator("allowed_scopes")(unique("scope", str.lower))


class CheckinSettings(Section):
    # "from" is the key in the file; the name also reads (a dump validates again)
    model_config = ConfigDict(**Section.model_config, populate_by_name=True)

    sources: Literal["members", "owners", "anyone"] = Field(
        "members",
        alias="from",
        description="whose check-in comments count: members (of the project, Reporter or "
        "more, inherited included), owners (the key result's owner and assignees and its "
        "objective's owner) or anyone; okrflow's own always count",
    )

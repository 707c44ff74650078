"""The OKR file's schema: pydantic models (``extra="forbid"``, strict types).

Validated through :func:`okrflow.config.yamlfile.load_validated`, so every mistake is one line
with file, line and key path, and an unknown key gets a did-you-mean.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
)

from okrflow.config.values import LabelName, ScopePath, Username
from okrflow.config.yamlfile import invalid

__all__ = [
    "KEY_PATTERN",
    "InitiativesSpec",
    "KeyResultSpec",
    "KpiSpec",
    "ObjectiveSpec",
    "OkrFileSpec",
    "QuerySpec",
    "SourceSpec",
]

KEY_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._@\-]*"  # "@": the key of a carried OKR (x@FY24-Q2)
_IID_KEY = re.compile(r"iid-\d+")


def _check_key(value: str) -> str:
    if not re.fullmatch(KEY_PATTERN, value) or len(value) > 100:
        raise invalid(
            "a key is up to 100 letters, digits, '-', '_', '.' or '@', starting with a letter "
            "or digit"
        )
    if _IID_KEY.fullmatch(value):
        raise invalid("keys of the form iid-<n> are reserved for issues okrflow has no key for")
    return value


def _number_or_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise invalid("must be a finite number, not .nan or .inf")
        return value
    raise invalid("must be a number (15000) or a number as text ('15k', '35%', '$2M')")


def _one_or_many(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    if value is None or isinstance(value, list):
        return value
    raise invalid("must be an objective key or a list of keys")


def _source_choice(value: Any) -> Any:
    if isinstance(value, str) and value not in ("manual", "initiatives"):
        raise invalid(
            "must be manual, initiatives, or a mapping with initiatives:, query: or command: "
            "below it"
        )
    return value


def _kpi_source_choice(value: Any) -> Any:
    if isinstance(value, str) and value != "manual":
        raise invalid("must be manual (weekly check-ins), or a mapping with query: or command:")
    return value


def _source_form(value: Any) -> str:
    return "mapping" if isinstance(value, (dict, SourceSpec)) else "name"


Key = Annotated[str, AfterValidator(_check_key)]
Title = Annotated[str, Field(min_length=1, max_length=255)]
Value = Annotated[float | str | None, BeforeValidator(_number_or_text)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    #: keys refused with their own message (see okrflow.config.yamlfile)
    forbidden_keys: ClassVar[Mapping[str, str]] = {}


class QuerySpec(_Spec):
    """A GitLab issue query over a rolling window: the KR's value is what it measures."""

    labels: list[str] = Field(default_factory=list, description="issues with all these labels")
    state: Literal["opened", "closed", "all"] = Field("all", description="issue state")
    window_days: int = Field(30, ge=1, le=3660, description="days back from the rollup")
    measure: Literal["count", "share", "median_days_to_close"] = Field(
        "count", description="what is measured of the issues found"
    )
    project: ScopePath | None = Field(
        None,
        description="the project whose issues it lists (default: the OKR project, or in a "
        "group scope the group); inside the scope or metrics.allowed_scopes",
    )
    group: ScopePath | None = Field(
        None,
        description="a group whose issues it lists, with its subgroups (not with project:)",
    )


def _command_name(value: Any) -> Any:
    if isinstance(value, dict):
        raise invalid(
            "a command source names a command of the config's metrics.commands: write "
            "command: <name>, and the command line in the config (metrics.commands: "
            "{<name>: [program, arguments ...]})",
            show_input=False,
        )
    return value


CommandName = Annotated[str, BeforeValidator(_command_name), Field(min_length=1, max_length=64)]


class InitiativesSpec(_Spec):
    """The issues linked to the KR: how many are closed, or which share."""

    measure: Literal["share", "count"] | None = Field(
        None,
        description="share: closed / all; count: how many are closed (default: count when "
        "the KR counts things, 'Publish 4 guides', else share)",
    )


class SourceSpec(_Spec):
    initiatives: InitiativesSpec | None = None
    query: QuerySpec | None = None
    command: CommandName | None = Field(
        None, description="the name of a command of the config's metrics.commands"
    )


class KeyResultSpec(_Spec):
    forbidden_keys = {"statement": "write the key result's statement as title:"}

    key: Key = Field(description="stable key, unique within the objective")
    title: Title = Field(description="the statement, e.g. 'Improve developer NPS from 25 to 35'")
    owner: Username | None = Field(None, description="GitLab username; default the objective's")
    project: ScopePath | None = Field(
        None, description="in a group scope, the OKR project it lives in (default: its objective's)"
    )
    weight: float | None = Field(None, gt=0, le=1000, description="weight in its objective")
    also: Annotated[list[Key] | None, BeforeValidator(_one_or_many)] = Field(
        None,
        description="key(s) of further objectives it counts for (in the file or in GitLab): "
        "one issue, counted once in each",
    )
    start: Value = Field(None, description="start value (overrides the statement)")
    target: Value = Field(None, description="target value (overrides the statement)")
    unit: str | None = Field(None, max_length=20, description="unit: '%', '$', 'h', 'pts' ...")
    direction: Literal["increase", "decrease"] | None = Field(None, description="better is ...")
    source: Annotated[
        Annotated[Literal["manual", "initiatives"], Tag("name")]
        | Annotated[SourceSpec, Tag("mapping")],
        Discriminator(_source_form),
        BeforeValidator(_source_choice),
    ] = Field("manual", description="where the current value comes from")


class KpiSpec(_Spec):
    forbidden_keys = {"statement": "write the KPI's measure as title:"}

    key: Key = Field(description="stable key, unique among the KPIs")
    title: Title = Field(
        description="the measure and its healthy range, e.g. 'Average first response under 4 hours'"
    )
    owner: Username | None = Field(None, description="GitLab username of its owner")
    team: LabelName | None = Field(None, description="team label")
    low: Value = Field(None, description="healthy from this value up (overrides the title)")
    high: Value = Field(None, description="healthy up to this value (overrides the title)")
    unit: str | None = Field(None, max_length=20, description="unit of low and high: '%', 'h' ...")
    source: Annotated[
        Annotated[Literal["manual"], Tag("name")] | Annotated[SourceSpec, Tag("mapping")],
        Discriminator(_source_form),
        BeforeValidator(_kpi_source_choice),
    ] = Field("manual", description="where its values come from (default: weekly check-ins)")


class ObjectiveSpec(_Spec):
    forbidden_keys = {"parents": "write parent: (one key, or a list of keys)"}

    key: Key = Field(description="stable key: re-runs match on it, so a new title is an update")
    title: Title
    team: LabelName | None = Field(None, description="team label")
    project: ScopePath | None = Field(
        None,
        description="in a group scope, the OKR project it lives in (default: the project "
        "the config's projects: gives its team)",
    )
    owner: Username | None = Field(None, description="GitLab username of the DRI")
    purpose: str = Field("", description="why it matters")
    kind: Literal["committed", "aspirational"] = "committed"
    parent: Annotated[list[Key] | None, BeforeValidator(_one_or_many)] = Field(
        None, description="key(s) of the objective(s) this one serves"
    )
    weight: float = Field(1.0, gt=0, le=1000, description="weight in its parent objectives")
    level: Literal["company", "department", "team"] = "team"
    period: Literal["quarter", "year"] = Field(
        "quarter",
        description="year: an annual objective of the file's fiscal year (labelled FY27, no "
        "key results of its own; the quarter's objectives align under it with parent:)",
    )
    kpis: Annotated[list[Key] | None, BeforeValidator(_one_or_many)] = Field(
        None, description="key(s) of the KPIs this objective protects"
    )
    key_results: list[KeyResultSpec] = Field(default_factory=list)


class OkrFileSpec(_Spec):
    """The whole file: a quarter, its objectives, and the KPIs the teams watch."""

    quarter: str = Field(min_length=1, description="fiscal quarter, e.g. FY22-Q2")
    objectives: list[ObjectiveSpec] = Field(default_factory=list)
    kpis: list[KpiSpec] = Field(default_factory=list)

"""The okrflow config schema: one frozen pydantic model per section, every key described."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from okrflow.config.values import (
    TOKEN_KEYS,
    Colour,
    Fraction,
    LabelName,
    RuleId,
    Weeks,
    check_env_name,
    check_gitlab_url,
    check_label_format,
    check_month,
    check_project,
    not_above,
    not_below,
    to_tuple,
    unique,
)
from okrflow.config.yamlfile import TypeName, invalid

if TYPE_CHECKING:
    from okrflow.core.rules import RuleSettings
    from okrflow.core.scoring import ScoringPolicy

__all__ = [
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
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    #: keys refused with their own message (never echoing the value)
    forbidden_keys: ClassVar[Mapping[str, str]] = {}

    @model_validator(mode="before")
    @classmethod
    def _fill_in_defaults(cls, data: Any) -> Any:
        """A partly written sub-section keeps the defaults of the keys it leaves out; an
        empty one (``gitlab:`` with nothing below) is all defaults."""
        if not isinstance(data, dict):
            return data
        merged = dict(data)
        for name, field in cls.model_fields.items():
            default, value = field.default, data.get(name)
            if isinstance(default, BaseModel) and isinstance(value, dict):
                merged[name] = {**default.model_dump(), **value}
            elif value is None and name in data and isinstance(default, (BaseModel, tuple)):
                del merged[name]  # "teams:" with everything below commented out
        return merged


class GitLabSettings(_Section):
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
        description="retries of a request answered 429 or 5xx, with backoff (Retry-After honoured)",
    )
    ssl_verify: bool = Field(True, description="verify the server's TLS certificate")


class FiscalYearSettings(_Section):
    first_month: Annotated[int, AfterValidator(check_month)] = Field(
        1,
        description="month the fiscal year starts in, 1 (January) to 12; with 2, FY22 runs "
        "from 2021-02-01 to 2022-01-31",
    )
    naming: Literal["end", "start"] = Field(
        "end",
        description="name a fiscal year after the calendar year it ends in (end) or starts "
        "in (start)",
    )
    label_format: Annotated[str, AfterValidator(check_label_format)] = Field(
        "FY{yy}-Q{q}",
        description="quarter label: {yy} two-digit fiscal year, {yyyy} four digits, {q} the "
        "quarter 1 to 4",
    )


class Label(_Section):
    name: LabelName = Field(description="label name in GitLab")
    color: Colour = Field(description="label colour, '#RRGGBB' or a CSS colour name")
    description: str = Field("", description="label description shown in GitLab")


class LabelStyle(_Section):
    color: Colour = Field(description="colour of these labels, '#RRGGBB' or a CSS colour name")
    description: str = Field("", description="description given to these labels in GitLab")


def _label(name: str, color: str, description: str) -> Any:
    return Field(
        Label(name=name, color=color, description=description),
        description=f"the {name!r} label: name, color, description",
    )


class TypeLabels(_Section):
    objective: Label = _label("okr::objective", "#1f75cb", "OKR: an objective")
    key_result: Label = _label("okr::key result", "#6699cc", "OKR: a key result")
    report: Label = _label("okr::report", "#5843ad", "OKR report written by okrflow")
    retrospective: Label = _label("okr::retrospective", "#8fbc8f", "OKR retrospective notes")
    carry: Label = _label(
        "okr::carry", "#fc9403", "OKR: carry over into the next quarter on its first day"
    )


class LifecycleLabels(_Section):
    draft: Label = _label("okr-status::draft", "#bfbfbf", "OKR lifecycle: In Draft")
    review: Label = _label("okr-status::review", "#e9be74", "OKR lifecycle: Under Review")
    active: Label = _label("okr-status::active", "#108548", "OKR lifecycle: Active")
    closed: Label = _label("okr-status::closed", "#737278", "OKR lifecycle: Closed")


class HealthLabels(_Section):
    on_track: Label = _label("okr-health::on track", "#108548", "OKR health: on track")
    needs_attention: Label = _label(
        "okr-health::needs attention", "#c17d10", "OKR health: needs attention"
    )
    at_risk: Label = _label("okr-health::at risk", "#dd2b0e", "OKR health: at risk")


class GradeLabels(_Section):
    green: Label = _label("okr-grade::green", "#108548", "OKR closed with a green grade")
    yellow: Label = _label("okr-grade::yellow", "#c17d10", "OKR closed with a yellow grade")
    red: Label = _label("okr-grade::red", "#dd2b0e", "OKR closed with a red grade")


class Labels(_Section):
    type: TypeLabels = Field(TypeLabels(), description="labels saying what an issue is")
    lifecycle: LifecycleLabels = Field(
        LifecycleLabels(), description="lifecycle labels; okrflow keeps exactly one on an OKR"
    )
    health: HealthLabels = Field(HealthLabels(), description="health labels set by rollup")
    grade: GradeLabels = Field(
        GradeLabels(), description="grade labels a closed OKR carries instead of a health label"
    )
    quarter: LabelStyle = Field(
        LabelStyle(color="#330066", description="OKR quarter"),
        description="style of the quarter labels (FY24-Q1)",
    )
    team: LabelStyle = Field(
        LabelStyle(color="#009966", description="OKR team"),
        description="style of the team labels (teams may set their own colour)",
    )

    def managed(self) -> tuple[Label, ...]:
        """Every fixed label okrflow creates, in a stable order."""
        groups: tuple[BaseModel, ...] = (self.type, self.lifecycle, self.health, self.grade)
        return tuple(
            label
            for group in groups
            for name in type(group).model_fields
            if isinstance(label := getattr(group, name), Label)
        )

    @model_validator(mode="after")
    def _names_unique(self) -> Labels:
        seen: set[str] = set()
        for label in self.managed():
            if label.name in seen:
                raise invalid(f"label name {label.name!r} is used twice", show_input=False)
            seen.add(label.name)
        return self


class Team(_Section):
    name: LabelName = Field(description="team name, also its GitLab label")
    color: Colour | None = Field(None, description="label colour; default: labels.team.color")
    description: str = Field("", description="label description; default: labels.team's")

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"name": data}
        if isinstance(data, (bool, int, float)) or data is None:
            raise invalid("expected a team name (quote it to keep it as text) or a mapping")
        return data


class LifecycleSettings(_Section):
    board: str = Field(
        "OKRs",
        min_length=1,
        description="issue board showing the lifecycle, one list per lifecycle label",
    )
    on_bypass: Literal["report", "revert"] = Field(
        "report",
        description="a lifecycle label a person changed past okrflow move's checks (a board "
        "drag): report it on the issue, or also move it back",
    )


class Step(_Section):
    enabled: bool = Field(True, description="whether okrflow schedule does this step")
    weeks_before: Weeks = Field(description="weeks before the quarter starts")


def _step(weeks: int, what: str) -> Any:
    return Field(Step(weeks_before=weeks), description=what)


class CheckinReminders(_Section):
    enabled: bool = Field(True, description="remind owners of key results without a check-in")
    after_days: int = Field(7, ge=1, le=92, description="days without a check-in before a reminder")
    group_by: Literal["owner", "team"] = Field(
        "owner", description="one reminder per owner, or one per team"
    )


class Schedule(_Section):
    drafting: Step = _step(4, "drafting of next quarter's OKRs starts")
    review: Step = _step(2, "drafts go to review")
    closing: Step = _step(1, "closing ceremony and report of the ending quarter")
    activate: Step = _step(0, "approved OKRs become active")
    checkin_reminders: CheckinReminders = Field(
        CheckinReminders(), description="weekly check-in reminders during the quarter"
    )

    @field_validator("review", "activate")
    @classmethod
    def _in_order(cls, step: Step, info: ValidationInfo) -> Step:
        earlier = ("drafting",) if info.field_name == "review" else ("review", "closing")
        for name in earlier:
            other = info.data.get(name)
            if isinstance(other, Step) and step.weeks_before > other.weeks_before:
                raise invalid(
                    f"weeks_before ({step.weeks_before}) must not be more than "
                    f"{name}.weeks_before ({other.weeks_before}): {name} comes first",
                    show_input=False,
                )
        return step


class HealthSettings(_Section):
    grace_elapsed: Fraction = Field(
        0.1, description="share of the quarter during which every key result is on track"
    )
    on_track_pace: Fraction = Field(
        0.8, description="on track when progress >= elapsed share of the quarter x this"
    )
    needs_attention_pace: Fraction = Field(
        0.5, description="needs attention when progress >= elapsed x this; at risk below"
    )
    attention_confidence: Fraction = Field(
        0.5, description="a latest confidence below this makes it at least needs attention"
    )
    risk_confidence: Fraction = Field(
        0.3, description="a latest confidence below this makes it at risk"
    )
    objective_health: Literal["pace", "weakest"] = Field(
        "pace",
        description="an objective's health: by its own pace, or the weakest of its children",
    )
    green_from: Fraction = Field(0.7, description="closing score from which the grade is green")
    yellow_from: Fraction = Field(0.4, description="closing score from which it is yellow")
    aspirational_success: Fraction = Field(
        0.7, description="score at which an aspirational objective counts as met"
    )
    committed_success: Fraction = Field(
        1.0, description="score at which a committed objective counts as met"
    )

    _ordered = field_validator("needs_attention_pace", "risk_confidence", "yellow_from")(
        not_above(
            {
                "needs_attention_pace": "on_track_pace",
                "risk_confidence": "attention_confidence",
                "yellow_from": "green_from",
            }
        )
    )

    def to_policy(self) -> ScoringPolicy:
        from okrflow.core.scoring import ScoringPolicy

        return ScoringPolicy(**self.model_dump())


class RulesSettings(_Section):
    disabled: Annotated[tuple[RuleId, ...], BeforeValidator(to_tuple)] = Field(
        (), description="ids of lint rules that do not run"
    )
    severity: dict[RuleId, Literal["error", "warning"]] = Field(
        default_factory=dict,
        description="rule id -> error or warning, replacing the rule's own severity",
    )
    min_krs: int = Field(3, ge=1, le=20, description="fewest key results an objective has")
    max_krs: int = Field(5, ge=1, le=20, description="most key results an objective has")

    _range = field_validator("max_krs")(not_below({"max_krs": "min_krs"}))

    def to_settings(self) -> RuleSettings:
        from okrflow.core.rules import RuleSettings

        return RuleSettings(disabled=self.disabled, severities=dict(self.severity))


class MetricsSettings(_Section):
    allow_commands: bool = Field(
        False,
        description="let key results read their value from a shell command; off unless set "
        "here, on the machine that runs okrflow",
    )


class ReportSettings(_Section):
    templates_dir: Path | None = Field(
        None, strict=False, description="directory of Jinja templates overriding the built-in"
    )
    formats: Annotated[tuple[Literal["md", "html", "json"], ...], BeforeValidator(to_tuple)] = (
        Field(("md", "html", "json"), min_length=1, description="report formats written")
    )
    output_dir: Path = Field(
        Path("okrflow-report"), strict=False, description="directory the reports are written to"
    )
    post: bool = Field(False, description="also post the report as an issue labelled okr::report")
    stale_checkin_days: int = Field(
        14, ge=1, le=366, description="a latest check-in older than this is flagged stale"
    )

    _unique_formats = field_validator("formats")(unique("format"))


class Config(_Section):
    """The okrflow config. Every key has a default; :meth:`default` is the config
    okrflow uses when there is no file."""

    forbidden_keys = TOKEN_KEYS

    gitlab: GitLabSettings = Field(GitLabSettings(), description="connection to GitLab")
    project: Annotated[str | None, BeforeValidator(check_project)] = Field(
        None,
        description="OKR project path (group/project) or id; --project and OKRFLOW_PROJECT "
        "win over it, CI_PROJECT_PATH is used when none is set",
    )
    fiscal_year: FiscalYearSettings = Field(
        FiscalYearSettings(), description="fiscal calendar and quarter labels"
    )
    labels: Labels = Field(Labels(), description="the labels okrflow manages")
    teams: Annotated[tuple[Team, ...], BeforeValidator(to_tuple), TypeName("list of teams")] = (
        Field((), description="teams, each a name or a mapping with name, color, description")
    )
    lifecycle: LifecycleSettings = Field(LifecycleSettings(), description="lifecycle board")
    schedule: Schedule = Field(Schedule(), description="the OKR schedule (okrflow schedule)")
    health: HealthSettings = Field(HealthSettings(), description="how health and scores are judged")
    rules: RulesSettings = Field(RulesSettings(), description="lint rules")
    metrics: MetricsSettings = Field(MetricsSettings(), description="metric sources")
    report: ReportSettings = Field(ReportSettings(), description="reports")

    _teams_unique = field_validator("teams")(unique("team", lambda team: team.name))

    @classmethod
    def default(cls) -> Config:
        return cls()

    def team_color(self, team: Team) -> str:
        return team.color or self.labels.team.color

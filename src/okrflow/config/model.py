"""The okrflow config schema: one frozen pydantic model per section, every key described."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from okrflow.config.gitlab import GitLabSettings
from okrflow.config.scope import OkrProject, check_group, check_projects
from okrflow.config.section import Section
from okrflow.config.trust import CheckinSettings, MetricsSettings
from okrflow.config.values import (
    TOKEN_KEYS,
    Colour,
    Fraction,
    LabelName,
    RuleId,
    Weeks,
    check_annual_label_format,
    check_label_format,
    check_month,
    check_project,
    check_quarter,
    not_above,
    not_below,
    to_tuple,
    unique,
)
from okrflow.config.yamlfile import TypeName, invalid
from okrflow.core.calendar import FiscalCalendar

if TYPE_CHECKING:
    from okrflow.core.rules import RuleSettings
    from okrflow.core.scoring import ScoringPolicy

__all__ = [
    "CheckinReminders",
    "CheckinSettings",
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


class FiscalYearSettings(Section):
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
    annual_label_format: Annotated[str, AfterValidator(check_annual_label_format)] = Field(
        "FY{yy}",
        description="fiscal year label, for annual objectives: {yy} two-digit fiscal year, "
        "{yyyy} four digits; one that could be confused with a quarter label is refused",
    )

    @model_validator(mode="after")
    def _year_not_a_quarter(self) -> FiscalYearSettings:
        try:
            FiscalCalendar(
                label_format=self.label_format, annual_label_format=self.annual_label_format
            )
        except ValueError as exc:
            raise invalid(str(exc), show_input=False) from None
        return self


class Label(Section):
    name: LabelName = Field(description="label name in GitLab")
    color: Colour = Field(description="label colour, '#RRGGBB' or a CSS colour name")
    description: str = Field("", description="label description shown in GitLab")


class LabelStyle(Section):
    color: Colour = Field(description="colour of these labels, '#RRGGBB' or a CSS colour name")
    description: str = Field("", description="description given to these labels in GitLab")


def _label(name: str, color: str, description: str) -> Any:
    return Field(
        Label(name=name, color=color, description=description),
        description=f"the {name!r} label: name, color, description",
    )


class TypeLabels(Section):
    objective: Label = _label("okr::objective", "#1f75cb", "OKR: an objective")
    key_result: Label = _label("okr::key result", "#6699cc", "OKR: a key result")
    kpi: Label = _label(
        "okr::kpi", "#2f9e8f", "OKR: a KPI, a standing measure with a healthy range"
    )
    report: Label = _label("okr::report", "#5843ad", "OKR report written by okrflow")
    retrospective: Label = _label("okr::retrospective", "#8fbc8f", "OKR retrospective notes")
    carry: Label = _label(
        "okr::carry", "#fc9403", "OKR: carry over into the next quarter on its first day"
    )


class LifecycleLabels(Section):
    draft: Label = _label("okr-status::draft", "#bfbfbf", "OKR lifecycle: In Draft")
    review: Label = _label("okr-status::review", "#e9be74", "OKR lifecycle: Under Review")
    active: Label = _label("okr-status::active", "#108548", "OKR lifecycle: Active")
    closed: Label = _label("okr-status::closed", "#737278", "OKR lifecycle: Closed")


class HealthLabels(Section):
    on_track: Label = _label("okr-health::on track", "#108548", "OKR health: on track")
    needs_attention: Label = _label(
        "okr-health::needs attention", "#c17d10", "OKR health: needs attention"
    )
    at_risk: Label = _label("okr-health::at risk", "#dd2b0e", "OKR health: at risk")


class GradeLabels(Section):
    green: Label = _label("okr-grade::green", "#108548", "OKR closed with a green grade")
    yellow: Label = _label("okr-grade::yellow", "#c17d10", "OKR closed with a yellow grade")
    red: Label = _label("okr-grade::red", "#dd2b0e", "OKR closed with a red grade")


class Labels(Section):
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


class Team(Section):
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


class LifecycleSettings(Section):
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


class Step(Section):
    enabled: bool = Field(True, description="whether okrflow schedule does this step")
    weeks_before: Weeks = Field(description="weeks before the quarter starts")


def _step(weeks: int, what: str) -> Any:
    return Field(Step(weeks_before=weeks), description=what)


class CheckinReminders(Section):
    enabled: bool = Field(True, description="remind owners of key results without a check-in")
    after_days: int = Field(7, ge=1, le=92, description="days without a check-in before a reminder")
    group_by: Literal["owner", "team"] = Field(
        "owner", description="one reminder per owner, or one per team"
    )


class Schedule(Section):
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


class HealthSettings(Section):
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


class RulesSettings(Section):
    disabled: Annotated[tuple[RuleId, ...], BeforeValidator(to_tuple)] = Field(
        (), description="ids of lint rules that do not run"
    )
    severity: dict[RuleId, Literal["error", "warning"]] = Field(
        default_factory=dict,
        description="rule id -> error or warning, replacing the rule's own severity",
    )
    min_krs: int = Field(3, ge=1, le=20, description="fewest key results an objective has")
    max_krs: int = Field(5, ge=1, le=20, description="most key results an objective has")
    max_weight: float = Field(
        10.0,
        gt=0,
        le=1000,
        description="highest weight an OKR may have; one above is a problem and the OKR is "
        "left out of its parents' progress until it is fixed",
    )

    _range = field_validator("max_krs")(not_below({"max_krs": "min_krs"}))

    def to_settings(self) -> RuleSettings:
        from okrflow.core.rules import RuleSettings

        return RuleSettings(disabled=self.disabled, severities=dict(self.severity))


class ReportSettings(Section):
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


class Config(Section):
    """The okrflow config. Every key has a default; :meth:`default` is the config
    okrflow uses when there is no file."""

    forbidden_keys = TOKEN_KEYS

    gitlab: GitLabSettings = Field(GitLabSettings(), description="connection to GitLab")
    project: Annotated[str | None, BeforeValidator(check_project)] = Field(
        None,
        description="OKR project path (group/project) or id; --project and OKRFLOW_PROJECT "
        "win over it, CI_PROJECT_PATH is used when none is set",
    )
    group: Annotated[str | None, BeforeValidator(check_project)] = Field(
        None,
        description="OKR group path instead of project: OKRs in any project of the group and "
        "its subgroups; --group and OKRFLOW_GROUP win over it",
    )
    projects: Annotated[
        tuple[OkrProject, ...], BeforeValidator(to_tuple), TypeName("list of projects")
    ] = Field(
        (),
        description="in a group scope, the projects holding OKRs (default: every project of "
        "the group the token can see), each a path or a mapping with path and team",
    )
    fiscal_year: FiscalYearSettings = Field(
        FiscalYearSettings(), description="fiscal calendar and quarter labels"
    )
    quarter: str | None = Field(
        None,
        description="the quarter commands act on when not given one: a label (FY25-Q1) or "
        "current, next, previous; --quarter and OKRFLOW_QUARTER win over it; schedule works its "
        "quarters out from the date and ignores it",
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
    checkins: CheckinSettings = Field(
        CheckinSettings(), description="who may check in on a key result"
    )
    report: ReportSettings = Field(ReportSettings(), description="reports")

    _teams_unique = field_validator("teams")(unique("team", lambda team: team.name))
    _one_scope = field_validator("group")(check_group)
    _quarter = field_validator("quarter")(check_quarter)
    _projects = field_validator("projects")(check_projects)

    @classmethod
    def default(cls) -> Config:
        return cls()

    def team_color(self, team: Team) -> str:
        return team.color or self.labels.team.color

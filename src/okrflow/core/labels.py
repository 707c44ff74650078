"""The GitLab label names okrflow uses: DESIGN.md's defaults, every name configurable.

Pass a :class:`LabelNames` wherever labels are read or written; the config builds
one, :data:`DEFAULT_LABEL_NAMES` holds the defaults.
"""

from __future__ import annotations

import dataclasses
import re

from okrflow.core.evaluation import Grade
from okrflow.core.model import Health, State

__all__ = ["DEFAULT_LABEL_NAMES", "LabelNames"]


@dataclasses.dataclass(frozen=True)
class LabelNames:
    """The GitLab label names okrflow uses (DESIGN.md defaults; all configurable)."""

    objective: str = "okr::objective"
    key_result: str = "okr::key result"
    kpi: str = "okr::kpi"
    draft: str = "okr-status::draft"
    review: str = "okr-status::review"
    active: str = "okr-status::active"
    closed: str = "okr-status::closed"
    on_track: str = "okr-health::on track"
    needs_attention: str = "okr-health::needs attention"
    at_risk: str = "okr-health::at risk"
    green: str = "okr-grade::green"
    yellow: str = "okr-grade::yellow"
    red: str = "okr-grade::red"
    report: str = "okr::report"
    retrospective: str = "okr::retrospective"
    carry: str = "okr::carry"
    teams: tuple[str, ...] = ()  # team labels, e.g. ("CSM", "Support")
    quarter_pattern: str = r"FY\d\d-?Q[1-4]"
    year_pattern: str = r"FY\d\d"  # a fiscal year: annual objectives

    def state_label(self, state: State) -> str:
        return {
            State.DRAFT: self.draft,
            State.REVIEW: self.review,
            State.ACTIVE: self.active,
            State.CLOSED: self.closed,
        }[state]

    def health_label(self, health: Health) -> str:
        return {
            Health.ON_TRACK: self.on_track,
            Health.NEEDS_ATTENTION: self.needs_attention,
            Health.AT_RISK: self.at_risk,
        }[health]

    @property
    def health_labels(self) -> tuple[str, ...]:
        return (self.on_track, self.needs_attention, self.at_risk)

    def grade_label(self, grade: Grade) -> str:
        return {Grade.GREEN: self.green, Grade.YELLOW: self.yellow, Grade.RED: self.red}[grade]

    @property
    def grade_labels(self) -> tuple[str, ...]:
        return (self.green, self.yellow, self.red)

    def state_of(self, label: str) -> State | None:
        return next((s for s in State if self.state_label(s) == label), None)

    def quarter_of(self, label: str) -> str | None:
        """The quarter a label names, as ``FY24-Q1``; None when it names none."""
        if not re.fullmatch(self.quarter_pattern, label.strip(), re.IGNORECASE):
            return None
        plain = re.fullmatch(r"FY(\d\d)-?Q(\d)", label.strip(), re.IGNORECASE)
        return f"FY{plain.group(1)}-Q{plain.group(2)}" if plain else label.strip()

    def quarter_in(self, text: str) -> str | None:
        """The first quarter named anywhere in ``text`` (a section), as ``FY24-Q1``."""
        match = re.search(rf"(?<![\w-])(?:{self.quarter_pattern})(?![\w-])", text, re.IGNORECASE)
        return self.quarter_of(match.group(0)) if match else None

    def year_of(self, label: str) -> str | None:
        """The fiscal year a label names (``FY27``: annual objectives); None when it names
        none (a quarter label names a quarter, not its year)."""
        text = label.strip()
        if self.quarter_of(text) or not re.fullmatch(self.year_pattern, text, re.IGNORECASE):
            return None
        plain = re.fullmatch(r"FY(\d\d)", text, re.IGNORECASE)
        return f"FY{plain.group(1)}" if plain else text

    def year_in(self, text: str) -> str | None:
        """The first fiscal year named on its own anywhere in ``text`` (a section)."""
        match = re.search(rf"(?<![\w-])(?:{self.year_pattern})(?![\w-])", text, re.IGNORECASE)
        return self.year_of(match.group(0)) if match else None

    def team_of(self, name: str) -> str | None:
        """The configured spelling of a team label (case-insensitive match)."""
        return next((t for t in self.teams if t.casefold() == name.strip().casefold()), None)


DEFAULT_LABEL_NAMES = LabelNames()

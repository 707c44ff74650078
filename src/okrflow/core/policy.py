"""The scoring policy: every number the scoring rules use (:mod:`okrflow.core.scoring`
states the rules), with the defaults okrflow ships; the config's ``scoring:`` section
makes one."""

from __future__ import annotations

import dataclasses
from typing import Literal

__all__ = ["DEFAULT_POLICY", "ScoringPolicy"]


@dataclasses.dataclass(frozen=True)
class ScoringPolicy:
    """Every number the scoring rules use, with the defaults okrflow ships.

    Health from pace (``elapsed`` is the share of the quarter gone, 0..1):

    - ``grace_elapsed`` (0.1): until this share of the quarter has passed (about the
      first nine days) every key result is on track by pace;
    - *on track* when ``progress >= elapsed * on_track_pace`` (0.8);
    - *needs attention* when ``progress >= elapsed * needs_attention_pace`` (0.5);
    - *at risk* below that.

    Then the latest confidence (0..1), when there is one, can only make it worse:
    below ``attention_confidence`` (0.5) it is at least *needs attention*, below
    ``risk_confidence`` (0.3) it is *at risk*.

    ``objective_health``: ``"pace"`` (default) judges an objective by its own progress
    against time with the same thresholds; ``"weakest"`` gives it the worst health
    among its direct children that count (weight > 0), or the pace rule when it has
    none.

    Grades on the 0.0-1.0 score: green from ``green_from`` (0.7), yellow from
    ``yellow_from`` (0.4), red below. Success: a committed objective needs a score of
    at least ``committed_success`` (1.0), an aspirational one ``aspirational_success``
    (0.7).

    ``max_weight`` (10, the config's ``rules.max_weight``): issue text can say any
    weight, so an OKR weighing more is a problem and is left out of its parents'
    progress (as with weight 0) until it is fixed; a team lead wants the number to come
    from the OKRs whose weights make sense, and to be told which one does not.
    """

    grace_elapsed: float = 0.1
    on_track_pace: float = 0.8
    needs_attention_pace: float = 0.5
    attention_confidence: float = 0.5
    risk_confidence: float = 0.3
    objective_health: Literal["pace", "weakest"] = "pace"
    green_from: float = 0.7
    yellow_from: float = 0.4
    aspirational_success: float = 0.7
    committed_success: float = 1.0
    max_weight: float = 10.0

    def __post_init__(self) -> None:
        if self.objective_health not in ("pace", "weakest"):
            raise ValueError(
                f"objective_health must be 'pace' or 'weakest', not {self.objective_health!r}"
            )
        if not self.needs_attention_pace <= self.on_track_pace:
            raise ValueError("needs_attention_pace must not exceed on_track_pace")
        if not self.risk_confidence <= self.attention_confidence:
            raise ValueError("risk_confidence must not exceed attention_confidence")
        if not self.yellow_from <= self.green_from:
            raise ValueError("yellow_from must not exceed green_from")


DEFAULT_POLICY = ScoringPolicy()

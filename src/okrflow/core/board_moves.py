"""Lifecycle labels people change on the board or by hand, checked as ``okrflow move`` would.

okrflow records in each OKR's metadata the lifecycle state it last saw (``lifecycle``).
A lifecycle label that differs from it was changed by a person (a card dragged on the
board, a label edited). :func:`bypass_reason` says whether that change is one
``okrflow move`` would have refused: a step skipped (In Draft straight to Active), or a
move into Under Review or Active while an error-level rule is broken. Pure: the label
events that tell who and when are read by the caller, only for such issues.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from okrflow.core.lifecycle import CHECKED, transition_allowed
from okrflow.core.model import State
from okrflow.core.rules import Finding

__all__ = ["LabelChange", "bypass_reason", "latest_added", "who_moved"]


@dataclasses.dataclass(frozen=True)
class LabelChange:
    """One label event: ``label`` added or removed by ``user`` (None: GitLab names
    nobody) at ``at``."""

    label: str
    action: str  # "add" | "remove"
    user: str | None
    at: dt.datetime | None


def bypass_reason(recorded: State, current: State, blockers: Sequence[Finding]) -> str | None:
    """Why the move ``recorded`` -> ``current`` is one okrflow move refuses; None when
    it would have allowed it. ``blockers``: the findings that refuse a checked move."""
    if not transition_allowed((recorded,), current):
        return f"okrflow move does not go from {recorded.display} to {current.display}"
    if current in CHECKED and blockers:
        rules = ", ".join(sorted({f.rule for f in blockers}))
        return f"it breaks {rules}, which okrflow move refuses for {current.display}"
    return None


def who_moved(events: Sequence[LabelChange], label: str) -> tuple[str | None, dt.datetime | None]:
    """Who added ``label`` last, and when: (None, None) when no event says."""
    for event in reversed(events):
        if event.label == label and event.action == "add":
            return event.user, event.at
    return None, None


def latest_added(events: Sequence[LabelChange], labels: Sequence[str]) -> str | None:
    """Of ``labels`` (lifecycle labels an issue carries at once), the one added last;
    None when no label event says."""
    for event in reversed(events):
        if event.action == "add" and event.label in labels:
            return event.label
    return None

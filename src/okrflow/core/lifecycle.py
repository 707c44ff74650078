"""The OKR lifecycle: In Draft -> Under Review -> Active -> Closed, and which moves are checked.

:data:`ALLOWED` lists the moves (review can go back to draft). A move into Under
Review or Active is checked by lint: :func:`blocking_for_move` keeps every
error-level finding and also ``kr-count`` (:data:`ALSO_BLOCKING`), a warning for
lint but a reason to refuse the move ("3 to 5 key results"); never ``one-state``,
which the move itself fixes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from okrflow.core.errors import CoreError
from okrflow.core.model import Outcome, State
from okrflow.core.rules import Finding, Severity

__all__ = [
    "ALLOWED",
    "ALSO_BLOCKING",
    "CHECKED",
    "NEVER_BLOCKING",
    "allowed_moves_text",
    "blocking_for_move",
    "parse_outcome",
    "parse_state",
    "states_code",
    "states_text",
    "transition_allowed",
]

ALLOWED: dict[State, tuple[State, ...]] = {
    State.DRAFT: (State.REVIEW,),
    State.REVIEW: (State.ACTIVE, State.DRAFT),
    State.ACTIVE: (State.CLOSED,),
    State.CLOSED: (),
}
CHECKED = (State.REVIEW, State.ACTIVE)  # moves into these are checked by lint
ALSO_BLOCKING = frozenset({"kr-count"})  # warnings for lint, but they refuse a move
NEVER_BLOCKING = frozenset({"one-state"})  # the move itself fixes it


def allowed_moves_text() -> str:
    moves = [f"{a.display} -> {b.display}" for a, targets in ALLOWED.items() for b in targets]
    return ", ".join(moves)


def parse_state(text: str) -> State:
    """``review``, ``Under Review``, ``under-review`` ... -> :class:`State`."""
    wanted = re.sub(r"[\s_-]+", " ", text.strip()).casefold()
    for state in State:
        if wanted in (state.value, state.display.casefold()):
            return state
    names = ", ".join(s.value for s in State)
    raise CoreError(f"unknown lifecycle state {text!r}: use one of {names}")


def parse_outcome(text: str) -> Outcome:
    """``achieved``, ``missed``, ``not-a-priority`` (or ``not a priority``)."""
    wanted = re.sub(r"[\s_-]+", " ", text.strip()).casefold()
    for outcome in Outcome:
        if wanted == outcome.value:
            return outcome
    names = ", ".join(o.value.replace(" ", "-") for o in Outcome)
    raise CoreError(f"unknown outcome {text!r}: use one of {names}")


def blocking_for_move(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that refuse a move into Under Review or Active: every error, plus
    :data:`ALSO_BLOCKING` (``kr-count``) whatever its severity; never ``one-state``."""
    return [
        f
        for f in findings
        if f.rule not in NEVER_BLOCKING
        and (f.severity is Severity.ERROR or f.rule in ALSO_BLOCKING)
    ]


def states_text(states: Sequence[State]) -> str:
    return " and ".join(s.display for s in states) if states else "no state"


def states_code(states: Sequence[State]) -> str:
    return "+".join(s.value for s in states) if states else "none"


def transition_allowed(states: Sequence[State], target: State) -> bool:
    """Whether an issue with lifecycle labels ``states`` may move to ``target``.

    No label counts as In Draft; with several labels, any of them may be the start
    (the move leaves one). Moving to a state the issue has is always allowed.
    """
    if target in states:
        return True
    starts = states or (State.DRAFT,)
    return any(target in ALLOWED[s] for s in starts)

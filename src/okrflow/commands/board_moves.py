"""Lifecycle labels people changed on the board or by hand, noticed on the next run.

For each open OKR whose lifecycle label differs from the state okrflow last recorded in
its metadata (only those: a warm run reads nothing more), the move is judged as
``okrflow move`` judges it (:func:`okrflow.core.board_moves.bypass_reason`). One it
would have allowed is just recorded (by the caller's write). One it would have refused
is reported on the issue once, naming who moved it and when (from the issue's label
events), and with ``lifecycle.on_bypass: revert`` moved back; either way the metadata
then matches the labels, so the next run writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from okrflow.adapter import LoadedIssue, Snapshot
from okrflow.commands.analysis import lint_snapshot
from okrflow.commands.workspace import Workspace
from okrflow.core.board_moves import bypass_reason, who_moved
from okrflow.core.lifecycle import blocking_for_move
from okrflow.core.model import Objective, Problem, State
from okrflow.core.rules import Finding
from okrflow.errors import OkrflowError
from okrflow.render.comments import bypass_comment

__all__ = ["BYPASS_MARKER", "check_board_moves", "moved_by_hand"]

BYPASS_MARKER = "<!-- okrflow:bypass"


def moved_by_hand(item: LoadedIssue) -> tuple[State, State] | None:
    """(recorded, current) when the issue's one lifecycle label is not the state okrflow
    last recorded; None when they agree, nothing was recorded yet, or it is closed."""
    recorded, current = item.meta.lifecycle, item.okr.state
    if item.record.state == "closed" or recorded is None or current is None:
        return None
    return (recorded, current) if recorded != current else None


def check_board_moves(ws: Workspace, snap: Snapshot) -> list[Problem]:
    """Report (and with ``revert``, undo) the moves okrflow move would have refused."""
    moved = [(item, pair) for item in snap.issues.values() if (pair := moved_by_hand(item))]
    if not moved:
        return []
    findings = lint_snapshot(ws, snap)
    problems: list[Problem] = []
    for item, (recorded, current) in sorted(moved, key=lambda m: m[0].iid):
        reason = bypass_reason(recorded, current, _blockers(snap, item, findings))
        if reason is None:
            continue  # allowed: the caller records the new state
        try:
            problems.append(_answer(ws, item, recorded, current, reason))
        except OkrflowError as exc:
            problems.append(Problem(f"#{item.iid}", f"board move not handled: {exc.message}"))
    return problems


def _blockers(snap: Snapshot, item: LoadedIssue, findings: Sequence[Finding]) -> list[Finding]:
    iids = {item.iid}
    if isinstance(item.okr, Objective):
        iids |= {kr.iid for kr in item.okr.key_results if kr.iid is not None}
    return blocking_for_move([f for f in findings if f.iid in iids])


def _answer(
    ws: Workspace, item: LoadedIssue, recorded: State, current: State, reason: str
) -> Problem:
    repo, names = ws.repo, ws.labels
    revert = ws.config.lifecycle.on_bypass == "revert"
    where = repo.project_of(item.record)
    by, at = who_moved(repo.label_events(item.iid, where), names.state_label(current))
    marker = f"{BYPASS_MARKER} {recorded.value}->{current.value} -->"
    body = bypass_comment(
        recorded, current, by=by, at=at, reason=reason, reverted=revert, marker=marker
    )
    repo.create_note(item.iid, body, marker=marker, project=where)
    if revert:
        repo.save(
            item,
            meta=item.own_meta().replace(lifecycle=recorded),
            add_labels=[names.state_label(recorded)],
            remove_labels=[names.state_label(current)],
        )
        item.okr.state, item.okr.states = recorded, (recorded,)
    else:
        repo.save(item, meta=item.own_meta().replace(lifecycle=current))
    who = f"@{by}" if by else "someone"
    done = f"moved back to {recorded.display}" if revert else "reported on the issue"
    return Problem(
        f"#{item.iid}",
        f"{who} moved it from {recorded.display} to {current.display}, but {reason}: {done}",
    )

"""Lifecycle labels people changed on the board or by hand, noticed on the next run.

Two lifecycle labels at once (a label added by hand next to the old one) resolve to
the one added last (label events, read only for such issues); the others are removed.
An OKR closed in GitLab's UI is moved to Closed (label and record), its outcome unknown
until someone says (``okrflow move REF --to closed --outcome ...``); an objective's open
key results are closed with it, as ``okrflow move`` closes them.

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
from okrflow.core.board_moves import bypass_reason, latest_added, who_moved
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


def _one_state(ws: Workspace, item: LoadedIssue) -> Problem | None:
    """Several lifecycle labels at once: the one added last is kept."""
    names, okr = ws.labels, item.okr
    labels = [names.state_label(s) for s in okr.states]
    latest = latest_added(ws.repo.label_events(item.iid), labels)
    if latest is None:
        return Problem(
            f"#{item.iid}",
            f"{len(labels)} lifecycle labels ({', '.join(labels)}) and no label event says "
            "which came last: remove all but one",
        )
    state = names.state_of(latest)
    assert state is not None
    ws.repo.save(item, remove_labels=[label for label in labels if label != latest])
    okr.state, okr.states = state, (state,)
    return Problem(
        f"#{item.iid}",
        f"{len(labels)} lifecycle labels at once: {state.display}, added last, is kept",
    )


def _to_closed(ws: Workspace, item: LoadedIssue, *, close: bool = False) -> None:
    """Label and record ``item`` Closed (and, with ``close``, close the issue)."""
    names, okr = ws.labels, item.okr
    others = [names.state_label(s) for s in okr.states if s is not State.CLOSED]
    meta = item.own_meta().replace(lifecycle=State.CLOSED)
    ws.repo.save(
        item,
        meta=meta,
        add_labels=[names.closed],
        remove_labels=others,
        state_event="close" if close else None,
    )
    okr.state, okr.states = State.CLOSED, (State.CLOSED,)


def _closed_in_ui(ws: Workspace, snap: Snapshot, item: LoadedIssue) -> Problem:
    """An issue closed in GitLab: a move to Closed, outcome unknown until someone says;
    an objective's open key results closed with it (but one still counting for another
    open objective)."""
    _to_closed(ws, item)
    okr, closed = item.okr, []
    if isinstance(okr, Objective):
        for kr in okr.key_results:
            kr_item = snap.item(kr) if snap.has(kr) else None
            others = [snap.by_key(key) for key in kr.objectives if key != okr.key]
            if any(o is not None and o.record.state != "closed" for o in others):
                continue  # it still counts for another objective, open: left open
            if kr_item is not None and kr_item.record.state != "closed":
                _to_closed(ws, kr_item, close=True)
                closed.append(kr_item.shown)
    with_them = f" with its key results {', '.join(closed)}" if closed else ""
    their = "their outcomes" if closed else "its outcome"
    return Problem(
        item.shown,
        f"closed in GitLab: moved to Closed{with_them}, {their} unknown until someone says "
        f"(okrflow move {item.iid} --to closed --outcome ...)",
    )


def _settle_labels(ws: Workspace, snap: Snapshot) -> list[Problem]:
    """Resolve several lifecycle labels, and record issues closed in the UI."""
    problems: list[Problem] = []
    for item in sorted(snap.issues.values(), key=lambda i: i.iid):
        okr = item.okr
        try:
            if item.record.state == "closed":
                if okr.state is not State.CLOSED and item.meta.lifecycle is not State.CLOSED:
                    problems.append(_closed_in_ui(ws, snap, item))
            elif len(okr.states) > 1 and (found := _one_state(ws, item)) is not None:
                problems.append(found)
        except OkrflowError as exc:
            problems.append(Problem(f"#{item.iid}", f"lifecycle labels not settled: {exc.message}"))
    return problems


def check_board_moves(ws: Workspace, snap: Snapshot, *, record: bool = False) -> list[Problem]:
    """Report (and with ``revert``, undo) the moves okrflow move would have refused; with
    ``record``, write the new state of those it would have allowed (else the caller does)."""
    problems = _settle_labels(ws, snap)
    moved = [(item, pair) for item in snap.issues.values() if (pair := moved_by_hand(item))]
    if not moved:
        return problems
    findings = lint_snapshot(ws, snap)
    for item, (recorded, current) in sorted(moved, key=lambda m: m[0].iid):
        reason = bypass_reason(recorded, current, _blockers(snap, item, findings))
        if reason is None:
            if record:
                _record(ws, item, current, problems)
            continue  # allowed: recorded (by the caller, unless ``record``)
        try:
            problems.append(_answer(ws, item, recorded, current, reason))
        except OkrflowError as exc:
            problems.append(Problem(f"#{item.iid}", f"board move not handled: {exc.message}"))
    return problems


def _record(ws: Workspace, item: LoadedIssue, state: State, problems: list[Problem]) -> None:
    try:
        ws.repo.save(item, meta=item.own_meta().replace(lifecycle=state))
    except OkrflowError as exc:
        problems.append(Problem(f"#{item.iid}", f"board move not recorded: {exc.message}"))


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

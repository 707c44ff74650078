"""``okrflow move``: lifecycle transitions, In Draft -> Under Review -> Active -> Closed.

Allowed moves (:data:`ALLOWED`): draft -> review, review -> active, review -> draft,
active -> closed. Anything else is a :class:`~okrflow.errors.UsageError` (exit 2)
that lists them. Moving to the state an issue is already in does nothing.

**Checks.** Moving to Under Review or Active is refused (:class:`FindingsError`,
exit 3, naming the rule ids) while the objective, or one of its key results,
breaks an error-level lint rule, and also while ``kr-count`` finds fewer than 3 or
more than 5 key results, even though ``kr-count`` is only a warning for lint
(:data:`ALSO_BLOCKING`; "an objective with 2 key results cannot go to review").
``one-state`` never blocks: the move itself leaves exactly one lifecycle label.
A rule turned off in the config does not block.

**Cascade.** Moving an objective moves its key results the same way, whatever
state they are in (their lifecycle follows their objective); ones already there
are skipped, and a closed key result is left closed unless the objective closes.
A key result that counts for several objectives moves with its home objective, and
closes only when none of its other objectives stays open (it is skipped, and the
output says which objective still counts on it).

**Writes.** One PUT per issue (labels swapped with ``add_labels`` /
``remove_labels``, so an issue that had two lifecycle labels ends with one; on
Closed also the outcome and score in okrflow's metadata and ``state_event=close``),
and one comment "okrflow: moved from In Draft to Under Review by @user"; closing swaps the
health label for the grade label (okr-grade::green, yellow or red). The
comment is written first; a run interrupted between comment and PUT finds it on
the next run (the issue's newest okrflow move comment already announces this
very move) and does not write it twice.

**Closing.** The score is the objective's progress at closing on the 0.0-1.0
scale (:func:`okrflow.commands.analysis.evaluate_snapshot`); the outcome is ``achieved``
when the score reaches the objective's success bar (1.0 committed, 0.7
aspirational) and ``missed`` otherwise, unless ``outcome`` says otherwise. Key
results closed with it get their own score and outcome (achieved once their
target is reached), or ``not a priority`` when the objective is closed as such.

**Bulk.** ``move_bulk`` moves every objective of a quarter in one state (and the
key results without an objective in that state). Objectives that fail the checks
are left where they are and listed in :attr:`MoveResult.blocked`; the others move.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from okrflow.adapter import IssueRecord, LoadedIssue, NoteRecord, Snapshot, assemble
from okrflow.commands.analysis import evaluate_snapshot, lint_snapshot
from okrflow.commands.move_result import Blocked, Moved, MoveResult
from okrflow.commands.workspace import Workspace
from okrflow.core.authority import by_okrflow
from okrflow.core.lifecycle import (
    ALLOWED,
    ALSO_BLOCKING,
    CHECKED,
    allowed_moves_text,
    blocking_for_move,
    parse_outcome,
    parse_state,
    states_code,
    states_text,
    transition_allowed,
)
from okrflow.core.model import IssueId, KeyResult, Objective, Outcome, State
from okrflow.core.rules import Finding
from okrflow.core.scoring import grade_for, score_for
from okrflow.errors import FindingsError, UsageError
from okrflow.render.comments import move_comment

__all__ = [
    "ALLOWED",
    "ALSO_BLOCKING",
    "MOVE_MARKER",
    "Blocked",
    "MoveResult",
    "Moved",
    "allowed_moves_text",
    "blocking_for_move",
    "move",
    "move_bulk",
    "parse_outcome",
    "parse_state",
    "transition_allowed",
]

MOVE_MARKER = "<!-- okrflow:move"
_MARKER_RE = re.compile(r"<!-- okrflow:move (\S+)->(\S+) -->")


# -- planning -------------------------------------------------------------------------


@dataclasses.dataclass
class _Step:
    item: LoadedIssue
    cascaded: bool
    outcome: Outcome | None = None
    score: float | None = None


def _done(item: LoadedIssue, target: State) -> bool:
    states = item.okr.states
    if states != (target,):
        return False
    is_closed = item.record.state == "closed"
    return is_closed if target is State.CLOSED else not is_closed


def _key_results(snap: Snapshot, objective: Objective) -> list[LoadedIssue]:
    return [snap.item(kr) for kr in objective.key_results if snap.has(kr)]


def _cascading(
    snap: Snapshot,
    objective: Objective,
    krs: Sequence[LoadedIssue],
    target: State,
    moving: set[str],
    result: MoveResult,
    seen: set[IssueId],
) -> list[LoadedIssue]:
    """The key results that move with ``objective`` (``moving``: the keys of the
    objectives this run moves). One that counts for several objectives moves with its
    home objective, and closes only once none of its other objectives stays open: it is
    skipped, and says so, while another still counts on it; it moves once in a run."""
    out = []
    for item in krs:
        kr = item.okr
        if item.issue_id in seen:
            continue
        if not isinstance(kr, KeyResult) or len(kr.objectives) < 2:
            out.append(item)
            continue
        if target is State.CLOSED:
            others = [snap.by_key(k) for k in kr.objectives if k not in moving]
            still = [o.shown for o in others if o is not None and o.record.state != "closed"]
            if still:
                why = f"it still counts for {', '.join(still)}, open: left open"
                result.skipped.append((item.iid, why, item.shown))
                continue
        elif kr.objective != objective.key:
            home = snap.by_key(kr.objective or "")
            named = home.shown if home is not None else repr(kr.objective)
            why = f"it moves with its home objective {named}"
            result.skipped.append((item.iid, why, item.shown))
            continue
        seen.add(item.issue_id)
        out.append(item)
    return out


def _findings_of(findings: Sequence[Finding], ids: set[IssueId]) -> list[Finding]:
    """The findings on the issues ``ids`` (by project and iid: in a group scope two
    projects both have a #12)."""
    return [f for f in findings if f.iid is not None and IssueId(f.project, f.iid) in ids]


def _check(
    item: LoadedIssue, krs: Sequence[LoadedIssue], target: State, findings: Sequence[Finding]
) -> Blocked | None:
    if target not in CHECKED:
        return None
    ids = {item.issue_id, *(kr.issue_id for kr in krs)}
    blockers = blocking_for_move(_findings_of(findings, ids))
    if not blockers:
        return None
    reference = item.shown if item.across else ""
    return Blocked(item.iid, item.okr.title, target, tuple(blockers), reference)


def _says_outcome(item: LoadedIssue, target: State, outcome: Outcome | None) -> bool:
    """An issue closed already (in GitLab's UI, outcome unknown) given its outcome now."""
    return target is State.CLOSED and outcome is not None and item.meta.outcome is not outcome


def _plan(
    item: LoadedIssue,
    krs: Sequence[LoadedIssue],
    target: State,
    result: MoveResult,
    outcome: Outcome | None = None,
) -> list[_Step]:
    steps: list[_Step] = []
    # an objective closed in the UI given its outcome now: its key results closed with
    # it (outcome unknown) get theirs too
    told = _says_outcome(item, target, outcome)
    for candidate, cascaded in [(item, False), *((kr, True) for kr in krs)]:
        said = told and (not cascaded or candidate.meta.outcome is None)
        if _done(candidate, target) and not said:
            result.unchanged.append(candidate.iid)
            result.unchanged_references.append(candidate.shown)
        elif cascaded and target is not State.CLOSED and candidate.record.state == "closed":
            why = "closed key results stay closed"
            result.skipped.append((candidate.iid, why, candidate.shown))
        else:
            steps.append(_Step(candidate, cascaded))
    return steps


def _score_closing(
    ws: Workspace, snap: Snapshot, steps: Sequence[_Step], outcome: Outcome | None
) -> None:
    """Outcome and score of everything about to close, from one evaluation."""
    for step in steps:
        step.item.okr.state = State.CLOSED
    evaluation = evaluate_snapshot(ws, snap)
    for step in steps:
        okr = step.item.okr
        if isinstance(okr, Objective):
            result = evaluation.objectives.get(okr.key)
            progress = result.progress if result else 0.0
            step.score = result.score if result and result.score is not None else None
            if step.score is None:
                step.score = score_for(progress)
            success = bool(result and result.success)
            computed = Outcome.ACHIEVED if success else Outcome.MISSED
            step.outcome = outcome if outcome is not None and not step.cascaded else computed
        else:
            kr_result = evaluation.key_results.get(okr.key)
            progress = kr_result.progress if kr_result else 0.0
            step.score = score_for(progress)
            computed = Outcome.ACHIEVED if progress >= 1.0 else Outcome.MISSED
            if outcome is not None and (not step.cascaded or outcome is Outcome.NOT_A_PRIORITY):
                step.outcome = outcome
            else:
                step.outcome = computed


# -- writing --------------------------------------------------------------------------


class _Writer:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._user: str | None = None
        self._user_read = False

    @property
    def user(self) -> str | None:
        if not self._user_read:
            self._user = self.ws.repo.current_username()
            self._user_read = True
        return self._user

    def comment(self, step: _Step, objective: str | None, target: State) -> None:
        """``objective``: the objective a key result moves with, as output names it."""
        item = step.item
        repo = self.ws.repo
        project = repo.project_of(item.record)  # in a group scope, the issue's own
        states = item.okr.states
        marker = f"{MOVE_MARKER} {states_code(states)}->{target.value} -->"
        notes, _ = by_okrflow(repo.list_notes(item.iid, project), repo.authors)
        if _last_move_marker(notes) == marker:
            return  # written by an interrupted run: the move was announced, not done
        body = move_comment(
            states,
            target,
            by=self.user,
            objective=objective if step.cascaded else None,
            outcome=step.outcome,
            closing_score=step.score,
            marker=marker,
        )
        repo.create_note(item.iid, body, marker=marker, project=project)

    def save(self, step: _Step, target: State) -> None:
        item = step.item
        names = self.ws.labels
        others = [names.state_label(s) for s in State if s is not target]
        add = [names.state_label(target)]
        meta = item.own_meta().replace(lifecycle=target)  # what a board move is checked against
        if target is State.CLOSED:
            meta = meta.replace(outcome=step.outcome, score=step.score)
            if step.score is not None:  # its grade instead of a live health label
                grade = names.grade_label(grade_for(step.score, self.ws.policy))
                add.append(grade)
                others += [*names.health_labels, *names.grade_labels]
                others.remove(grade)
        else:
            others += names.grade_labels
        self.ws.repo.save(
            item,
            meta=meta,
            add_labels=add,
            remove_labels=others,
            state_event="close" if target is State.CLOSED else "reopen",
        )


def _last_move_marker(notes: Sequence[NoteRecord]) -> str | None:
    for note in reversed(notes):
        found = _MARKER_RE.search(note.body)
        if found:
            return found.group(0)
    return None


def _execute(
    ws: Workspace,
    snap: Snapshot,
    groups: Sequence[tuple[LoadedIssue, list[_Step]]],
    target: State,
    outcome: Outcome | None,
    result: MoveResult,
) -> None:
    steps = [step for _, group in groups for step in group]
    if not steps:
        return
    if target is State.CLOSED:
        _score_closing(ws, snap, steps, outcome)
    ws.repo.ensure_can_write()
    writer = _Writer(ws)
    for head, group in groups:
        objective = head.shown if head.is_objective else None
        for step in group:
            from_states = step.item.okr.states
            writer.comment(step, objective, target)
            writer.save(step, target)
            result.moved.append(
                Moved(
                    iid=step.item.iid,
                    title=step.item.okr.title,
                    objective=step.item.is_objective,
                    from_states=from_states,
                    to=target,
                    outcome=step.outcome,
                    score=step.score,
                    cascaded=step.cascaded,
                    reference=step.item.shown if step.item.across else "",
                )
            )


# -- the commands ---------------------------------------------------------------------


def _load_around(ws: Workspace, record: IssueRecord) -> Snapshot:
    """The snapshot an issue is judged in: its quarter (with unscheduled OKRs), or all."""
    names = ws.labels
    quarter = next((q for q in (names.quarter_of(lab) for lab in record.labels) if q), None)
    snap = ws.repo.load(quarter, unscheduled=True)
    if ws.repo.read(record).issue_id not in snap.issues:  # e.g. closed, no quarter label
        records = [i.record for i in snap.issues.values()] + [record]
        snap = assemble(records, names, quarter, authors=ws.repo.authors, across=ws.repo.across)
    return snap


def move(
    ws: Workspace,
    ref: str,
    *,
    to: State | str,
    outcome: Outcome | str | None = None,
) -> MoveResult:
    """Move one objective (with its key results) or one key result to ``to``.

    Raises :class:`UsageError` (exit 2) for a reference that is not an OKR issue or a
    move the lifecycle does not allow, and :class:`FindingsError` (exit 3) when the
    checks refuse it; nothing is written then.
    """
    target = to if isinstance(to, State) else parse_state(to)
    wanted = outcome if outcome is None or isinstance(outcome, Outcome) else parse_outcome(outcome)
    if wanted is not None and target is not State.CLOSED:
        raise UsageError("--outcome is only for a move to closed")
    read = ws.repo.referenced(ref)
    record, shown = read.record, read.shown
    if not ws.repo.is_okr(record):
        raise UsageError(
            f"{shown} is not an OKR issue (no {ws.labels.objective} or {ws.labels.key_result} "
            "label): okrflow moves objectives and key results only"
        )
    snap = _load_around(ws, record)
    item = snap.issues[read.issue_id]
    if not transition_allowed(item.okr.states, target):
        raise UsageError(
            f"{shown} cannot move from {states_text(item.okr.states)} to {target.display}: "
            f"the lifecycle allows {allowed_moves_text()}"
        )
    krs = _key_results(snap, item.okr) if isinstance(item.okr, Objective) else []
    result = MoveResult(to=target, planned=ws.planned(), across=ws.repo.across)
    moved = krs
    if isinstance(item.okr, Objective):
        moved = _cascading(snap, item.okr, krs, target, {item.key}, result, set())
    steps = _plan(item, moved, target, result, wanted)
    if steps and target in CHECKED:  # already there: nothing to check, nothing to do
        blocked = _check(item, krs, target, lint_snapshot(ws, snap))
        if blocked is not None:
            raise FindingsError(blocked.message())
    _execute(ws, snap, [(item, steps)], target, wanted, result)
    return result


def move_bulk(
    ws: Workspace,
    *,
    quarter: str | None,
    from_state: State | str,
    to: State | str,
) -> MoveResult:
    """Move every objective of ``quarter`` in ``from_state`` to ``to`` (with their key
    results), and the key results without an objective that are in ``from_state``.

    Objectives the checks refuse stay put and are listed in ``blocked``
    (:meth:`MoveResult.error` turns them into exit 3).
    """
    source = from_state if isinstance(from_state, State) else parse_state(from_state)
    target = to if isinstance(to, State) else parse_state(to)
    if source is not target and target not in ALLOWED[source]:
        raise UsageError(
            f"cannot move from {source.display} to {target.display}: the lifecycle allows "
            f"{allowed_moves_text()}"
        )
    label = ws.quarter_label(quarter)
    snap = ws.repo.load(label)
    result = MoveResult(to=target, planned=ws.planned(), across=ws.repo.across)
    findings = lint_snapshot(ws, snap) if target in CHECKED else []
    groups: list[tuple[LoadedIssue, list[_Step]]] = []
    heads: list[tuple[Objective | KeyResult, list[LoadedIssue]]] = [
        (o, _key_results(snap, o)) for o in snap.objectives
    ]
    heads += [(kr, []) for kr in snap.orphans]
    moving = {
        okr.key
        for okr, _ in heads
        if isinstance(okr, Objective) and okr.iid is not None and source in okr.states
    }
    seen: set[IssueId] = set()
    for okr, krs in heads:
        if okr.iid is None or source not in okr.states or source is target:
            continue
        item = snap.item(okr)
        blocked = _check(item, krs, target, findings)
        if blocked is not None:
            result.blocked.append(blocked)
            continue
        if isinstance(okr, Objective):
            krs = _cascading(snap, okr, krs, target, moving, result, seen)
        groups.append((item, _plan(item, krs, target, result)))
    _execute(ws, snap, groups, target, None, result)
    return result

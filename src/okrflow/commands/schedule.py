"""``okrflow schedule``: do what the OKR schedule says is due today; safe to run daily.

The schedule (``schedule:`` in the config, :data:`okrflow.core.calendar.DEFAULT_SCHEDULE`)
counts back from the start of the quarter being planned, Q:

============  ==========  ===================================================================
step          default     what okrflow does
============  ==========  ===================================================================
drafting      4 weeks     opens the planning issue "OKR planning: Q": the dates, and a
                          checklist per team (configured teams, else the current quarter's)
review        2 weeks     comments on every objective of Q still In Draft: time to polish it
                          and move it to review (the owner is mentioned)
closing       1 week      posts the closing-ceremony report of the ending quarter as a draft
                          (the ``okrflow report --post`` issue; outcomes come on day 0) and
                          opens one retrospective issue per team; nothing when it has no OKRs
activate      day 0       carries the ending quarter's objectives marked for carry-over
                          (``okr::carry``) to Q, closes its other active OKRs with their
                          scores, and moves Q's objectives Under Review that pass the move
                          checks (lint) to Active, with their key results; then rewrites the
                          closing report in place with the outcomes and the retrospectives'
                          answers, and puts their Try items and the history in Q's planning
                          issue (:mod:`okrflow.commands.ceremony`)
============  ==========  ===================================================================

**Weekly reminders.** During a quarter, once a week, the owners of key results without
a recent check-in are reminded (:mod:`okrflow.commands.reminders`).

**Done once.** A step is due when its date is on or before the day (``--date``, default
today) and it has not been done: a run that missed a date catches up, oldest step first.
Drafting and review are moot once Q has started and are then skipped. Done steps are
recorded in the planning issue of Q, done reminders in the reminders issue (hidden
blocks in their descriptions); the comments carry markers, so a run broken off half way
writes none of them twice. Running twice for the same day writes nothing the second time.
Both issues carry the report label (``okr::report``) and the quarter label.

**Over a group.** One planning issue, in the top project, with a checklist per team
(the teams the config's ``projects:`` name, else the configured team labels, else the
quarter's); the review reminders on each objective in its own project; the reminders
issue of each project holding stale key results (the reminders of its key results
there); a retrospective per team in the team's project; one closing report in the top
project. Everything named by full reference.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from okrflow.adapter import Snapshot
from okrflow.commands.adopt import adopt_into
from okrflow.commands.board_moves import check_board_moves
from okrflow.commands.carry import carry_marked
from okrflow.commands.ceremony import closing_ceremony, day0_report
from okrflow.commands.move import move_bulk
from okrflow.commands.reminders import checkin_reminders, stale_key_results
from okrflow.commands.result import Line, Result, Style, plain
from okrflow.commands.schedule_run import Action, Kept, ScheduleRun
from okrflow.commands.workspace import Workspace, leased
from okrflow.core.calendar import Quarter, ScheduleStep
from okrflow.core.description import marker_comment, read_marker_comment
from okrflow.core.model import Problem, State
from okrflow.errors import UsageError
from okrflow.render import comments
from okrflow.render.comments import adopted_quarter
from okrflow.render.display import count, percent

__all__ = [
    "STEPS",
    "Action",
    "DueStep",
    "ScheduleResult",
    "due_steps",
    "schedule",
    "schedule_steps",
    "stale_key_results",
]

STEPS = ("drafting", "review", "closing", "activate")
_MOOT_AFTER_START = ("drafting", "review")
_PLAN = "schedule"  # the planning issue's record of the steps done
REVIEW_MARKER = "<!-- okrflow:schedule review {quarter} -->"


@dataclasses.dataclass(frozen=True)
class DueStep:
    quarter: Quarter  # the quarter the step plans
    name: str
    date: dt.date


@dataclasses.dataclass
class ScheduleResult(Result):
    day: dt.date
    current: str
    upcoming: str
    actions: list[Action] = dataclasses.field(default_factory=list)
    problems: list[Problem] = dataclasses.field(default_factory=list)

    def lines(self, style: Style = plain) -> list[str | Line]:
        head = f"schedule for {self.day} ({self.current}; next: {self.upcoming})"
        if self.dry_run:
            head += ", dry run"
        out: list[str | Line] = [Line(f"{p.where}: {p.message}", "warning") for p in self.problems]
        out.append(head)
        for action in self.actions:
            out.append(f"{action.what} (due {action.due}):")
            out.extend(f"  {line}" for line in action.lines)
        if not self.actions:
            out.append("nothing due")
        return out


# -- the dates ------------------------------------------------------------------------------


def schedule_steps(ws: Workspace) -> list[ScheduleStep]:
    """The enabled steps of the config's schedule, in schedule order."""
    settings = ws.config.schedule
    steps = []
    for name in STEPS:
        step = getattr(settings, name)
        if step.enabled:
            steps.append(ScheduleStep(name, step.weeks_before))
    return steps


def due_steps(ws: Workspace, day: dt.date) -> list[DueStep]:
    """Every step of the current and the next quarter whose date is on or before ``day``
    (drafting and review only until their quarter starts), oldest first."""
    current = ws.calendar.quarter_of(day)
    due = []
    for quarter in (current, current.next()):
        started = day >= ws.calendar.start(quarter)
        for step, date in ws.calendar.schedule_dates(quarter, schedule_steps(ws)):
            if date <= day and not (started and step.name in _MOOT_AFTER_START):
                due.append(DueStep(quarter, step.name, date))
    return sorted(due, key=lambda s: (s.date, STEPS.index(s.name)))


# -- hidden state blocks -------------------------------------------------------------------


def _plan_block(quarter: str, done: dict[str, str], skipped: dict[str, str]) -> str:
    record: dict[str, object] = {"quarter": quarter, "done": done}
    if skipped:
        record["skipped"] = skipped
    return marker_comment(_PLAN, record)


# -- the planning issue ----------------------------------------------------------------------


def _teams(ws: Workspace, quarter: Quarter) -> list[str]:
    """The teams of the config's OKR projects (a group scope's), else the configured
    team labels, else the teams of the quarter before ``quarter``."""
    settings = ws.repo.settings
    if settings.project_teams:
        return list(dict.fromkeys(team for _, team in settings.project_teams))
    if ws.labels.teams:
        return list(ws.labels.teams)
    snap = ws.repo.load(ws.calendar.label(quarter.previous()))
    return list(dict.fromkeys(o.team for o in snap.objectives if o.team))


def _planning_text(ws: Workspace, quarter: Quarter) -> tuple[str, str]:
    cal = ws.calendar
    return comments.planning_issue(
        cal.label(quarter),
        cal.label(quarter.previous()),
        cal.start(quarter),
        {s.name: d for s, d in cal.schedule_dates(quarter, schedule_steps(ws))},
        _teams(ws, quarter),
    )


class _Plan:
    """The planning issue of one quarter and the steps it records as done."""

    def __init__(self, run: ScheduleRun, quarter: Quarter) -> None:
        self.run = run
        self.quarter = quarter
        self.label = run.label(quarter)
        self.record = run.find(self.label, _PLAN)
        block = read_marker_comment(_PLAN, self.record.description) if self.record else None
        done = block.get("done") if block else None
        skipped = block.get("skipped") if block else None
        self.done: dict[str, str] = dict(done) if isinstance(done, dict) else {}
        self.skipped: dict[str, str] = dict(skipped) if isinstance(skipped, dict) else {}

    def mark(self, step: str, *, edit: Callable[[str], str] | None = None) -> Kept:
        """Record ``step`` as done, in the same update as ``edit`` of the description."""
        self.done[step] = self.run.day.isoformat()
        self.skipped.pop(step, None)
        return self._store(lambda: _planning_text(self.run.ws, self.quarter), edit)

    def skip(self, steps: dict[str, dt.date]) -> Kept:
        """Record ``steps`` as skipped: the schedule met this quarter already under way."""
        self.skipped.update({name: self.run.day.isoformat() for name in steps})
        ws = self.run.ws
        gone = percent(ws.elapsed(self.quarter))
        return self._store(lambda: adopted_quarter(self.label, self.run.day, gone, steps), None)

    def _store(
        self, make: Callable[[], tuple[str, str]], edit: Callable[[str], str] | None
    ) -> Kept:
        block = _plan_block(self.label, self.done, self.skipped)
        self.record = self.run.store(self.label, _PLAN, block, self.record, make, edit=edit)
        return self.record


# -- the steps ---------------------------------------------------------------------------------


def _drafting(run: ScheduleRun, plan: _Plan) -> list[str]:
    existed = plan.record is not None
    record = plan.mark("drafting")
    verb = "would open" if run.ws.dry_run else "opened"
    if existed:
        return [f"planning issue {run.named(record)} already open"]
    return [f"{verb} the planning issue {run.named(record)} with a checklist per team"]


def _review(run: ScheduleRun, plan: _Plan) -> list[str]:
    ws = run.ws
    snap = ws.repo.load(plan.label)
    drafts = [o for o in snap.objectives if o.iid is not None and o.state is State.DRAFT]
    marker = REVIEW_MARKER.format(quarter=plan.label)
    start = ws.calendar.start(plan.quarter)
    reminded = []
    for objective in drafts:
        assert objective.iid is not None
        here = objective.project or None  # in a group scope: the objective's own project
        notes = run.own_notes(objective.iid, "<!-- okrflow:", project=here)
        if any(marker in note.body for note in notes):
            continue
        run.write()
        body = comments.review_reminder(objective, plan.label, start, marker)
        ws.repo.create_note(objective.iid, body, marker=marker, project=here)
        reminded.append(str(objective.issue_id))
    plan.mark("review")
    verb = "would remind" if ws.dry_run else "reminded"
    if not reminded:
        return [f"no objective of {plan.label} left to remind ({len(drafts)} in draft)"]
    return [f"{verb} {count(len(reminded), 'draft objective')}: {', '.join(reminded)}"]


def _heading(step: DueStep, calendar_label: Callable[[Quarter], str]) -> str:
    """What a step's lines are headed with: the quarter it acts on (the closing ceremony
    is of the quarter before the one it plans)."""
    if step.name == "closing":
        return f"closing ceremony of {calendar_label(step.quarter.previous())}"
    return f"{step.name} {calendar_label(step.quarter)}"


def _adopt(run: ScheduleRun, plans: dict[Quarter, _Plan], due: list[DueStep]) -> Action | None:
    """The schedule's first run, in a quarter already under way (no record of this
    quarter or the one before: a run that only missed days catches up instead), skips
    that quarter's steps dated before today, records them as skipped and says so."""
    ws = run.ws
    current = ws.calendar.quarter_of(run.day)
    past = {s.name: s.date for s in due if s.quarter == current and s.date < run.day}
    plan = plans.setdefault(current, _Plan(run, current))
    if not past or plan.record is not None or _Plan(run, current.previous()).record is not None:
        return None
    record = plan.skip(past)
    label = plan.label
    gone = percent(ws.elapsed(current))
    names = ", ".join(f"{_STEP_WORDS[n]} ({d})" for n, d in past.items())
    return Action(
        f"first run in {label}",
        run.day,
        [
            f"{label} is under way ({gone} gone): skipped {names}, recorded in "
            f"{run.named(record)}; schedule --catch-up runs them"
        ],
    )


_STEP_WORDS = {
    "drafting": "drafting",
    "review": "review",
    "closing": "the closing ceremony",
    "activate": "day 0",
}


def _closing(run: ScheduleRun, plan: _Plan) -> list[str]:
    lines = closing_ceremony(run, run.label(plan.quarter.previous()))
    plan.mark("closing")
    return lines


def _activate(run: ScheduleRun, plan: _Plan) -> list[str]:
    ws = run.ws
    ending = run.label(plan.quarter.previous())
    lines: list[str] = []
    carried = carry_marked(ws, quarter=ending, to=plan.label)
    for result in carried:
        lines += [str(line) for line in result.lines()]
    closed = move_bulk(ws, quarter=ending, from_state=State.ACTIVE, to=State.CLOSED)
    lines += [m.line(dry_run=ws.dry_run) for m in closed.moved if not m.cascaded]
    activated = move_bulk(ws, quarter=plan.label, from_state=State.REVIEW, to=State.ACTIVE)
    lines += [m.line(dry_run=ws.dry_run) for m in activated.moved if not m.cascaded]
    lines += [f"not activated: {blocked.message()}" for blocked in activated.blocked]
    reported, edit = day0_report(run, ending, plan.label)
    lines += reported
    plan.mark("activate", edit=edit)
    summary = (
        f"{len(carried)} carried over, {sum(not m.cascaded for m in closed.moved)} closed in "
        f"{ending}, {sum(not m.cascaded for m in activated.moved)} activated in {plan.label}"
    )
    if activated.blocked:
        summary += f", {len(activated.blocked)} refused"
    return [*lines, summary]


_STEP_RUNNERS: dict[str, Callable[[ScheduleRun, _Plan], list[str]]] = {
    "drafting": _drafting,
    "review": _review,
    "closing": _closing,
    "activate": _activate,
}


# -- the command -------------------------------------------------------------------------------


def schedule(ws: Workspace, *, catch_up: bool = False, allow_empty: bool = False) -> ScheduleResult:
    """Run every step of the OKR schedule due on ``ws.today()`` and not done yet, then
    the weekly check-in reminders. Set ``ws.now`` to run it for another day.

    The first run in a quarter already under way skips that quarter's past steps
    (recorded as skipped); ``catch_up`` runs them, and those skipped before. With no
    OKRs in the current and the next quarter, and the next one's drafting not due, the
    run is refused unless ``allow_empty``, before it takes the project's lease."""
    if not allow_empty:
        _refuse_empty(ws, ws.today())
    return _scheduled(ws, catch_up=catch_up)


@leased("schedule")
def _scheduled(ws: Workspace, *, catch_up: bool) -> ScheduleResult:
    day = ws.today()
    current = ws.calendar.quarter_of(day)
    result = ScheduleResult(
        day,
        ws.calendar.label(current),
        ws.calendar.label(current.next()),
        planned=ws.planned(),
    )
    run = ScheduleRun(ws, day)
    run.write()  # fail at once, not half way, when only a job token is available
    # UI-filed OKRs first (commands.adopt), then board moves (commands.board_moves), on
    # one load of the quarter the schedule's head names (read again only if adoption wrote)
    loaded = ws.repo.load(result.current)
    # a group's project the token cannot see: named once, the rest goes on
    result.problems.extend(p for p in loaded.problems if p.where in ws.repo.unreadable)
    head = adopt_into(ws, loaded, result.problems)
    result.problems.extend(check_board_moves(ws, head, record=True))
    snap: Snapshot | None = head  # the current quarter, while no step changes it
    plans: dict[Quarter, _Plan] = {}
    due = due_steps(ws, day)
    adopted = None if catch_up else _adopt(run, plans, due)
    if adopted is not None:
        result.actions.append(adopted)
    for step in due:
        plan = plans.get(step.quarter) or plans.setdefault(step.quarter, _Plan(run, step.quarter))
        if step.name in plan.done or (step.name in plan.skipped and not catch_up):
            continue
        what = _heading(step, ws.calendar.label)
        result.actions.append(Action(what, step.date, _STEP_RUNNERS[step.name](run, plan)))
        if step.name == "activate" and step.quarter == current:
            snap = None  # its OKRs moved to Active: the reminders read them again
    reminders = checkin_reminders(run, current, snap)
    if reminders is not None:
        result.actions.append(reminders)
    result.problems.extend(run.problems)
    return result


def _refuse_empty(ws: Workspace, day: dt.date) -> None:
    """No OKRs in the current and the next quarter, and nothing to open for the next one
    yet (its drafting is not due): a schedule run has nothing to act on (exit 2)."""
    current = ws.calendar.quarter_of(day)
    upcoming = current.next()
    drafting = {s.name: d for s, d in ws.calendar.schedule_dates(upcoming, schedule_steps(ws))}
    opens = drafting.get("drafting")
    if opens is not None and opens <= day:
        return
    labels = [ws.calendar.label(q) for q in (current, upcoming)]
    in_use = ws.repo.quarters_in_use()
    if any(in_use.get(label) for label in labels):
        return
    when = f"; {labels[1]}'s drafting opens on {opens}" if opens is not None else ""
    raise UsageError(
        f"{labels[0]} and {labels[1]} hold no OKRs: nothing to schedule{when} "
        f"({ws.quarters_in_use(in_use)}); give --allow-empty to run it anyway"
    )

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
closing       1 week      posts the closing-ceremony report of the ending quarter (the
                          ``okrflow report --post`` issue); nothing when it has no OKRs
activate      day 0       carries the ending quarter's objectives marked for carry-over
                          (``okr::carry``) to Q, closes its other active OKRs with their
                          scores, and moves Q's objectives Under Review that pass the move
                          checks (lint) to Active, with their key results
============  ==========  ===================================================================

**Weekly reminders.** During a quarter, on each check-in week (Mondays) okrflow
reminds the owners of active key results (measured by check-ins) whose latest check-in
is more than ``checkin_reminders.after_days`` days old (or who have none, counting from
the quarter's start): one comment per owner (``group_by: owner``) or per team
(``group_by: team``) on the quarter's issue "OKR check-in reminders: Q", each owner
mentioned once. Only the latest week is ever reminded; an owner reminded this week is
not reminded again until the next.

**Done once.** A step is due when its date is on or before the day (``--date``, default
today) and it has not been done: a run that missed a date catches up, oldest step first.
Drafting and review are moot once Q has started and are then skipped. Done steps are
recorded in the planning issue of Q, done reminders in the reminders issue (hidden
blocks in their descriptions); the comments carry markers, so a run broken off half way
writes none of them twice. Running twice for the same day writes nothing the second time.
Both issues carry the report label (``okr::report``) and the quarter label.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence

from okrflow.adapter.records import IssueRecord
from okrflow.adapter.snapshot import load_snapshot
from okrflow.commands.carry import carry_marked
from okrflow.commands.move import move_bulk
from okrflow.commands.report import build_quarter_report, post_report
from okrflow.commands.workspace import Workspace
from okrflow.core.calendar import Quarter, ScheduleStep
from okrflow.core.description import marker_comment, read_marker_comment
from okrflow.core.model import KeyResult, SourceKind, State
from okrflow.render import md_inline
from okrflow.render.templating import mention

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
_REMIND = "reminders"  # the reminders issue's record of the weeks reminded
REVIEW_MARKER = "<!-- okrflow:schedule review {quarter} -->"
REMINDER_MARKER = "<!-- okrflow:reminder {week} {who} -->"
_TITLES = {
    "drafting": "Drafting",
    "review": "Review",
    "closing": "Closing ceremony",
    "activate": "Start: OKRs active",
}


@dataclasses.dataclass(frozen=True)
class DueStep:
    quarter: Quarter  # the quarter the step plans
    name: str
    date: dt.date


@dataclasses.dataclass
class Action:
    """One thing the schedule did (or, in a dry run, would do)."""

    what: str  # "drafting FY24-Q2", "check-in reminders FY24-Q1 2024-01-08"
    due: dt.date
    lines: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ScheduleResult:
    day: dt.date
    current: str
    upcoming: str
    actions: list[Action] = dataclasses.field(default_factory=list)
    dry_run: bool = False

    def lines(self) -> list[str]:
        head = f"schedule for {self.day} ({self.current}; next: {self.upcoming})"
        if self.dry_run:
            head += ", dry run"
        out = [head]
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


def _with_block(name: str, text: str, block: str) -> str:
    """``text`` with its state block replaced (the first line gets one when it has none)."""
    pattern = re.compile(rf"<!-- okrflow:{name} \{{[^\n]*?\}} -->")
    if pattern.search(text):
        return pattern.sub(lambda _: block, text, count=1)
    return f"{block}\n{text}"


def _plan_block(quarter: str, done: dict[str, str]) -> str:
    return marker_comment(_PLAN, {"quarter": quarter, "done": done})


def _remind_block(quarter: str, weeks: dict[str, list[str]]) -> str:
    return marker_comment(_REMIND, {"quarter": quarter, "weeks": weeks})


# -- one run --------------------------------------------------------------------------------


class _Run:
    """The state of one ``schedule`` run: issue listings read once per quarter."""

    def __init__(self, ws: Workspace, day: dt.date) -> None:
        self.ws = ws
        self.day = day
        self._listings: dict[str, list[IssueRecord]] = {}
        self._can_write = False

    def label(self, quarter: Quarter) -> str:
        return self.ws.calendar.label(quarter)

    def write(self) -> None:
        if not self._can_write:
            self.ws.gl.ensure_can_write()
            self._can_write = True

    def listing(self, quarter: str) -> list[IssueRecord]:
        if quarter not in self._listings:
            found = self.ws.gl.list_issues(labels=[self.ws.labels.report, quarter])
            self._listings[quarter] = list(found)
        return self._listings[quarter]

    def find(self, quarter: str, name: str) -> IssueRecord | None:
        for record in self.listing(quarter):
            block = read_marker_comment(name, record.description)
            if block is not None and block.get("quarter") == quarter:
                return record
        return None

    def remember(self, quarter: str, record: IssueRecord) -> None:
        records = [r for r in self.listing(quarter) if r.iid != record.iid]
        self._listings[quarter] = [*records, record]

    def store(
        self,
        quarter: str,
        name: str,
        block: str,
        existing: IssueRecord | None,
        make: Callable[[], tuple[str, str]],
    ) -> IssueRecord | None:
        """Write ``block`` into the quarter's issue for the record ``name``, creating the issue
        (title and text from ``make``) when there is none. Returns the issue record."""
        self.write()
        gl = self.ws.gl
        if existing is None:
            title, text = make()
            record = gl.create_issue(
                title=title,
                description=f"{block}\n{text}",
                labels=[self.ws.labels.report, quarter],
                find_existing=lambda: _fresh(self.ws, quarter, name),
            )
        else:
            text = _with_block(name, existing.description, block)
            if text == existing.description:
                return existing
            # an issue a dry run would create only lives here: nothing to update
            updated = gl.update_issue(existing.iid, description=text) if existing.iid > 0 else None
            record = updated or dataclasses.replace(existing, description=text)
        self.remember(quarter, record)
        return record


def _fresh(ws: Workspace, quarter: str, name: str) -> IssueRecord | None:
    for record in ws.gl.list_issues(labels=[ws.labels.report, quarter]):
        block = read_marker_comment(name, record.description)
        if block is not None and block.get("quarter") == quarter:
            return record
    return None


# -- the planning issue ----------------------------------------------------------------------


def _teams(ws: Workspace, quarter: Quarter) -> list[str]:
    """The configured teams, else the teams of the quarter before ``quarter``."""
    if ws.labels.teams:
        return list(ws.labels.teams)
    snap = load_snapshot(ws.gl, ws.labels, quarter=ws.calendar.label(quarter.previous()))
    return list(dict.fromkeys(o.team for o in snap.objectives if o.team))


def _planning_text(ws: Workspace, quarter: Quarter) -> tuple[str, str]:
    cal = ws.calendar
    label, ending = md_inline(cal.label(quarter)), md_inline(cal.label(quarter.previous()))
    dates = {s.name: d for s, d in cal.schedule_dates(quarter, schedule_steps(ws))}
    review = dates.get("review", cal.start(quarter))
    what = {
        "drafting": "Leadership shares the top goals, drafts the objectives and agrees DRIs; "
        f"the current OKR status ({ending}) is reviewed",
        "review": "Drafts are reviewed, polished with the teams and moved to review",
        "closing": f"Closing ceremony: the closing report of {ending} is posted",
        "activate": f"Objectives under review that pass lint become active; {ending} closes",
    }
    rows = [f"| {_TITLES[name]} | {date} | {what[name]} |" for name, date in dates.items()]
    checklist = [
        "Share the top goals with the leadership team for feedback",
        f"Review the current OKR status ({ending})",
        f"Draft the objectives for {label} and agree their owners (DRIs)",
        f"Open them in GitLab from the OKR Objective template (or okrflow new) by {review}",
        "Polish them with the team, add 3 to 5 measurable key results, move them to review",
    ]
    lines = [
        f"# OKR planning: {label}",
        "",
        f"{label} starts on {cal.start(quarter)}. okrflow schedule keeps this issue; "
        "tick the boxes as you go.",
        "",
        "| Step | Date | What happens |",
        "| --- | --- | --- |",
        *rows,
        "",
        "## Checklist per team",
    ]
    for team in _teams(ws, quarter) or ["All teams"]:
        lines += ["", f"### {md_inline(team)}", ""]
        lines += [f"- [ ] {item}" for item in checklist]
    return f"OKR planning: {cal.label(quarter)}", "\n".join(lines) + "\n"


class _Plan:
    """The planning issue of one quarter and the steps it records as done."""

    def __init__(self, run: _Run, quarter: Quarter) -> None:
        self.run = run
        self.quarter = quarter
        self.label = run.label(quarter)
        self.record = run.find(self.label, _PLAN)
        block = read_marker_comment(_PLAN, self.record.description) if self.record else None
        done = block.get("done") if block else None
        self.done: dict[str, str] = dict(done) if isinstance(done, dict) else {}

    def mark(self, step: str) -> IssueRecord | None:
        self.done[step] = self.run.day.isoformat()
        self.record = self.run.store(
            self.label,
            _PLAN,
            _plan_block(self.label, self.done),
            self.record,
            lambda: _planning_text(self.run.ws, self.quarter),
        )
        return self.record


# -- the steps ---------------------------------------------------------------------------------


def _ref(record: IssueRecord | None) -> str:
    if record is None or record.iid <= 0:
        return "a new issue"
    return f"#{record.iid}"


def _drafting(run: _Run, plan: _Plan) -> list[str]:
    existed = plan.record is not None
    record = plan.mark("drafting")
    verb = "would open" if run.ws.dry_run else "opened"
    if existed:
        return [f"planning issue {_ref(record)} already open"]
    return [f"{verb} the planning issue {_ref(record)} with a checklist per team"]


def _review(run: _Run, plan: _Plan) -> list[str]:
    ws = run.ws
    snap = load_snapshot(ws.gl, ws.labels, quarter=plan.label)
    drafts = [o for o in snap.objectives if o.iid is not None and o.state is State.DRAFT]
    marker = REVIEW_MARKER.format(quarter=plan.label)
    start = ws.calendar.start(plan.quarter)
    reminded = []
    for objective in drafts:
        assert objective.iid is not None
        if any(marker in note.body for note in ws.gl.list_notes(objective.iid)):
            continue
        who = f"{mention(objective.owner)}, " if objective.owner else ""
        body = (
            f"{who}okrflow schedule: drafts for {md_inline(plan.label)} go to review now. "
            "Please polish this objective with your team and move it to review "
            f"(`okrflow move #{objective.iid} --to review`) before {md_inline(plan.label)} "
            f"starts on {start}: only objectives under review that pass lint become active "
            f"then.\n\n{marker}"
        )
        run.write()
        ws.gl.create_note(objective.iid, body, marker=marker)
        reminded.append(f"#{objective.iid}")
    plan.mark("review")
    verb = "would remind" if ws.dry_run else "reminded"
    if not reminded:
        return [f"no objective of {plan.label} left to remind ({len(drafts)} in draft)"]
    return [f"{verb} {len(reminded)} draft objective(s): {', '.join(reminded)}"]


def _closing(run: _Run, plan: _Plan) -> list[str]:
    ending = run.label(plan.quarter.previous())
    doc, _ = build_quarter_report(run.ws, quarter=ending, kind="closing")
    if not doc["objectives"]:
        plan.mark("closing")
        return [f"{ending} has no OKRs: no closing report"]
    run.write()
    posted = post_report(run.ws, doc)
    plan.mark("closing")
    return [f"closing report of {ending}: {posted.line()}"]


def _activate(run: _Run, plan: _Plan) -> list[str]:
    ws = run.ws
    ending = run.label(plan.quarter.previous())
    lines = []
    carried = carry_marked(ws, quarter=ending, to=plan.label)
    for result in carried:
        lines += result.lines()
    closed = move_bulk(ws, quarter=ending, from_state=State.ACTIVE, to=State.CLOSED)
    lines += [m.line(dry_run=ws.dry_run) for m in closed.moved if not m.cascaded]
    activated = move_bulk(ws, quarter=plan.label, from_state=State.REVIEW, to=State.ACTIVE)
    lines += [m.line(dry_run=ws.dry_run) for m in activated.moved if not m.cascaded]
    lines += [f"not activated: {blocked.message()}" for blocked in activated.blocked]
    plan.mark("activate")
    summary = (
        f"{len(carried)} carried over, {sum(not m.cascaded for m in closed.moved)} closed in "
        f"{ending}, {sum(not m.cascaded for m in activated.moved)} activated in {plan.label}"
    )
    if activated.blocked:
        summary += f", {len(activated.blocked)} refused"
    return [*lines, summary]


_STEP_RUNNERS: dict[str, Callable[[_Run, _Plan], list[str]]] = {
    "drafting": _drafting,
    "review": _review,
    "closing": _closing,
    "activate": _activate,
}


# -- weekly check-in reminders --------------------------------------------------------------------


def stale_key_results(
    ws: Workspace, quarter: Quarter, day: dt.date
) -> list[tuple[KeyResult, str, str]]:
    """The active key results of ``quarter`` measured by check-ins whose latest check-in
    is older than ``after_days`` on ``day``: (key result, owner, team), by iid."""
    settings = ws.config.schedule.checkin_reminders
    snap = load_snapshot(ws.gl, ws.labels, quarter=ws.calendar.label(quarter))
    start = ws.calendar.start(quarter)
    found = []
    for objective in snap.objectives:
        for kr in objective.key_results:
            state = kr.state or objective.state
            owner = kr.owner or objective.owner
            if state is not State.ACTIVE or kr.source.kind is not SourceKind.MANUAL or not owner:
                continue
            latest = kr.latest
            last = latest.at.astimezone(dt.timezone.utc).date() if latest else start
            if (day - max(last, start)).days > settings.after_days:
                found.append((kr, owner, kr.team or objective.team or "(no team)"))
    return sorted(found, key=lambda item: item[0].iid or 0)


def _reminder_body(
    ws: Workspace, quarter: str, week: dt.date, group: str, items: Sequence[tuple[KeyResult, str]]
) -> str:
    settings = ws.config.schedule.checkin_reminders
    owners = list(dict.fromkeys(owner for _, owner in items))
    who = ", ".join(mention(owner) for owner in owners)
    if settings.group_by == "team":
        who = f"Team {md_inline(group)}: {who}"
    lines = [
        f"{who}, the weekly check-in reminder for {md_inline(quarter)} (week of {week}): "
        f"these key results have had no check-in for more than {settings.after_days} days.",
        "",
    ]
    for kr, owner in items:
        last = kr.latest
        when = f"last check-in {last.at.date()}" if last else "no check-in yet"
        extra = f", owner {md_inline(owner)}" if settings.group_by == "team" else ""
        lines.append(f"- #{kr.iid} {md_inline(kr.title)} ({when}{extra})")
    lines += [
        "",
        "Comment on each with a first line like `Check-in: 42 confidence 70%`, or run "
        "`okrflow checkin <ref> --value 42`.",
        "",
        REMINDER_MARKER.format(week=week.isoformat(), who=_marker_name(group)),
    ]
    return "\n".join(lines)


def _marker_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _reminders_text(ws: Workspace, quarter: str) -> tuple[str, str]:
    settings = ws.config.schedule.checkin_reminders
    text = (
        f"# OKR check-in reminders: {md_inline(quarter)}\n\n"
        f"okrflow schedule comments here once a week for each {settings.group_by} whose key "
        f"results have had no check-in for more than {settings.after_days} days.\n"
    )
    return f"OKR check-in reminders: {quarter}", text


def _reminders(run: _Run, quarter: Quarter) -> Action | None:
    ws, day = run.ws, run.day
    settings = ws.config.schedule.checkin_reminders
    weeks = [w for w in ws.calendar.checkin_weeks(quarter) if w <= day]
    if not settings.enabled or not weeks:
        return None
    week, label = weeks[-1], run.label(quarter)
    groups: dict[str, list[tuple[KeyResult, str]]] = {}
    for kr, owner, team in stale_key_results(ws, quarter, day):
        key = owner if settings.group_by == "owner" else team
        groups.setdefault(key, []).append((kr, owner))
    if not groups:
        return None
    existing = run.find(label, _REMIND)
    block = read_marker_comment(_REMIND, existing.description) if existing else None
    recorded: dict[str, list[str]] = {}
    if block and isinstance(block.get("weeks"), dict):
        recorded = {str(k): list(v) for k, v in block["weeks"].items() if isinstance(v, list)}
    sent = recorded.setdefault(week.isoformat(), [])
    pending = [name for name in groups if name not in sent]
    if not pending:
        return None
    action = Action(f"check-in reminders {label}, week of {week}", week)
    record = existing
    if record is None:  # the issue first, so the comments have a home
        record = run.store(
            label,
            _REMIND,
            _remind_block(label, recorded),
            None,
            lambda: _reminders_text(ws, label),
        )
    assert record is not None
    notes = ws.gl.list_notes(record.iid) if existing is not None else []
    for name in pending:
        body = _reminder_body(ws, label, week, name, groups[name])
        marker = REMINDER_MARKER.format(week=week.isoformat(), who=_marker_name(name))
        if not any(marker in note.body for note in notes):
            run.write()
            ws.gl.create_note(record.iid, body, marker=marker)
        sent.append(name)
        shown = ", ".join(f"#{kr.iid}" for kr, _ in groups[name])
        verb = "would remind" if ws.dry_run else "reminded"
        action.lines.append(f"{verb} {md_inline(name)} on {_ref(record)}: {shown}")
    # one issue per quarter: its record holds at most the quarter's 14 weeks
    run.store(label, _REMIND, _remind_block(label, recorded), record, lambda: ("", ""))
    return action


# -- the command -------------------------------------------------------------------------------


def schedule(ws: Workspace) -> ScheduleResult:
    """Run every step of the OKR schedule due on ``ws.today()`` and not done yet, then
    the weekly check-in reminders. Set ``ws.now`` to run it for another day."""
    day = ws.today()
    current = ws.calendar.quarter_of(day)
    result = ScheduleResult(
        day,
        ws.calendar.label(current),
        ws.calendar.label(current.next()),
        dry_run=ws.dry_run,
    )
    run = _Run(ws, day)
    run.write()  # fail at once, not half way, when only a job token is available
    plans: dict[Quarter, _Plan] = {}
    for step in due_steps(ws, day):
        plan = plans.get(step.quarter) or plans.setdefault(step.quarter, _Plan(run, step.quarter))
        if step.name in plan.done:
            continue
        what = f"{step.name} {plan.label}"
        result.actions.append(Action(what, step.date, _STEP_RUNNERS[step.name](run, plan)))
    reminders = _reminders(run, current)
    if reminders is not None:
        result.actions.append(reminders)
    return result

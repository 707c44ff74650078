"""The weekly check-in reminders of ``okrflow schedule``.

During a quarter, on each check-in week (Mondays) okrflow reminds the owners of active
key results and of open KPIs (measured by check-ins) whose latest check-in is more than
``checkin_reminders.after_days`` days old (or who have none, counting from the
quarter's start): one comment per owner (``group_by: owner``) or per team
(``group_by: team``) on the quarter's issue "OKR check-in reminders: Q", each owner
mentioned once. Only the latest week is ever reminded; an owner reminded this week is
not reminded again until the next. The weeks reminded are recorded in that issue; each
comment carries a marker, so a broken-off run posts none twice.

In a group scope each project holding stale key results (or KPIs) has its own reminders
issue, and its owners are reminded there of its key results.
"""

from __future__ import annotations

import datetime as dt
import re

from okrflow.adapter import IssueRecord, PlannedIssue, Snapshot
from okrflow.commands.schedule_run import Action, ScheduleRun
from okrflow.commands.workspace import Workspace
from okrflow.core.calendar import Quarter
from okrflow.core.checkins import latest_checkin
from okrflow.core.description import marker_comment, read_marker_comment
from okrflow.core.model import KeyResult, SourceKind, State
from okrflow.core.standing import Kpi
from okrflow.render import comments

__all__ = ["REMINDER_MARKER", "checkin_reminders", "stale_key_results"]

_REMIND = "reminders"  # the reminders issue's record of the weeks reminded
REMINDER_MARKER = "<!-- okrflow:reminder {week} {who} -->"


def _remind_block(quarter: str, weeks: dict[str, list[str]]) -> str:
    return marker_comment(_REMIND, {"quarter": quarter, "weeks": weeks})


def stale_key_results(
    ws: Workspace, quarter: Quarter, day: dt.date, snap: Snapshot | None = None
) -> list[tuple[KeyResult | Kpi, str, str]]:
    """The active key results of ``quarter`` and the open KPIs measured by check-ins whose
    latest check-in is older than ``after_days`` on ``day``: (key result or KPI, owner,
    team), by iid; from ``snap``, the quarter loaded already, else loaded now."""
    settings = ws.config.schedule.checkin_reminders
    if snap is None:
        snap = ws.repo.load(ws.calendar.label(quarter))
    start = ws.calendar.start(quarter)
    candidates: list[tuple[KeyResult | Kpi, str | None, str | None]] = []
    for objective in snap.objectives:
        for kr in objective.key_results:
            if (kr.state or objective.state) is State.ACTIVE:
                candidates.append((kr, kr.owner or objective.owner, kr.team or objective.team))
    candidates += [(kpi, kpi.owner, kpi.team) for kpi in snap.kpis]
    found: list[tuple[KeyResult | Kpi, str, str]] = []
    for item, owner, team in candidates:
        if item.source.kind is not SourceKind.MANUAL or not owner:
            continue
        latest = latest_checkin(item.checkins)
        last = latest.at.astimezone(dt.timezone.utc).date() if latest else start
        if (day - max(last, start)).days > settings.after_days:
            found.append((item, owner, team or "(no team)"))
    return sorted(found, key=lambda item: item[0].iid or 0)


def _marker_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def checkin_reminders(
    run: ScheduleRun, quarter: Quarter, snap: Snapshot | None = None
) -> Action | None:
    """Remind the owners of ``quarter``'s stale key results and KPIs this week (once);
    ``snap``: the quarter as this run loaded it, if nothing has changed it since."""
    ws, day = run.ws, run.day
    settings = ws.config.schedule.checkin_reminders
    weeks = [w for w in ws.calendar.checkin_weeks(quarter) if w <= day]
    if not settings.enabled or not weeks:
        return None
    week, label = weeks[-1], run.label(quarter)
    by_project: dict[str | None, dict[str, list[tuple[KeyResult | Kpi, str]]]] = {}
    for kr, owner, team in stale_key_results(ws, quarter, day, snap):
        key = owner if settings.group_by == "owner" else team
        groups = by_project.setdefault(kr.project or None, {})  # a group's: the KR's project
        groups.setdefault(key, []).append((kr, owner))
    action = Action(f"check-in reminders {label}, week of {week}", week)
    for project, groups in by_project.items():
        action.lines += _remind(run, label, week, groups, project)
    return action if action.lines else None


def _remind(
    run: ScheduleRun,
    label: str,
    week: dt.date,
    groups: dict[str, list[tuple[KeyResult | Kpi, str]]],
    project: str | None,
) -> list[str]:
    """Remind ``groups`` (by owner or team) on the reminders issue of ``project`` (a
    group scope's, else the OKR project's) this week, once; the lines saying so."""
    ws = run.ws
    settings = ws.config.schedule.checkin_reminders
    existing = run.find(label, _REMIND, project)
    block = read_marker_comment(_REMIND, existing.description) if existing else None
    recorded: dict[str, list[str]] = {}
    if block and isinstance(block.get("weeks"), dict):
        recorded = {str(k): list(v) for k, v in block["weeks"].items() if isinstance(v, list)}
    sent = recorded.setdefault(week.isoformat(), [])
    pending = [name for name in groups if name not in sent]
    if not pending:
        return []
    out: list[str] = []
    record = existing
    if record is None:  # the issue first, so the comments have a home
        record = run.store(
            label,
            _REMIND,
            _remind_block(label, recorded),
            None,
            lambda: comments.reminders_issue(label, settings.group_by, settings.after_days),
            project=project,
        )
    on = record if isinstance(record, PlannedIssue) else record.iid
    notes = (
        run.own_notes(record.iid, "<!-- okrflow:", project)
        if isinstance(record, IssueRecord)
        else []
    )
    for name in pending:
        marker = REMINDER_MARKER.format(week=week.isoformat(), who=_marker_name(name))
        body = comments.checkin_reminder(
            label,
            week,
            name,
            groups[name],
            group_by=settings.group_by,
            after_days=settings.after_days,
            marker=marker,
        )
        if not any(marker in note.body for note in notes):
            run.write()
            ws.repo.create_note(on, body, marker=marker, project=project)
        sent.append(name)
        shown = ", ".join(f"{kr.project}#{kr.iid}" for kr, _ in groups[name])
        verb = "would remind" if ws.dry_run else "reminded"
        out.append(f"{verb} {name} on {run.named(record)}: {shown}")
    # one issue per quarter (and project): its record holds at most the quarter's 14 weeks
    kept = _remind_block(label, recorded)
    run.store(label, _REMIND, kept, record, lambda: ("", ""), project=project)
    return out

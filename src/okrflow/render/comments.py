"""The comments and planning texts okrflow posts in GitLab, as GitLab Markdown.

Every text here mentions only the people it is for
(:func:`~okrflow.render.escape.markdown.mention`), quotes people's text inert (no
mention, no quick action, no comment), and ends with the marker that lets a later run
find it (so a run broken off half way never posts a text twice). The marker strings
belong to the commands that post them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from okrflow.core.checkins import latest_checkin
from okrflow.core.kpis import explain_kpi
from okrflow.core.lifecycle import states_text
from okrflow.core.model import KeyResult, Objective, Outcome, Problem, SourceKind, State
from okrflow.core.rules import Finding
from okrflow.core.standing import Kpi
from okrflow.render.display import count, score
from okrflow.render.escape.markdown import escape_blocks, md_inline, mention

__all__ = [
    "LINT_FIXED",
    "STEP_TITLES",
    "adopted_quarter",
    "checkin_reminder",
    "kpi_issue_text",
    "lint_comment",
    "lint_fixed_comment",
    "move_comment",
    "planning_issue",
    "reminders_issue",
    "report_final",
    "review_reminder",
    "try_section",
]

LINT_FIXED = "okrflow lint: all fixed ✓"
STEP_TITLES = {
    "drafting": "Drafting",
    "review": "Review",
    "closing": "Closing ceremony",
    "activate": "Start: OKRs active",
}
_SPACE = re.compile(r"\s+")


def _inert(text: str) -> str:
    """Issue text quoted in a comment: one line, no mention, no quick action, no comment."""
    return escape_blocks(_SPACE.sub(" ", text).strip())


# -- lint -------------------------------------------------------------------------------------


def lint_comment(
    okr: Objective | KeyResult,
    findings: Sequence[Finding],
    problems: Sequence[Problem],
    marker: str,
) -> str:
    """The lint comment for one issue: its owner mentioned, one line per finding."""
    what = "objective" if isinstance(okr, Objective) else "key result"
    things = count(len(findings) + len(problems), "thing")
    greeting = f"{mention(okr.owner)}, okrflow" if okr.owner else "okrflow"
    lines = [f"{greeting} lint found {things} to fix in this {what}:", ""]
    for f in findings:
        lines.append(f"- **{f.severity.value}** `{f.rule}`: {_inert(f.message)}")
    for p in problems:
        lines.append(f"- **problem**: {_inert(p.message)}")
    lines += [
        "",
        "Edit the issue to fix them; okrflow updates this comment when it checks again.",
        "",
        marker,
    ]
    return "\n".join(lines)


def lint_fixed_comment(marker: str) -> str:
    return f"{LINT_FIXED} Nothing is left to fix in this issue.\n\n{marker}"


# -- lifecycle moves ------------------------------------------------------------------------


def move_comment(
    states: Sequence[State],
    target: State,
    *,
    by: str | None,
    objective: str | None,
    outcome: Outcome | None,
    closing_score: float | None,
    marker: str,
) -> str:
    """``okrflow: moved from In Draft to Under Review by @lead`` (and the outcome);
    ``objective``: the one a key result moves with (``#12``, in a group scope
    ``acme/sales#12``)."""
    who = f" by {mention(by)}" if by else " by okrflow"
    body = f"okrflow: moved from {states_text(states)} to {target.display}{who}"
    if objective is not None:
        body += f" (with its objective {objective})"
    if target is State.CLOSED and outcome is not None:
        shown = "" if closing_score is None else f", score {score(closing_score)}"
        body += f"; outcome: {outcome.value}{shown}"
    return f"{body}\n\n{marker}"


# -- the schedule ----------------------------------------------------------------------------


def review_reminder(objective: Objective, quarter: str, start: dt.date, marker: str) -> str:
    """The comment on a draft objective when its quarter's drafts go to review."""
    who = f"{mention(objective.owner)}, " if objective.owner else ""
    label = md_inline(quarter)
    return (
        f"{who}okrflow schedule: drafts for {label} go to review now. "
        "Please polish this objective with your team and move it to review "
        f"(`okrflow move {objective.issue_id} --to review`) before {label} "
        f"starts on {start}: only objectives under review that pass lint become active "
        f"then.\n\n{marker}"
    )


def adopted_quarter(
    quarter: str, day: dt.date, gone: str, skipped: Mapping[str, dt.date]
) -> tuple[str, str]:
    """(title, text) of the planning issue of ``quarter`` when okrflow's schedule first
    ran with it under way (``gone``: how much of it, "68%"): which steps it skipped."""
    label = md_inline(quarter)
    rows = [f"| {STEP_TITLES[name]} | {date} | skipped |" for name, date in skipped.items()]
    lines = [
        f"# OKR planning: {label}",
        "",
        f"okrflow's schedule first ran on {day}, with {label} under way ({gone} of it gone).",
        "It skipped the steps dated before that day and does what is due from then on;",
        "`okrflow schedule --catch-up` runs the skipped ones.",
        "",
        "| Step | Date | |",
        "| --- | --- | --- |",
        *rows,
    ]
    return f"OKR planning: {quarter}", "\n".join(lines) + "\n"


def planning_issue(
    quarter: str,
    ending: str,
    start: dt.date,
    dates: Mapping[str, dt.date],
    teams: Sequence[str],
) -> tuple[str, str]:
    """(title, text) of the planning issue of ``quarter``, which follows ``ending``;
    ``dates`` are the schedule's steps, ``teams`` get a checklist each."""
    label, previous = md_inline(quarter), md_inline(ending)
    review = dates.get("review", start)
    what = {
        "drafting": "Leadership shares the top goals, drafts the objectives and agrees DRIs; "
        f"the current OKR status ({previous}) is reviewed",
        "review": "Drafts are reviewed, polished with the teams and moved to review",
        "closing": f"Closing ceremony: the closing report of {previous} is posted",
        "activate": f"Objectives under review that pass lint become active; {previous} closes",
    }
    rows = [f"| {STEP_TITLES[name]} | {date} | {what[name]} |" for name, date in dates.items()]
    checklist = [
        "Share the top goals with the leadership team for feedback",
        f"Review the current OKR status ({previous})",
        f"Draft the objectives for {label} and agree their owners (DRIs)",
        f"Open them in GitLab from the OKR Objective template (or okrflow new) by {review}",
        "Polish them with the team, add 3 to 5 measurable key results, move them to review",
    ]
    lines = [
        f"# OKR planning: {label}",
        "",
        f"{label} starts on {start}. okrflow schedule keeps this issue; tick the boxes as you go.",
        "",
        "| Step | Date | What happens |",
        "| --- | --- | --- |",
        *rows,
        "",
        "## Checklist per team",
    ]
    for team in teams or ["All teams"]:
        lines += ["", f"### {md_inline(team)}", ""]
        lines += [f"- [ ] {item}" for item in checklist]
    return f"OKR planning: {quarter}", "\n".join(lines) + "\n"


def report_final(quarter: str, next_quarter: str, day: dt.date, marker: str) -> str:
    """The comment on the closing report issue when day 0 rewrites it with the outcomes."""
    return (
        f"okrflow schedule, {day}: {md_inline(next_quarter)} starts today and "
        f"{md_inline(quarter)} is closed. This report was updated in place: the draft shown "
        "at the closing ceremony now holds each objective's outcome and final grade, and "
        f"the answers of the retrospectives.\n\n{marker}"
    )


def try_section(quarter: str, items: Sequence[tuple[str | None, str]]) -> str:
    """The planning issue's checklist of the Try answers of ``quarter``'s retrospectives."""
    lines = [f"## Try this quarter (from the {md_inline(quarter)} retrospectives)", ""]
    for team, text in items:
        who = f"**{md_inline(team)}**: " if team else ""
        lines.append(f"- [ ] {who}{md_inline(text)}")
    return "\n".join(lines) + "\n"


def reminders_issue(quarter: str, group_by: str, after_days: int) -> tuple[str, str]:
    """(title, text) of the issue the weekly check-in reminders of ``quarter`` go on."""
    text = (
        f"# OKR check-in reminders: {md_inline(quarter)}\n\n"
        f"okrflow schedule comments here once a week for each {group_by} whose key "
        f"results have had no check-in for more than {after_days} days.\n"
    )
    return f"OKR check-in reminders: {quarter}", text


def checkin_reminder(
    quarter: str,
    week: dt.date,
    group: str,
    items: Sequence[tuple[KeyResult | Kpi, str]],
    *,
    group_by: str,
    after_days: int,
    marker: str,
) -> str:
    """One weekly reminder: the owners mentioned once, their stale key results (and
    KPIs) listed."""
    owners = list(dict.fromkeys(owner for _, owner in items))
    who = ", ".join(mention(owner) for owner in owners)
    if group_by == "team":
        who = f"Team {md_inline(group)}: {who}"
    what = "key results"
    if any(isinstance(kr, Kpi) for kr, _ in items):
        what = "KPIs" if all(isinstance(kr, Kpi) for kr, _ in items) else "key results and KPIs"
    lines = [
        f"{who}, the weekly check-in reminder for {md_inline(quarter)} (week of {week}): "
        f"these {what} have had no check-in for more than {after_days} days.",
        "",
    ]
    for kr, owner in items:
        last = latest_checkin(kr.checkins)
        when = f"last check-in {last.at.date()}" if last else "no check-in yet"
        extra = f", owner {md_inline(owner)}" if group_by == "team" else ""
        lines.append(f"- #{kr.iid} {md_inline(kr.title)} ({when}{extra})")
    lines += [
        "",
        "Comment on each with a first line like `Check-in: 42 confidence 70%`, or run "
        "`okrflow checkin <ref> --value 42`.",
        "",
        marker,
    ]
    return "\n".join(lines)


def kpi_issue_text(kpi: Kpi) -> str:
    """The description okrflow writes for a KPI issue (without its metadata block)."""
    healthy = explain_kpi(kpi.healthy) if kpi.healthy else "not read yet"
    if kpi.source.kind is SourceKind.MANUAL:
        how = (
            "Weekly check-ins: comment on this issue with a first line like "
            "`Check-in: <value>`, or run `okrflow checkin <ref> --value <value>`."
        )
    else:
        how = f"Measured by okrflow rollup from its {kpi.source.kind.value} source."
    lines = [
        "## KPI",
        "",
        md_inline(kpi.title),
        "",
        "## Healthy range",
        "",
        md_inline(healthy),
        "",
        "## Owner",
        "",
        mention(kpi.owner) if kpi.owner else "(none)",
        "",
        "## How it is measured",
        "",
        how,
    ]
    return "\n".join(lines) + "\n"


# -- board moves -----------------------------------------------------------------------------


def bypass_comment(
    recorded: State,
    current: State,
    *,
    by: str | None,
    at: dt.datetime | None,
    reason: str,
    reverted: bool,
    marker: str,
) -> str:
    """The one comment on a lifecycle label a person changed past okrflow move's checks."""
    who = mention(by) if by else "someone (GitLab does not say who)"
    when = f" on {at.astimezone(dt.timezone.utc).date().isoformat()}" if at else ""
    moved = f"{who} moved this from {recorded.display} to {current.display}{when}"
    if reverted:
        body = f"okrflow: moved back to {recorded.display}: {moved}, but {reason}."
    else:
        body = (
            f"okrflow: {moved}, but {reason}. okrflow leaves it there; "
            "`okrflow move` is the checked way."
        )
    return f"{body}\n\n{marker}"

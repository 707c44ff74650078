"""The closing ceremony in ``okrflow schedule``: the report, the retrospectives, day 0.

**One week out** (the ``closing`` step of quarter Q, for the ending quarter P): the
closing report of P is posted as a *draft* (its objectives are still open: it says
that outcomes come on day 0), then one retrospective issue per team of P is opened
(:mod:`okrflow.commands.retrospective`), naming the report.

**Day 0** (the ``activate`` step, once P's objectives are closed with their outcomes):

1. the same report issue is rewritten in place with the outcomes, final grades and
   the retrospectives' answers, and gets one comment saying so (found again by its
   marker: never twice). Its description keeps P's whole report document;
2. the planning issue of Q gets the Try answers of P's retrospectives as checklist
   items (a section of its own; a box someone ticked stays ticked) and the history of
   the quarters up to P (a hidden block): Q's reports find it in Q's listing at no
   extra cost (:mod:`okrflow.commands.story`). Both go out in the one update that
   records the step as done.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from okrflow.commands.report import build_quarter_report, post_report
from okrflow.commands.report_issue import PostResult
from okrflow.commands.retrospective import open_retrospectives
from okrflow.commands.schedule_run import ScheduleRun
from okrflow.core.archive import history_block, with_history
from okrflow.core.retrospective import try_items
from okrflow.render import comments

__all__ = ["TRY_END", "TRY_START", "closing_ceremony", "day0_report", "with_try_items"]

TRY_START = "<!-- okrflow:try:start -->"
TRY_END = "<!-- okrflow:try:end -->"
FINAL_MARKER = "<!-- okrflow:report final {quarter} -->"
_TRY = re.compile(re.escape(TRY_START) + r".*?" + re.escape(TRY_END) + r"\n?", re.S)
_TICKED = re.compile(r"^- \[[xX]\] (.*)$", re.M)


def closing_ceremony(run: ScheduleRun, ending: str) -> list[str]:
    """Post the draft closing report of ``ending`` and open its retrospectives."""
    ws = run.ws
    doc, _ = build_quarter_report(ws, quarter=ending, kind="closing")
    if not doc["objectives"]:
        return [f"{ending} has no OKRs: no closing report"]
    run.write()
    posted = post_report(ws, doc)
    for problem in posted.problems:  # a report issue someone else filed: ignored, named
        run.report(problem)
    lines = [f"closing report of {ending}: {posted.line(dry_run=ws.dry_run)}"]
    # a group's retrospectives open in other projects: the report by full reference
    top = ws.repo.project_path if ws.repo.group_path else ""
    report = f"{top}#{posted.iid}" if posted.iid is not None else ""
    return lines + open_retrospectives(ws, doc, report=report)


def _announce(run: ScheduleRun, posted: PostResult, quarter: str, next_quarter: str) -> str:
    """One comment on the report issue saying it now holds the outcomes (once)."""
    ws = run.ws
    if posted.iid is None or posted.action == "created":
        return ""
    marker = FINAL_MARKER.format(quarter=quarter)
    if any(marker in note.body for note in run.own_notes(posted.iid, marker)):
        return ""
    body = comments.report_final(quarter, next_quarter, run.day, marker)
    ws.repo.create_note(posted.iid, body, marker=marker)
    return f"{'would comment' if ws.dry_run else 'commented'} on #{posted.iid}: updated on day 0"


def with_try_items(description: str, section: str) -> str:
    """``description`` with its Try section replaced by ``section`` (appended when it has
    none); an item ticked in the old section stays ticked."""
    old = _TRY.search(description)
    ticked = set(_TICKED.findall(old.group(0))) if old else set()
    if ticked:
        section = re.sub(
            r"^- \[ \] (.*)$",
            lambda m: f"- [x] {m.group(1)}" if m.group(1) in ticked else m.group(0),
            section,
            flags=re.M,
        )
    block = f"{TRY_START}\n{section.rstrip()}\n{TRY_END}\n"
    if old:
        return description[: old.start()] + block + description[old.end() :]
    return description.rstrip("\n") + "\n\n" + block


def day0_report(
    run: ScheduleRun, ending: str, quarter: str
) -> tuple[list[str], Callable[[str], str]]:
    """Update the closing report of ``ending`` with its outcomes and answers; the lines
    to print and the edit that brings the Try items and the history into ``quarter``'s
    planning issue."""
    ws = run.ws
    doc, _ = build_quarter_report(ws, quarter=ending, kind="closing")
    lines: list[str] = []
    if doc["objectives"]:
        run.write()
        posted = post_report(ws, doc)
        for problem in posted.problems:
            run.report(problem)
        lines.append(
            f"closing report of {ending} with its outcomes: {posted.line(dry_run=ws.dry_run)}"
        )
        said = _announce(run, posted, ending, quarter)
        if said:
            lines.append(said)
    items = try_items(doc.get("retrospective") or [])
    if items:
        lines.append(
            f"{len(items)} Try item(s) of the {ending} retrospectives in the planning issue"
        )
    section = comments.try_section(ending, items)
    entries: Sequence[Any] = doc["history"]["quarters"] if doc["objectives"] else []

    def edit(text: str) -> str:
        if items:
            text = with_try_items(text, section)
        if entries:
            text = with_history(text, history_block(quarter, entries))
        return text

    return lines, edit

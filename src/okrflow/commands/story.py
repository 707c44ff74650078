"""A report's story, gathered from GitLab: dates, names, carry-over, retrospectives, history.

:func:`tell_story` adds to a report document what :func:`okrflow.core.ceremony.tell`
describes, reading as little as it can:

- **display names**: GitLab's ``name`` of each owner and retrospective author. The
  issue listing already carries the names of authors and assignees; anyone else is
  looked up once per run (``GET /users?username=``);
- **retrospectives** (closing reports): the retrospective issues come with the
  quarter's listing; one request per issue that has comments, one for the project's
  members when a comment holds answers (:mod:`okrflow.commands.retrospective`);
- **history**: the entries of the quarters before, kept in the quarter's planning
  issue (it comes with the quarter's listing: no request) by ``okrflow schedule`` on
  day 0; without one, in the previous quarter's closing report issue (one listing of
  that quarter's okrflow issues). See :mod:`okrflow.core.archive`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from okrflow.adapter import RecordKey, Snapshot
from okrflow.commands.carry import is_marked
from okrflow.commands.report_issue import find_report_issue
from okrflow.commands.retrospective import read_retrospectives
from okrflow.commands.workspace import Workspace
from okrflow.core.archive import read_document, read_history
from okrflow.core.authority import by_okrflow
from okrflow.core.calendar import Quarter
from okrflow.core.ceremony import tell

__all__ = ["PLANNING_RECORD", "kept_history", "quarter_dates", "tell_story"]

PLANNING_RECORD = "schedule"  # the planning issue's record block (okrflow.commands.schedule)


def quarter_dates(ws: Workspace, quarter: Quarter) -> dict[str, str]:
    """The quarter's start and end, its closing ceremony and day 0 (the next start)."""
    cal = ws.calendar
    following = quarter.next()
    weeks = ws.config.schedule.closing.weeks_before
    day0 = cal.start(following)
    return {
        "start": cal.start(quarter).isoformat(),
        "end": cal.end(quarter).isoformat(),
        "ceremony": (day0 - dt.timedelta(weeks=weeks)).isoformat(),
        "day0": day0.isoformat(),
        "next_quarter": cal.label(following),
    }


def _usernames(doc: Mapping[str, Any], retros: Iterable[Mapping[str, Any]]) -> list[str]:
    names: list[str] = []
    for o in doc["objectives"]:
        names += [o["owner"], *(kr["owner"] for kr in o["key_results"])]
    for retro in retros:
        names += [a["author"] for kind in ("good", "bad", "try") for a in retro[kind]]
    return [n.lstrip("@") for n in dict.fromkeys(names) if isinstance(n, str) and n]


def display_names(ws: Workspace, snap: Snapshot, usernames: Iterable[str]) -> dict[str, str]:
    """username -> GitLab display name, for every username that has one."""
    repo = ws.repo
    for record in [*(i.record for i in snap.issues.values()), *snap.others]:
        repo.remember_names(record.people)
    found = {}
    for username in usernames:
        name = repo.display_name(username)
        if name:
            found[username] = name
    return found


def kept_history(ws: Workspace, snap: Snapshot, quarter: Quarter) -> list[Any]:
    """The history entries of the quarters before ``quarter`` (see the module)."""
    label = ws.calendar.label(quarter)
    planning = RecordKey(PLANNING_RECORD, {"quarter": label})
    own, _ = by_okrflow(snap.others, ws.repo.authors)  # history only from okrflow's records
    for record in own:
        if ws.labels.report in record.labels and planning.matches(record.description):
            entries = read_history(record.description, label)
            if entries is not None:
                return entries
    previous = ws.calendar.label(quarter.previous())
    issue, _ = find_report_issue(ws, previous, "closing")
    kept = read_document(issue.description) if issue is not None else None
    if kept is None:
        return []
    history = kept.get("history")
    if isinstance(history, dict) and isinstance(history.get("quarters"), list):
        return list(history["quarters"])
    return []


def _order(ws: Workspace, entries: Iterable[Any], current: str) -> list[str]:
    labels = {current}
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("quarter"), str):
            labels.add(entry["quarter"])
    known = []
    for label in labels:
        try:
            known.append((ws.calendar.parse(label), label))
        except ValueError:
            continue
    return [label for _, label in sorted(known)]


def tell_story(ws: Workspace, doc: dict[str, Any], snap: Snapshot) -> dict[str, Any]:
    """``doc`` with its story: dates, names, carry-over, retrospectives, history."""
    quarter = ws.quarter(doc["quarter"])
    retros = None
    problems: list[dict[str, str]] = []
    if doc["kind"] == "closing":
        found, refused = read_retrospectives(ws, snap, doc["quarter"])
        retros = [r.to_json() for r in found]
        problems = [{"where": p.where, "message": p.message} for p in refused]
    marked = [o.key for o in snap.objectives if snap.has(o) and is_marked(snap.item(o), ws.labels)]
    history = kept_history(ws, snap, quarter)
    dates = quarter_dates(ws, quarter)
    told = tell(
        doc,
        dates=dates,
        people=display_names(ws, snap, _usernames(doc, retros or [])),
        marked=marked,
        next_quarter=dates["next_quarter"],
        retrospectives=retros,
        history=history,
        history_order=_order(ws, history, doc["quarter"]),
    )
    if problems:
        told["problems"] = [*told["problems"], *problems]
    return told

"""The closing ceremony's retrospectives: one issue per team, opened and read.

**Opened** by ``okrflow schedule`` at the closing step of the ending quarter: one issue
per team of the quarter, from the "OKR Retrospective" template (its Good / Bad / Try
sections, the team's objectives with their scores), titled "OKR retrospective:
<quarter> <team>", labelled with the retrospective label, the quarter and the team,
assigned to the team's objective owners (GitLab Free keeps the first; the others are
named in it) and found again by its record block (``retrospective``, with quarter
and team): a second pass opens nothing.

**Read** into the closing report (:func:`read_retrospectives`): the retrospective
issues come with the quarter's listing (they carry its label), so only their
comments cost a request, and only for an issue that has comments. Answers typed in
the sections count; answers in comments count from members of the OKR project only
(``/members/all``, read once); a comment with answers from anyone else is listed as
a problem. How answers are written: :mod:`okrflow.core.retrospective`.

**In a group scope** a team's retrospective opens in the team's project (the config's
``projects:`` entry naming the team, else the project of the team's first objective;
the objectives of no team: the top project), its objectives named by full reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from okrflow.adapter import IssueRecord, NewIssue, PlannedIssue, RecordKey, Snapshot
from okrflow.commands.compose import without_label_actions
from okrflow.commands.workspace import Workspace
from okrflow.core.authority import by_okrflow
from okrflow.core.description import marker_comment, read_marker_comment
from okrflow.core.model import Problem
from okrflow.core.retrospective import Retrospective, read_answers
from okrflow.render.display import team as team_name
from okrflow.render.templating import issue_labels, render_issue_template

__all__ = ["RECORD", "open_retrospectives", "read_retrospectives", "retrospective_record"]

RECORD = "retrospective"


def retrospective_record(quarter: str, team: str | None) -> RecordKey:
    return RecordKey(RECORD, {"quarter": quarter, "team": team})


def _title(quarter: str, team: str | None) -> str:
    return f"OKR retrospective: {quarter} {team_name(team)}"


def _owners(objectives: Iterable[Mapping[str, Any]]) -> list[str]:
    return list(dict.fromkeys(o["owner"] for o in objectives if o.get("owner")))


def team_project(ws: Workspace, doc: Mapping[str, Any], team: str | None) -> str | None:
    """In a group scope, the project of ``team``'s retrospective: the config's project
    for the team, else that of its first objective; None for no team (the top project)
    and in a project scope."""
    if not ws.repo.group_path or team is None:
        return None
    named = (p for p, t in ws.repo.settings.project_teams if t.casefold() == team.casefold())
    held = (o.get("project") for o in doc["objectives"] if o["team"] == team)
    return next(named, None) or next((p for p in held if p), None)


def _new_issue(ws: Workspace, doc: Mapping[str, Any], team: str | None, report: str) -> NewIssue:
    quarter = doc["quarter"]
    members = [o for o in doc["objectives"] if o["team"] == team]
    owners = [o.lstrip("@") for o in _owners(members)]
    text = render_issue_template(
        "retrospective",
        label_names=ws.labels,
        quarter=quarter,
        team=team,
        owners=owners,
        report=report or None,
        objectives=[
            {
                "ref": o.get("reference") or (f"#{o['iid']}" if o["iid"] is not None else ""),
                "title": o["title"],
                "kind": o["kind"],
                "score": o["score"],
                "outcome": o["outcome"] or "",
            }
            for o in members
        ],
    )
    record = retrospective_record(quarter, team)
    block = marker_comment(RECORD, dict(record.fields))
    return NewIssue(
        title=_title(quarter, team),
        description=f"{block}\n{without_label_actions(text)}",
        labels=tuple(
            issue_labels("retrospective", quarter=quarter, team=team, label_names=ws.labels)
        ),
        assignees=tuple(owners),
        record=record,
        project=team_project(ws, doc, team),
    )


def _existing(ws: Workspace, quarter: str) -> list[IssueRecord]:
    """The quarter's retrospectives okrflow opened (one someone else filed with its
    record is not okrflow's: the team's own is opened next to it)."""
    issues = ws.repo.list_issues(labels=[ws.labels.retrospective, quarter])
    own, _ = by_okrflow(issues, ws.repo.authors)
    return own


def open_retrospectives(ws: Workspace, doc: Mapping[str, Any], *, report: str = "") -> list[str]:
    """Open the retrospective of each team of the document's quarter that has none yet;
    ``report`` names the closing report issue (``#12``) for the issues to link to.
    One line per team."""
    quarter = doc["quarter"]
    teams = [t["name"] for t in doc["teams"]]
    found = _existing(ws, quarter) if teams else []
    lines = []
    for team in teams:
        record = retrospective_record(quarter, team)
        issue = next((r for r in found if record.matches(r.description)), None)
        if issue is not None:
            shown = issue.reference if ws.repo.group_path else f"#{issue.iid}"
            lines.append(f"retrospective of {team_name(team)} {shown} already open")
            continue
        new = _new_issue(ws, doc, team, report)
        created = ws.repo.create(new)
        owners = ", ".join(f"@{o}" for o in new.assignees) or "nobody"
        if isinstance(created, PlannedIssue):
            lines.append(f"would open the retrospective of {team_name(team)} ({created})")
        else:
            shown = created.reference if ws.repo.group_path else f"#{created.iid}"
            lines.append(f"opened the retrospective of {team_name(team)} {shown}, for {owners}")
    return lines


def _is_retrospective(record: IssueRecord, ws: Workspace, quarter: str) -> bool:
    return ws.labels.retrospective in record.labels and RecordKey(
        RECORD, {"quarter": quarter}
    ).matches(record.description)


def read_retrospectives(
    ws: Workspace, snap: Snapshot, quarter: str
) -> tuple[list[Retrospective], list[Problem]]:
    """The quarter's retrospectives with their answers, and the comments not counted."""
    found: list[Retrospective] = []
    problems: list[Problem] = []
    records = sorted(
        (r for r in snap.others if _is_retrospective(r, ws, quarter)), key=lambda r: r.iid
    )
    for record in records:
        team = (read_marker_comment(RECORD, record.description) or {}).get("team")
        where = record.project if ws.repo.group_path else None  # a group's: its team's project
        notes: Sequence[Any] = (
            ws.repo.list_notes(record.iid, project=where) if record.user_notes_count else []
        )
        answers, refused = read_answers(
            record.description,
            [(n.id, n.author, n.body) for n in notes if not n.system],
            iid=record.iid,
            accept=lambda author: ws.repo.is_member(author),
        )
        for note_id, author in refused:
            problems.append(
                Problem(
                    f"#{record.iid} note {note_id}",
                    f"@{author} is not a member of the project: their retrospective answer "
                    "is not counted",
                )
            )
        found.append(
            Retrospective(
                quarter,
                team if isinstance(team, str) else None,
                record.iid,
                record.web_url,
                answers,
            )
        )
    return found, problems

"""The report issue of ``okrflow report --post``: one per quarter and kind, kept up to date.

Labelled with the report label (``okr::report``) and the quarter, found again by
those labels and the record block at the top of its description (okrflow's
:class:`~okrflow.adapter.RecordKey` ``report``, with the quarter and kind). Its
description is the Markdown report followed by a GLQL block, a live table of the
quarter's OKRs, and, for a closing report, the JSON report document itself in a hidden
block (:mod:`okrflow.core.archive`): where the next report finds the quarter's
history, and the dashboard every closed quarter. A post whose content has not changed
since the last one (only the generation time would differ) writes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Literal

from okrflow.adapter import IssueRecord, NewIssue, PlannedIssue, RecordKey
from okrflow.commands.workspace import Workspace
from okrflow.core.archive import document_block
from okrflow.core.authority import by_okrflow, impostor
from okrflow.core.description import marker_comment, read_marker_comment
from okrflow.core.model import Problem
from okrflow.render import environment, render

__all__ = [
    "MAX_DESCRIPTION",
    "PostResult",
    "find_report_issue",
    "glql_string",
    "issue_description",
    "post_report",
    "report_marker",
]

MAX_DESCRIPTION = 1_000_000  # GitLab allows 1,048,576 characters; keep a margin


@dataclasses.dataclass(frozen=True)
class PostResult:
    """The report issue: created, updated, or left as it was."""

    iid: int | None  # None: a dry run would create it
    web_url: str
    action: Literal["created", "updated", "unchanged"]
    title: str = ""
    problems: tuple[Problem, ...] = ()  # report issues someone else wrote: ignored
    reference: str = ""  # in a group scope: its full reference (acme/company#12)

    def line(self, *, dry_run: bool = False) -> str:
        if self.iid is None:
            return f"would create the report issue: a new issue titled {self.title!r}"
        where = f"{self.reference or f'#{self.iid}'} {self.web_url}".strip()
        if self.action == "unchanged":
            return f"report issue {where} is up to date"
        verb = {"created": "create", "updated": "update"}[self.action]
        return f"{'would ' + verb if dry_run else self.action} report issue {where}"


def report_marker(quarter: str, kind: str, generated_at: str) -> str:
    """The first line of a report issue's description: how okrflow finds it again."""
    data = {"quarter": quarter, "kind": kind, "generated_at": generated_at}
    return marker_comment("report", data)


def read_marker(description: str) -> dict[str, Any] | None:
    return read_marker_comment("report", description)


def glql_string(text: str) -> str:
    """A GLQL string literal: double quotes, backslash and quote escaped, one line."""
    flat = " ".join(str(text).split())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _scope_prefix(names: Sequence[str]) -> str | None:
    """``okr-status::`` when every label of the group shares that scope."""
    scopes = {name.rpartition("::")[0] for name in names}
    if len(scopes) == 1 and "" not in scopes:
        return scopes.pop() + "::"
    return None


def _glql_fields(ws: Workspace) -> str:
    names = ws.labels
    fields = ["title"]
    for group in (
        (names.draft, names.review, names.active, names.closed),
        (names.on_track, names.needs_attention, names.at_risk),
    ):
        prefix = _scope_prefix(group)
        if prefix is not None:
            fields.append(f"labels({glql_string(prefix + '*')})")
    if len(fields) == 1:
        fields.append("labels")
    fields += ["assignee", "updated"]
    return ", ".join(fields)


def glql_block(ws: Workspace, doc: dict[str, Any]) -> str:
    """The "Live view" section: a GLQL table of the quarter's objectives and key results."""
    env = environment("md", ws.config.report.templates_dir)
    template = env.get_template("glql.md.j2")
    return template.render(
        doc=doc,
        fields=_glql_fields(ws),
        scope="group" if ws.repo.group_path else "project",
        project=glql_string(ws.repo.scope_path),
        quarter=glql_string(doc["quarter"]),
        types=", ".join(glql_string(t) for t in (ws.labels.objective, ws.labels.key_result)),
    )


def issue_title(doc: dict[str, Any]) -> str:
    what = "OKR closing ceremony" if doc["kind"] == "closing" else "OKR progress report"
    return f"{what}: {doc['quarter']}"


def issue_description(ws: Workspace, doc: dict[str, Any]) -> str:
    """Marker, the Markdown report, the live GLQL view, then (a closing report) the
    document itself, kept for the history and the dashboard."""
    templates_dir = ws.config.report.templates_dir
    body = render(doc, "md", templates_dir=templates_dir).rstrip("\n")
    live = glql_block(ws, doc).strip("\n")
    kept = document_block(doc) if doc["kind"] == "closing" else None
    if kept:
        live = f"{live}\n\n{kept}"
    marker = report_marker(doc["quarter"], doc["kind"], doc["generated_at"])
    room = MAX_DESCRIPTION - len(marker) - len(live) - 200
    if len(body) > room:
        body = (
            body[:room].rsplit("\n", 1)[0]
            + "\n\n_The report is longer than a GitLab description allows; the full "
            "report is in the pipeline's artifacts._"
        )
    return f"{marker}\n\n{body}\n\n{live}\n"


def _same(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()

    return norm(a) == norm(b)


def _record(quarter: str, kind: str) -> RecordKey:
    return RecordKey("report", {"quarter": quarter, "kind": kind})


def find_report_issue(
    ws: Workspace, quarter: str, kind: str
) -> tuple[IssueRecord | None, tuple[Problem, ...]]:
    """The report issue of ``quarter`` and ``kind`` okrflow's user wrote (by labels, then
    by its record block), and a problem for each one someone else wrote (ignored)."""
    found = ws.repo.records([ws.labels.report, quarter], _record(quarter, kind))
    if ws.repo.group_path:  # the group's one report issue lives in its top project
        top = ws.repo.project_path.casefold()
        found = [r for r in found if r.project.casefold() == top]
    own, others = by_okrflow(found, ws.repo.authors)
    problems = tuple(
        impostor(
            f"#{r.iid}", r.author, f"#{r.iid} holds okrflow's {kind} report record of {quarter}"
        )
        for r in others
    )
    return (own[0] if own else None), problems


def post_report(ws: Workspace, doc: dict[str, Any]) -> PostResult:
    """Create or update the one report issue of the document's quarter and kind."""
    quarter, kind = doc["quarter"], doc["kind"]
    title = issue_title(doc)

    def full(record: IssueRecord) -> str:  # a group's issues are named in full
        return record.reference if ws.repo.group_path else ""

    existing, problems = find_report_issue(ws, quarter, kind)
    if existing is not None:
        previous = read_marker(existing.description) or {}
        stamp = previous.get("generated_at")
        if isinstance(stamp, str) and existing.title == title:
            as_before = issue_description(ws, dict(doc, generated_at=stamp))
            if _same(as_before, existing.description):
                return PostResult(
                    existing.iid, existing.web_url, "unchanged", title, problems, full(existing)
                )
        ws.repo.ensure_can_write()
        fields: dict[str, Any] = {"description": issue_description(ws, doc)}
        if existing.title != title:
            fields["title"] = title
        ws.repo.update_issue(existing.iid, before=existing, **fields)
        return PostResult(
            existing.iid, existing.web_url, "updated", title, problems, full(existing)
        )
    ws.repo.ensure_can_write()
    created = ws.repo.create(
        NewIssue(
            title=title,
            description=issue_description(ws, doc),
            labels=(ws.labels.report, quarter),
            record=_record(quarter, kind),
        )
    )
    if isinstance(created, PlannedIssue):
        return PostResult(None, "", "created", title, problems)
    return PostResult(created.iid, created.web_url, "created", title, problems, full(created))

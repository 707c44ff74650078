"""``okrflow lint``: check a quarter's OKRs against the rules, and tell their authors once.

Reads the quarter's OKR issues and the open ones not scheduled yet (no quarter
label), runs :func:`okrflow.commands.analysis.lint_snapshot`, and adds what could not be read
(snapshot problems) and what scoring found odd (a parent that is not there, a
cycle). Any finding, warning or error, or any problem makes the command exit 3;
a clean quarter exits 0. Every key result's reading is shown in one line ("#12 reads:
from 4 to 10 customers, higher is better, from the statement"), and every KPI's healthy
range, so that its owner can confirm okrflow reads it as meant; a reading is not a
finding.

With ``comment=True`` each open issue with findings gets ONE okrflow lint comment
(marked :data:`LINT_MARKER`) that mentions only its owner. The comment's id is
kept in okrflow's metadata (``lint_comment_id``) when the issue has a metadata
block; issues without one (filed from the UI) are not given one just for this,
and their comment is found by its marker. Later runs edit that comment when the
findings change, replace it with "all fixed" once they are gone, and write
nothing when nothing changed. Text quoted from issues is made inert (no
mentions, no quick actions).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from okrflow.adapter import LoadedIssue, NoteRecord, Snapshot
from okrflow.commands.analysis import evaluate_snapshot, lint_snapshot
from okrflow.commands.result import Line, Result, Style, plain
from okrflow.commands.workspace import Workspace
from okrflow.core.authority import by_okrflow, impostor
from okrflow.core.description import split
from okrflow.core.explain import explain
from okrflow.core.kpis import explain_kpi
from okrflow.core.model import KeyResult, Problem
from okrflow.core.rules import Finding, Severity
from okrflow.core.statements import read_statement
from okrflow.errors import FindingsError, OkrflowError
from okrflow.render import display
from okrflow.render.comments import LINT_FIXED, lint_comment, lint_fixed_comment
from okrflow.render.display import count

__all__ = [
    "FIXED_TEXT",
    "LINT_MARKER",
    "CommentChange",
    "LintResult",
    "comment_body",
    "lint",
]

LINT_MARKER = "<!-- okrflow:lint -->"
FIXED_TEXT = LINT_FIXED


@dataclasses.dataclass(frozen=True)
class CommentChange:
    """A lint comment written (or, in a dry run, that would be)."""

    iid: int
    action: str  # "created" | "updated" | "fixed"
    note_id: int | None = None

    def line(self, dry_run: bool = False) -> str:
        verbs = {"created": "comment on", "updated": "update the comment on", "fixed": "mark"}
        if dry_run:
            text = f"would {verbs[self.action]} #{self.iid}"
        else:
            text = {
                "created": f"commented on #{self.iid}",
                "updated": f"updated the comment on #{self.iid}",
                "fixed": f"marked #{self.iid}",
            }[self.action]
        return text + (" as all fixed" if self.action == "fixed" else "")


@dataclasses.dataclass
class LintResult(Result):
    quarter: str
    checked: int  # OKR issues read
    findings: list[Finding]
    problems: list[Problem]
    titles: dict[str, str] = dataclasses.field(default_factory=dict)  # by #12 (reference)
    comments: list[CommentChange] = dataclasses.field(default_factory=list)
    readings: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (where, line)

    @property
    def clean(self) -> bool:
        return not self.findings and not self.problems

    def by_issue(self) -> list[tuple[str, list[Finding]]]:
        """Findings grouped per issue (``#12``), in lint's order."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.where, []).append(finding)
        return list(groups.items())

    def lines(self, style: Style = plain) -> list[str | Line]:
        """``#12 error purpose: ...`` per finding, grouped per issue; then the problems,
        the comments written, and the summary when all is clean (else the run ends
        with it, exit 3)."""
        out: list[str | Line] = [f"{where} reads: {reading}" for where, reading in self.readings]
        for where, findings in self.by_issue():
            title = self.titles.get(where)
            out.append(f"{where} {title}" if title else where)
            out.extend(f"{where} {f.severity.value} {f.rule}: {f.message}" for f in findings)
        for problem in self.problems:
            out.append(f"{problem.where} problem: {problem.message}")
        out += [change.line(dry_run=self.dry_run) for change in self.comments]
        if self.clean:
            out.append(self.summary())
        return out

    def error(self) -> OkrflowError | None:
        return None if self.clean else FindingsError(self.summary())

    def summary(self) -> str:
        errors = sum(1 for f in self.findings if f.severity is Severity.ERROR)
        warnings = len(self.findings) - errors
        issues = len(self.by_issue())
        # "issue(s)": the wording the bad-input corpus pins for this head
        head = f"lint {self.quarter}: {self.checked} OKR issue(s) checked"
        if self.clean:
            return f"{head}, no findings"
        parts = []
        if self.findings:
            parts.append(
                f"{count(errors, 'error')} and {count(warnings, 'warning')} "
                f"in {count(issues, 'issue')}"
            )
        if self.problems:
            parts.append(count(len(self.problems), "problem"))
        return f"{head}: " + ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "findings": [f.to_json() for f in self.findings],
            "problems": [{"where": p.where, "message": p.message} for p in self.problems],
            "readings": [{"where": w, "reading": r} for w, r in self.readings],
        }


def comment_body(
    item: LoadedIssue, findings: Sequence[Finding], problems: Sequence[Problem] = ()
) -> str:
    """The lint comment for one issue: its owner mentioned, one line per finding."""
    return lint_comment(item.okr, findings, problems, LINT_MARKER)


def _existing(notes: Sequence[NoteRecord], note_id: int | None) -> NoteRecord | None:
    if note_id is not None:
        for note in notes:
            if note.id == note_id and LINT_MARKER in note.body:
                return note
    return next((n for n in reversed(notes) if LINT_MARKER in n.body), None)


def _issue_problems(problems: Sequence[Problem], iid: int) -> list[Problem]:
    return [p for p in problems if p.where.split(" ", 1)[0] == f"#{iid}"]


def _comment(
    ws: Workspace,
    item: LoadedIssue,
    findings: Sequence[Finding],
    problems: Sequence[Problem],
    impostors: list[Problem],
) -> CommentChange | None:
    """Create, update, mark fixed or leave the one lint comment of ``item``."""
    meta = item.meta if item.meta.iid in (None, item.iid) else None
    known_id = meta.lint_comment_id if meta is not None else None
    has_block = split(item.record.description).meta is not None
    # Nothing to say and no comment known: only an issue without a metadata block
    # that has comments may hold one (found by its marker).
    unknown = has_block or item.record.user_notes_count == 0
    if not findings and not problems and known_id is None and unknown:
        return None
    where = ws.repo.project_of(item.record)
    notes, others = by_okrflow(ws.repo.list_notes(item.iid, where), ws.repo.authors)
    for other in others:  # a lint marker in someone else's comment: not okrflow's comment
        if LINT_MARKER in other.body:
            what = f"comment {other.id} carries okrflow's lint marker"
            impostors.append(impostor(f"#{item.iid} note {other.id}", other.author, what))
    existing = _existing(notes, known_id)
    if findings or problems:
        body, action = comment_body(item, findings, problems), "updated"
    elif existing is not None and FIXED_TEXT not in existing.body:
        body, action = lint_fixed_comment(LINT_MARKER), "fixed"
    else:
        return None
    change: CommentChange | None = None
    if existing is None:
        note = ws.repo.create_note(item.iid, body, marker=LINT_MARKER, project=where)
        note_id = note.id if isinstance(note, NoteRecord) else None
        change = CommentChange(item.iid, "created", note_id)
    else:
        note_id = existing.id
        if ws.repo.update_note(item.iid, existing, body, where):
            change = CommentChange(item.iid, action, note_id)
    if has_block and meta is not None and note_id is not None and note_id != known_id:
        ws.repo.save(item, meta=meta.replace(lint_comment_id=note_id))
    return change


def readings(snap: Snapshot) -> list[tuple[str, str]]:
    """Each key result's reading and each KPI's healthy range, in one line, by issue."""
    out: list[tuple[str, str]] = []
    for kr in sorted(snap.key_results(), key=lambda k: k.iid or 0):
        where = display.ref(kr.iid, kr.key)
        if kr.metric is not None:
            out.append((where, explain(kr.metric, origin=_origin(snap, kr))))
        elif kr.statement_problem:
            out.append((where, f"not read: {kr.statement_problem}"))
    for kpi in sorted(snap.kpis, key=lambda k: k.iid or 0):
        if kpi.healthy is not None:
            out.append((display.ref(kpi.iid, kpi.key), f"KPI {explain_kpi(kpi.healthy)}"))
    return out


def _origin(snap: Snapshot, kr: KeyResult) -> str:
    """Where the reading comes from: the statement, or fields okrflow recorded for it
    (an OKR file's start:, target: ...) when they say something else."""
    item = snap.get(kr)
    recorded = item.meta.metric if item is not None else None
    if recorded is not None and recorded != read_statement(kr.title):
        return "okrflow's metadata (the OKR file's fields)"
    return "the statement"


def _load(ws: Workspace, quarter: str | None) -> tuple[str, Snapshot]:
    label = ws.quarter_label(quarter)
    return label, ws.repo.load(label, unscheduled=True)


def lint(ws: Workspace, *, quarter: str | None = None, comment: bool = False) -> LintResult:
    """Lint the OKRs of ``quarter`` (default: the current one) and, with ``comment``,
    tell each open issue's owner on the issue. Never raises for findings: the
    caller decides (the CLI exits 3 unless :attr:`LintResult.clean`)."""
    label, snap = _load(ws, quarter)
    findings = lint_snapshot(ws, snap)
    problems = list(dict.fromkeys([*snap.problems, *evaluate_snapshot(ws, snap).problems]))
    result = LintResult(
        quarter=label,
        checked=len(snap.issues),
        findings=findings,
        problems=problems,
        titles={item.shown: item.okr.title for item in snap.issues.values()},
        planned=ws.planned(),
        readings=readings(snap),
    )
    if not comment:
        return result
    targets = [item for item in snap.issues.values() if item.record.state != "closed"]
    if not targets:
        return result
    impostors: list[Problem] = []
    with ws.lease("lint --comment"):
        for item in targets:
            mine = [f for f in findings if f.iid == item.iid]
            change = _comment(ws, item, mine, _issue_problems(problems, item.iid), impostors)
            if change is not None:
                result.comments.append(change)
    result.problems.extend(impostors)
    return result

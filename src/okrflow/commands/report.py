"""``okrflow report``: the closing-ceremony report (or a mid-quarter progress report).

One quarter is loaded, evaluated and linted once (:mod:`okrflow.commands.analysis`); the JSON
report document is rendered in every format asked for (Markdown, HTML, JSON) and
written to files, and optionally posted as one issue.

Rules:

- **Kind.** ``closing`` from the closing-ceremony date of the schedule (the
  ``closing`` step, 1 week before the next quarter starts) on, ``progress`` before it,
  unless ``--kind`` says otherwise. The closing report scores the objectives still
  active as if they closed today (the score they would get; ``okrflow schedule``
  closes them with that score on day 0); progress, health and every other number are
  the evaluation's own, as in ``okrflow status``.
- **Check-in trend.** Key results carry the check-ins okrflow recorded (rollup's
  metadata). For the closing report, a key result with only its latest check-in
  recorded gets the rest of the quarter's history from its comments (one request
  per such key result), up to that latest check-in: the report never shows a value
  rollup has not recorded yet. Run ``okrflow rollup`` first (the CI component does).
- **Files.** ``--output`` is a directory (created when missing; the files are
  ``okrflow-report-<quarter>.md|html|json``) or, with a single format, a file path
  ending in ``.md``, ``.html`` or ``.json``. Default: ``report.output_dir``.
- **Story.** Besides the numbers, the document tells the quarter's story: its dates,
  display names, what carries over, the retrospectives (closing), the history of past
  quarters (:mod:`okrflow.commands.story`). A closing report is a ``draft`` while
  objectives are still open (the ceremony one week out: outcomes come on day 0) and
  ``final`` once they are all closed.
- **Posting.** One issue per quarter and kind, kept up to date
  (:mod:`okrflow.commands.report_issue`); a closing report issue also keeps the
  document itself, for the history and the dashboard.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from okrflow.adapter import Snapshot
from okrflow.commands.analysis import (
    evaluate_snapshot,
    key_result_owners,
    lint_snapshot,
    report_document,
)
from okrflow.commands.local_files import checked_path, shown
from okrflow.commands.report_issue import PostResult, find_report_issue, post_report
from okrflow.commands.result import Line, Result, Style, plain, warnings
from okrflow.commands.story import tell_story
from okrflow.commands.workspace import Workspace
from okrflow.core.bookkeeping import checkin_problem
from okrflow.core.calendar import Quarter
from okrflow.core.checkins import CheckinError, checkin_from_comment, is_checkin
from okrflow.core.evaluation import Evaluation
from okrflow.core.model import CheckIn, SourceKind, State
from okrflow.core.report import REPORT_KINDS, ReportKind
from okrflow.core.scoring import evaluate
from okrflow.errors import UsageError
from okrflow.render import FORMATS, Format, render

__all__ = [
    "PostResult",
    "ReportResult",
    "attach_checkin_history",
    "build_quarter_report",
    "closing_evaluation",
    "default_kind",
    "find_report_issue",
    "output_paths",
    "post_report",
    "report",
    "write_file",
]
_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json"}


@dataclasses.dataclass
class ReportResult(Result):
    quarter: str
    kind: ReportKind
    document: dict[str, Any]
    files: dict[Format, Path]  # format -> path (written, or to write in a dry run)
    post: PostResult | None = None

    def lines(self, style: Style = plain) -> list[str | Line]:
        verb = "would write" if self.dry_run else "wrote"
        out: list[str | Line] = [f"{verb} {path}" for path in self.files.values()]
        if self.post is not None:
            out += warnings(self.post.problems)
            out.append(self.post.line(dry_run=self.dry_run))
        return out


# -- the document ---------------------------------------------------------------------


def default_kind(ws: Workspace, quarter: Quarter) -> ReportKind:
    """``closing`` from the schedule's closing-ceremony date of ``quarter`` on."""
    weeks = ws.config.schedule.closing.weeks_before
    ceremony = ws.calendar.start(quarter.next()) - dt.timedelta(weeks=weeks)
    return "closing" if ws.today() >= ceremony else "progress"


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def attach_checkin_history(ws: Workspace, snap: Snapshot) -> None:
    """Give each manual key result with only its latest check-in recorded the quarter's
    earlier check-ins, read from its comments (never one newer than the recorded one);
    a check-in from someone ``checkins.from`` does not allow is left out."""
    policy, owners = ws.checkin_policy, key_result_owners(snap)
    for kr in snap.key_results():
        latest = kr.latest
        if kr.iid is None or latest is None or len(kr.checkins) > 1:
            continue
        if kr.source.kind is not SourceKind.MANUAL or not snap.has(kr):
            continue
        history: list[CheckIn] = []
        for note in ws.repo.list_notes(kr.iid, project=kr.project or None):
            if note.system or note.created_at is None:
                continue
            if is_checkin(note.body) and policy.refusal(
                note.author, owners.get(snap.item(kr).issue_id, ())
            ):
                continue  # not counted (rollup says why)
            try:
                found = checkin_from_comment(
                    note.body, at=note.created_at, author=note.author, metric=kr.metric
                )
            except CheckinError as exc:
                problem = checkin_problem(kr.iid, note.id, exc)
                if _aware(note.created_at) <= _aware(latest.at) and problem not in snap.problems:
                    snap.problems.append(problem)
                continue
            if found is not None and _aware(found.at) <= _aware(latest.at):
                history.append(found)
        if not any(_aware(c.at) == _aware(latest.at) and c.value == latest.value for c in history):
            history.append(latest)  # recorded from a metric source or a lost comment
        history.sort(key=lambda c: _aware(c.at))
        kr.checkins = history


def closing_evaluation(ws: Workspace, snap: Snapshot) -> Evaluation:
    """The quarter's evaluation, with the objectives still active scored as if they
    closed now. Progress and health are unchanged."""
    base = evaluate_snapshot(ws, snap)
    if not any(o.state is State.ACTIVE for o in snap.objectives):
        return base
    as_closed = [
        dataclasses.replace(o, state=State.CLOSED) if o.state is State.ACTIVE else o
        for o in snap.objectives
    ]
    dates = ws.quarter_dates(snap.quarter)
    closed = evaluate(as_closed, elapsed=dates.elapsed, policy=ws.policy, dates=dates)
    objectives = dict(base.objectives)
    for o in snap.objectives:
        result, scored = objectives.get(o.key), closed.objectives.get(o.key)
        if o.state is State.ACTIVE and result is not None and scored is not None:
            objectives[o.key] = dataclasses.replace(
                result, score=scored.score, grade=scored.grade, success=scored.success
            )
    return Evaluation(objectives, base.key_results, base.problems, base.kpis)


def build_quarter_report(
    ws: Workspace, *, quarter: str | None = None, kind: ReportKind | None = None
) -> tuple[dict[str, Any], Snapshot]:
    """The report document of ``quarter`` (default: the current one) and its snapshot."""
    q = ws.quarter(quarter)
    label = ws.calendar.label(q)
    chosen: ReportKind = kind if kind is not None else default_kind(ws, q)
    if chosen not in REPORT_KINDS:
        raise UsageError(f"--kind must be one of {', '.join(REPORT_KINDS)}, not {chosen!r}")
    snap = ws.repo.load(label)
    if chosen == "closing":
        attach_checkin_history(ws, snap)
        evaluation = closing_evaluation(ws, snap)
    else:
        evaluation = evaluate_snapshot(ws, snap)
    doc = report_document(
        ws, snap, kind=chosen, evaluation=evaluation, findings=lint_snapshot(ws, snap)
    )
    return tell_story(ws, doc, snap), snap


# -- files ------------------------------------------------------------------------------


def _file_stem(quarter: str) -> str:
    return "okrflow-report-" + re.sub(r"[^A-Za-z0-9._-]+", "-", quarter).strip("-")


def output_paths(output: Path, formats: Sequence[Format], quarter: str) -> dict[Format, Path]:
    """Where each format goes: ``output`` as a directory, or as the file of one format."""
    if not formats:
        raise UsageError("no report format: give --format md, html or json")
    suffix = _SUFFIXES.get(output.suffix.lower())
    if suffix is not None and not output.is_dir():
        if len(formats) != 1:
            raise UsageError(
                f"--output {output} is a file name but {len(formats)} formats were asked for: "
                "give a directory, or a single --format"
            )
        return {formats[0]: output}
    if output.exists() and not output.is_dir():
        raise UsageError(f"--output {output} is a file: give a directory or a .md/.html/.json path")
    return {fmt: output / f"{_file_stem(quarter)}.{fmt}" for fmt in formats}


def write_file(path: Path, text: str, what: str = "the report") -> None:
    """Write ``text`` to ``path`` (its directory made); a failure is one clear line."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {what} to {shown(path)}: {exc.strerror or exc}") from None


# -- the command ------------------------------------------------------------------------


def report(
    ws: Workspace,
    *,
    quarter: str | None = None,
    kind: ReportKind | None = None,
    formats: Sequence[Format] = (),
    output: Path | str | None = None,
    post: bool | None = None,
    allow_empty: bool = False,
) -> ReportResult:
    """Build the report of ``quarter``, write it in ``formats`` (default:
    ``report.formats``) to ``output`` (default: ``report.output_dir``), and post it
    when ``post`` (default: ``report.post``); a quarter without OKRs is posted only with
    ``allow_empty``. A dry run writes no file and no issue."""
    settings = ws.config.report
    target = checked_path(output or settings.output_dir, "--output")  # before any request
    chosen = tuple(dict.fromkeys(formats or settings.formats))
    for fmt in chosen:
        if fmt not in FORMATS:
            raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    posting = settings.post if post is None else post
    if posting:
        ws.repo.ensure_can_write()  # before reading anything: a job token cannot post
    doc, _ = build_quarter_report(ws, quarter=quarter, kind=kind)
    if posting and not allow_empty:
        ws.refuse_empty(
            doc["quarter"], doing=f"no {doc['kind']} report posted", override="--allow-empty"
        )
    paths = output_paths(target, chosen, doc["quarter"])
    texts = {fmt: render(doc, fmt, templates_dir=settings.templates_dir) for fmt in chosen}
    if not ws.dry_run:
        for name, path in paths.items():
            write_file(path, texts[name])
    result = ReportResult(doc["quarter"], doc["kind"], doc, paths, planned=ws.planned())
    if posting:
        with ws.lease("report --post"):
            result.post = post_report(ws, doc)
    return result

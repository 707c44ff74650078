"""``okrflow rollup``: bring check-ins up to date, compute progress and health, write them back.

The requests it makes grow with what changed, not with what exists:

1. one listing page per 100 issues of the quarter (as
   :meth:`okrflow.adapter.OkrRepository.load`;
   a few pages requested at a time, each read while the next ones are on their way);
   the hierarchy comes from okrflow's metadata, never from per-issue link requests;
2. when the listing says comments changed (a comment count, or an ``updated_at``
   later than okrflow last saw), the new comments in one batch: the project's comment
   events after a watermark, 100 a page; a key result's own comments only where the
   batch cannot answer (:mod:`okrflow.commands.rollup_reads`: a deleted or edited
   comment, events missing, a check-in still to be fixed). Nothing is read when
   nothing moved. Key results and KPIs with another metric source ask that source
   (:mod:`okrflow.commands.measure`; a command's value comes from the file
   ``okrflow measure`` wrote, given as ``values``: rollup never starts a process); a key
   result's links only when it is measured by them;
3. label events only for issues whose lifecycle label differs from the state recorded in
   their metadata (a board move; :mod:`okrflow.commands.board_moves`), and a comment on
   those that bypassed okrflow move's checks;
4. one PUT per objective where something a person would see changed: its progress
   section (:mod:`okrflow.render.progress`: a row per key result with its progress,
   value, confidence, last check-in and health; nothing in it varies with time alone),
   its health label, or its metadata, which records its key results' check-ins
   (:mod:`okrflow.core.kr_records`) and the comment watermark. A key result is written
   only to mend (:mod:`okrflow.commands.rollup_writes`); a closed one shows its grade.
   A second rollup writes nothing. KPIs (the open issues with the KPI label) are
   rolled up as before, each written where its section, label or record changed.

"New check-ins" are those recorded since the last rollup, whoever wrote them (a typed
comment, ``okrflow checkin``, a metric source).

Reads and writes for different issues run in a small pool of threads
(:mod:`okrflow.commands.rollup_pool`). Closed issues get no new check-ins; they carry
their grade label instead of a health label, and their section shows score, grade
and outcome. Key results whose objective is not in the quarter are not scored
(``okrflow lint`` reports them).

One issue that cannot be read or written is a problem in the result, not a failed run.
When GitLab keeps failing (5xx, 429 or no answer after the retries) the run still does
all it can, and ``RollupResult.failed`` names what was left: the command then exits 1
with one line saying so (a partial failure; running it again finishes the work).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from typing import Any

from okrflow.adapter import (
    LoadedIssue,
    LoadedKpi,
    NoteRecord,
    OkrRepository,
    Snapshot,
)
from okrflow.commands.adopt import adopt_into
from okrflow.commands.analysis import (
    evaluate_snapshot,
    key_result_owners,
    report_document,
)
from okrflow.commands.board_moves import check_board_moves
from okrflow.commands.command_values import CommandValue, read_values
from okrflow.commands.measure import SourceRules, measure
from okrflow.commands.result import Line, Result, Style, plain, warnings
from okrflow.commands.rollup_pool import MAX_WORKERS, Workers, failing
from okrflow.commands.rollup_reads import Rebuilt, plan_comment_reads
from okrflow.commands.rollup_writes import Write, plan_writes
from okrflow.commands.workspace import Workspace
from okrflow.core import kr_records
from okrflow.core.bookkeeping import (
    apply_comments,
    apply_measurement,
    checkins_of,
    comments_after,
)
from okrflow.core.evaluation import Evaluation
from okrflow.core.kr_records import Watermark
from okrflow.core.meta import Meta
from okrflow.core.model import Initiative, IssueId, KeyResult, Objective, Problem, SourceKind
from okrflow.core.sources import Measurement
from okrflow.errors import GitLabError, OkrflowError
from okrflow.render import display
from okrflow.render.display import count

__all__ = [
    "MAX_WORKERS",
    "RollupResult",
    "rollup",
]


@dataclasses.dataclass
class RollupResult(Result):
    quarter: str
    key_results: int  # scored key results
    new_checkins: int  # check-ins recorded by this run (comments and metric sources)
    changed: list[int | str]  # iids (a group scope: references) written, or to be
    problems: list[Problem]
    document: dict[str, Any]  # the JSON report document after the rollup
    needed: int = 0  # issues that needed a write
    # Issues left behind because GitLab kept failing (5xx, 429 or no answer after the
    # retries), with what it answered: the run failed in part (exit 1), run it again.
    failed: dict[int | str, str] = dataclasses.field(default_factory=dict)

    def summary(self) -> str:
        """``rollup FY24-Q1: 40 KRs, 3 new check-ins, 5 issues updated``."""
        head = f"rollup {self.quarter}" + (" (dry run)" if self.dry_run else "")
        verb = "would be updated" if self.dry_run else "updated"
        parts = [
            count(self.key_results, "KR"),
            count(self.new_checkins, "new check-in"),
            f"{count(len(self.changed), 'issue')} {verb}",
        ]
        if self.problems:
            parts.append(count(len(self.problems), "problem"))
        return f"{head}: {', '.join(parts)}"

    def lines(self, style: Style = plain) -> list[str | Line]:
        return [*warnings(self.problems), self.summary()]

    def error(self) -> OkrflowError | None:
        """GitLab kept failing on some issues: a partial failure, exit 1."""
        failure = self.failure_message()
        return GitLabError(failure) if failure else None

    def failure_message(self) -> str | None:
        """One line when GitLab kept failing on some issues, else None."""
        if not self.failed:
            return None
        answers = ", ".join(sorted(set(self.failed.values())))
        return (
            f"rollup {self.quarter}: GitLab kept failing ({answers}) on "
            f"{count(len(self.failed), 'issue')}; {len(self.changed)} of "
            f"{count(self.needed, 'update')} done; run rollup again to finish "
            "(it resumes safely)"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter,
            "dry_run": self.dry_run,
            "key_results": self.key_results,
            "new_checkins": self.new_checkins,
            "changed": self.changed,
            "failed": sorted(self.failed),
            "problems": [{"where": p.where, "message": p.message} for p in self.problems],
            "objectives": self.document.get("objectives", []),
        }


# -- the rollup ------------------------------------------------------------------------------


def _scored_key_results(snap: Snapshot) -> list[KeyResult]:
    """The key results under the quarter's objectives, each once (a shared one is
    listed under each of its objectives)."""
    return list({id(kr): kr for o in snap.objectives for kr in o.key_results}.values())


@dataclasses.dataclass(frozen=True)
class _Read:
    """What was read of one key result or KPI: new comments or a measured value, and
    (for a key result) its linked issues."""

    notes: list[NoteRecord] | None = None
    measured: Measurement | None = None
    initiatives: tuple[Initiative, ...] | None = None


def _open_items(snap: Snapshot) -> list[LoadedIssue | LoadedKpi]:
    """The open key results and KPIs of the rollup."""
    items: list[LoadedIssue | LoadedKpi] = [snap.item(kr) for kr in _scored_key_results(snap)]
    items += snap.kpi_issues.values()
    return [item for item in items if item.record.state != "closed"]


def _measured(item: LoadedIssue | LoadedKpi) -> bool:
    okr = item.okr
    assert not isinstance(okr, Objective)
    return okr.source.kind is not SourceKind.MANUAL


@dataclasses.dataclass(frozen=True)
class Refreshed:
    """What reading found: the new metadata by issue, the check-ins new since the last
    rollup, and the watermark of the comments read."""

    metas: dict[IssueId, Meta]
    new_checkins: int
    mark: Watermark | None


def _refresh(
    ws: Workspace,
    workers: Workers,
    snap: Snapshot,
    problems: list[Problem],
    failed: dict[int | str, str],
    values: Mapping[str, CommandValue] | None,
) -> Refreshed:
    """Read what changed (comments in one batch, metric sources, the links of a key
    result measured by them)."""
    now = ws.now()
    names, metrics = ws.labels, ws.config.metrics
    okr_labels = (names.objective, names.key_result, names.kpi)
    rules = SourceRules(
        commands=metrics.commands,
        values=values,
        scopes=metrics.allowed_scopes,
        okr_labels=okr_labels,
    )
    items = _open_items(snap)
    reads = plan_comment_reads(ws.repo, snap, [i for i in items if not _measured(i)])
    if reads.unread is not None:
        ws.out.detail(f"comment events not read ({reads.unread}): each changed issue read")

    def read(repo: OkrRepository, item: LoadedIssue | LoadedKpi) -> _Read:
        okr = item.okr
        assert not isinstance(okr, Objective)
        if okr.source.kind is not SourceKind.MANUAL:
            measured = measure(okr.source, okr, repo=repo, now=now, rules=rules)
            return _Read(measured=measured, initiatives=measured.initiatives)
        where = repo.project_of(item.record)
        if item.issue_id in reads.full:
            return _Read(notes=repo.list_notes_after(item.iid, None, where))
        if item.issue_id in reads.own:
            after = comments_after(item.own_meta())
            return _Read(notes=repo.list_notes_after(item.iid, after, where))
        return _Read(notes=reads.batch[item.issue_id])

    asked = {*reads.own, *reads.full, *reads.batch}
    wanted = [i for i in items if _measured(i) or i.issue_id in asked]
    metas: dict[IssueId, Meta] = {}
    owners = key_result_owners(snap)
    for item, answer in workers.run(read, wanted, label="rollup: reading check-ins"):
        okr = item.okr
        assert not isinstance(okr, Objective)
        if isinstance(answer, OkrflowError):
            problems.append(Problem(item.shown, f"check-ins not read: {answer.message}"))
            if (answered := failing(answer)) is not None:
                failed[named(item)] = answered
            continue
        meta = item.own_meta()
        if answer.measured is not None:
            if answer.measured.detail:
                ws.out.detail(f"{item.shown} {okr.source.kind.value}: {answer.measured.detail}")
            meta, _, found = apply_measurement(
                item, answer.measured, source=okr.source.kind, now=now
            )
            problems.extend(found)
        elif answer.notes is not None:
            meta, _, found = apply_comments(
                Rebuilt(item) if item.issue_id in reads.full else item,
                answer.notes,
                now=now,
                policy=ws.checkin_policy_in(ws.repo.project_of(item.record)),
                owners=owners.get(item.issue_id, ()),
            )
            meta = kr_records.with_seen(meta, item.record.updated_at)
            problems.extend(found)
        if answer.initiatives is not None and isinstance(okr, KeyResult):
            okr.initiatives = list(answer.initiatives)
            meta = meta.replace(initiatives=answer.initiatives)
        if meta != item.meta:
            metas[item.issue_id] = meta
            okr.checkins = checkins_of(meta)
    new = 0
    for item in items:  # new since the last rollup, whoever recorded them
        before = item.rolled if isinstance(item.okr, KeyResult) else item.meta
        new += kr_records.new_checkins(before, metas.get(item.issue_id, item.meta))
    return Refreshed(metas, new, reads.mark)


def named(item: LoadedIssue | LoadedKpi) -> int | str:
    """An issue in a result: its iid, or in a group scope its full reference."""
    return item.shown if item.across else item.iid


def _save(repo: OkrRepository, write: Write) -> bool:
    return repo.save(
        write.item,
        meta=write.meta,
        section=write.section,
        add_labels=write.add,
        remove_labels=write.remove,
    )


def _problems(*groups: Sequence[Problem]) -> list[Problem]:
    """The problems of every group, each once, in order (linear: there may be many)."""
    return list(dict.fromkeys(p for group in groups for p in group))


def _log(ws: Workspace, snap: Snapshot, evaluation: Evaluation) -> None:
    for objective in snap.objectives:
        result = evaluation.objectives.get(objective.key)
        if result is None:
            continue
        parts = []
        for kr in objective.key_results:
            kr_result = evaluation.key_results.get(kr.key)
            if kr_result is not None:
                parts.append(f"{display.ref(kr.iid, kr.key)} {display.percent(kr_result.progress)}")
        ws.out.detail(
            f"{display.ref(objective.iid, objective.key)} {objective.title}: "
            f"{display.percent(result.progress)} {result.health.value}"
            + (f" (KRs {', '.join(parts)})" if parts else "")
        )


def rollup(
    ws: Workspace,
    *,
    quarter: str | None = None,
    values: str | os.PathLike[str] | None = None,
) -> RollupResult:
    """Roll the quarter's check-ins up into progress and health, and write them to GitLab.
    ``values``: the file ``okrflow measure`` wrote, for key results measured by a command."""
    label = ws.quarter_label(quarter)
    measured = read_values(values) if values is not None else None
    ws.repo.ensure_can_write()
    snap = ws.repo.load(label)
    problems: list[Problem] = []
    snap = adopt_into(ws, snap, problems)  # UI-filed OKRs adopted (commands.adopt)
    workers = Workers(ws)
    failed: dict[int | str, str] = {}
    refreshed = _refresh(ws, workers, snap, problems, failed, measured)
    metas = refreshed.metas
    # unreadable check-ins recorded before this run: those of the issues re-read are
    # what this run found (a fixed one is gone)
    reread = {f"{issue} note " for issue in metas}
    snap.problems[:] = [p for p in snap.problems if not p.where.startswith(tuple(reread))]
    problems.extend(check_board_moves(ws, snap))
    evaluation = evaluate_snapshot(ws, snap)
    changed: list[LoadedIssue | LoadedKpi] = []

    def write(planned: Sequence[Write]) -> None:
        for done, answer in workers.run(_save, planned, label="rollup: writing"):
            if isinstance(answer, OkrflowError):
                problems.append(Problem(done.item.shown, f"not updated: {answer.message}"))
                if (answered := failing(answer)) is not None:
                    failed[named(done.item)] = answered
            elif answer:
                changed.append(done.item)

    # Key results first (rarely any: mending only): the objectives then record when
    # okrflow last saw them, so the next rollup does not take okrflow's own write for
    # a person's edit.
    planned = plan_writes(ws, snap, evaluation, metas, refreshed.mark)
    first = [w for w in planned if isinstance(w.item.okr, KeyResult)]
    write(first)
    for item in changed:
        metas[item.issue_id] = kr_records.with_seen(
            metas.get(item.issue_id, item.meta), item.record.updated_at
        )
    if changed:
        planned = plan_writes(ws, snap, evaluation, metas, refreshed.mark)
    rest = [w for w in planned if not isinstance(w.item.okr, KeyResult)]
    write(rest)
    names = sorted((named(item) for item in changed), key=lambda n: (str(type(n)), n))
    _log(ws, snap, evaluation)
    document = report_document(ws, snap, evaluation=evaluation)
    result = RollupResult(
        quarter=label,
        key_results=len(evaluation.key_results),
        new_checkins=refreshed.new_checkins,
        changed=names,
        problems=_problems(snap.problems, evaluation.problems, problems),
        document=document,
        needed=len(first) + len(rest),
        failed=failed,
        planned=ws.planned(),
    )
    return result

"""``okrflow rollup``: bring check-ins up to date, compute progress and health, write them back.

The requests it makes grow with what changed, not with what exists:

1. one listing page per 100 issues of the quarter (as
   :meth:`okrflow.adapter.OkrRepository.load`;
   a few pages requested at a time, each read while the next ones are on their way);
   the hierarchy comes from okrflow's metadata, never from per-issue link requests;
2. the comments of a key result or KPI only when its ``user_notes_count`` differs from
   the count recorded in its metadata (okrflow's own description updates do not change
   that count, while its ``updated_at`` would), newest first, stopping at the newest
   comment already read; and, while a comment could not be read as a check-in, from
   that comment on at every run, so the problem is listed until a person fixes or
   deletes it. Key results and KPIs with another metric source ask that source
   (:mod:`okrflow.commands.measure`; a command's value comes from the file
   ``okrflow measure`` wrote, given as ``values``: rollup never starts a process). A key
   result's linked issues (its initiatives, recorded in its metadata for status and the
   reports) are read with its comments, and once when they were never read;
3. label events only for issues whose lifecycle label differs from the state recorded in
   their metadata (a board move; :mod:`okrflow.commands.board_moves`), and a comment on
   those that bypassed okrflow move's checks;
4. one PUT per issue where something a person would see changed: the managed progress
   section (:mod:`okrflow.render.progress`, nothing in it varies with time alone), the health
   label, or the metadata recording a new check-in, initiatives, or a relative target's
   baseline the first time it is known (so that it stays put). A second rollup writes
   nothing. KPIs (the open issues with the KPI label) are rolled up the same way.

Reads and writes for different issues run in a small pool of threads, each with its own
GitLab connection (``requests.Session`` is not documented as thread-safe: psf/requests
#2766). Closed issues get no new check-ins; they carry their grade label instead of a
health label, and their section shows score, grade and outcome. Key results whose
objective is not in the quarter are not scored (``okrflow lint`` reports them).

One issue that cannot be read or written is a problem in the result, not a failed run.
When GitLab keeps failing (5xx, 429 or no answer after the retries) the run still does
all it can, and ``RollupResult.failed`` names what was left: the command then exits 1
with one line saying so (a partial failure; running it again finishes the work).
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

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
from okrflow.commands.result import Line, Result, Style, plain
from okrflow.commands.rollup_writes import Write, plan_writes
from okrflow.commands.workspace import Workspace
from okrflow.core.bookkeeping import (
    apply_comments,
    apply_measurement,
    checkins_of,
    comments_after,
    needs_comments,
)
from okrflow.core.evaluation import Evaluation
from okrflow.core.meta import Meta
from okrflow.core.model import Initiative, IssueId, KeyResult, Objective, Problem, SourceKind
from okrflow.core.sources import Measurement, linked_initiatives
from okrflow.errors import GitLabError, OkrflowError
from okrflow.render import display
from okrflow.render.display import count

__all__ = [
    "MAX_WORKERS",
    "RollupResult",
    "rollup",
]

MAX_WORKERS = 4
T = TypeVar("T")
R = TypeVar("R")


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
        warnings = [Line(f"{p.where}: {p.message}", "warning") for p in self.problems]
        return [*warnings, self.summary()]

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


def _failing(exc: OkrflowError) -> str | None:
    """What GitLab answered when it kept failing (as opposed to refusing one issue)."""
    if not isinstance(exc, GitLabError):
        return None
    if exc.status is None:
        return "no answer"
    return str(exc.status) if exc.status >= 500 or exc.status == 429 else None


# -- a small pool with one GitLab connection per thread ----------------------------------------


class _Workers:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        # A dry run sends no writes and plans them in one list: keep it on one thread.
        self.parallel = not ws.dry_run and ws.connection is not None
        self._local = threading.local()

    def repo(self) -> OkrRepository:
        if not self.parallel:
            return self.ws.repo
        repo: OkrRepository | None = getattr(self._local, "repo", None)
        if repo is None:
            repo = self._local.repo = self.ws.repo.fork()
        return repo

    def run(
        self, fn: Callable[[OkrRepository, T], R], items: Sequence[T], *, label: str
    ) -> Iterator[tuple[T, R | OkrflowError]]:
        """``fn(repo, item)`` for each item, in any order; an OkrflowError is yielded,
        not raised."""

        def call(item: T) -> tuple[T, R | OkrflowError]:
            try:
                return item, fn(self.repo(), item)
            except OkrflowError as exc:
                return item, exc

        if not items:
            return
        if not self.parallel or len(items) == 1:
            yield from self.ws.out.progress((call(i) for i in items), label=label, total=len(items))
            return
        with concurrent.futures.ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
            futures = [pool.submit(call, item) for item in items]
            done = concurrent.futures.as_completed(futures)
            for future in self.ws.out.progress(done, label=label, total=len(futures)):
                yield future.result()


# -- the rollup ------------------------------------------------------------------------------


def _scored_key_results(snap: Snapshot) -> list[KeyResult]:
    return [kr for objective in snap.objectives for kr in objective.key_results]


@dataclasses.dataclass(frozen=True)
class _Read:
    """What was read of one key result or KPI: new comments or a measured value, and
    (for a key result) its linked issues."""

    notes: list[NoteRecord] | None = None
    measured: Measurement | None = None
    initiatives: tuple[Initiative, ...] | None = None


def _wanted(snap: Snapshot) -> list[LoadedIssue | LoadedKpi]:
    """The open key results and KPIs to read: those with a metric source, and those whose
    comments changed (or hold a check-in still to be fixed); a key result whose links
    were never read is read too."""
    items: list[LoadedIssue | LoadedKpi] = [snap.item(kr) for kr in _scored_key_results(snap)]
    items += snap.kpi_issues.values()
    wanted: list[LoadedIssue | LoadedKpi] = []
    for item in items:
        if item.record.state == "closed":
            continue
        okr = item.okr
        assert not isinstance(okr, Objective)
        unread = isinstance(okr, KeyResult) and item.own_meta().initiatives is None
        if okr.source.kind is not SourceKind.MANUAL or needs_comments(item) or unread:
            wanted.append(item)
    return wanted


def _refresh(
    ws: Workspace,
    workers: _Workers,
    snap: Snapshot,
    problems: list[Problem],
    failed: dict[int | str, str],
    values: Mapping[str, CommandValue] | None,
) -> tuple[dict[IssueId, Meta], int]:
    """Read what changed (comments, metric sources, links); the new metadata by iid, and
    the number of new check-ins."""
    now = ws.now()
    names, metrics = ws.labels, ws.config.metrics
    okr_labels = (names.objective, names.key_result, names.kpi)
    rules = SourceRules(
        commands=metrics.commands,
        values=values,
        scopes=metrics.allowed_scopes,
        okr_labels=okr_labels,
    )

    def read(repo: OkrRepository, item: LoadedIssue | LoadedKpi) -> _Read:
        okr = item.okr
        assert not isinstance(okr, Objective)
        if okr.source.kind is not SourceKind.MANUAL:
            measured = measure(okr.source, okr, repo=repo, now=now, rules=rules)
            return _Read(measured=measured, initiatives=measured.initiatives)
        meta = item.own_meta()
        notes = None
        if needs_comments(item):
            notes = repo.list_notes_after(
                item.iid, comments_after(meta), repo.project_of(item.record)
            )
        links = None
        changed = item.notes_count != (meta.notes_count or 0)
        if isinstance(okr, KeyResult) and (changed or meta.initiatives is None):
            where = repo.project_of(item.record)
            links = linked_initiatives(repo.list_links(item.iid, where), okr_labels)
        return _Read(notes=notes, initiatives=links)

    metas: dict[IssueId, Meta] = {}
    new = 0
    owners = key_result_owners(snap)
    for item, answer in workers.run(read, _wanted(snap), label="rollup: reading check-ins"):
        okr = item.okr
        assert not isinstance(okr, Objective)
        if isinstance(answer, OkrflowError):
            problems.append(Problem(item.shown, f"check-ins not read: {answer.message}"))
            if (failing := _failing(answer)) is not None:
                failed[named(item)] = failing
            continue
        meta, fresh = item.own_meta(), False
        if answer.measured is not None:
            if answer.measured.detail:
                ws.out.detail(f"{item.shown} {okr.source.kind.value}: {answer.measured.detail}")
            meta, fresh, found = apply_measurement(
                item, answer.measured, source=okr.source.kind, now=now
            )
            problems.extend(found)
        elif answer.notes is not None:
            meta, fresh, found = apply_comments(
                item,
                answer.notes,
                now=now,
                policy=ws.checkin_policy,
                owners=owners.get(item.issue_id, ()),
            )
            problems.extend(found)
        if answer.initiatives is not None and isinstance(okr, KeyResult):
            okr.initiatives = list(answer.initiatives)
            meta = meta.replace(initiatives=answer.initiatives)
        new += fresh
        if meta != item.meta:
            metas[item.issue_id] = meta
            okr.checkins = checkins_of(meta)
    return metas, new


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
    workers = _Workers(ws)
    failed: dict[int | str, str] = {}
    metas, new_checkins = _refresh(ws, workers, snap, problems, failed, measured)
    # unreadable check-ins recorded before this run: those of the issues re-read are
    # what this run found (a fixed one is gone)
    reread = {f"{issue} note " for issue in metas}
    snap.problems[:] = [p for p in snap.problems if not p.where.startswith(tuple(reread))]
    problems.extend(check_board_moves(ws, snap))
    evaluation = evaluate_snapshot(ws, snap)
    writes = plan_writes(ws, snap, evaluation, metas)
    changed: list[int | str] = []
    for write, answer in workers.run(_save, writes, label="rollup: writing"):
        if isinstance(answer, OkrflowError):
            problems.append(Problem(write.item.shown, f"not updated: {answer.message}"))
            if (failing := _failing(answer)) is not None:
                failed[named(write.item)] = failing
        elif answer:
            changed.append(named(write.item))
    changed.sort(key=lambda n: (str(type(n)), n))
    _log(ws, snap, evaluation)
    document = report_document(ws, snap, evaluation=evaluation)
    result = RollupResult(
        quarter=label,
        key_results=len(evaluation.key_results),
        new_checkins=new_checkins,
        changed=changed,
        problems=_problems(snap.problems, evaluation.problems, problems),
        document=document,
        needed=len(writes),
        failed=failed,
        planned=ws.planned(),
    )
    return result

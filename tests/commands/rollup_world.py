"""A quarter of OKRs in the emulator for the checkin and rollup tests.

Issues are written straight into the emulator's state (no HTTP) as ``okrflow new``
leaves them: the issue template's text plus okrflow's metadata block (metric, parents,
metric source, a recorded check-in). Comments are added as the named user, like a
person typing in GitLab. :func:`workspace` points okrflow at the emulator with a fixed
clock; ``Recorder()`` keeps every log line in ``ws.out.lines``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from kr_record import meta_of as meta_of  # shared with the bad-input cases
from kr_record import record_of as record_of
from okrflow.adapter import ConnectionSettings
from okrflow.commands.reporter import Recorder
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.core.description import with_meta
from okrflow.core.labels import DEFAULT_LABEL_NAMES as NAMES
from okrflow.core.meta import Meta, ParentRef, RecordedCheckIn
from okrflow.core.model import Metric, MetricKind, MetricSource, SourceKind
from okrflow.core.statements import parse_statement
from okrflow.render.templating import render_issue_template
from okrflow.sandbox import SANDBOX_PROJECT, Emulator

PROJECT = SANDBOX_PROJECT
QUARTER = "FY24-Q1"  # 2024-01-01 .. 2024-03-31 with the default calendar
NOW = dt.datetime(2024, 2, 15, 12, 0, tzinfo=dt.timezone.utc)  # elapsed 45/91
UTC = dt.timezone.utc
HEALTH_LABELS = (NAMES.on_track, NAMES.needs_attention, NAMES.at_risk)


def workspace(
    emu: Emulator,
    *,
    now: dt.datetime = NOW,
    dry_run: bool = False,
    config: Config | None = None,
    token: str | None = None,
) -> Workspace:
    settings = ConnectionSettings(
        url=emu.base_url, token=token or emu.default_token, project=PROJECT, retries=1
    )
    return Workspace(
        config=config or Config.default(),
        connection=settings,
        out=Recorder(),
        dry_run=dry_run,
        now=lambda: now,
    )


def _stored(text: str) -> str:
    """What GitLab keeps of a template: quick-action lines run and removed."""
    return re.sub(r"(?m)^/[a-z_]+(?: .*)?\n?", "", text)


def add_objective(
    emu: Emulator,
    title: str,
    *,
    key: str,
    parents: Sequence[tuple[str, int]] = (),
    weight: float | None = None,
    state: str = "opened",
) -> int:
    iid = emu.project(PROJECT).next_iid
    body = render_issue_template(
        "objective",
        title=title,
        purpose="Customers who succeed stay and grow with us.",
        owner="alice",
        team="CSM",
        quarter=QUARTER,
        parents=[f"#{p_iid}" for _, p_iid in parents],
    )
    meta = Meta(
        type="objective",
        key=key,
        iid=iid,
        owner="alice",
        weight=weight,
        parents=tuple(ParentRef(k, i) for k, i in parents),
    )
    labels = [NAMES.objective, NAMES.active, QUARTER, "CSM"]
    emu.add_issue(
        PROJECT,
        title,
        description=with_meta(_stored(body), meta.to_dict()),
        labels=labels,
        assignee="alice",
        state=state,
    )
    return iid


def add_kr(
    emu: Emulator,
    statement: str,
    objective: tuple[str, int],
    *,
    key: str | None = None,
    weight: float | None = None,
    metric: Metric | None = None,
    source: MetricSource | None = None,
    recorded: RecordedCheckIn | None = None,
    meta_extra: Mapping[str, Any] | None = None,
) -> int:
    iid = emu.project(PROJECT).next_iid
    obj_key, obj_iid = objective
    body = render_issue_template(
        "kr", statement=statement, objective=f"#{obj_iid}", owner="bob", weight=weight
    )
    meta = Meta(
        type="kr",
        key=key or f"kr-{iid}",
        iid=iid,
        objective=obj_key,
        objective_iid=obj_iid,
        owner="bob",
        metric=metric or parse_statement(statement),
        source=source,
        checkin=recorded,
        checkins=(recorded,) if recorded else (),
        **dict(meta_extra or {}),
    )
    labels = [NAMES.key_result, NAMES.active, QUARTER]
    emu.add_issue(
        PROJECT,
        statement,
        description=with_meta(_stored(body), meta.to_dict()),
        labels=labels,
        assignee="bob",
    )
    return iid


def query_source(**options: Any) -> MetricSource:
    return MetricSource(SourceKind.QUERY, options)


def milestone() -> Metric:
    return Metric(MetricKind.MILESTONE, 0, 1)


def comment(
    emu: Emulator, iid: int, body: str, *, author: str = "alice", at: dt.datetime | None = None
) -> int:
    """A comment typed in GitLab by ``author``; returns its id."""
    return emu.add_note(PROJECT, iid, body, author=author, created_at=at).id


def health_labels(emu: Emulator, iid: int) -> list[str]:
    return [label for label in emu.issue_labels(PROJECT, iid) if label in HEALTH_LABELS]


def section_of(emu: Emulator, iid: int) -> str:
    from okrflow.core.description import split

    section = split(emu.issue(PROJECT, iid).description).section
    assert section is not None, f"#{iid} has no progress section"
    return section


def writes(emu: Emulator) -> int:
    counts = emu.counts(without="okrflow=lease")
    return counts["POST"] + counts["PUT"] + counts["DELETE"]

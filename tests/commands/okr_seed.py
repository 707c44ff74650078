"""A quarter of OKRs written straight into the GitLab emulator, as okrflow would have left them.

Objectives and key results get okrflow's metadata block (key, objective, owner, the
latest recorded check-in) and their labels; check-ins are also comments on the key
result, as a person (or ``okrflow checkin``) writes them. Also: a workspace pointed
at the emulator with a fixed clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from okrflow.adapter import resolve_connection
from okrflow.commands.reporter import Recorder
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.core.checkins import format_checkin_comment
from okrflow.core.description import split, with_meta
from okrflow.core.labels import DEFAULT_LABEL_NAMES as NAMES
from okrflow.core.meta import Meta, RecordedCheckIn
from okrflow.core.model import Kind, State
from okrflow.render.templating import render_issue_template
from okrflow.sandbox import Emulator

PROJECT = "acme/okrs"
UTC = dt.timezone.utc


@dataclasses.dataclass
class KR:
    key: str
    title: str
    owner: str
    checkins: Sequence[tuple[dt.datetime, float, float | None]] = ()  # (at, value, confidence)
    iid: int = 0


@dataclasses.dataclass
class Obj:
    key: str
    title: str
    team: str
    owner: str
    krs: list[KR]
    kind: Kind = Kind.COMMITTED
    state: State = State.ACTIVE
    purpose: str = "Because it matters to our customers this quarter."
    iid: int = 0
    extra_labels: tuple[str, ...] = ()


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _body(text: str) -> str:
    """A rendered issue template without its trailing quick action (labels are set here)."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("/label")) + "\n"


def _labels(kind_label: str, quarter: str, team: str, state: State) -> list[str]:
    return [kind_label, NAMES.state_label(state), quarter, team]


def add_objective(emu: Emulator, obj: Obj, quarter: str) -> Obj:
    body = _body(
        render_issue_template(
            "objective",
            title=obj.title,
            purpose=obj.purpose,
            owner=obj.owner,
            team=obj.team,
            quarter=quarter,
            kind=obj.kind.value,
            key_results=[],
            labels=[],
        )
    )
    labels = _labels(NAMES.objective, quarter, obj.team, obj.state) + list(obj.extra_labels)
    closed = obj.state is State.CLOSED
    issue = emu.add_issue(
        PROJECT,
        obj.title,
        description=body,
        labels=labels,
        assignee=obj.owner,
        state="closed" if closed else "opened",
    )
    obj.iid = issue.iid
    meta = Meta(type="objective", key=obj.key, iid=issue.iid, owner=obj.owner, kind=obj.kind)
    issue.description = with_meta(body, meta.to_dict())
    for kr in obj.krs:
        add_key_result(emu, kr, obj, quarter)
    return obj


def add_key_result(emu: Emulator, kr: KR, obj: Obj, quarter: str) -> KR:
    body = _body(
        render_issue_template("kr", statement=kr.title, objective=f"#{obj.iid}", owner=kr.owner)
    )
    closed = obj.state is State.CLOSED
    issue = emu.add_issue(
        PROJECT,
        kr.title,
        description=body,
        labels=_labels(NAMES.key_result, quarter, obj.team, obj.state),
        assignee=kr.owner,
        state="closed" if closed else "opened",
    )
    kr.iid = issue.iid
    latest: RecordedCheckIn | None = None
    for when, value, confidence in kr.checkins:
        note = emu.add_note(
            PROJECT,
            issue.iid,
            format_checkin_comment(value, confidence=confidence, note="Weekly update."),
            author=kr.owner,
            created_at=when,
        )
        latest = RecordedCheckIn(when, value, confidence, note.id, kr.owner, "comment")
    meta = Meta(
        type="kr",
        key=kr.key,
        iid=issue.iid,
        objective=obj.key,
        objective_iid=obj.iid,
        owner=kr.owner,
        checkin=latest,
    )
    issue.description = with_meta(body, meta.to_dict())
    return kr


def seed(emu: Emulator, objectives: Sequence[Obj], quarter: str = "FY24-Q1") -> list[Obj]:
    return [add_objective(emu, obj, quarter) for obj in objectives]


def sample_objectives(state: State = State.ACTIVE, prefix: str = "") -> list[Obj]:
    """Two objectives of two teams, three key results each, with weekly check-ins."""
    return [
        Obj(
            key=f"{prefix}adoption",
            title="Make the product valuable to every developer",
            team="Company",
            owner="alice",
            state=state,
            krs=[
                KR(
                    f"{prefix}wau",
                    "Grow weekly active users from 10,000 to 15,000",
                    "bob",
                    [
                        (at("2024-01-08"), 10_800, 0.8),
                        (at("2024-02-05"), 12_000, 0.7),
                        (at("2024-03-04"), 13_500, 0.6),
                    ],
                ),
                KR(
                    f"{prefix}logos",
                    "Land 5 large enterprise logos",
                    "alice",
                    [(at("2024-01-15"), 1, None), (at("2024-02-19"), 3, 0.5)],
                ),
                KR(f"{prefix}soc2", "Achieve SOC2 Type 1", "bob"),
            ],
        ),
        Obj(
            key=f"{prefix}pipeline",
            title="Build a repeatable pipeline",
            team="Sales",
            owner="bob",
            kind=Kind.ASPIRATIONAL,
            state=state,
            krs=[
                KR(
                    f"{prefix}coverage",
                    "Increase qualified pipeline coverage from 1 to 3",
                    "bob",
                    [(at("2024-01-22"), 1.5, 0.6), (at("2024-03-11"), 2.5, 0.7)],
                ),
                KR(
                    f"{prefix}nps",
                    "Improve developer NPS from 25 to 35",
                    "alice",
                    [(at("2024-02-12"), 30, None)],
                ),
                KR(
                    f"{prefix}sdrs",
                    "Ramp 6 outbound SDRs",
                    "bob",
                    [(at("2024-01-29"), 2, 0.9), (at("2024-03-18"), 6, 1.0)],
                ),
            ],
        ),
    ]


def workspace(
    url: str,
    token: str,
    *,
    now: dt.datetime,
    project: str = PROJECT,
    config: Config | None = None,
    dry_run: bool = False,
    retries: int = 8,
) -> Workspace:
    """A workspace on the emulator whose clock stands at ``now`` (change ``ws.now`` to move it)."""
    connection = resolve_connection(
        url=url, project=project, environ={"GITLAB_TOKEN": token}, retries=retries
    )
    return Workspace(
        config=config or Config.default(),
        connection=connection,
        out=Recorder(),
        dry_run=dry_run,
        now=lambda: now,
    )


def record_checkin(emu: Emulator, iid: int, value: float, when: dt.datetime) -> None:
    """What rollup would record after a new check-in comment: the latest check-in in meta."""
    emu.add_note(PROJECT, iid, format_checkin_comment(value), created_at=when)
    issue = emu.issue(PROJECT, iid)
    data = split(issue.description or "").meta or {}
    data["checkin"] = {"at": when.isoformat(), "value": value, "source": "comment"}
    issue.description = with_meta(issue.description or "", data)


def writes(emu: Emulator) -> int:
    """Requests that change something (POST, PUT, DELETE) in the emulator's log."""
    return emu.writes().total()

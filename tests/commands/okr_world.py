"""OKR issues arranged in the emulator for the command tests, as okrflow and people write them.

Descriptions come from the issue templates (:func:`okrflow.render.templating.render_issue_template`)
with okrflow's metadata block (:func:`okrflow.core.description.with_meta`), stored
the way GitLab stores them (quick-action lines run and removed), or, for issues a
person files, the raw UI template text submitted through the API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from filled_template import fill_template as fill_template  # shared
from filled_template import stored
from okrflow.adapter import ConnectionSettings
from okrflow.commands.reporter import Recorder
from okrflow.commands.workspace import Workspace
from okrflow.config import Config
from okrflow.core.description import with_meta
from okrflow.core.labels import DEFAULT_LABEL_NAMES
from okrflow.core.meta import Meta, ParentRef, RecordedCheckIn
from okrflow.render.templating import render_issue_template
from okrflow.sandbox import SANDBOX_PROJECT, Emulator

PROJECT = SANDBOX_PROJECT
QUARTER = "FY24-Q1"  # 2024-01-01 .. 2024-03-31 with the default calendar
NOW = dt.datetime(2024, 2, 15, 12, 0, tzinfo=dt.timezone.utc)
NAMES = DEFAULT_LABEL_NAMES
LIFECYCLE = {
    "draft": NAMES.draft,
    "review": NAMES.review,
    "active": NAMES.active,
    "closed": NAMES.closed,
}
ALL_LABELS = [
    NAMES.objective,
    NAMES.key_result,
    *LIFECYCLE.values(),
    NAMES.on_track,
    NAMES.needs_attention,
    NAMES.at_risk,
    QUARTER,
    "CSM",
]


def workspace(emu: Emulator, *, dry_run: bool = False, now: dt.datetime = NOW) -> Workspace:
    """A workspace on the emulator with the default config, at ``now``."""
    settings = ConnectionSettings(
        url=emu.base_url, token=emu.default_token, project=PROJECT, retries=1
    )
    return Workspace(
        config=Config.default(),
        connection=settings,
        out=Recorder(),
        dry_run=dry_run,
        now=lambda: now,
    )


def add_labels(emu: Emulator) -> None:
    """The labels ``okrflow init`` creates (quick actions apply existing labels only)."""
    have = {label.name for label in emu.labels(PROJECT)}
    for name in ALL_LABELS:
        if name not in have:
            emu.add_label(PROJECT, name)


def _next_iid(emu: Emulator) -> int:
    return emu.project(PROJECT).next_iid


def add_objective(
    emu: Emulator,
    title: str,
    *,
    purpose: str = "Customers who succeed stay and grow with us.",
    owner: str | None = "alice",
    team: str = "CSM",
    quarter: str | None = QUARTER,
    state: str | Sequence[str] = "draft",
    parents: Sequence[tuple[str, int]] = (),
    key: str | None = None,
    kind: str = "committed",
    above: str = "",
    below: str = "",
) -> int:
    """An objective as ``okrflow new objective`` writes it; returns its iid.

    ``above`` / ``below``: a person's paragraphs around okrflow's text.
    """
    iid = _next_iid(emu)
    key = key or f"obj-{iid}"
    body = render_issue_template(
        "objective",
        title=title,
        purpose=purpose,
        owner=owner,
        team=team,
        quarter=quarter,
        parents=[f"#{p_iid}" for _, p_iid in parents],
        kind=kind,
    )
    meta = Meta(
        type="objective",
        key=key,
        iid=iid,
        parents=tuple(ParentRef(p_key, p_iid) for p_key, p_iid in parents),
        owner=owner,
    )
    text = with_meta(above + stored(body), meta.to_dict()) + below
    labels = [NAMES.objective, *_states(state), *([quarter] if quarter else []), team]
    assignee = owner if owner and emu.state.user_by_name(owner) else None
    emu.add_issue(PROJECT, title, description=text, labels=labels, assignee=assignee)
    return iid


def add_kr(
    emu: Emulator,
    statement: str,
    objective: tuple[str, int],
    *,
    owner: str | None = "bob",
    quarter: str | None = QUARTER,
    state: str | Sequence[str] = "draft",
    key: str | None = None,
    value: float | None = None,
    confidence: float | None = None,
) -> int:
    """A key result as ``okrflow new kr`` writes it (with a check-in when ``value``)."""
    iid = _next_iid(emu)
    obj_key, obj_iid = objective
    body = render_issue_template(
        "kr", statement=statement, objective=f"#{obj_iid}", owner=owner, quarter=quarter
    )
    checkin = (
        RecordedCheckIn(at=NOW - dt.timedelta(days=2), value=value, confidence=confidence)
        if value is not None
        else None
    )
    meta = Meta(
        type="kr",
        key=key or f"kr-{iid}",
        iid=iid,
        objective=obj_key,
        objective_iid=obj_iid,
        owner=owner,
        checkin=checkin,
    )
    labels = [NAMES.key_result, *_states(state), *([quarter] if quarter else [])]
    emu.add_issue(
        PROJECT,
        statement,
        description=with_meta(stored(body), meta.to_dict()),
        labels=labels,
        assignee=owner,
    )
    return iid


def _states(state: str | Sequence[str]) -> list[str]:
    names = [state] if isinstance(state, str) else list(state)
    return [LIFECYCLE[name] for name in names]


def objective_with_krs(
    emu: Emulator,
    title: str = "Make every customer successful",
    *,
    krs: int = 3,
    state: str = "draft",
    values: Sequence[float | None] = (),
    **kwargs: object,
) -> tuple[int, list[int]]:
    """An objective with ``krs`` key results ("Raise NPS from 20 to 40" ...)."""
    obj = add_objective(emu, title, state=state, **kwargs)  # type: ignore[arg-type]
    key = str(kwargs.get("key") or f"obj-{obj}")
    kr_iids = []
    for n in range(krs):
        value = values[n] if n < len(values) else None
        kr_iids.append(
            add_kr(
                emu,
                f"Raise adoption score {n + 1} from 20 to 40",
                (key, obj),
                state=state,
                value=value,
            )
        )
    return obj, kr_iids


def lifecycle_labels(emu: Emulator, iid: int) -> list[str]:
    return [label for label in emu.issue_labels(PROJECT, iid) if label in LIFECYCLE.values()]


def description(emu: Emulator, iid: int) -> str:
    return emu.issue(PROJECT, iid).description or ""


def note_bodies(emu: Emulator, iid: int) -> list[str]:
    return [note.body for note in emu.notes(PROJECT, iid)]

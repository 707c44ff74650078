"""The GitLab world the server-side cases start from: OKR issues as okrflow writes them
(issue template text plus the metadata block), which a case then hand-edits.

Time is frozen in the middle of FY24-Q1 (``ENV`` tells okrflow, the builders tell the
emulator), so progress and health are stable.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence

from okrflow.core.description import split, with_meta
from okrflow.core.meta import Meta
from okrflow.core.model import Metric
from okrflow.core.statements import StatementError, parse_statement
from okrflow.render.templating import render_issue_template
from okrflow.sandbox import SANDBOX_ALICE_TOKEN, Emulator

PROJECT = "acme/okrs"
QUARTER = "FY24-Q1"
TEAM = "CSM"
NOW = dt.datetime(2024, 2, 15, 12, 0, tzinfo=dt.timezone.utc)
ENV: dict[str, str | None] = {"OKRFLOW_NOW": NOW.isoformat()}
KRS = (
    "Raise CSAT from 80% to 90%",
    "Cut first response time from 8h to 2h",
    "Grow weekly active users from 10,000 to 15,000",
)


@dataclasses.dataclass(frozen=True)
class World:
    """What a builder made: the objective's iid and its key results' iids."""

    objective: int
    krs: tuple[int, ...]

    @property
    def iids(self) -> tuple[int, ...]:
        return (self.objective, *self.krs)


_QUICK_ACTION = re.compile(r"^/label .*\n?", re.MULTILINE)


def created(body: str) -> str:
    """A rendered template as GitLab stores it: its quick actions run and removed."""
    return _QUICK_ACTION.sub("", body)


def labels(kind: str, state: str = "active") -> list[str]:
    return [kind, f"okr-status::{state}", QUARTER, TEAM]


def objective_text(
    title: str, *, purpose: str, owner: str = "alice", key: str = "support", iid: int = 1
) -> str:
    body = render_issue_template(
        "objective",
        title=title,
        purpose=purpose,
        owner=owner,
        team=TEAM,
        quarter=QUARTER,
        key_results=[],
        parents=[],
        kind="committed",
    )
    meta = Meta(type="objective", key=key, iid=iid, owner=owner)
    return with_meta(created(body), meta.to_dict())


def kr_text(
    title: str, *, objective_iid: int, objective_key: str, key: str, owner: str = "bob"
) -> str:
    body = render_issue_template(
        "kr", statement=title, objective=f"#{objective_iid}", owner=owner, weight=None
    )
    meta = Meta(
        type="kr",
        key=key,
        objective=objective_key,
        objective_iid=objective_iid,
        owner=owner,
        metric=_metric(title),
    )
    return with_meta(created(body), meta.to_dict())


def _metric(title: str) -> Metric | None:
    try:
        return parse_statement(title)
    except StatementError:
        return None  # a person's statement okrflow cannot read: lint says so


def okrs(
    emu: Emulator,
    *,
    title: str = "Make support effortless",
    purpose: str = "Customers stay when help is fast.",
    kr_titles: Sequence[str] = KRS,
    state: str = "active",
    objective_labels: Sequence[str] | None = None,
) -> World:
    """One objective of the quarter with its key results, all in ``state``."""
    emu.set_now(NOW - dt.timedelta(days=14))
    first = len(emu.issues(PROJECT)) + 1
    key = f"objective-{first}"
    emu.add_issue(
        PROJECT,
        title,
        description=objective_text(title, purpose=purpose, key=key, iid=first),
        labels=list(objective_labels or labels("okr::objective", state)),
        assignee="alice",
    )
    krs = []
    for n, statement in enumerate(kr_titles, start=1):
        issue = emu.add_issue(
            PROJECT,
            statement,
            description=kr_text(
                statement, objective_iid=first, objective_key=key, key=f"{key}/kr{n}"
            ),
            labels=labels("okr::key result", state),
            assignee="bob",
        )
        krs.append(issue.iid)
    emu.set_now(NOW)
    return World(first, tuple(krs))


def edit(emu: Emulator, iid: int, change: Callable[[str], str]) -> str:
    """Change an issue's description as a person would in the GitLab editor."""
    issue = emu.issue(PROJECT, iid)
    issue.description = change(issue.description or "")
    return issue.description


def set_labels(emu: Emulator, iid: int, names: Sequence[str]) -> None:
    """Replace an issue's labels as a person would in the sidebar."""
    emu.request(
        "PUT",
        f"/projects/{PROJECT.replace('/', '%2F')}/issues/{iid}",
        token=emu.default_token,
        json_body={"labels": ",".join(names)},
    )


def as_alice(emu: Emulator, iid: int, **fields: object) -> None:
    """Change an issue through the API as alice, a member who is not okrflow's user."""
    answer = emu.request(
        "PUT",
        f"/projects/{PROJECT.replace('/', '%2F')}/issues/{iid}",
        token=SANDBOX_ALICE_TOKEN,
        json_body=dict(fields),
    )
    assert answer.status == 200, answer.json()


def person_text(description: str | None) -> str:
    """The description without okrflow's parts (metadata block, progress section),
    the joins between the person's pieces taken as one line break."""
    parsed = split(description)
    pieces = [parsed.before, *parsed.between, parsed.after]
    return "\n".join(piece.strip("\r\n") for piece in pieces if piece.strip("\r\n"))

"""A group scope arranged in the emulator: group ``acme`` with ``acme/company``,
``acme/sales``, ``acme/support`` and subgroup ``acme/eng`` with ``acme/eng/platform``
and ``acme/eng/web``; OKRs in several of them, aligned across projects.

Issues okrflow wrote carry its metadata block (key, parents by key); issues a person
filed have only the template's text, whose references name other projects in full
(``acme/sales#1``). Several projects have an issue #1.

``carol`` is a Developer of every project but ``acme/eng/web``: her token cannot see it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from filled_template import stored
from okrflow.commands.reporter import Recorder
from okrflow.commands.workspace import Workspace, connect_settings
from okrflow.config import Config
from okrflow.core.description import with_meta
from okrflow.core.labels import DEFAULT_LABEL_NAMES
from okrflow.core.meta import Meta, ParentRef, RecordedCheckIn
from okrflow.render.templating import render_issue_template
from okrflow.sandbox import Emulator

GROUP = "acme"
COMPANY, SALES, SUPPORT = "acme/company", "acme/sales", "acme/support"
PLATFORM, WEB = "acme/eng/platform", "acme/eng/web"
PROJECTS = (COMPANY, SALES, SUPPORT, PLATFORM, WEB)
QUARTER = "FY24-Q1"
NOW = dt.datetime(2024, 2, 15, 12, 0, tzinfo=dt.timezone.utc)
NAMES = DEFAULT_LABEL_NAMES
TEAMS = {SALES: "Sales", SUPPORT: "Support", PLATFORM: "Platform", WEB: "Web"}


def build_group(emu: Emulator) -> None:
    """The group's subgroup and projects, okrflow's labels as group labels, and carol."""
    emu.add_group("acme/eng")
    for path in PROJECTS:
        emu.add_project(path)
    labels = [
        NAMES.objective,
        NAMES.key_result,
        NAMES.draft,
        NAMES.review,
        NAMES.active,
        NAMES.closed,
        NAMES.on_track,
        NAMES.needs_attention,
        NAMES.at_risk,
        QUARTER,
        *TEAMS.values(),
    ]
    for name in labels:
        emu.add_label(GROUP, name)
    emu.add_user("carol")
    for path in (COMPANY, SALES, SUPPORT, PLATFORM):
        emu.add_member(path, "carol", "developer")


def objective(
    emu: Emulator,
    project: str,
    title: str,
    *,
    key: str,
    parents: Sequence[tuple[str, str]] = (),  # (key, full reference)
    team: str | None = None,
    owner: str = "alice",
) -> int:
    """An objective as okrflow writes it: its parents by key, their full references in
    its text; returns its iid."""
    iid = emu.project(project).next_iid
    body = render_issue_template(
        "objective",
        title=title,
        purpose="It matters to the whole company.",
        owner=owner,
        team=team,
        quarter=QUARTER,
        parents=[ref for _, ref in parents],
        kind="committed",
    )
    meta = Meta(
        type="objective",
        key=key,
        iid=iid,
        parents=tuple(ParentRef(k, int(ref.rpartition("#")[2])) for k, ref in parents),
        owner=owner,
    )
    labels = [NAMES.objective, NAMES.active, QUARTER, *([team] if team else [])]
    emu.add_issue(
        project,
        title,
        description=with_meta(stored(body), meta.to_dict()),
        labels=labels,
        assignee=owner,
    )
    return iid


def key_result(
    emu: Emulator,
    project: str,
    statement: str,
    objective_ref: str,
    *,
    key: str | None = None,
    objective_key: str | None = None,
    value: float | None = None,
    owner: str = "bob",
) -> int:
    """A key result: with ``key``, as okrflow writes it (and a check-in of ``value``);
    without, as a person files it from the template (no metadata). Its Objective
    section names ``objective_ref``."""
    iid = emu.project(project).next_iid
    body = stored(
        render_issue_template(
            "kr", statement=statement, objective=objective_ref, owner=owner, quarter=QUARTER
        )
    )
    if key is not None:
        checkin = (
            RecordedCheckIn(at=NOW - dt.timedelta(days=2), value=value, confidence=0.8)
            if value is not None
            else None
        )
        meta = Meta(
            type="kr", key=key, iid=iid, objective=objective_key, owner=owner, checkin=checkin
        )
        body = with_meta(body, meta.to_dict())
    emu.add_issue(
        project,
        statement,
        description=body,
        labels=[NAMES.key_result, NAMES.active, QUARTER],
        assignee=owner,
    )
    return iid


def seed_okrs(emu: Emulator) -> None:
    """Company objective acme/company#1 with department objectives aligned under it in
    acme/sales (#1) and acme/eng/platform (#1); key results in their projects and in
    others (acme/support#1 and acme/eng/web#1, filed by people: no okrflow key)."""
    objective(emu, COMPANY, "Grow the business", key="company-growth")
    company = [("company-growth", f"{COMPANY}#1")]
    objective(emu, SALES, "Build the pipeline", key="sales-pipeline", parents=company, team="Sales")
    objective(
        emu,
        PLATFORM,
        "Run a platform people trust",
        key="platform-trust",
        parents=company,
        team="Platform",
    )
    key_result(
        emu,
        SALES,
        "Raise qualified leads from 10 to 20",
        "#1",
        key="sales-leads",
        objective_key="sales-pipeline",
        value=15,
    )  # acme/sales#2: 50%
    key_result(
        emu,
        PLATFORM,
        "Raise uptime from 90 to 100",
        "#1",
        key="platform-uptime",
        objective_key="platform-trust",
        value=99,
    )  # acme/eng/platform#2: 90%
    key_result(emu, SUPPORT, "Sign 8 partner deals", f"{SALES}#1")  # acme/support#1
    key_result(emu, WEB, "Ship 4 landing pages", f"{PLATFORM}#1")  # acme/eng/web#1


def shared_key_result(
    emu: Emulator,
    project: str,
    statement: str,
    objectives: Sequence[tuple[str, str]],  # (key, full reference), the home one first
    *,
    key: str,
    value: float | None = None,
    owner: str = "bob",
) -> int:
    """A key result as okrflow writes one that counts for several objectives: its home
    objective and the further ones (``also``) in its metadata, all named in its
    Objective section; returns its iid."""
    iid = emu.project(project).next_iid
    refs = [ref for _, ref in objectives]
    body = stored(
        render_issue_template(
            "kr", statement=statement, objective=refs[0], also=refs[1:], owner=owner
        )
    )
    (home, home_ref), *others = objectives
    home_path, _, home_iid = home_ref.rpartition("#")
    checkin = (
        RecordedCheckIn(at=NOW - dt.timedelta(days=2), value=value, confidence=0.8)
        if value is not None
        else None
    )
    also = []
    for other, ref in others:
        path, _, number = ref.rpartition("#")
        also.append(ParentRef(other, int(number), None if path == project else path))
    meta = Meta(
        type="kr",
        key=key,
        iid=iid,
        objective=home,
        objective_iid=int(home_iid) if home_path == project else None,
        also=tuple(also),
        owner=owner,
        checkin=checkin,
    )
    emu.add_issue(
        project,
        statement,
        description=with_meta(body, meta.to_dict()),
        labels=[NAMES.key_result, NAMES.active, QUARTER],
        assignee=owner,
    )
    return iid


def config_workspace(
    emu: Emulator, config: dict[str, Any], *, token: str | None = None
) -> Workspace:
    """A workspace as the command line opens it from ``config`` (a group's), with
    ``token`` (default: the emulator's)."""
    loaded = Config.model_validate(config)
    settings = connect_settings(
        loaded,
        gitlab_url=emu.base_url,
        project=None,
        environ={"GITLAB_TOKEN": str(token or emu.default_token)},
    )
    return Workspace(config=loaded, connection=settings, out=Recorder(), now=lambda: NOW)


def linked_refs(emu: Emulator, project: str, iid: int) -> set[str]:
    """The full references of the issues linked to ``project#iid``, as GitLab lists them."""
    path = f"/projects/{project.replace('/', '%2F')}/issues/{iid}/links"
    listed = emu.request("GET", path, token=emu.default_token).json()
    return {item["references"]["full"] for item in listed}


def writes(emu: Emulator) -> int:
    """The requests that changed something, the lease's left out."""
    counts = emu.counts(without="okrflow=lease")
    return sum(counts[m] for m in ("POST", "PUT", "DELETE"))

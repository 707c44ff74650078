"""A quarter of OKRs that okrflow wrote, people who check in, and an attacker.

:func:`world` serves a fresh emulator seeded like ``okrflow sandbox`` plus:

- ``mallory``, a Developer of ``acme/okrs`` (a member, not the token's user ``okr-lead``),
  ``gwen`` a Guest, ``stranger`` no member at all;
- ``acme/finance``, a private project the token can read and mallory cannot, with a
  confidential issue;
- FY24-Q1 (time frozen on 2024-02-15): #1 "Make support effortless" (key ``support``)
  with key results #2-#4, #5 "Grow the business" (key ``growth``) with #6-#7, all
  written by okrflow's user, active; bob (the owner, a Developer) checked in on #2, #3
  and #6 by typing comments.

:class:`World` runs the installed ``okrflow`` against it (``world.okrflow("rollup")``),
acts as anyone (``world.as_user("mallory", "POST", path, body)``), and reads everything
okrflow printed, wrote to files or into GitLab (:meth:`World.everything`), for the token
scan.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from e2e.conftest import OKRFLOW, clean_environ, run_okrflow
from okrflow.core.description import with_meta
from okrflow.core.meta import Meta
from okrflow.core.statements import parse_statement
from okrflow.sandbox import (
    SANDBOX_ALICE_TOKEN,
    SANDBOX_JOB_TOKEN,
    SANDBOX_OUTSIDER_TOKEN,
    SANDBOX_READ_TOKEN,
    SANDBOX_TOKEN,
    Emulator,
)

PROJECT = "acme/okrs"
P = "/projects/acme%2Fokrs"
QUARTER = "FY24-Q1"
NOW = dt.datetime(2024, 2, 15, 12, 0, tzinfo=dt.timezone.utc)
OBJECTIVES = {1: ("support", "Make support effortless"), 5: ("growth", "Grow the business")}
KRS = {
    2: (1, "csat", "Raise CSAT from 80% to 90%"),
    3: (1, "response", "Cut first response time from 8h to 2h"),
    4: (1, "docs", "Publish 10 help articles"),
    6: (5, "wau", "Grow weekly active users from 10,000 to 15,000"),
    7: (5, "logos", "Land 5 large enterprise logos"),
}
CHECKINS = {2: "Check-in: 85% (confidence 70%)", 3: "Check-in: 5h", 6: "Check-in: 12,000"}
LEGITIMATE = (*OBJECTIVES, *KRS)
STATIC_TOKENS = (SANDBOX_TOKEN, SANDBOX_READ_TOKEN, SANDBOX_ALICE_TOKEN, SANDBOX_OUTSIDER_TOKEN,
                 SANDBOX_JOB_TOKEN)  # fmt: skip


def objective_text(key: str, iid: int) -> str:
    body = "## Purpose\n\nCustomers stay when help is fast.\n\n## Owner\n\n@bob\n"
    return with_meta(body, Meta(type="objective", key=key, iid=iid, owner="bob").to_dict())


def kr_text(iid: int, objective: int, key: str, title: str) -> str:
    meta = Meta(
        type="kr",
        key=f"{OBJECTIVES[objective][0]}/{key}",
        iid=iid,
        objective=OBJECTIVES[objective][0],
        objective_iid=objective,
        owner="bob",
        metric=parse_statement(title),
    )
    return with_meta(f"## Objective\n\n#{objective}\n\n## Owner\n\n@bob\n", meta.to_dict())


def seed(emu: Emulator) -> None:
    for name, role in (("mallory", "developer"), ("gwen", "guest")):
        emu.add_user(name)
        emu.add_member(PROJECT, name, role)
    emu.add_user("stranger")
    emu.add_project("acme/finance")
    emu.add_issue("acme/finance", "Acquisition talks", labels=["support"], confidential=True)
    emu.set_now(NOW - dt.timedelta(days=20))
    for iid in sorted({*OBJECTIVES, *KRS}):
        if iid in OBJECTIVES:
            key, title = OBJECTIVES[iid]
            kind, text = "okr::objective", objective_text(key, iid)
        else:
            objective, key, title = KRS[iid]
            kind, text = "okr::key result", kr_text(iid, objective, key, title)
        made = emu.add_issue(
            PROJECT, title, description=text, labels=[kind, "okr-status::active", QUARTER, "CSM"]
        )
        assert made.iid == iid
    emu.set_now(NOW - dt.timedelta(days=3))
    for iid, body in CHECKINS.items():
        emu.request("POST", f"{P}/issues/{iid}/notes", token=emu.token_for("bob"),
                    json_body={"body": body})  # fmt: skip
    emu.set_now(NOW)


@dataclasses.dataclass
class World:
    emu: Emulator
    url: str
    cwd: Path
    config: Path
    printed: list[str] = dataclasses.field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        env = clean_environ()
        env.update(
            GITLAB_URL=self.url,
            GITLAB_TOKEN=SANDBOX_TOKEN,
            OKRFLOW_PROJECT=PROJECT,
            OKRFLOW_CONFIG=str(self.config),
            OKRFLOW_NOW=NOW.isoformat(),
            NO_COLOR="1",
        )
        return env

    def okrflow(
        self, *args: str, extra_env: Mapping[str, str | None] | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = run_okrflow(args, env=self.env, cwd=self.cwd, timeout=120, extra_env=extra_env)
        self.printed += [done.stdout, done.stderr]
        return done

    def as_user(self, user: str, method: str, path: str, body: Any = None) -> Any:
        """A request a person makes through the API (or the UI), as ``user``."""
        answer = self.emu.request(method, path, token=self.emu.token_for(user), json_body=body)
        assert answer.status < 300, (answer.status, answer.body)
        return answer.json() if answer.body else None

    def file_issue(self, user: str, title: str, description: str, labels: list[str]) -> int:
        body = {"title": title, "description": description, "labels": ",".join(labels)}
        return int(self.as_user(user, "POST", f"{P}/issues", body)["iid"])

    def comment(self, user: str, iid: int, body: str) -> int:
        return int(self.as_user(user, "POST", f"{P}/issues/{iid}/notes", {"body": body})["id"])

    def notes(self, iid: int) -> list[Any]:
        return self.emu.notes(PROJECT, iid)

    def everything(self) -> str:
        """What okrflow printed, the files it wrote, and all that GitLab holds."""
        texts = list(self.printed)
        for path in sorted(self.cwd.rglob("*")):
            if path.is_file():
                texts.append(path.read_text("utf-8", errors="replace"))
        for log in Path(tempfile.gettempdir()).glob("okrflow-crash-*.log"):
            texts.append(log.read_text("utf-8", errors="replace"))
        for issue in self.emu.issues(PROJECT):
            texts += [issue.title, issue.description or ""]
            texts += [note.body for note in self.emu.notes(PROJECT, issue.iid, system=True)]
        texts += [f"{label.name} {label.description}" for label in self.emu.labels(PROJECT)]
        return "\n".join(texts)

    def tokens_found(self) -> list[str]:
        everything = self.everything()
        tokens = [*STATIC_TOKENS, *(t.token for t in self.emu.state.tokens.values())]
        return sorted({t for t in tokens if t in everything})


@contextlib.contextmanager
def world(tmp_path: Path, config: str = "") -> Iterator[World]:
    """A served emulator seeded as the module says; ``config``: the okrflow config."""
    if not OKRFLOW.exists():
        raise AssertionError(f"the okrflow console script is not installed: {OKRFLOW}")
    emu = Emulator.sandbox()
    seed(emu)
    cwd = tmp_path / "run"
    cwd.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "okrflow.yml"
    path.write_text(config, encoding="utf-8")
    with emu.serve(host="127.0.0.1", port=0) as url:
        yield World(emu, url, cwd, path)


def issue_path(iid: int) -> str:
    return f"{P}/issues/{iid}"


def encoded(path: str) -> str:
    return quote(path, safe="")

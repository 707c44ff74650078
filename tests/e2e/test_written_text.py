"""What okrflow writes into GitLab can be turned against no one: the attacks of issue 11,
made by alice (a member, not the token's user), then ``schedule`` (weekly reminders and
review reminders) and ``lint --comment`` run through the installed okrflow against the
served emulator.

- A metadata ``owner`` of ``"x\\n/close\\n/title PWNED\\n/confidential\\n/lock\\ny"``
  pasted into reminder, review and lint comments: no quick action runs (every issue
  keeps its title, state, confidentiality and lock).
- An Owner section ``@some-group`` (and ``@all``): no group or ``@all`` mention is made,
  while the legitimate reminders still mention bob and alice.
- The other OKRs' numbers equal those before the attack, and no token is anywhere.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest

from badinput.case import TOKENS
from badinput.world import PROJECT, TEAM, as_alice, objective_text, okrs
from okrflow.core.description import split, with_meta
from okrflow.sandbox import SANDBOX_ALICE_TOKEN, Emulator

pytestmark = pytest.mark.e2e

ATTACK = "x\n/close\n/title PWNED\n/confidential\n/lock\ny"
REVIEW_DAY = "2024-03-18"  # two weeks before FY24-Q2, a Monday of FY24-Q1
ENV = {"OKRFLOW_NOW": f"{REVIEW_DAY}T12:00:00+00:00"}
_OWNER = re.compile(r"## Owner\n\n(?:<!--[^\n]*-->\n)?@?[^\n]*\n")


def owner_section(emu: Emulator, iid: int, owner: str | None) -> None:
    """alice writes ``owner`` into the Owner section (None: removes it) and unassigns."""
    text = emu.issue(PROJECT, iid).description or ""
    section = "" if owner is None else f"## Owner\n\n{owner}\n"
    as_alice(emu, iid, description=_OWNER.sub(section, text, count=1), assignee_ids=[])


def metadata_owner(emu: Emulator, iid: int, owner: str) -> None:
    """alice puts ``owner`` in okrflow's metadata block, with no Owner section."""
    owner_section(emu, iid, None)
    text = emu.issue(PROJECT, iid).description or ""
    meta = split(text).meta
    assert meta is not None
    as_alice(emu, iid, description=with_meta(text, {**meta, "owner": owner}))


def draft(emu: Emulator, title: str, owner: str) -> int:
    """A draft objective of FY24-Q2, filed by alice."""
    answer = emu.request(
        "POST",
        f"/projects/{quote(PROJECT, safe='')}/issues",
        token=SANDBOX_ALICE_TOKEN,
        json_body={"title": title, "labels": f"okr::objective,okr-status::draft,FY24-Q2,{TEAM}"},
    )
    iid = int(answer.json()["iid"])
    text = objective_text(title, purpose="Why.", owner="alice", key=title, iid=iid)
    as_alice(emu, iid, description=text.replace("FY24-Q1", "FY24-Q2"))
    owner_section(emu, iid, owner)
    return iid


def numbers(doc: Any, skip: set[int]) -> dict[int, Any]:
    found = {}
    for objective in doc["objectives"]:
        found[objective["iid"]] = (objective["progress"], objective["health"])
        for kr in objective["key_results"]:
            found[kr["iid"]] = (kr["progress"], kr["health"], kr["current"])
    return {iid: value for iid, value in found.items() if iid not in skip}


def issues(emu: Emulator) -> dict[int, tuple[Any, ...]]:
    return {
        i.iid: (i.title, i.state, i.confidential, bool(i.discussion_locked))
        for i in emu.issues(PROJECT)
    }


def test_hostile_owners_start_no_quick_action_and_ping_no_group(okrflow_cli: Any) -> None:
    emu = okrflow_cli.emu
    emu.add_group("some-group", members={"alice": "developer"}, visibility="public")
    world = okrs(emu, kr_titles=("Do better", "Cut first response time from 8h to 2h", "Win"))
    for iid in world.krs[1:]:
        emu.add_note(PROJECT, iid, "Check-in: 6h confidence 80%", author="bob")
    quiet = okrflow_cli("rollup", extra_env=ENV)
    assert quiet.returncode == 0, quiet.stderr
    before = json.loads(okrflow_cli("status", "--json", extra_env=ENV).stdout)

    metadata_owner(emu, world.krs[0], ATTACK)  # "Do better": lint comments on it
    owner_section(emu, world.krs[2], "@some-group")
    hostile = draft(emu, "Own the market", "@all")
    fine = draft(emu, "Delight developers", "@alice")
    metadata_owner(emu, hostile, ATTACK)
    states = issues(emu)
    emu.reset_log()
    mentioned_before = len(emu.mentions)

    runs = [
        okrflow_cli("schedule", "--date", REVIEW_DAY, extra_env=ENV),
        okrflow_cli("lint", "--comment", "--quarter", "FY24-Q1", extra_env=ENV),
        okrflow_cli("lint", "--comment", "--quarter", "FY24-Q2", extra_env=ENV),
    ]

    assert [r.returncode for r in runs] == [0, 3, 3], [r.stderr for r in runs]
    after = issues(emu)
    assert {iid: after[iid] for iid in states} == states  # nothing retitled, closed, locked
    reminders = [i for i in emu.issues(PROJECT) if i.title.startswith("OKR check-in reminders")]
    assert len(reminders) == 1 and after[reminders[0].iid][1:] == ("opened", False, False)
    made = emu.mentions[mentioned_before:]
    assert {m.kind for m in made} == {"user"}  # no group, no @all
    assert {m.name for m in made} == {"bob", "alice"}  # the real reminders still reach them
    bob = emu.user("bob").id
    assert any(bob in m.user_ids and m.issue_id == reminders[0].id for m in made)
    written = [n.body for i in emu.issues(PROJECT) for n in emu.notes(PROJECT, i.iid)]
    quoted = "x /close /title PWNED /confidential /lock y"  # the owner, on one line, inert
    assert sum(quoted in body for body in written) >= 3  # check-in, review and lint comments
    assert any(str(fine) in body for body in written) and any(
        str(hostile) in body for body in written
    )

    now = json.loads(okrflow_cli("status", "--json", extra_env=ENV).stdout)
    assert numbers(now, {world.krs[0], world.objective}) == numbers(
        before, {world.krs[0], world.objective}
    )
    everything = [r.stdout + r.stderr for r in runs] + written
    everything += [f"{i.title}\n{i.description}" for i in emu.issues(PROJECT)]
    assert not [t for t in TOKENS if any(t in text for text in everything)]

"""OKR issues filed from the UI templates with what okrflow cannot work out: a template
filled in half, a Quarter section naming no quarter, a Team not in the config, an Owner
that is a group or no user, Key results lines that are not measurable; and a board move
whose label event names no user, a check-in edited into nonsense.

Each is one problem on its issue (``adopt`` names it in the output and in okrflow's lint
comment on the issue), the run goes on (a well-filled objective filed next to it is
adopted all the same), and the person's text is kept word for word.
"""

from __future__ import annotations

import re
from typing import Any

from filled_template import fill_template
from okrflow.core.adoption import ADOPTED_MARKER
from okrflow.core.description import split
from okrflow.render.templating import ui_template_text
from okrflow.sandbox import Emulator

from .case import Case, Ran
from .world import ENV, PROJECT, QUARTER, edit, labels, okrs, set_labels

CONFIG = {"config/okrflow.yml": "teams: [CSM, Support]\n"}
GOOD = {
    "Objective": "Answer every customer within a day",
    "Purpose": "Fast answers keep customers.",
    "Owner": "@alice",
    "Team": "CSM",
    "Quarter": QUARTER,
    "Key results": "- Cut first response time from 30h to 20h",
}
FULL = {
    **GOOD,
    "Objective": "Make onboarding a delight",
    "Key results": "- Raise NPS from 20 to 40",
}


def _filled(template: str, sections: dict[str, str]) -> str:
    return fill_template(ui_template_text(template), sections)


def file(emu: Emulator, title: str, sections: dict[str, str], template: str = "objective") -> int:
    """File the raw template, filled in, through the API as bob (quick actions run)."""
    answer = emu.request(
        "POST",
        f"/projects/{PROJECT.replace('/', '%2F')}/issues",
        token=emu.token_for("bob"),
        json_body={"title": title, "description": _filled(template, sections)},
    )
    assert answer.status == 201, answer.json()
    return int(answer.json()["iid"])


def filed_all(emu: Emulator) -> Any:
    """Each bad objective of :data:`BAD`, then a good one: ({name: iid}, good iid)."""
    okrs(emu)  # the project's labels and an objective okrflow wrote
    bad = {
        name: file(emu, sections.get("Objective", name), sections)
        for name, (sections, _) in BAD.items()
    }
    return bad, file(emu, GOOD["Objective"], GOOD)


def each_named_and_kept(ran: Ran) -> None:
    """Every issue adopted with the person's text word for word, one adoption comment,
    and the bad ones' problem in okrflow's lint comment on them."""
    assert ran.emu is not None
    bad, good = ran.arranged
    for iid in [*bad.values(), good]:
        after = split(ran.description(iid))
        assert after.meta is not None, f"#{iid} not adopted"
        assert after.human.rstrip() == ran.before[iid].rstrip(), f"#{iid} changed"
        notes = [n.body for n in ran.emu.notes(PROJECT, iid)]
        assert sum(ADOPTED_MARKER in n for n in notes) == 1
    for name, iid in bad.items():
        said = BAD[name][1]
        assert re.search(rf"#{iid}: .*{said}", ran.output), name
        notes = [n.body for n in ran.emu.notes(PROJECT, iid)]
        [lint] = [n.replace("\u2060", "") for n in notes if "okrflow:lint" in n]
        assert re.search(said, lint), (name, lint)
    assert QUARTER in ran.emu.issue_labels(PROJECT, good)
    assert not any("okrflow:lint" in n.body for n in ran.emu.notes(PROJECT, good))


BAD: dict[str, tuple[dict[str, str], str]] = {  # name: (the sections filled in, the problem named)
    "half-filled": (
        {"Objective": "Half filled", "Key results": "- Raise NPS from 20 to 40"},
        r"the Team section is empty",
    ),
    "quarter-names-none": (
        {**FULL, "Quarter": "next quarter, after the offsite"},
        r"the Quarter section names no quarter \('next quarter, after the offsite'\)",
    ),
    "team-not-configured": (
        {**FULL, "Team": "Marketing"},
        r"the Team section says 'Marketing', not a configured team \(CSM, Support\)",
    ),
    "owner-group": (
        {**FULL, "Owner": "@acme"},
        r"names @acme, whom GitLab does not know as a user \(a group",
    ),
    "owner-no-user": (
        {**FULL, "Owner": "@nobody-here"},
        r"names @nobody-here, whom GitLab does not know as a user",
    ),
    "kr-lines-not-measurable": (
        {**FULL, "Key results": "- Make customers happier\n- Raise NPS from 20 to 40"},
        r"the Key results line 'Make customers happier' is not a measurable key result",
    ),
}


CASES = [
    Case(
        id="adopt-bad-templates",
        files=CONFIG,
        argv=("adopt",),
        exit=0,
        expect=r"adopt FY24-Q1: 7 issues adopted, 7 key results opened",
        stream="stdout",
        setup=filed_all,
        env=ENV,
        check=each_named_and_kept,
        one_line=False,
    ),
]


def moved_by_nobody(emu: Emulator) -> Any:
    """A draft okrflow recorded, put into Active by a label event GitLab returns with
    ``"user": null`` (its author was deleted)."""
    world = okrs(emu, state="draft")
    for iid in world.iids:
        edit(
            emu, iid, lambda text: text.replace('"schema": 1', '"lifecycle": "draft", "schema": 1')
        )
    set_labels(emu, world.objective, labels("okr::objective", "active"))
    issue = emu.issue(PROJECT, world.objective)
    for event in emu.state.label_events_of(issue.id):
        event.user_id = None
    return world


def reported_as_someone(ran: Ran) -> None:
    assert ran.emu is not None
    notes = [n.body for n in ran.emu.notes(PROJECT, ran.arranged.objective)]
    assert [n for n in notes if n.startswith("okrflow: someone (GitLab does not say who)")]
    table = split(ran.description(ran.arranged.objective)).section or ""
    assert f"| #{ran.arranged.krs[0]} " in table, "the run did not go on"


CASES.append(
    Case(
        id="board-move-label-event-without-a-user",
        argv=("rollup", "--quarter", QUARTER),
        exit=0,
        expect=r"#1: someone moved it from In Draft to Active, but okrflow move does not go",
        setup=moved_by_nobody,
        env=ENV,
        check=reported_as_someone,
    )
)

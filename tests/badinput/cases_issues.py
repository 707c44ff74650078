"""Issues a person edited by hand: a broken metadata block, one without its end, two
blocks, template sections deleted, two lifecycle labels, no type label.

``lint`` and ``status`` report each one (the others are still checked); after
``rollup`` or ``apply`` the person's text is the same byte for byte outside okrflow's
parts, and the note a person typed into the description is still there.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable
from typing import Any

from okrflow.core.description import split

from .case import Case, Ran
from .world import ENV, QUARTER, edit, labels, okrs, person_text, set_labels

PERSON = "Notes from the offsite, kept by hand: ask @bob about the survey.\n"
_META_JSON = re.compile(r"^\{.*\}$", re.MULTILINE)
_BLOCK = re.compile(r"<!-- okrflow:meta.*?-->", re.DOTALL)


def broken_json(text: str) -> str:
    return _META_JSON.sub(lambda m: m.group(0)[:-1] + ",", text, count=1) + "\n" + PERSON


def no_end(text: str) -> str:
    return text.rstrip().removesuffix("-->").rstrip() + "\n\n" + PERSON


def duplicated(text: str) -> str:
    block = _BLOCK.search(text)
    assert block is not None
    return f"{text}\n\n{PERSON}\n{block.group(0)}\n"


def nan_weight(text: str) -> str:
    """A number JSON has no word for (Python's json reads it; okrflow cannot write it)."""
    return _META_JSON.sub(lambda m: m.group(0)[:-1] + ', "weight": NaN}', text, count=1) + PERSON


def no_sections(text: str) -> str:
    block = _BLOCK.search(text)
    assert block is not None
    return f"{PERSON}\n{block.group(0)}\n"


def hand_edited(iid: int, change: Callable[[str], str]) -> Callable[[Any], Any]:
    def setup(emu: Any) -> Any:
        world = okrs(emu)
        edit(emu, iid, change)
        return world

    return setup


def relabelled(iid: int, names: list[str]) -> Callable[[Any], Any]:
    def setup(emu: Any) -> Any:
        world = okrs(emu)
        set_labels(emu, iid, names)
        return world

    return setup


def person_text_kept(ran: Ran) -> None:
    """Outside okrflow's parts every description is what it was, byte for byte."""
    assert ran.emu is not None
    for iid, before in ran.before.items():
        after = ran.description(iid)
        diff = "\n".join(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm=""))
        assert person_text(after) == person_text(before), f"#{iid} changed:\n{diff}"
    # a trailing line break goes when the person's note becomes the end of the
    # description: GitLab strips a description's trailing whitespace
    for iid, before in ran.before.items():
        if PERSON in before:
            assert PERSON.rstrip("\n") in ran.description(iid)


def _kept_and_block_rewritten(ran: Ran) -> None:
    """The person's text is kept and the broken block was replaced by a readable one."""
    person_text_kept(ran)
    parsed = split(ran.description(2))
    assert parsed.meta is not None and parsed.meta_problem is None, parsed.meta_problem


def rolled_up_and_kept(ran: Ran) -> None:
    person_text_kept(ran)
    assert ran.emu is not None
    assert split(ran.description(1)).section, "the objective got no progress section"


EDITS: dict[str, tuple[int, Callable[[str], str], str]] = {
    # name: (issue, edit, what lint and status say about it)
    "broken-meta-json": (1, broken_json, r"#1.*metadata block: its JSON is not valid"),
    "meta-without-end": (2, no_end, r"#2.*metadata block has no end marker '-->'"),
    "duplicated-meta": (1, duplicated, r"#1 problem: the okrflow metadata block appears 2 times"),
    "missing-sections": (1, no_sections, r"#1.*(template-sections|purpose)"),
    "meta-nan-weight": (2, nan_weight, r"#2.*its JSON is not valid \(NaN is not a JSON number\)"),
}


def lint_case(name: str) -> Case:
    iid, change, said = EDITS[name]
    return Case(
        id=f"issue-{name}-lint",
        argv=("lint", "--quarter", QUARTER),
        exit=3,
        expect=said,
        stream="any",
        setup=hand_edited(iid, change),
        env=ENV,
        check=person_text_kept,
        one_line=False,
    )


def status_case(name: str) -> Case:
    iid, change, said = EDITS[name]
    return Case(
        id=f"issue-{name}-status",
        argv=("status", "--quarter", QUARTER),
        exit=0,
        expect=said,
        stream="any",
        setup=hand_edited(iid, change),
        env=ENV,
        check=person_text_kept,
    )


def rollup_case(name: str) -> Case:
    iid, change, _ = EDITS[name]
    return Case(
        id=f"issue-{name}-rollup",
        argv=("rollup", "--quarter", QUARTER),
        exit=0,
        expect=r"rollup FY24-Q1: ",
        stream="stdout",
        setup=hand_edited(iid, change),
        env=ENV,
        check=rolled_up_and_kept,
    )


APPLY_FILE = (
    "quarter: FY24-Q1\n"
    "objectives:\n"
    "  - key: objective-1\n"
    "    title: Make support effortless for everyone\n"
    "    team: CSM\n"
    "    owner: alice\n"
    "    purpose: Customers stay when help is fast.\n"
)


def apply_case(name: str) -> Case:
    iid, change, _ = EDITS[name]
    return Case(
        id=f"issue-{name}-apply",
        files={"okrs.yml": APPLY_FILE},
        argv=("apply", "okrs.yml"),
        exit=0,
        expect=r"apply: ",
        stream="stdout",
        setup=hand_edited(iid, change),
        env=ENV,
        check=person_text_kept,
    )


CASES = [
    *(lint_case(name) for name in EDITS),
    *(
        dataclasses.replace(
            lint_case(name),
            id=f"issue-{name}-lint-comment",
            argv=("lint", "--quarter", QUARTER, "--comment"),
            expect=r"commented on #1",
        )
        for name in ("duplicated-meta", "missing-sections")
    ),
    status_case("broken-meta-json"),
    status_case("meta-without-end"),
    *(rollup_case(name) for name in EDITS),
    Case(
        id="issue-broken-meta-json-rollup-names-it",
        argv=("rollup", "--quarter", QUARTER),
        exit=0,
        expect=r"#1: the okrflow metadata block: its JSON is not valid",
        setup=hand_edited(1, broken_json),
        env=ENV,
    ),
    Case(
        id="issue-meta-nan-weight-move-closed",
        argv=("move", "1", "--to", "closed"),
        exit=0,
        expect=r"^move to Closed: 4 moved",
        stream="stdout",
        setup=hand_edited(2, nan_weight),
        env=ENV,
        check=_kept_and_block_rewritten,
    ),
    apply_case("duplicated-meta"),
    apply_case("meta-without-end"),
    Case(
        id="issue-two-lifecycle-labels-lint",
        argv=("lint", "--quarter", QUARTER),
        exit=3,
        expect=r"#2.*(one-state|lifecycle|state)",
        stream="any",
        setup=relabelled(2, [*labels("okr::key result"), "okr-status::draft"]),
        env=ENV,
        one_line=False,
    ),
    Case(
        id="issue-no-type-label-lint",
        argv=("lint", "--quarter", QUARTER),
        exit=3,
        expect=r"#3",
        stream="any",
        setup=relabelled(3, ["okr-status::active", QUARTER, "CSM"]),
        env=ENV,
        one_line=False,
    ),
    Case(
        id="issue-no-type-label-status",
        argv=("status", "--quarter", QUARTER),
        exit=0,
        expect=r"#3",
        stream="any",
        setup=relabelled(3, ["okr-status::active", QUARTER, "CSM"]),
        env=ENV,
    ),
]

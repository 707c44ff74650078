"""Check-ins: bad values given to ``okrflow checkin`` (exit 2, the reason, nothing
written) and malformed check-in comments typed by a person (``rollup`` lists them under
problems, exits 0, loses nothing and still counts the good ones)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okrflow.core.description import split

from .case import Case, Ran, nothing_written
from .world import ENV, PROJECT, QUARTER, okrs, person_text


def checkin(id: str, argv: tuple[str, ...], expect: str, **kwargs: Any) -> Case:
    return Case(
        id=f"checkin-{id}",
        argv=("checkin", *argv),
        exit=kwargs.pop("exit", 2),
        expect=expect,
        setup=okrs,
        env=ENV,
        check=nothing_written,
        **kwargs,
    )


def typed(body: str) -> Callable[[Any], Any]:
    """The world, a good check-in typed on KR #3, and ``body`` typed by alice on KR #2."""

    def setup(emu: Any) -> Any:
        world = okrs(emu)
        emu.add_note(PROJECT, world.krs[1], "Check-in: 5h, confidence 60%", author="alice")
        note = emu.add_note(PROJECT, world.krs[0], body, author="alice")
        return note.id, body

    return setup


def _kept_and_counted(ran: Ran) -> None:
    """The person's comment is still there, word for word, and so is the text of the
    issues; the good check-in on #3 was used."""
    assert ran.emu is not None
    note_id, body = ran.arranged
    bodies = {note.id: note.body for note in ran.emu.notes(PROJECT, 2)}
    assert bodies.get(note_id) == body
    for iid, before in ran.before.items():
        assert person_text(ran.description(iid)) == person_text(before), f"#{iid} changed"
    kr3 = split(ran.description(3)).meta or {}
    assert kr3.get("checkin", {}).get("value") == 5.0, kr3


def malformed(id: str, body: str, expect: str) -> Case:
    return Case(
        id=f"typed-checkin-{id}",
        argv=("rollup", "--quarter", QUARTER),
        exit=0,
        expect=expect,
        setup=typed(body),
        env=ENV,
        check=_kept_and_counted,
    )


CASES = [
    checkin(
        "not-a-number",
        ("#2", "--value", "lots"),
        r"^okrflow: --value 'lots' for #2: not a number",
    ),
    checkin(
        "infinite-value",
        ("2", "--value", "1e999"),
        r"^okrflow: --value '1e999' for #2: not a number",
    ),
    checkin(
        "confidence-170-percent",
        ("2", "--value", "85%", "--confidence", "170%"),
        r"^okrflow: --confidence '170%' is out of range: use 0-100% or 0\.0-1\.0",
    ),
    checkin(
        "confidence-negative",
        ("2", "--value", "85%", "--confidence", "-0.2"),
        r"^okrflow: --confidence '-0\.2' is out of range",
    ),
    checkin(
        "confidence-not-a-number",
        ("2", "--value", "85%", "--confidence", "high"),
        r"^okrflow: --confidence 'high' is not a number",
    ),
    checkin(
        "unit-does-not-fit",
        ("2", "--value", "5h"),
        r"^okrflow: --value '5h' for #2: '5h' is in h, but the key result is measured in %",
    ),
    checkin(
        "on-an-objective",
        ("1", "--value", "5"),
        r"^okrflow: #1 is an objective, not a key result",
    ),
    checkin(
        "no-such-issue",
        ("#999", "--value", "5"),
        r"^okrflow: .*#999",
    ),
    malformed(
        "not-a-number",
        "Check-in: soon\nWaiting on the survey.",
        r"#2 note \d+: check-in value 'soon' is not a number",
    ),
    malformed(
        "confidence-170",
        "Check-in: 85% confidence 170%",
        r"#2 note \d+: .*confidence",
    ),
    malformed(
        "unit-does-not-fit",
        "Check-in: 5h",
        r"#2 note \d+: check-in value '5h' is in h, but the key result is measured in %",
    ),
]

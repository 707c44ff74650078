"""Check-ins: bad values given to ``okrflow checkin`` (exit 2, the reason, nothing
written) and malformed check-in comments typed by a person (``rollup`` lists them under
problems, exits 0, loses nothing and still counts the good ones)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kr_record import record_of

from .case import Case, Ran, nothing_written
from .world import ENV, NOW, PROJECT, QUARTER, okrs, person_text


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
    kr3 = record_of(ran.emu, 3).checkin  # kept in objective #1's record of #3
    assert kr3 is not None and kr3.value == 5.0, kr3


def edited_into(body: str) -> Callable[[Any], Any]:
    """The world with good check-ins on KRs #2 and #3, rolled up; an hour later alice
    edits #2's into ``body``."""

    def setup(emu: Any) -> Any:
        from okrflow.adapter import ConnectionSettings
        from okrflow.commands.reporter import Recorder
        from okrflow.commands.rollup import rollup
        from okrflow.commands.workspace import Workspace
        from okrflow.config import Config
        from okrflow.sandbox import SANDBOX_ALICE_TOKEN

        world = okrs(emu)
        emu.add_note(PROJECT, world.krs[1], "Check-in: 5h, confidence 60%", author="alice")
        note = emu.add_note(PROJECT, world.krs[0], "Check-in: 85%", author="alice")
        settings = ConnectionSettings(url=emu.base_url, token=emu.default_token, project=PROJECT)
        ws = Workspace(
            config=Config.default(), connection=settings, out=Recorder(), now=lambda: NOW
        )
        with emu.mock(emu.base_url):  # the rollup before, in this process
            assert rollup(ws, quarter=QUARTER).new_checkins == 2
        emu.set_now(NOW + dt.timedelta(hours=1))
        edited = emu.request(
            "PUT",
            f"/projects/acme%2Fokrs/issues/{world.krs[0]}/notes/{note.id}",
            token=SANDBOX_ALICE_TOKEN,
            json_body={"body": body},
        )
        assert edited.status == 200, edited.body
        return note.id, body

    return setup


def _edited_and_kept(ran: Ran) -> None:
    """As :func:`_kept_and_counted`; and #2's edited check-in no longer counts (its
    85% is gone from the record), while it is named as a problem."""
    _kept_and_counted(ran)
    assert ran.emu is not None
    assert [c.value for c in record_of(ran.emu, 2).checkins] == []


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
    Case(
        id="typed-checkin-edited-into-nonsense",
        argv=("rollup", "--quarter", QUARTER),
        exit=0,
        expect=r"^warning: #2 note \d+: check-in value 'soon' is not a number",
        stream="any",
        setup=edited_into("Check-in: soon"),
        env={**ENV, "OKRFLOW_NOW": (NOW + dt.timedelta(hours=1)).isoformat()},
        check=_edited_and_kept,
    ),
]

"""Before a description write okrflow asks what changed since it read
(okrflow.adapter.recheck): a person's edit made in between survives, rebuilt on; nobody's
edit costs one listing and no re-read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_apply import PROJECT, edit, okr_file, workspace

from okrflow.commands.apply import apply
from okrflow.core.description import split, with_meta
from okrflow.core.meta import Meta
from okrflow.sandbox import Emulator

PERSON = "Bob: the pipeline review moved to March.\n\n"


def person_edits(emu: Emulator, iid: int) -> None:
    """Someone saves a new paragraph at the top of #iid, through the API."""
    text = PERSON + (emu.issue(PROJECT, iid).description or "")
    path, token = f"/projects/acme%2Fokrs/issues/{iid}", emu.token_for("alice")
    answer = emu.request("PUT", path, token=token, json_body={"description": text})
    assert answer.status == 200


def test_apply_keeps_a_persons_edit_made_between_its_read_and_its_write(
    emulator: Emulator, tmp_path: Path
) -> None:
    path = okr_file(tmp_path)
    apply(workspace(emulator), path)
    (sales,) = [i.iid for i in emulator.issues(PROJECT) if i.title.startswith("Build a repeat")]
    edit(path, "A motion we can repeat", "A motion we can repeat and afford")
    ws = workspace(emulator)
    write = ws.repo.update_checked

    def edited_first(record: Any, fields: dict[str, Any], rebuild: Any) -> Any:
        if record.iid == sales:
            person_edits(emulator, sales)
        return write(record, fields, rebuild)

    ws.repo.update_checked = edited_first  # type: ignore[method-assign]
    result = apply(ws, path)
    assert [c.iid for c in result.changes if c.action == "update"] == [sales]
    text = emulator.issue(PROJECT, sales).description or ""
    assert text.startswith(PERSON)  # the person's edit survived
    assert "A motion we can repeat lets us" in text  # their text, not the file's new one
    assert "and afford" not in text
    again = apply(workspace(emulator), path)  # and the file's purpose is now a conflict
    assert any("Purpose" in w for w in again.warnings), again.warnings


def test_a_save_is_rebuilt_on_the_text_a_person_saved_since_the_read(
    emulator: Emulator,
) -> None:
    meta = Meta(type="objective", key="support", iid=1)
    emulator.add_issue(PROJECT, "Support", description=with_meta("Help.\n", meta.to_dict()))
    repo = workspace(emulator).repo
    item = repo.read(next(iter(repo.list_issues())))
    person_edits(emulator, 1)
    emulator.reset_log()
    assert repo.save(item, section="| progress |")
    text = emulator.issue(PROJECT, 1).description or ""
    assert text.startswith(PERSON + "Help.") and split(text).section == "| progress |"
    assert emulator.counts_by_route() == {
        "GET /projects/:id/issues": 1,  # what changed since the read
        "GET /projects/:id/issues/:issue_iid": 1,  # the changed one, read again
        "PUT /projects/:id/issues/:issue_iid": 1,
    }


def test_a_save_nobody_raced_costs_one_listing_and_no_reread(emulator: Emulator) -> None:
    meta = Meta(type="objective", key="support", iid=1)
    emulator.add_issue(PROJECT, "Support", description=with_meta("Help.\n", meta.to_dict()))
    repo = workspace(emulator).repo
    items = [repo.read(record) for record in repo.list_issues()]
    emulator.reset_log()
    assert repo.save(items[0], section="| progress |")
    assert emulator.counts_by_route() == {
        "GET /projects/:id/issues": 1,
        "PUT /projects/:id/issues/:issue_iid": 1,
    }

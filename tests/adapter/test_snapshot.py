"""okrflow.adapter.snapshot: writing an issue back (one PUT with only what changed)."""

from __future__ import annotations

import pytest

from okrflow.adapter.client import GitLab
from okrflow.adapter.connection import ConnectionSettings
from okrflow.adapter.records import IssueRecord
from okrflow.adapter.snapshot import DESCRIPTION_MAX, read_record, save_issue
from okrflow.core.description import split, with_meta
from okrflow.core.labels import DEFAULT_LABEL_NAMES
from okrflow.core.meta import Meta
from okrflow.errors import OkrflowError
from okrflow.sandbox import SANDBOX_PROJECT, Emulator


def test_a_write_that_would_take_the_description_over_gitlabs_limit_is_refused_unsent(
    emulator: Emulator,
) -> None:
    text = "x" * (DESCRIPTION_MAX - 300) + "\n"
    meta = Meta(type="objective", key="big", iid=1)
    emulator.add_issue(SANDBOX_PROJECT, "Big", description=with_meta(text, meta.to_dict()))
    gl = GitLab(
        ConnectionSettings(
            url=emulator.base_url, token=emulator.default_token, project=SANDBOX_PROJECT
        )
    )
    item = read_record(gl.get_issue(1), DEFAULT_LABEL_NAMES)
    emulator.reset_log()
    with pytest.raises(
        OkrflowError,
        match=r"^the description of #1 would be 1,04\d,\d{3} characters, over GitLab's "
        r"limit of 1,048,576: shorten the text in the issue",
    ):
        save_issue(gl, item, section="| progress |\n" * 40)
    assert set(emulator.counts()) == set()
    assert save_issue(gl, item, section="| progress |")
    assert split(emulator.issue(SANDBOX_PROJECT, 1).description).section == "| progress |"


def _record(iid: int, description: str, labels: tuple[str, ...]) -> IssueRecord:
    return IssueRecord(
        iid=iid,
        id=iid,
        project_id=1,
        title="Grow WAU from 10 to 20",
        description=description,
        labels=labels,
        state="opened",
        web_url="",
        reference=f"#{iid}",
        author=None,
        assignees=(),
        created_at=None,
        updated_at=None,
        closed_at=None,
        user_notes_count=0,
    )


def test_own_meta_starts_afresh_when_the_block_was_copied_from_another_issue() -> None:
    copied = with_meta("Text\n", Meta(type="kr", key="other-kr", iid=7, weight=3).to_dict())
    item = read_record(_record(2, copied, ("okr::key result",)), DEFAULT_LABEL_NAMES)
    meta = item.own_meta()
    assert (meta.iid, meta.type, meta.weight) == (2, "kr", None)
    assert meta.key != "other-kr"


def test_own_meta_keeps_this_issues_block_and_fills_iid_and_type() -> None:
    own = with_meta("Text\n", Meta(key="wau", weight=2).to_dict())
    item = read_record(_record(3, own, ("okr::key result",)), DEFAULT_LABEL_NAMES)
    meta = item.own_meta()
    assert (meta.iid, meta.type, meta.key, meta.weight) == (3, "kr", "wau", 2)

"""okrflow.adapter.OkrRepository: issues read into the model, written back (one PUT with
only what changed, never over GitLab's limit), created once, planned in a dry run."""

from __future__ import annotations

import pytest

from okrflow.adapter import (
    DESCRIPTION_MAX,
    ConnectionSettings,
    IssueRecord,
    NewIssue,
    OkrRepository,
    PlannedIssue,
    RecordKey,
    read_record,
)
from okrflow.adapter.people import REPORTER
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
    repo = connect(emulator)
    item = repo.read(repo.get_issue(1))
    emulator.reset_log()
    with pytest.raises(
        OkrflowError,
        match=r"^the description of #1 would be 1,04\d,\d{3} characters, over GitLab's "
        r"limit of 1,048,576: shorten the text in the issue",
    ):
        repo.save(item, section="| progress |\n" * 40)
    assert set(emulator.counts()) == set()
    assert repo.save(item, section="| progress |")
    assert split(emulator.issue(SANDBOX_PROJECT, 1).description).section == "| progress |"


def test_every_write_of_a_description_is_refused_unsent_over_the_limit(
    emulator: Emulator,
) -> None:
    repo = connect(emulator)
    emulator.add_issue(SANDBOX_PROJECT, "Report")
    too_long = "x" * (DESCRIPTION_MAX + 1)
    emulator.reset_log()
    with pytest.raises(OkrflowError, match=r"^the description of #1 would be 1,048,577 "):
        repo.update_issue(1, description=too_long)
    with pytest.raises(OkrflowError, match=r"^the description of a new issue titled 'Big' "):
        repo.create(NewIssue("Big", too_long, ("okr::report",)))
    assert emulator.counts() == {}


def connect(emulator: Emulator, *, dry_run: bool = False) -> OkrRepository:
    settings = ConnectionSettings(
        url=emulator.base_url, token=emulator.default_token, project=SANDBOX_PROJECT
    )
    return OkrRepository(settings, dry_run=dry_run)


def test_a_create_whose_answer_was_lost_is_found_by_its_key_or_its_record_block(
    emulator: Emulator,
) -> None:
    repo = connect(emulator)
    okr = NewIssue(
        "Grow WAU",
        with_meta("Text\n", Meta(type="objective", key="wau").to_dict()),
        ("okr::objective", "okr-status::draft", "FY24-Q1"),
        key="wau",
    )
    report = NewIssue(
        "OKR closing ceremony: FY24-Q1",
        '<!-- okrflow:report {"quarter": "FY24-Q1", "kind": "closing"} -->\n\nText\n',
        ("okr::report", "FY24-Q1"),
        record=RecordKey("report", {"quarter": "FY24-Q1", "kind": "closing"}),
    )
    for new in (okr, report):
        emulator.faults.drop(method="POST", path=r"/issues$", nth=1, after=True)
        created = repo.create(new)
        assert isinstance(created, IssueRecord) and created.title == new.title
    titles = [issue.title for issue in emulator.issues(SANDBOX_PROJECT)]
    assert titles == ["Grow WAU", "OKR closing ceremony: FY24-Q1"]
    assert repo.find_created(okr) is not None and repo.find_created(report) is not None


def test_a_dry_run_create_is_a_planned_issue_and_its_writes_name_it(emulator: Emulator) -> None:
    emulator.add_issue(SANDBOX_PROJECT, "Parent")
    repo = connect(emulator, dry_run=True)
    emulator.reset_log()
    planned = repo.create(NewIssue("Child", "Text\n", ("okr::objective",)))
    assert planned == PlannedIssue("Child", ("okr::objective",), "Text\n")
    repo.create_link(planned, 1)
    repo.create_note(planned, "Hello")
    repo.create_link(1, 2)
    assert [str(w) for w in repo.planned] == [
        "create a new issue titled 'Child': labels okr::objective",
        f"link a new issue titled 'Child' to {SANDBOX_PROJECT}#1",
        "comment on a new issue titled 'Child': Hello",
        f"link {SANDBOX_PROJECT}#1 to {SANDBOX_PROJECT}#2",
    ]
    assert set(emulator.counts()) <= {"GET"}


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


def test_member_levels_name_each_members_access_level_read_once_per_run(
    emulator: Emulator,
) -> None:
    emulator.add_user("rita")
    emulator.group("acme").members["rita"] = 10  # a guest of the group: inherited
    repo = connect(emulator)
    emulator.reset_log()
    assert repo.member_levels() == {"alice": 30, "bob": 30, "okr-lead": 50, "rita": 10}
    assert repo.is_member("rita") and not repo.is_member("rita", at_least=REPORTER)
    assert not repo.is_member("mallory") and not repo.is_member(None)
    assert emulator.counts_by_route() == {"GET /projects/:id/members/all": 1}
    assert not hasattr(repo, "members")  # one name, saying what it returns

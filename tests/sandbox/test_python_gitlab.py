"""python-gitlab's own managers, unchanged, against the emulator over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import gitlab
import pytest
from gitlab.v4.objects import Project

from okrflow.sandbox import (
    SANDBOX_JOB_TOKEN,
    SANDBOX_OUTSIDER_TOKEN,
    SANDBOX_READ_TOKEN,
    ServedEmulator,
)


@pytest.fixture
def gl(served_emulator: ServedEmulator) -> Iterator[gitlab.Gitlab]:
    with gitlab.Gitlab(served_emulator.url, private_token=served_emulator.token, timeout=10) as gl:
        yield gl


@pytest.fixture
def project(gl: gitlab.Gitlab, served_emulator: ServedEmulator) -> Project:
    return gl.projects.get(served_emulator.project)


def test_projects_get_by_path_returns_the_project(gl: gitlab.Gitlab) -> None:
    project = gl.projects.get("acme/okrs")

    assert project.path_with_namespace == "acme/okrs"
    assert project.default_branch == "main"
    assert gl.projects.get(project.id).path_with_namespace == "acme/okrs"


def test_auth_and_version(gl: gitlab.Gitlab) -> None:
    gl.auth()

    assert gl.user is not None and gl.user.username == "okr-lead"
    assert gl.version()[0] != "unknown"


def test_issues_create_stores_labels_and_returns_iid(
    project: Project, served_emulator: ServedEmulator
) -> None:
    issue = project.issues.create(
        {"title": "Grow WAU from 10 to 15", "labels": ["okr::key result", "FY24-Q1"]}
    )

    assert issue.iid == 1
    assert issue.labels == ["FY24-Q1", "okr::key result"]
    assert served_emulator.emu.issue_labels("acme/okrs", 1) == ["FY24-Q1", "okr::key result"]


def test_issue_list_iterator_follows_links_over_more_than_three_pages(
    project: Project, served_emulator: ServedEmulator
) -> None:
    emu = served_emulator.emu
    for number in range(70):
        emu.add_issue("acme/okrs", f"KR {number}", labels=["okr", "FY24-Q1"])
    for number in range(5):
        emu.add_issue("acme/okrs", f"other {number}", labels=["okr"])
    emu.reset_log()

    listed = project.issues.list(iterator=True, labels=["okr", "FY24-Q1"], per_page=20)
    titles = [issue.title for issue in listed]

    assert len(titles) == 70
    assert set(titles) == {f"KR {n}" for n in range(70)}
    assert emu.counts_by_route()["GET /projects/:id/issues"] == 4


def test_label_create_and_save_use_the_deprecated_put(
    project: Project, served_emulator: ServedEmulator
) -> None:
    label = project.labels.create({"name": "okr-status::draft", "color": "#dddddd"})
    label.color = "#00ff00"
    label.description = "Being written"
    label.save()

    stored = served_emulator.emu.labels("acme/okrs")
    assert [(lab.name, lab.color, lab.description) for lab in stored] == [
        ("okr-status::draft", "#00ff00", "Being written")
    ]
    assert served_emulator.emu.counts_by_route()["PUT /projects/:id/labels"] == 1
    assert project.labels.get("okr-status::draft").color == "#00ff00"


def test_issue_save_with_add_labels_adds_and_keeps_existing(
    project: Project, served_emulator: ServedEmulator
) -> None:
    issue = project.issues.create({"title": "Objective", "labels": ["okr::objective"]})
    issue.add_labels = ["okr-status::active"]
    issue.save()

    assert issue.labels == ["okr-status::active", "okr::objective"]
    assert served_emulator.emu.issue_labels("acme/okrs", issue.iid) == [
        "okr-status::active",
        "okr::objective",
    ]


def test_notes_create_and_list(project: Project) -> None:
    issue = project.issues.create({"title": "KR"})
    issue.notes.create({"body": "Check-in: 12\nconfidence 80%"})
    issue.notes.create({"body": "Check-in: 14"})

    ascending = issue.notes.list(get_all=True, sort="asc", order_by="created_at")
    default = issue.notes.list(get_all=True)

    assert [n.body for n in ascending] == ["Check-in: 12\nconfidence 80%", "Check-in: 14"]
    assert [n.body for n in default] == ["Check-in: 14", "Check-in: 12\nconfidence 80%"]
    assert all(n.system is False and n.author["username"] == "okr-lead" for n in ascending)


def test_issue_links_create_list_delete(project: Project) -> None:
    parent = project.issues.create({"title": "Objective"})
    child = project.issues.create({"title": "Key result"})

    source, target = child.links.create(
        {"target_project_id": project.id, "target_issue_iid": parent.iid}
    )
    links = child.links.list(get_all=True)

    assert (source.iid, target.iid) == (child.iid, parent.iid)
    assert [(link.iid, link.link_type) for link in links] == [(parent.iid, "relates_to")]
    assert [link.iid for link in parent.links.list(get_all=True)] == [child.iid]

    child.links.delete(links[0].issue_link_id)

    assert child.links.list(get_all=True) == []


def test_boards_and_lists_create(project: Project, served_emulator: ServedEmulator) -> None:
    draft = project.labels.create({"name": "okr-status::draft", "color": "#cccccc"})
    active = project.labels.create({"name": "okr-status::active", "color": "#00aa00"})
    board = project.boards.create({"name": "OKRs"})

    first = board.lists.create({"label_id": draft.id})
    second = board.lists.create({"label_id": active.id})

    assert (first.position, second.position) == (0, 1)
    embedded = project.boards.get(board.id).attributes["lists"]
    assert [lst["label"]["name"] for lst in embedded] == ["okr-status::draft", "okr-status::active"]
    assert [lst.label["name"] for lst in board.lists.list(get_all=True)] == [
        "okr-status::draft",
        "okr-status::active",
    ]
    with pytest.raises(gitlab.GitlabCreateError) as caught:
        board.lists.create({"label_id": draft.id})
    assert caught.value.response_code == 400


def test_files_create_get_update(project: Project, served_emulator: ServedEmulator) -> None:
    path = ".gitlab/issue_templates/Objective.md"
    project.files.create(
        {"file_path": path, "branch": "main", "content": "v1\n", "commit_message": "add"}
    )

    fetched = project.files.get(file_path=path, ref="main")
    assert fetched.decode() == b"v1\n"

    fetched.content = "v2\n"
    fetched.save(branch="main", commit_message="update")

    assert served_emulator.emu.file_text("acme/okrs", path) == "v2\n"
    assert project.issue_templates.get("Objective").content == "v2\n"
    with pytest.raises(gitlab.GitlabCreateError) as caught:
        project.files.create(
            {"file_path": path, "branch": "main", "content": "x", "commit_message": "again"}
        )
    assert caught.value.response_code == 400


def test_429_with_retry_after_is_retried_and_succeeds(
    project: Project, served_emulator: ServedEmulator
) -> None:
    emu = served_emulator.emu
    emu.faults.rate_limit(retry_after=1, method="GET", path=r"/issues$", nth=1)
    emu.reset_log()

    issues = project.issues.list(get_all=True)

    assert issues == []
    assert [r.status for r in emu.log] == [429, 200]


def test_unknown_token_raises_authentication_error(served_emulator: ServedEmulator) -> None:
    with gitlab.Gitlab(served_emulator.url, private_token="glpat-nope", timeout=10) as gl:
        with pytest.raises(gitlab.GitlabAuthenticationError) as caught:
            gl.projects.get("acme/okrs")
        assert caught.value.response_code == 401
        with pytest.raises(gitlab.GitlabAuthenticationError):
            gl.auth()


def test_read_api_token_write_raises_403(served_emulator: ServedEmulator) -> None:
    with gitlab.Gitlab(served_emulator.url, private_token=SANDBOX_READ_TOKEN, timeout=10) as gl:
        project = gl.projects.get("acme/okrs")
        with pytest.raises(gitlab.GitlabCreateError) as caught:
            project.issues.create({"title": "nope"})
    assert caught.value.response_code == 403
    assert b"insufficient_scope" in caught.value.response_body


def test_non_member_and_unknown_project_get_404(
    gl: gitlab.Gitlab, served_emulator: ServedEmulator
) -> None:
    with pytest.raises(gitlab.GitlabGetError) as unknown:
        gl.projects.get("acme/nope")
    outsider = gitlab.Gitlab(served_emulator.url, private_token=SANDBOX_OUTSIDER_TOKEN, timeout=10)
    with outsider, pytest.raises(gitlab.GitlabGetError) as hidden:
        outsider.projects.get("acme/okrs")

    assert unknown.value.response_code == 404
    assert hidden.value.response_code == 404
    assert hidden.value.error_message == "404 Project Not Found"


def test_job_token_cannot_write_issues(served_emulator: ServedEmulator) -> None:
    with gitlab.Gitlab(served_emulator.url, job_token=SANDBOX_JOB_TOKEN, timeout=10) as gl:
        project = gl.projects.get("acme/okrs", lazy=True)
        assert project.issues.list(get_all=True) == []
        with pytest.raises(gitlab.GitlabAuthenticationError):
            project.issues.create({"title": "from CI"})
        with pytest.raises(gitlab.GitlabGetError) as caught:
            gl.projects.get("acme/okrs")
    assert caught.value.response_code == 404

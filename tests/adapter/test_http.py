"""The GitLab adapter against the emulator: retries, idempotent creates, one error mapping
(one line, the status once, no token), and what GitLab holds recognised by reading it."""

from __future__ import annotations

from typing import Any

import pytest

from okrflow.adapter import OkrRepository as GitLab
from okrflow.adapter import PlannedBoard, resolve_connection
from okrflow.errors import GitLabError
from okrflow.sandbox import SANDBOX_JOB_TOKEN, SANDBOX_READ_TOKEN, Emulator


def connect(emu: Emulator, token: str | None = None, retries: int = 8, **kw: Any) -> GitLab:
    env = {"GITLAB_URL": emu.base_url, "OKRFLOW_PROJECT": emu.default_project}
    if token is None:
        env["GITLAB_TOKEN"] = emu.default_token
    elif token == SANDBOX_JOB_TOKEN:
        env["CI_JOB_TOKEN"] = token
    elif token:
        env["GITLAB_TOKEN"] = token
    return GitLab(resolve_connection(environ=env, retries=retries), **kw)


def find_by_title(gl: GitLab, title: str):
    return lambda: next((i for i in gl.list_issues(search=title) if i.title == title), None)


def test_a_create_whose_answer_was_lost_is_found_not_sent_again(emulator: Emulator):
    gl = connect(emulator)
    emulator.faults.drop(method="POST", path=r"/issues$", nth=1, after=True)
    record = gl.create_issue(
        title="Grow WAU",
        description="",
        labels=["okr::objective"],
        find_existing=find_by_title(gl, "Grow WAU"),
    )
    titles = [i.title for i in emulator.issues(emulator.default_project)]
    assert titles == ["Grow WAU"]
    assert record.iid == 1


def test_a_create_refused_with_5xx_before_processing_is_sent_again(emulator: Emulator):
    gl = connect(emulator)
    emulator.faults.error(status=502, method="POST", path=r"/issues$", times=2)
    gl.create_issue(
        title="Once", description="", labels=[], find_existing=find_by_title(gl, "Once")
    )
    assert [i.title for i in emulator.issues(emulator.default_project)] == ["Once"]


def test_a_comment_whose_answer_was_lost_is_found_by_its_marker(emulator: Emulator):
    gl = connect(emulator)
    issue = gl.create_issue(title="KR", description="", labels=[])
    emulator.faults.drop(method="POST", path=r"/notes$", nth=1, after=True)
    gl.create_note(issue.iid, "Check-in: 3\n<!-- okrflow:checkin abc -->", marker="checkin abc")
    bodies = [n.body for n in emulator.notes(emulator.default_project, issue.iid)]
    assert len(bodies) == 1 and "Check-in: 3" in bodies[0]


def test_reads_wait_out_429_and_retry_transient_5xx(emulator: Emulator):
    gl = connect(emulator)
    gl.create_issue(title="A", description="", labels=["x"])
    emulator.faults.rate_limit(retry_after=0, method="GET", times=1)
    emulator.faults.error(status=503, method="GET", times=2)
    assert [i.title for i in gl.list_issues(labels=["x"])] == ["A"]


def test_gitlab_that_keeps_failing_is_one_clear_error(emulator: Emulator):
    gl = connect(emulator, retries=1)
    emulator.faults.error(status=500, method="GET")
    with pytest.raises(GitLabError, match=r"500") as err:
        list(gl.list_issues())
    assert "run again later" in str(err.value)


def test_unknown_token_is_reported_without_the_token(emulator: Emulator):
    gl = connect(emulator, token="glpat-not-a-real-token-123")
    with pytest.raises(GitLabError) as err:
        list(gl.list_issues())
    assert err.value.status == 401
    assert "glpat-not-a-real-token-123" not in str(err.value)
    assert "GITLAB_TOKEN" in str(err.value)


def test_read_only_token_is_told_to_use_the_api_scope(emulator: Emulator):
    gl = connect(emulator, token=SANDBOX_READ_TOKEN)
    with pytest.raises(GitLabError, match="'api' scope"):
        gl.create_label("okr::objective", "#1f75cb", "")


def test_job_token_is_refused_before_any_write_with_what_to_do(emulator: Emulator):
    gl = connect(emulator, token=SANDBOX_JOB_TOKEN)
    with pytest.raises(GitLabError, match=r"CI_JOB_TOKEN.*GITLAB_TOKEN"):
        gl.ensure_can_write()


def test_unknown_project_says_404_and_how_to_check(emulator: Emulator):
    env = {"GITLAB_URL": emulator.base_url, "GITLAB_TOKEN": emulator.default_token}
    gl = GitLab(resolve_connection(environ=env, project="acme/nope"))
    with pytest.raises(GitLabError, match=r"404.*acme/nope.*member"):
        list(gl.list_issues())


def test_dry_run_records_writes_and_sends_only_reads(emulator: Emulator):
    gl = connect(emulator, dry_run=True)
    emulator.reset_log()
    gl.create_issue(title="T", description="", labels=["a"])
    gl.create_label("a", "#ffffff", "")
    gl.update_issue(1, title="x")
    gl.create_note(1, "hello")
    assert set(emulator.counts()) <= {"GET"}
    assert [str(p) for p in gl.planned] == [
        "create a new issue titled 'T': labels a",
        "create label 'a': #ffffff",
        "update issue #1: title",
        "comment on #1: hello",
    ]


def test_duplicate_label_and_link_are_not_errors(emulator: Emulator):
    gl = connect(emulator)
    gl.create_label("okr::objective", "#1f75cb", "")
    gl.create_label("okr::objective", "#1f75cb", "")
    a = gl.create_issue(title="A", description="", labels=[])
    b = gl.create_issue(title="B", description="", labels=[])
    assert gl.create_link(a.iid, b.iid) is True
    assert gl.create_link(a.iid, b.iid) is False
    assert [link.iid for link in gl.list_links(a.iid)] == [b.iid]


def test_a_board_list_that_exists_already_is_not_an_error(emulator: Emulator):
    gl = connect(emulator)
    gl.create_label("okr-status::draft", "#bfbfbf", "")
    label_id = next(label.id for label in gl.list_labels() if label.name == "okr-status::draft")
    board = gl.create_board("OKRs")
    assert not isinstance(board, PlannedBoard)
    gl.create_board_list(board["id"], label_id, "okr-status::draft")
    assert gl.create_board_list(board["id"], label_id, "okr-status::draft") is None
    lists = next(b for b in gl.list_boards() if b["name"] == "OKRs")["lists"]
    assert [entry["label"]["name"] for entry in lists] == ["okr-status::draft"]


# -- messages: one status code, and the variable the token was looked for in ---------------------


def test_a_refusal_names_its_status_once(emulator: Emulator) -> None:
    env = {"GITLAB_URL": emulator.base_url, "GITLAB_TOKEN": emulator.default_token}
    gl = GitLab(resolve_connection(environ=env, project="acme/nope"))
    with pytest.raises(GitLabError) as err:
        list(gl.list_issues())
    assert err.value.message.startswith("GitLab refused to list issues (404 Project Not Found): ")
    assert "404 404" not in err.value.message


def test_a_token_gitlab_does_not_know_is_rejected_with_its_status_once(emulator: Emulator) -> None:
    with pytest.raises(GitLabError) as err:
        list(connect(emulator, token="glpat-not-a-real-token-123").list_issues())
    assert err.value.message == (
        "GitLab rejected the token while trying to list issues (401 Unauthorized): check "
        "that GITLAB_TOKEN is a valid, unexpired access token"
    )


def test_no_token_says_the_variable_the_config_chose_is_not_set(emulator: Emulator) -> None:
    env = {"GITLAB_URL": emulator.base_url, "OKRFLOW_PROJECT": emulator.default_project}
    gl = GitLab(resolve_connection(environ=env, token_env="OKR_BOT_TOKEN"))
    with pytest.raises(GitLabError) as err:
        list(gl.list_issues())
    assert err.value.message == (
        "OKR_BOT_TOKEN is not set, and GitLab refused to list issues without a token "
        "(404 Project Not Found): set OKR_BOT_TOKEN to a personal or project access token "
        "with the 'api' scope"
    )
    with pytest.raises(Exception, match=r"^OKR_BOT_TOKEN is not set: set it to a personal"):
        gl.ensure_can_write()


# -- what GitLab holds, read back ----------------------------------------------------------------


def test_a_template_file_gitlab_refuses_to_rewrite_is_done_when_it_holds_the_content(
    emulator: Emulator,
) -> None:
    gl = connect(emulator)
    gl.write_file("a.md", "Hello\n", branch="main", message="add", exists=False)
    rule = emulator.faults.error(status=400, method="PUT", path=r"/repository/files/")
    gl.write_file("a.md", "Hello\n", branch="main", message="again", exists=True)
    assert rule.fired == 1  # refused, whatever its words, and recognised as done
    with pytest.raises(GitLabError, match=r"update a\.md \(400"):
        gl.write_file("a.md", "Changed\n", branch="main", message="change", exists=True)
    assert gl.read_file("a.md", ref="main") == "Hello\n"


def test_a_create_of_a_file_someone_made_meanwhile_leaves_theirs(emulator: Emulator) -> None:
    gl = connect(emulator)
    emulator.add_file(emulator.default_project, "a.md", "Theirs\n", author="alice")
    with pytest.raises(GitLabError, match=r"create a\.md \(400"):
        gl.write_file("a.md", "Mine\n", branch="main", message="add", exists=False)
    assert gl.read_file("a.md", ref="main") == "Theirs\n"


def test_an_update_after_someone_else_committed_is_refused(emulator: Emulator) -> None:
    gl = connect(emulator)
    gl.write_file("a.md", "Mine\n", branch="main", message="add", exists=False)
    before = gl.repo_file("a.md", ref="main")
    assert before is not None and before.text == "Mine\n"
    emulator.add_file(emulator.default_project, "a.md", "Theirs\n", author="alice")
    with pytest.raises(GitLabError, match=r"update a\.md \(400"):
        gl.write_file(
            "a.md",
            "Mine 2\n",
            branch="main",
            message="m",
            exists=True,
            last_commit_id=before.last_commit_id,
        )
    assert gl.read_file("a.md", ref="main") == "Theirs\n"


def test_a_comment_of_quick_actions_only_is_sent_as_text_and_runs_nothing(
    emulator: Emulator,
) -> None:
    gl = connect(emulator)
    emulator.add_label(emulator.default_project, "x")
    issue = gl.create_issue(title="KR", description="", labels=[])
    assert not isinstance(issue, str)
    note = gl.create_note(1, "/label ~x")  # GitLab would run it and answer 202, without an id
    assert note is not None and note.body == "\\/label ~x"
    assert emulator.issue_labels(emulator.default_project, 1) == []


def test_boards_are_listed_over_every_page() -> None:
    """GitLab pages boards by 20: the board okrflow looks for may be on page 2."""
    import responses
    from responses.matchers import query_param_matcher

    url = "https://gitlab.example.com/api/v4/projects/acme%2Fokrs/boards"
    first = [{"id": n, "name": f"Board {n}", "lists": []} for n in range(1, 21)]
    with responses.RequestsMock() as rsps:
        rsps.get(
            url,
            json=first,
            match=[query_param_matcher({"per_page": "100"})],
            headers={"Link": f'<{url}?per_page=100&page=2>; rel="next"', "X-Next-Page": "2"},
        )
        rsps.get(
            url,
            json=[{"id": 21, "name": "OKRs", "lists": []}],
            match=[query_param_matcher({"per_page": "100", "page": "2"})],
        )
        env = {"GITLAB_TOKEN": "glpat-test-boards-0001"}
        settings = resolve_connection(
            url="https://gitlab.example.com", project="acme/okrs", environ=env
        )
        boards = GitLab(settings).list_boards()
    assert [b["name"] for b in boards][-2:] == ["Board 20", "OKRs"]
    assert len(boards) == 21

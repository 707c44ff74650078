"""The adapter when the connection is lost on every attempt: once python-gitlab's retries
run out, every call, reads and creates alike, raises a GitLabError naming what it was
doing (exit 1, one line), never a raw ``requests`` exception that the command line can
only report as an unexpected error."""

from __future__ import annotations

from typing import Any

import pytest

from okrflow.adapter import OkrRepository as GitLab
from okrflow.adapter.connection import ConnectionSettings
from okrflow.errors import GitLabError
from okrflow.sandbox import Emulator


def _adapter(emulator: Emulator) -> GitLab:
    settings = ConnectionSettings(
        url=emulator.base_url, token=emulator.default_token, project="acme/okrs", retries=1
    )
    return GitLab(settings)


@pytest.mark.parametrize(
    ("what", "call"),
    [
        ("create label 'x'", lambda gl: gl.create_label("x", "#ff0000", "")),
        ("add board list 'x'", lambda gl: gl.create_board_list(1, 1, "x")),
        ("read a.md", lambda gl: gl.read_file("a.md", ref="main")),
        (
            "create a.md",
            lambda gl: gl.write_file("a.md", "x", branch="main", message="m", exists=False),
        ),
        ("link #1 to #2", lambda gl: gl.create_link(1, 2)),
        ("create issue 'x'", lambda gl: gl.create_issue(title="x", description="", labels=[])),
    ],
    ids=["label", "board-list", "read-file", "write-file", "link", "issue"],
)
def test_a_connection_lost_past_the_retries_is_a_gitlab_error_naming_what_failed(
    emulator: Emulator, what: str, call: Any
) -> None:
    emulator.faults.drop()
    with pytest.raises(GitLabError) as caught:
        call(_adapter(emulator))
    assert caught.value.message == (
        f"could not reach GitLab at {emulator.base_url} while trying to {what}, "
        "after retries (connection lost): check the URL and that GitLab is up"
    )
    assert caught.value.exit_code == 1

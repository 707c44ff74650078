"""okrflow.adapter.exposure: every place a GitLab token is visible to this process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from okrflow.adapter.exposure import token_exposures


def fake_proc(root: Path, chain: list[tuple[int, str, dict[str, str]]]) -> Path:
    """A /proc with the parent of this process first: (pid, name, environment) each, every
    one the child of the next."""
    proc = root / "proc"
    pids = [pid for pid, _, _ in chain]
    for position, (pid, name, environ) in enumerate(chain):
        parent = pids[position + 1] if position + 1 < len(pids) else 0
        where = proc / str(pid)
        where.mkdir(parents=True)
        (where / "stat").write_text(f"{pid} ({name}) S {parent} 1 1 0 -1\n")
        (where / "environ").write_bytes(b"\0".join(f"{k}={v}".encode() for k, v in environ.items()))
    return proc


def test_nothing_is_found_where_there_is_nothing(tmp_path: Path) -> None:
    proc = fake_proc(tmp_path, [(os.getppid(), "sh", {"HOME": "/x"}), (1, "init", {})])
    assert token_exposures(environ={"HOME": str(tmp_path)}, proc=proc) == []


def test_a_token_in_the_environment_or_in_an_ancestors_is_found(tmp_path: Path) -> None:
    proc = fake_proc(
        tmp_path,
        [
            (os.getppid(), "odd ) name (", {"CI_JOB_TOKEN": "job"}),  # a job's own: not counted
            (700, "runner", {"OKR_TOKEN": "glpat-1", "GITLAB_TOKEN": ""}),  # empty: no token
            (1, "init", {"GITLAB_PRIVATE_TOKEN": "glpat-2"}),
        ],
    )
    found = token_exposures(
        token_env="OKR_TOKEN", environ={"CI_JOB_TOKEN": "job", "HOME": ""}, proc=proc
    )
    assert found == [
        "CI_JOB_TOKEN is set",
        "OKR_TOKEN is in the environment of its ancestor process 700",
        "GITLAB_PRIVATE_TOKEN is in the environment of its ancestor process 1",
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("[work]\nurl = https://gitlab.example.com\n", False),
        ("[work]\nurl = https://x\nprivate_token = glpat-1\n", True),
        ("[global]\ndefault = a\n[a]\noauth_token = helper: pass show gitlab\n", True),
        ("not ini at all, private_token = x", True),  # unreadable as ini, mentions a token
        ("not ini at all", False),
    ],
)
def test_python_gitlab_config_files_with_a_token_are_found(
    tmp_path: Path, text: str, found: bool
) -> None:
    (tmp_path / ".python-gitlab.cfg").write_text(text)
    named = tmp_path / "named.cfg"
    named.write_text(text)
    environ = {"HOME": str(tmp_path), "PYTHON_GITLAB_CFG": str(named)}
    exposures = token_exposures(environ=environ, proc=tmp_path / "no-proc")
    assert len(exposures) == (2 if found else 0)
    assert all("holds a token" in e for e in exposures)


def test_the_job_token_is_found_wherever_gitlab_puts_it() -> None:
    environ = {
        "CI_REPOSITORY_URL": "https://gitlab-ci-token:glcbt-1@gitlab.example.com/acme/okrs.git",
        "PIP_INDEX_URL": "https://gitlab-ci-token:glcbt-1@gitlab.example.com/api/v4/x/simple",
        "CI_SERVER_URL": "https://gitlab.example.com",
    }
    assert token_exposures(environ=environ, proc=Path("/nonexistent")) == [
        "CI_REPOSITORY_URL is set",
        "PIP_INDEX_URL holds a job token",
    ]

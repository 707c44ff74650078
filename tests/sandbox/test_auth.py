"""Tokens, scopes, job tokens and visibility: 401 vs 403 vs 404 as GitLab answers them."""

from __future__ import annotations

import json

import pytest

from okrflow.sandbox import (
    SANDBOX_JOB_TOKEN,
    SANDBOX_OUTSIDER_TOKEN,
    SANDBOX_READ_TOKEN,
    SANDBOX_TOKEN,
    Emulator,
)

API = "/api/v4"
UNAUTHORIZED = {"message": "401 Unauthorized"}
INSUFFICIENT = {
    "error": "insufficient_scope",
    "error_description": (
        "The request requires higher privileges than provided by the access token."
    ),
    "scope": "api",
}


@pytest.fixture
def emu() -> Emulator:
    emu = Emulator.sandbox()
    emu.add_issue("acme/okrs", "existing")
    return emu


def answer(
    emu: Emulator, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[int, object]:
    status, out, data = emu.handle(method, f"http://gitlab.example{API}{path}", headers or {}, body)
    assert out["Content-Type"] == "application/json"
    return status, json.loads(data) if data else None


def test_every_way_of_sending_a_personal_token_works(emu: Emulator) -> None:
    assert answer(emu, "GET", "/user", {"PRIVATE-TOKEN": SANDBOX_TOKEN})[0] == 200
    assert answer(emu, "GET", "/user", {"Authorization": f"Bearer {SANDBOX_TOKEN}"})[0] == 200
    assert answer(emu, "GET", f"/user?private_token={SANDBOX_TOKEN}")[0] == 200


def test_missing_or_unknown_token_gets_401(emu: Emulator) -> None:
    assert answer(emu, "GET", "/user") == (401, UNAUTHORIZED)
    assert answer(emu, "GET", "/version") == (401, UNAUTHORIZED)
    assert answer(emu, "POST", "/projects/20/issues?title=x") == (401, UNAUTHORIZED)
    assert answer(emu, "GET", "/projects/20", {"PRIVATE-TOKEN": "glpat-unknown"}) == (
        401,
        UNAUTHORIZED,
    )


def test_anonymous_reads_see_public_projects_only(emu: Emulator) -> None:
    emu.add_project("acme/open", visibility="public")

    assert answer(emu, "GET", "/projects/acme%2Fopen")[0] == 200
    assert answer(emu, "GET", "/projects/acme%2Fokrs") == (
        404,
        {"message": "404 Project Not Found"},
    )


def test_non_members_get_404_not_403(emu: Emulator) -> None:
    headers = {"PRIVATE-TOKEN": SANDBOX_OUTSIDER_TOKEN}

    assert answer(emu, "GET", "/projects/acme%2Fokrs/issues/1", headers)[0] == 404
    assert answer(emu, "GET", "/groups/acme", headers)[0] == 404
    assert answer(emu, "GET", "/groups/acme/issues", headers)[0] == 404


def test_read_api_scope_reads_but_cannot_write(emu: Emulator) -> None:
    headers = {"PRIVATE-TOKEN": SANDBOX_READ_TOKEN}

    assert answer(emu, "GET", "/projects/acme%2Fokrs/issues", headers)[0] == 200
    assert answer(emu, "POST", "/projects/acme%2Fokrs/issues?title=x", headers) == (
        403,
        INSUFFICIENT,
    )
    assert answer(emu, "PUT", "/projects/acme%2Fokrs/labels?name=a&color=red", headers) == (
        403,
        INSUFFICIENT,
    )


def test_job_token_reads_issues_and_raw_files_only(emu: Emulator) -> None:
    emu.add_file("acme/okrs", "README.md", "hello")
    job = {"JOB-TOKEN": SANDBOX_JOB_TOKEN}

    assert answer(emu, "GET", "/projects/acme%2Fokrs/issues", job)[0] == 200
    status, _, raw = emu.handle(
        "GET", f"http://gitlab.example{API}/projects/20/repository/files/README.md/raw", job, b""
    )
    assert (status, raw) == (200, b"hello")
    assert answer(emu, "GET", "/user", job) == (401, UNAUTHORIZED)
    assert answer(emu, "GET", "/projects/acme%2Fokrs", job)[0] == 404
    for method, path in (
        ("POST", "/projects/20/issues?title=x"),
        ("PUT", "/projects/20/issues/1?title=y"),
        ("POST", "/projects/20/labels?name=a&color=red"),
        ("POST", "/projects/20/issues/1/notes?body=hi"),
        ("POST", "/projects/20/boards?name=b"),
        ("POST", "/projects/20/repository/files/a.md?branch=main&content=x&commit_message=m"),
    ):
        assert answer(emu, method, path, job) == (401, UNAUTHORIZED), path
    assert emu.issue("acme/okrs", 1).title == "existing"


def test_job_token_sent_as_private_token_is_refused(emu: Emulator) -> None:
    assert answer(emu, "GET", "/user", {"PRIVATE-TOKEN": SANDBOX_JOB_TOKEN}) == (401, UNAUTHORIZED)


def test_expired_token_gets_the_oauth_error(emu: Emulator) -> None:
    emu.add_token("glpat-old", "okr-lead", expires_at="2020-01-01")

    status, body = answer(emu, "GET", "/user", {"PRIVATE-TOKEN": "glpat-old"})

    assert status == 401
    assert isinstance(body, dict) and body["error"] == "invalid_token"


def test_head_works_on_get_routes(emu: Emulator) -> None:
    status, headers, data = emu.handle(
        "HEAD",
        f"http://gitlab.example{API}/projects/20/issues",
        {"PRIVATE-TOKEN": SANDBOX_TOKEN},
        b"",
    )

    assert (status, data, headers["X-Total"]) == (200, b"", "1")

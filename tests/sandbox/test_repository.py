"""Repository files and commits: who changed a template, lenient base64, GitLab's file fields."""

from __future__ import annotations

import base64
import hashlib

import gitlab

from okrflow.sandbox import SANDBOX_TOKEN, Emulator, ServedEmulator

P = "/projects/acme%2Fokrs"
TEMPLATE = ".gitlab%2Fissue_templates%2FOKR.md"


def test_file_get_returns_sha256_blob_and_last_commit() -> None:
    emu = Emulator.sandbox()
    emu.add_file("acme/okrs", ".gitlab/issue_templates/OKR.md", "## Objective\n", author="alice")
    emu.add_file("acme/okrs", "README.md", "readme")

    body = emu.request(
        "GET", f"{P}/repository/files/{TEMPLATE}", token=SANDBOX_TOKEN, params={"ref": "main"}
    ).json()

    content = b"## Objective\n"
    head = emu.commits("acme/okrs")[0]
    template_commit = emu.commits("acme/okrs")[1]
    assert body["content_sha256"] == hashlib.sha256(content).hexdigest()
    assert (
        body["blob_id"] == hashlib.sha1(b"blob 13\0" + content, usedforsecurity=False).hexdigest()
    )
    assert (body["commit_id"], body["last_commit_id"]) == (head.sha, template_commit.sha)
    assert base64.b64decode(body["content"]) == content


def test_base64_content_with_line_breaks_is_accepted_as_gitlab_decodes_it() -> None:
    emu = Emulator.sandbox()
    wrapped = base64.encodebytes(("x" * 200).encode()).decode()  # 76-column lines
    unpadded = base64.b64encode(b"ab").decode().rstrip("=")

    made = emu.request(
        "POST",
        f"{P}/repository/files/a.txt",
        token=SANDBOX_TOKEN,
        json_body={
            "branch": "main",
            "commit_message": "m",
            "encoding": "base64",
            "content": wrapped,
        },
    )
    short = emu.request(
        "POST",
        f"{P}/repository/files/b.txt",
        token=SANDBOX_TOKEN,
        json_body={
            "branch": "main",
            "commit_message": "m",
            "encoding": "base64",
            "content": unpadded,
        },
    )

    assert "\n" in wrapped and made.status == 201
    assert emu.file_text("acme/okrs", "a.txt") == "x" * 200
    assert short.status == 201 and emu.file_text("acme/okrs", "b.txt") == "ab"


def test_commits_of_a_path_tell_who_changed_it() -> None:
    emu = Emulator.sandbox()
    emu.add_file("acme/okrs", ".gitlab/issue_templates/OKR.md", "v1", message="okrflow: templates")
    alice = emu.token_for("alice")
    emu.add_member("acme/okrs", "alice", "developer")
    emu.request(
        "PUT",
        f"{P}/repository/files/{TEMPLATE}",
        token=alice,
        json_body={"branch": "main", "commit_message": "Reword", "content": "v2"},
    )
    emu.request(
        "POST",
        f"{P}/repository/files/other.md",
        token=SANDBOX_TOKEN,
        json_body={
            "branch": "main",
            "commit_message": "Other",
            "content": "x",
            "author_name": "Bot",
            "author_email": "bot@example.com",
        },
    )

    touching = emu.request(
        "GET",
        f"{P}/repository/commits",
        token=SANDBOX_TOKEN,
        params={"path": ".gitlab/issue_templates/OKR.md"},
    ).json()
    everything = emu.request("GET", f"{P}/repository/commits", token=SANDBOX_TOKEN).json()
    by_author = emu.request(
        "GET", f"{P}/repository/commits", token=SANDBOX_TOKEN, params={"author": "bot"}
    ).json()
    one = emu.request(
        "GET", f"{P}/repository/commits/{touching[0]['short_id']}", token=SANDBOX_TOKEN
    ).json()

    assert [(c["title"], c["author_name"], c["committer_name"]) for c in touching] == [
        ("Reword", "Alice Archer", "Alice Archer"),
        ("okrflow: templates", "Administrator", "Administrator"),
    ]
    assert touching[0]["author_email"] == "alice@example.com"
    assert [c["title"] for c in everything] == [
        "Other",
        "Reword",
        "okrflow: templates",
        "Initial commit",
    ]
    assert everything[0]["parent_ids"] == [everything[1]["id"]]
    assert [(c["author_name"], c["committer_name"]) for c in by_author] == [("Bot", "Olivia Lead")]
    assert one["id"] == touching[0]["id"] and one["project_id"] == emu.project("acme/okrs").id


def test_commits_through_python_gitlab(served_emulator: ServedEmulator) -> None:
    emu = served_emulator.emu
    emu.add_file("acme/okrs", "a.md", "1", author="bob", message="First")
    with gitlab.Gitlab(served_emulator.url, private_token=served_emulator.token, timeout=10) as gl:
        project = gl.projects.get("acme/okrs", lazy=True)
        # ``path`` is python-gitlab's own keyword (the URL): pass it as a query parameter
        commits = project.commits.list(query_parameters={"path": "a.md"}, get_all=True)
        project.files.create(
            {"file_path": "b.md", "branch": "main", "content": "2", "commit_message": "Second"}
        )
        head = project.commits.list(get_all=False)[0]

    assert [(c.title, c.author_name) for c in commits] == [("First", "Bob Baker")]
    assert (head.title, head.author_name) == ("Second", "Olivia Lead")

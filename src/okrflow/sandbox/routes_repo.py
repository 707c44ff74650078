"""Repository files (``/projects/:id/repository/files``): read, raw, create, update, delete.

Writes need Developer+; each one is a commit on the branch with its author (the
``author_name``/``author_email`` given, else the token's user) and committer (the
token's user). Base64 content is decoded leniently, as GitLab does.
"""

from __future__ import annotations

import base64
import hashlib

from okrflow.sandbox.context import Ctx
from okrflow.sandbox.repository import (
    advance,
    blob_id,
    copy_branch,
    ensure_branch,
    lenient_b64decode,
    make_commit,
)
from okrflow.sandbox.request import ApiError, Response, missing, not_found
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.rows import DEVELOPER, Branch, Project, RepoFile, User

routes = RouteTable()

FILES = "/projects/:id/repository/files/:file_path"


def _file_path(ctx: Ctx) -> str:
    path = ctx.path_param("file_path")
    parts = path.split("/")
    if not path or path.startswith("/") or ".." in parts or "" in parts:
        raise ApiError(400, {"error": "file_path should be a valid file path"})
    return path


def ref_branch(ctx: Ctx, project: Project, ref: str) -> Branch:
    branch = ctx.state.branch(project.id, ref)
    if branch is None:
        branch = next(
            (
                b
                for b in ctx.state.branches.values()
                if b.project_id == project.id and b.commit_id.startswith(ref) and len(ref) >= 7
            ),
            None,
        )
    if branch is None:
        raise not_found("Commit")
    return branch


def _read(ctx: Ctx, *, ref_required: bool) -> tuple[Project, RepoFile, Branch]:
    project = ctx.project()
    path = _file_path(ctx)
    ref = ctx.params.string("ref")
    if not ref:
        if ref_required:
            raise missing("ref")
        ref = project.default_branch
    branch = ref_branch(ctx, project, ref)
    found = ctx.state.file(project.id, branch.name, path)
    if found is None:
        raise not_found("File")
    return project, found, branch


def _file_headers(found: RepoFile, branch: Branch, ref: str) -> dict[str, str]:
    content = base64.b64decode(found.content_b64)
    return {
        "X-Gitlab-File-Name": found.path.rsplit("/", 1)[-1],
        "X-Gitlab-File-Path": found.path,
        "X-Gitlab-Size": str(len(content)),
        "X-Gitlab-Encoding": "base64",
        "X-Gitlab-Content-Sha256": hashlib.sha256(content).hexdigest(),
        "X-Gitlab-Ref": ref,
        "X-Gitlab-Blob-Id": found.blob_id,
        "X-Gitlab-Commit-Id": branch.commit_id,
        "X-Gitlab-Last-Commit-Id": found.last_commit_id,
        "X-Gitlab-Execute-Filemode": "true" if found.execute_filemode else "false",
    }


@routes.get(FILES, scopes=("read_repository",))
def get_file(ctx: Ctx) -> Response:
    _, found, branch = _read(ctx, ref_required=True)
    ref = ctx.params.string("ref") or branch.name
    content = base64.b64decode(found.content_b64)
    body = {
        "file_name": found.path.rsplit("/", 1)[-1],
        "file_path": found.path,
        "size": len(content),
        "encoding": "base64",
        "content_sha256": hashlib.sha256(content).hexdigest(),
        "ref": ref,
        "blob_id": found.blob_id,
        "commit_id": branch.commit_id,
        "last_commit_id": found.last_commit_id,
        "execute_filemode": found.execute_filemode,
        "content": found.content_b64,
    }
    return Response(200, body, _file_headers(found, branch, ref))


@routes.get(f"{FILES}/raw", job_token=True, scopes=("read_repository",))
def get_raw_file(ctx: Ctx) -> Response:
    _, found, branch = _read(ctx, ref_required=False)
    headers = _file_headers(found, branch, ctx.params.string("ref") or branch.name)
    raw = base64.b64decode(found.content_b64)
    return Response(200, headers=headers, raw=raw, content_type="text/plain; charset=utf-8")


def _content(ctx: Ctx) -> bytes:
    params = ctx.params
    text = params.string("content", required=True) or ""
    encoding = params.choice("encoding", ("text", "base64"), "text")
    if encoding == "base64":
        return lenient_b64decode(text)
    return text.encode()


def _write_target(ctx: Ctx, project: Project, user: User, *, create: bool) -> Branch:
    params = ctx.params
    name = params.string("branch", required=True) or ""
    branch = ctx.state.branch(project.id, name)
    if branch is not None:
        return branch
    start = params.string("start_branch")
    has_branches = any(b.project_id == project.id for b in ctx.state.branches.values())
    if start:
        source = ctx.state.branch(project.id, start)
        if source is None:
            raise ApiError(400, {"message": f"Branch '{start}' does not exist"})
        branch = ensure_branch(ctx.state, project, name, ctx.now(), user.name)
        branch.commit_id = source.commit_id
        copy_branch(ctx.state, project, source, name)
        return branch
    if create and not has_branches:
        return ensure_branch(ctx.state, project, name, ctx.now(), user.name)
    raise ApiError(400, {"message": "You can only create or edit files when you are on a branch"})


def _commit(ctx: Ctx, project: Project, branch: Branch, user: User, path: str) -> str:
    params = ctx.params
    author = (
        params.string("author_name") or user.name,
        params.string("author_email") or user.email,
    )
    commit = make_commit(
        ctx.state,
        project,
        branch.name,
        message=params.string("commit_message") or "",
        author=author,
        committer=(user.name, user.email),
        now=ctx.now(),
        parent=branch.commit_id,
        paths=[path],
    )
    advance(branch, commit)
    project.last_activity_at = commit.created_at
    return commit.sha


@routes.post(FILES)
def create_file(ctx: Ctx) -> Response:
    project = ctx.project()
    path = _file_path(ctx)
    params = ctx.params
    absent = [k for k in ("branch", "commit_message", "content") if params.string(k) is None]
    if absent:
        raise missing(*absent)
    user = ctx.require_access(project, DEVELOPER)
    content = _content(ctx)
    branch = _write_target(ctx, project, user, create=True)
    if ctx.state.file(project.id, branch.name, path) is not None:
        raise ApiError(400, {"message": "A file with this name already exists"})
    commit = _commit(ctx, project, branch, user, path)
    found = RepoFile(
        id=ctx.state.next_id("files"),
        project_id=project.id,
        branch=branch.name,
        path=path,
        content_b64=base64.b64encode(content).decode(),
        blob_id=blob_id(content),
        last_commit_id=commit,
        execute_filemode=bool(params.flag("execute_filemode")),
    )
    ctx.state.files[found.id] = found
    return Response(201, {"file_path": path, "branch": branch.name})


@routes.put(FILES)
def update_file(ctx: Ctx) -> Response:
    project = ctx.project()
    path = _file_path(ctx)
    params = ctx.params
    absent = [k for k in ("branch", "commit_message", "content") if params.string(k) is None]
    if absent:
        raise missing(*absent)
    user = ctx.require_access(project, DEVELOPER)
    content = _content(ctx)
    branch = _write_target(ctx, project, user, create=False)
    found = ctx.state.file(project.id, branch.name, path)
    if found is None:
        raise ApiError(400, {"message": "A file with this name doesn't exist"})
    expected = params.string("last_commit_id")
    if expected and expected != found.last_commit_id:
        raise ApiError(
            400,
            {
                "message": "You are attempting to update a file that has changed since you "
                "started editing it."
            },
        )
    encoded = base64.b64encode(content).decode()
    if encoded == found.content_b64 and params.flag("execute_filemode") is None:
        raise ApiError(400, {"message": "You must change the file content"})
    found.last_commit_id = _commit(ctx, project, branch, user, path)
    found.content_b64, found.blob_id = encoded, blob_id(content)
    mode = params.flag("execute_filemode")
    if mode is not None:
        found.execute_filemode = mode
    return Response(200, {"file_path": path, "branch": branch.name})


@routes.delete(FILES)
def delete_file(ctx: Ctx) -> Response:
    project = ctx.project()
    path = _file_path(ctx)
    params = ctx.params
    absent = [k for k in ("branch", "commit_message") if params.string(k) is None]
    if absent:
        raise missing(*absent)
    user = ctx.require_access(project, DEVELOPER)
    branch = _write_target(ctx, project, user, create=False)
    found = ctx.state.file(project.id, branch.name, path)
    if found is None:
        raise ApiError(400, {"message": "A file with this name doesn't exist"})
    _commit(ctx, project, branch, user, path)
    del ctx.state.files[found.id]
    return Response(204)

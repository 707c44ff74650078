"""Repository files, branches, a flat tree and issue templates (``.gitlab/issue_templates``)."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from okrflow.sandbox.context import Ctx
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.request import ApiError, Response, missing, not_found
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.state import DEVELOPER, Branch, Project, RepoFile, State, User

routes = RouteTable()

FILES = "/projects/:id/repository/files/:file_path"
TEMPLATE_DIR = ".gitlab/issue_templates/"


def new_commit(state: State, project: Project) -> str:
    number = state.next_id("commits")
    return hashlib.sha1(f"{project.id}:{number}".encode(), usedforsecurity=False).hexdigest()


def blob_id(content: bytes) -> str:
    header = f"blob {len(content)}\0".encode()
    return hashlib.sha1(header + content, usedforsecurity=False).hexdigest()


def ensure_branch(state: State, project: Project, name: str, now: str, author: str) -> Branch:
    branch = state.branch(project.id, name)
    if branch is None:
        branch = Branch(
            id=state.next_id("branches"),
            project_id=project.id,
            name=name,
            commit_id=new_commit(state, project),
            commit_message="Initial commit",
            committed_at=now,
            author_name=author,
        )
        state.branches[branch.id] = branch
    return branch


def _file_path(ctx: Ctx) -> str:
    path = ctx.path_param("file_path")
    parts = path.split("/")
    if not path or path.startswith("/") or ".." in parts or "" in parts:
        raise ApiError(400, {"error": "file_path should be a valid file path"})
    return path


def _ref_branch(ctx: Ctx, project: Project, ref: str) -> Branch:
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
    branch = _ref_branch(ctx, project, ref)
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
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError(400, {"error": "content is invalid"}) from exc
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
        for found in [f for f in ctx.state.files.values() if f.project_id == project.id]:
            if found.branch == start:
                copy = RepoFile(**{**found.__dict__, "id": ctx.state.next_id("files")})
                copy.branch = name
                ctx.state.files[copy.id] = copy
        return branch
    if create and not has_branches:
        return ensure_branch(ctx.state, project, name, ctx.now(), user.name)
    raise ApiError(400, {"message": "You can only create or edit files when you are on a branch"})


def _commit(ctx: Ctx, project: Project, branch: Branch, user: User) -> str:
    branch.commit_id = new_commit(ctx.state, project)
    branch.commit_message = ctx.params.string("commit_message") or ""
    branch.committed_at = ctx.now()
    branch.author_name = ctx.params.string("author_name") or user.name
    project.last_activity_at = branch.committed_at
    return branch.commit_id


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
    commit = _commit(ctx, project, branch, user)
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
    found.last_commit_id = _commit(ctx, project, branch, user)
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
    _commit(ctx, project, branch, user)
    del ctx.state.files[found.id]
    return Response(204)


def branch_json(ctx: Ctx, project: Project, branch: Branch) -> dict[str, Any]:
    web = f"{ctx.web_base()}/{project.path_with_namespace}"
    return {
        "name": branch.name,
        "commit": {
            "id": branch.commit_id,
            "short_id": branch.commit_id[:8],
            "created_at": branch.committed_at,
            "parent_ids": [],
            "title": branch.commit_message.split("\n", 1)[0],
            "message": branch.commit_message,
            "author_name": branch.author_name,
            "authored_date": branch.committed_at,
            "committer_name": branch.author_name,
            "committed_date": branch.committed_at,
            "web_url": f"{web}/-/commit/{branch.commit_id}",
        },
        "merged": False,
        "protected": branch.name == project.default_branch,
        "developers_can_push": False,
        "developers_can_merge": False,
        "can_push": ctx.access(project) >= DEVELOPER,
        "default": branch.name == project.default_branch,
        "web_url": f"{web}/-/tree/{branch.name}",
    }


@routes.get("/projects/:id/repository/branches", job_token=True)
def list_branches(ctx: Ctx) -> Response:
    project = ctx.project()
    branches = sorted(
        (b for b in ctx.state.branches.values() if b.project_id == project.id),
        key=lambda b: b.name,
    )
    search = ctx.params.string("search")
    if search:
        branches = [b for b in branches if search in b.name]
    page, headers = paginate(ctx.req, branches)
    return Response(200, [branch_json(ctx, project, b) for b in page], headers)


@routes.get("/projects/:id/repository/branches/:branch")
def get_branch(ctx: Ctx) -> Response:
    project = ctx.project()
    branch = ctx.state.branch(project.id, ctx.path_param("branch"))
    if branch is None:
        raise not_found("Branch")
    return Response(200, branch_json(ctx, project, branch))


@routes.post("/projects/:id/repository/branches")
def create_branch(ctx: Ctx) -> Response:
    project = ctx.project()
    name = ctx.params.string("branch", required=True) or ""
    ref = ctx.params.string("ref", required=True) or ""
    user = ctx.require_access(project, DEVELOPER)
    if ctx.state.branch(project.id, name) is not None:
        raise ApiError(400, {"message": "Branch already exists"})
    source = _ref_branch(ctx, project, ref)
    branch = ensure_branch(ctx.state, project, name, ctx.now(), user.name)
    branch.commit_id, branch.commit_message = source.commit_id, source.commit_message
    for found in [f for f in ctx.state.files.values() if f.project_id == project.id]:
        if found.branch == source.name:
            copy = RepoFile(**{**found.__dict__, "id": ctx.state.next_id("files")})
            copy.branch = name
            ctx.state.files[copy.id] = copy
    return Response(201, branch_json(ctx, project, branch))


@routes.get("/projects/:id/repository/tree", scopes=("read_repository",))
def list_tree(ctx: Ctx) -> Response:
    project = ctx.project()
    params = ctx.params
    branch = _ref_branch(ctx, project, params.string("ref") or project.default_branch)
    prefix = (params.string("path") or "").strip("/")
    recursive = bool(params.flag("recursive"))
    entries: dict[str, dict[str, Any]] = {}
    for found in ctx.state.files.values():
        if found.project_id != project.id or found.branch != branch.name:
            continue
        if prefix and not found.path.startswith(prefix + "/"):
            continue
        rest = found.path[len(prefix) + 1 :] if prefix else found.path
        parts = rest.split("/")
        base = f"{prefix}/" if prefix else ""
        depth = len(parts) if recursive else 1
        for index in range(min(depth, len(parts))):
            path = base + "/".join(parts[: index + 1])
            is_blob = index == len(parts) - 1
            entries[path] = {
                "id": found.blob_id if is_blob else blob_id(path.encode()),
                "name": parts[index],
                "type": "blob" if is_blob else "tree",
                "path": path,
                "mode": "100644" if is_blob else "040000",
            }
    ordered = sorted(entries.values(), key=lambda e: (e["type"] != "tree", e["path"]))
    page, headers = paginate(ctx.req, ordered)
    return Response(200, page, headers)


def _templates(ctx: Ctx, project: Project) -> dict[str, RepoFile]:
    found: dict[str, RepoFile] = {}
    for item in ctx.state.files.values():
        if item.project_id != project.id or item.branch != project.default_branch:
            continue
        if item.path.startswith(TEMPLATE_DIR) and item.path.endswith(".md"):
            name = item.path[len(TEMPLATE_DIR) : -3]
            if name and "/" not in name:
                found[name] = item
    return found


@routes.get("/projects/:id/templates/issues")
def list_issue_templates(ctx: Ctx) -> Response:
    project = ctx.project()
    names = sorted(_templates(ctx, project))
    page, headers = paginate(ctx.req, names)
    return Response(200, [{"key": n, "name": n} for n in page], headers)


@routes.get("/projects/:id/templates/issues/:name")
def get_issue_template(ctx: Ctx) -> Response:
    project = ctx.project()
    found = _templates(ctx, project).get(ctx.path_param("name"))
    if found is None:
        raise not_found("Template")
    content = base64.b64decode(found.content_b64).decode("utf-8", errors="replace")
    return Response(200, {"name": ctx.path_param("name"), "content": content})

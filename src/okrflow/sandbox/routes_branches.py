"""Branches, a flat repository tree and issue templates (``.gitlab/issue_templates``)."""

from __future__ import annotations

import base64
from typing import Any

from okrflow.sandbox.context import Ctx
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.repository import (
    blob_id,
    commit_by_sha,
    commit_json,
    copy_branch,
    ensure_branch,
)
from okrflow.sandbox.request import ApiError, Response, not_found
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.routes_repo import ref_branch
from okrflow.sandbox.rows import DEVELOPER, Branch, Project, RepoFile

routes = RouteTable()

TEMPLATE_DIR = ".gitlab/issue_templates/"


def branch_json(ctx: Ctx, project: Project, branch: Branch) -> dict[str, Any]:
    """Entities::Branch (branch.json), its commit being the branch head."""
    web = f"{ctx.web_base()}/{project.path_with_namespace}"
    head = commit_by_sha(ctx.state, project.id, branch.commit_id)
    return {
        "name": branch.name,
        "commit": commit_json(ctx.web_base(), project, head) if head else {},
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
    source = ref_branch(ctx, project, ref)
    branch = ensure_branch(ctx.state, project, name, ctx.now(), user.name)
    branch.commit_id, branch.commit_message = source.commit_id, source.commit_message
    copy_branch(ctx.state, project, source, name)
    return Response(201, branch_json(ctx, project, branch))


@routes.get("/projects/:id/repository/tree", scopes=("read_repository",))
def list_tree(ctx: Ctx) -> Response:
    project = ctx.project()
    params = ctx.params
    branch = ref_branch(ctx, project, params.string("ref") or project.default_branch)
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

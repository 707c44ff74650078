"""Repository commits: the history of a branch, optionally of one path, and one commit.

``GET /projects/:id/repository/commits`` (``ref_name``, ``path``, ``since``,
``until``, ``author``, ``all``; newest first, offset pagination) tells who changed
a file: each commit carries ``author_name``/``author_email`` and the committer.
"""

from __future__ import annotations

from okrflow.sandbox.clock import format_time
from okrflow.sandbox.context import Ctx
from okrflow.sandbox.pagination import paginate
from okrflow.sandbox.repository import commit_by_sha, commit_json, history
from okrflow.sandbox.request import Response, not_found
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.rows import Commit

routes = RouteTable()

COMMITS = "/projects/:id/repository/commits"


def _touches(commit: Commit, path: str) -> bool:
    prefix = path.rstrip("/") + "/"
    return any(p == path or p.startswith(prefix) for p in commit.paths)


@routes.get(COMMITS, job_token=True, scopes=("read_repository",))
def list_commits(ctx: Ctx) -> Response:
    project = ctx.project()
    params = ctx.params
    state = ctx.state
    if params.flag("all"):
        commits = sorted(
            (c for c in state.commits.values() if c.project_id == project.id),
            key=lambda c: (c.created_at, c.id),
            reverse=True,
        )
    else:
        ref = params.string("ref_name") or project.default_branch
        branch = state.branch(project.id, ref)
        head = branch.commit_id if branch else ref
        if commit_by_sha(state, project.id, head) is None:
            raise not_found("Commit")
        commits = history(state, project.id, head)
    path = (params.string("path") or "").strip("/")
    if path:
        commits = [c for c in commits if _touches(c, path)]
    since, until = params.time("since"), params.time("until")
    if since is not None:
        commits = [c for c in commits if c.created_at >= format_time(since)]
    if until is not None:
        commits = [c for c in commits if c.created_at <= format_time(until)]
    author = (params.string("author") or "").lower()
    if author:
        commits = [
            c
            for c in commits
            if author in c.author_name.lower() or author in c.author_email.lower()
        ]
    page, headers = paginate(ctx.req, commits)
    return Response(200, [commit_json(ctx.web_base(), project, c) for c in page], headers)


@routes.get(f"{COMMITS}/:sha", job_token=True, scopes=("read_repository",))
def get_commit(ctx: Ctx) -> Response:
    project = ctx.project()
    commit = commit_by_sha(ctx.state, project.id, ctx.path_param("sha"))
    if commit is None:
        raise not_found("Commit")
    data = commit_json(ctx.web_base(), project, commit)
    data.update({"status": None, "project_id": project.id, "last_pipeline": None})
    return Response(200, data)

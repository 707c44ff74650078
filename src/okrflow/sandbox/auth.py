"""Who is calling and what they may do: tokens, scopes, roles and visibility.

Follows GitLab: a missing or unknown token is anonymous / 401; a job token counts
only on the few routes that accept it (elsewhere the caller is anonymous, so writes
get 401 and private projects 404); ``read_api`` tokens get 403
``insufficient_scope`` on writes; private things are hidden with 404.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

from okrflow.sandbox.request import ApiError
from okrflow.sandbox.state import (
    GUEST,
    PLANNER,
    Group,
    Issue,
    Project,
    State,
    Token,
    User,
)

UNAUTHORIZED = ApiError(401, {"message": "401 Unauthorized"})

INSUFFICIENT_SCOPE = {
    "error": "insufficient_scope",
    "error_description": (
        "The request requires higher privileges than provided by the access token."
    ),
    "scope": "api",
}

READ_METHODS = ("GET", "HEAD")


@dataclasses.dataclass
class Caller:
    user: User | None
    token: Token | None

    @property
    def username(self) -> str | None:
        return self.user.username if self.user else None


def credential(headers: Mapping[str, str], query: Mapping[str, str]) -> tuple[str, str] | None:
    """(kind, secret) from the request: personal (PAT family) or job."""
    if headers.get("private-token"):
        return "personal", headers["private-token"]
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer ") and auth[7:].strip():
        return "personal", auth[7:].strip()
    if headers.get("job-token"):
        return "job", headers["job-token"]
    for key, kind in (("private_token", "personal"), ("access_token", "personal")):
        if query.get(key):
            return kind, query[key]
    if query.get("job_token"):
        return "job", query["job_token"]
    return None


def authenticate(
    state: State,
    *,
    headers: Mapping[str, str],
    query: Mapping[str, str],
    method: str,
    job_token_ok: bool,
    scope_extra: tuple[str, ...],
    today: date,
) -> Caller:
    """The caller of a request; raises 401/403 for bad tokens and scopes."""
    found = credential(headers, query)
    if found is None:
        return Caller(None, None)
    kind, secret = found
    token = next((t for t in state.tokens.values() if t.token == secret), None)
    if token is None or token.user_id not in state.users:
        raise UNAUTHORIZED
    if kind == "job" or token.kind == "job":
        if kind != token.kind:
            raise UNAUTHORIZED
        if not job_token_ok:
            return Caller(None, None)  # not a job-token route: the caller is anonymous
        return Caller(state.users[token.user_id], token)
    if token.revoked:
        raise ApiError(
            401,
            {
                "error": "invalid_token",
                "error_description": "Token was revoked. You have to re-authorize from the user.",
            },
            {"WWW-Authenticate": 'Bearer realm="Protected by OAuth 2.0", error="invalid_token"'},
        )
    if token.expires_at and token.expires_at < today.isoformat():
        raise ApiError(
            401,
            {
                "error": "invalid_token",
                "error_description": "Token is expired. "
                "You can either do re-authorization or token refresh.",
            },
            {"WWW-Authenticate": 'Bearer realm="Protected by OAuth 2.0", error="invalid_token"'},
        )
    scopes = set(token.scopes)
    allowed = "api" in scopes or (
        method in READ_METHODS and bool(scopes & {"read_api", *scope_extra})
    )
    if not allowed:
        raise ApiError(403, INSUFFICIENT_SCOPE)
    return Caller(state.users[token.user_id], token)


def group_access(state: State, user: User | None, group: Group) -> int:
    if user is None:
        return 0
    if user.is_admin:
        return 50
    levels = [g.members.get(user.username, 0) for g in state.group_ancestors(group.id)]
    return max(levels, default=0)


def project_access(state: State, user: User | None, project: Project) -> int:
    """The caller's role in the project: direct or inherited from groups."""
    if user is None:
        return 0
    if user.is_admin:
        return 50
    direct = project.members.get(user.username, 0)
    if project.group_id is None and project.namespace_path.lower() == user.username.lower():
        direct = 50
    inherited = [g.members.get(user.username, 0) for g in state.group_ancestors(project.group_id)]
    return max([direct, *inherited])


def can_read_project(state: State, caller: Caller, project: Project) -> bool:
    if project.visibility == "public":
        return True
    if project.visibility == "internal" and caller.user is not None:
        return True
    return project_access(state, caller.user, project) >= GUEST


def can_read_group(state: State, caller: Caller, group: Group) -> bool:
    if group.visibility == "public":
        return True
    if group.visibility == "internal" and caller.user is not None:
        return True
    if group_access(state, caller.user, group) >= GUEST:
        return True
    # members of a project below the group can see the group
    below = {g.id for g in state.group_descendants(group.id)}
    return any(
        p.group_id in below and project_access(state, caller.user, p) >= GUEST
        for p in state.projects.values()
    )


def can_read_issue(state: State, caller: Caller, issue: Issue) -> bool:
    project = state.projects.get(issue.project_id)
    if project is None or not can_read_project(state, caller, project):
        return False
    if not issue.confidential:
        return True
    user = caller.user
    if user is None:
        return False
    if user.id == issue.author_id or user.id in issue.assignee_ids:
        return True
    return project_access(state, user, project) >= PLANNER


def can_write(caller: Caller) -> bool:
    """Whether the token may write at all (job tokens never write here)."""
    return caller.user is not None and (caller.token is None or caller.token.kind != "job")

"""Issue list filters and ordering, as GitLab's IssuesFinder applies them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from okrflow.sandbox import auth
from okrflow.sandbox.clock import parse_time
from okrflow.sandbox.context import Ctx
from okrflow.sandbox.request import Params, bad_value
from okrflow.sandbox.state import Issue

ORDER_BY = (
    "created_at",
    "updated_at",
    "title",
    "due_date",
    "id",
    "priority",
    "relative_position",
    "label_priority",
    "milestone_due",
    "popularity",
    "weight",
)
KEYSET_ORDER = ("created_at", "updated_at", "title", "id")

SortKey = Callable[[Any], tuple[Any, ...]]


def _label_ids(ctx: Ctx, names: set[str]) -> dict[str, set[int]]:
    """The ids of the labels (any project or group) named ``names``, by name."""
    found: dict[str, set[int]] = {}
    for label in ctx.state.labels.values():
        if label.name in names:
            found.setdefault(label.name, set()).add(label.id)
    return found


def _usernames(ctx: Ctx, user_ids: list[int]) -> set[str]:
    users = ctx.state.users
    return {users[i].username.lower() for i in user_ids if i in users}


def _label_filter(ctx: Ctx, wanted: list[str] | None) -> Callable[[Issue], bool] | None:
    if not wanted:
        return None
    if len(wanted) == 1 and wanted[0].lower() in ("none", "no+label", "no label"):
        return lambda issue: not issue.label_ids
    if len(wanted) == 1 and wanted[0].lower() == "any":
        return lambda issue: bool(issue.label_ids)
    by_name = _label_ids(ctx, set(wanted))
    if len(by_name) < len(set(wanted)):
        return lambda issue: False  # a label nobody has
    groups = list(by_name.values())
    return lambda issue: all(not ids.isdisjoint(issue.label_ids) for ids in groups)


def _time_check(field: str, bound: datetime, after: bool) -> Callable[[Issue], bool]:
    """Inclusive bound on ``created_at``/``updated_at``."""

    def check(issue: Issue) -> bool:
        moment = parse_time(getattr(issue, field))
        if moment is None:
            return False
        return moment >= bound if after else moment <= bound

    return check


def _assignee_filter(ctx: Ctx, params: Params) -> list[Callable[[Issue], bool]]:
    checks: list[Callable[[Issue], bool]] = []
    assignee_id = params.string("assignee_id")
    if assignee_id:
        if assignee_id.lower() == "none":
            checks.append(lambda issue: not issue.assignee_ids)
        elif assignee_id.lower() == "any":
            checks.append(lambda issue: bool(issue.assignee_ids))
        else:
            number = params.integer("assignee_id")
            checks.append(lambda issue: number in issue.assignee_ids)
    names = params.list_str("assignee_username")
    if names:
        wanted = {n.lower() for n in names}
        checks.append(lambda issue: bool(wanted & _usernames(ctx, issue.assignee_ids)))
    return checks


def _due_filter(ctx: Ctx, value: str) -> Callable[[Issue], bool]:
    today = ctx.clock.now().date()
    text = value.lower()
    if text in ("0", "none"):
        return lambda issue: issue.due_date is None
    if text == "any":
        return lambda issue: issue.due_date is not None
    if text == "overdue":
        return lambda issue: issue.due_date is not None and issue.due_date < today.isoformat()
    if text == "today":
        return lambda issue: issue.due_date == today.isoformat()
    if text == "tomorrow":
        return lambda issue: issue.due_date == (today + timedelta(days=1)).isoformat()
    if text == "week":
        end = (today + timedelta(days=7)).isoformat()
        return lambda issue: (
            issue.due_date is not None and today.isoformat() <= issue.due_date <= end
        )
    if text == "month":
        end = (today + timedelta(days=31)).isoformat()
        return lambda issue: (
            issue.due_date is not None and today.isoformat() <= issue.due_date <= end
        )
    raise bad_value("due_date")


def build_filters(ctx: Ctx, default_scope: str) -> list[Callable[[Issue], bool]]:
    """Every filter the request asks for (all must hold)."""
    params = ctx.params
    checks: list[Callable[[Issue], bool]] = []
    state = params.choice("state", ("opened", "closed", "all"), "all")
    if state != "all":
        checks.append(lambda issue: issue.state == state)
    label_check = _label_filter(ctx, params.list_str("labels"))
    if label_check:
        checks.append(label_check)
    negated = params.sub("not")
    excluded = negated.list_str("labels")
    if excluded:
        unwanted = set().union(*_label_ids(ctx, set(excluded)).values())
        checks.append(lambda issue: unwanted.isdisjoint(issue.label_ids))
    not_iids = negated.list_int("iids")
    if not_iids:
        checks.append(lambda issue: issue.iid not in not_iids)
    not_author = negated.string("author_username")
    if not_author:
        checks.append(lambda issue: _usernames(ctx, [issue.author_id]) != {not_author.lower()})
    not_assignee = negated.list_str("assignee_username")
    if not_assignee:
        lowered = {n.lower() for n in not_assignee}
        checks.append(lambda issue: not (lowered & _usernames(ctx, issue.assignee_ids)))
    iids = params.list_int("iids")
    if iids is not None and iids:
        checks.append(lambda issue: issue.iid in iids)
    search = params.string("search")
    if search:
        where = params.list_str("in") or ["title", "description"]
        needle = search.lower()
        checks.append(
            lambda issue: (
                ("title" in where and needle in issue.title.lower())
                or ("description" in where and needle in (issue.description or "").lower())
            )
        )
    for key, field, after in (
        ("created_after", "created_at", True),
        ("created_before", "created_at", False),
        ("updated_after", "updated_at", True),
        ("updated_before", "updated_at", False),
    ):
        bound = params.time(key)
        if bound is not None:
            checks.append(_time_check(field, bound, after))
    author = params.string("author_username")
    if author:
        checks.append(lambda issue: _usernames(ctx, [issue.author_id]) == {author.lower()})
    author_id = params.integer("author_id")
    if author_id is not None:
        checks.append(lambda issue: issue.author_id == author_id)
    checks.extend(_assignee_filter(ctx, params))
    confidential = params.flag("confidential")
    if confidential is not None:
        checks.append(lambda issue: issue.confidential == confidential)
    issue_type = params.string("issue_type")
    if issue_type:
        checks.append(lambda issue: issue.issue_type == issue_type)
    due = params.string("due_date")
    if due:
        checks.append(_due_filter(ctx, due))
    scope = params.choice(
        "scope",
        ("created_by_me", "assigned_to_me", "all", "created-by-me", "assigned-to-me"),
        default_scope,
    ).replace("-", "_")
    if scope != "all":
        me = ctx.user.id if ctx.user else -1
        if scope == "created_by_me":
            checks.append(lambda issue: issue.author_id == me)
        else:
            checks.append(lambda issue: me in issue.assignee_ids)
    return checks


def sort_key(order_by: str) -> SortKey:
    def key(issue: Issue) -> tuple[Any, ...]:
        if order_by == "id":
            return (issue.id,)
        if order_by == "updated_at":
            return (issue.updated_at, issue.id)
        if order_by == "title":
            return (issue.title, issue.id)
        if order_by == "due_date":
            return (issue.due_date or "9999-12-31", issue.id)
        return (issue.created_at, issue.id)

    return key


@dataclasses.dataclass
class Selection:
    issues: list[Issue]
    key: SortKey
    keyset_ok: bool
    descending: bool


def select(ctx: Ctx, issues: list[Issue], default_scope: str) -> Selection:
    """Filtered, ordered issues plus the ordering key and direction."""
    checks = build_filters(ctx, default_scope)
    params = ctx.params
    order_by = params.choice("order_by", ORDER_BY, "created_at")
    descending = params.choice("sort", ("asc", "desc"), "desc") == "desc"
    key = sort_key(order_by)
    readable: dict[int, bool] = {}  # per project, once per request

    def visible(issue: Issue) -> bool:
        project_ok = readable.get(issue.project_id)
        if project_ok is None:
            project = ctx.state.projects.get(issue.project_id)
            project_ok = project is not None and auth.can_read_project(
                ctx.state, ctx.caller, project
            )
            readable[issue.project_id] = project_ok
        return project_ok and (not issue.confidential or ctx.can_read_issue(issue))

    chosen = [issue for issue in issues if visible(issue) and all(c(issue) for c in checks)]
    chosen.sort(key=key, reverse=descending)
    return Selection(chosen, key, order_by in KEYSET_ORDER, descending)

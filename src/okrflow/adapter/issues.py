"""Issues, comments and links of the OKR project, as plain records.

Every issue write goes through :meth:`IssueApi.update_issue` or
:meth:`IssueApi.create_issue`, every comment through :meth:`IssueApi.create_note` or
:meth:`IssueApi.update_note`. They are the one place where text leaves okrflow for
GitLab, so each title, description and comment passes :meth:`IssueApi.for_gitlab`
there (:mod:`okrflow.core.neutraliser`: no line can start a quick action, mentions
only of GitLab users, no token), and a description over GitLab's limit is refused
before it is sent (:data:`DESCRIPTION_MAX`): a write GitLab would refuse is one
clear line instead. Creates and comments are sent once
(:meth:`~okrflow.adapter.http.Http.create_once`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from okrflow.adapter.http import PER_PAGE, as_dict, as_list, enc
from okrflow.adapter.lease import LeaseApi
from okrflow.adapter.planned import PlannedIssue, PlannedNote
from okrflow.adapter.records import IssueRecord, LinkRecord, NoteRecord
from okrflow.core.description import stored_form
from okrflow.core.neutraliser import neutralise, neutralise_title
from okrflow.errors import OkrflowError
from okrflow.redaction import mask_secrets

__all__ = ["DESCRIPTION_MAX", "IssueApi", "check_description"]

#: GitLab's limit on an issue description, in characters
DESCRIPTION_MAX = 1_048_576


def check_description(text: str, where: str) -> None:
    """Refuse (nothing written) a description GitLab would refuse as too long."""
    if len(text) > DESCRIPTION_MAX:
        raise OkrflowError(
            f"the description of {where} would be {len(text):,} characters, over "
            f"GitLab's limit of {DESCRIPTION_MAX:,}: shorten the text in the issue"
        )


def _label_params(labels: Sequence[str]) -> str:
    return ",".join(labels)


def _issue_query(filters: dict[str, Any]) -> dict[str, Any]:
    """The query of an issue listing: oldest first, 100 a page, and the filters given
    (label lists as ``a,b``, times in ISO 8601; an empty filter is left out)."""
    params: dict[str, Any] = {"per_page": PER_PAGE, "order_by": "created_at", "sort": "asc"}
    for name, value in filters.items():
        if value is None or (isinstance(value, list | tuple) and not value):
            continue
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        elif isinstance(value, list | tuple) and name != "iids[]":
            value = _label_params(value)
        params[name] = list(value) if name == "iids[]" else value
    return params


class IssueApi(LeaseApi):
    # -- what okrflow may send ---------------------------------------------------------

    def is_user(self, name: str) -> bool:
        """Whether GitLab knows a user ``name`` (asked once per name and run)."""
        return self.user_id(name) is not None

    def for_gitlab(self, text: str, previous: str | None = None) -> str:
        """A description or comment as it may be sent: no quick action, mentions only of
        users (or already in ``previous``, the text GitLab holds), no token."""
        return neutralise(mask_secrets(text), self.is_user, previous=previous)

    def title_for_gitlab(self, title: str, previous: str | None = None) -> str:
        """A title as it may be sent: one line, mentions only of users, no token."""
        return neutralise_title(mask_secrets(title), self.is_user, previous=previous)

    # -- reading -----------------------------------------------------------------------

    def list_issues(
        self,
        *,
        labels: Sequence[str] = (),
        not_labels: Sequence[str] = (),
        state: str | None = None,
        updated_after: dt.datetime | None = None,
        search: str | None = None,
        iids: Sequence[int] = (),
        page_workers: int = 1,
    ) -> Iterator[IssueRecord]:
        """Every matching issue of the OKR scope (the OKR project, or the OKR projects of
        the group: one group listing), one listing page per 100 issues.

        With ``page_workers`` > 1, pages 2.. are requested that many at a time once the
        first page has said how many there are (the same requests, overlapping; the
        issues still come in order).
        """
        params = _issue_query(
            {
                "labels": labels,
                "not[labels]": not_labels,
                "state": state,
                "updated_after": updated_after,
                "search": search,
                "iids[]": iids,
            }
        )
        path = self.scope_api("issues")
        if page_workers > 1:
            items = self.http.pages_concurrently(path, params, page_workers, "list issues")
        else:
            items = self.http.listing(path, "list issues", params)
        for item in items:
            record = IssueRecord.from_json(item)
            if self.group_path is not None and not self.in_scope(record.project):
                continue  # a project of the group that holds no OKRs
            self.changes.seen((record,))
            yield record

    def query_issues(
        self,
        *,
        project: str | None = None,
        group: str | None = None,
        labels: Sequence[str] = (),
        state: str | None = None,
        created_after: dt.datetime | None = None,
        updated_after: dt.datetime | None = None,
    ) -> Iterator[IssueRecord]:
        """Issues of any project (default: the OKR scope: the OKR project, or the group)
        or of a whole group with its subgroups, for metric sources; one listing page per
        100 issues."""
        params = _issue_query(
            {
                "labels": labels,
                "state": state,
                "created_after": created_after,
                "updated_after": updated_after,
            }
        )
        group = group or (self.group_path if project is None else None)
        if group:
            path, what = f"/groups/{enc(group)}/issues", f"list issues of group {group}"
        else:
            target = project or self.project_path
            path, what = f"/projects/{enc(target)}/issues", f"list issues of {target}"
        for item in self.http.listing(path, what, params):
            yield IssueRecord.from_json(item)

    def get_issue(self, iid: int, project: str | None = None) -> IssueRecord:
        path = f"/projects/{enc(project or self.project_path)}/issues/{iid}"
        where = f"{project}#{iid}" if project else f"#{iid}"
        record = IssueRecord.from_json(as_dict(self.http.get(path, f"read issue {where}")))
        if project is None or self.in_scope(project):
            self.changes.seen((record,))
        return record

    def project_of(self, record: IssueRecord | None) -> str | None:
        """In a group scope, the project an issue okrflow read lives in (where a write to
        it goes); None in a project scope (the OKR project)."""
        if self.group_path is None or record is None or not record.project:
            return None
        return record.project

    # -- writing -----------------------------------------------------------------------

    def create_issue(
        self,
        *,
        title: str,
        description: str,
        labels: Sequence[str],
        assignee: str | None = None,
        assignees: Sequence[str] = (),
        find_existing: Callable[[], IssueRecord | None] | None = None,
        project: str | None = None,
    ) -> IssueRecord | PlannedIssue:
        """Create an issue once, even if the connection drops after GitLab created it.

        ``find_existing`` looks the issue up; it is consulted after an ambiguous
        failure before the create is sent again. ``project``: in another project of a
        group scope than its home. A dry run answers with the :class:`PlannedIssue`.
        """
        title, description = self.title_for_gitlab(title), self.for_gitlab(description)
        planned = PlannedIssue(title, tuple(labels), description)
        check_description(description, str(planned))
        data: dict[str, Any] = {
            "title": title,
            "description": description,
            "labels": _label_params(labels),
        }
        ids = [
            self.user_id(name)
            for name in dict.fromkeys([*([assignee] if assignee else []), *assignees])
        ]
        if any(i is not None for i in ids):
            data["assignee_ids"] = [i for i in ids if i is not None]
        if self.dry_run:
            where = [f"in {project}"] if project else []
            where += [f"labels {', '.join(labels)}"] if labels else []
            self.plan("create", str(planned), ", ".join(where))
            return planned
        self.keep_lease()
        result = self.http.create_once(
            self.api("issues", project=project), data, find_existing, f"create issue {title!r}"
        )
        return result if isinstance(result, IssueRecord) else IssueRecord.from_json(result)

    def update_issue(
        self, iid: int, *, before: IssueRecord | None = None, **fields: Any
    ) -> IssueRecord | None:
        """PUT the given fields (title, description, labels, add_labels, remove_labels,
        state_event, ...); the issue as GitLab answers it, or None in a dry run.

        ``before`` is the issue as okrflow read it: mentions it holds stay as they are,
        and a title or description that would not change is not sent (nothing at all
        is sent, and ``before`` comes back, when no field is left)."""
        fields = self._texts_for_gitlab(fields, before)
        if not fields:
            return before
        project = self.project_of(before)
        where = f"{project}#{iid}" if project else f"#{iid}"
        if isinstance(fields.get("description"), str):
            check_description(fields["description"], where)
        data = {
            k: (_label_params([str(x) for x in v]) if isinstance(v, list | tuple) else v)
            for k, v in fields.items()
        }
        if self.dry_run:
            self.plan("update issue", where, ", ".join(sorted(data)))
            return None
        self.keep_lease()
        path = self.api("issues", iid, project=project)
        result = self.http.put(path, data, f"update issue {where}")
        return IssueRecord.from_json(as_dict(result))

    def _texts_for_gitlab(
        self, fields: dict[str, Any], before: IssueRecord | None
    ) -> dict[str, Any]:
        out = dict(fields)
        for name, clean in (("title", self.title_for_gitlab), ("description", self.for_gitlab)):
            if not isinstance(out.get(name), str):
                continue
            previous = getattr(before, name) if before is not None else None
            out[name] = clean(out[name], previous)
            if out[name] == previous or (
                # GitLab drops \r and outer whitespace from what it stores
                name == "description" and stored_form(out[name]) == stored_form(previous)
            ):
                del out[name]
        return out

    # -- comments ------------------------------------------------------------------------

    def list_notes(self, iid: int, project: str | None = None) -> list[NoteRecord]:
        """The issue's comments, oldest first (``project``: of another project of a
        group scope)."""
        query = {"per_page": PER_PAGE, "sort": "asc", "order_by": "created_at"}
        path = self.api("issues", iid, "notes", project=project)
        items = self.http.listing(path, f"read comments of {project or ''}#{iid}", query)
        return [NoteRecord.from_json(item) for item in items]

    def list_notes_after(
        self, iid: int, after_id: int | None = None, project: str | None = None
    ) -> list[NoteRecord]:
        """The issue's comments with an id above ``after_id`` (all when None), newest first.

        Reads newest first and stops at the first comment already seen, so a few new
        comments cost one request however long the discussion is.
        """
        query = {"per_page": PER_PAGE, "sort": "desc", "order_by": "created_at"}
        found: list[NoteRecord] = []
        path = self.api("issues", iid, "notes", project=project)
        where = f"{project}#{iid}" if project else f"#{iid}"
        for item in self.http.listing(path, f"read comments of {where}", query):
            note = NoteRecord.from_json(item)
            if after_id is not None and note.id <= after_id:
                break
            found.append(note)
        return found

    def create_note(
        self,
        iid: int | PlannedIssue,
        body: str,
        *,
        marker: str | None = None,
        project: str | None = None,
    ) -> NoteRecord | PlannedNote | None:
        """Comment on an issue once. ``marker`` (a string unique to this comment, kept in
        its body) is how a comment that was created but not acknowledged is found.

        None when GitLab made no comment of it: a body of quick actions only is run, not
        kept (GitLab answers 202 with no comment).
        """
        target = f"{project or ''}#{iid}" if isinstance(iid, int) else str(iid)
        body = self.for_gitlab(body)
        if self.dry_run or not isinstance(iid, int):
            first = body.strip().splitlines()[0] if body.strip() else ""
            self.plan("comment on", target, first[:80])
            return PlannedNote(target, body)
        issue: int = iid

        def find() -> NoteRecord | None:
            if marker is None:
                return None
            notes = self.list_notes(issue, project)
            return next(
                (n for n in notes if marker in n.body and self.authors.is_okrflow(n.author)),
                None,
            )

        self.keep_lease()
        result = self.http.create_once(
            self.api("issues", iid, "notes", project=project),
            {"body": body},
            find,
            f"comment on {target}",
        )
        if isinstance(result, NoteRecord):
            return result
        return NoteRecord.from_json(result) if "id" in result else None

    def update_note(
        self, iid: int, note: NoteRecord, body: str, project: str | None = None
    ) -> bool:
        """Edit okrflow's comment ``note`` to say ``body``; False (nothing sent) when it
        says that already, as GitLab holds it."""
        body = self.for_gitlab(body, previous=note.body)
        if body.strip() == note.body.strip():
            return False
        where = f"{project or ''}#{iid}"
        if self.dry_run:
            self.plan("update the comment on", where, f"comment {note.id}")
            return True
        self.keep_lease()
        path = self.api("issues", iid, "notes", note.id, project=project)
        self.http.put(path, {"body": body}, f"update {where}")
        return True

    # -- links ---------------------------------------------------------------------------

    def list_links(self, iid: int, project: str | None = None) -> list[LinkRecord]:
        """The issue's links (``project``: of another project of the scope)."""
        where = f"{project}#{iid}" if project else f"#{iid}"
        path = self.api("issues", iid, "links", project=project)
        items = self.http.get(path, f"read links of {where}")
        return [LinkRecord.from_json(as_dict(item)) for item in as_list(items)]

    def create_link(
        self,
        iid: int | PlannedIssue,
        target: int | PlannedIssue,
        target_project: str | None = None,
        *,
        project: str | None = None,
    ) -> bool:
        """Link two issues (relates_to). False when the link existed already.
        ``project``: the project of ``iid`` (default the OKR project), ``target_project``
        the project of ``target`` (default the same)."""
        target_project = target_project or project
        if self.dry_run or not isinstance(iid, int) or not isinstance(target, int):
            if isinstance(iid, int):
                source = f"{project}#{iid}" if project else self.reference(iid)
            else:
                source = str(iid)
            if isinstance(target, int):
                to = f"{target_project or self.project_path}#{target}"
            else:
                to = str(target)
            self.plan("link", f"{source} to {to}")
            return True
        data = {
            "target_project_id": target_project or self.project_path,
            "target_issue_iid": target,
            "link_type": "relates_to",
        }
        what = f"link {project or ''}#{iid} to {target_project or ''}#{target}"
        self.keep_lease()
        path = self.api("issues", iid, "links", project=project)
        done = self.http.call_or_none(
            lambda: self.http.gl.http_post(path, post_data=data),
            what,
            (409,),  # linked already, by an earlier run
        )
        return done is not None

"""Every call okrflow makes to GitLab, through python-gitlab. The only importer of ``gitlab``.

Reads retry 429 (honouring ``Retry-After``) and transient 5xx / dropped connections
with backoff; python-gitlab does that. Creating an issue or a comment is not
idempotent, so those POSTs are never retried blindly: after an ambiguous failure
the adapter looks for what the first attempt may have created before trying again.

With ``dry_run=True`` every write is recorded in :attr:`GitLab.planned` and not sent;
the returned records are what the write would have produced.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

import gitlab
import gitlab.exceptions
import requests

from okrflow.adapter.connection import ConnectionSettings, require_project
from okrflow.adapter.records import IssueRecord, LabelRecord, LinkRecord, NoteRecord
from okrflow.errors import GitLabError, UsageError
from okrflow.redaction import redact

T = TypeVar("T")
PER_PAGE = 100
# what python-gitlab re-raises once its retries after a lost connection run out
NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


class _Gitlab(gitlab.Gitlab):
    """python-gitlab with okrflow's retry budget applied to every request."""

    okrflow_max_retries = 8

    def http_request(self, verb: str, path: str, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("max_retries", self.okrflow_max_retries)
        return super().http_request(verb, path, *args, **kwargs)


@dataclasses.dataclass(frozen=True)
class PlannedWrite:
    action: str  # "create issue", "update issue", "create note", ...
    target: str  # "#12", "label okr::objective", ...
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.action} {self.target}" + (f": {self.detail}" if self.detail else "")


class GitLab:
    """A connection to one OKR project."""

    def __init__(self, settings: ConnectionSettings, *, dry_run: bool = False) -> None:
        self.settings = settings
        self.dry_run = dry_run
        self.planned: list[PlannedWrite] = []
        self._lock = threading.Lock()
        self._fake_iid = 0
        self._user_ids: dict[str, int | None] = {}
        self._gl = self._connect(settings)
        self.project_path = require_project(settings)
        self._project: Any = None

    # -- connection -----------------------------------------------------------------

    @staticmethod
    def _connect(settings: ConnectionSettings) -> gitlab.Gitlab:
        if settings.python_gitlab_section:
            try:
                base = gitlab.Gitlab.from_config(
                    settings.python_gitlab_section, list(settings.python_gitlab_files) or None
                )
            except gitlab.config.GitlabConfigMissingError as exc:
                raise UsageError(f"python-gitlab config: {exc}") from None
            except gitlab.config.ConfigError as exc:
                raise UsageError(f"python-gitlab config: {exc}") from None
            gl = _Gitlab(
                base.url,
                private_token=base.private_token,
                oauth_token=base.oauth_token,
                job_token=base.job_token,
                timeout=settings.timeout,
                ssl_verify=settings.ssl_verify,
                retry_transient_errors=True,
            )
        else:
            token_args: dict[str, str] = {}
            if settings.token and settings.token_kind == "job":
                token_args["job_token"] = settings.token
            elif settings.token:
                token_args["private_token"] = settings.token
            gl = _Gitlab(
                settings.url,
                timeout=settings.timeout,
                ssl_verify=settings.ssl_verify,
                retry_transient_errors=True,
                **token_args,  # type: ignore[arg-type]
            )
        gl.okrflow_max_retries = settings.retries
        return gl

    @property
    def url(self) -> str:
        return str(self._gl.url)

    @property
    def project(self) -> Any:
        if self._project is None:
            self._project = self._call(
                lambda: self._gl.projects.get(self.project_path, lazy=False),
                f"read project {self.project_path}",
            )
        return self._project

    @property
    def project_web_url(self) -> str:
        return str(self.project.web_url)

    @property
    def default_branch(self) -> str:
        return str(self.project.default_branch or "main")

    def ensure_can_write(self) -> None:
        """Fail early, plainly, when only a job token is available."""
        if self.dry_run:
            return
        if self.settings.token_kind == "job":
            raise GitLabError(
                "only CI_JOB_TOKEN is available, and GitLab does not let job tokens create or "
                "change issues, labels, notes or boards: store a project or personal access token "
                "with the 'api' scope in a masked CI/CD variable named GITLAB_TOKEN"
            )
        if self.settings.token_kind == "none" and not self.settings.python_gitlab_section:
            raise UsageError(
                "no token: set GITLAB_TOKEN to a personal or project access token "
                "with the 'api' scope"
            )

    # -- error mapping ----------------------------------------------------------------

    def _call(self, fn: Callable[[], T], what: str) -> T:
        try:
            return fn()
        except gitlab.exceptions.GitlabAuthenticationError as exc:
            raise GitLabError(
                f"GitLab rejected the token while trying to {what} (401 {_message(exc)}): "
                "check that GITLAB_TOKEN is a valid, unexpired access token",
                status=401,
            ) from None
        except gitlab.exceptions.GitlabError as exc:
            raise self._mapped(exc, what) from None
        except NETWORK_ERRORS as exc:
            raise self._unreachable(exc, what) from None

    def _unreachable(self, exc: Exception, what: str) -> GitLabError:
        """A lost connection or a timeout that outlasted the retries."""
        return GitLabError(
            redact(
                f"could not reach GitLab at {self.settings.url or 'the configured URL'} "
                f"while trying to {what}, after retries ({type(exc).__name__})"
            )
        )

    def _mapped(self, exc: gitlab.exceptions.GitlabError, what: str) -> GitLabError:
        code = exc.response_code
        msg = _message(exc)
        if code == 403 and self.settings.token_kind == "job":
            hint = (
                "CI_JOB_TOKEN cannot do this: store an access token with the 'api' scope "
                "in a masked CI/CD variable named GITLAB_TOKEN"
            )
        elif code == 403 and "insufficient_scope" in msg:
            hint = "the token has only read scope: use a token with the 'api' scope"
        elif code == 403:
            hint = "the token's user lacks permission (Reporter or higher is needed for labels)"
        elif code == 404:
            hint = (
                f"check that the project '{self.project_path}' exists and that the token's user "
                "is a member (GitLab answers 404 for private projects it hides)"
            )
        elif code == 429:
            hint = "GitLab's rate limit was still hit after waiting; run again later"
        elif code and code >= 500:
            hint = "GitLab kept failing after retries; run again later (okrflow resumes safely)"
        else:
            hint = ""
        text = f"GitLab refused to {what} ({code} {msg})"
        return GitLabError(redact(f"{text}: {hint}" if hint else text), status=code)

    # -- issues ------------------------------------------------------------------------

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
        """Every matching issue of the OKR project, one listing page per 100 issues.

        With ``page_workers`` > 1, pages 2.. are requested that many at a time once the
        first page has said how many there are (the same requests, overlapping; the
        issues still come in order).
        """
        params: dict[str, Any] = {"per_page": PER_PAGE, "order_by": "created_at", "sort": "asc"}
        if labels:
            params["labels"] = ",".join(labels)
        if not_labels:
            params["not[labels]"] = ",".join(not_labels)
        if state:
            params["state"] = state
        if updated_after:
            params["updated_after"] = updated_after.isoformat()
        if search:
            params["search"] = search
        if iids:
            params["iids[]"] = list(iids)
        path = f"/projects/{_enc(self.project_path)}/issues"
        if page_workers > 1:
            yield from self._pages_concurrently(path, params, page_workers)
            return
        pages = self._call(
            lambda: self._gl.http_list(path, query_data=params, iterator=True),
            "list issues",
        )
        iterator = iter(pages)
        while True:
            item = self._call(lambda: next(iterator, None), "list issues")
            if item is None:
                return
            yield IssueRecord.from_json(item)

    def _pages_concurrently(
        self, path: str, params: dict[str, Any], workers: int
    ) -> Iterator[IssueRecord]:
        """A listing whose pages 2.. are read ``workers`` at a time, each thread with its
        own connection (a ``requests.Session`` is not documented as thread-safe)."""
        local = threading.local()

        def page(number: int) -> tuple[list[IssueRecord], Any]:
            client = self._gl if number == 1 else getattr(local, "gl", None)
            if client is None:
                client = local.gl = self._connect(self.settings)
            query = {**params, "page": number}
            response = self._call(
                lambda: client.http_request("get", path, query_data=query), "list issues"
            )
            records = [IssueRecord.from_json(_as_dict(item)) for item in _as_list(response.json())]
            return records, response.headers

        records, headers = page(1)
        yield from records
        total = str(headers.get("X-Total-Pages") or "")
        if not total.isdigit():  # GitLab leaves the totals out above 10,000 results
            following = str(headers.get("X-Next-Page") or "")
            while following.isdigit():
                records, headers = page(int(following))
                yield from records
                following = str(headers.get("X-Next-Page") or "")
            return
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
        try:
            for records, _ in pool.map(page, range(2, int(total) + 1)):
                yield from records
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

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
        """Issues of any project (default: the OKR project) or of a whole group with its
        subgroups, for metric sources; one listing page per 100 issues."""
        params: dict[str, Any] = {"per_page": PER_PAGE, "order_by": "created_at", "sort": "asc"}
        if labels:
            params["labels"] = ",".join(labels)
        if state:
            params["state"] = state
        if created_after:
            params["created_after"] = created_after.isoformat()
        if updated_after:
            params["updated_after"] = updated_after.isoformat()
        if group:
            path, what = f"/groups/{_enc(group)}/issues", f"list issues of group {group}"
        else:
            target = project or self.project_path
            path, what = f"/projects/{_enc(target)}/issues", f"list issues of {target}"
        pages = self._call(lambda: self._gl.http_list(path, query_data=params, iterator=True), what)
        iterator = iter(pages)
        while True:
            item = self._call(lambda: next(iterator, None), what)
            if item is None:
                return
            yield IssueRecord.from_json(_as_dict(item))

    def get_issue(self, iid: int, project: str | None = None) -> IssueRecord:
        path = f"/projects/{_enc(project or self.project_path)}/issues/{iid}"
        data = self._call(lambda: self._gl.http_get(path), f"read issue #{iid}")
        return IssueRecord.from_json(_as_dict(data))

    def create_issue(
        self,
        *,
        title: str,
        description: str,
        labels: Sequence[str],
        assignee: str | None = None,
        find_existing: Callable[[], IssueRecord | None] | None = None,
    ) -> IssueRecord:
        """Create an issue once, even if the connection drops after GitLab created it.

        ``find_existing`` looks the issue up (by okrflow's key); it is consulted
        after an ambiguous failure before the create is sent again.
        """
        data: dict[str, Any] = {
            "title": title,
            "description": description,
            "labels": ",".join(labels),
        }
        if assignee:
            user_id = self.user_id(assignee)
            if user_id is not None:
                data["assignee_ids"] = [user_id]
        if self.dry_run:
            self.planned.append(PlannedWrite("create issue", repr(title), ", ".join(labels)))
            return self._fake_issue(title, description, labels)
        path = f"/projects/{_enc(self.project_path)}/issues"
        result = self._create_once(
            lambda: self._gl.http_post(path, post_data=data, retry_transient_errors=False),
            find_existing,
            f"create issue {title!r}",
        )
        return result if isinstance(result, IssueRecord) else IssueRecord.from_json(result)

    def update_issue(self, iid: int, **fields: Any) -> IssueRecord | None:
        """PUT the given fields (labels, add_labels, remove_labels, state_event, ...)."""
        data = {
            k: (",".join(str(x) for x in v) if isinstance(v, list | tuple) else v)
            for k, v in fields.items()
        }
        if self.dry_run:
            self.planned.append(PlannedWrite("update issue", f"#{iid}", ", ".join(sorted(data))))
            return None
        path = f"/projects/{_enc(self.project_path)}/issues/{iid}"
        result = self._call(lambda: self._gl.http_put(path, post_data=data), f"update issue #{iid}")
        return IssueRecord.from_json(_as_dict(result))

    # -- notes ---------------------------------------------------------------------------

    def list_notes(self, iid: int) -> list[NoteRecord]:
        path = f"/projects/{_enc(self.project_path)}/issues/{iid}/notes"
        items = self._call(
            lambda: list(
                self._gl.http_list(
                    path,
                    query_data={"per_page": PER_PAGE, "sort": "asc", "order_by": "created_at"},
                    iterator=True,
                )
            ),
            f"read comments of #{iid}",
        )
        return [NoteRecord.from_json(_as_dict(n)) for n in items]

    def list_notes_after(self, iid: int, after_id: int | None = None) -> list[NoteRecord]:
        """The issue's comments with an id above ``after_id`` (all when None), newest first.

        Reads newest first and stops at the first comment already seen, so a few new
        comments cost one request however long the discussion is.
        """
        path = f"/projects/{_enc(self.project_path)}/issues/{iid}/notes"
        what = f"read comments of #{iid}"
        pages = self._call(
            lambda: self._gl.http_list(
                path,
                query_data={"per_page": PER_PAGE, "sort": "desc", "order_by": "created_at"},
                iterator=True,
            ),
            what,
        )
        iterator = iter(pages)
        found: list[NoteRecord] = []
        while True:
            item = self._call(lambda: next(iterator, None), what)
            if item is None:
                return found
            note = NoteRecord.from_json(_as_dict(item))
            if after_id is not None and note.id <= after_id:
                return found
            found.append(note)

    def create_note(self, iid: int, body: str, *, marker: str | None = None) -> NoteRecord | None:
        """Comment on an issue once. ``marker`` (a string unique to this comment, kept in
        its body) is how a comment that was created but not acknowledged is found."""
        if self.dry_run:
            first = body.strip().splitlines()[0] if body.strip() else ""
            self.planned.append(PlannedWrite("comment on", f"#{iid}", first[:80]))
            return None
        path = f"/projects/{_enc(self.project_path)}/issues/{iid}/notes"

        def find() -> NoteRecord | None:
            if marker is None:
                return None
            return next((n for n in self.list_notes(iid) if marker in n.body), None)

        result = self._create_once(
            lambda: self._gl.http_post(
                path, post_data={"body": body}, retry_transient_errors=False
            ),
            find,
            f"comment on #{iid}",
        )
        return result if isinstance(result, NoteRecord) else NoteRecord.from_json(result)

    def update_note(self, iid: int, note_id: int, body: str) -> None:
        if self.dry_run:
            self.planned.append(PlannedWrite("update comment", f"#{iid} note {note_id}"))
            return
        path = f"/projects/{_enc(self.project_path)}/issues/{iid}/notes/{note_id}"
        self._call(lambda: self._gl.http_put(path, post_data={"body": body}), f"update #{iid}")

    # -- links ---------------------------------------------------------------------------

    def list_links(self, iid: int) -> list[LinkRecord]:
        path = f"/projects/{_enc(self.project_path)}/issues/{iid}/links"
        items = self._call(lambda: self._gl.http_get(path), f"read links of #{iid}")
        return [LinkRecord.from_json(_as_dict(item)) for item in _as_list(items)]

    def create_link(self, iid: int, target_iid: int, target_project: str | None = None) -> bool:
        """Link two issues (relates_to). Returns False when the link already existed."""
        if self.dry_run:
            self.planned.append(PlannedWrite("link", f"#{iid}", f"to #{target_iid}"))
            return True
        path = f"/projects/{_enc(self.project_path)}/issues/{iid}/links"
        data = {
            "target_project_id": target_project or self.project_path,
            "target_issue_iid": target_iid,
            "link_type": "relates_to",
        }
        try:
            self._gl.http_post(path, post_data=data)
        except gitlab.exceptions.GitlabHttpError as exc:
            if exc.response_code == 409:
                return False
            raise self._mapped(exc, f"link #{iid} to #{target_iid}") from None
        except gitlab.exceptions.GitlabError as exc:
            raise self._mapped(exc, f"link #{iid} to #{target_iid}") from None
        except NETWORK_ERRORS as exc:
            raise self._unreachable(exc, f"link #{iid} to #{target_iid}") from None
        return True

    # -- labels --------------------------------------------------------------------------

    def list_labels(self) -> list[LabelRecord]:
        path = f"/projects/{_enc(self.project_path)}/labels"
        items = self._call(
            lambda: list(
                self._gl.http_list(path, query_data={"per_page": PER_PAGE}, iterator=True)
            ),
            "list labels",
        )
        return [LabelRecord.from_json(_as_dict(item)) for item in items]

    def create_label(self, name: str, color: str, description: str) -> LabelRecord | None:
        """The created label; None with dry_run or when it already existed (409)."""
        if self.dry_run:
            self.planned.append(PlannedWrite("create label", repr(name), color))
            return None
        path = f"/projects/{_enc(self.project_path)}/labels"
        data = {"name": name, "color": color, "description": description}
        try:
            created = self._gl.http_post(path, post_data=data)
        except gitlab.exceptions.GitlabHttpError as exc:
            if exc.response_code == 409:  # created by an earlier, interrupted run
                return None
            raise self._mapped(exc, f"create label {name!r}") from None
        except gitlab.exceptions.GitlabError as exc:
            raise self._mapped(exc, f"create label {name!r}") from None
        except NETWORK_ERRORS as exc:
            raise self._unreachable(exc, f"create label {name!r}") from None
        return LabelRecord.from_json(_as_dict(created))

    def update_label(self, name: str, *, color: str, description: str) -> None:
        if self.dry_run:
            self.planned.append(PlannedWrite("update label", repr(name), color))
            return
        path = f"/projects/{_enc(self.project_path)}/labels/{_enc(name)}"
        data = {"color": color, "description": description}
        self._call(lambda: self._gl.http_put(path, post_data=data), f"update label {name!r}")

    # -- boards --------------------------------------------------------------------------

    def list_boards(self) -> list[dict[str, Any]]:
        path = f"/projects/{_enc(self.project_path)}/boards"
        items = self._call(lambda: self._gl.http_get(path), "list boards")
        return [_as_dict(b) for b in _as_list(items)]

    def create_board(self, name: str) -> dict[str, Any]:
        if self.dry_run:
            self.planned.append(PlannedWrite("create board", repr(name)))
            return {"id": -1, "name": name, "lists": []}
        path = f"/projects/{_enc(self.project_path)}/boards"
        created = self._create_once(
            lambda: self._gl.http_post(
                path, post_data={"name": name}, retry_transient_errors=False
            ),
            lambda: next((b for b in self.list_boards() if b.get("name") == name), None),
            f"create board {name!r}",
        )
        return _as_dict(created)

    def create_board_list(
        self, board_id: int, label_id: int, label_name: str
    ) -> dict[str, Any] | None:
        """The new list (id, label, position); None with dry_run or when it existed."""
        if self.dry_run:
            self.planned.append(PlannedWrite("add board list", repr(label_name)))
            return None
        path = f"/projects/{_enc(self.project_path)}/boards/{board_id}/lists"
        try:
            return _as_dict(self._gl.http_post(path, post_data={"label_id": label_id}))
        except gitlab.exceptions.GitlabHttpError as exc:
            message = _message(exc).lower()
            if exc.response_code in (400, 409) and ("exist" in message or "taken" in message):
                return None
            raise self._mapped(exc, f"add board list {label_name!r}") from None
        except gitlab.exceptions.GitlabError as exc:
            raise self._mapped(exc, f"add board list {label_name!r}") from None
        except NETWORK_ERRORS as exc:
            raise self._unreachable(exc, f"add board list {label_name!r}") from None

    def move_board_list(self, board_id: int, list_id: int, position: int, label_name: str) -> None:
        """Put a board list at ``position`` (0 = first label list)."""
        if self.dry_run:
            self.planned.append(PlannedWrite("move board list", repr(label_name), f"to {position}"))
            return
        path = f"/projects/{_enc(self.project_path)}/boards/{board_id}/lists/{list_id}"
        self._call(
            lambda: self._gl.http_put(path, post_data={"position": position}),
            f"move board list {label_name!r}",
        )

    # -- repository files ------------------------------------------------------------------

    def read_file(self, path: str, ref: str) -> str | None:
        url = f"/projects/{_enc(self.project_path)}/repository/files/{_enc(path)}/raw"
        try:
            response = self._gl.http_get(url, query_data={"ref": ref}, raw=True)
        except gitlab.exceptions.GitlabHttpError as exc:
            if exc.response_code == 404:
                return None
            raise self._mapped(exc, f"read {path}") from None
        except gitlab.exceptions.GitlabError as exc:
            raise self._mapped(exc, f"read {path}") from None
        except NETWORK_ERRORS as exc:
            raise self._unreachable(exc, f"read {path}") from None
        content = response.content if hasattr(response, "content") else response
        return content.decode("utf-8") if isinstance(content, bytes) else str(content)

    def write_file(
        self, path: str, content: str, *, branch: str, message: str, exists: bool
    ) -> None:
        if self.dry_run:
            self.planned.append(PlannedWrite("update file" if exists else "create file", path))
            return
        url = f"/projects/{_enc(self.project_path)}/repository/files/{_enc(path)}"
        data = {"branch": branch, "content": content, "commit_message": message}

        def put() -> None:
            try:
                self._gl.http_put(url, post_data=data)
            except gitlab.exceptions.GitlabHttpError as exc:
                # "You must change the file content": an attempt whose answer was lost wrote it
                if exc.response_code == 400 and "must change" in _message(exc).lower():
                    return
                raise

        if exists:
            self._call(put, f"update {path}")
            return
        try:
            self._gl.http_post(url, post_data=data)
        except gitlab.exceptions.GitlabHttpError as exc:
            if exc.response_code == 400 and "exist" in _message(exc).lower():
                self._call(put, f"update {path}")
                return
            raise self._mapped(exc, f"create {path}") from None
        except gitlab.exceptions.GitlabError as exc:
            raise self._mapped(exc, f"create {path}") from None
        except NETWORK_ERRORS as exc:
            raise self._unreachable(exc, f"create {path}") from None

    # -- users ---------------------------------------------------------------------------

    def user_id(self, username: str) -> int | None:
        """The id of a GitLab user, or None when there is no such user."""
        name = username.lstrip("@")
        if name not in self._user_ids:
            users = self._call(
                lambda: self._gl.http_get("/users", query_data={"username": name}),
                f"look up user @{name}",
            )
            found = users[0]["id"] if isinstance(users, list) and users else None
            self._user_ids[name] = int(found) if found is not None else None
        return self._user_ids[name]

    def current_username(self) -> str | None:
        if self.settings.token_kind != "private":
            return None
        data = self._call(lambda: self._gl.http_get("/user"), "read the current user")
        return str(_as_dict(data).get("username") or "") or None

    # -- internals -------------------------------------------------------------------------

    def _create_once(
        self,
        send: Callable[[], Any],
        find_existing: Callable[[], T | None] | None,
        what: str,
    ) -> dict[str, Any] | T:
        """POST without blind retries: after an ambiguous failure, look before resending."""
        attempts = max(1, self.settings.retries + 1)
        for attempt in range(attempts):
            try:
                return _as_dict(send())
            except gitlab.exceptions.GitlabAuthenticationError:
                return _as_dict(self._call(send, what))
            except gitlab.exceptions.GitlabHttpError as exc:
                code = exc.response_code or 0
                if code < 500 or attempt == attempts - 1:
                    raise self._mapped(exc, what) from None
            except NETWORK_ERRORS as exc:
                if attempt == attempts - 1:
                    raise self._unreachable(exc, what) from None
            except gitlab.exceptions.GitlabError as exc:
                raise self._mapped(exc, what) from None
            time.sleep(min(0.1 * 2**attempt, 5.0))
            if find_existing is not None:
                existing = self._call(find_existing, what)
                if existing is not None:
                    return existing
        raise GitLabError(f"could not {what}")  # pragma: no cover - loop always returns or raises

    def _fake_issue(self, title: str, description: str, labels: Sequence[str]) -> IssueRecord:
        with self._lock:
            self._fake_iid -= 1
            iid = self._fake_iid
        return IssueRecord(
            iid=iid,
            id=iid,
            project_id=0,
            title=title,
            description=description,
            labels=tuple(labels),
            state="opened",
            web_url="",
            reference=f"{self.project_path}#(new)",
            author=None,
            assignees=(),
            created_at=None,
            updated_at=None,
            closed_at=None,
            user_notes_count=0,
        )


def _enc(value: str | int) -> str:
    return quote(str(value), safe="")


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if hasattr(value, "json"):
        result = value.json()
        if isinstance(result, dict):
            return result
    raise GitLabError("GitLab answered with something that is not JSON")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _message(exc: gitlab.exceptions.GitlabError) -> str:
    msg = exc.error_message
    if isinstance(msg, bytes):
        msg = msg.decode("utf-8", "replace")
    return redact(str(msg))[:300]


def connect(settings: ConnectionSettings, *, dry_run: bool = False) -> GitLab:
    return GitLab(settings, dry_run=dry_run)

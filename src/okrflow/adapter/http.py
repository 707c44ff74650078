"""The connection to GitLab: python-gitlab, its retries, and the one mapping of its errors.

Reads retry 429 (honouring ``Retry-After``) and transient 5xx / dropped connections
with backoff; python-gitlab does that, with okrflow's retry budget. Creating
something is not idempotent, so those POSTs are never retried blindly:
:meth:`Http.create_once` looks for what an attempt may have created before sending
again. Every python-gitlab or ``requests`` exception becomes one
:class:`~okrflow.errors.GitLabError` here (:meth:`Http.call`), naming what okrflow
was doing, with the token masked: nothing else in okrflow catches them.
"""

from __future__ import annotations

import concurrent.futures
import configparser
import threading
from collections.abc import Callable, Collection, Iterator
from typing import Any, TypeVar
from urllib.parse import quote

import gitlab
import gitlab.exceptions
import requests

from okrflow.adapter.connection import ConnectionSettings, check_url
from okrflow.adapter.pace import Pacer, backoff, unreachable_backoff
from okrflow.errors import GitLabError, UsageError
from okrflow.redaction import redact, register_secret

__all__ = ["PER_PAGE", "Http", "as_dict", "as_list", "enc"]

T = TypeVar("T")
PER_PAGE = 100
# what python-gitlab re-raises once its retries after a lost connection run out
NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


class _Gitlab(gitlab.Gitlab):
    """python-gitlab, paced, with okrflow's retries (python-gitlab's own are off).

    Before each request the connection's :class:`~okrflow.adapter.pace.Pacer` may
    wait; every answer's ``RateLimit-*`` headers go back to it. A 429 is retried
    after its ``Retry-After``; 5xx answers (when ``retry_transient_errors``) after a
    backoff, up to ``okrflow_max_retries``; a refused connection or an unknown host
    only within the pacer's ``unreachable_after`` seconds. Each retry is told.
    """

    okrflow_max_retries = 8
    pacer: Pacer

    def okrflow_watch(self, pacer: Pacer) -> None:
        self.pacer = pacer
        self._answer_headers: dict[str, str] = {}
        self._sent = threading.local()  # the number of this thread's request on its way
        self.session.hooks["response"].append(self._seen)

    def _seen(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._answer_headers = dict(response.headers)
        sent = getattr(self._sent, "number", None)
        self.pacer.observe(response.status_code, response.headers, sent)

    def http_request(self, verb: str, path: str, *args: Any, **kwargs: Any) -> Any:
        transient = kwargs.pop("retry_transient_errors", None)
        transient = self.retry_transient_errors if transient is None else transient
        kwargs.update(obey_rate_limit=False, retry_transient_errors=False, max_retries=0)
        pacer, attempt = self.pacer, 0
        while True:
            self._sent.number = pacer.before(verb, path)
            self._answer_headers = {}
            try:
                return super().http_request(verb, path, *args, **kwargs)
            except gitlab.exceptions.GitlabError as exc:
                code = exc.response_code or 0
                retryable = code == 429 or (transient and code in TRANSIENT_STATUSES)
                if not retryable or attempt >= self.okrflow_max_retries:
                    raise
                of = self.okrflow_max_retries
                wait = pacer.retry_wait(self._answer_headers, attempt)
                why = f"GitLab answered {code} to {verb.upper()} {_short(path)}"
            except NETWORK_ERRORS as exc:
                unreachable = _unreachable(exc)
                of = pacer.network_retries() if unreachable else self.okrflow_max_retries
                if not transient or attempt >= of:
                    raise
                wait = unreachable_backoff(attempt) if unreachable else backoff(attempt)
                why = f"could not reach GitLab at {self.url} ({describe_network_error(exc)})"
            attempt += 1
            pacer.retry(wait, why, attempt, of)


TRANSIENT_STATUSES = frozenset([500, 502, 503, 504, *range(520, 531)])


def _short(path: str) -> str:
    """A request path without the API prefix and query (for a retry line)."""
    bare = path.split("?", 1)[0]
    return bare.split("/api/v4", 1)[-1] or "/"


def _unreachable(exc: Exception) -> bool:
    """A connection that never started: refused, or a host name that does not resolve."""
    return describe_network_error(exc) in ("connection refused", "unknown host")


def describe_network_error(exc: Exception) -> str:
    """What went wrong with the connection, in words (never the URL's query)."""
    text = str(exc)
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if "refused" in text.lower():
        return "connection refused"
    if any(
        mark in text
        for mark in ("Name or service not known", "resolve", "getaddrinfo", "nodename nor")
    ):
        return "unknown host"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "connection lost mid-answer"
    return "connection lost"


def _connect(settings: ConnectionSettings) -> _Gitlab:
    if settings.python_gitlab_section:
        base = _from_config(settings)
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
    gl.okrflow_watch(settings.pacer)
    return gl


def _from_config(settings: ConnectionSettings) -> gitlab.Gitlab:
    """The URL and token of a python-gitlab config section: its tokens registered as
    secrets at once (every message masks them), its URL checked like GITLAB_URL, and a
    file that cannot be read one line that quotes none of it."""
    section = settings.python_gitlab_section
    files = list(settings.python_gitlab_files) or None
    try:
        base = gitlab.Gitlab.from_config(section, files)
    except gitlab.config.ConfigError as exc:  # GitlabConfigMissingError is one
        raise UsageError(f"python-gitlab config: {_first_line(exc)}") from None
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        where = f", line {line}" if isinstance(line, int) else ""
        raise UsageError(
            f"python-gitlab config: the file cannot be read ({type(exc).__name__}{where}): "
            "fix its syntax ([section] headers, 'key = value' lines)"
        ) from None
    for secret in (base.private_token, base.oauth_token, base.job_token):
        register_secret(secret)
    check_url(str(base.url or ""), f"url of section [{section}] in the python-gitlab config")
    return base


def _first_line(exc: Exception) -> str:
    return redact(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)


class Http:
    """One python-gitlab connection (not shared between threads) and its error mapping."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self.gl = _connect(settings)

    @property
    def url(self) -> str:
        return str(self.gl.url)

    # -- the one error mapping ---------------------------------------------------------

    def call(self, fn: Callable[[], T], what: str) -> T:
        """``fn()``, with every GitLab or connection failure as one :class:`GitLabError`."""
        try:
            return fn()
        except gitlab.exceptions.GitlabError as exc:
            raise self.error(exc, what) from None
        except NETWORK_ERRORS as exc:
            raise self.unreachable(exc, what) from None

    def call_or_none(self, fn: Callable[[], T], what: str, statuses: Collection[int]) -> T | None:
        """:meth:`call`, with None when GitLab answers one of ``statuses``."""
        try:
            return self.call(fn, what)
        except GitLabError as exc:
            if exc.status in statuses:
                return None
            raise

    def error(self, exc: gitlab.exceptions.GitlabError, what: str) -> GitLabError:
        """What GitLab answered, as one line: the status once, a hint what to do."""
        code = exc.response_code
        msg = _message(exc)
        answer = msg if code is None or msg.startswith(str(code)) else f"{code} {msg}"
        settings = self.settings
        anonymous = settings.token_kind == "none" and not settings.python_gitlab_section
        if anonymous and code in (401, 403, 404):  # without a token, private projects are 404s
            text = (
                f"{settings.token_env} is not set, and GitLab refused to {what} without a "
                f"token ({answer}): set {settings.token_env} to a personal or project access "
                "token with the 'api' scope"
            )
            return GitLabError(redact(text), status=code)
        if code == 401:
            text = (
                f"GitLab rejected the token while trying to {what} ({answer}): check that "
                f"{settings.token_env} is a valid, unexpired access token"
            )
            return GitLabError(redact(text), status=code)
        if code == 403 and settings.token_kind == "job":
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
                f"check that the project '{settings.project}' exists and that the token's user "
                "is a member (GitLab answers 404 for private projects it hides)"
            )
        elif code == 429:
            hint = "GitLab's rate limit was still hit after waiting; run again later"
        elif code and code >= 500:
            hint = "GitLab kept failing after retries; run again later (okrflow resumes safely)"
        else:
            hint = ""
        text = f"GitLab refused to {what} ({answer})"
        return GitLabError(redact(f"{text}: {hint}" if hint else text), status=code)

    def unreachable(self, exc: Exception, what: str) -> GitLabError:
        """A lost connection or a timeout that outlasted the retries."""
        return GitLabError(
            redact(
                f"could not reach GitLab at {self.settings.url or 'the configured URL'} "
                f"while trying to {what}, after retries ({describe_network_error(exc)}): "
                "check the URL and that GitLab is up"
            )
        )

    # -- requests ------------------------------------------------------------------------

    def get(self, path: str, what: str, query: dict[str, Any] | None = None) -> Any:
        return self.call(lambda: self.gl.http_get(path, query_data=query or {}), what)

    def put(self, path: str, data: dict[str, Any], what: str) -> Any:
        return self.call(lambda: self.gl.http_put(path, post_data=data), what)

    def post(self, path: str, data: dict[str, Any], what: str) -> Any:
        return self.call(lambda: self.gl.http_post(path, post_data=data), what)

    def raw(self, path: str, query: dict[str, Any], what: str) -> bytes | None:
        """The raw body of a GET; None when GitLab answers 404."""
        response = self.call_or_none(
            lambda: self.gl.http_get(path, query_data=query, raw=True), what, (404,)
        )
        if response is None:
            return None
        content = response.content if hasattr(response, "content") else response
        return content if isinstance(content, bytes) else str(content).encode("utf-8")

    def listing(self, path: str, what: str, query: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every item of a listing, over all its pages, one page at a time."""
        pages = self.call(lambda: self.gl.http_list(path, query_data=query, iterator=True), what)
        iterator = iter(pages)
        while True:
            item = self.call(lambda: next(iterator, None), what)
            if item is None:
                return
            yield as_dict(item)

    def pages_concurrently(
        self, path: str, params: dict[str, Any], workers: int, what: str
    ) -> Iterator[dict[str, Any]]:
        """A listing whose pages 2.. are read ``workers`` at a time once page 1 has said
        how many there are, each thread with its own connection (a ``requests.Session``
        is not documented as thread-safe); the items still come in order."""
        local = threading.local()

        def page(number: int) -> tuple[list[dict[str, Any]], Any]:
            client = self.gl if number == 1 else getattr(local, "gl", None)
            if client is None:
                client = local.gl = _connect(self.settings)
            query = {**params, "page": number}
            response = self.call(lambda: client.http_request("get", path, query_data=query), what)
            return [as_dict(item) for item in as_list(response.json())], response.headers

        items, headers = page(1)
        yield from items
        total = str(headers.get("X-Total-Pages") or "")
        if not total.isdigit():  # GitLab leaves the totals out above 10,000 results
            following = str(headers.get("X-Next-Page") or "")
            while following.isdigit():
                items, headers = page(int(following))
                yield from items
                following = str(headers.get("X-Next-Page") or "")
            return
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
        try:
            for items, _ in pool.map(page, range(2, int(total) + 1)):
                yield from items
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def create_once(
        self,
        path: str,
        data: dict[str, Any],
        find_existing: Callable[[], T | None] | None,
        what: str,
    ) -> dict[str, Any] | T:
        """POST without blind retries: after an ambiguous failure (5xx, a lost
        connection), ``find_existing`` looks for what the attempt made before resending."""
        attempts = max(1, self.settings.retries + 1)
        for attempt in range(attempts):
            try:
                return as_dict(
                    self.gl.http_post(path, post_data=data, retry_transient_errors=False)
                )
            except gitlab.exceptions.GitlabError as exc:
                if (exc.response_code or 0) < 500 or attempt == attempts - 1:
                    raise self.error(exc, what) from None
            except NETWORK_ERRORS as exc:
                if attempt == attempts - 1:
                    raise self.unreachable(exc, what) from None
            self.gl.pacer.retry(
                backoff(attempt), f"could not be sure GitLab did {what}", attempt + 1, attempts - 1
            )
            if find_existing is not None:
                existing = self.call(find_existing, what)
                if existing is not None:
                    return existing
        raise GitLabError(f"could not {what}")  # pragma: no cover - the loop returns or raises


def enc(value: str | int) -> str:
    """A path segment: ``acme/okrs`` -> ``acme%2Fokrs``."""
    return quote(str(value), safe="")


def as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if hasattr(value, "json"):
        result = value.json()
        if isinstance(result, dict):
            return result
    raise GitLabError("GitLab answered with something that is not JSON")


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _message(exc: gitlab.exceptions.GitlabError) -> str:
    msg = exc.error_message
    if isinstance(msg, bytes):
        msg = msg.decode("utf-8", "replace")
    return redact(str(msg))[:300]

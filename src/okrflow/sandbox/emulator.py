"""The emulator: one pure dispatch ``handle()`` over the state, plus log, faults and clock.

``handle(method, url, headers, body) -> (status, headers, body)`` is all the
transports call: :meth:`Emulator.mock` (``responses``, no sockets) and
:meth:`Emulator.serve` (HTTP on loopback). A dropped connection is signalled by
raising :class:`~okrflow.sandbox.faults.ConnectionDropped`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from okrflow.sandbox import (
    routes_boards,
    routes_branches,
    routes_commits,
    routes_core,
    routes_events,
    routes_groups,
    routes_issues,
    routes_labels,
    routes_links,
    routes_members,
    routes_notes,
    routes_repo,
)
from okrflow.sandbox.auth import READ_METHODS, UNAUTHORIZED, Caller, authenticate
from okrflow.sandbox.clock import Clock
from okrflow.sandbox.context import Ctx
from okrflow.sandbox.controls import ApiAnswer, ControlsMixin, RequestRecord, masked_query
from okrflow.sandbox.faults import ConnectionDropped, Faults
from okrflow.sandbox.limits import RETRY_LATER, RateLimiter, RateLimits, Throttled, fault_answer
from okrflow.sandbox.pauses import Pauses
from okrflow.sandbox.request import ApiError, Params, Request, Response, parse_body, parse_form
from okrflow.sandbox.router import RouteTable
from okrflow.sandbox.seed import seed_sandbox
from okrflow.sandbox.seeding import SeedingMixin
from okrflow.sandbox.state import State

if TYPE_CHECKING:
    import responses

    from okrflow.sandbox.server import EmulatorServer

log = logging.getLogger(__name__)

API_PREFIX = "/api/v4"
DEFAULT_BASE_URL = "http://gitlab.example"

ROUTES = RouteTable(
    [
        routes_core.routes,
        routes_groups.routes,
        routes_members.routes,
        routes_issues.routes,
        routes_notes.routes,
        routes_links.routes,
        routes_events.routes,
        routes_labels.routes,
        routes_boards.routes,
        routes_repo.routes,
        routes_branches.routes,
        routes_commits.routes,
    ]
)


class Emulator(ControlsMixin, SeedingMixin):
    """A stateful in-memory GitLab (REST API v4, Free tier)."""

    def __init__(
        self,
        *,
        now: datetime | None = None,
        seed: int | None = 0,
        base_url: str = DEFAULT_BASE_URL,
        state: State | None = None,
    ) -> None:
        self.state = state or State()
        self.clock = Clock(now)
        self.faults = Faults(seed)
        self.base_url = base_url.rstrip("/")
        self.default_token: str | None = None
        self.default_project: str | None = None
        self.acting_token: str | None = None  # see as_user()
        self.limits = RateLimits()
        self.pauses = Pauses()
        self.events_retention = timedelta(days=3 * 365)  # GitLab prunes older events
        # GitLab stores every description and note written through the API without
        # "\r" and without trailing whitespace (its quick-action pass always does);
        # False keeps a text without commands as given (seeding-like writes in a test).
        self.normalize_text = True
        self._lock = threading.RLock()
        self._log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self._limiter = RateLimiter(self.limits, self.clock.now)

    @classmethod
    def sandbox(cls, **kwargs: Any) -> Emulator:
        """Seeded like ``okrflow sandbox``: see :func:`okrflow.sandbox.seed.seed_sandbox`."""
        emu = cls(**kwargs)
        seed_sandbox(emu)
        return emu

    # dispatch -------------------------------------------------------------------
    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one HTTP request; raises ConnectionDropped for a dropped-connection fault."""
        method = method.upper()
        parts = urlsplit(url)
        raw_path = parts.path or "/"
        template = None
        if raw_path.startswith(API_PREFIX + "/"):
            template = ROUTES.template_for(raw_path[len(API_PREFIX) :])
        query = masked_query(parts.query)
        self.pauses.check(method, template, raw_path, "before")
        decision = self.faults.decide(method, raw_path)
        if decision.delay > 0:
            time.sleep(decision.delay)
        rule = decision.rule
        if rule is not None and rule.kind == "drop" and rule.after:
            lowered = {k.lower(): v for k, v in headers.items()}
            base = f"{parts.scheme or 'http'}://{parts.netloc or 'localhost'}"
            with self._lock:
                status, _, _, username = self._dispatch(
                    method, raw_path, parts.query, base, lowered, body or b""
                )
            self._record(RequestRecord(method, template, raw_path, query, status, "drop", username))
            raise ConnectionDropped(f"{method} {raw_path} (after processing)")
        if rule is not None and rule.kind == "drop":
            self._record(RequestRecord(method, template, raw_path, query, 0, "drop"))
            raise ConnectionDropped(f"{method} {raw_path}")
        if rule is not None:
            now = self.clock.now().timestamp()
            status, out_headers, data = fault_answer(rule, self.limits.api, now)
            self._record(RequestRecord(method, template, raw_path, query, status, rule.kind))
            return status, out_headers, b"" if method == "HEAD" else data
        lowered = {k.lower(): v for k, v in headers.items()}
        base = f"{parts.scheme or 'http'}://{parts.netloc or 'localhost'}"
        with self._lock:
            status, out_headers, data, username = self._dispatch(
                method, raw_path, parts.query, base, lowered, body or b""
            )
        self._record(RequestRecord(method, template, raw_path, query, status, None, username))
        self.pauses.check(method, template, raw_path, "after")
        return status, out_headers, b"" if method == "HEAD" else data

    def _dispatch(
        self,
        method: str,
        raw_path: str,
        query: str,
        base: str,
        headers: dict[str, str],
        body: bytes,
    ) -> tuple[int, dict[str, str], bytes, str | None]:
        username = None
        caller_key = "anonymous"
        limit_headers: dict[str, str] | None = None
        try:
            if raw_path in ("/-/health", "/-/readiness", "/-/liveness"):
                return 200, {"Content-Type": "text/plain; charset=utf-8"}, b"GitLab OK", None
            if not raw_path.startswith(API_PREFIX + "/"):
                raise ApiError(404, {"error": "404 Not Found"})
            api_path = raw_path[len(API_PREFIX) :]
            params = {**parse_form(query), **parse_body(headers, body)}
            found = ROUTES.match(method, api_path)
            if found is None:
                raise ApiError(404, {"error": "404 Not Found"})
            route, path_params = found
            caller = authenticate(
                self.state,
                headers=headers,
                query=dict(parse_qsl(query, keep_blank_values=True)),
                method=method,
                job_token_ok=route.job_token_ok,
                scope_extra=route.scope_extra,
                today=self.clock.now().date(),
            )
            if caller.user is None and (route.auth_required or method not in READ_METHODS):
                raise UNAUTHORIZED
            username = caller.username
            caller_key = f"user:{username}" if username else "anonymous"
            limit_headers = self._limiter.hit(caller_key)
            req = Request(
                method=method,
                path=api_path,
                query=query,
                base=base,
                headers=headers,
                params=Params(params),
                path_params=path_params,
                route=route.template,
            )
            ctx = Ctx(
                self.state,
                self.clock,
                req,
                caller,
                limiter=self._app_limit,
                events_retention=self.events_retention,
                normalize_text=self.normalize_text,
            )
            response = route.handler(ctx)
        except Throttled as exc:
            plain = "text/plain"
            response = Response(429, headers=exc.headers, raw=RETRY_LATER, content_type=plain)
        except ApiError as exc:
            response = Response(exc.status, exc.body, exc.headers)
        except Exception:  # a bug in the emulator: answer as GitLab would, keep serving
            log.exception("emulator error on %s %s", method, raw_path)
            response = Response(500, {"message": "500 Internal Server Error"})
        if limit_headers is None:
            limit_headers = self._limiter.headers(caller_key)
        out = {**limit_headers, **response.headers}
        out["Content-Type"] = response.content_type
        if response.raw is not None:
            data = response.raw
        elif response.status == 204:
            data = b""
        else:
            data = json.dumps(response.data, ensure_ascii=False).encode("utf-8")
        return response.status, out, data, username

    def _app_limit(self, key: str, caller: Caller) -> None:
        self._limiter.check(key, f"user:{caller.username}" if caller.username else "anonymous")

    # convenience ------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> ApiAnswer:
        """Call ``handle()`` for an API path (``/projects/1/issues``) without HTTP
        (without ``token``: as the user of :meth:`as_user`, else anonymous)."""
        url = f"{self.base_url}{API_PREFIX}{path}"
        if params:
            url += "?" + urlencode(params, doseq=True)
        sent = dict(headers or {})
        token = token if token is not None else self.acting_token
        if token is not None:
            sent["PRIVATE-TOKEN"] = token
        body = b""
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        status, out, data = self.handle(method, url, sent, body)
        return ApiAnswer(status, out, data)

    # persistence ----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            data = self.state.to_dict()
        data["default_token"] = self.default_token
        data["default_project"] = self.default_project
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **kwargs: Any) -> Emulator:
        emu = cls(state=State.from_dict(dict(data)), **kwargs)
        emu.default_token = data.get("default_token")
        emu.default_project = data.get("default_project")
        return emu

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the state as JSON (atomically: a temporary file, then a rename)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(self.to_dict(), out, indent=1, sort_keys=True)
        os.replace(tmp, target)

    @classmethod
    def load(cls, path: str | os.PathLike[str], **kwargs: Any) -> Emulator:
        with open(path, encoding="utf-8") as src:
            return cls.from_dict(json.load(src), **kwargs)

    # transports -------------------------------------------------------------------
    def mock(
        self, base_url: str | None = None
    ) -> contextlib.AbstractContextManager[responses.RequestsMock]:
        """Answer every ``requests`` call to ``base_url`` through ``responses`` (no sockets)."""
        from okrflow.sandbox.responses_backend import mock

        return mock(self, base_url or self.base_url)

    def register(self, rsps: responses.RequestsMock, base_url: str | None = None) -> None:
        """Add the emulator's callbacks to an already active ``responses`` mock."""
        from okrflow.sandbox.responses_backend import register

        register(self, rsps, base_url or self.base_url)

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve over HTTP/1.1 on ``host:port`` (0 = a free port); yields the base URL."""
        server = self.server(host, port)
        server.start()
        try:
            yield server.url
        finally:
            server.stop()

    def server(self, host: str = "127.0.0.1", port: int = 0) -> EmulatorServer:
        """An unstarted :class:`EmulatorServer` (``start()``/``stop()``) for this emulator."""
        from okrflow.sandbox.server import EmulatorServer

        return EmulatorServer(self, host, port)


__all__ = ["ApiAnswer", "ConnectionDropped", "Emulator", "RequestRecord"]

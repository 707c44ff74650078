"""Route templates (``/projects/:id/issues/:issue_iid``) matched against raw paths.

Every ``:param`` matches one raw path segment (``[^/]+``), so a project path or a
file path must arrive URL-encoded (``%2F``) exactly as on GitLab; handlers decode
after routing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from typing import Any

from okrflow.sandbox.context import Ctx
from okrflow.sandbox.request import Response

Handler = Callable[[Ctx], Response]


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str]
    job_token_ok: bool = False
    scope_extra: tuple[str, ...] = ()
    auth_required: bool = False


def compile_template(template: str) -> re.Pattern[str]:
    parts = []
    for segment in template.strip("/").split("/"):
        if segment.startswith(":"):
            parts.append(f"(?P<{segment[1:]}>[^/]+)")
        else:
            parts.append(re.escape(segment))
    return re.compile("/" + "/".join(parts))


class RouteTable:
    """An ordered list of routes, filled by decorators in the ``routes_*`` modules."""

    def __init__(self, tables: Iterable[RouteTable] = ()) -> None:
        self.routes: list[Route] = []
        for table in tables:
            self.routes.extend(table.routes)

    def add(
        self,
        method: str,
        template: str,
        *,
        job_token: bool = False,
        scopes: tuple[str, ...] = (),
        auth: bool = False,
    ) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.routes.append(
                Route(
                    method=method,
                    template=template,
                    handler=handler,
                    pattern=compile_template(template),
                    job_token_ok=job_token,
                    scope_extra=scopes,
                    auth_required=auth,
                )
            )
            return handler

        return decorate

    def get(self, template: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.add("GET", template, **options)

    def post(self, template: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.add("POST", template, **options)

    def put(self, template: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.add("PUT", template, **options)

    def delete(self, template: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.add("DELETE", template, **options)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        wanted = "GET" if method == "HEAD" else method
        for route in self.routes:
            if route.method != wanted:
                continue
            found = route.pattern.fullmatch(path)
            if found:
                return route, found.groupdict()
        return None

    def template_for(self, path: str) -> str | None:
        """The template of any route matching ``path`` (any method), for the log."""
        for route in self.routes:
            if route.pattern.fullmatch(path):
                return route.template
        return None

"""GitLab's offset and keyset pagination: slicing plus the X-* and Link headers.

Offset: ``page`` (default 1) and ``per_page`` (default 20, capped at 100); headers
``X-Page``, ``X-Per-Page``, ``X-Next-Page``/``X-Prev-Page`` (empty when none),
``X-Total``/``X-Total-Pages`` and ``Link`` rel next/prev/first/last with absolute
URLs on the client's base. Above :data:`COUNT_LIMIT` results the totals and
rel="last" are dropped. Keyset (``pagination=keyset``): only ``Link`` rel="next"
carrying an opaque ``cursor``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from okrflow.sandbox.request import ApiError, Request

T = TypeVar("T")

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
COUNT_LIMIT = 10_000

SortKey = Callable[[Any], tuple[Any, ...]]


def per_page(req: Request) -> int:
    value = req.params.integer("per_page")
    if value is None or value < 1:
        return DEFAULT_PER_PAGE
    return min(value, MAX_PER_PAGE)


def _link(req: Request, replace: dict[str, str], drop: tuple[str, ...] = ()) -> str:
    pairs = [
        (k, v)
        for k, v in parse_qsl(req.query, keep_blank_values=True)
        if k not in replace and k not in drop
    ]
    pairs.extend(replace.items())
    return f"{req.api_base}{req.path}?{urlencode(pairs)}"


def offset_page(req: Request, items: Sequence[T]) -> tuple[list[T], dict[str, str]]:
    size = per_page(req)
    page = req.params.integer("page") or 1
    if page < 1:
        page = 1
    total = len(items)
    pages = max(1, -(-total // size))
    chunk = list(items[(page - 1) * size : page * size])
    counted = total <= COUNT_LIMIT
    has_next = page * size < total
    headers = {
        "X-Page": str(page),
        "X-Per-Page": str(size),
        "X-Next-Page": str(page + 1) if has_next else "",
        "X-Prev-Page": str(page - 1) if 1 < page <= pages else "",
    }
    if counted:
        headers["X-Total"] = str(total)
        headers["X-Total-Pages"] = str(pages)
    links: list[str] = []
    if headers["X-Prev-Page"]:
        links.append(f'<{_link(req, {"page": str(page - 1), "per_page": str(size)})}>; rel="prev"')
    if has_next:
        links.append(f'<{_link(req, {"page": str(page + 1), "per_page": str(size)})}>; rel="next"')
    links.append(f'<{_link(req, {"page": "1", "per_page": str(size)})}>; rel="first"')
    if counted:
        links.append(f'<{_link(req, {"page": str(pages), "per_page": str(size)})}>; rel="last"')
    headers["Link"] = ", ".join(links)
    return chunk, headers


def _encode_cursor(values: tuple[Any, ...]) -> str:
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(text: str) -> tuple[Any, ...]:
    try:
        padded = text + "=" * (-len(text) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise ApiError(400, {"message": "400 Bad request - Invalid cursor parameter"}) from exc
    if not isinstance(values, list) or not all(
        isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values
    ):
        raise ApiError(400, {"message": "400 Bad request - Invalid cursor parameter"})
    return tuple(values)


def keyset_page(
    req: Request, items: Sequence[T], key: SortKey, *, descending: bool
) -> tuple[list[T], dict[str, str]]:
    """``items`` must already be sorted by ``key`` in the requested direction."""
    size = per_page(req)
    cursor = req.params.string("cursor")
    remaining: Sequence[T] = items
    if cursor:
        after = _decode_cursor(cursor)
        try:
            remaining = [
                item for item in items if (key(item) < after if descending else key(item) > after)
            ]
        except TypeError as exc:
            raise ApiError(400, {"message": "400 Bad request - Invalid cursor parameter"}) from exc
    chunk = list(remaining[:size])
    headers: dict[str, str] = {}
    if len(remaining) > size and chunk:
        next_cursor = _encode_cursor(key(chunk[-1]))
        url = _link(req, {"cursor": next_cursor, "per_page": str(size)}, drop=("page",))
        headers["Link"] = f'<{url}>; rel="next"'
    return chunk, headers


def paginate(
    req: Request,
    items: Sequence[T],
    *,
    keyset_key: SortKey | None = None,
    descending: bool = True,
) -> tuple[list[T], dict[str, str]]:
    """Keyset when asked for and supported by the caller's ordering, else offset."""
    if keyset_key is not None and (req.params.string("pagination") or "").lower() == "keyset":
        return keyset_page(req, items, keyset_key, descending=descending)
    return offset_page(req, items)

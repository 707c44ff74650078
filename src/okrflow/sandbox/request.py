"""Requests and answers as the route handlers see them.

Parameters arrive as GitLab's Grape merges them: query string, form body or JSON
body (``key[]=a`` arrays, ``not[labels]=x`` hashes). :class:`Params` coerces the
way Grape does and raises :class:`ApiError` with GitLab's 400 bodies.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl

from okrflow.sandbox.clock import parse_time


class ApiError(Exception):
    """An answer other than success, with GitLab's JSON body."""

    def __init__(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"{status}")
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def not_found(what: str = "") -> ApiError:
    return ApiError(404, {"message": f"404 {what} Not Found" if what else "404 Not found"})


def forbidden(message: str = "403 Forbidden") -> ApiError:
    return ApiError(403, {"message": message})


def missing(*names: str) -> ApiError:
    return ApiError(400, {"error": f"{', '.join(names)} is missing"})


def invalid(name: str) -> ApiError:
    return ApiError(400, {"error": f"{name} is invalid"})


def bad_value(name: str) -> ApiError:
    return ApiError(400, {"error": f"{name} does not have a valid value"})


def at_least_one(names: tuple[str, ...]) -> ApiError:
    joined = ", ".join(names)
    message = f"{joined} are missing, at least one parameter must be provided"
    return ApiError(400, {"error": message})


def exactly_one(names: tuple[str, ...]) -> ApiError:
    joined = ", ".join(names)
    return ApiError(400, {"error": f"{joined} are missing, exactly one parameter must be provided"})


def validation(errors: Mapping[str, list[str]]) -> ApiError:
    return ApiError(400, {"message": dict(errors)})


@dataclasses.dataclass
class Response:
    status: int = 200
    data: Any = None
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json"


def _assign(target: dict[str, Any], key: str, value: str) -> None:
    """Rack-style nested keys: ``a[]`` appends, ``a[b]`` nests, ``a[b][]`` both."""
    if "[" not in key or not key.endswith("]"):
        target[key] = value
        return
    head, _, rest = key.partition("[")
    parts = [head, *rest[:-1].split("][")]
    node: dict[str, Any] = target
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        following = "" if last else parts[index + 1]
        if last:
            node[part] = value
        elif following == "" and index + 1 == len(parts) - 1:
            existing = node.get(part)
            if not isinstance(existing, list):
                existing = []
                node[part] = existing
            existing.append(value)
            return
        else:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child


def parse_form(text: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        if key:
            _assign(params, key, value)
    return params


def parse_body(headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """Body parameters; JSON objects and form bodies are both understood."""
    if not body:
        return {}
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    text = body.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if content_type.endswith("json") or (not content_type and stripped.startswith("{")):
        if not stripped:
            return {}
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            raise ApiError(400, {"error": "The request body is not valid JSON"}) from exc
        return parsed if isinstance(parsed, dict) else {}
    if content_type in ("application/x-www-form-urlencoded", ""):
        return parse_form(text)
    return {}


_TRUE = {"true", "1", "yes", "t", "on"}
_FALSE = {"false", "0", "no", "f", "off"}


class Params:
    """Grape-like typed access to merged request parameters."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data: dict[str, Any] = dict(data)

    def has(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def sub(self, key: str) -> Params:
        value = self.data.get(key)
        return Params(value if isinstance(value, dict) else {})

    def string(self, key: str, *, required: bool = False) -> str | None:
        if key not in self.data or self.data[key] is None:
            if required:
                raise missing(key)
            return None
        value = self.data[key]
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (str, int, float)):
            return str(value)
        raise invalid(key)

    def integer(self, key: str, *, required: bool = False) -> int | None:
        if key not in self.data or self.data[key] in (None, ""):
            if required:
                raise missing(key)
            return None
        value = self.data[key]
        if isinstance(value, bool):
            raise invalid(key)
        if isinstance(value, int):
            return value
        if isinstance(value, str):
            text = value.strip()
            if text.lstrip("-").isdigit() and len(text) < 19:
                return int(text)
        raise invalid(key)

    def flag(self, key: str) -> bool | None:
        if key not in self.data or self.data[key] is None:
            return None
        value = self.data[key]
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            if value.strip().lower() in _TRUE:
                return True
            if value.strip().lower() in _FALSE:
                return False
        raise invalid(key)

    def list_str(self, key: str) -> list[str] | None:
        """A list given as an array or a comma-separated string."""
        if key not in self.data or self.data[key] is None:
            return None
        value = self.data[key]
        items: list[Any]
        if isinstance(value, list):
            items = []
            for item in value:
                if isinstance(item, str):
                    items.extend(item.split(","))
                else:
                    items.append(item)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            items = str(value).split(",")
        else:
            raise invalid(key)
        result: list[str] = []
        for item in items:
            if isinstance(item, (dict, list)) or item is None:
                raise invalid(key)
            text = str(item).strip()
            if text:
                result.append(text)
        return result

    def list_int(self, key: str) -> list[int] | None:
        texts = self.list_str(key)
        if texts is None:
            return None
        result: list[int] = []
        for text in texts:
            if not text.lstrip("-").isdigit() or len(text) > 18:
                raise invalid(key)
            result.append(int(text))
        return result

    def choice(self, key: str, values: tuple[str, ...], default: str) -> str:
        value = self.string(key)
        if value is None or value == "":
            return default
        if value not in values:
            raise bad_value(key)
        return value

    def time(self, key: str) -> datetime | None:
        value = self.string(key)
        if value is None or value == "":
            return None
        parsed = parse_time(value)
        if parsed is None:
            raise invalid(key)
        return parsed

    def day(self, key: str) -> date | None:
        value = self.string(key)
        if value is None or value == "":
            return None
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise invalid(key) from exc


@dataclasses.dataclass
class Request:
    """One parsed API request, as every handler receives it."""

    method: str
    path: str  # raw path below /api/v4, still percent-encoded
    query: str
    base: str  # scheme://host[:port] the client used
    headers: dict[str, str]  # lower-cased names
    params: Params
    path_params: dict[str, str] = dataclasses.field(default_factory=dict)
    route: str = ""

    @property
    def api_base(self) -> str:
        return f"{self.base}/api/v4"

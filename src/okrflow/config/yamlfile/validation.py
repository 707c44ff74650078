"""pydantic validation of a loaded YAML file, with one-line errors for people."""

from __future__ import annotations

import collections.abc
import difflib
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from okrflow.config.yamlfile.loader import load_yaml
from okrflow.config.yamlfile.locations import (
    KeyPath,
    Locations,
    format_key_path,
    one_line,
    show_value,
)
from okrflow.config.yamlfile.reference import is_model, unwrap
from okrflow.core.counts import count, plural
from okrflow.errors import ConfigError

__all__ = ["format_validation_error", "invalid", "load_validated"]

M = TypeVar("M", bound=BaseModel)

_INVALID = "okrflow_invalid"  # error type of invalid(): the message, then ", got <input>"
_INVALID_PLAIN = "okrflow_invalid_plain"  # the message alone


def invalid(message: str, *, show_input: bool = True) -> PydanticCustomError:
    """An error for a pydantic validator to raise, worded for people.

    ``raise invalid("must be a month number from 1 to 12")`` is reported as
    ``file:7: fiscal_year.first_month: must be a month number from 1 to 12, got 13``.
    With ``show_input=False`` the value is not echoed (use it near secrets).
    """
    return PydanticCustomError(_INVALID if show_input else _INVALID_PLAIN, message)


def load_validated(
    path: str | Path, model: type[M], *, what: str = "config file", text: str | None = None
) -> tuple[M, Locations]:
    """Read ``path`` (or take its ``text``) and validate it with the pydantic ``model``:
    (instance, locations)."""
    data, locations = load_yaml(path, what=what, text=text)
    try:
        return model.model_validate(data), locations
    except ValidationError as exc:
        raise format_validation_error(exc, locations, data, model) from None


def _data_path(loc: Sequence[Any], data: Any) -> KeyPath:
    """The part of a pydantic ``loc`` that is a real path in the data.

    pydantic adds segments of its own (``[key]`` for a bad mapping key, union member
    names); they are dropped. A key left out of the file (missing, or checked with its
    default) is kept as the last segment.
    """
    path: list[Any] = []
    current = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        in_list = (
            isinstance(current, list)
            and isinstance(part, int)
            and not isinstance(part, bool)
            and 0 <= part < len(current)
        )
        if in_list or (isinstance(current, dict) and part in current):
            path.append(part)
            current = current[part]
        elif last and isinstance(current, dict) and isinstance(part, str) and "[" not in part:
            path.append(part)
    return tuple(path)


def _model_at(model: type[BaseModel], path: Sequence[Any]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``path``, if one does."""
    current: list[Any] = [model]
    for part in path:
        nxt: list[Any] = []
        for candidate in current:
            if is_model(candidate):
                for name, field in candidate.model_fields.items():
                    if part in (name, field.alias):
                        nxt.extend(unwrap(field.annotation))
                continue
            origin, args = typing.get_origin(candidate), typing.get_args(candidate)
            if origin in (list, tuple, set, frozenset, collections.abc.Sequence) and args:
                nxt.extend(unwrap(args[0]))
            elif origin in (dict, collections.abc.Mapping) and len(args) == 2:
                nxt.extend(unwrap(args[1]))
        current = nxt
    return next((c for c in current if is_model(c)), None)


def _unknown_key(model: type[BaseModel], parent: KeyPath, key: Any) -> str:
    owner = _model_at(model, parent)
    if owner is None:
        return "unknown key"
    forbidden: Mapping[str, str] = getattr(owner, "forbidden_keys", {})
    if isinstance(key, str) and key in forbidden:
        return forbidden[key]
    valid = [field.alias or name for name, field in owner.model_fields.items()]
    close = difflib.get_close_matches(str(key), valid, n=1, cutoff=0.6)
    if close:
        return f"unknown key, did you mean {close[0]!r}?"
    return f"unknown key; expected one of: {', '.join(valid)}"


_TYPES = {
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected text",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "set_type": "expected a list",
    "dict_type": "expected a mapping of keys",
    "model_type": "expected a mapping of keys",
    "model_attributes_type": "expected a mapping of keys",
    "dataclass_type": "expected a mapping of keys",
    "date_type": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    "datetime_type": "expected a date and time",
    "path_type": "expected a path",
    "none_required": "expected nothing (null)",
}


def _number(value: Any) -> str:
    """``0.0`` as ``0``: limits the way a person wrote them."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_LIMITS: Mapping[str, Callable[[Mapping[str, Any]], str]] = {
    "greater_than": lambda c: f"must be more than {_number(c['gt'])}",
    "greater_than_equal": lambda c: f"must be at least {_number(c['ge'])}",
    "less_than": lambda c: f"must be less than {_number(c['lt'])}",
    "less_than_equal": lambda c: f"must be at most {_number(c['le'])}",
    "too_short": lambda c: f"must have at least {count(c['min_length'], 'item')}",
    "too_long": lambda c: f"must have at most {count(c['max_length'], 'item')}",
    "string_too_short": lambda c: (
        "must not be empty"
        if c["min_length"] == 1
        else f"must be at least {c['min_length']} characters"
    ),
    "string_too_long": lambda c: f"must be at most {c['max_length']} characters",
    "literal_error": lambda c: f"must be one of {_choices(c['expected'])}",
    "enum": lambda c: f"must be one of {_choices(c['expected'])}",
}


def _choices(expected: str) -> str:
    return expected.replace("' or '", "', '")


def _describe(error: ErrorDetails, model: type[BaseModel], path: KeyPath) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "required key is missing"
    if kind == "invalid_key":
        return f"key {show_value(value)} must be text (quote it)"
    if kind == "extra_forbidden":
        return _unknown_key(model, path[:-1], path[-1] if path else "")
    if kind == _INVALID_PLAIN:
        return one_line(error["msg"])
    if kind == _INVALID:
        message = error["msg"]
    elif kind in _TYPES:
        message = _TYPES[kind]
        if kind == "string_type" and isinstance(value, (bool, int, float)):
            return f"{message}, got {show_value(value)} (quote it to keep it as text)"
    elif kind in _LIMITS:
        try:
            message = _LIMITS[kind](ctx)
        except KeyError:
            message = error["msg"]
    else:
        message = error["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            message = message.removeprefix(prefix)
        message = message[:1].lower() + message[1:]
    return f"{one_line(message)}, got {show_value(value)}"


def format_validation_error(
    error: ValidationError,
    locations: Locations,
    data: Any,
    model: type[BaseModel],
) -> ConfigError:
    """One :class:`ConfigError` line for a pydantic error: the first problem in the file.

    ``file:line: key.path[0].name: what is expected, got <value>``; for an unknown key
    ``unknown key, did you mean 'x'?``; ``(and N more problems)`` when there are more.
    A model may name keys that must never be set (``forbidden_keys``: key -> message).
    """
    found: list[tuple[float, int, KeyPath, ErrorDetails]] = []
    for index, details in enumerate(error.errors()):
        path = _data_path(details["loc"], data)
        line = locations.nearest_line(path)
        found.append((line if line is not None else float("inf"), index, path, details))
    found.sort(key=lambda item: (item[0], item[1]))
    _, _, path, details = found[0]
    if details["type"] == "invalid_key":
        path = path[:-1]  # the key is not text: name its mapping
    message = _describe(details, model, path)
    if path:
        message = f"{format_key_path(path)}: {message}"
    if len(found) > 1:
        more = len(found) - 1
        message += f" (and {more} more {plural(more, 'problem')})"
    return ConfigError(
        message,
        path=locations.filename,
        line=locations.nearest_line(path),
        key=format_key_path(path) or None,
    )

"""Where values are in a YAML file, and how paths and values are written in messages."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

__all__ = ["KeyPath", "Locations", "format_key_path", "one_line", "show_value"]

KeyPath = tuple[Any, ...]  # mapping keys (usually str) and list indexes (int)


class Locations:
    """Where each value of a loaded YAML document is: line numbers, 1-based.

    A path is a tuple of mapping keys and list indexes, as in the data:
    ``("labels", "health", "at_risk")`` or ``("objectives", 2, "key_results", 0)``.
    """

    def __init__(
        self,
        filename: str,
        keys: Mapping[KeyPath, int] | None = None,
        values: Mapping[KeyPath, int] | None = None,
    ) -> None:
        self.filename = filename
        self._keys = dict(keys or {})
        self._values = dict(values or {})

    def line_of(self, path: Sequence[Any]) -> int | None:
        """The line of the key (in a mapping) or of the item (in a list); ``()``: the document."""
        return self._keys.get(tuple(path))

    def value_line_of(self, path: Sequence[Any]) -> int | None:
        """The line where the value at ``path`` starts (a block value may start below its key)."""
        return self._values.get(tuple(path))

    def nearest_line(self, path: Sequence[Any]) -> int | None:
        """The line of ``path``, else of its closest ancestor that is in the file."""
        parts = tuple(path)
        for end in range(len(parts), -1, -1):
            line = self._keys.get(parts[:end])
            if line is not None:
                return line
        return None

    def paths(self) -> Iterator[KeyPath]:
        """Every path in the document, in document order (the root ``()`` first)."""
        return iter(self._keys)

    def __repr__(self) -> str:
        return f"Locations({self.filename!r}, {len(self._keys)} paths)"


def format_key_path(path: Sequence[Any]) -> str:
    """A path as people read it: ``objectives[2].key_results[0].weight``."""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            text = part if isinstance(part, str) else show_value(part)
            out += f".{text}" if out else text
    return out


_TOKEN = re.compile(
    r"\s*(glpat|gloas|gldt|glrt|glrtr|glcbt|glptt|glft|glimt|glagent|glsoat|glffct)-"
)


def show_value(value: object, limit: int = 40) -> str:
    """A value as a person wrote it in YAML, short, on one line, never a token."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple, set, frozenset)):
        return "a list"
    if isinstance(value, str) and _TOKEN.match(value):
        return "a value that looks like a token (not shown)"
    text = repr(value) if isinstance(value, str) else str(value)
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def one_line(text: str) -> str:
    return " ".join(text.split())

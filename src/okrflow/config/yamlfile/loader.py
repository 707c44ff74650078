"""Safe YAML loading with line numbers: :func:`load_yaml` and :func:`parse_yaml`."""

from __future__ import annotations

import collections.abc
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from okrflow.config.yamlfile.locations import (
    KeyPath,
    Locations,
    format_key_path,
    one_line,
    show_value,
)
from okrflow.errors import ConfigError, UsageError

__all__ = ["MAX_DEPTH", "MAX_NODES", "load_yaml", "parse_yaml"]

MAX_DEPTH = 100  # nesting levels
MAX_NODES = 100_000  # values after expanding aliases: no "billion laughs"


class _Loader(yaml.SafeLoader):
    """SafeLoader that records the lines of mapping keys and list items, and refuses
    duplicate keys. Containers are recorded by identity (and kept alive here)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.mapping_lines: dict[int, tuple[object, dict[Any, tuple[int, int]]]] = {}
        self.sequence_lines: dict[int, tuple[object, list[tuple[int, int]]]] = {}
        # mapping id -> (key, line, line of the first use): reported with its key path
        self.duplicates: dict[int, tuple[Any, int, int]] = {}

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (yaml.YAMLError, RecursionError, MemoryError):
            raise
        except Exception as exc:
            # PyYAML lets e.g. a timestamp "2024-13-45" (ValueError) or an empty "!!int"
            # (IndexError) escape its constructors.
            value = node.value if isinstance(node, yaml.ScalarNode) else node.tag
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            problem = f"invalid value {value!r} for {tag}"
            if tag == "!!timestamp" and isinstance(exc, ValueError):
                problem = f"invalid date {value!r}: {exc}"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None

    def _find_duplicate(self, node: yaml.MappingNode) -> tuple[Any, int, int] | None:
        first: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, collections.abc.Hashable):
                raise yaml.constructor.ConstructorError(
                    None, None, "found a list or mapping used as a key", key_node.start_mark
                )
            line = key_node.start_mark.line + 1
            if key in first:
                return key, line, first[key]
            first[key] = line
        return None

    def _construct_map(self, node: yaml.MappingNode) -> Iterator[dict[Any, Any]]:
        data: dict[Any, Any] = {}
        yield data
        if not isinstance(node, yaml.MappingNode):  # e.g. "!!map [1]"
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found a {node.id}", node.start_mark
            )
        duplicate = self._find_duplicate(node)
        if duplicate is not None:
            self.duplicates[id(data)] = duplicate
        self.flatten_mapping(node)  # merge keys "<<": later explicit keys win
        lines: dict[Any, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=False)
            data[key] = self.construct_object(value_node, deep=False)
            lines[key] = (key_node.start_mark.line + 1, value_node.start_mark.line + 1)
        self.mapping_lines[id(data)] = (data, lines)

    def _construct_seq(self, node: yaml.SequenceNode) -> Iterator[list[Any]]:
        data: list[Any] = []
        yield data
        if not isinstance(node, yaml.SequenceNode):  # e.g. "!!seq {a: 1}"
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a list, found a {node.id}", node.start_mark
            )
        data.extend(self.construct_object(child, deep=False) for child in node.value)
        lines = [(child.start_mark.line + 1,) * 2 for child in node.value]
        self.sequence_lines[id(data)] = (data, lines)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader._construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader._construct_seq)


# GitLab token prefixes: a token pasted in the wrong place is never echoed.


_HINTS = (
    ("found character '\\t'", "tabs are not allowed in YAML indentation; use spaces"),
    ("mapping values are not allowed here", "a value containing ': ' must be quoted"),
    ("could not find expected ':'", "check the indentation and the ':' after each key"),
)


_WORDS = (
    ("a flow sequence", "a '[' list"),
    ("a flow mapping", "a '{' mapping"),
    ("a quoted scalar", "a quoted text"),
    ("a block scalar", "a '|' or '>' text"),
    ("a flow node", "a '[' list or '{' mapping"),
)


def _yaml_error(filename: str, exc: yaml.YAMLError, text: str) -> ConfigError:
    if isinstance(exc, yaml.reader.ReaderError):
        reader_line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return ConfigError(
            f"invalid YAML: control character U+{ord(char):04X} is not allowed",
            path=filename,
            line=reader_line,
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        context_line = exc.context_mark.line + 1 if exc.context_mark else None
        problem = one_line(exc.problem or exc.context or "cannot be read")
        tag = re.match(r"could not determine a constructor for the tag '(.*)'", problem)
        if tag:
            name = tag.group(1).replace("tag:yaml.org,2002:", "!!")
            return ConfigError(
                f"unsupported YAML tag {name!r}: only plain YAML is read",
                path=filename,
                line=line,
            )
        if isinstance(exc, yaml.constructor.ConstructorError):
            return ConfigError(problem, path=filename, line=line)
        if "but found another document" in problem:
            return ConfigError(
                "invalid YAML: expected one document, found a second one after '---'",
                path=filename,
                line=line,
            )
        unclosed = "end of stream" in problem or "<stream end>" in problem
        if unclosed and exc.context and exc.context_mark:  # where the quote or bracket opened
            what = re.sub(r"^while (scanning|parsing) ", "", one_line(exc.context))
            for yaml_word, word in _WORDS:
                what = what.replace(yaml_word, word)
            return ConfigError(
                f"invalid YAML at column {exc.context_mark.column + 1}: "
                f"{what} is not closed before the end of the file",
                path=filename,
                line=context_line,
            )
        message = f"invalid YAML: {problem}"
        if mark:
            message = f"invalid YAML at column {mark.column + 1}: {problem}"
        if exc.context and exc.problem and context_line and context_line != line:
            message += f" ({one_line(exc.context)} on line {context_line})"
        for needle, hint in _HINTS:
            if needle in problem:
                message += f"; {hint}"
                break
        return ConfigError(message, path=filename, line=line)
    return ConfigError(f"invalid YAML: {one_line(str(exc))}", path=filename)


def _walk(
    filename: str,
    data: Any,
    root_line: int,
    loader: _Loader,
) -> Locations:
    """Give every path its lines; refuse duplicate keys, deep nesting and alias bombs."""
    keys: dict[KeyPath, int] = {(): root_line}
    values: dict[KeyPath, int] = {(): root_line}
    duplicates: list[tuple[int, KeyPath, int]] = []
    count = 0
    stack: list[tuple[KeyPath, Any, frozenset[int]]] = [((), data, frozenset())]
    while stack:
        path, value, ancestors = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ConfigError(
                f"the document expands to more than {MAX_NODES} values (anchors and aliases?)",
                path=filename,
            )
        if len(path) > MAX_DEPTH:
            raise ConfigError(
                f"nested more than {MAX_DEPTH} levels deep",
                path=filename,
                line=keys.get(path),
            )
        children: list[tuple[Any, Any, tuple[int, int] | None]]
        if isinstance(value, dict):
            if id(value) in loader.duplicates:
                key, line, first = loader.duplicates[id(value)]
                duplicates.append((line, (*path, key), first))
            lines = loader.mapping_lines.get(id(value), (None, {}))[1]
            children = [(k, v, lines.get(k)) for k, v in value.items()]
        elif isinstance(value, list):
            seq_lines = loader.sequence_lines.get(id(value), (None, []))[1]
            children = [
                (i, v, seq_lines[i] if i < len(seq_lines) else None) for i, v in enumerate(value)
            ]
        else:
            continue
        if id(value) in ancestors:
            where = f"{format_key_path(path)}: " if path else ""
            raise ConfigError(
                f"{where}an alias refers to the mapping or list that contains it",
                path=filename,
                line=keys.get(path),
            )
        inner = ancestors | {id(value)}
        for key, child, where in reversed(children):
            child_path = (*path, key)
            if where is not None:
                keys[child_path], values[child_path] = where
            stack.append((child_path, child, inner))
    if loader.duplicates:  # reported with their key path, the first in the file
        found = duplicates or [(ln, (k,), first) for k, ln, first in loader.duplicates.values()]
        line, key_path, first = min(found, key=lambda d: d[0])
        raise ConfigError(
            f"{format_key_path(key_path)}: duplicate key (first on line {first})",
            path=filename,
            line=line,
            key=format_key_path(key_path),
        )
    ordered = dict(sorted(keys.items(), key=lambda item: item[1]))
    return Locations(filename, ordered, values)


def parse_yaml(text: str, filename: str = "<string>") -> tuple[Any, Locations]:
    """Parse one YAML document from ``text``: (plain data, locations).

    An empty document is ``None``. Every problem is a :class:`ConfigError`.
    """
    loader: _Loader | None = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        if node is None:
            return None, Locations(filename)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _yaml_error(filename, exc, text) from None
    except RecursionError:
        raise ConfigError(f"nested more than {MAX_DEPTH} levels deep", path=filename) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, _walk(filename, data, node.start_mark.line + 1, loader)


def _read_text(path: str | Path, what: str) -> str:
    filename = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{what} not found: {filename}") from None
    except IsADirectoryError:
        raise UsageError(f"{what} is a directory, not a file: {filename}") from None
    except PermissionError:
        raise UsageError(f"cannot read {what} {filename}: permission denied") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(f"cannot read {what} {filename}: {reason}") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError("the file is UTF-16; save it as UTF-8", path=filename, line=1)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw[:offset].count(b"\n") + 1
        raise ConfigError(
            f"not UTF-8 text (byte 0x{raw[offset]:02x}); save the file as UTF-8",
            path=filename,
            line=line,
        ) from None


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return show_value(value)


def read_text(path: str | Path, what: str) -> str:
    """A UTF-8 text file people wrote; a missing, unreadable or non-UTF-8 file is one
    clear line (:class:`UsageError`, or :class:`ConfigError` naming the line)."""
    return _read_text(path, what)


def load_yaml(
    path: str | Path, *, what: str = "config file", text: str | None = None
) -> tuple[dict[Any, Any], Locations]:
    """Read a YAML file whose top level is a mapping: (data, locations).

    An empty file (or one with only comments) is ``{}``. A missing or unreadable file
    is a :class:`UsageError` (``"<what> not found: <path>"``); anything wrong inside
    it a :class:`ConfigError` with ``file:line``. ``text``: the file's content, already
    in hand (``path`` then only names it in messages).
    """
    filename = str(path)
    data, locations = parse_yaml(_read_text(path, what) if text is None else text, filename)
    if data is None:
        return {}, locations
    if not isinstance(data, dict):
        raise ConfigError(
            f"expected a mapping of keys at the top level, got {_kind(data)}",
            path=filename,
            line=locations.line_of(()),
        )
    return data, locations

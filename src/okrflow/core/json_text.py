"""JSON okrflow reads from issue text (its metadata block, its record markers): bounded.

Anyone who can edit an issue can write that JSON, so it is read in one pass that never
recurses (:func:`json_extent`) before it is decoded: nesting deeper than
:data:`META_MAX_DEPTH` or text longer than :data:`META_MAX_CHARS` is a broken block,
reported like any other, never a crash (Python's decoder recurses and gives up with a
``RecursionError`` about 1,000 levels down). ``NaN`` and ``Infinity`` are not JSON.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["DECODER", "META_MAX_CHARS", "META_MAX_DEPTH", "bounded_json", "json_extent"]


def _no_constant(name: str) -> Any:
    """NaN and Infinity are not JSON (Python reads them): a hand-edited block holding one
    is broken, not a number okrflow could never write back."""
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:24]} is too large a number")
    return value


DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite)

#: the largest metadata block (its JSON) okrflow reads; a larger one is broken
META_MAX_CHARS = 65_536
#: how deeply a block's JSON may nest (okrflow writes at most 4 levels); deeper is broken
META_MAX_DEPTH = 10


def json_extent(text: str, start: int) -> tuple[int, str | None]:
    """Where the JSON value opening at ``text[start]`` (``{`` or ``[``) ends, found in
    one pass without recursion: (end, None), or (position, why it is not read) when it
    nests deeper than :data:`META_MAX_DEPTH`, passes :data:`META_MAX_CHARS` or never ends."""
    depth, pos, limit = 0, start, min(len(text), start + META_MAX_CHARS)
    in_string = False
    while pos < limit:
        char = text[pos]
        if in_string:
            if char == "\\":
                pos += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
            if depth > META_MAX_DEPTH:
                return pos, f"it nests deeper than {META_MAX_DEPTH} levels"
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return pos + 1, None
        pos += 1
    if limit < len(text):
        return pos, f"it is larger than {META_MAX_CHARS:,} characters"
    return pos, "its JSON does not end"


def bounded_json(body: str) -> Any:
    """``json.loads`` for JSON read from issue text: no NaN or Infinity, and a
    :class:`ValueError` (not a crash) when it is deeper or larger than okrflow reads."""
    body = body.strip()
    if len(body) > META_MAX_CHARS:
        raise ValueError(f"it is larger than {META_MAX_CHARS:,} characters")
    if body[:1] in ("{", "["):
        _, problem = json_extent(body, 0)
        if problem is not None:
            raise ValueError(problem)
    return DECODER.decode(body)

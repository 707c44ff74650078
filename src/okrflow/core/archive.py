"""Where a closed quarter's report document is kept: hidden blocks in okrflow's own issues.

Two blocks, both HTML comments GitLab does not render:

- the **document** block, in the closing report issue of a quarter: the whole JSON
  report document, compressed (zlib) and encoded in URL-safe base64 (no ``/``, so no
  line can look like a quick action to GitLab, nor be escaped by okrflow's
  neutraliser) in lines of 76 characters, under ``<!-- okrflow:document zlib+base64url``
  up to ``-->``. Reading stops at
  :data:`MAX_ENCODED` characters and at :data:`MAX_DOCUMENT` bytes once inflated, so a
  hand-made block cannot make a run use much memory;
- the **history** block, in the planning issue of the next quarter: the history
  entries up to the quarter before it (:func:`okrflow.core.ceremony.history_entry`),
  one JSON line (:func:`okrflow.core.description.marker_comment`).

A block that cannot be read is None, never an exception. Pure: strings in and out.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

from okrflow.core.description import marker_comment, read_marker_comment

__all__ = [
    "DOCUMENT_OPEN",
    "MAX_DOCUMENT",
    "MAX_ENCODED",
    "document_block",
    "history_block",
    "read_document",
    "read_history",
    "with_document",
    "with_history",
]

DOCUMENT_OPEN = "<!-- okrflow:document zlib+base64url"
MAX_ENCODED = 600_000  # characters of base64: well inside GitLab's description limit
MAX_DOCUMENT = 20_000_000  # bytes of JSON once inflated
_DOCUMENT = re.compile(r"<!-- okrflow:document zlib\+base64url\n([A-Za-z0-9_=\n-]*?)-->\n?")
_HISTORY = "history"
_HISTORY_RE = re.compile(r"<!-- okrflow:history \{[^\n]*?\} -->")


def document_block(doc: Mapping[str, Any]) -> str | None:
    """The document block of ``doc``; None when it would be too large to keep."""
    data = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    encoded = base64.urlsafe_b64encode(zlib.compress(data.encode("utf-8"), 9)).decode("ascii")
    if len(encoded) > MAX_ENCODED:
        return None
    lines = [encoded[i : i + 76] for i in range(0, len(encoded), 76)]
    return DOCUMENT_OPEN + "\n" + "\n".join(lines) + "\n-->"


def read_document(description: str | None) -> dict[str, Any] | None:
    """The document kept in ``description``; None when there is none or it is unreadable."""
    match = _DOCUMENT.search(description or "")
    if match is None or len(match.group(1)) > MAX_ENCODED + MAX_ENCODED // 76 + 1:
        return None
    try:
        encoded = match.group(1).replace("\n", "")
        packed = base64.b64decode(encoded, altchars=b"-_", validate=True)
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_DOCUMENT)
        if inflater.unconsumed_tail:
            return None
        doc = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
        return None
    ok = isinstance(doc, dict) and isinstance(doc.get("quarter"), str)
    return doc if ok and isinstance(doc.get("objectives"), list) else None


def with_document(description: str, block: str | None) -> str:
    """``description`` with its document block replaced (appended when it has none;
    removed when ``block`` is None)."""
    text = _DOCUMENT.sub("", description).rstrip("\n")
    return f"{text}\n\n{block}\n" if block else text + "\n"


def history_block(quarter: str, entries: Sequence[Mapping[str, Any]]) -> str:
    """The history block kept for ``quarter``: the entries of the quarters before it."""
    return marker_comment(_HISTORY, {"quarter": quarter, "entries": [dict(e) for e in entries]})


def read_history(description: str | None, quarter: str) -> list[Any] | None:
    """The history entries kept for ``quarter`` in ``description``; None when none."""
    data = read_marker_comment(_HISTORY, description)
    if not data or data.get("quarter") != quarter or not isinstance(data.get("entries"), list):
        return None
    return list(data["entries"])


def with_history(description: str, block: str) -> str:
    """``description`` with its history block replaced (appended when it has none)."""
    if _HISTORY_RE.search(description):
        return _HISTORY_RE.sub(lambda _: block, description, count=1)
    return description.rstrip("\n") + "\n\n" + block + "\n"

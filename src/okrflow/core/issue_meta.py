"""The okrflow metadata block of an issue, as :func:`okrflow.core.issue_text.read_issue`
reads it.

- A block copied from another issue (its ``iid`` is not this issue's) is ignored: the
  issue is read from its visible text.
- A broken block (unreadable, too deep or too large, duplicated) is reported; what can
  still be found in it (key, type and objective key) is kept, so the issue keeps its
  place in the tree.
- Check-in comments that could not be read, recorded in the block by rollup, are one
  problem each (``#12 note 345``) until their author fixes or deletes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from okrflow.core.description import split
from okrflow.core.meta import Meta
from okrflow.core.model import Problem

__all__ = ["read_meta"]

_JSON_STRING = r'"{}"\s*:\s*"((?:[^"\\]|\\.)*)"'


def read_meta(
    description: str, iid: int, note: Callable[[str], None], where: str | None = None
) -> tuple[Meta | None, list[Problem]]:
    """The metadata of issue ``iid`` (None: none to read) and its unreadable check-ins,
    named ``where`` (default ``#12``); what is wrong with the block itself is told to
    ``note``."""
    parsed = split(description)
    meta: Meta | None = None
    copied = False
    if parsed.meta is not None:
        meta, meta_problems = Meta.from_dict(parsed.meta)
        for message in meta_problems:
            note(message)
        if meta.iid is not None and meta.iid != iid:
            note(
                f"the okrflow metadata belongs to #{meta.iid} (copied from it?); ignored: "
                "read from the visible text"
            )
            meta, copied = None, True
    if parsed.meta_problem:
        tail = "" if meta is not None else "; read from the title, labels and sections"
        note(parsed.meta_problem + tail)
    if meta is None and parsed.meta_problem and not copied:
        meta = _salvage(description)
    if parsed.section_problem:
        note(parsed.section_problem)
    bad = meta.bad_checkins if meta is not None else ()
    named = where or f"#{iid}"
    return meta, [Problem(f"{named} note {b.note_id}", b.message) for b in bad]


def _salvage(description: str) -> Meta | None:
    """What can still be read from a broken block: key, type and objective key."""
    start = description.find("okrflow:meta")
    found: dict[str, str] = {}
    for name in ("key", "type", "objective"):
        match = re.search(_JSON_STRING.format(name), description[start:])
        if match:
            found[name] = match.group(1)
    return Meta.from_dict(found)[0] if found else None

"""The sections of an issue's text as people write them from the templates: found by
their ``#`` headings (any level, fenced code aside), read without template hints and
quick actions, and one line of one restated. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from okrflow.core.description import unescape_blocks

__all__ = [
    "KEY_RESULT",
    "KEY_RESULTS",
    "KIND",
    "MEASURE",
    "OBJECTIVE",
    "OWNER",
    "PARENT",
    "PURPOSE",
    "QUARTER",
    "TEAM",
    "WEIGHT",
    "clean_text",
    "list_items",
    "parse_sections",
    "replace_section_line",
    "same_words",
    "section_items",
]


# Canonical section names, as lint reports them when missing.
PURPOSE, OWNER, TEAM, QUARTER = "Purpose", "Owner", "Team", "Quarter"
KEY_RESULTS, PARENT, KIND = "Key results", "Parent objective", "Committed or aspirational"
OBJECTIVE, KEY_RESULT, WEIGHT, MEASURE = "Objective", "Key result", "Weight", "How it is measured"

_ALIASES = {
    "objective": OBJECTIVE,
    "purpose": PURPOSE,
    "why it matters": PURPOSE,
    "why": PURPOSE,
    "owner": OWNER,
    "dri": OWNER,
    "team": TEAM,
    "quarter": QUARTER,
    "key results": KEY_RESULTS,
    "key result": KEY_RESULT,
    "parent objective": PARENT,
    "parent objectives": PARENT,
    "parent": PARENT,
    "aligned with": PARENT,
    "committed or aspirational": KIND,
    "kind": KIND,
    "weight": WEIGHT,
    "how it is measured": MEASURE,
}

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_QUICK_ACTION = re.compile(r"^/[a-z_]+(?:[ \t].*)?$", re.MULTILINE)
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")


def _heading_name(raw: str) -> str | None:
    name = re.sub(r"[*_`:]+", "", raw).strip().casefold()
    name = re.sub(r"\s+", " ", name)
    if name in _ALIASES:
        return _ALIASES[name]
    if name.startswith("purpose") or "why it matters" in name:
        return PURPOSE
    if name.startswith(("committed", "aspirational")):
        return KIND
    if name.startswith("owner"):
        return OWNER
    return None


def _walk(
    lines: Sequence[str], name_of: Callable[[str], str | None]
) -> list[tuple[str | None, bool]]:
    """For each line: the known section it belongs to (None: none) and whether it is
    that section's heading. A section runs to the next heading of the same or a higher
    level; headings in fenced code do not count."""
    out: list[tuple[str | None, bool]] = []
    current: tuple[str | None, int] | None = None
    fence: str | None = None
    for line in lines:
        opener = _FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
        elif opener:
            fence = opener.group(1)
        else:
            heading = _HEADING.match(line)
            if heading and (current is None or len(heading.group(1)) <= current[1]):
                current = (name_of(heading.group(2)), len(heading.group(1)))
                out.append((current[0], True))
                continue
        out.append((current[0] if current else None, False))
    return out


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse_sections(text: str, name_of: Callable[[str], str | None] | None = None) -> dict[str, str]:
    """The content of each known ``#``-heading section, by canonical name.

    A section runs to the next heading of the same or a higher level; headings in
    fenced code do not count; the first of two same-named sections wins. Content
    is raw (comments and quick actions still in). ``name_of`` names sections (None: unknown).
    """
    lines = _lines(text)
    found: dict[str, list[str]] = {}
    done: set[str] = set()
    current: str | None = None
    for line, (name, heading) in zip(lines, _walk(lines, name_of or _heading_name), strict=True):
        if heading:
            if current is not None:
                done.add(current)
            current = name
            if name is not None and name not in done:
                found.setdefault(name, [])
            continue
        if name is not None and name not in done:
            found[name].append(line)
    return {name: "\n".join(body) for name, body in found.items()}


def same_words(a: str, b: str) -> bool:
    """Whether two statements read the same, case and spacing aside."""
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _words(line: str) -> str:
    return " ".join(_LIST_ITEM.sub("", line, count=1).casefold().split())


def replace_section_line(text: str, name: str, old: str, new: str) -> str | None:
    """``text`` (a person's part of an issue) with the line of its section ``name`` that
    reads ``old`` (list marker, spacing and case aside) made to read ``new``; None when
    no line of the first such section reads so (then nothing is guessed)."""
    lines = _lines(text)
    seen = False
    for i, (section, heading) in enumerate(_walk(lines, _heading_name)):
        if heading:
            if seen:
                return None  # past the first section of that name
            seen = section == name
            continue
        if seen and _words(lines[i]) == _words(old):
            marker = _LIST_ITEM.match(lines[i])
            lines[i] = (marker.group(0) if marker else "") + new
            return "\n".join(lines)
    return None


def clean_text(raw: str | None) -> str:
    """Section content without hint comments and quick actions, mentions restored."""
    if raw is None:
        return ""
    text = _QUICK_ACTION.sub("", _COMMENT.sub("", raw))
    return unescape_blocks(text).strip()


def section_items(raw: str | None) -> list[str]:
    """A section's items: list items or lines, without hints, quick actions and markers."""
    return list_items(clean_text(raw))


def list_items(content: str) -> list[str]:
    """List items (or plain lines) of a section, markers and checkboxes removed."""
    out = []
    for line in content.splitlines():
        item = _LIST_ITEM.sub("", line, count=1).strip()
        if item:
            out.append(item)
    return out

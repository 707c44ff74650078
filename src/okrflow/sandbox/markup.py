"""Markdown structure as GitLab reads it for quick actions and mentions.

GitLab parses the Markdown (CommonMark plus tables) and looks for quick actions
only in **top-level paragraphs** (``Banzai::Filter::QuickActionFilter``): a
``/close`` inside a fenced or indented code block, a blockquote (``>`` or a
``>>>`` fence), a list item, a heading, a table or an HTML block (an HTML comment
included) is text, not a command. Mentions (``UserReferenceFilter``) are found in
the rendered text outside code spans and blocks, links and raw HTML (so not in
HTML comments), and a backslash-escaped ``\\@`` starts none.

Both use markdown-it-py, a CommonMark parser, instead of GitLab's own (comrak):
the block and inline structure is the same for what okrflow writes and what an
attacker would try; GLFM extensions beyond tables (front matter aside) are not
modelled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markdown_it import MarkdownIt
from markdown_it.token import Token

_BLOCKS = MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")
_FULL = MarkdownIt("commonmark", {"html": True}).enable("table").disable("text_join")

_SLASH_LINE = re.compile(r"^/", re.MULTILINE)
_QUOTE_FENCE = re.compile(r"^>>>[ \t]*$")
_FRONT_MATTER = re.compile(
    r"\A(?:---|\+\+\+|;;;)[ \t]*\n.*?\n(?:---|\+\+\+|;;;)[ \t]*(?:\n|\Z)", re.S
)

# User.reference_pattern: ``(?<!\w)@`` and a full namespace path (no trailing ``.``,
# ``.git`` or ``.atom``); Ruby's ``\w`` is ASCII.
_SEGMENT = r"(?:[a-zA-Z0-9_.][a-zA-Z0-9_.\-]*[a-zA-Z0-9_\-]|[a-zA-Z0-9_])(?<!\.git)(?<!\.atom)"
MENTION = re.compile(rf"(?<![A-Za-z0-9_])@(?P<name>(?:{_SEGMENT}/)*{_SEGMENT})")
_URL = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.\-]*://|www\.)[^\s<>]*")
_IGNORED_TAGS = ("a", "code", "pre", "style")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")


def _block_lines(text: str) -> list[str]:
    """The lines to parse for block structure: ``>>>`` fences and front matter
    become blockquote lines (GitLab renders them as such), line numbers kept."""
    lines = text.split("\n")
    found = _FRONT_MATTER.match(text)
    if found:
        for index in range(found.group(0).rstrip("\n").count("\n") + 1):
            lines[index] = "> " + lines[index]
    inside = False
    for index, line in enumerate(lines):
        fence = _QUOTE_FENCE.match(line) is not None
        if fence or inside:
            lines[index] = "> " + line
        if fence:
            inside = not inside
    return lines


def top_level_paragraphs(text: str) -> list[tuple[int, int]]:
    """``(first, end)`` line ranges (0-based, end excluded) of the top-level
    paragraphs that may hold quick actions (a line of them starts with ``/``)."""
    if not _SLASH_LINE.search(text):
        return []
    lines = text.split("\n")
    tokens = _BLOCKS.parse("\n".join(_block_lines(text)))
    found = []
    for token in tokens:
        if token.type == "paragraph_open" and token.level == 0 and token.map:
            first, end = token.map
            if any(line.startswith("/") for line in lines[first:end]):
                found.append((first, end))
    return found


def _text_runs(children: Iterable[Token]) -> list[str]:
    """The text nodes GitLab's reference filters see in one inline block: runs of
    plain text, cut at markup, without code, links, raw HTML or escaped ``@``."""
    runs: list[str] = []
    current: list[str] = []
    skip_link = 0
    skip_tags: dict[str, int] = {}

    def flush() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    for token in children:
        kind = token.type
        if kind == "link_open":
            skip_link += 1
            flush()
        elif kind == "link_close":
            skip_link = max(0, skip_link - 1)
            flush()
        elif kind == "html_inline":
            flush()
            tag = _TAG.match(token.content)
            if tag and tag.group(2).lower() in _IGNORED_TAGS:
                name = tag.group(2).lower()
                delta = -1 if tag.group(1) else 1
                skip_tags[name] = max(0, skip_tags.get(name, 0) + delta)
        elif skip_link or any(skip_tags.values()):
            continue
        elif kind == "text":
            current.append(token.content)
        elif kind == "text_special":
            if token.info == "escape" and token.content == "@":
                flush()  # GitLab keeps an escaped character out of reference filters
            else:
                current.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            current.append("\n")
        else:  # code_inline, image, emphasis and other markup end a text node
            flush()
    flush()
    return runs


def mention_names(text: str) -> list[str]:
    """The ``@names`` a text mentions as GitLab's reference filter finds them, in
    order, each once (case kept as written; resolve them case-insensitively)."""
    if "@" not in text:
        return []
    names: list[str] = []
    for token in _FULL.parse(text.replace("\r", "")):
        if token.type != "inline" or not token.children:
            continue
        for run in _text_runs(token.children):
            for found in MENTION.finditer(_URL.sub(" ", run)):
                name = found.group("name")
                if name.lower() not in (n.lower() for n in names):
                    names.append(name)
    return names


def mention_candidates(text: str) -> set[str]:
    """Every ``@name`` in the raw text, lower-cased: a cheap superset of
    :func:`mention_names` to decide whether parsing is needed at all."""
    if "@" not in text:
        return set()
    return {found.group("name").lower() for found in MENTION.finditer(text)}

"""People's text in the GitLab Markdown okrflow writes: shown literally, pinging no one.

Text from issues (titles, owners, problems) is data. In Markdown it must not ping
anyone (``@all``), break a table, turn into HTML, or start a quick action when GitLab
reads the description. :func:`md_inline` and :func:`md_cell` escape a value for the
inside of a line and of a table cell; :func:`escape_blocks` (what a template prints)
keeps a value from opening a heading, a fence, a comment or a quick action;
:func:`mention` writes a real mention only of a plain username.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from markupsafe import Markup

from okrflow.core.description import WORD_JOINER, escape_blocks, neutralize_mentions
from okrflow.render.escape.terminal import one_line

__all__ = [
    "WORD_JOINER",
    "as_text",
    "escape_blocks",
    "label_ref",
    "md_cell",
    "md_inline",
    "mention",
    "neutralize_mentions",
]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]~|])")
_USERNAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_GROUP_PINGS = {"all", "here", "channel", "everyone"}


def as_text(value: Any) -> str:
    """A value as text: None as nothing, an enum by its value."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def md_inline(text: Any) -> str:
    """Issue text as literal inline GitLab Markdown.

    One line; Markdown punctuation backslash-escaped; ``&``, ``<`` and ``>`` as HTML
    references so no tag or entity survives; mentions neutralised.
    """
    if text is None:
        return ""
    escaped = _MD_SPECIAL.sub(r"\\\1", one_line(as_text(text)))
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return neutralize_mentions(escaped)


def md_cell(text: Any) -> str:
    """Issue text for a Markdown table cell: :func:`md_inline` (pipes escaped), never empty."""
    escaped = md_inline(text)
    return escaped if escaped else " "


def mention(username: Any) -> str:
    """``@username`` as a real mention when it is a plain GitLab username; anything
    else (``all``, ``here``, ``group/sub``, text with line breaks) is written inert, on
    one line. Whether the name is a user's is the adapter's question, when it writes."""
    name = as_text(username).strip().removeprefix("@")
    if _USERNAME.fullmatch(name) and name.casefold() not in _GROUP_PINGS:
        return Markup(f"@{name}")  # the username pattern admits no HTML
    return md_inline("@" + name)


def label_ref(name: Any) -> str:
    """A label in a quick action: ``~"okr::key result"``."""
    text = as_text(name)
    if '"' in text or "\n" in text or "\r" in text or not text.strip():
        raise ValueError(f"label {text!r} cannot be used in a quick action")
    return Markup(f'~"{text}"')  # trusted: label names come from okrflow's config

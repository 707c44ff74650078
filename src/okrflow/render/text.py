"""Making issue text safe where it lands: GitLab Markdown, table cells, Mermaid labels.

Text from issues (titles, owners, problems) is data. In Markdown it must not ping
anyone (``@all``), break a table or turn into HTML; in a Mermaid chart it must not
end a label or the chart. HTML escaping is Jinja's autoescape. Mentions are
neutralised as everywhere okrflow writes Markdown
(:func:`okrflow.core.description.neutralize_mentions`).
"""

from __future__ import annotations

import re
import unicodedata

from okrflow.core.description import WORD_JOINER, neutralize_mentions

__all__ = [
    "WORD_JOINER",
    "md_cell",
    "md_inline",
    "mermaid_text",
    "neutralize_mentions",
    "one_line",
]

_MD_SPECIAL = re.compile(r"([\\`*_\[\]~|])")
_SPACE = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Newlines, tabs and other control characters become single spaces."""
    cleaned = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in str(text)
    )
    return _SPACE.sub(" ", cleaned).strip()


def md_inline(text: str | None) -> str:
    """Issue text as literal inline GitLab Markdown.

    One line; Markdown punctuation backslash-escaped; ``&``, ``<`` and ``>`` as HTML
    references so no tag or entity survives; mentions neutralised.
    """
    if text is None:
        return ""
    escaped = _MD_SPECIAL.sub(r"\\\1", one_line(text))
    escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return neutralize_mentions(escaped)


def md_cell(text: str | None) -> str:
    """Issue text for a Markdown table cell: :func:`md_inline` (pipes escaped), never empty."""
    escaped = md_inline(text)
    return escaped if escaped else " "


_MERMAID = str.maketrans(
    {
        '"': "'",
        "`": "'",
        "[": "(",
        "]": ")",
        "{": "(",
        "}": ")",
        "<": "‹",
        ">": "›",
        "#": "＃",
        ";": ",",
        "\\": "/",
        "|": "¦",
    }
)


def mermaid_text(text: str | None, *, limit: int = 40, fallback: str = "untitled") -> str:
    """Issue text for the inside of a quoted Mermaid label.

    Whatever the text, it cannot end the label, start a directive or comment, or break
    the line: quotes, brackets, braces, ``<``, ``>``, ``#``, ``;``, backticks and
    backslashes are replaced by look-alikes, ``%%`` by ``%``, lines joined, mentions
    neutralised. At most ``limit`` characters; never empty (an empty label is a syntax
    error in some charts).
    """
    cleaned = one_line(text or "").translate(_MERMAID)
    while "%%" in cleaned:
        cleaned = cleaned.replace("%%", "%")
    cleaned = neutralize_mentions(cleaned).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned or fallback

"""People's text inside a Mermaid chart: a label that cannot end the label or the chart."""

from __future__ import annotations

from okrflow.core.description import neutralize_mentions
from okrflow.render.escape.terminal import one_line

__all__ = ["mermaid_text"]

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

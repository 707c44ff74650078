"""Text from issues on a terminal or in a CI log: one line, no control characters.

A title may hold line breaks, tabs or escape sequences (``\\x1b[2J`` clears a
terminal); printed as it is, it could break the layout of ``okrflow status`` or
rewrite what a person sees. :func:`one_line` leaves none of them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

__all__ = ["one_line"]

_SPACE = re.compile(r"\s+")


def one_line(text: Any) -> str:
    """Newlines, tabs and other control characters become single spaces."""
    cleaned = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in str(text or "")
    )
    return _SPACE.sub(" ", cleaned).strip()

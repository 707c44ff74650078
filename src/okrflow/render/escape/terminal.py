"""Text on a terminal or in a CI log: what it says, never what it could make them do.

A title may hold escape sequences: ``\\x1b]0;...\\x07`` retitles the window,
``\\x1b[2K\\r`` erases the line (then a fake "Job succeeded" is printed over it),
``\\x1b]8;;url\\x07`` adds a hyperlink, ``\\x1b]52;c;...\\x07`` writes the clipboard,
``\\x1bP...`` starts a device control string, ``\\x9b`` is a one-character CSI, U+202E
turns the rest of the line around, a backspace or a carriage return overwrites what
came before. Printed as it is, any of them acts on the terminal of whoever reads
okrflow's output.

- :func:`visible` shows every control character (C0, DEL, C1), line and paragraph
  separator and bidirectional control as an escape a person can read (``\\x1b``,
  ``\\u202e``), so none is ever emitted; the command line passes every line it prints
  through it (the crash log too, keeping its line breaks).
- :class:`Painter` is how okrflow's own colours survive that: a colour is marked with
  a secret only this process knows, and :meth:`Painter.paint` turns the marks into
  colour codes after everything else was made visible.
- :func:`json_safe` escapes the few characters ``json.dumps(ensure_ascii=False)``
  leaves raw (C1, separators, bidi controls) as ``\\uXXXX``.
- :func:`one_line` makes a value one line for layouts (a table, a chart label).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from typing import Any

__all__ = ["Painter", "json_safe", "one_line", "visible"]

_SPACE = re.compile(r"\s+")
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}]")
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f\u2028\u2029{_BIDI}]")


def _shown(found: re.Match[str]) -> str:
    code = ord(found.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: Any, *, newlines: bool = False) -> str:
    """``text`` with every control character, separator and bidi control written as a
    visible escape; ``newlines=True`` keeps ``\\n`` (a log of several lines)."""
    value = str(text)
    if newlines:
        return "\n".join(_UNSAFE.sub(_shown, part) for part in value.split("\n"))
    return _UNSAFE.sub(_shown, value)


def json_safe(text: str) -> str:
    """JSON text with C1 controls, separators and bidi controls as ``\\uXXXX`` escapes
    (they can only be inside strings, where the escape means the same)."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


class Painter:
    """okrflow's own colours on a line whose other text is made :func:`visible`."""

    def __init__(self) -> None:
        self._mark = f"\x00{secrets.token_hex(8)}:"
        self._marks = re.compile(re.escape(self._mark) + r"(\d+(?:;\d+)*)\x00")

    def mark(self, text: str, code: str) -> str:
        """``text`` to be shown in the SGR colour ``code`` (``"32"``: green)."""
        return f"{self._mark}{code}\x00{text}{self._mark}0\x00"

    def paint(self, line: str, *, colour: bool) -> str:
        """The line as printed: everything visible, marks as colour codes (or nothing)."""
        pieces = self._marks.split(line)
        out = []
        for index, piece in enumerate(pieces):
            if index % 2:
                out.append(f"\x1b[{piece}m" if colour else "")
            else:
                out.append(visible(piece))
        return "".join(out)


def one_line(text: Any) -> str:
    """Newlines, tabs and other control characters become single spaces."""
    cleaned = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in str(text or "")
    )
    return _SPACE.sub(" ", cleaned).strip()

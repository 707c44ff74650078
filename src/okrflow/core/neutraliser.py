"""Text okrflow sends to GitLab made harmless: no quick action runs, no group is pinged.

GitLab reads every description and comment for **quick actions** (a line that starts
with ``/close``, ``/title ...``, run with the rights of okrflow's token) and for
**mentions** (``@user``, ``@group``, ``@all``: a to-do and an e-mail for everyone they
reach). Whatever a username, title, owner, unit, note or team name holds, the text
okrflow writes passes through :func:`neutralise` at the one place every write leaves
from (the adapter), after every template and escape of the render layer:

- **quick actions**: a line whose first visible character is ``/`` followed by a
  letter gets a backslash before the slash (``\\/close``: Markdown shows ``/close``,
  GitLab's extractor, which wants ``/`` in the first column, runs nothing). Lines
  are cut at every line break a reader may know: ``\\n``, ``\\r``, U+2028, U+2029, NEL,
  vertical tab, form feed and the information separators; leading spaces, tabs,
  other Unicode spaces, control and format characters (a ``\\r`` GitLab deletes, a
  zero-width space) are looked through. Lines inside a closed fenced code block,
  or an indented code block, are left alone (GitLab runs nothing there either, and
  a backslash would show in code).
- **mentions**: an ``@name`` (or ``&#64;name``, which GitLab decodes first) is kept as
  a real mention only when ``is_user(name)`` says GitLab knows a user of that name;
  a group (``@acme/eng``, or a single-segment group ``@some-group``), ``@all``,
  ``@here`` and unknown names get a word joiner after the ``@`` (U+2060, invisible;
  GitLab's reference pattern stops there). Mentions already in the ``previous`` text
  of the same field stay as the person wrote them: GitLab notifies only mentions
  an edit adds. HTML comments (okrflow's own records) are not scanned.
- **titles** (:func:`neutralise_title`) are one line: every line break and control
  character becomes a space, and mentions are treated as above (GitLab reads
  mentions in titles too).

Pure functions on strings; ``is_user`` is the caller's (cached) question to GitLab.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = [
    "LINE_BREAKS",
    "inert_mentions",
    "inert_quick_actions",
    "mentioned_names",
    "neutralise",
    "neutralise_title",
]

WORD_JOINER = "\u2060"
#: every character some reader takes as the end of a line (``str.splitlines``'s set)
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE = re.compile(f"[^{LINE_BREAKS}]*(?:\r\n|[{LINE_BREAKS}]|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_COMMAND = re.compile(r"/[A-Za-z]")
_NEVER = frozenset({"all", "here", "channel", "everyone"})  # pings of many, never a user

# GitLab's user reference: ``(?<!\w)@`` then a namespace path (no trailing ``.``);
# HTML references to "@" are decoded by GitLab before it looks.
_SEGMENT = r"(?:[A-Za-z0-9_.][A-Za-z0-9_.\-]*[A-Za-z0-9_\-]|[A-Za-z0-9_])"
_MENTION = re.compile(
    r"(?<![A-Za-z0-9_])(?P<at>@|&#0*64;?|&#[xX]0*40;?|&commat;?)"
    rf"(?P<name>{_SEGMENT}(?:/{_SEGMENT})*)"
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _leading(line: str) -> tuple[int, int]:
    """(index of the first visible character, columns of ASCII indentation before it)."""
    columns = 0
    for index, char in enumerate(line):
        if char == " ":
            columns += 1
        elif char == "\t":
            columns += 4 - columns % 4
        elif char in LINE_BREAKS or _invisible(char):
            continue
        else:
            return index, columns
    return len(line), columns


def _invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs")


def inert_quick_actions(text: str) -> str:
    """``text`` with a backslash before the ``/`` of every line that could start a quick
    action (see the module's docstring); idempotent."""
    if "/" not in text:
        return text
    out: list[str] = []
    fence: str | None = None  # the fence that opened the code block we are in
    blank_before = True
    in_indented_code = False
    for found in _LINE.finditer(text):
        line = found.group(0)
        if not line:
            break
        body = line.rstrip(LINE_BREAKS)
        if fence is not None:
            closing = _FENCE.match(body)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        opening = _FENCE.match(body)
        if opening and _closed(text, found.end(), opening.group(1)):
            fence = opening.group(1)
            out.append(line)
            continue
        index, columns = _leading(body)
        blank = index == len(body)
        if columns >= 4 and not blank and (blank_before or in_indented_code):
            in_indented_code = True  # an indented code block: GitLab runs nothing there
        elif not blank:
            in_indented_code = False
            if _COMMAND.match(body, index):
                line = line[:index] + "\\" + line[index:]
        blank_before = blank
        out.append(line)
    return "".join(out)


def _closed(text: str, pos: int, fence: str) -> bool:
    """Whether a fence opened just before ``pos`` is closed later (an unclosed fence
    is not trusted to hide anything: old GitLab runs commands after it)."""
    mark, breaks = re.escape(fence[0]), f"[{LINE_BREAKS}]"
    closing = rf"(?:^|(?<={breaks})) {{0,3}}{mark}{{{len(fence)},}}[ \t]*(?:{breaks}|$)"
    return re.compile(closing).search(text, pos) is not None


def mentioned_names(text: str) -> list[str]:
    """The names ``text`` would mention, lower-cased, in order, each once (not in HTML
    comments; code spans are counted too: a superset of what GitLab pings)."""
    seen: dict[str, None] = {}
    for found in _MENTION.finditer(_COMMENT.sub(" ", text)):
        seen.setdefault(found.group("name").lower(), None)
    return list(seen)


def _keeps(name: str, is_user: Callable[[str], bool], previous: set[str]) -> bool:
    lowered = name.lower()
    if lowered in previous:
        return True
    if "/" in name or lowered in _NEVER:
        return False
    return is_user(name)


def inert_mentions(
    text: str, is_user: Callable[[str], bool], *, previous: str | None = None
) -> str:
    """``text`` with every mention that is not of a GitLab user (nor already in
    ``previous``) written so it pings no one; HTML comments are left as they are."""
    if "@" not in text and "&" not in text:
        return text
    before = set(mentioned_names(previous or ""))
    answers: dict[str, bool] = {}

    def fix(found: re.Match[str]) -> str:
        name = found.group("name")
        lowered = name.lower()
        if lowered not in answers:
            answers[lowered] = _keeps(name, is_user, before)
        return found.group(0) if answers[lowered] else f"@{WORD_JOINER}{name}"

    pieces: list[str] = []
    pos = 0
    for comment in _COMMENT.finditer(text):
        pieces.append(_MENTION.sub(fix, text[pos : comment.start()]))
        pieces.append(comment.group(0))
        pos = comment.end()
    pieces.append(_MENTION.sub(fix, text[pos:]))
    return "".join(pieces)


def neutralise(text: str, is_user: Callable[[str], bool], *, previous: str | None = None) -> str:
    """A description or comment as okrflow may send it: no quick action, and mentions
    only of users (or already in ``previous``, the field's text as GitLab holds it)."""
    return inert_mentions(inert_quick_actions(text), is_user, previous=previous)


def neutralise_title(
    title: str, is_user: Callable[[str], bool], *, previous: str | None = None
) -> str:
    """A title as okrflow may send it: one line (breaks and control characters become
    spaces, runs of spaces one), mentions only of users."""
    flat = "".join(
        " " if char in LINE_BREAKS or unicodedata.category(char) == "Cc" else char for char in title
    )
    return inert_mentions(re.sub(r"  +", " ", flat).strip(), is_user, previous=previous)

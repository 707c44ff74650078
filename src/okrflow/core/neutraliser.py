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
# HTML references to "@" are decoded by GitLab before it looks, and so are Markdown's
# backslash escapes of punctuation: ``@bob\/close`` reads as ``@bob/close``.
_FIRST, _MID, _LAST = (rf"(?:[A-Za-z0-9]|\\?[{chars}])" for chars in (r"_.", r"_.\-", r"_\-"))
_SEGMENT = rf"(?:{_FIRST}{_MID}*{_LAST}|[A-Za-z0-9]|\\?_)"
_MENTION = re.compile(
    r"(?<![A-Za-z0-9_])(?P<at>@|&#0*64;?|&#[xX]0*40;?|&commat;?)"
    rf"(?P<name>{_SEGMENT}(?:\\?/{_SEGMENT})*)"
)
_ESCAPE = re.compile(r"\\(.)")
# Where no renderer shows a mention: an HTML block that starts "<!--" at a line's start
# (CommonMark's HTML block 2: raw to the first "-->"), or an inline comment on one line
# as the strictest CommonMark reads one (0.29, cmark-gfm: its text does not start with
# ">" or "->", holds no "--" and does not end with "-"). An inline comment over lines
# may be cut by a block that starts on the next line ("> @all-->" is a quote), and a
# looser comment may be shown by one of GitLab's renderers: their mentions are read.
_COMMENT = re.compile(
    r"(?:\A|(?<=\n))<!--[\s\S]*?-->"
    rf"|<!--(?!>|->)(?:(?!--)[^{LINE_BREAKS}])*?(?<!-)-->"
)


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
    # Code is trusted only on a line Markdown starts too: after "\n" (or the text's start).
    # A fence after a vertical tab or U+2028 is text to GitLab, and its lines may run.
    markdown_line = True
    for found in _LINE.finditer(text):
        line = found.group(0)
        if not line:
            break
        body = line.rstrip(LINE_BREAKS)
        starts_line, markdown_line = markdown_line, line.endswith("\n")
        if fence is not None:
            closing = _FENCE.match(body) if starts_line else None
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        opening = _FENCE.match(body) if starts_line else None
        if opening and _closed(text, found.end(), opening.group(1)):
            fence = opening.group(1)
            out.append(line)
            continue
        index, columns = _leading(body)
        blank = index == len(body)
        if columns >= 4 and not blank and starts_line and (blank_before or in_indented_code):
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
        seen.setdefault(_name(found), None)
    return list(seen)


def _name(found: re.Match[str]) -> str:
    """The name a mention reads as, lower-cased, once Markdown's escapes are gone."""
    return _ESCAPE.sub(r"\1", found.group("name")).lower()


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
        lowered = _name(found)
        if lowered not in answers:
            answers[lowered] = _keeps(lowered, is_user, before)
        return found.group(0) if answers[lowered] else f"@{WORD_JOINER}{found.group('name')}"

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
    # GitLab deletes every carriage return before it reads the text (its quick-action
    # extractor), so "@bob\r/close" is "@bob/close" there: read what GitLab will read.
    stored = text.replace("\r", "")
    return inert_mentions(inert_quick_actions(stored), is_user, previous=previous)


def neutralise_title(
    title: str, is_user: Callable[[str], bool], *, previous: str | None = None
) -> str:
    """A title as okrflow may send it: one line (breaks and control characters become
    spaces, runs of spaces one), mentions only of users."""
    flat = "".join(
        " " if char in LINE_BREAKS or unicodedata.category(char) == "Cc" else char for char in title
    )
    return inert_mentions(re.sub(r"  +", " ", flat).strip(), is_user, previous=previous)

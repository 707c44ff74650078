"""The issue description as okrflow sees it: a person's text plus two parts okrflow owns.

1. One **metadata block**, an HTML comment GitLab does not render::

       <!-- okrflow:meta (okrflow's own data about this OKR; please leave it as it is)
       {"iid": 12, "key": "company-valuable", "schema": 1, "type": "objective"}
       -->

   The body is one JSON object (sorted keys, ASCII only, ``<`` and ``>`` written
   as ``\\u003c`` / ``\\u003e`` so no value can close the comment). It is a
   versioned, extensible dict: :class:`Meta` reads the keys okrflow knows, and
   keeps every other key so a newer okrflow's data survives an older one's write.

2. One **managed section** whose content okrflow renders (the progress table)::

       <!-- okrflow:progress:start -->
       ...
       <!-- okrflow:progress:end -->

Everything outside these two is the person's, and :func:`with_meta` and
:func:`with_managed_section` never change a byte of it. Broken parts are reported
by :func:`split` and replaced cleanly by the next write:

- metadata whose JSON is valid but lacks the ``-->`` end: the block is the opening
  line plus the JSON object (the data is still read);
- metadata whose body is not valid JSON: the block ends at the first ``-->`` after
  the opening line, unless another ``<!--`` (a person's comment) comes first;
- no end at all: only the opening line is okrflow's, nothing after it is swallowed;
- a progress start marker without its end marker: only the marker is okrflow's;
- duplicated blocks, sections or stray end markers: the first one is used, the
  others are removed on the next write.

Pure functions on strings; no I/O.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from okrflow.core.json_text import DECODER, bounded_json, json_extent
from okrflow.core.meta import SCHEMA_VERSION, Meta, ParentRef, RecordedCheckIn

__all__ = [
    "META_OPEN",
    "SCHEMA_VERSION",
    "SECTION_END",
    "SECTION_START",
    "Meta",
    "ParentRef",
    "Parsed",
    "RecordedCheckIn",
    "escape_blocks",
    "neutralize_mentions",
    "render_meta_block",
    "restore_mentions",
    "split",
    "unescape_blocks",
    "with_managed_section",
    "with_meta",
]

META_OPEN = "<!-- okrflow:meta"
META_HINT = " (okrflow's own data about this OKR; please leave it as it is)"
SECTION_START = "<!-- okrflow:progress:start -->"
SECTION_END = "<!-- okrflow:progress:end -->"

_META_RE = re.compile(r"<!--[ \t]*okrflow:meta\b")
_START_RE = re.compile(r"<!--[ \t]*okrflow:progress:start[ \t]*-->")
_END_RE = re.compile(r"<!--[ \t]*okrflow:progress:end[ \t]*-->")
_BLANK_LINE_AT_END = re.compile(r"(?:\A|\n)[ \t]*\r?\n\Z")


WORD_JOINER = "\u2060"
# "@" itself, and the HTML references GitLab turns back into "@" before it looks for
# mentions (&#64; &#x40; &commat;).
_AT = re.compile(r"@(?!\u2060)|&(?:#0*64|#[xX]0*40|commat);?")


def neutralize_mentions(text: str) -> str:
    """Put a word joiner (U+2060) after every ``@`` so ``@all``, ``@alice`` or
    ``@group/team`` ping no one when okrflow writes them into GitLab Markdown.

    The text looks the same; idempotent; :func:`restore_mentions` undoes it.
    """
    return _AT.sub("@" + WORD_JOINER, text)


def restore_mentions(text: str) -> str:
    """Undo :func:`neutralize_mentions` on text read back from an issue."""
    return text.replace("@" + WORD_JOINER, "@")


# Line starts that would turn a value into structure: a quick action GitLab runs
# ("/close"), a heading (a fake "## Owner" section), a code fence (hiding the
# sections after it).
_LINE_START = r"(?:^|(?<=\r))( {0,3})"
_STRUCTURE = r"(/|#{1,6}(?=[ \t\r]|$)|`{3}|~{3})"
_BLOCK_START = re.compile(_LINE_START + _STRUCTURE, re.MULTILINE)
_ESCAPED_START = re.compile(_LINE_START + r"\\" + _STRUCTURE, re.MULTILINE)


def escape_blocks(text: str) -> str:
    """A value okrflow writes into a description as inert Markdown: mentions
    neutralised, no comment opened, and no line that GitLab would run as a quick
    action or read as a heading or code fence (a backslash goes first; it does not
    show). :func:`unescape_blocks` reverses it."""
    text = neutralize_mentions(text).replace("<!--", "&lt;!--")
    return _BLOCK_START.sub(r"\1\\\2", text)


def unescape_blocks(text: str) -> str:
    """Undo :func:`escape_blocks` on text read back from an issue."""
    text = _ESCAPED_START.sub(r"\1\2", text).replace("&lt;!--", "<!--")
    return restore_mentions(text)


@dataclasses.dataclass(frozen=True)
class Parsed:
    """A description taken apart.

    ``before`` is the text before the first okrflow part, ``after`` the text after
    the last one, ``between`` the person's text between okrflow parts (empty when
    there is at most one part). ``human`` is all of it joined by newlines: the text
    to read sections from.
    """

    before: str
    after: str
    between: tuple[str, ...]
    meta: dict[str, Any] | None  # the JSON object, when one could be read
    meta_problem: str | None  # set when a block is present but broken or duplicated
    section: str | None  # the managed section's content; None when absent
    section_problem: str | None

    @property
    def human(self) -> str:
        return "\n".join((self.before, *self.between, self.after))

    @property
    def has_meta_block(self) -> bool:
        return self.meta is not None or self.meta_problem is not None


@dataclasses.dataclass(frozen=True)
class _Span:
    start: int
    end: int
    meta: dict[str, Any] | None = None
    problem: str | None = None
    content: str | None = None  # managed section content


def _eol(text: str, spans: Sequence[_Span] = ()) -> str:
    """The line ending for a new part: CRLF when the person's text uses only CRLF."""
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[: span.start] + text[span.end :]
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf == text.count("\n") else "\n"


def _eol_of(text: str, span: _Span) -> str:
    """The line ending an existing part uses, kept when it is rewritten."""
    nl = text.find("\n", span.start, span.end + 2)
    return "\r\n" if nl > 0 and text[nl - 1] == "\r" else "\n"


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _line_end(text: str, pos: int) -> int:
    """End of the line holding ``pos``, before its ``\\r\\n`` or ``\\n``."""
    end = text.find("\n", pos)
    if end == -1:
        return len(text)
    return end - 1 if end > pos and text[end - 1] == "\r" else end


def _inside(pos: int, spans: list[_Span]) -> bool:
    return any(s.start <= pos < s.end for s in spans)


def _decode_object(body: str) -> tuple[dict[str, Any] | None, str | None]:
    try:
        value = bounded_json(body)
    except ValueError as exc:
        return None, f"its JSON is not valid ({exc})"
    if not isinstance(value, dict):
        return None, "it does not hold a JSON object"
    return value, None


def _meta_span(text: str, start: int, after_marker: int) -> _Span:
    eol_at = _line_end(text, after_marker)
    close = text.find("-->", after_marker, eol_at)
    if close != -1:  # one-line block: <!-- okrflow:meta {...} -->
        meta, problem = _decode_object(text[after_marker:close].strip() or "null")
        return _Span(start, close + 3, meta, problem and f"the okrflow metadata block: {problem}")
    body = _skip_ws(text, eol_at)
    extent, too_big = json_extent(text, body) if text.startswith("{", body) else (body, "")
    if too_big is None:
        try:
            value, json_end = DECODER.raw_decode(text[:extent], body)
        except ValueError:
            pass
        else:
            closing = _skip_ws(text, json_end)
            if text.startswith("-->", closing):
                return _Span(start, closing + 3, value)
            problem = "the okrflow metadata block has no end marker '-->'"
            return _Span(start, json_end, value, problem)
    close = text.find("-->", eol_at)
    other = text.find("<!--", eol_at)
    if close != -1 and (other == -1 or close < other):
        meta, problem = _decode_object(text[eol_at:close])
        return _Span(start, close + 3, meta, problem and f"the okrflow metadata block: {problem}")
    problem = (
        "the okrflow metadata block has no end marker '-->'; "
        "only its opening line was taken as okrflow's"
    )
    return _Span(start, eol_at, None, problem)


def _section_spans(text: str) -> tuple[list[_Span], list[_Span], str | None]:
    """(the section, extra markers to remove, problem)."""
    starts = list(_START_RE.finditer(text))
    ends = list(_END_RE.finditer(text))
    if not starts and not ends:
        return [], [], None
    if not starts:
        extra = [_Span(m.start(), m.end()) for m in ends]
        return [], extra, "the progress section has an end marker but no start marker"
    first = starts[0]
    closing = next((m for m in ends if m.start() >= first.end()), None)
    problem = None
    if closing is None:
        section = _Span(first.start(), first.end(), content="")
        problem = "the progress section has no end marker; only its start marker was replaced"
    else:
        content = text[first.end() : closing.start()]
        nl = "\r\n" if content.startswith("\r\n") else "\n"  # what the writer used
        content = content.removeprefix(nl)
        content = content.removesuffix(nl)
        section = _Span(first.start(), closing.end(), content=content)
    extra = [
        _Span(m.start(), m.end())
        for m in (*starts[1:], *ends)
        if not section.start <= m.start() < section.end
    ]
    if extra and problem is None:
        problem = "the progress section markers are duplicated; the first section is used"
    return [section], extra, problem


def _analyse(text: str) -> tuple[list[_Span], list[_Span], list[_Span], str | None, str | None]:
    """(meta blocks, the section, extra section markers, meta problem, section problem)."""
    section, extra, section_problem = _section_spans(text)
    taken = section + extra
    blocks: list[_Span] = []
    for match in _META_RE.finditer(text):
        if _inside(match.start(), taken) or _inside(match.start(), blocks):
            continue
        blocks.append(_meta_span(text, match.start(), match.end()))
    meta_problem = next((b.problem for b in blocks if b.problem), None)
    if len(blocks) > 1:
        meta_problem = (
            f"the okrflow metadata block appears {len(blocks)} times; the first readable "
            "one is used and the others are removed on the next write"
        )
    return blocks, section, extra, meta_problem, section_problem


def split(description: str | None) -> Parsed:
    """Take a description apart into the person's text, the metadata and the section."""
    text = description or ""
    blocks, section, extra, meta_problem, section_problem = _analyse(text)
    spans = sorted([*blocks, *section, *extra], key=lambda s: s.start)
    pieces: list[str] = []
    pos = 0
    for span in spans:
        pieces.append(text[pos : span.start])
        pos = span.end
    pieces.append(text[pos:])
    meta = next((dict(b.meta) for b in blocks if b.meta is not None), None)
    return Parsed(
        before=pieces[0],
        after=pieces[-1] if len(pieces) > 1 else "",
        between=tuple(pieces[1:-1]),
        meta=meta,
        meta_problem=meta_problem,
        section=section[0].content if section else None,
        section_problem=section_problem,
    )


def render_meta_block(meta: Mapping[str, Any], eol: str = "\n") -> str:
    """The metadata block for ``meta`` (deterministic: same mapping, same text)."""
    body = json.dumps(dict(meta), sort_keys=True, ensure_ascii=True, allow_nan=False)
    body = body.replace("<", "\\u003c").replace(">", "\\u003e")
    return f"{META_OPEN}{META_HINT}{eol}{body}{eol}-->"


def _render_section(text: str, eol: str) -> str:
    # A person's or a title's "<!--" must not open a comment or fake a marker.
    safe = text.replace("<!--", "&lt;!--")
    return f"{SECTION_START}{eol}{safe}{eol}{SECTION_END}"


def _append(prefix: str, part: str, eol: str) -> str:
    """``prefix`` unchanged, then ``part`` after a blank line."""
    if not prefix or _BLANK_LINE_AT_END.search(prefix):
        return prefix + part
    if prefix.endswith("\n"):
        return prefix + eol + part
    return prefix + eol + eol + part


def _replace(text: str, new: str, first: _Span, remove: list[_Span]) -> str:
    out: list[str] = []
    pos = 0
    for span in sorted([first, *remove], key=lambda s: s.start):
        out.append(text[pos : span.start])
        if span is first:
            out.append(new)
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def with_meta(description: str | None, meta: Mapping[str, Any]) -> str:
    """``description`` with its metadata block set to ``meta``; nothing else changes.

    Replaces the (first) block in place, removes duplicates, or appends the block
    after a blank line when there is none.
    """
    text = description or ""
    blocks, section, extra, _, _ = _analyse(text)
    if not blocks:
        eol = _eol(text, [*section, *extra])
        return _append(text, render_meta_block(meta, eol), eol)
    block = render_meta_block(meta, _eol_of(text, blocks[0]))
    return _replace(text, block, blocks[0], blocks[1:])


def with_managed_section(description: str | None, content: str) -> str:
    """``description`` with its managed section holding ``content``; nothing else changes.

    Replaces the section in place (removing stray or duplicated markers), or adds
    it: just before okrflow's metadata block, so okrflow's parts stay together and a
    person's closing paragraph stays last; at the end when there is no block.
    """
    text = description or ""
    blocks, section, extra, _, _ = _analyse(text)
    if section:
        new = _render_section(content, _eol_of(text, section[0]))
        return _replace(text, new, section[0], extra)
    eol = _eol(text, blocks)
    new = _render_section(content, eol)
    if extra:  # stray end markers only: put the section where the first one was
        return _replace(text, new, extra[0], extra[1:])
    first = blocks[0] if blocks else None
    if first is not None:
        head = text[: first.start]
        return _append(head, new, eol) + eol + eol + text[first.start :]
    return _append(text, new, eol)


def marker_comment(name: str, data: Mapping[str, Any]) -> str:
    """``<!-- okrflow:<name> {json} -->``: a small record okrflow keeps in text it owns
    (the report issue, the planning issue). The JSON is one line and cannot close the
    comment (``<``, ``>`` and ``&`` are written as escapes)."""
    text = json.dumps(dict(data), sort_keys=True, ensure_ascii=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("--", "-\\u002d")  # "--" would end the comment (strict CommonMark)
    return f"<!-- okrflow:{name} {text} -->"


def read_marker_comment(name: str, text: str | None) -> dict[str, Any] | None:
    """The record of :func:`marker_comment` named ``name`` in ``text``; None when there is
    none or it cannot be read."""
    match = re.search(rf"<!-- okrflow:{re.escape(name)} (\{{[^\n]*?\}}) -->", text or "")
    if match is None:
        return None
    try:
        data = bounded_json(match.group(1))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None

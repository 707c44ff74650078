"""Handbook pages written like a company OKR page, read into an OKR file.

The shape (a company handbook's quarterly OKR page)::

    # FY22-Q2 OKRs

    ## Company

    1. **OBJECTIVE: Make the product valuable and accessible to every dev and company**
       - KR: Weekly MAU growth % trajectory to get to [_N<sub>0</sub>_][n0] by end of year
       - KR: 3x qualified pipeline coverage for Q3+Q4

    ## Marketing

    1. **OBJECTIVE: Make the product valuable and accessible to every dev and company**
       - KR: ...

Rules:

- The quarter is the first one a heading names (``# FY22-Q2 OKRs``), unless given.
- A level-2 heading is a department: its objectives get its name as their team (what
  follows an opening parenthesis is dropped: "Operations (Finance, Legal)" is
  "Operations", as a label has no comma). The department called Company holds the
  company's objectives (level ``company``); the others' are ``department`` objectives.
- A list item (numbered or not, bold or not) whose text starts with ``OBJECTIVE:`` is an
  objective; one starting with ``KR:`` is a key result of the objective above it. A
  line that continues an item (indented, no list marker) belongs to it.
- A department objective that repeats a company objective (the same words, give or
  take a parenthesis or a word or two) is aligned under it (``parent``).
- Links and HTML in the text are shown as their text: a metric kept in a private
  document (``[_N<sub>3</sub>_][n3]``) reads ``N3``.
- Anything else (prose, other lists, link definitions) is not an OKR and is skipped.
  A ``KR:`` before any objective is a bad line.
"""

from __future__ import annotations

import difflib
import re

from okrflow.config.okrfile.draft import Draft
from okrflow.core.labels import DEFAULT_LABEL_NAMES, LabelNames

__all__ = ["read_handbook"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d{1,3}[.)])\s+(?P<text>.*)$")
_MARKED = re.compile(r"^(?P<what>OBJECTIVE|KR|KEY RESULT)\s*:\s*(?P<rest>.*)$", re.I)
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_LINK = re.compile(r"!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])?")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def plain(text: str) -> str:
    """Markdown inline text as a reader sees it: link texts, no tags or emphasis."""
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def _department(raw: str) -> str:
    return plain(raw).split("(")[0].strip().rstrip(":")


def _comparable(title: str) -> str:
    text = re.sub(r"\([^)]*\)", " ", title.casefold())
    return " ".join(re.findall(r"[a-z0-9]+", text))


class _Page:
    def __init__(self, draft: Draft, names: LabelNames) -> None:
        self.draft = draft
        self.names = names
        self.team: str | None = None
        self.objective: int | None = None
        self.item: tuple[str, str, int, int] | None = None  # (kind, text, line, indent)

    def flush(self) -> None:
        if self.item is None:
            return
        kind, text, line, _ = self.item
        self.item = None
        where = f"line {line}"
        if kind == "objective":
            company = (self.team or "").casefold() == "company"
            self.objective = self.draft.objective(
                where,
                title=text,
                team=self.team,
                level="company" if company else "department" if self.team else None,
            )
        elif self.objective is None:
            self.draft.error(where, "a KR: line before any OBJECTIVE: line")
        else:
            self.draft.key_result(where, self.objective, title=text)

    def line(self, number: int, raw: str) -> None:
        heading = _HEADING.match(raw)
        if heading:
            self.flush()
            level, text = len(heading.group(1)), heading.group(2)
            if self.draft.quarter is None:
                self.draft.quarter = self.names.quarter_in(plain(text))
            if level == 2:
                self.team, self.objective = _department(text) or None, None
            return
        item = _ITEM.match(raw)
        if item:
            self.flush()
            marked = _MARKED.match(plain(item.group("text")))
            if marked:
                what = marked.group("what").upper()
                kind = "objective" if what == "OBJECTIVE" else "kr"
                self.item = (kind, marked.group("rest"), number, len(item.group("indent")))
            return
        if self.item is not None and raw.strip() and raw[: len(raw) - len(raw.lstrip())]:
            kind, text, line, indent = self.item  # an indented continuation of the item
            self.item = (kind, f"{text} {plain(raw)}", line, indent)
            return
        if not raw.strip():
            return
        self.flush()


def _align(draft: Draft) -> None:
    """Department objectives repeating a company objective are aligned under it."""
    company = [o for o in draft.objectives if o.get("level") == "company"]
    for o in draft.objectives:
        if o.get("level") != "department" or "parent" in o:
            continue
        mine = _comparable(o["title"])
        best, score = None, 0.0
        for c in company:
            ratio = difflib.SequenceMatcher(None, mine, _comparable(c["title"])).ratio()
            if ratio > score:
                best, score = c, ratio
        if best is not None and score >= 0.8:
            o["parent"] = best["key"]


def read_handbook(
    text: str, source: str, *, quarter: str | None = None, names: LabelNames = DEFAULT_LABEL_NAMES
) -> Draft:
    """The OKRs of a handbook page ``text`` (from ``source``, for messages)."""
    draft = Draft(source)
    draft.quarter = quarter
    page = _Page(draft, names)
    fence = None
    body = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    for number, raw in enumerate(body.replace("\r\n", "\n").split("\n"), start=1):
        opener = _FENCE.match(raw)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0]:
                fence = None
            continue
        if opener:
            page.flush()
            fence = opener.group(1)
            continue
        page.line(number, raw)
    page.flush()
    if draft.quarter is None:
        draft.error(source, "no quarter: name it in a heading (# FY22-Q2 OKRs) or give --quarter")
    _align(draft)
    return draft

"""A team's closing-ceremony retrospective: the Good / Bad / Try answers people typed.

A retrospective issue (from the "OKR Retrospective" template) has three sections
people fill in, and people may answer in comments instead:

- **in the description**, under the headings ``## Good ...``, ``## Bad ...`` and
  ``## Try ...`` (also "What went well", "What did not go well", "What we will
  try"): every list item or line is one answer; the template's hint comments are not;
- **in a comment**, a line that starts with ``Good:``, ``Bad:`` or ``Try:`` (also as a
  list item or a heading) opens an answer; the list items right under it belong to
  the same kind::

      Good: the weekly check-ins kept us honest
      Try:
      - three key results per objective, not five
      - check in on Mondays

A comment with no such line is discussion and is not read. Who may answer is the
caller's choice (:func:`read_answers` takes the authors it accepts); an answer keeps
its author and where it was written. Try answers become checklist items of the next
quarter's planning issue (:func:`try_items`).

Pure: text in, answers out.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from okrflow.core.description import unescape_blocks
from okrflow.core.issue_text import parse_sections, section_items

__all__ = [
    "KINDS",
    "Answer",
    "AnswerKind",
    "Retrospective",
    "answers_in_comment",
    "answers_in_description",
    "read_answers",
    "try_items",
]

AnswerKind = Literal["good", "bad", "try"]
KINDS: tuple[AnswerKind, ...] = ("good", "bad", "try")

# How people name the three kinds, at the start of a heading or a comment line.
_WORDS: dict[AnswerKind, tuple[str, ...]] = {
    "good": ("good", "went well", "what went well", "keep"),
    "bad": (
        "bad",
        "not so good",
        "did not go well",
        "didn't go well",
        "what did not go well",
        "what didn't go well",
        "went badly",
    ),
    "try": ("try", "to try", "what we will try", "we will try", "next time", "next quarter"),
}
_MARKER = r"(?:[-*+]\s+|\d{1,3}[.)]\s+|#{1,6}\s+)?(?:\*\*|__)?"
_KIND_LINE = re.compile(
    rf"^\s*{_MARKER}(?P<word>"
    + "|".join(
        re.escape(w) for w in sorted({w for ws in _WORDS.values() for w in ws}, key=len)[::-1]
    )
    + r")(?:\*\*|__)?\s*(?::|-|–|—|$)(?:\*\*|__)?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?(?P<text>.*)$")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


@dataclasses.dataclass(frozen=True)
class Answer:
    kind: AnswerKind
    text: str
    author: str | None  # None: typed in the issue's description
    where: str  # "#12" or "#12 note 345"


@dataclasses.dataclass
class Retrospective:
    """One team's retrospective issue of a quarter and the answers read from it."""

    quarter: str
    team: str | None
    iid: int | None
    web_url: str = ""
    answers: list[Answer] = dataclasses.field(default_factory=list)

    def of(self, kind: AnswerKind) -> list[Answer]:
        return [a for a in self.answers if a.kind == kind]

    def to_json(self) -> dict[str, object]:
        return {
            "quarter": self.quarter,
            "team": self.team,
            "iid": self.iid,
            "web_url": self.web_url,
            **{
                kind: [
                    {"text": a.text, "author": a.author, "where": a.where} for a in self.of(kind)
                ]
                for kind in KINDS
            },
        }


def _kind_of(word: str) -> AnswerKind | None:
    word = re.sub(r"\s+", " ", word.strip().casefold())
    for kind, words in _WORDS.items():
        if word in words:
            return kind
    return None


def _heading_kind(raw: str) -> str | None:
    """A section heading as a kind: "Good: what went well" is ``good``."""
    name = re.sub(r"[*_`]+", "", raw).strip()
    found = _KIND_LINE.match(name)
    return _kind_of(found.group("word")) if found else None


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", unescape_blocks(text)).strip()


def answers_in_description(description: str, *, where: str) -> list[Answer]:
    """The answers typed under the Good, Bad and Try headings of a description."""
    sections = parse_sections(description, name_of=_heading_kind)
    found: list[Answer] = []
    for kind in KINDS:
        for item in section_items(sections.get(kind)):
            text = _clean(item)
            if text:
                found.append(Answer(kind, text, None, where))
    return found


def answers_in_comment(body: str, *, author: str | None, where: str) -> list[Answer]:
    """The answers of one comment: lines opened by Good:, Bad: or Try:, and the list
    items right under such a line. Other lines end the current kind."""
    found: list[Answer] = []
    current: AnswerKind | None = None
    for line in _COMMENT.sub("", body.replace("\r\n", "\n")).split("\n"):
        opened = _KIND_LINE.match(line)
        kind = _kind_of(opened.group("word")) if opened else None
        if opened and kind is not None:
            current = kind
            rest = _clean(opened.group("rest"))
            if rest:
                found.append(Answer(kind, rest, author, where))
            continue
        item = _LIST_ITEM.match(line)
        if current is not None and item:
            text = _clean(item.group("text"))
            if text:
                found.append(Answer(current, text, author, where))
        elif line.strip():
            current = None
    return found


def read_answers(
    description: str,
    comments: Iterable[tuple[int, str | None, str]],
    *,
    iid: int,
    accept: Callable[[str | None], bool],
) -> tuple[list[Answer], list[tuple[int, str | None]]]:
    """Every answer in a retrospective issue: its description's sections, then its
    comments ``(note id, author, body)`` in order, the ones ``accept`` allows.

    Returns the answers and the ``(note id, author)`` of comments with answers that
    were not accepted (for the caller to report). The same answer of the same
    author twice counts once.
    """
    answers = answers_in_description(description, where=f"#{iid}")
    refused: list[tuple[int, str | None]] = []
    for note_id, author, body in comments:
        found = answers_in_comment(body, author=author, where=f"#{iid} note {note_id}")
        if not found:
            continue
        if not accept(author):
            refused.append((note_id, author))
            continue
        answers.extend(found)
    seen: set[tuple[str, str, str | None]] = set()
    unique = []
    for answer in answers:
        mark = (answer.kind, answer.text.casefold(), answer.author)
        if mark not in seen:
            seen.add(mark)
            unique.append(answer)
    return unique, refused


def try_items(retrospectives: Sequence[Mapping[str, Any]]) -> list[tuple[str | None, str]]:
    """(team, text) of every Try answer of retrospectives in their JSON form
    (:meth:`Retrospective.to_json`), in order, each text once per team."""
    items: list[tuple[str | None, str]] = []
    seen: set[tuple[str | None, str]] = set()
    for retro in retrospectives:
        for answer in retro["try"]:
            mark = (retro["team"], answer["text"].casefold())
            if mark not in seen:
                seen.add(mark)
                items.append((retro["team"], answer["text"]))
    return items

"""Reading the Good / Bad / Try answers of a retrospective, typed in its sections or as comments."""

from __future__ import annotations

import re

from okrflow.core.retrospective import (
    Retrospective,
    answers_in_comment,
    answers_in_description,
    read_answers,
    try_items,
)
from okrflow.render.templating import render_issue_template


def filled(good: str = "", bad: str = "", try_: str = "") -> str:
    """The template as okrflow writes it, with what people typed under each heading."""
    text = render_issue_template("retrospective", quarter="FY24-Q1", team="CSM")
    text = re.sub(r"(?m)^/label .*$", "", text)
    for heading, typed in (("## Good", good), ("## Bad", bad), ("## Try", try_)):
        start = text.index(heading)
        end = text.index("-->", start) + 3
        text = text[:end] + "\n" + typed + text[end:]
    return text


def kinds(answers: list) -> list[tuple[str, str]]:
    return [(a.kind, a.text) for a in answers]


def test_the_blank_template_holds_no_answer() -> None:
    text = render_issue_template("retrospective", quarter="FY24-Q1", team="CSM")
    assert answers_in_description(text, where="#5") == []


def test_each_line_or_list_item_under_a_heading_is_one_answer() -> None:
    text = filled(
        good="- Weekly check-ins kept us honest\n- The board showed the quarter at a glance",
        bad="We set five key results where three would do",
        try_="1. Three key results per objective\n2. [ ] Check in on Mondays",
    )
    assert kinds(answers_in_description(text, where="#5")) == [
        ("good", "Weekly check-ins kept us honest"),
        ("good", "The board showed the quarter at a glance"),
        ("bad", "We set five key results where three would do"),
        ("try", "Three key results per objective"),
        ("try", "Check in on Mondays"),
    ]


def test_a_comment_opens_answers_with_good_bad_or_try_and_takes_the_items_below() -> None:
    body = (
        "Thanks all, a few thoughts.\n\n"
        "Good: pairing on the support queue\n"
        "**Bad:** the NPS survey went out late\n"
        "Try:\n"
        "- a survey calendar\n"
        "- one owner per survey\n"
        "\n"
        "And that is it from me."
    )
    found = answers_in_comment(body, author="alice", where="#5 note 9")
    assert kinds(found) == [
        ("good", "pairing on the support queue"),
        ("bad", "the NPS survey went out late"),
        ("try", "a survey calendar"),
        ("try", "one owner per survey"),
    ]
    assert {a.author for a in found} == {"alice"} and found[0].where == "#5 note 9"


def test_words_people_use_for_the_kinds_are_understood() -> None:
    body = "What went well: demos\nDidn't go well - hiring\n## Next quarter\n* fewer KRs"
    assert kinds(answers_in_comment(body, author="bob", where="w")) == [
        ("good", "demos"),
        ("bad", "hiring"),
        ("try", "fewer KRs"),
    ]


def test_a_comment_without_a_kind_line_is_discussion() -> None:
    assert answers_in_comment("Good job everyone!\n- really", author="a", where="w") == []
    assert answers_in_comment("- Try harder", author="a", where="w") == []


def test_comments_count_only_from_accepted_authors_and_repeats_once() -> None:
    answers, refused = read_answers(
        filled(try_="- Three key results per objective"),
        [
            (1, "alice", "Try: three key results per objective"),
            (2, "outsider", "Good: I like spam"),
            (3, "bob", "Good: demos\nGood: demos"),
        ],
        iid=5,
        accept=lambda author: author in {"alice", "bob"},
    )
    assert kinds(answers) == [
        ("try", "Three key results per objective"),
        ("try", "three key results per objective"),
        ("good", "demos"),
    ]
    assert refused == [(2, "outsider")]


def test_try_items_keep_each_text_once_per_team() -> None:
    a = Retrospective("FY24-Q1", "CSM", 5)
    b = Retrospective("FY24-Q1", "Sales", 6)
    a.answers = answers_in_comment("Try: demos\nTry: Demos", author="x", where="w")
    b.answers = answers_in_comment("Try: demos", author="y", where="w")
    assert try_items([a.to_json(), b.to_json()]) == [("CSM", "demos"), ("Sales", "demos")]

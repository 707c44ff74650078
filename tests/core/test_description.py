"""The description: a person's text survives every okrflow write, byte for byte."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from okrflow.core.description import (
    SECTION_END,
    SECTION_START,
    WORD_JOINER,
    Meta,
    ParentRef,
    RecordedCheckIn,
    escape_blocks,
    neutralize_mentions,
    render_meta_block,
    restore_mentions,
    split,
    unescape_blocks,
    with_managed_section,
    with_meta,
)
from okrflow.core.model import Direction, Kind, Metric, MetricKind, MetricSource, SourceKind

# Text a person might write, with the pieces most likely to confuse a parser.
FRAGMENTS = [
    "<!--",
    "-->",
    "<!-- a comment -->",
    "<!-- okrflow:other -->",
    "okrflow:",
    "okrflow:metadata",
    "\r\n",
    "\n",
    "\r",
    "\n\n",
    "{",
    '{"key": "x"}',
    "}",
    "--",
    "# Purpose\n",
    "| a | b |",
    "@all",
    "\u202eRTL override\u202c",
    "שלום עולם",
    "مرحبا",
    "🎯",
    "\x00",
    "   ",
]
human_text = st.lists(
    st.one_of(st.text(), st.sampled_from(FRAGMENTS)),
    max_size=8,
).map("".join)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
metas = st.dictionaries(st.text(), json_values, max_size=5)


def has_marker(text: str) -> bool:
    parsed = split(text)
    return parsed.has_meta_block or parsed.section is not None or parsed.section_problem is not None


META = {"schema": 1, "type": "objective", "key": "company-valuable", "iid": 12}


# --- writing into text that has no okrflow parts yet ------------------------------------


@given(human=human_text, meta=metas)
@example(human="", meta={})
@example(human="Para one\r\nPara two\r\n", meta={"note": "--> <!-- end"})
def test_meta_is_appended_after_the_persons_text_which_stays_intact(
    human: str, meta: dict[str, Any]
) -> None:
    assume(not has_marker(human))
    out = with_meta(human, meta)
    assert out.startswith(human)
    parsed = split(out)
    assert parsed.meta == meta
    assert parsed.meta_problem is None
    assert with_meta(out, meta) == out  # idempotent


@given(human=human_text, content=human_text)
def test_section_is_added_and_the_persons_text_stays_intact(human: str, content: str) -> None:
    assume(not has_marker(human))
    out = with_managed_section(human, content)
    assert out.startswith(human)
    assert with_managed_section(out, content) == out
    assert split(out).section_problem is None
    assert split(out).meta is None


@given(human=human_text, meta=metas, other=metas, content=human_text)
def test_any_sequence_of_writes_keeps_the_persons_text_and_converges(
    human: str, meta: dict[str, Any], other: dict[str, Any], content: str
) -> None:
    assume(not has_marker(human))
    once = with_meta(with_managed_section(with_meta(human, other), content), meta)
    assert once.startswith(human)
    assert with_managed_section(with_meta(once, meta), content) == once
    assert split(once).meta == meta
    assert split(once).before.startswith(human)


# --- rewriting existing parts between a person's paragraphs -------------------------------


@settings(max_examples=200)
@given(above=human_text, below=human_text, old=metas, new=metas)
@example(above="Intro\r\n\r\n", below="\r\nOutro\r\n", old={"a": 1}, new={"a": 2})
@example(above="<!-- unfinished comment ", below="--> tail", old={}, new={"k": "-->"})
def test_rewriting_the_block_changes_only_the_block(
    above: str, below: str, old: dict[str, Any], new: dict[str, Any]
) -> None:
    assume(not has_marker(above) and not has_marker(below))
    description = above + render_meta_block(old) + below
    parsed = split(description)
    assert (parsed.before, parsed.after, parsed.meta) == (above, below, old)
    assert with_meta(description, new) == above + render_meta_block(new) + below


@settings(max_examples=200)
@given(above=human_text, below=human_text, old=human_text, new=human_text)
def test_rewriting_the_section_changes_only_the_section(
    above: str, below: str, old: str, new: str
) -> None:
    assume(not any(has_marker(t) for t in (above, below, old, new)))
    assume("<!--" not in old + new)
    section = f"{SECTION_START}\n{old}\n{SECTION_END}"
    description = above + section + below
    parsed = split(description)
    assert (parsed.before, parsed.after, parsed.section) == (above, below, old)
    assert with_managed_section(description, new) == (
        above + f"{SECTION_START}\n{new}\n{SECTION_END}" + below
    )


@given(above=human_text, below=human_text, meta=metas)
def test_a_block_missing_its_end_is_replaced_without_swallowing_text_below(
    above: str, below: str, meta: dict[str, Any]
) -> None:
    assume(not has_marker(above) and not has_marker(below))
    assume(not below.lstrip(" \t\r\n").startswith("{"))
    assume("-->" not in below)
    description = above + "<!-- okrflow:meta\n" + below
    parsed = split(description)
    assert parsed.meta is None
    assert parsed.meta_problem is not None and "end marker" in parsed.meta_problem
    assert with_meta(description, meta) == above + render_meta_block(meta) + "\n" + below


# --- examples -----------------------------------------------------------------------------


def test_the_block_is_an_html_comment_with_one_json_object() -> None:
    block = render_meta_block({"key": "k", "note": "a --> b <!-- c", "name": "Zoë"})
    first, body, last = block.split("\n")
    assert first.startswith("<!-- okrflow:meta")
    assert last == "-->"
    assert body.isascii() and "<" not in body and ">" not in body
    assert json.loads(body) == {"key": "k", "note": "a --> b <!-- c", "name": "Zoë"}


def test_an_empty_description_gets_just_the_block() -> None:
    assert with_meta("", META) == render_meta_block(META)
    assert with_meta(None, META) == render_meta_block(META)
    assert split(None).meta is None


def test_a_blank_line_separates_the_block_from_text() -> None:
    assert with_meta("Text", META) == "Text\n\n" + render_meta_block(META)
    assert with_meta("Text\n", META) == "Text\n\n" + render_meta_block(META)
    assert with_meta("Text\n\n", META) == "Text\n\n" + render_meta_block(META)


def test_crlf_descriptions_get_crlf_blocks() -> None:
    out = with_meta("One\r\nTwo\r\n", META)
    assert out == "One\r\nTwo\r\n\r\n" + render_meta_block(META, "\r\n")
    assert "\n" not in out.replace("\r\n", "")
    assert split(out).meta == META


def test_the_section_goes_before_a_trailing_block() -> None:
    out = with_managed_section(with_meta("Purpose text\n", META), "| progress |")
    assert out == (
        f"Purpose text\n\n{SECTION_START}\n| progress |\n{SECTION_END}\n\n"
        + render_meta_block(META)
    )
    assert split(out).section == "| progress |"
    assert split(out).meta == META


def test_the_section_goes_before_the_block_so_a_persons_closing_note_stays_last() -> None:
    text = "Intro\n\n" + render_meta_block(META) + "\n\nA person's note\n"
    out = with_managed_section(text, "table")
    assert out == f"Intro\n\n{SECTION_START}\ntable\n{SECTION_END}\n\n" + text[len("Intro\n\n") :]
    assert out.endswith("\n\nA person's note\n")


def test_section_content_cannot_open_a_comment_or_fake_a_marker() -> None:
    hostile = f"title <!-- x {SECTION_END} <!-- okrflow:meta {{}} -->"
    out = with_managed_section("Text\n", hostile)
    parsed = split(out)
    assert parsed.section is not None and "&lt;!--" in parsed.section
    assert parsed.meta is None and parsed.section_problem is None
    assert with_managed_section(out, hostile) == out


def test_bad_json_is_reported_and_replaced_cleanly() -> None:
    broken = 'Above\n\n<!-- okrflow:meta\n{"key": "k",, }\n-->\n\nBelow\n'
    parsed = split(broken)
    assert parsed.meta is None
    assert parsed.meta_problem is not None and "JSON" in parsed.meta_problem
    assert (parsed.before, parsed.after) == ("Above\n\n", "\n\nBelow\n")
    fixed = with_meta(broken, META)
    assert fixed == "Above\n\n" + render_meta_block(META) + "\n\nBelow\n"
    assert split(fixed).meta_problem is None


def test_bad_json_never_swallows_a_persons_comment_below() -> None:
    broken = "<!-- okrflow:meta\nnot json\n\nMy notes <!-- private --> end\n"
    parsed = split(broken)
    assert parsed.meta_problem is not None and "only its opening line" in parsed.meta_problem
    assert with_meta(broken, META) == (
        render_meta_block(META) + "\nnot json\n\nMy notes <!-- private --> end\n"
    )


def test_valid_json_without_end_marker_is_still_read_and_then_closed() -> None:
    broken = 'Above\n\n<!-- okrflow:meta\n{"key": "k"}\n\nBelow\n'
    parsed = split(broken)
    assert parsed.meta == {"key": "k"}
    assert parsed.meta_problem is not None and "end marker" in parsed.meta_problem
    assert parsed.after == "\n\nBelow\n"
    assert with_meta(broken, META) == "Above\n\n" + render_meta_block(META) + "\n\nBelow\n"


def test_a_json_value_that_is_not_an_object_is_a_problem() -> None:
    parsed = split("<!-- okrflow:meta\n[1, 2]\n-->")
    assert parsed.meta is None and parsed.meta_problem is not None
    assert split("<!-- okrflow:meta -->").meta_problem is not None


def test_a_one_line_block_is_read() -> None:
    assert split('x <!-- okrflow:meta {"key": "k"} --> y').meta == {"key": "k"}


def test_duplicated_blocks_are_reported_and_collapsed_into_one() -> None:
    first = render_meta_block({"key": "a"})
    second = render_meta_block({"key": "b"})
    text = f"Top\n\n{first}\n\nMiddle\n\n{second}\n\nEnd\n"
    parsed = split(text)
    assert parsed.meta == {"key": "a"}
    assert parsed.meta_problem is not None and "2 times" in parsed.meta_problem
    assert parsed.between == ("\n\nMiddle\n\n",)
    out = with_meta(text, META)
    assert out == f"Top\n\n{render_meta_block(META)}\n\nMiddle\n\n\n\nEnd\n"
    assert split(out).meta_problem is None
    assert with_meta(out, META) == out


def test_the_first_readable_duplicate_wins() -> None:
    text = "<!-- okrflow:meta\n{bad}\n-->\n" + render_meta_block({"key": "b"})
    assert split(text).meta == {"key": "b"}


def test_a_section_without_end_marker_is_reported_and_only_the_marker_replaced() -> None:
    text = f"Above\n{SECTION_START}\n| old table |\nBelow\n"
    parsed = split(text)
    assert parsed.section == ""
    assert parsed.section_problem is not None and "no end marker" in parsed.section_problem
    out = with_managed_section(text, "new")
    assert out == f"Above\n{SECTION_START}\nnew\n{SECTION_END}\n| old table |\nBelow\n"
    assert split(out).section_problem is None


def test_stray_and_duplicated_section_markers_are_removed_on_write() -> None:
    text = f"A\n{SECTION_START}\nold\n{SECTION_END}\nB\n{SECTION_START}\nC {SECTION_END}"
    assert split(text).section_problem is not None
    out = with_managed_section(text, "new")
    assert out == f"A\n{SECTION_START}\nnew\n{SECTION_END}\nB\n\nC "
    stray = f"A\n{SECTION_END}\nB"
    assert split(stray).section_problem is not None
    assert with_managed_section(stray, "x") == f"A\n{SECTION_START}\nx\n{SECTION_END}\nB"


def test_meta_inside_the_section_belongs_to_the_section() -> None:
    text = f"{SECTION_START}\n{render_meta_block(META)}\n{SECTION_END}"
    assert split(text).meta is None


def test_metadata_may_not_hold_nan() -> None:
    with pytest.raises(ValueError):
        with_meta("", {"score": float("nan")})


# --- the typed view -----------------------------------------------------------------------


def test_meta_round_trips_through_its_dict() -> None:
    meta = Meta(
        okrflow="0.1.0",
        type="kr",
        key="wau",
        iid=14,
        objective="company-valuable",
        objective_iid=12,
        metric=Metric(MetricKind.LINEAR, 10_000, 15_000, "", Direction.INCREASE),
        weight=2.0,
        owner="bob",
        kind=Kind.ASPIRATIONAL,
        source=MetricSource(SourceKind.QUERY, {"labels": ["bug"], "window_days": 30}),
        checkin=RecordedCheckIn(
            at=dt.datetime(2024, 2, 1, 9, 30, tzinfo=dt.timezone.utc),
            value=12_000,
            confidence=0.7,
            note_id=345,
        ),
        last_comment_id=345,
        extra={"future_key": [1, 2]},
    )
    data = meta.to_dict()
    assert data["metric"] == {
        "kind": "linear",
        "start": 10_000,
        "target": 15_000,
        "unit": "",
        "direction": "increase",
    }
    assert data["future_key"] == [1, 2]
    assert "outcome" not in data
    again, problems = Meta.from_dict(json.loads(json.dumps(data)))
    assert problems == []
    assert again == meta
    assert split(with_meta("", data)).meta == data


def test_meta_parents_accept_keys_or_key_and_iid() -> None:
    meta, problems = Meta.from_dict({"parents": ["a", {"key": "b", "iid": 3}]})
    assert problems == []
    assert meta.parents == (ParentRef("a"), ParentRef("b", 3))
    assert meta.to_dict()["parents"] == [{"key": "a"}, {"key": "b", "iid": 3}]


def test_meta_values_of_the_wrong_shape_are_named_and_left_out() -> None:
    meta, problems = Meta.from_dict(
        {"key": 5, "iid": "12", "kind": "stretch", "metric": {"start": "x"}, "type": "objective"}
    )
    assert meta.key is None and meta.iid is None and meta.kind is None and meta.metric is None
    assert meta.type == "objective"
    assert len(problems) == 4
    assert any("'kind'" in p and "'aspirational'" in p for p in problems)


def test_a_newer_schema_is_reported_and_its_unknown_keys_kept() -> None:
    meta, problems = Meta.from_dict({"schema": 9, "key": "k", "new": {"x": 1}})
    assert any("newer" in p for p in problems)
    assert meta.to_dict() == {"schema": 9, "key": "k", "new": {"x": 1}}


# --- values okrflow writes into a description --------------------------------------------


VALUE_FRAGMENTS = ["/close", "/label ~x", "## Owner", "#12", "```", "~~~", "   /x", "@all", "<!--"]
values = st.lists(
    st.one_of(st.text(), st.sampled_from([*VALUE_FRAGMENTS, "\n", "\r\n", "\r"])), max_size=8
).map("".join)


@given(value=values)
def test_escaped_values_have_no_structure_and_read_back_unchanged(value: str) -> None:
    assume("\\" not in value and "&lt;" not in value and WORD_JOINER not in value)
    escaped = escape_blocks(value)
    assert unescape_blocks(escaped) == value
    assert escape_blocks(escaped) == escaped
    assert "<!--" not in escaped
    for line in re.split(r"\r\n|\r|\n", escaped):
        assert not re.match(r" {0,3}(/|#{1,6}([ \t]|$)|```|~~~)", line), line
        assert not re.search(r"@[A-Za-z0-9_]", line)


def test_mentions_are_neutralised_and_restored() -> None:
    assert neutralize_mentions("@all and &#64;here") == "@\u2060all and @\u2060here"
    assert restore_mentions(neutralize_mentions("ask @bob")) == "ask @bob"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_metadata_block_holding_a_number_json_cannot_write_is_broken_and_rewritten(
    number: str,
) -> None:
    text = f'Mine.\n\n<!-- okrflow:meta\n{{"type": "kr", "weight": {number}}}\n-->\n'
    parsed = split(text)
    assert parsed.meta is None
    assert parsed.meta_problem is not None and "its JSON is not valid" in parsed.meta_problem
    rewritten = with_meta(text, {"type": "kr"})
    assert split(rewritten).meta == {"type": "kr"}
    assert rewritten.startswith("Mine.\n\n<!-- okrflow:meta")


@given(st.dictionaries(st.text(max_size=8), st.text(max_size=30), max_size=4))
def test_marker_comments_read_back_and_cannot_close_their_comment(data: dict[str, str]) -> None:
    from okrflow.core.description import marker_comment, read_marker_comment

    marker = marker_comment("report", data)
    assert marker.count("-->") == 1 and "\n" not in marker
    text = f"Person's text -->\n{marker}\nmore"
    assert read_marker_comment("report", text) == data
    assert read_marker_comment("schedule", text) is None

"""Issue references as people type them: 12, #12, group/project#12, an issue URL."""

from __future__ import annotations

import pytest

from okrflow.adapter.refs import IssueRef, local_iid, parse_ref
from okrflow.errors import EXIT_USAGE, UsageError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", (None, 12)),
        (" 12 ", (None, 12)),
        ("#12", (None, 12)),
        ("acme/okrs#12", ("acme/okrs", 12)),
        ("acme/sub-group/okrs.v2#7", ("acme/sub-group/okrs.v2", 7)),
        ("https://gitlab.example.com/acme/okrs/-/issues/12", ("acme/okrs", 12)),
        ("http://127.0.0.1:8080/acme/sub/okrs/-/issues/3", ("acme/sub/okrs", 3)),
        ("https://gitlab.example.com/acme/okrs/-/issues/12#note_45", ("acme/okrs", 12)),
        ("https://gitlab.example.com/acme/okrs/-/issues/12?tab=x", ("acme/okrs", 12)),
        ("https://gitlab.example.com/acme/okrs/-/work_items/12", ("acme/okrs", 12)),
        ("https://gitlab.example.com/acme/okrs/issues/12", ("acme/okrs", 12)),
    ],
)
def test_every_documented_form_gives_project_and_iid(
    text: str, expected: tuple[str | None, int]
) -> None:
    assert parse_ref(text) == expected


def test_a_reference_is_a_plain_tuple_that_prints_as_gitlab_writes_it() -> None:
    ref = parse_ref("acme/okrs#12")
    assert isinstance(ref, IssueRef) and ref.project == "acme/okrs" and ref.iid == 12
    assert str(ref) == "acme/okrs#12"
    assert str(parse_ref("12")) == "#12"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "twelve",
        "#",
        "12a",
        "-1",
        "0",
        "#0",
        "okrs#12",  # a project needs its namespace
        "acme/okrs#",
        "https://gitlab.example.com/acme/okrs/-/merge_requests/12",
        "https://gitlab.example.com/acme/okrs",
        "ftp://gitlab.example.com/acme/okrs/-/issues/12",
        "#99999999999999",
        "１２",  # full-width digits are not an iid
    ],
)
def test_anything_else_is_a_usage_error_showing_the_forms(text: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_ref(text)
    assert err.value.exit_code == EXIT_USAGE
    assert "group/project#12" in err.value.message and "issue URL" in err.value.message


def test_a_long_bad_reference_is_shortened_in_the_message() -> None:
    with pytest.raises(UsageError) as err:
        parse_ref("x" * 500)
    assert len(err.value.message) < 250


def test_local_iid_accepts_references_into_the_okr_project() -> None:
    assert local_iid("#4", "acme/okrs") == 4
    assert local_iid("ACME/OKRs#4", "acme/okrs") == 4
    assert local_iid("https://gitlab.example.com/acme/okrs/-/issues/4", "acme/okrs") == 4


def test_local_iid_strips_the_path_of_a_gitlab_served_under_a_prefix() -> None:
    url = "https://example.com/gitlab/acme/okrs/-/issues/5"
    assert local_iid(url, "acme/okrs", base_url="https://example.com/gitlab") == 5


def test_local_iid_refuses_another_project_naming_both() -> None:
    with pytest.raises(UsageError) as err:
        local_iid("other/project#4", "acme/okrs")
    assert "other/project" in err.value.message and "acme/okrs" in err.value.message


@pytest.mark.parametrize(
    "ref",
    [
        "12",
        "#12",
        " #12 ",
        "acme/okrs#12",
        "ACME/okrs#12",
        "https://gitlab.example/acme/okrs/-/issues/12",
        "https://gitlab.example/acme/okrs/-/issues/12#note_3",
        "https://gitlab.example/acme/okrs/-/work_items/12",
    ],
)
def test_local_iid_reads_every_documented_form(ref: str) -> None:
    assert local_iid(ref, "acme/okrs", base_url="https://gitlab.example") == 12


def test_local_iid_understands_gitlab_under_a_path() -> None:
    url = "https://example.com/gitlab/acme/okrs/-/issues/7"
    assert local_iid(url, "acme/okrs", base_url="https://example.com/gitlab") == 7


@pytest.mark.parametrize("ref", ["", "#", "12a", "#12 #13", "acme#12x", "http://x/acme/okrs/12"])
def test_local_iid_refuses_what_is_not_one_reference(ref: str) -> None:
    with pytest.raises(UsageError, match="not an issue reference"):
        local_iid(ref, "acme/okrs")

"""okrflow.core.sources: initiatives and GitLab queries over a rolling window, measured."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from okrflow.adapter import IssueRecord, LinkRecord
from okrflow.core.sources import MetricError, QueryOptions, initiatives_value, query_value

UTC = dt.timezone.utc
NOW = dt.datetime(2024, 2, 15, 12, 0, tzinfo=UTC)
OKR_LABELS = ("okr::objective", "okr::key result")


def days_ago(n: float) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def link(iid: int, state: str, labels: Sequence[str] = ()) -> LinkRecord:
    return LinkRecord(
        iid, iid, 7, f"Issue {iid}", state, f"acme/app#{iid}", "relates_to", tuple(labels)
    )


def record(
    iid: int,
    created: dt.datetime,
    closed: dt.datetime | None = None,
    labels: Sequence[str] = ("support",),
) -> IssueRecord:
    return IssueRecord(
        iid=iid,
        id=iid,
        project_id=1,
        title=f"Ticket {iid}",
        description="",
        labels=tuple(labels),
        state="closed" if closed else "opened",
        web_url="",
        reference=f"#{iid}",
        author=None,
        assignees=(),
        created_at=created,
        updated_at=closed or created,
        closed_at=closed,
        user_notes_count=0,
    )


# -- initiatives --------------------------------------------------------------------------


def test_initiatives_are_closed_over_all_linked_issues_leaving_out_the_okr_hierarchy() -> None:
    links = [
        link(1, "closed"),
        link(2, "opened"),
        link(3, "closed"),
        link(4, "opened"),
        link(9, "opened", ["okr::objective", "FY24-Q1"]),  # the KR's objective: not work
    ]
    measured = initiatives_value(links, unit="%", okr_labels=OKR_LABELS)
    assert measured.value == 50.0
    assert measured.initiatives is not None and len(measured.initiatives) == 4
    assert initiatives_value(links, okr_labels=OKR_LABELS).value == 0.5  # no unit: a fraction
    assert initiatives_value(links, options={"measure": "count"}, okr_labels=OKR_LABELS).value == 2


def test_initiatives_without_any_link_give_no_value_and_say_what_to_do() -> None:
    measured = initiatives_value([link(9, "opened", ["okr::objective"])], okr_labels=OKR_LABELS)
    assert measured.value is None
    assert measured.problem is not None and "link the issues" in measured.problem


# -- queries --------------------------------------------------------------------------------


def test_query_options_are_checked_with_clear_messages() -> None:
    assert QueryOptions.from_options({"labels": "support, bug"}).labels == ("support", "bug")
    for options, words in [
        ({"state": "done"}, "state 'done' is unknown"),
        ({"measure": "mean"}, "measure 'mean' is unknown"),
        ({"window_days": 0}, "window_days must be a number above 0"),
        ({"labels": [1]}, "labels must be a list"),
        ({"project": "a/b", "group": "a"}, "not both"),
        ({"lables": ["x"]}, "unknown query option 'lables'"),
    ]:
        with pytest.raises(MetricError, match=words):
            QueryOptions.from_options(options)


def test_count_of_issues_closed_in_the_window_ignores_older_and_open_ones() -> None:
    records = [
        record(1, days_ago(40), days_ago(29)),  # closed inside the 30 days
        record(2, days_ago(10), days_ago(2)),
        record(3, days_ago(50), days_ago(31)),  # closed before the window
        record(4, days_ago(5)),  # still open
        record(5, days_ago(3), days_ago(1), labels=("bug",)),  # another label
    ]
    options = QueryOptions.from_options({"labels": ["support"], "state": "closed"})
    assert query_value(records, options, now=NOW).value == 2


def test_share_closed_within_days_and_median_days_to_close_in_the_key_results_unit() -> None:
    records = [
        record(1, days_ago(20), days_ago(18)),  # 2 days
        record(2, days_ago(20), days_ago(10)),  # 10 days
        record(3, days_ago(15), days_ago(9)),  # 6 days
        record(4, days_ago(5)),  # open
    ]
    share = QueryOptions.from_options({"measure": "share", "within_days": 7})
    assert query_value(records, share, now=NOW, unit="%").value == 50.0
    median = QueryOptions.from_options({"measure": "median_days_to_close"})
    assert query_value(records, median, now=NOW).value == pytest.approx(6.0)
    assert query_value(records, median, now=NOW, unit="h").value == pytest.approx(144.0)


def test_an_empty_window_gives_no_share_rather_than_zero() -> None:
    share = QueryOptions.from_options({"measure": "share"})
    assert query_value([], share, now=NOW).value is None
